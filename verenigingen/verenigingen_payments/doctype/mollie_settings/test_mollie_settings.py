"""Mollie Settings in a real site: the deployment guide's console lines, encryption, validation, provider."""

from __future__ import annotations

import frappe
from frappe.model.document import Document
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.clients.config import MollieConfig
from verenigingen.verenigingen_payments.core.errors import ConfigurationError
from verenigingen.verenigingen_payments.frappe_integration.common.roles import APP_ROLES
from verenigingen.verenigingen_payments.frappe_integration.settings.provider import FrappeSettingsProvider
from verenigingen.verenigingen_payments.frappe_integration.testing import (
    GUIDE_NAME,
    emulator_account,
    make_guide_settings,
    site_conf,
)


class RollbackEachTest(FrappeTestCase):
    """Each test starts from the committed state: records it inserts are rolled back after it."""

    def tearDown(self):
        frappe.db.rollback()
        frappe.set_user("Administrator")


class TestMollieSettings(RollbackEachTest):
    def test_guide_console_lines_store_the_key_encrypted(self):
        doc = make_guide_settings()
        stored = frappe.db.get_value("Mollie Settings", GUIDE_NAME, "secret_key")
        self.assertNotIn("live_xxx", stored)
        self.assertEqual(set(stored), {"*"})
        encrypted = frappe.db.sql(
            "select password from `__Auth` where doctype=%s and name=%s and fieldname=%s",
            ("Mollie Settings", GUIDE_NAME, "secret_key"),
        )[0][0]
        self.assertNotIn("live_xxx", encrypted)
        self.assertEqual(doc.get_password("secret_key"), "live_xxx")
        self.assertEqual(doc.get_password("webhook_secret"), "webhook_secret_xxx")

    def test_secrets_never_appear_in_as_dict_or_the_list_view(self):
        make_guide_settings()
        doc = frappe.get_doc("Mollie Settings", GUIDE_NAME)
        dumped = frappe.as_json(doc.as_dict())
        self.assertNotIn("live_xxx", dumped)
        self.assertNotIn("webhook_secret_xxx", dumped)
        listed = frappe.as_json(frappe.get_list("Mollie Settings", fields=["*"]))
        self.assertNotIn("live_xxx", listed)

    def test_mode_is_derived_from_the_key_and_kept_when_the_key_is_unchanged(self):
        make_guide_settings()
        doc = frappe.get_doc("Mollie Settings", GUIDE_NAME)
        self.assertEqual(doc.mode, "Live")
        doc.retry_max_attempts = 4
        doc.save()
        self.assertEqual(doc.mode, "Live")
        doc.secret_key = "test_abcdefghijklmnopqrstuvwxyz0123"
        doc.save()
        self.assertEqual(doc.mode, "Test")

    def test_webhook_url_is_the_sites_webhook_endpoint(self):
        doc = make_guide_settings()
        self.assertTrue(doc.webhook_url.startswith(frappe.utils.get_url()))
        self.assertTrue(
            doc.webhook_url.endswith("/api/method/verenigingen.utils.payment_gateways.mollie_webhook")
        )

    def test_the_guides_set_value_lines_work(self):
        make_guide_settings()
        frappe.db.set_value("Mollie Settings", GUIDE_NAME, "api_key_rotation_days", 90)
        frappe.db.set_value(
            "Mollie Settings", GUIDE_NAME, {"enable_backend_api": False, "auto_reconcile": False}
        )
        values = frappe.db.get_value(
            "Mollie Settings", GUIDE_NAME, ["api_key_rotation_days", "enable_backend_api", "auto_reconcile"]
        )
        self.assertEqual(tuple(values), (90, 0, 0))

    def test_invalid_values_are_refused_with_clear_messages_without_the_secret(self):
        cases = {
            "secret_key": ("sk_live_secretvalue", "live_"),
            "organization_access_token": ("live_notatoken", "access_"),
            "profile_id": ("profile_1", "pfl_"),
            "reconciliation_hour": (24, "Reconciliation hour"),
            "alert_recipients": ("finance@company.com, nobody", "nobody"),
        }
        for fieldname, (value, expected) in cases.items():
            with self.subTest(fieldname), self.assertRaises(frappe.ValidationError) as caught:
                make_guide_settings(name=f"_Test Invalid {fieldname}", **{fieldname: value})
            message = str(caught.exception)
            self.assertIn(expected, message)
            if fieldname in ("secret_key", "organization_access_token"):
                self.assertNotIn(value, message)

    def test_api_base_url_needs_the_site_flag(self):
        with site_conf(mollie_allow_custom_api_base_url=0, developer_mode=0):
            with self.assertRaises(frappe.ValidationError):
                make_guide_settings(name="_Test Base URL", api_base_url="http://127.0.0.1:9/v2")
        with site_conf(mollie_allow_custom_api_base_url=1):
            doc = make_guide_settings(name="_Test Base URL", api_base_url="http://127.0.0.1:9/v2")
            self.assertEqual(FrappeSettingsProvider().get_config(doc.name).base_url, "http://127.0.0.1:9/v2")

    def test_roles_exist_with_desk_access(self):
        for role in APP_ROLES:
            self.assertEqual(frappe.db.get_value("Role", role, "desk_access"), 1)


class TestFrappeSettingsProvider(RollbackEachTest):
    def test_reads_the_record_and_decrypts_its_secrets(self):
        make_guide_settings(organization_access_token="access_orgtoken123")
        config = FrappeSettingsProvider().get_config(GUIDE_NAME)
        self.assertIsInstance(config, MollieConfig)
        self.assertEqual(config.account, GUIDE_NAME)
        self.assertEqual(config.api_key, "live_xxx")
        self.assertEqual(config.organization_token, "access_orgtoken123")
        self.assertEqual(config.profile_id, "pfl_xxx")
        self.assertTrue(config.enabled)
        self.assertEqual(config.redis_url, frappe.conf.redis_cache)

    def test_changes_take_effect_on_the_next_call(self):
        make_guide_settings()
        provider = FrappeSettingsProvider()
        self.assertEqual(provider.get_config(GUIDE_NAME).retry_max_attempts, 3)
        frappe.db.set_value("Mollie Settings", GUIDE_NAME, {"retry_max_attempts": 5, "enable_backend_api": 0})
        config = provider.get_config(GUIDE_NAME)
        self.assertEqual(config.retry_max_attempts, 5)
        self.assertFalse(config.enabled)

    def test_an_unknown_name_is_a_configuration_error(self):
        with self.assertRaises(ConfigurationError):
            FrappeSettingsProvider().get_config("_Test No Such Account")
