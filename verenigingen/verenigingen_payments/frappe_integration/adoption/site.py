"""`adopt(settings)` in a site: the framework-free `workflows.adoption.adopt_account` over the site's
stores. Members come from the hook `verenigingen_member_register` (a function returning dicts with
`reference`, `email`, `number`, e.g. from a Member DocType of another app); without one, the customers'
metadata member numbers are the register. Progress goes to the desk with `frappe.publish_progress`
and to `on_progress` (the CLI's line). Safe to run again: a stopped run resumes, a finished one adds
nothing."""

from __future__ import annotations

from collections.abc import Callable

import frappe

from verenigingen.verenigingen_payments.frappe_integration.disputes.jobs import dispute_service
from verenigingen.verenigingen_payments.frappe_integration.subscriptions.store import site_stores
from verenigingen.verenigingen_payments.workflows.adoption import AdoptionReport, AdoptionStores, Member, adopt_account
from verenigingen.verenigingen_payments.workflows.adoption.adopt import STEPS

MEMBER_REGISTER_HOOK = "verenigingen_member_register"


def member_register() -> list[Member] | None:
    hooks = frappe.get_hooks(MEMBER_REGISTER_HOOK) or []
    if not hooks:
        return None
    return [Member(str(m["reference"]), m.get("email"), m.get("number"))
            for hook in hooks for m in frappe.get_attr(hook)()]


def adopt(settings: str, *, on_progress: Callable[[str, int], None] | None = None, desk: bool = False) -> AdoptionReport:
    subscriptions, ledger = site_stores()
    stores = AdoptionStores(subscriptions, ledger, dispute_service(settings))

    def progress(step: str, done: int) -> None:
        if not frappe.flags.in_test:
            frappe.db.commit()  # Dispute Cases wait for their caller's commit; a stopped run keeps its work
        if desk:
            frappe.publish_progress(100 * STEPS.index(step) / len(STEPS), title=f"Connecting Mollie: {settings}",
                                    description=f"{step}: {done}")
        if on_progress:
            on_progress(step, done)

    report = adopt_account(settings, member_register(), stores, progress=progress)
    if not frappe.flags.in_test:
        frappe.db.commit()
    return report
