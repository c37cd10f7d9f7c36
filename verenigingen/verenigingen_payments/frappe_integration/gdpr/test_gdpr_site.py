"""GDPR in a real site: the export holds every row naming the subject, opened, in an encrypted private
File; erasure pseudonymises the subject everywhere while ledger totals and the audit chain stay intact;
both are audited; the endpoints are for managers only."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.collection.dunning import DunningCase, Transition
from verenigingen.verenigingen_payments.collection.store import PreNotification
from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.core.security.encryption import is_envelope
from verenigingen.verenigingen_payments.frappe_integration.collections.store import FrappeCollectionStore
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
from verenigingen.verenigingen_payments.frappe_integration.testing import make_test_user, remove_test_users

SETTINGS = "_Test GDPR Settings"
CUSTOMER = "cst_GdprSubject01"
OTHER = "cst_GdprBystander1"
MEMBER = "GDPR-MEMBER-0001"
PAY_1, PAY_2, PAY_OTHER = "tr_GdprPay00001", "tr_GdprPay00002", "tr_GdprPayOther1"
SUBSCRIPTION = f"{SETTINGS}:{MEMBER}:1"
LEAK_TABLES = ("Mollie Payment", "Mollie Subscription", "Mollie Subscription Payment", "Mollie Subscription Event",
               "Dispute Case", "Dispute Evidence", "Mollie Webhook Log", "Mollie Dunning Case",
               "Mollie Dunning Transition", "Mollie Pre-notification")


def _payment(payment_id, customer_id, amount, member=None):
    frappe.get_doc({"doctype": "Mollie Payment", "payment_id": payment_id, "account": SETTINGS, "status": "paid",
                    "amount": amount, "currency": "EUR", "created_at": "2025-03-01 10:00:00",
                    "customer_id": customer_id, "member_reference": member}).insert(ignore_permissions=True)


def _subject(status="canceled"):
    make_settings(SETTINGS)
    _payment(PAY_1, CUSTOMER, "12.50", MEMBER)
    _payment(PAY_2, CUSTOMER, "7.25")
    _payment(PAY_OTHER, OTHER, "30.00")
    frappe.get_doc({"doctype": "Mollie Subscription", "member_reference": MEMBER, "account": SETTINGS, "term": 1,
                    "status": status, "amount": "12.50", "currency": "EUR", "interval": "1 month",
                    "description": "Contributie", "customer_id": CUSTOMER, "subscription_id": "sub_GdprSub0001",
                    "mandate_id": "mdt_GdprMandate1"}).insert(ignore_permissions=True)
    frappe.get_doc({"doctype": "Mollie Subscription Payment", "payment_id": PAY_1, "account": SETTINGS,
                    "subscription": SUBSCRIPTION, "member_reference": MEMBER, "term": 1, "status": "paid",
                    "amount": "12.50", "currency": "EUR", "due_date": "2025-03-01",
                    "created_at": "2025-03-01 10:00:00"}).insert(ignore_permissions=True)
    frappe.get_doc({"doctype": "Mollie Subscription Event", "kind": "new", "at": "2025-03-01 10:00:00",
                    "account": SETTINGS, "subscription": SUBSCRIPTION, "member_reference": MEMBER, "term": 1,
                    "event_key": f"{MEMBER}:1:new:{PAY_1}"}).insert(ignore_permissions=True)
    webhook = encrypted_webhook_row(SETTINGS, PAY_1, json.dumps({"id": PAY_1, "customerId": CUSTOMER,
                                                                  "details": {"consumerName": "Jan Gdpr"}}))
    case = dispute_case(SETTINGS, "DC-gdpr-000001", customer_id=CUSTOMER, payment_id=PAY_2,
                        note="Jan Gdpr called about it")
    evidence(case, "call with Jan", "Jan Gdpr says his IBAN changed")
    _collections(MEMBER, CUSTOMER)
    return webhook


def _collections(member, customer_id):
    """A dunning case (with a note about the member) and a pre-notification of the subject."""
    at = datetime(2025, 4, 3, 9, tzinfo=timezone.utc)
    store = FrappeCollectionStore(commit=False)
    case = DunningCase(SETTINGS, member, "2025-04", "due", "MD06", "", Amount.of("12.50", "EUR"), customer_id,
                       PAY_2, "chargeback", date(2025, 4, 3), at, at)
    store.open_case(case, Transition(SETTINGS, member, "2025-04", "", "due", "chargeback: MD06", at))
    frappe.db.set_value("Mollie Dunning Case", {"member_reference": member}, "note", "Jan Gdpr belt terug")
    store.add_notification(PreNotification(SETTINGS, "sub_GdprSub0001", "sub_GdprSub0001:2025-05", 1, member,
                                           customer_id, date(2025, 5, 1), Amount.of("12.50", "EUR"), "mdt_GdprMandate1",
                                           "VER-GDPR-1", "NL69ZZZ123456780000", "sent", "", at))


def _ledger_total():
    return frappe.db.sql("select cast(sum(amount) as char) from `tabMollie Payment` where account=%s", SETTINGS)[0][0]


def _mentions(text):
    """(table, row) of every row of the app's tables holding `text` in any column."""
    found = []
    for doctype in LEAK_TABLES:
        columns = [c for c in frappe.db.get_table_columns(doctype)]
        where = " or ".join(f"cast(`{c}` as char) like %(t)s" for c in columns)
        found += [(doctype, n) for (n,) in frappe.db.sql(f"select name from `tab{doctype}` where {where}",
                                                          {"t": f"%{text}%"})]
    return found


