"""Payouts at the bank for one account and period: Mollie's payouts fetched, the bank lines taken
from the imported statements, matched, and summarised three ways."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ...clients import MollieConfig
from ...core.errors import ConfigurationError
from ...store.bank_statements import BankStatementStore
from .inputs import BankSide, MatchRules
from .matching import MatchOutcome, match_payouts
from .mollie_side import fetch_movements, fetch_payouts
from .summary import MonthSummary, three_way_summary


#: Payouts this long before the period are fetched too, so their credits inside it are not unexplained.
LOOKBACK_DAYS = 14


@dataclass(frozen=True)
class PayoutsAtBank:
    iban: str
    currency: str
    bank: BankSide
    outcome: MatchOutcome
    months: list[MonthSummary]
    rules: MatchRules


class NoStatements(ConfigurationError):
    """Nothing to match against: no statement of the account has been imported."""


def payouts_at_bank(config: MollieConfig, store: BankStatementStore, iban: str, from_date: date, until: date,
                    rules: MatchRules | None = None) -> PayoutsAtBank:
    """[from_date, until): payouts made in it; bank lines from from_date on (a payout's credit can
    come after the period ends)."""
    rules = rules or MatchRules()
    statements = store.statements(iban)
    if not statements:
        raise NoStatements(f"no bank statement of {iban} has been imported")
    covered_from = max(min(s["from_date"] for s in statements), from_date)
    bank = BankSide(iban, tuple(store.lines(iban, from_date=from_date)), covered_from,
                    max(s["to_date"] for s in statements))
    balance_id, currency, payouts = fetch_payouts(config, from_date - timedelta(days=LOOKBACK_DAYS), until)
    outcome = match_payouts(payouts, bank, rules, judge_from=from_date)
    months = _months(from_date, min(until, bank.covered_until + timedelta(days=1)))
    movements = fetch_movements(config, balance_id, currency, months)
    return PayoutsAtBank(iban, currency, bank, outcome, three_way_summary(outcome, currency, movements), rules)


def _months(from_date: date, until: date) -> list[date]:
    out, first = [], from_date.replace(day=1)
    while first < until:
        out.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return out
