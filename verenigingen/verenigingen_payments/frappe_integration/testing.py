"""Test support for the app's FrappeTestCases: site config set for a test class only, the deployment
guide's Mollie Settings record, an account on a loopback emulator, a temporary encryption-key ring in
`frappe.conf` (the site's own keys stay in it, so rows written under them still decrypt) and rows of one
data subject across the app's DocTypes. Every helper leaves the site as it found it."""

from __future__ import annotations

import glob
import html
import json
import os
import re
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

import frappe
from frappe.model.document import Document
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.core.security.encryption import ENCRYPTION_KEYS_SITE_CONFIG
from verenigingen.verenigingen_payments.core.security.keys import generate_key_spec
from verenigingen.verenigingen_payments.frappe_integration.gdpr import export_files as gdpr_export_files
from verenigingen.verenigingen_payments.frappe_integration.security.seams import field_cipher
from verenigingen.verenigingen_payments.frappe_integration.webhooks.store import FrappeWebhookLogStore
from verenigingen.verenigingen_payments.sandbox import MollieEmulator
from verenigingen.verenigingen_payments.store.webhook_log import NewWebhookLog, WebhookStatus
from verenigingen.verenigingen_payments.webhooks.ingest import body_context

CURRENT = f"{ENCRYPTION_KEYS_SITE_CONFIG}_current"
FUZZ_EXAMPLES_ENV = "VERENIGINGEN_FUZZ_EXAMPLES"  # the plain suite's budget variable (tests/plugins/fuzz_budget.py)


def fuzz_budget(default: int = 120) -> int:
    """How many hostile inputs a site test tries: `default`, or VERENIGINGEN_FUZZ_EXAMPLES for a long run."""
    return int(os.environ.get(FUZZ_EXAMPLES_ENV) or default)

GUIDE_NAME = "_Test Guide Production"


def make_guide_settings(name: str = GUIDE_NAME, **overrides) -> Document:
    """The deployment guide's console lines, with the record name as the only change."""
    mollie_settings = frappe.new_doc("Mollie Settings")
    mollie_settings.gateway_name = name
    mollie_settings.secret_key = "live_xxx"  # Will be encrypted
    mollie_settings.profile_id = "pfl_xxx"
    mollie_settings.webhook_secret = "webhook_secret_xxx"
    mollie_settings.enable_backend_api = True
    mollie_settings.enable_encryption = True
    mollie_settings.enable_audit_trail = True
    mollie_settings.circuit_breaker_failure_threshold = 5
    mollie_settings.circuit_breaker_timeout = 60
    mollie_settings.rate_limit_requests_per_second = 25
    mollie_settings.retry_max_attempts = 3
    mollie_settings.auto_reconcile = True
    mollie_settings.reconciliation_hour = 2
    mollie_settings.reconciliation_tolerance = 0.01
    mollie_settings.low_balance_threshold = 1000.00
    mollie_settings.enable_balance_alerts = True
    mollie_settings.alert_recipients = "finance@company.com"
    mollie_settings.update(overrides)
    return mollie_settings.insert()


def emulator_account(test_class, account: str, *, emulator_options: dict | None = None, **settings):
    """Class-level setup of the site tests: an emulator (association-small, seed 1, unless `emulator_options`
    say otherwise) on a free port and a committed Mollie Settings record `account` pointing at it, with the
    deployment guide's other values."""
    emulator = test_class.enterClassContext(
        MollieEmulator(**{"scenario": "association-small", "seed": 1, **(emulator_options or {})}))
    allow_emulator_base_url(test_class)
    if frappe.db.exists("Mollie Settings", account):
        frappe.delete_doc("Mollie Settings", account, force=True)
    make_guide_settings(account, secret_key=emulator.api_key, organization_access_token=emulator.organization_token,
                        api_base_url=emulator.base_url, **{"retry_max_attempts": 1, **settings})
    frappe.db.commit()
    return emulator


def allow_emulator_base_url(test_class) -> None:
    """For the class's tests, let Mollie Settings point at a loopback emulator (`api_base_url`), as a
    fresh site without developer mode refuses that; the site's own config is restored afterwards."""
    test_class.enterClassContext(site_conf(mollie_allow_custom_api_base_url=1))


def card_says(card_html: str) -> tuple[str, str | None]:
    """A number card method's HTML as the viewer reads it: (text, the note under it or None)."""
    main, _, note = card_html.partition("<div")

    def plain(part: str) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", part)).strip()

    return plain(main), (plain("<div" + note) or None) if note else None


def only_enabled(*accounts: str) -> None:
    """Switch every other Mollie Settings record off for this test (rolled back with it): the desk's
    cards read every enabled account of the site."""
    frappe.db.set_value("Mollie Settings", {"name": ["not in", accounts or ("",)]}, "enable_backend_api", 0)


@contextmanager
def site_conf(**values):
    """Temporarily set site config keys in this process (`frappe.conf` is per site and process)."""
    saved = {key: frappe.conf.get(key) for key in values}
    frappe.conf.update(values)
    try:
        yield
    finally:
        frappe.conf.update(saved)


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


