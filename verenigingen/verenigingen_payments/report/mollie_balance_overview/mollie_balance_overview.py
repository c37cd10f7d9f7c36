"""Mollie Balance Overview (script report): per account and balance the live available and pending
amounts (through the clients, so the account's switches and resilience apply) beside what the
latest reconciliation of that account said. An account Mollie cannot be asked about right now is
shown with its error instead of failing the whole report."""

from __future__ import annotations

from decimal import Decimal

import frappe
from frappe import _

from verenigingen.verenigingen_payments.core.errors import MollieError
from verenigingen.verenigingen_payments.frappe_integration.monitoring.balance_view import fetch_balances

RUN = "Mollie Reconciliation Run"


def columns() -> list[dict]:
    def col(fieldname, label, fieldtype="Data", width=130, **kw):
        return {"fieldname": fieldname, "label": _(label), "fieldtype": fieldtype, "width": width, **kw}

    return [
        col("account", "Mollie Account", "Link", options="Mollie Settings"),
        col("balance", "Balance", width=170),
        col("currency", "Currency", width=80),
        col("status", "Status", width=90),
        col("available", "Available", "Currency", options="currency"),
        col("pending", "Pending", "Currency", options="currency"),
        col("last_run", "Latest Reconciliation", "Link", 230, options=RUN),
        col("last_run_status", "Run Status", width=100),
        col("open_discrepancies", "Open Discrepancies", "Int", 140),
        col("note", "Note", width=300),
    ]


def _latest_run(account: str) -> dict:
    runs = frappe.get_all(RUN, filters={"account": account}, fields=["name", "status", "open_discrepancy_count"],
                          order_by="period_from desc, modified desc", limit=1)
    return runs[0] if runs else {}


def _money(amount: dict | None) -> Decimal | None:
    return Decimal(amount["value"]) if amount else None


def balance_rows(filters: dict) -> list[dict]:
    conditions = {"enable_backend_api": 1}
    if filters.get("account"):
        conditions["name"] = filters["account"]
    rows = []
    for account in frappe.get_all("Mollie Settings", filters=conditions, pluck="name", order_by="name"):
        run = _latest_run(account)
        base = {"account": account, "last_run": run.get("name"), "last_run_status": run.get("status"),
                "open_discrepancies": run.get("open_discrepancy_count")}
        try:
            balances = fetch_balances(account)
        except MollieError as exc:
            rows.append({**base, "note": _("Mollie could not be asked: {0}").format(exc.message)})
            continue
        for b in balances:
            rows.append({**base, "balance": b["id"], "currency": b["currency"], "status": b["status"],
                         "available": _money(b["available_amount"]), "pending": _money(b["pending_amount"])})
    return rows


def execute(filters=None):
    return columns(), balance_rows(frappe._dict(filters or {}))
