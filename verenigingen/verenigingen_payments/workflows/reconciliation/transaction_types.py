"""What each balance transaction type means: its report category, its direction and its term in a
settlement.

Held to the spec's `balance-transaction` (`type` enum and the `context` list per type). Direction is
the sign of `initialAmount` Mollie documents ("if the transaction moves funds away from the balance
… the amount will be negative"): +1 money in, -1 money out, 0 either way (a correction).
`settles_as` names the settlement term a type is (`LineKind` value) when the settlement of its moment
pays it out without a list for it (a chargeback reversal, a returned refund, a returned or canceled
payout paid again, a correction, an unauthorized direct debit, a chargeback compensation). None for a
type with its own settlement list (payment, capture, refund, chargeback), for the payout itself
(`outgoing-transfer`), for a failed payment (its funds were still pending: never available, never
settled), for a refund compensation (the canceled refund leaves the settlement's list with it) and for
the invoice compensation (a costs line of the settlement's `periods`, already subtracted as costs).
`optional` terms may be missing from the settlement without it being a lines mismatch: their absence
is its own finding (a returned payout never paid again; a correction, unexplained by nature).
"""

from __future__ import annotations

from dataclasses import dataclass

IN, OUT, EITHER = 1, -1, 0


@dataclass(frozen=True, slots=True)
class TypeInfo:
    category: str
    direction: int
    settles_as: str | None = None
    needs_reference: bool = True
    optional: bool = False


def _types() -> dict[str, TypeInfo]:
    t: dict[str, TypeInfo] = {}

    def add(category: str, direction: int, names: tuple[str, ...], settles: bool = False,
            needs_reference: bool = True, optional: bool = False) -> None:
        for name in names:
            t[name] = TypeInfo(category, direction, name if settles else None, needs_reference, optional)

    add("payments", IN, ("payment", "capture", "split-payment", "split-transaction"))
    add("payments", OUT, ("application-fee", "failed-platform-split-payment"))
    add("payments", OUT, ("failed-payment",))
    add("payments", OUT, ("unauthorized-direct-debit",), settles=True)
    add("refunds", OUT, ("refund", "platform-payment-refund"))
    add("refunds", IN, ("returned-platform-payment-refund",))
    add("refunds", IN, ("refund-compensation",))
    add("refunds", IN, ("returned-refund",), settles=True)
    add("refunds", OUT, ("returned-refund-compensation",), settles=True)
    add("chargebacks", OUT, ("chargeback", "platform-payment-chargeback"))
    add("chargebacks", IN, ("chargeback-reversal",), settles=True)
    add("chargebacks", IN, ("reversed-platform-payment-chargeback",))
    add("chargebacks", IN, ("chargeback-compensation",), settles=True)
    add("chargebacks", OUT, ("reversed-chargeback-compensation",), settles=True)
    add("transfers", OUT, ("outgoing-transfer", "outgoing-custom-amount-transfer"))
    add("transfers", IN, ("canceled-outgoing-transfer", "canceled-transfer", "returned-transfer"), settles=True,
        optional=True)
    add("transfers", IN, ("incoming-transfer",))
    add("fee-prepayments", OUT, ("fee-prepayment", "payment-fee", "balance-charge-fee",
                                 "failed-split-payment-compensation"), needs_reference=False)
    add("corrections", OUT, ("invoice-compensation",), needs_reference=False)
    add("corrections", EITHER, ("invoice-rounding-compensation",), needs_reference=False)
    add("capital", IN, ("loan",), needs_reference=False)
    add("capital", OUT, ("repayment",), needs_reference=False)
    add("topups", IN, ("topup", "balance-topup"), needs_reference=False)
    add("corrections", EITHER, ("balance-correction", "movement"), settles=True, needs_reference=False,
        optional=True)
    return t


TRANSACTION_TYPES: dict[str, TypeInfo] = _types()
REVERSAL = "chargeback-reversal"
CATEGORY_OF_TYPE: dict[str, str] = {name: info.category for name, info in TRANSACTION_TYPES.items()}
# Types Mollie books without naming a cause; each one needs a human to explain it.
UNEXPLAINED_BY_NATURE = frozenset({"balance-correction", "movement"})
NEEDS_REFERENCE = frozenset(name for name, info in TRANSACTION_TYPES.items() if info.needs_reference)
# Types with no list of their own in a settlement: their amounts are terms of the settlement arithmetic.
SETTLEMENT_TERMS = frozenset(info.settles_as for info in TRANSACTION_TYPES.values() if info.settles_as)
OPTIONAL_TERMS = frozenset(info.settles_as for info in TRANSACTION_TYPES.values() if info.settles_as and info.optional)
TRANSFER_RETURNS = frozenset({"returned-transfer", "canceled-transfer", "canceled-outgoing-transfer"})


def against_direction(type_: str, value) -> bool:
    """True when a transaction's amount has the sign opposite to what its type documents."""
    info = TRANSACTION_TYPES.get(type_)
    if info is None or info.direction == EITHER or not value:
        return False
    return (value > 0) != (info.direction > 0)
