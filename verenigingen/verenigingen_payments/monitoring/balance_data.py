"""Reading what the forecast and the drop check need from Mollie: a balance's transactions back to
a moment, and its settlement schedule (cutoffs, amounts, payout times).

Mollie lists both newest first, so reading stops at the first item older than needed; a listing
in the other order (the emulator's settlements are newest first, so are its transactions) is read
to its end and filtered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from ..clients import BalancesClient, SettlementsClient
from ..core.models import Balance, Settlement
from .forecast import Flow, SettlementMark

PAYOUT = "outgoing-transfer"
SCHEDULE_STATUSES = ("pending", "paidout")
SCHEDULE_LOOKBACK = timedelta(days=120)


def _until(items: Iterable, since: datetime) -> Iterator:
    previous = None
    for item in items:
        created = item.created_at
        if created < since:
            if previous is not None and created <= previous:
                return
            continue
        previous = created
        yield item


def read_flows(client: BalancesClient, balance: Balance, since: datetime) -> list[Flow]:
    return [Flow(t.created_at, t.result_amount.value, str(t.type.value) == PAYOUT)
            for t in _until(client.iter_transactions(balance.id), since)]


def read_schedule(client: SettlementsClient, balance: Balance, as_of: datetime) -> list[SettlementMark]:
    marks = []
    for s in _until(client.iter_settlements(balance_id=balance.id), as_of - SCHEDULE_LOOKBACK):
        if str(s.status.value) in SCHEDULE_STATUSES and s.balance_id == balance.id:
            marks.append(settlement_mark(s))
    return marks


def settlement_mark(s: Settlement) -> SettlementMark:
    return SettlementMark(s.created_at, s.amount.value, s.settled_at if str(s.status.value) == "paidout" else None)
