"""Importing a statement file into the site and matching an account's payouts to its lines."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import frappe

from verenigingen.verenigingen_payments.bank.statement_file import read_statement_bytes
from verenigingen.verenigingen_payments.clients.config import resolve_config
from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM
from verenigingen.verenigingen_payments.core.errors import ConfigurationError
from verenigingen.verenigingen_payments.frappe_integration.bank.stores import FrappeBankStatementStore
from verenigingen.verenigingen_payments.store.bank_statements import ImportOutcome
from verenigingen.verenigingen_payments.workflows.payouts_at_bank.inputs import DEFAULT_BUSINESS_DAYS, MatchRules
from verenigingen.verenigingen_payments.monitoring.desk_cards import DeskCard, ListLink, joined, plural
from verenigingen.verenigingen_payments.workflows.payouts_at_bank.matching import (
    AMOUNT_DIFFERS,
    IN_TRANSIT,
    NOT_AT_BANK,
    RETURNED,
)
from verenigingen.verenigingen_payments.workflows.payouts_at_bank.run import PayoutsAtBank, payouts_at_bank

DEFAULT_DAYS_BACK = 90
REPORT = "Payouts at the Bank"


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
    result = payouts_at_bank(resolve_config(settings), FrappeBankStatementStore(), account_iban(iban), from_date,
                             until, MatchRules(business_days=business_days))
    remember(result)
    return result


LAST_MATCH_KEY = "mollie:payouts-at-bank:last"
UNMATCHED = (NOT_AT_BANK, AMOUNT_DIFFERS, RETURNED)


def remember(result: PayoutsAtBank, at: datetime | None = None) -> dict:
    """Keep what the last match found (in the site's Redis cache) for the workspace card, which must
    not ask Mollie on every desk load."""
    summary = {"iban": result.iban, "at": (at or datetime.now(AMSTERDAM)).isoformat(timespec="minutes"),
               "unmatched": sum(1 for m in result.outcome.matches if m.status in UNMATCHED),
               "in_transit": sum(1 for m in result.outcome.matches if m.status == IN_TRANSIT),
               "findings": len(result.outcome.findings), "payouts": len(result.outcome.matches)}
    frappe.cache().set_value(LAST_MATCH_KEY, json.dumps(summary))
    return summary


def last_match() -> dict | None:
    raw = frappe.cache().get_value(LAST_MATCH_KEY)
    return json.loads(raw) if raw else None


def forget() -> None:
    frappe.cache().delete_value(LAST_MATCH_KEY)


def card(summary: dict | None) -> DeskCard:
    report = ListLink(REPORT, report=True)
    if summary is None:
        return DeskCard("not matched yet", report, "open Payouts at the Bank or run bench mollie bank match")
    note = joined(plural(summary["in_transit"], "in transit") if summary["in_transit"] else None,
                  plural(summary["findings"], "finding") if summary["findings"] else None,
                  f"{summary['iban']} · {summary['at'][:16].replace('T', ' ')}")
    if summary["unmatched"] == 0:
        return DeskCard("all payouts at the bank", report, note)
    return DeskCard(plural(summary["unmatched"], "payout not matched", "payouts not matched"), report, note)
