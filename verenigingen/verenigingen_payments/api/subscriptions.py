"""Whitelisted endpoints of membership subscriptions: what a finance manager may do to a `Mollie
Subscription` (cancel at period end, reactivate, resolve a drift report) and what a viewer may read
(its open drift). Each follows `api.conventions`: role check first, typed Mollie errors as clear HTTP
errors, JSON-able dicts out (money as exact strings).

The work is the subscription service's (`subscriptions.SubscriptionService`); inside a site it keeps
its records in the DocTypes through `frappe_integration.subscriptions.store`.
"""

from __future__ import annotations

import frappe
from frappe import _

from verenigingen.verenigingen_payments.api.conventions import (
    checked_arguments,
    mollie_errors_as_http,
    require_role,
)
from verenigingen.verenigingen_payments.frappe_integration.common.roles import MANAGE_ROLES, VIEW_ROLES
from verenigingen.verenigingen_payments.subscriptions import (
    DriftReport,
    SubscriptionRecord,
    SubscriptionService,
)

RECORD = "Mollie Subscription"


def _record_key(name: str) -> tuple[str, str]:
    """(account, member) of an existing record; 404 otherwise."""
    row = frappe.db.get_value(RECORD, name, ["account", "member_reference"], as_dict=True) if name else None
    if row is None:
        frappe.local.flags.disable_traceback = True
        frappe.throw(
            _("There is no Mollie Subscription named {0}.").format(repr(name)), frappe.DoesNotExistError
        )
    return row.account, row.member_reference


def record_as_dict(record: SubscriptionRecord) -> dict:
    from verenigingen.verenigingen_payments.doctype.mollie_subscription.mollie_subscription import record_name

    return {
        "name": record_name(record.account, record.member_reference, record.term),
        "account": record.account,
        "member_reference": record.member_reference,
        "term": record.term,
        "status": record.status,
        "amount": record.amount.to_mollie(),
        "interval": record.interval,
        "subscription_id": record.subscription_id,
        "mollie_status": record.mollie_status,
        "cancel_at_period_end": record.cancel_at_period_end,
        "current_period_end": record.current_period_end.isoformat() if record.current_period_end else None,
        "next_payment_date": record.next_payment_date.isoformat() if record.next_payment_date else None,
        "failed_payment_count": record.failed_payment_count,
        "suspension_reason": record.suspension_reason,
    }


def _drift_as_dict(report: DriftReport) -> dict:
    return {
        "subscription_id": report.subscription_id,
        "field": report.field,
        "local_value": report.local_value,
        "mollie_value": report.mollie_value,
        "choices": list(DriftReport.CHOICES),
    }


@frappe.whitelist(methods=["POST"])
@checked_arguments
def cancel_subscription(name: str) -> dict:
    """Cancel at period end: access stays until then; Mollie's subscription is canceled before its next charge."""
    require_role(MANAGE_ROLES)
    account, member = _record_key(name)
    with mollie_errors_as_http(account):
        return record_as_dict(SubscriptionService.for_account(account).cancel(member))


@frappe.whitelist(methods=["POST"])
@checked_arguments
def reactivate_subscription(name: str) -> dict:
    """Undo a cancellation before the period end, or start a new term (new Mollie subscription) after it."""
    require_role(MANAGE_ROLES)
    account, member = _record_key(name)
    with mollie_errors_as_http(account):
        return record_as_dict(SubscriptionService.for_account(account).reactivate(member))


@frappe.whitelist(methods=["GET", "POST"])
@checked_arguments
def get_subscription_drift(name: str) -> dict:
    """The open drift reports of this subscription, each with the choices a manager has."""
    require_role(VIEW_ROLES)
    account, _member = _record_key(name)
    subscription_id = frappe.db.get_value(RECORD, name, "subscription_id")
    with mollie_errors_as_http(account):
        reports = SubscriptionService.for_account(account).open_drift()
    return {
        "name": name,
        "drift": [_drift_as_dict(r) for r in reports if r.subscription_id == subscription_id],
    }


@frappe.whitelist(methods=["POST"])
@checked_arguments
def resolve_subscription_drift(name: str, field: str, choice: str) -> dict:
    """`accept_mollie`: our record takes Mollie's value; `restore_local`: Mollie is set back to ours."""
    require_role(MANAGE_ROLES)
    account, _member = _record_key(name)
    subscription_id = frappe.db.get_value(RECORD, name, "subscription_id")
    with mollie_errors_as_http(account):
        service = SubscriptionService.for_account(account)
        report = next(
            (r for r in service.open_drift() if (r.subscription_id, r.field) == (subscription_id, field)),
            None,
        )
        if report is None:
            frappe.local.flags.disable_traceback = True
            frappe.throw(_("No open drift of {0} on {1}.").format(field, name), frappe.DoesNotExistError)
        try:
            record = service.resolve_drift(report, choice)
        except ValueError as exc:  # e.g. a status drift cannot be restored at Mollie
            frappe.local.flags.disable_traceback = True
            frappe.throw(str(exc), frappe.ValidationError)
    return record_as_dict(record)
