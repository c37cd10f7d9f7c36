"""`adopt(settings)` in a site: the framework-free `workflows.adoption.adopt_account` over the site's
stores. Members come from the hook `verenigingen_member_register` (a function returning dicts with
`reference`, `email`, `number`, e.g. from a Member DocType of another app); without one, the customers'
metadata member numbers are the register. Progress goes to the desk with `frappe.publish_progress`
(to whoever has the Mollie Settings form open) and to `on_progress` (the CLI's line). Safe to run
again: a stopped run resumes, a finished one adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import frappe

from verenigingen.verenigingen_payments.frappe_integration.adoption.account_records import FrappeAccountRecordStore
from verenigingen.verenigingen_payments.frappe_integration.disputes.jobs import dispute_service
from verenigingen.verenigingen_payments.frappe_integration.subscriptions.store import site_stores
from verenigingen.verenigingen_payments.workflows.adoption import AdoptionReport, AdoptionStores, Member, adopt_account
from verenigingen.verenigingen_payments.workflows.adoption.adopt import STEPS

MEMBER_REGISTER_HOOK = "verenigingen_member_register"
SETTINGS = "Mollie Settings"


def member_register() -> list[Member] | None:
    hooks = frappe.get_hooks(MEMBER_REGISTER_HOOK) or []
    if not hooks:
        return None
    return [Member(str(m["reference"]), m.get("email"), m.get("number"))
            for hook in hooks for m in frappe.get_attr(hook)()]


def site_adoption_stores(settings: str) -> AdoptionStores:
    subscriptions, ledger = site_stores()
    return AdoptionStores(subscriptions, ledger, dispute_service(settings), FrappeAccountRecordStore())


def progress_percent(step: str) -> float:
    return 100 * STEPS.index(step) / len(STEPS)


def adopt(settings: str, *, on_progress: Callable[[str, int], None] | None = None, desk: bool = False,
          should_stop: Callable[[], bool] = lambda: False,
          clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> AdoptionReport:
    def progress(step: str, done: int) -> None:
        if not frappe.flags.in_test:
            frappe.db.commit()  # Dispute Cases wait for their caller's commit; a stopped run keeps its work
        if desk:
            frappe.publish_progress(progress_percent(step), title=f"Connecting Mollie: {settings}",
                                    doctype=SETTINGS, docname=settings, description=f"{step}: {done}")
        if on_progress:
            on_progress(step, done)

    report = adopt_account(settings, member_register(), site_adoption_stores(settings), progress=progress,
                           should_stop=should_stop, clock=clock)
    if not frappe.flags.in_test:
        frappe.db.commit()
    return report
