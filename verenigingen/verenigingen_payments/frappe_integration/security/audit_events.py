"""Audit entries the Frappe layer writes: Mollie Settings changes and permission denials.

Settings changes name the fields that changed, never their values (a Password field counts as
changed when a new value was typed). Setting a new API key directly starts its age for the
rotation reminder. A permission denial is committed before the refusal is raised, because the
request's rollback would otherwise take the entry with it.
"""

from __future__ import annotations

import frappe
from frappe.model import no_value_fields
from frappe.utils import now_datetime

from verenigingen.verenigingen_payments.core.security.rotation_seams import API_KEY
from verenigingen.verenigingen_payments.frappe_integration.security.seams import audit_trail, rotated_at_field

SETTINGS_DOCTYPE = "Mollie Settings"
CHANGED_FIELDS_FLAG = "mollie_audit_changed_fields"


def _is_set(value) -> bool:
    return value not in (None, "", 0)


def changed_fields(doc) -> list[str]:
    """Names of the fields this save changes; call before Frappe swaps passwords for dummies."""
    before = doc.get_doc_before_save()
    names = []
    for df in doc.meta.fields:
        if df.fieldtype in no_value_fields or df.get("is_virtual"):
            continue
        value = doc.get(df.fieldname)
        if df.fieldtype == "Password":
            typed = _is_set(value) and not doc.is_dummy_password(value)
            cleared = before is not None and _is_set(before.get(df.fieldname)) and not _is_set(value)
            if typed or cleared:
                names.append(df.fieldname)
        elif before is None:
            if _is_set(value):
                names.append(df.fieldname)
        elif doc.has_value_changed(df.fieldname):
            names.append(df.fieldname)
    return names


def before_settings_save(doc) -> None:
    """Remember what changes, and start the age of a newly typed API key."""
    fields = changed_fields(doc)
    if API_KEY in fields:
        doc.set(rotated_at_field(API_KEY), now_datetime())
        fields.append(rotated_at_field(API_KEY))
    doc.flags[CHANGED_FIELDS_FLAG] = sorted(set(fields))


def _actor() -> str:
    return frappe.session.user if getattr(frappe.local, "session", None) else "system"


def _record_settings_event(doc, event_type: str, details: dict) -> None:
    before = doc.get_doc_before_save()
    enabled = doc.enable_audit_trail or (before is not None and before.enable_audit_trail)
    trail = audit_trail(doc.name)
    trail.enabled = bool(enabled)
    trail.record(event_type, actor=_actor(), settings_name=doc.name, resource_type=SETTINGS_DOCTYPE,
                 resource_id=doc.name, details=details)


def after_settings_save(doc) -> None:
    fields = doc.flags.pop(CHANGED_FIELDS_FLAG, None)
    created = doc.get_doc_before_save() is None
    if fields is None or (not fields and not created):
        return
    _record_settings_event(doc, "settings_created" if created else "settings_changed", {"fields": fields})


def after_settings_delete(doc) -> None:
    _record_settings_event(doc, "settings_deleted", {})


def record_permission_denial(required_roles, *, endpoint: str | None = None) -> None:
    """Audit a refused call of one of this app's endpoints (the caller raises afterwards)."""
    request = getattr(frappe.local, "request", None)
    endpoint = endpoint or (getattr(request, "path", None) if request is not None else None)
    trail = audit_trail()
    entry = trail.record("permission_denied", actor=_actor(), resource_type="Endpoint", resource_id=endpoint,
                         details={"required_roles": sorted(required_roles)})
    if entry is not None and not frappe.flags.in_test:
        frappe.db.commit()
