"""Payouts at the Bank (script report): one row per Mollie payout of the period with the bank line
that carries it and its status, then the credits from Mollie no payout explains. It asks Mollie for
the payouts (through the account's clients) and reads the imported statement lines."""

from __future__ import annotations

import frappe
from frappe import _

from verenigingen.verenigingen_payments.api.conventions import mollie_errors_as_http, resolve_settings_name
from verenigingen.verenigingen_payments.frappe_integration.bank.matching import match_account


def columns() -> list[dict]:
    def col(fieldname, label, fieldtype="Data", width=140, **kw):
        return {"fieldname": fieldname, "label": _(label), "fieldtype": fieldtype, "width": width, **kw}

    return [col("settlement", "Settlement", width=160), col("reference", "Reference"),
            col("paid_out", "Paid Out", "Date", 100), col("currency", "Currency", width=70),
            col("amount", "Amount", "Currency", options="currency"),
            col("arrived", "At the Bank", "Currency", options="currency"),
            col("bank_entries", "Bank Entries", width=220), col("status", "Status", width=150),
            col("finding", "Finding", width=200)]


def execute(filters=None):
    filters = frappe._dict(filters or {})
    name = resolve_settings_name(filters.get("account"))
    with mollie_errors_as_http(name):
        result = match_account(name, filters.get("iban"), _day(filters.get("from_date")), _day(filters.get("to_date")),
                               int(filters.get("business_days") or 3))
    kinds = {}
    for f in result.outcome.findings:
        kinds.setdefault(f.ids[0], []).append(str(f.kind))
    data = [{"settlement": m.payout.settlement_id, "reference": m.payout.reference, "paid_out": m.payout.paid_day,
             "currency": m.payout.currency, "amount": m.payout.amount, "arrived": m.arrived,
             "bank_entries": ", ".join(x.entry_ref for x in m.lines), "status": m.status,
             "finding": ", ".join(kinds.get(m.payout.settlement_id, []))} for m in result.outcome.matches]
    data += [{"settlement": "", "reference": line.remittance[:60], "paid_out": line.value_date,
              "currency": line.currency, "amount": 0, "arrived": line.amount, "bank_entries": line.entry_ref,
              "status": _("credit without settlement"), "finding": "credit_without_settlement"}
             for line in result.outcome.unexplained_credits]
    summary = [{"label": _("Payouts"), "value": len(result.outcome.matches), "datatype": "Int"},
               {"label": _("Findings"), "value": len(result.outcome.findings), "datatype": "Int",
                "indicator": "Red" if result.outcome.findings else "Green"}]
    return columns(), data, None, None, summary


def _day(value):
    return frappe.utils.getdate(value) if value else None
