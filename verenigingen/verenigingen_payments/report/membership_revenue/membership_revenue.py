"""Membership Revenue (script report): per Amsterdam month the members gained, lost and won back,
the dues that fell due and what was received for them, and the failed-payment rate; the summary
cards give the monthly recurring revenue by interval. Every figure comes from the framework-free
`subscriptions.revenue` functions over the site's Mollie Subscription records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import getdate

from verenigingen.verenigingen_payments.api.conventions import resolve_settings_name
from verenigingen.verenigingen_payments.frappe_integration.subscriptions.store import FrappeSubscriptionStore
from verenigingen.verenigingen_payments.subscriptions import revenue
from verenigingen.verenigingen_payments.subscriptions.dates import add_interval, month_of

MAX_MONTHS = 120


def months_between(first: date, last: date) -> list[str]:
    """Every month from `first`'s to `last`'s, inclusive ("2026-01", …)."""
    if last < first:
        frappe.throw(_("To Month must not be before From Month."))
    months, day = [], first.replace(day=1)
    while day <= last and len(months) < MAX_MONTHS:
        months.append(month_of(day))
        day = add_interval(day, "1 month")
    return months


def columns(currency: str) -> list[dict]:
    money = {"fieldtype": "Currency", "options": "currency", "width": 130}
    return [
        {"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 90},
        {"fieldname": "new", "label": _("New"), "fieldtype": "Int", "width": 70},
        {"fieldname": "churned", "label": _("Churned"), "fieldtype": "Int", "width": 80},
        {"fieldname": "reactivated", "label": _("Reactivated"), "fieldtype": "Int", "width": 100},
        {"fieldname": "dues_expected", "label": _("Dues Expected"), **money},
        {"fieldname": "dues_received", "label": _("Dues Received"), **money},
        {"fieldname": "dues_outstanding", "label": _("Outstanding"), **money},
        {"fieldname": "failed_payments", "label": _("Failed Payments"), "fieldtype": "Int", "width": 110},
        {"fieldname": "settled_payments", "label": _("Settled Payments"), "fieldtype": "Int", "width": 120},
        {"fieldname": "failed_payment_rate", "label": _("Failed %"), "fieldtype": "Percent", "width": 90},
        {"fieldname": "currency", "label": _("Currency"), "fieldtype": "Data", "hidden": 1},
    ]


def month_row(store, account: str, month: str, movements: dict, currency: str) -> dict:
    first, last = revenue.month_bounds(month)
    dues = revenue.expected_vs_received(store, account, first, last, currency)
    failure = revenue.failed_payment_rate(store, account, first, add_interval(last, "1 day"))
    moved = movements.get(month, {})
    return {
        "month": month,
        "new": moved.get("new", 0),
        "churned": moved.get("churned", 0),
        "reactivated": moved.get("reactivated", 0),
        "dues_expected": dues.expected.value,
        "dues_received": dues.received.value,
        "dues_outstanding": dues.outstanding.value,
        "failed_payments": failure.failed,
        "settled_payments": failure.settled,
        "failed_payment_rate": (failure.rate * 100).quantize(Decimal("0.01")),
        "currency": currency,
    }


def execute(filters=None):
    filters = frappe._dict(filters or {})
    account = resolve_settings_name(filters.get("account"))
    currency = (filters.get("currency") or "EUR").upper()
    today = getdate()
    months = months_between(
        getdate(filters.get("from_date") or today.replace(day=1)), getdate(filters.get("to_date") or today)
    )
    store = FrappeSubscriptionStore()
    movements = revenue.member_movements(store, account)
    data = [month_row(store, account, month, movements, currency) for month in months]
    mrr = revenue.mrr_by_interval(store, account, currency)
    summary = [
        {
            "label": _("MRR ({0})").format(_("total") if interval == "total" else interval),
            "value": amount.value,
            "datatype": "Currency",
            "currency": currency,
            "indicator": "Blue" if interval == "total" else "Grey",
        }
        for interval, amount in sorted(mrr.items(), key=lambda kv: (kv[0] != "total", kv[0]))
    ]
    chart = {
        "data": {
            "labels": months,
            "datasets": [
                {"name": _("Dues Expected"), "values": [row["dues_expected"] for row in data]},
                {"name": _("Dues Received"), "values": [row["dues_received"] for row in data]},
            ],
        },
        "type": "bar",
        "fieldtype": "Currency",
        "options": currency,
    }
    return columns(currency), data, None, chart, summary
