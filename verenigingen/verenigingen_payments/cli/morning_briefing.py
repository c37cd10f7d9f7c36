"""What finance staff read first every morning, fetched through the clients: balances, the open
and next settlement, recent settlements and recent chargebacks with their SEPA reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from ..clients import BalancesClient, ChargebacksClient, MollieConfig, SettlementsClient
from ..core.calendar import AMSTERDAM
from ..core.errors import NotFoundError
from ..core.models.money import Amount
from ..core.models.balances import Balance, Settlement
from ..core.models.payments import Chargeback
from ..disputes.reason_codes import explain_reason



@dataclass
class MorningBriefing:
    balances: list[Balance]
    open_settlement: Settlement | None
    next_settlement: Settlement | None
    recent_settlements: list[Settlement] = field(default_factory=list)
    recent_chargebacks: list[Chargeback] = field(default_factory=list)
    captures: dict[str, tuple[int, Amount | None]] = field(default_factory=dict)


def fetch_briefing(config: MollieConfig, *, recent: int = 5) -> MorningBriefing:
    settlements = SettlementsClient(config)
    recent_settlements = list(islice(settlements.iter_settlements(), recent))
    return MorningBriefing(
        balances=BalancesClient(config).list_balances(),
        open_settlement=_optional(settlements.get_open),
        next_settlement=_optional(settlements.get_next),
        recent_settlements=recent_settlements,
        recent_chargebacks=list(islice(ChargebacksClient(config).iter_chargebacks(), recent)),
        captures={s.id: _captures(settlements, s) for s in recent_settlements},
    )


def _captures(settlements: SettlementsClient, settlement: Settlement) -> tuple[int, Amount | None]:
    """How many captures a settlement pays out and their total in its currency."""
    count, total = 0, Amount.zero(settlement.amount.currency)
    for capture in settlements.iter_captures(settlement.id):
        count += 1
        money = capture.settlement_amount or capture.amount
        total = total + money if money.currency == total.currency else total
    return count, total if count else None


def _totals_per_currency(balances: list[Balance]) -> list[str]:
    sums: dict[str, list[Amount]] = {}
    for b in balances:
        pending, available = sums.setdefault(b.currency, [Amount.zero(b.currency), Amount.zero(b.currency)])
        sums[b.currency] = [pending + b.pending_amount, available + b.available_amount]
    return [f"- {currency}: pending {pending.formatted_value()}, available {available.formatted_value()}"
            for currency, (pending, available) in sorted(sums.items())]


def _optional(fetch):
    """Mollie answers 404 when there is no open or next settlement: that is news, not an error."""
    try:
        return fetch()
    except NotFoundError:
        return None


def _day(moment: datetime | None) -> str:
    return moment.astimezone(AMSTERDAM).strftime("%Y-%m-%d") if moment else "—"


def _settlement_line(label: str, settlement: Settlement | None) -> str:
    if settlement is None:
        return f"- {label}: none"
    named = "" if settlement.id in ("open", "next") else f"{settlement.id}, "
    return f"- {label}: {settlement.amount} ({named}{settlement.status})"


def render_briefing(briefing: MorningBriefing) -> str:
    out = ["## Balances", "", "| balance | currency | status | available | pending |",
           "| --- | --- | --- | ---: | ---: |"]
    for b in briefing.balances:
        out.append(f"| {b.id} | {b.currency} | {b.status} | {b.available_amount.formatted_value()} "
                   f"| {b.pending_amount.formatted_value()} |")
    out += ["", "Per currency (pending funds become available after their hold time):", ""]
    out += _totals_per_currency(briefing.balances)
    out += ["", "## Settlements", "", _settlement_line("open (not yet paid out)", briefing.open_settlement),
            _settlement_line("next payout", briefing.next_settlement), "",
            "| settlement | reference | status | settled | captures | amount |",
            "| --- | --- | --- | --- | ---: | ---: |"]
    for s in briefing.recent_settlements:
        count, total = briefing.captures.get(s.id, (0, None))
        captured = f"{total} ({count})" if total is not None else "—"
        out.append(f"| {s.id} | {s.reference or '—'} | {s.status} | {_day(s.settled_at)} | {captured} | {s.amount} |")
    out += ["", "## Recent chargebacks", ""]
    if not briefing.recent_chargebacks:
        out.append("No chargebacks.")
    else:
        out += ["| chargeback | payment | date | amount | reason |", "| --- | --- | --- | ---: | --- |"]
        for c in briefing.recent_chargebacks:
            code = (c.reason or {}).get("code")
            info = explain_reason(code)
            out.append(f"| {c.id} | {c.payment_id} | {_day(c.created_at)} | {c.amount} "
                       f"| {code or '—'}: {info.title} |")
    return "\n".join(out) + "\n"
