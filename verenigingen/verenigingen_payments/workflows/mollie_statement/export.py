"""Export the primary Mollie balance of a period as CAMT.053: opening and closing from Mollie's own
balance report (available + pending), every balance transaction of the period as entries. A period
whose transactions do not add up to the report's movement is refused rather than written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from ...bank.camt053_writer import camt053_bytes
from ...bank.statement import BankStatement
from ...clients import BalancesClient, MollieConfig, SettlementsClient
from ...core.calendar import AMSTERDAM, amsterdam_day
from ...core.errors import MollieError
from ..reconciliation.mollie_inputs import report_from
from .entries import MollieMovement, statement_entries

CONTEXT_IDS = ("paymentId", "refundId", "chargebackId", "captureId", "settlementId", "invoiceId", "transferId")


class ExportMismatch(MollieError):
    """Mollie's balance report and its transactions disagree for the period."""


@dataclass(frozen=True)
class MollieStatementFile:
    filename: str
    data: bytes
    statement: BankStatement


def export_mollie_statement(config: MollieConfig, from_date: date, until: date) -> MollieStatementFile:
    """[from_date, until) in Amsterdam days."""
    balances = BalancesClient(config)
    balance = balances.get_primary_balance()
    report = report_from(balances.get_report(balance.id, from_date, until), balance.currency)
    movements = []
    for model in balances.iter_transactions(balance.id):  # newest first
        day = amsterdam_day(model.created_at)
        if day < from_date:
            break
        if day < until:
            movements.append(_movement(model))
    settlements = list(SettlementsClient(config).iter_settlements(balance_id=balance.id))
    references = {s.id: s.reference or "" for s in settlements}
    entries = statement_entries(movements, references, _invoice_splits(settlements))
    opening = report.open_available.value + report.open_pending.value
    closing = report.close_available.value + report.close_pending.value
    total = opening + sum((x.amount for x in entries.lines), Decimal(0))
    if total != closing:
        raise ExportMismatch(f"balance {balance.id} {from_date} – {until}: opening {opening} plus the transactions "
                             f"is {total}, Mollie's report closes at {closing}")
    last = until - timedelta(days=1)
    statement = BankStatement(source="mollie", format="camt.053.001.02",
                              statement_id=f"{balance.id}-{from_date:%Y%m%d}-{last:%Y%m%d}", iban=balance.id,
                              currency=balance.currency, from_date=from_date, to_date=last, opening=opening,
                              closing=closing, lines=tuple(entries.lines), account_name=f"Mollie {balance.currency}")
    created = datetime.combine(until, time(0), AMSTERDAM)
    data = camt053_bytes([statement], f"MOLLIE-{from_date:%Y%m%d}-{last:%Y%m%d}", created, codes=entries.codes)
    return MollieStatementFile(f"mollie-{balance.id}-{from_date:%Y%m%d}-{last:%Y%m%d}.xml", data, statement)


def _movement(model) -> MollieMovement:
    context = model.context if isinstance(model.context, dict) else {}
    ids, description = {}, ""
    for node in context.values():
        if isinstance(node, dict):
            ids.update({k: v for k, v in node.items() if k in CONTEXT_IDS and isinstance(v, str)})
            description = description or str(node.get("paymentDescription") or "")
    deductions = model.deductions.value if model.deductions is not None else Decimal(0)
    return MollieMovement(model.id, str(model.type), model.created_at, model.initial_amount.value, deductions,
                          model.initial_amount.currency, ids, description)


def _invoice_splits(settlements) -> dict[str, tuple[Decimal, Decimal]]:
    """Invoice id → (net, VAT) from the settlements' "Invoice compensation inv_…" costs lines."""
    splits = {}
    for s in settlements:
        for months in (s.periods or {}).values():
            for period in months.values():
                for cost in period.get("costs") or []:
                    words = str(cost.get("description", "")).split()
                    if words[:2] == ["Invoice", "compensation"] and len(words) == 3 and cost.get("amountVat"):
                        splits[words[2]] = (Decimal(cost["amountNet"]["value"]), Decimal(cost["amountVat"]["value"]))
    return splits
