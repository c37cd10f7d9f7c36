"""Re-encryption in a real site: after a new key version becomes current, the deployment guide's console
line moves every value the app sealed (webhook bodies, dispute evidence, GDPR export files) to it,
every value still opens, and the report and the audit entry say how many were re-encrypted."""

from __future__ import annotations

import json

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.core.security import MollieSecurityManager
from verenigingen.verenigingen_payments.core.security.encryption import FieldContext, parse_envelope
from verenigingen.verenigingen_payments.doctype.dispute_evidence.dispute_evidence import sealer_for
from verenigingen.verenigingen_payments.frappe_integration.gdpr import export_files as gdpr_export_files
from verenigingen.verenigingen_payments.frappe_integration.gdpr import service as gdpr_site
from verenigingen.verenigingen_payments.frappe_integration.security import seams as security_seams
from verenigingen.verenigingen_payments.frappe_integration.testing import (
    TemporaryKeyRing,
    dispute_case,
    encrypted_webhook_row,
    evidence,
    make_settings,
    remove_export_files,
)
from verenigingen.verenigingen_payments.webhooks.ingest import body_context

SETTINGS = "_Test Reencrypt Settings"
CUSTOMER = "cst_ReencryptTest1"


class TestReencryptionInSite(FrappeTestCase):
    def setUp(self):
        self.keys = TemporaryKeyRing()
        self.exports = []

    def tearDown(self):
        frappe.db.rollback()
        self.keys.restore()
        remove_export_files(self.exports)

    def _values(self, log_id, evidence_name, export_id):
        body = frappe.db.get_value("Mollie Webhook Log", log_id, "body")
        sealed = frappe.db.get_value("Dispute Evidence", evidence_name, "body")
        exported = gdpr_export_files.read(gdpr_export_files.find(export_id))
        return body, sealed, exported

    def test_the_console_line_reencrypts_every_sealed_value_under_the_new_current_version(self):
        old = self.keys.add_version()
        make_settings(SETTINGS)
        log_id = encrypted_webhook_row(SETTINGS, "tr_Reencrypt01", '{"id": "tr_Reencrypt01", "customerId": "%s"}' % CUSTOMER)
        case = dispute_case(SETTINGS, "DC-reencrypt-01", customer_id=CUSTOMER, payment_id="tr_Reencrypt01",
                            note="called the member")
        evidence_name = evidence(case, "phone call", "Member says the bank reversed it by mistake")
        export = gdpr_site.export_subject(CUSTOMER, actor="Administrator")
        self.exports.append(export["export_id"])
        before = self._values(log_id, evidence_name, export["export_id"])
        self.assertEqual({parse_envelope(v).key_id for v in before}, {old})

        new = self.keys.add_version()
        report = MollieSecurityManager(SETTINGS).rotate_api_key()

        after = self._values(log_id, evidence_name, export["export_id"])
        self.assertEqual({parse_envelope(v).key_id for v in after}, {new})
        self.assertGreaterEqual(report.reencrypted, 3)
        self.assertIn(f"{report.reencrypted} value(s) re-encrypted under key version {new}", str(report))
        cipher = security_seams.field_cipher()
        self.assertEqual(json.loads(cipher.decrypt_text(after[0], body_context(log_id)))["customerId"], CUSTOMER)
        opened = sealer_for(SETTINGS).open(_evidence_record(evidence_name)).body
        self.assertEqual(opened, "Member says the bank reversed it by mistake")
        bundle = gdpr_site.open_export(export["export_id"], actor="Administrator")
        self.assertEqual(bundle["subject"], {"kind": "customer", "id": CUSTOMER})
        entry = frappe.get_all("Mollie Audit Log", filters={"chain_id": frappe.local.site,
                                                            "event_type": "encryption_reencrypted"},
                               fields=["details"], order_by="sequence desc", limit=1)[0]
        self.assertEqual(json.loads(entry.details)["count"], report.reencrypted)
        self.assertTrue(security_seams.verify_audit().ok)

    def test_a_value_changed_meanwhile_is_left_alone_and_not_counted(self):
        from verenigingen.verenigingen_payments.frappe_integration.security.encrypted_sources import (
            site_sources,
        )

        self.keys.add_version()
        make_settings(SETTINGS)
        log_id = encrypted_webhook_row(SETTINGS, "tr_Reencrypt02", "{}")
        source = site_sources()[0]
        context = FieldContext("Mollie Webhook Log", log_id, "body")
        self.assertFalse(source.replace_encrypted_value(context, "aesgcm1:v0:stale", "aesgcm1:v0:new"))
        self.assertTrue(frappe.db.get_value("Mollie Webhook Log", log_id, "body").startswith("aesgcm1:"))

    def test_a_rolled_back_reencryption_leaves_the_committed_export_file_readable(self):
        old = self.keys.add_version()
        make_settings(SETTINGS)
        export = gdpr_site.export_subject(CUSTOMER, actor="Administrator")
        self.exports.append(export["export_id"])
        frappe.db.commit()
        try:
            self.keys.add_version()
            MollieSecurityManager(SETTINGS, actor="system").rotate_api_key()
            frappe.db.rollback()
            content = gdpr_export_files.read(gdpr_export_files.find(export["export_id"]))
            self.assertEqual(parse_envelope(content).key_id, old)
            self.assertEqual(gdpr_site.open_export(export["export_id"], actor="Administrator")["subject"]["id"],
                             CUSTOMER)
        finally:
            frappe.db.rollback()
            frappe.delete_doc("File", export["file"], ignore_permissions=True, force=True)
            for doctype in ("Mollie Settings",):
                frappe.delete_doc(doctype, SETTINGS, ignore_permissions=True, force=True)
            frappe.db.commit()

    def test_no_new_version_means_nothing_to_reencrypt(self):
        self.keys.add_version()
        make_settings(SETTINGS)
        encrypted_webhook_row(SETTINGS, "tr_Reencrypt03", "{}")
        MollieSecurityManager(SETTINGS).rotate_api_key()
        second = MollieSecurityManager(SETTINGS).rotate_api_key()
        self.assertEqual(second.reencrypted, 0)


def _evidence_record(name):
    from verenigingen.verenigingen_payments.doctype.dispute_evidence.dispute_evidence import _record

    return _record(frappe.get_doc("Dispute Evidence", name))
