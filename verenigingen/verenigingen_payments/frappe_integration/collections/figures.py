"""Collections in figures in a site: per dues month the dues at risk, what was recovered, the recovery
rate and the days to recover (`collection.figures`), over one account or every account with cases;
the two workspace cards and the dashboard's `collections` key read them."""

from __future__ import annotations

import frappe

from verenigingen.verenigingen_payments.collection.dunning import CLOSED
from verenigingen.verenigingen_payments.collection.figures import MonthFigures, monthly_figures
from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.monitoring.desk_cards import DeskCard, ListLink, joined, plural

from .store import CASE, FrappeCollectionStore

REPORT = "Collections"


def accounts_with_cases() -> list[str]:
    return sorted(set(frappe.get_all(CASE, pluck="settings_name")))


def site_figures(accounts: list[str] | None = None, currency: str = "EUR") -> list[MonthFigures]:
    store = FrappeCollectionStore(commit=False)
    cases = [case for account in (accounts if accounts is not None else accounts_with_cases())
             for case in store.list_cases(account)]
    return monthly_figures(cases, currency)


def as_dict(figures: list[MonthFigures]) -> list[dict]:
    money = lambda amount: {"value": amount.formatted_value(), "currency": amount.currency}  # noqa: E731
    return [{"month": f.month, "cases": f.cases, "at_risk": money(f.at_risk), "recovered": money(f.recovered),
             "recovered_cases": f.recovered_cases, "written_off": money(f.written_off),
             "recovery_rate": str(f.recovery_rate) if f.recovery_rate is not None else None,
             "days_to_recover": str(f.mean_days_to_recover) if f.mean_days_to_recover is not None else None}
            for f in figures]


def _open_cases() -> int:
    return frappe.db.count(CASE, {"state": ["not in", list(CLOSED)]})


def at_risk_card(figures: list[MonthFigures], currency: str = "EUR") -> DeskCard:
    """Dues at risk: what failed and is not recovered yet, over every month, and the open cases."""
    if not figures:
        return DeskCard("no failed collections", ListLink(CASE))
    open_amount = sum((f.at_risk - f.recovered - f.written_off for f in figures), Amount.zero(currency))
    unreached = frappe.db.count(CASE, {"unreached": 1, "state": ["not in", list(CLOSED)]})
    return DeskCard(f"{open_amount} at risk", ListLink(CASE, filters=(("state", ["not in", list(CLOSED)]),)),
                    joined(plural(_open_cases(), "open case"),
                           plural(unreached, "member not reached", "members not reached") if unreached else None))


def recovered_card(figures: list[MonthFigures]) -> DeskCard:
    """Recovered: the latest month with failures, its amount recovered, rate and days to recover."""
    if not figures:
        return DeskCard("nothing to recover", ListLink(REPORT, report=True))
    f = figures[-1]
    rate = f"{f.recovery_rate * 100:.0f} %" if f.recovery_rate is not None else "—"
    days = f"{f.mean_days_to_recover} days to recover" if f.mean_days_to_recover is not None else None
    return DeskCard(f"{f.recovered} recovered ({rate})", ListLink(REPORT, report=True),
                    joined(f"dues of {f.month}", days))
