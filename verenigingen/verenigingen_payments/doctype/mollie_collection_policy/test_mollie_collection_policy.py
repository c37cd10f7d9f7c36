"""Mollie Collection Policy rows and the Collections section of Mollie Settings in a real site: what
staff enter is checked with clear messages, and the account's own policy reaches the core."""

from __future__ import annotations

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.collection.policy import CONTACT, RETRY, STOP
from verenigingen.verenigingen_payments.frappe_integration.collections.account import account_config

ACCOUNT = "_Test Collection Policy Account"


def settings(**values):
    doc = frappe.get_doc({"doctype": "Mollie Settings", "gateway_name": ACCOUNT, "secret_key": "test_" + "p" * 30,
                          "profile_id": "pfl_Policy123", "enable_backend_api": 0, "enable_encryption": 1,
                          "enable_audit_trail": 0, **values})
    return doc


class TestMollieCollectionPolicy(FrappeTestCase):
    def tearDown(self):
        frappe.db.rollback()

    def test_a_wrong_section_is_refused_naming_every_problem(self):
        doc = settings(enable_collections=1, creditor_id="NL68ZZZ123456780000", pre_notification_days=0,
                       collections_contact="nobody", collection_paydays="25,31",
                       collection_policies=[{"reason_code": "AM4", "retries": 5, "then_action": "contact"}])
        with self.assertRaises(frappe.ValidationError) as refused:
            doc.insert()
        message = str(refused.exception)
        for expected in ("check digits", "Pre-notification days must be a whole number from 1 to 60",
                         "Contact Address must be an email", "Paydays must be days 1–28", "Policy row 'AM4'",
                         "Association Name is required", "Redirect URL is required"):
            self.assertIn(expected, message)

    def test_the_accounts_policy_and_settings_reach_the_core(self):
        settings(enable_collections=1, creditor_id="NL69ZZZ123456780000", collections_association="De Eendracht",
                 collections_contact="penningmeester@example.org", payment_redirect_url="https://example.org/bedankt",
                 pre_notification_days=10, collection_paydays="28",
                 collection_policies=[{"reason_code": "AM04", "retries": 1, "then_action": "stop"},
                                      {"reason_code": "*", "retries": 0, "then_action": "contact"}]).insert()
        self.assertTrue(frappe.db.get_value("Mollie Settings", ACCOUNT, "collections_from"))
        config, policy = account_config(ACCOUNT)
        self.assertEqual((config.creditor_id, config.notice_days, config.association, policy.paydays),
                         ("NL69ZZZ123456780000", 10, "De Eendracht", (28,)))
        self.assertEqual([policy.decide("AM04", n).action for n in (0, 1)], [RETRY, STOP])
        self.assertEqual(policy.decide("MS02", 0).action, CONTACT)
