"""Mollie's side of the match, fetched through the clients: the primary balance's payouts (each
`outgoing-transfer` with its settlement, and any `returned-transfer`/`canceled-transfer` of it) and
the balance report per month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ...clients import BalancesClient, MollieConfig, SettlementsClient
from ...core.calendar import amsterdam_day
from ..reconciliation.mollie_inputs import report_from, transaction_from
from .inputs import Payout
from .summary import MollieMovements

TRANSFER_TYPES = ("outgoing-transfer", "returned-transfer", "canceled-transfer")


def fetch_payouts(config: MollieConfig, from_date: date, until: date) -> tuple[str, str, list[Payout]]:
    """(balance id, currency, payouts of the primary balance paid out in [from_date, until)); the
    transactions are read newest first down to `from_date` only."""
    balance = BalancesClient(config).get_primary_balance()
    transfers = {t: {} for t in TRANSFER_TYPES}
    outgoing = []
    for model in BalancesClient(config).iter_transactions(balance.id):  # newest first
        if amsterdam_day(model.created_at) < from_date:
            break  # a payout's return or cancelation comes after it: nothing older is needed
        if str(model.type) not in TRANSFER_TYPES:
            continue
        tx = transaction_from(model)
        if tx.settlement_id is None:
            continue
        transfers[tx.type][tx.settlement_id] = tx
        if tx.type == "outgoing-transfer":
            outgoing.append(tx)
    references = {s.id: s.reference or "" for s in SettlementsClient(config).iter_settlements(balance_id=balance.id)}
    payouts = []
    for tx in outgoing:
        day = amsterdam_day(tx.created_at)
        if not from_date <= day < until:
            continue
        sid = tx.settlement_id
        payouts.append(Payout(
            settlement_id=sid, reference=references.get(sid, ""), amount=-tx.result_amount.value,
            currency=tx.result_amount.currency, paid_at=tx.created_at, paid_day=day, transfer_tx=tx.id,
            returned_tx=getattr(transfers["returned-transfer"].get(sid), "id", ""),
            canceled_tx=getattr(transfers["canceled-transfer"].get(sid), "id", "")))
    return balance.id, balance.currency, sorted(payouts, key=lambda p: p.paid_at)


def fetch_movements(config: MollieConfig, balance_id: str, currency: str, months: list[date]) -> dict[str, MollieMovements]:
    """Per month (its first day given) the balance report's opening, closing and transfers."""
    out = {}
    for first in months:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        report = report_from(BalancesClient(config).get_report(balance_id, first, following), currency)
        transfers = report.categories.get("transfers")
        out[f"{first:%Y-%m}"] = MollieMovements(
            report.open_available.value + report.open_pending.value,
            report.close_available.value + report.close_pending.value,
            transfers.movement.value if transfers else Decimal(0))
    return out
