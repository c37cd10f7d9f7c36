"""Whitelisted endpoints of the bank side: import a statement (managers) and the payouts at the bank
of an account (viewers). Each follows `api.conventions`: arguments checked against their declared
limits (core/endpoint_arguments.py), then the role check, typed errors as HTTP errors (a refused
statement file is a 422 naming the file and place), JSON-able dicts out with money as exact decimal
strings."""

from __future__ import annotations

import frappe
from frappe import _

from verenigingen.verenigingen_payments.api.conventions import (
    MollieRejectedRequestError,
    checked_arguments,
    date_argument,
    mollie_errors_as_http,
    require_role,
    resolve_settings_name,
)
from verenigingen.verenigingen_payments.bank.statement import StatementError
from verenigingen.verenigingen_payments.frappe_integration.common.roles import MANAGE_ROLES, VIEW_ROLES

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@frappe.whitelist(methods=["POST"])
@checked_arguments
def import_bank_statement(file_url: str | None = None, filename: str | None = None, content: str | None = None,
                          iban: str | None = None) -> dict:
    """Import a statement uploaded through the desk (`file_url` of its File) or sent as text."""
    require_role(MANAGE_ROLES)
    from verenigingen.verenigingen_payments.frappe_integration.bank.matching import import_statement_file

    if file_url:
        file = frappe.get_doc("File", {"file_url": file_url})
        data, name = file.get_content(), file.file_name
        data = data.encode("utf-8") if isinstance(data, str) else data
    elif content is not None:
        data, name = content.encode("utf-8"), filename or "statement"
    else:
        frappe.throw(_("Give file_url or content."), frappe.ValidationError)
    if len(data) > MAX_UPLOAD_BYTES:
        frappe.throw(_("The statement is larger than 10 MB."), frappe.ValidationError)
    try:
        outcome = import_statement_file(data, name, iban)
    except StatementError as exc:  # the file's fault, not Mollie's: 422 naming the file and place
        frappe.local.flags.disable_traceback = True
        frappe.throw(exc.message, MollieRejectedRequestError, title=_("Bank statement refused"))
    return {"file": name, "statements": outcome.statements, "lines_added": outcome.lines_added,
            "lines_known": outcome.lines_known}


@frappe.whitelist(methods=["GET", "POST"])
@checked_arguments
def payouts_at_bank(settings: str | None = None, iban: str | None = None, from_date: str | None = None,
                    until_date: str | None = None, business_days: int | str = 3) -> dict:
    """The account's payouts of the period matched to the imported bank lines, the findings and the
    three-way summary per month."""
    require_role(VIEW_ROLES)
    from verenigingen.verenigingen_payments.frappe_integration.bank.matching import match_account

    name = resolve_settings_name(settings)
    days = int(business_days)
    if not 1 <= days <= 10:
        frappe.throw(_("business_days must be between 1 and 10."), frappe.ValidationError)
    with mollie_errors_as_http(name):
        result = match_account(name, iban, date_argument(from_date, "from_date"),
                               date_argument(until_date, "until_date"), days)
    return as_dict(result)


def as_dict(result) -> dict:
    money = lambda value, currency: {"value": f"{value:f}", "currency": currency}  # noqa: E731
    return {
        "iban": result.iban, "covered_from": str(result.bank.covered_from),
        "covered_until": str(result.bank.covered_until), "business_days": result.rules.business_days,
        "payouts": [{"settlement": m.payout.settlement_id, "reference": m.payout.reference,
                     "paid_out": str(m.payout.paid_day), "amount": money(m.payout.amount, m.payout.currency),
                     "status": m.status, "bank_entries": [x.entry_ref for x in m.lines]}
                    for m in result.outcome.matches],
        "findings": [{"kind": str(f.kind), "ids": list(f.ids), "amount": money(f.amount, f.currency),
                      "evidence": {k: (v if isinstance(v, (str, int, list)) else str(v)) for k, v in f.evidence.items()},
                      "action": f.action} for f in result.outcome.findings],
        "months": [{"month": m.month, "paid_out": money(m.paid_out, m.currency),
                    "arrived": money(m.arrived, m.currency), "difference": money(m.difference, m.currency),
                    "unexplained": money(m.unexplained, m.currency),
                    "explanations": [{"what": e.what, "status": e.status, "amount": money(e.amount, m.currency)}
                                     for e in m.explanations]} for m in result.months],
    }


@frappe.whitelist()
@checked_arguments
def card_payouts_at_bank(filters=None) -> str:
    """Number card: the payouts the last match (report, endpoint or `bench mollie bank match`) could not
    match at the bank, with those in transit and the findings under it."""
    require_role(VIEW_ROLES)
    from verenigingen.verenigingen_payments.frappe_integration.bank.matching import card, last_match

    return card(last_match()).html()