class GdprSiteCase(FrappeTestCase):
    def setUp(self):
        self.keys = TemporaryKeyRing()
        self.keys.add_version()
        self.exports = []

    def tearDown(self):
        frappe.db.rollback()
        frappe.set_user("Administrator")
        self.keys.restore()
        remove_export_files(self.exports)

    def export(self, **kwargs):
        result = gdpr_site.export_subject(CUSTOMER, kwargs.pop("member", None), actor="Administrator", **kwargs)
        self.exports.append(result["export_id"])
        return result


class TestGdprExport(GdprSiteCase):
    def test_the_export_holds_every_row_naming_the_subject_opened_in_an_encrypted_private_file(self):
        webhook = _subject()
        result = self.export()
        self.assertEqual(result["counts"]["Mollie Payment"], 2)
        self.assertEqual(result["counts"]["Mollie Webhook Log"], 1)
        file_doc = gdpr_export_files.find(result["export_id"])
        self.assertTrue(file_doc.is_private)
        content = gdpr_export_files.read(file_doc)
        self.assertTrue(is_envelope(content))
        self.assertNotIn(CUSTOMER, content)
        bundle = gdpr_site.open_export(result["export_id"], actor="Administrator")
        sections = bundle["sections"]
        self.assertEqual(sorted((p["payment_id"], p["amount"]) for p in sections["Mollie Payment"]),
                         [(PAY_1, "12.500000000"), (PAY_2, "7.250000000")])
        self.assertEqual([s["name"] for s in sections["Mollie Subscription"]], [SUBSCRIPTION])
        self.assertEqual(len(sections["Mollie Subscription Payment"]), 1)
        self.assertEqual(len(sections["Mollie Subscription Event"]), 1)
        self.assertEqual(bundle["member_references"], [MEMBER])
        self.assertEqual(json.loads(sections["Mollie Webhook Log"][0]["body"])["customerId"], CUSTOMER)
        self.assertEqual(sections["Mollie Webhook Log"][0]["name"], webhook)
        self.assertEqual(sections["Dispute Evidence"][0]["body"], "Jan Gdpr says his IBAN changed")
        self.assertEqual([(c["member_reference"], c["amount"]) for c in sections["Mollie Dunning Case"]],
                         [(MEMBER, "12.500000000")])
        self.assertEqual([t["cause"] for t in sections["Mollie Dunning Transition"]], ["chargeback: MD06"])
        self.assertEqual([n["mandate_reference"] for n in sections["Mollie Pre-notification"]], ["VER-GDPR-1"])
        self.assertNotIn(OTHER, json.dumps(bundle))

    def test_export_and_opening_are_audited_and_a_later_export_lists_them(self):
        _subject()
        first = self.export()
        gdpr_site.open_export(first["export_id"], actor="Administrator")
        second = self.export()
        bundle = gdpr_site.open_export(second["export_id"], actor="Administrator")
        events = [e["event_type"] for e in bundle["audit_entries"]]
        self.assertEqual(events, ["gdpr_export"])
        entry = bundle["audit_entries"][0]
        self.assertEqual(entry["resource_id"], first["export_id"])
        self.assertNotIn(CUSTOMER, json.dumps(entry))
        opened = frappe.get_all("Mollie Audit Log", filters={"chain_id": frappe.local.site,
                                "event_type": "gdpr_export_opened", "resource_id": first["export_id"]})
        self.assertEqual(len(opened), 1)

    def test_a_malformed_customer_id_is_refused_naming_the_field(self):
        with self.assertRaises(ValueError) as caught:
            gdpr_site.export_subject("tr_NotACustomer", actor="Administrator")
        self.assertIn("customer_id", str(caught.exception))

    def test_without_encryption_keys_nothing_is_written_in_clear(self):
        _subject()
        frappe.conf.pop("verenigingen_encryption_keys", None)
        from verenigingen.verenigingen_payments.core.errors import ConfigurationError

        before = frappe.db.count("File", {"file_name": ["like", "gdpr-export-%"]})
        self.assertRaises(ConfigurationError, gdpr_site.export_subject, CUSTOMER, actor="Administrator")
        self.assertEqual(frappe.db.count("File", {"file_name": ["like", "gdpr-export-%"]}), before)


