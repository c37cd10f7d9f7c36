"""Collections (script report): per dues month the failed collections, the dues at risk, what was
recovered (and in how many cases), the recovery rate, the mean days from the failure to the payment
that recovered it, and what was written off because the membership ended. Read from the dunning cases
the daily collections job keeps; it asks Mollie nothing."""

from __future__ import annotations

import frappe
from frappe import _

from verenigingen.verenigingen_payments.frappe_integration.collections.figures import site_figures


def columns() -> list[dict]:
    def col(fieldname, label, fieldtype="Data", width=130, **kw):
        return {"fieldname": fieldname, "label": _(label), "fieldtype": fieldtype, "width": width, **kw}

    return [col("month", "Dues Month", width=100), col("cases", "Failed", "Int", 80),
            col("currency", "Currency", width=70), col("at_risk", "At Risk", "Currency", options="currency"),
            col("recovered", "Recovered", "Currency", options="currency"),
            col("recovered_cases", "Recovered Cases", "Int", 110), col("recovery_rate", "Recovery Rate", "Percent", 110),
            col("days_to_recover", "Days to Recover", "Float", 120, precision=1),
            col("written_off", "Written Off", "Currency", options="currency")]


def execute(filters=None):
    filters = frappe._dict(filters or {})
    accounts = [filters.account] if filters.get("account") else None
    figures = site_figures(accounts, filters.get("currency") or "EUR")
    data = [{"month": f.month, "cases": f.cases, "currency": f.at_risk.currency, "at_risk": f.at_risk.value,
             "recovered": f.recovered.value, "recovered_cases": f.recovered_cases,
             "recovery_rate": f.recovery_rate * 100 if f.recovery_rate is not None else None,
             "days_to_recover": f.mean_days_to_recover, "written_off": f.written_off.value} for f in figures]
    at_risk = sum((f.at_risk.value for f in figures), 0)
    recovered = sum((f.recovered.value for f in figures), 0)
    summary = [{"label": _("Failed collections"), "value": sum(f.cases for f in figures), "datatype": "Int"},
               {"label": _("Recovered"), "value": sum(f.recovered_cases for f in figures), "datatype": "Int",
                "indicator": "Green"},
               {"label": _("Recovery rate"), "datatype": "Percent",
                "value": (recovered / at_risk * 100) if at_risk else 0}]
    return columns(), data, None, None, summary
