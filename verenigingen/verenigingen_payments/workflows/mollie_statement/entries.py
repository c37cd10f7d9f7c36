"""Balance transactions → statement entries, the way a bookkeeper wants them: each payment gross,
the fees withheld as their own entries per day (net and 21 % VAT apart: Mollie B.V. is Dutch, so
its fees carry domestic VAT, rounded per payment as Mollie rounds them), refunds, chargebacks,
reversals, invoice compensation (net and VAT from the settlement's costs line) and payouts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from ...bank.camt053_writer import CHARGES, ISSUED_TRANSFER, RECEIVED_TRANSFER, RETURNED_TRANSFER, TransactionCode
from ...bank.statement import BankLine
from ...core.calendar import amsterdam_day

VAT_RATE = Decimal("0.21")
CENT = Decimal("0.01")

LABELS = {
    "payment": "Betaling", "capture": "Capture", "refund": "Terugbetaling", "chargeback": "Chargeback",
    "chargeback-reversal": "Chargeback teruggedraaid", "failed-payment": "Mislukte incasso",
    "returned-refund": "Terugbetaling retour", "refund-compensation": "Terugbetaling geannuleerd",
    "outgoing-transfer": "Uitbetaling naar bank", "returned-transfer": "Uitbetaling retour",
    "canceled-transfer": "Uitbetaling geannuleerd", "invoice-compensation": "Factuur verrekend",
    "balance-correction": "Correctie saldo",
}
RETURN_TYPES = ("returned-transfer", "canceled-transfer", "returned-refund", "chargeback-reversal")


@dataclass(frozen=True)
class MollieMovement:
    """One balance transaction with what the statement needs of its context."""

    id: str
    type: str
    created_at: datetime
    initial: Decimal
    deductions: Decimal
    currency: str
    ids: dict = field(default_factory=dict)  # paymentId, refundId, settlementId, invoiceId …
    description: str = ""


def fee_split(fee: Decimal) -> tuple[Decimal, Decimal]:
    """(net, VAT) of a fee including 21 % VAT, as Mollie rounds it per payment (VAT = round(net × 0.21))."""
    net = (fee / (1 + VAT_RATE)).quantize(CENT, ROUND_HALF_UP)
    return net, fee - net


@dataclass
class StatementEntries:
    lines: list[BankLine]
    codes: dict[str, TransactionCode]


def statement_entries(movements: list[MollieMovement], references: dict[str, str],
                      invoice_splits: dict[str, tuple[Decimal, Decimal]]) -> StatementEntries:
    """`references`: settlement id → its reference; `invoice_splits`: invoice id → (net, VAT) compensated."""
    by_day: dict[date, list[MollieMovement]] = defaultdict(list)
    for m in sorted(movements, key=lambda x: (x.created_at, x.id)):
        by_day[amsterdam_day(m.created_at)].append(m)
    lines, codes = [], {}
    for day in sorted(by_day):
        net = vat = Decimal(0)
        for m in by_day[day]:
            for line, code in _entries(m, day, references, invoice_splits):
                lines.append(line)
                codes[line.entry_ref] = code
            if m.deductions:
                fee_net, fee_vat = fee_split(-m.deductions)
                net, vat = net + fee_net, vat + fee_vat
        if net or vat:
            currency = by_day[day][0].currency
            for ref, amount, text in ((f"fee-{day:%Y%m%d}", -net, f"Mollie transactiekosten {day} (excl. btw)"),
                                      (f"vat-{day:%Y%m%d}", -vat, f"Btw 21% over Mollie transactiekosten {day}")):
                if amount:
                    lines.append(BankLine(ref, "AcctSvcrRef", day, day, amount, currency, counterparty_name="Mollie B.V.",
                                          remittance=text))
                    codes[ref] = CHARGES
    return StatementEntries(lines, codes)


def _entries(m: MollieMovement, day: date, references: dict, invoice_splits: dict):
    label = LABELS.get(m.type, m.type)
    if m.type == "invoice-compensation":
        invoice = m.ids.get("invoiceId", "")
        net, vat = invoice_splits.get(invoice) or fee_split(-m.initial)
        yield _line(m, m.id, day, -net, f"{label} {invoice} (excl. btw)", "Mollie B.V."), CHARGES
        if vat:
            yield _line(m, f"{m.id}-vat", day, -vat, f"Btw 21% {label.lower()} {invoice}", "Mollie B.V."), CHARGES
        return
    settlement = m.ids.get("settlementId", "")
    about = " ".join(x for x in (m.ids.get("paymentId"), m.ids.get("refundId"), m.ids.get("chargebackId"),
                                 m.ids.get("captureId"), references.get(settlement, ""), settlement, m.description) if x)
    code = RETURNED_TRANSFER if m.type in RETURN_TYPES else (RECEIVED_TRANSFER if m.initial > 0 else ISSUED_TRANSFER)
    yield _line(m, m.id, day, m.initial, f"{label} {about}".strip(), ""), code


def _line(m: MollieMovement, ref: str, day: date, amount: Decimal, text: str, party: str) -> BankLine:
    return BankLine(ref, "AcctSvcrRef", day, day, amount, m.currency, counterparty_name=party, remittance=text[:140],
                    end_to_end_id=m.ids.get("paymentId") or m.ids.get("settlementId") or "")