class TestGdprErasure(GdprSiteCase):
    def test_erasure_pseudonymises_the_subject_everywhere_and_keeps_totals_and_the_chain(self):
        webhook = _subject()
        earlier = self.export()
        total = _ledger_total()
        result = gdpr_site.erase_subject(CUSTOMER, MEMBER, actor="Administrator")

        self.assertEqual(_mentions(CUSTOMER), [])
        self.assertEqual(_mentions(MEMBER), [])
        self.assertEqual(_mentions("Jan Gdpr"), [])
        self.assertEqual(_ledger_total(), total)
        token = result["customer_token"]
        self.assertEqual(frappe.db.count("Mollie Payment", {"customer_id": token}), 2)
        self.assertEqual(frappe.db.get_value("Mollie Payment", {"payment_id": PAY_OTHER}, "customer_id"), OTHER)
        renamed = f"{SETTINGS}:{result['member_tokens'][0]}:1"
        self.assertTrue(frappe.db.exists("Mollie Subscription", renamed))
        self.assertEqual(frappe.db.get_value("Mollie Subscription Payment", {"payment_id": PAY_1}, "subscription"),
                         renamed)
        row = frappe.db.get_value("Mollie Webhook Log", webhook, ["body", "client_ip", "personal_data_purged",
                                                                   "resource_id"], as_dict=True)
        self.assertEqual((row.body, row.client_ip, row.personal_data_purged, row.resource_id), (None, None, 1, PAY_1))
        self.assertIsNone(gdpr_export_files.find(earlier["export_id"]))
        self.assertTrue(security_seams.verify_audit().ok)
        customer_entry, member_entry = frappe.get_all(
            "Mollie Audit Log", filters={"chain_id": frappe.local.site, "event_type": "gdpr_erasure"},
            fields=["subject_token", "details", "sequence"], order_by="sequence desc", limit=2)[::-1]
        self.assertEqual(customer_entry.subject_token, token)
        self.assertEqual(member_entry.subject_token, result["member_tokens"][0])
        self.assertEqual(json.loads(member_entry.details)["customer_entry"], customer_entry.sequence)
        self.assertNotIn(CUSTOMER, customer_entry.details + member_entry.details)

        after = gdpr_site.open_export(self.export()["export_id"], actor="Administrator")
        self.assertEqual({k: v for k, v in after["sections"].items() if v}, {})
        self.assertIn("gdpr_erasure", [e["event_type"] for e in after["audit_entries"]])

    def test_a_running_subscription_refuses_erasure_unless_forced(self):
        _subject(status="active")
        with self.assertRaises(gdpr_site.ErasureRefused):
            gdpr_site.erase_subject(CUSTOMER, actor="Administrator")
        self.assertEqual(frappe.db.count("Mollie Payment", {"customer_id": CUSTOMER}), 2)
        result = gdpr_site.erase_subject(CUSTOMER, actor="Administrator", force=True)
        self.assertTrue(result["forced"])
        self.assertEqual(_mentions(CUSTOMER), [])


class TestGdprEndpoints(GdprSiteCase):
    def test_only_managers_may_export_open_or_erase(self):
        from verenigingen.verenigingen_payments.api import gdpr as api

        _subject()
        user = _user("gdpr-viewer@example.com", "Mollie Finance Viewer")
        frappe.set_user(user)
        for call in (lambda: api.export_personal_data(CUSTOMER), lambda: api.erase_personal_data(CUSTOMER),
                     lambda: api.download_personal_data_export("gdpr" + "a" * 28)):
            self.assertRaises(frappe.PermissionError, call)
        frappe.set_user(_user("gdpr-manager@example.com", "Mollie Finance Manager"))
        result = api.export_personal_data(CUSTOMER, MEMBER)
        self.exports.append(result["export_id"])
        self.assertEqual(api.download_personal_data_export(result["export_id"])["subject"]["id"], CUSTOMER)
        self.assertRaises(frappe.ValidationError, api.erase_personal_data, "not-a-customer")
        self.assertEqual(api.erase_personal_data(CUSTOMER, MEMBER)["running_subscriptions"], 0)


def _user(email, role):
    return make_test_user(email, [role], role)


tearDownModule = remove_test_users