class SettingsRecordTestCase(FrappeTestCase):
    """A committed Mollie Settings record `account` (`make_settings`) for the class, removed after it with
    what `remove_records` removes; each test's own writes are rolled back."""

    account: str

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_settings(cls.account)
        frappe.db.commit()

    @classmethod
    def remove_records(cls) -> None:
        """Records of the account that outlive a test (none unless a class says so)."""

    @classmethod
    def tearDownClass(cls):
        frappe.db.rollback()
        cls.remove_records()
        frappe.delete_doc("Mollie Settings", cls.account, force=True, ignore_permissions=True)
        frappe.db.commit()
        super().tearDownClass()

    def tearDown(self):
        frappe.db.rollback()


def encrypted_webhook_row(account: str, resource_id: str, body: str, *, parent_id: str | None = None) -> str:
    log_id = uuid.uuid4().hex
    FrappeWebhookLogStore(commit=False).record(NewWebhookLog(
        id=log_id, source="next-gen", status=WebhookStatus.PROCESSED, http_status=200, signature_result="valid",
        headers=json.dumps({"user-agent": "Mollie"}), received_at=datetime.now(timezone.utc),
        body=field_cipher().encrypt(body, body_context(log_id)).encode(), body_encrypted=True,
        body_size=len(body), account=account, resource_type="payment", resource_id=resource_id,
        parent_id=parent_id, client_ip="198.51.100.7"))
    return log_id


def dispute_case(account: str, case_id: str, *, customer_id: str, payment_id: str, note: str, **values) -> str:
    """An open case of 12.50 EUR (`values` set other fields, e.g. status and deadline)."""
    frappe.get_doc({
        "doctype": "Dispute Case", "case_id": case_id, "status": "open", "priority": "high",
        "settings_name": account, "amount": 12.5, "currency": "EUR", "chargeback_id": f"chb_{case_id[-8:]}",
        "payment_id": payment_id, "customer_id": customer_id, "chargeback_created_at": frappe.utils.now_datetime(),
        "note": note, "version": 1, **values}).insert(ignore_permissions=True)
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


_created_users: set[str] = set()


def make_test_user(email: str, roles=(), first_name: str | None = None) -> str:
    """A desk user with `roles` for a permission test; a user this call creates is removed again by
    `remove_test_users`, which every module that makes users names as its `tearDownModule`."""
    if not frappe.db.exists("User", email):
        frappe.get_doc({"doctype": "User", "email": email, "first_name": first_name or email.split("@")[0],
                        "send_welcome_email": 0, "roles": [{"role": role} for role in roles]}
                       ).insert(ignore_permissions=True)
        _created_users.add(email)
    return email


def remove_test_users() -> None:
    """Delete the users `make_test_user` created (and committed) in this process, for good. Frappe refuses
    to delete any user while no System Manager but Administrator exists (a fresh site); that guard is
    about people, not test users, so it is lifted for these deletions only."""
    from unittest import mock

    from frappe.core.doctype.user.user import User

    frappe.db.rollback()
    frappe.set_user("Administrator")
    with mock.patch.object(User, "a_system_manager_should_exist", lambda self: None):
        for email in sorted(_created_users):
            if frappe.db.exists("User", email):
                frappe.delete_doc("User", email, force=True, ignore_permissions=True, delete_permanently=True)
    _created_users.clear()
    frappe.db.commit()


#: Written on first use by Frappe (`encryption_key`, when a Password field is first saved) and by the audit
#: trail (`verenigingen_audit_keys`); a test run on a fresh site creates them.
GENERATED_SITE_CONFIG = ("encryption_key", "verenigingen_audit_keys")
AUDIT_DOCTYPES = ("Mollie Audit Log", "Mollie Audit Chain Head")


def restore_generated_state(baseline: dict[str, list]) -> None:
    """End of the run: remove what the tests generated on first use on a site that had none of it — the
    site_config keys above (no Password value of a test remains to need them), and the audit chain the
    tests' records started. On a site that already had an audit chain nothing is removed (the chain is
    append-only), and the comparison names the rows the tests added."""
    from frappe.installer import update_site_config

    for key in GENERATED_SITE_CONFIG:
        if key not in baseline["site_config keys"] and frappe.conf.get(key) is not None:
            if key != "encryption_key" or not frappe.db.sql("select 1 from `__Auth` where encrypted = 1 limit 1"):
                update_site_config(key, "None")
    if all(f"{doctype}: 0" in baseline["app records"] for doctype in AUDIT_DOCTYPES):
        for doctype in AUDIT_DOCTYPES:
            frappe.db.delete(doctype)
    frappe.db.commit()


def site_state() -> dict[str, list]:
    """What the app's tests must leave as they found it: enabled users, roles, Mollie Settings records,
    site_config.json keys, and the row count of each of the app's DocTypes."""
    with open(frappe.get_site_path("site_config.json")) as config:
        keys = sorted(json.load(config))
    app_doctypes = frappe.get_all("DocType", filters={"module": "Verenigingen Payments", "issingle": 0,
                                                       "istable": 0}, pluck="name", order_by="name")
    return {
        "enabled users": sorted(frappe.get_all("User", filters={"enabled": 1}, pluck="name")),
        "roles": sorted(frappe.get_all("Role", pluck="name")),
        "Mollie Settings": sorted(frappe.get_all("Mollie Settings", pluck="name")),
        "site_config keys": keys,
        "app records": [f"{doctype}: {frappe.db.count(doctype)}" for doctype in app_doctypes],
    }
