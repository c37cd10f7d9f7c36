"""Importing a statement file into the site and matching an account's payouts to its lines."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from verenigingen.verenigingen_payments.bank.statement_file import read_statement_bytes
from verenigingen.verenigingen_payments.clients.config import resolve_config
from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM
from verenigingen.verenigingen_payments.core.errors import ConfigurationError
from verenigingen.verenigingen_payments.frappe_integration.bank.stores import FrappeBankStatementStore
from verenigingen.verenigingen_payments.store.bank_statements import ImportOutcome
from verenigingen.verenigingen_payments.workflows.payouts_at_bank.inputs import DEFAULT_BUSINESS_DAYS, MatchRules
from verenigingen.verenigingen_payments.workflows.payouts_at_bank.run import PayoutsAtBank, payouts_at_bank

DEFAULT_DAYS_BACK = 90


def import_statement_file(data: bytes, filename: str, expect_iban: str | None = None) -> ImportOutcome:
    """Read and check the whole file first (a `StatementError` names the file and place), then store it."""
    return FrappeBankStatementStore().import_statements(read_statement_bytes(data, filename, expect_iban))


def account_iban(iban: str | None) -> str:
    """The IBAN given, or the only account with imported statements."""
    if iban:
        return "".join(iban.split()).upper()
    accounts = FrappeBankStatementStore.accounts()
    if len(accounts) != 1:
        raise ConfigurationError("name the bank account with --iban (accounts with statements: "
                                 f"{', '.join(accounts) or 'none'})")
    return accounts[0]


def match_account(settings: str, iban: str | None = None, from_date: date | None = None, until: date | None = None,
                  business_days: int = DEFAULT_BUSINESS_DAYS) -> PayoutsAtBank:
    """Payouts of [from_date, until) (default: the last 90 days up to today) matched to the account's lines."""
    until = until or datetime.now(AMSTERDAM).date() + timedelta(days=1)
    from_date = from_date or until - timedelta(days=DEFAULT_DAYS_BACK)
    return payouts_at_bank(resolve_config(settings), FrappeBankStatementStore(), account_iban(iban), from_date, until,
                           MatchRules(business_days=business_days))
