"""Each payout matched to the bank credit that carries it: the settlement's reference (or id) in the
remittance information, the exact amount, and a value date from the payout's day to N business
days after it. What does not match that way is a finding, with its evidence.

A payout whose N business days have not passed by the last day the statements cover is in
transit, not missing; one paid out before the statements begin is not judged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ...bank.statement import BankLine
from .business_days import add_business_days, business_days_between
from .findings import BankFinding, BankFindingKind as K
from .inputs import BankSide, MatchRules, Payout

_TOKEN = re.compile(r"[A-Za-z0-9_.]+")

MATCHED = "matched"
BOOKED_TWICE = "booked twice"
IN_TRANSIT = "in transit"
NOT_AT_BANK = "not at the bank"
AMOUNT_DIFFERS = "amount differs"
RETURNED = "returned by the bank"
CANCELED = "canceled by Mollie"
BEFORE_STATEMENTS = "before the statements"


@dataclass(frozen=True)
class PayoutMatch:
    payout: Payout
    status: str
    lines: tuple[BankLine, ...] = ()  # the bank lines that carry (or return) this payout

    @property
    def arrived(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class MatchOutcome:
    matches: tuple[PayoutMatch, ...]
    findings: tuple[BankFinding, ...]
    unexplained_credits: tuple[BankLine, ...] = field(default=())


def match_payouts(payouts: list[Payout], bank: BankSide, rules: MatchRules,
                  judge_from: date | None = None) -> MatchOutcome:
    """Payouts paid before `judge_from` are not judged; the bank lines that carry them are still theirs
    (a payout of the 31st credited on the 2nd is not a credit without settlement in the new month)."""
    mentions = _mentions(bank.lines)
    consumed: set[str] = set()
    matches, findings = [], []
    for payout in sorted(payouts, key=lambda p: (p.paid_at, p.settlement_id)):
        if payout.amount == 0:
            continue
        lines = _mentioning(mentions, payout)
        consumed.update(line.entry_ref for line in lines)
        if judge_from and payout.paid_day < judge_from:
            continue
        match, found = _judge(payout, lines, bank, rules)
        matches.append(match)
        findings.extend(found)
    unexplained = tuple(line for line in bank.lines if line.amount > 0 and not line.reversal
                        and line.entry_ref not in consumed and rules.from_mollie(line))
    findings.extend(BankFinding(K.CREDIT_WITHOUT_SETTLEMENT, (line.entry_ref,), line.amount, line.currency, {
        "bank_entry": line.entry_ref, "value_date": line.value_date.isoformat(), "amount": f"{line.amount:f}",
        "counterparty": line.counterparty_name, "remittance": line.remittance,
        "why": "no settlement paid out by Mollie carries this reference and amount"}) for line in unexplained)
    return MatchOutcome(tuple(matches), tuple(findings), unexplained)


def _mentions(lines: tuple[BankLine, ...]) -> dict[str, list[BankLine]]:
    index: dict[str, list[BankLine]] = defaultdict(list)
    for line in lines:
        for token in set(_TOKEN.findall(f"{line.remittance} {line.end_to_end_id}")):
            index[token].append(line)
    return index


def _mentioning(index: dict[str, list[BankLine]], payout: Payout) -> list[BankLine]:
    found = {line.entry_ref: line for key in (payout.reference, payout.settlement_id) if key
             for line in index.get(key, ())}
    return sorted(found.values(), key=lambda x: (x.value_date, x.booking_date, x.entry_ref))


def _judge(p: Payout, lines: list[BankLine], bank: BankSide, rules: MatchRules) -> tuple[PayoutMatch, list]:
    deadline = add_business_days(p.paid_day, rules.business_days)
    evidence = {"settlement": p.settlement_id, "reference": p.reference, "amount": f"{p.amount:f}",
                "paid_out": p.paid_day.isoformat(), "transfer": p.transfer_tx, "deadline": deadline.isoformat()}
    if p.paid_day < bank.covered_from:
        return PayoutMatch(p, BEFORE_STATEMENTS, tuple(lines)), []
    credits = [x for x in lines if x.amount > 0 and not x.reversal]
    returns = [x for x in lines if x.amount < 0 and -x.amount == p.amount]
    if p.canceled_tx and not credits:
        return PayoutMatch(p, CANCELED), []
    if p.returned_tx or returns:
        shown = {**evidence, "returned_transfer": p.returned_tx, "bank_entries": [x.entry_ref for x in lines],
                 "return_reason": next((x.return_reason for x in returns if x.return_reason), "")}
        ids = (p.settlement_id, *[x.entry_ref for x in lines], *([p.returned_tx] if p.returned_tx else []))
        return PayoutMatch(p, RETURNED, tuple(lines)), [BankFinding(K.PAYOUT_RETURNED_BY_BANK, ids, p.amount,
                                                                    p.currency, shown)]
    in_window = [x for x in credits if p.paid_day <= x.value_date <= deadline]
    exact = [x for x in in_window if x.amount == p.amount]
    if exact:
        twice = exact[1:]
        found = [BankFinding(K.CREDIT_BOOKED_TWICE, (p.settlement_id, *[x.entry_ref for x in twice], exact[0].entry_ref),
                             sum((x.amount for x in twice), Decimal(0)), p.currency,
                             {**evidence, "first_booking": exact[0].entry_ref, "again": [x.entry_ref for x in twice],
                              "value_dates": [x.value_date.isoformat() for x in exact]})] if twice else []
        return PayoutMatch(p, BOOKED_TWICE if twice else MATCHED, tuple(lines)), found
    if in_window:
        credit = in_window[0]
        shown = {**evidence, "bank_entry": credit.entry_ref, "bank_amount": f"{credit.amount:f}",
                 "difference": f"{p.amount - credit.amount:f}", "value_date": credit.value_date.isoformat()}
        return PayoutMatch(p, AMOUNT_DIFFERS, tuple(lines)), [BankFinding(
            K.PAYOUT_AMOUNT_DIFFERS, (p.settlement_id, credit.entry_ref), p.amount - credit.amount, p.currency, shown)]
    if deadline > bank.covered_until:
        return PayoutMatch(p, IN_TRANSIT, tuple(lines)), []
    late = [x for x in credits if x.value_date > deadline]
    shown = {**evidence, "statements_until": bank.covered_until.isoformat(),
             "business_days_waited": business_days_between(p.paid_day, bank.covered_until)}
    if late:
        shown.update(late_credit=late[0].entry_ref, late_value_date=late[0].value_date.isoformat(),
                     business_days_late=business_days_between(p.paid_day, late[0].value_date))
    return PayoutMatch(p, NOT_AT_BANK, tuple(lines)), [BankFinding(
        K.PAYOUT_NOT_AT_BANK, (p.settlement_id, *[x.entry_ref for x in late]), p.amount, p.currency, shown)]
