"""Settlement Reconciliation (script report): one row per settlement the reconciliation checked,
with what its lines add up to, what Mollie paid out, and the discrepancies found for it.

It reads the recorded runs (`Mollie Reconciliation Run`), never Mollie, so it opens instantly;
"expected" is the sum the lines and costs give (from the mismatch evidence when they do not add up).
"""

from __future__ import annotations

import json
from decimal import Decimal

import frappe
from frappe import _

RUN = "Mollie Reconciliation Run"
DISCREPANCY = "Mollie Reconciliation Discrepancy"
MISMATCH = "settlement_lines_mismatch"


def columns() -> list[dict]:
    def col(fieldname, label, fieldtype="Data", width=130, **kw):
        return {"fieldname": fieldname, "label": _(label), "fieldtype": fieldtype, "width": width, **kw}

    return [
        col("settlement", "Settlement", width=170),
        col("account", "Mollie Account", "Link", options="Mollie Settings"),
        col("run", "Reconciliation Run", "Link", 230, options=RUN),
        col("status", "Status", width=100),
        col("currency", "Currency", width=80),
        col("lines_total", "Lines Total", "Currency", options="currency"),
        col("expected", "Expected", "Currency", options="currency"),
        col("paid_out", "Paid Out (Mollie)", "Currency", options="currency"),
        col("difference", "Difference", "Currency", options="currency"),
        col("adds_up", "Adds Up", "Check", 80),
        col("discrepancies", "Discrepancies", "Int", 110),
        col("open_discrepancies", "Open", "Int", 70),
        col("kinds", "Discrepancy Kinds", width=300),
    ]


def _findings(runs: list[str]) -> dict[str, list[dict]]:
    if not runs:
        return {}
    rows = frappe.get_all(DISCREPANCY, filters={"parent": ["in", runs], "parenttype": RUN},
                          fields=["parent", "scope", "kind", "resolved", "evidence", "ids"])
    by_settlement: dict[str, list[dict]] = {}
    for row in rows:
        targets = {row.scope, *json.loads(row.ids or "[]")}
        for target in targets:
            by_settlement.setdefault(target, []).append(row)
    return by_settlement


def _evidence_amount(evidence: str | None, key: str, fallback: Decimal) -> Decimal:
    """Evidence amounts are written "EUR 12.34" (exact); the number is what the column shows."""
    text = json.loads(evidence or "{}").get(key)
    return Decimal(text.split()[-1]) if text else fallback


def settlement_rows(filters: dict) -> list[dict]:
    conditions = {"status": "completed"}
    if filters.get("account"):
        conditions["account"] = filters["account"]
    if filters.get("from_date"):
        conditions["period_from"] = [">=", filters["from_date"]]
    if filters.get("to_date"):
        conditions["period_until"] = ["<=", frappe.utils.add_days(filters["to_date"], 1)]
    runs = frappe.get_all(RUN, filters=conditions, fields=["name", "account", "totals"], order_by="period_from desc",
                          limit=500)
    findings = _findings([run.name for run in runs])
    out, seen = [], set()
    for run in runs:
        for s in json.loads(run.totals or "{}").get("settlements", []):
            if s["id"] in seen or s.get("pending"):  # the latest run that checked it speaks; open ones are not checked
                continue
            seen.add(s["id"])
            mine = [f for f in findings.get(s["id"], []) if f.parent == run.name]
            paid_out, lines = Decimal(s["amount"]), Decimal(s["lines_total"])
            expected = paid_out if s["adds_up"] else lines
            for f in mine:
                if f.kind == MISMATCH:
                    expected = _evidence_amount(f.evidence, "expected_from_lines", lines)
            out.append({
                "settlement": s["id"], "account": run.account, "run": run.name, "status": s["status"],
                "currency": s["currency"], "lines_total": lines, "expected": expected, "paid_out": paid_out,
                "difference": paid_out - expected, "adds_up": 1 if s["adds_up"] else 0,
                "discrepancies": len(mine), "open_discrepancies": sum(1 for f in mine if not f.resolved),
                "kinds": ", ".join(sorted({f.kind for f in mine})),
            })
    return out


def execute(filters=None):
    rows = settlement_rows(frappe._dict(filters or {}))
    not_adding = sum(1 for r in rows if not r["adds_up"])
    summary = [
        {"label": _("Settlements"), "value": len(rows), "indicator": "blue", "datatype": "Int"},
        {"label": _("Do not add up"), "value": not_adding, "indicator": "red" if not_adding else "green",
         "datatype": "Int"},
        {"label": _("Open discrepancies"), "value": sum(r["open_discrepancies"] for r in rows), "datatype": "Int",
         "indicator": "orange"},
    ]
    return columns(), rows, None, None, summary
