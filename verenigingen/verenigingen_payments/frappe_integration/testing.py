"""Test helpers for the security/GDPR FrappeTestCases of this package: a temporary encryption-key ring
in `frappe.conf` (the site's own keys stay in it, so rows written under them still decrypt) and rows
of one data subject across the app's DocTypes."""

from __future__ import annotations

import glob
import json
import os
import uuid
from datetime import datetime, timezone

import frappe

from verenigingen.verenigingen_payments.core.security.encryption import ENCRYPTION_KEYS_SITE_CONFIG
from verenigingen.verenigingen_payments.core.security.keys import generate_key_spec
from verenigingen.verenigingen_payments.frappe_integration.gdpr import export_files as gdpr_export_files
from verenigingen.verenigingen_payments.frappe_integration.security.seams import field_cipher
from verenigingen.verenigingen_payments.frappe_integration.webhooks.store import FrappeWebhookLogStore
from verenigingen.verenigingen_payments.store.webhook_log import NewWebhookLog, WebhookStatus
from verenigingen.verenigingen_payments.webhooks.ingest import body_context

CURRENT = f"{ENCRYPTION_KEYS_SITE_CONFIG}_current"


class TemporaryKeyRing:
    """Adds test key versions in front of the site's ring (in this process only) and restores it."""

    def __init__(self) -> None:
        self._saved = {k: frappe.conf.get(k) for k in (ENCRYPTION_KEYS_SITE_CONFIG, CURRENT)}

    def add_version(self) -> str:
        version = f"t{uuid.uuid4().hex[:12]}"
        existing = frappe.conf.get(ENCRYPTION_KEYS_SITE_CONFIG)
        if isinstance(existing, dict):
            existing = ",".join(f"{k}:{v}" for k, v in existing.items())
        frappe.conf[ENCRYPTION_KEYS_SITE_CONFIG] = ",".join(p for p in (generate_key_spec(version), existing) if p)
        frappe.conf[CURRENT] = version
        return version

    def restore(self) -> None:
        for key, value in self._saved.items():
            if value is None:
                frappe.conf.pop(key, None)
            else:
                frappe.conf[key] = value


def make_settings(name: str) -> str:
    if not frappe.db.exists("Mollie Settings", name):
        frappe.get_doc({"doctype": "Mollie Settings", "gateway_name": name, "secret_key": "test_" + "g" * 30,
                        "profile_id": "pfl_Gdpr12345", "enable_backend_api": 0, "enable_encryption": 1,
                        "enable_audit_trail": 1}).insert(ignore_permissions=True)
    return name


def encrypted_webhook_row(account: str, resource_id: str, body: str, *, parent_id: str | None = None) -> str:
    log_id = uuid.uuid4().hex
    FrappeWebhookLogStore(commit=False).record(NewWebhookLog(
        id=log_id, source="next-gen", status=WebhookStatus.PROCESSED, http_status=200, signature_result="valid",
        headers=json.dumps({"user-agent": "Mollie"}), received_at=datetime.now(timezone.utc),
        body=field_cipher().encrypt(body, body_context(log_id)).encode(), body_encrypted=True,
        body_size=len(body), account=account, resource_type="payment", resource_id=resource_id,
        parent_id=parent_id, client_ip="198.51.100.7"))
    return log_id


def dispute_case(account: str, case_id: str, *, customer_id: str, payment_id: str, note: str) -> str:
    frappe.get_doc({
        "doctype": "Dispute Case", "case_id": case_id, "status": "open", "priority": "high",
        "settings_name": account, "amount": 12.5, "currency": "EUR", "chargeback_id": f"chb_{case_id[-8:]}",
        "payment_id": payment_id, "customer_id": customer_id, "chargeback_created_at": frappe.utils.now_datetime(),
        "note": note, "version": 1}).insert(ignore_permissions=True)
    return case_id


def evidence(case_id: str, summary: str, body: str) -> str:
    return frappe.get_doc({"doctype": "Dispute Evidence", "dispute_case": case_id, "kind": "note",
                           "summary": summary, "body": body}).insert(ignore_permissions=True).name


def remove_export_files(export_ids) -> None:
    """Exports are files on disk: a rolled-back test would leave them behind."""
    folder = frappe.get_site_path("private", "files")
    for export_id in export_ids:
        for path in glob.glob(os.path.join(folder, f"{gdpr_export_files.FILE_PREFIX}{export_id}*")):
            os.unlink(path)
