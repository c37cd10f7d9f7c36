"""Adapters: the clients' typed Mollie models → the engine's inputs and ledger records.

Everything Mollie sends is parsed strictly (a bad amount raises `ResponseParseError` naming the
field); nested JSON the clients keep raw (`periods`, report `totals`, transaction `context`) is
read here with the same rule.
"""

from __future__ import annotations

from typing import Any

from ...core.errors import ResponseParseError
from ...core.models.money import Amount
from ...store.ledger import LedgerPayment
from .inputs import (
    BalanceReport, BalanceTransaction, CategoryTotals, LineKind, PeriodLine, Settlement, SettlementLine,
    SettlementPeriod,
)
from .transaction_types import SETTLEMENT_TERMS

_CONTEXT_IDS = ("paymentId", "refundId", "chargebackId", "settlementId", "captureId", "invoiceId", "transferId")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def settlement_from(model) -> Settlement:
    amount = model.amount
    periods = []
    for year, months in sorted((model.periods or {}).items()):
        for month, period in sorted(months.items()):
            where = f"periods.{year}.{month}"
            periods.append(SettlementPeriod(
                int(year), int(month),
                tuple(_period_line(x, f"{where}.revenue[{i}]") for i, x in enumerate(period.get("revenue") or [])),
                tuple(_period_line(x, f"{where}.costs[{i}]") for i, x in enumerate(period.get("costs") or [])),
            ))
    return Settlement(model.id, str(model.status), amount, model.balance_id, model.reference,
                      model.created_at, model.settled_at, tuple(periods))


def _period_line(data: dict, where: str) -> PeriodLine:
    if not isinstance(data, dict):
        raise ResponseParseError(f"cannot parse {where}: expected an object", field=where)
    vat = data.get("amountVat")
    count = data.get("count", 0)
    if not isinstance(count, int):
        raise ResponseParseError(f"cannot parse {where}.count: {count!r}", field=f"{where}.count")
    return PeriodLine(
        str(data.get("description", "")), data.get("method"), count,
        Amount.parse(data.get("amountNet"), f"{where}.amountNet"),
        None if vat is None else Amount.parse(vat, f"{where}.amountVat"),
        Amount.parse(data.get("amountGross"), f"{where}.amountGross"),
    )


def payment_line(model) -> SettlementLine:
    return SettlementLine(LineKind.PAYMENT, model.id, model.id, model.settlement_amount, model.amount,
                          _text(model.status), model.created_at, model.settlement_id)


def refund_line(model) -> SettlementLine:
    return SettlementLine(LineKind.REFUND, model.id, model.payment_id or "", model.settlement_amount, model.amount,
                          _text(model.status), model.created_at, model.settlement_id)


def chargeback_line(model) -> SettlementLine:
    return SettlementLine(LineKind.CHARGEBACK, model.id, model.payment_id, model.settlement_amount, model.amount,
                          None, model.created_at, model.settlement_id)


def capture_line(model) -> SettlementLine:
    return SettlementLine(LineKind.CAPTURE, model.id, model.payment_id or "", model.settlement_amount, model.amount,
                          _text(model.status), model.created_at, model.settlement_id)


def reversal_line(model) -> SettlementLine | None:
    """The chargeback's reversal as a settlement term (the amount back, dated `reversedAt`), or
    None when it was not reversed. Its settlement amount is the chargeback's, sign turned."""
    if model.reversed_at is None:
        return None
    back = None if model.settlement_amount is None else -model.settlement_amount
    return SettlementLine(LineKind.CHARGEBACK_REVERSAL, model.id, model.payment_id, back, model.amount,
                          None, model.reversed_at, None)


def transaction_line(tx: BalanceTransaction) -> SettlementLine | None:
    """A balance transaction a settlement pays out without listing it (see `SETTLEMENT_TERMS`)
    as a settlement term, or None for every other type."""
    if tx.type not in SETTLEMENT_TERMS:
        return None
    return SettlementLine(LineKind(tx.type), tx.id, tx.payment_id or "", tx.initial_amount, None, None,
                          tx.created_at, tx.settlement_id)


def _context_ids(context: Any) -> dict[str, str]:
    """Ids named anywhere in a transaction's context (flat or nested per type, as Mollie varies)."""
    found: dict[str, str] = {}
    stack = [context]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in _CONTEXT_IDS and isinstance(value, str):
                    found.setdefault(key, value)
                elif isinstance(value, dict):
                    stack.append(value)
    return found


def transaction_from(model) -> BalanceTransaction:
    ids = _context_ids(model.context)
    return BalanceTransaction(
        model.id, str(model.type), model.result_amount, model.initial_amount, model.deductions, model.created_at,
        payment_id=ids.get("paymentId"), refund_id=ids.get("refundId"), chargeback_id=ids.get("chargebackId"),
        settlement_id=ids.get("settlementId"), capture_id=ids.get("captureId"), invoice_id=ids.get("invoiceId"),
        transfer_id=ids.get("transferId"),
    )


def report_from(model, currency: str) -> BalanceReport:
    """A transaction-categories report; a missing sub-group counts as zero, a bad one is an error."""
    totals = model.totals or {}
    zero = Amount.zero(currency)

    def sub(group: dict, key: str, where: str) -> Amount:
        node = (group or {}).get(key)
        if not node:
            return zero
        return Amount.parse(node.get("amount"), f"totals.{where}.{key}.amount")

    categories: dict[str, CategoryTotals] = {}
    for name, group in totals.items():
        if name in ("open", "close") or not isinstance(group, dict):
            continue
        categories[name] = CategoryTotals(
            sub(group, "pending", name), sub(group, "movedToAvailable", name), sub(group, "immediatelyAvailable", name))
    open_, close = totals.get("open") or {}, totals.get("close") or {}
    return BalanceReport(
        model.balance_id, currency, model.from_, model.until,
        sub(open_, "pending", "open"), sub(open_, "available", "open"),
        sub(close, "pending", "close"), sub(close, "available", "close"), categories,
    )


def ledger_payment_from(model) -> LedgerPayment:
    metadata = model.metadata if isinstance(model.metadata, dict) else {}
    member = metadata.get("member") or metadata.get("member_id") or metadata.get("memberReference")
    return LedgerPayment(
        id=model.id, amount=model.amount, status=str(model.status), created_at=model.created_at,
        method=_text(model.method), sequence_type=_text(model.sequence_type), customer_id=model.customer_id,
        member_reference=_text(member), subscription_id=model.subscription_id, mandate_id=model.mandate_id,
        paid_at=model.paid_at, amount_refunded=model.amount_refunded, amount_charged_back=model.amount_charged_back,
        amount_captured=model.amount_captured, settlement_id=model.settlement_id, settlement_amount=model.settlement_amount,
    )


