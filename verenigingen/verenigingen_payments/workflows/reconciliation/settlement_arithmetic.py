"""Does a settlement add up? Its lines and its `periods` against its amount, in its own currency.

    lines:   payments + captures + refunds + chargebacks (its four lists)
             + chargeback reversals + every other term it pays out without listing it (returned
               refunds, refund compensations, failed and unauthorized direct debits, chargeback
               compensations, invoice compensations, corrections: `LineKind`)
             − costs (gross, i.e. net + VAT, from `periods`)
    periods: revenue (gross) − costs (gross)

Every term carries Mollie's sign (refunds, chargebacks, failed payments, invoice compensations
negative; reversals, returned refunds, compensations positive), so the lines check is one sum.
Only settlement amounts in the settlement's currency are summed: a payment in another currency
counts with its `settlementAmount`; a line whose settlement amount is in another currency is
named, never added into this currency's total.

Both must equal the settlement amount within the tolerance, and each cost line's net + VAT must
equal its gross. Lines are summed as they stream by (`SettlementSums.add`), so a settlement of
any size is checked in constant memory. Differences the matching step already explains (a
payment the settlement should list but does not, a line listed twice) are passed in as
`explained` so they are reported once, under their own kind, not again as a lines mismatch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from ...core.models.money import Amount
from .discrepancy import Discrepancy, DiscrepancyKind, make_discrepancy, money
from .inputs import LineKind, Settlement, SettlementLine
from .tolerance import Tolerance
from .transaction_types import OPTIONAL_TERMS

MAX_OPTIONAL = 8  # subsets tried when optional terms may be missing (2^8 sums at most)


@dataclass
class SettlementSums:
    """Running sums of one settlement's lines, in the settlement's currency."""

    currency: str
    by_kind: dict[LineKind, Amount] = field(default_factory=dict)
    counts: dict[LineKind, int] = field(default_factory=dict)
    foreign_currency_lines: list[str] = field(default_factory=list)
    unsettled_lines: int = 0
    optional: list[SettlementLine] = field(default_factory=list)

    def add(self, line: SettlementLine) -> None:
        self.counts[line.kind] = self.counts.get(line.kind, 0) + 1
        amount = line.settlement_amount
        if amount is None:
            self.unsettled_lines += 1
            return
        if amount.currency != self.currency:
            self.foreign_currency_lines.append(line.id)
            return
        self.by_kind[line.kind] = self.by_kind.get(line.kind, Amount.zero(self.currency)) + amount
        if line.kind.value in OPTIONAL_TERMS:
            self.optional.append(line)

    def of(self, kind: LineKind) -> Amount:
        return self.by_kind.get(kind, Amount.zero(self.currency))

    @property
    def lines_total(self) -> Amount:
        result = Amount.zero(self.currency)
        for amount in self.by_kind.values():
            result = result + amount
        return result


@dataclass(frozen=True)
class PeriodSums:
    revenue_gross: Amount
    costs_net: Amount
    costs_vat: Amount
    costs_gross: Amount
    vat_breaks: tuple[str, ...]


def sum_periods(settlement: Settlement, tolerance: Tolerance) -> PeriodSums:
    zero = Amount.zero(settlement.currency)
    revenue, net, vat, gross = zero, zero, zero, zero
    breaks: list[str] = []
    for period in settlement.periods:
        label = f"{period.year:04d}-{period.month:02d}"
        for line in period.revenue:
            revenue = revenue + line.amount_gross
        for line in period.costs:
            line_vat = line.amount_vat or Amount.zero(line.amount_net.currency)
            net, vat, gross = net + line.amount_net, vat + line_vat, gross + line.amount_gross
            if not tolerance.agrees(line.amount_net + line_vat, line.amount_gross):
                breaks.append(
                    f"{label} costs '{line.description}': net {line.amount_net.value} + VAT "
                    f"{line_vat.value} != gross {line.amount_gross.value}"
                )
    return PeriodSums(revenue, net, vat, gross, tuple(breaks))


def unpaid_optional_terms(settlement: Settlement, sums: SettlementSums, tolerance: Tolerance,
                          explained: Amount | None = None) -> list[SettlementLine]:
    """The fewest optional terms (returned payouts to pay again, corrections) whose absence makes the
    lines agree with the settlement amount or, failing that, with its `periods` (a settlement that
    also does not add up for another reason still says in its periods what it paid again); [] when
    the lines agree with all of them or no subset explains the difference."""
    zero = Amount.zero(settlement.currency)
    periods = sum_periods(settlement, tolerance)
    from_lines = sums.lines_total - periods.costs_gross + (explained or zero)
    if not sums.optional or tolerance.agrees(from_lines, settlement.amount):
        return []
    candidates = sums.optional[:MAX_OPTIONAL]
    for total in (settlement.amount, periods.revenue_gross - periods.costs_gross):
        target = total - from_lines
        for size in range(1, len(candidates) + 1):
            for subset in combinations(candidates, size):
                if tolerance.agrees(-sum((line.settlement_amount for line in subset), zero), target):
                    return list(subset)
    return []


def check_settlement_arithmetic(
    settlement: Settlement,
    sums: SettlementSums,
    tolerance: Tolerance,
    explained: Amount | None = None,
    explained_by: tuple[str, ...] = (),
) -> Discrepancy | None:
    """One `settlement_lines_mismatch` finding when the settlement does not add up, else None."""
    currency = settlement.currency
    explained = explained or Amount.zero(currency)
    periods = sum_periods(settlement, tolerance)
    from_lines = sums.lines_total - periods.costs_gross + explained
    from_periods = periods.revenue_gross - periods.costs_gross
    lines_diff = tolerance.difference(from_lines, settlement.amount)
    periods_diff = tolerance.difference(from_periods, settlement.amount)
    lines_ok = tolerance.agrees(from_lines, settlement.amount) and not sums.foreign_currency_lines
    periods_ok = tolerance.agrees(from_periods, settlement.amount)
    if lines_ok and periods_ok and not periods.vat_breaks:
        return None
    failed = [name for name, ok in (("lines", lines_ok), ("periods", periods_ok)) if not ok]
    if periods.vat_breaks:
        failed.append("vat")
    amount = lines_diff if not lines_ok else periods_diff if not periods_ok else Amount.zero(currency)
    evidence = {
        "failed_checks": failed,
        "settlement_amount": money(settlement.amount),
        "payments": money(sums.of(LineKind.PAYMENT)),
        "refunds": money(sums.of(LineKind.REFUND)),
        "chargebacks": money(sums.of(LineKind.CHARGEBACK)),
        "captures": money(sums.of(LineKind.CAPTURE)),
        "chargeback_reversals": money(sums.of(LineKind.CHARGEBACK_REVERSAL)),
        "other_terms": {kind.value: money(sums.of(kind)) for kind in LineKind
                        if not kind.listed and kind is not LineKind.CHARGEBACK_REVERSAL and kind in sums.by_kind},
        "line_counts": {kind.value: sums.counts.get(kind, 0) for kind in LineKind
                        if kind.listed or kind in sums.counts},
        "costs_net": money(periods.costs_net),
        "costs_vat": money(periods.costs_vat),
        "costs_gross": money(periods.costs_gross),
        "periods_revenue_gross": money(periods.revenue_gross),
        "expected_from_lines": money(from_lines),
        "expected_from_periods": money(from_periods),
        "lines_difference": money(lines_diff),
        "periods_difference": money(periods_diff),
        "tolerance": f"{tolerance.for_currency(currency)}",
    }
    if explained.value:
        evidence["explained_elsewhere"] = money(explained)
        evidence["explained_by"] = list(explained_by)
    if periods.vat_breaks:
        evidence["vat_breaks"] = list(periods.vat_breaks)
    if sums.foreign_currency_lines:
        evidence["foreign_currency_lines"] = sums.foreign_currency_lines[:20]
    return make_discrepancy(
        DiscrepancyKind.SETTLEMENT_LINES_MISMATCH, amount, (settlement.id,), settlement.id, **evidence
    )
