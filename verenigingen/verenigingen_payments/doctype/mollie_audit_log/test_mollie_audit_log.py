"""Mollie Audit Log in a real site: the hash chain on DocTypes, append-only controller, permissions,
tampering done directly in MariaDB caught by the verifier, settings changes and denials audited,
and the deployment guide's rotation console line against the Mollie emulator."""

from __future__ import annotations

import json
import uuid

import frappe
import pymysql
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.core.security import MollieSecurityManager
from verenigingen.verenigingen_payments.core.security.audit import AuditTrail
from verenigingen.verenigingen_payments.core.security.audit_verify import (
    DELETED,
    EDITED,
    REORDERED,
    verify_chain,
)
from verenigingen.verenigingen_payments.core.security.errors import RotationError
from verenigingen.verenigingen_payments.doctype.mollie_audit_log.mollie_audit_log import AppendOnlyError
from verenigingen.verenigingen_payments.frappe_integration.common.site_time import from_site_time
from verenigingen.verenigingen_payments.frappe_integration.security import seams as security_seams
from verenigingen.verenigingen_payments.frappe_integration.security.audit_store import FrappeAuditLogStore
from verenigingen.verenigingen_payments.frappe_integration.testing import allow_emulator_base_url
from verenigingen.verenigingen_payments.sandbox import MollieEmulator
from verenigingen.verenigingen_payments.frappe_integration.testing import make_test_user, remove_test_users

AUDIT = "Mollie Audit Log"
SETTINGS = "_Test Audit Settings"
SECRET = "live_AuditCanary0123456789abcdefghijklmn"


class AuditTestCase(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        allow_emulator_base_url(cls)

    def setUp(self):
        self.chain = f"_test-{uuid.uuid4().hex[:10]}"
        self.store = FrappeAuditLogStore()
        self.trail = AuditTrail(self.store, security_seams.audit_keys(), chain_id=self.chain)

    def tearDown(self):
        frappe.db.rollback()
        frappe.set_user("Administrator")

    def fill(self, count=5):
        for n in range(count):
            self.trail.record("settings_changed", actor="system", settings_name="Production",
                              resource_type="Mollie Settings", resource_id="Production", details={"n": n})

    def verify(self):
        return verify_chain(self.store, security_seams.audit_keys(), self.chain)

    def sql(self, query, *values):
        frappe.db.sql(query.replace("AUDIT", f"`tab{AUDIT}`"), values)

    def entries(self):
        return frappe.get_all(AUDIT, filters={"chain_id": self.chain}, fields=["*"], order_by="sequence asc")


class TestMollieAuditLogChain(AuditTestCase):
    def test_entries_are_sealed_in_sequence_and_linked_and_the_guides_query_finds_them(self):
        self.fill(3)
        rows = self.entries()
        self.assertEqual([r.sequence for r in rows], [1, 2, 3])
        self.assertEqual(rows[1].previous_hash, rows[0].entry_hash)
        self.assertTrue(self.verify().ok)
        logs = frappe.get_all("Mollie Audit Log", filters={"created": [">", "2024-01-01"]}, limit=10)
        self.assertTrue(logs)

    def test_the_guides_index_and_the_no_fork_constraint_exist(self):
        indexes = {row[2]: row for row in frappe.db.sql(f"show index from `tab{AUDIT}`")}
        self.assertIn("idx_audit_event", indexes)
        columns = [r[4] for r in frappe.db.sql(f"show index from `tab{AUDIT}` where Key_name='idx_audit_event'")]
        self.assertEqual(columns, ["event_type", "created"])
        self.fill(1)
        with self.assertRaises(frappe.db.DuplicateEntryError if hasattr(frappe.db, "DuplicateEntryError")
                               else Exception):
            self.sql("insert into AUDIT (name, chain_id, sequence, event_type, created, actor, details, key_id, "
                     "previous_hash, entry_hash) values ('forked', %s, 1, 'x', now(), 'system', '{}', 'a1', 'x', 'x')",
                     self.chain)

    def test_the_head_row_is_locked_while_an_append_is_uncommitted(self):
        self.fill(1)  # this transaction now holds the head row
        conf = frappe.conf
        other = pymysql.connect(host=conf.db_host or "127.0.0.1", port=int(conf.db_port or 3306),
                                user=conf.db_name, password=conf.db_password, database=conf.db_name)
        try:
            with self.assertRaises(pymysql.err.OperationalError):
                with other.cursor() as cursor:
                    cursor.execute("select last_sequence from `tabMollie Audit Chain Head` where name=%s "
                                   "for update nowait", (self.chain,))
        finally:
            other.close()

    def test_tampering_in_mariadb_is_named_edit(self):
        self.fill()
        self.sql("update AUDIT set details=%s where chain_id=%s and sequence=3", '{"n":99}', self.chain)
        result = self.verify()
        self.assertEqual((result.problem.kind, result.problem.sequence), (EDITED, 3))
        self.assertIn("entry 3", result.summary())

    def test_tampering_in_mariadb_is_named_deletion(self):
        self.fill()
        self.sql("delete from AUDIT where chain_id=%s and sequence=2", self.chain)
        result = self.verify()
        self.assertEqual((result.problem.kind, result.problem.sequence), (DELETED, 2))

    def test_deleting_the_newest_entries_is_caught_by_the_head(self):
        self.fill()
        self.sql("delete from AUDIT where chain_id=%s and sequence>=4", self.chain)
        self.assertEqual(self.verify().problem.kind, DELETED)

    def test_tampering_in_mariadb_is_named_reordering(self):
        self.fill()
        self.sql("update AUDIT set sequence=-1 where chain_id=%s and sequence=2", self.chain)
        self.sql("update AUDIT set sequence=2 where chain_id=%s and sequence=3", self.chain)
        self.sql("update AUDIT set sequence=3 where chain_id=%s and sequence=-1", self.chain)
        result = self.verify()
        self.assertEqual(result.problem.kind, REORDERED)
        self.assertEqual(result.problem.sequence, 2)

    def test_a_disabled_trail_writes_nothing_and_the_chain_stays_valid(self):
        self.fill(2)
        self.trail.enabled = False
        self.assertIsNone(self.trail.record("settings_changed"))
        self.trail.enabled = True
        self.fill(1)
        self.assertEqual(len(self.entries()), 3)
        self.assertTrue(self.verify().ok)


class TestDailyChainVerification(AuditTestCase):
    def test_the_daily_job_reports_the_site_chain_to_prometheus_and_catches_an_edit(self):
        from prometheus_client import REGISTRY

        from verenigingen.verenigingen_payments.frappe_integration.security import jobs as security_jobs

        site_chain = security_seams.chain_id()
        AuditTrail(self.store, security_seams.audit_keys(), chain_id=site_chain).record("settings_changed",
                                                                                       actor="system")
        self.assertTrue(security_jobs.verify_audit_chain())
        self.assertEqual(REGISTRY.get_sample_value("mollie_audit_chain_valid", {"chain": site_chain}), 1)
        self.sql("update AUDIT set details=%s where chain_id=%s order by sequence desc limit 1", '{"n":99}', site_chain)
        self.assertFalse(security_jobs.verify_audit_chain())
        self.assertEqual(REGISTRY.get_sample_value("mollie_audit_chain_valid", {"chain": site_chain}), 0)


class TestMollieAuditLogIsAppendOnly(AuditTestCase):
    def test_the_controller_refuses_update_delete_rename_and_direct_inserts(self):
        self.fill(1)
        doc = frappe.get_doc(AUDIT, self.entries()[0].name)
        doc.event_type = "rewritten"
        self.assertRaises(AppendOnlyError, doc.save, ignore_permissions=True)
        self.assertRaises(AppendOnlyError, frappe.delete_doc, AUDIT, doc.name, ignore_permissions=True)
        self.assertRaises(AppendOnlyError, doc.db_set, "event_type", "rewritten")
        forged = frappe.get_doc({"doctype": AUDIT, "chain_id": self.chain, "sequence": 9, "event_type": "x",
                                 "created": frappe.utils.now_datetime(), "actor": "system", "details": "{}",
                                 "key_id": "a1", "previous_hash": "0", "entry_hash": "0"})
        self.assertRaises(AppendOnlyError, forged.insert, ignore_permissions=True)
        self.assertTrue(self.verify().ok)

    def test_nobody_may_write_or_delete_and_the_mollie_roles_may_read(self):
        for role, readable in (("System Manager", True), ("Mollie Finance Manager", True),
                               ("Mollie Finance Viewer", True), ("Accounts User", False)):
            user = _user_with(role)
            for right in ("create", "write", "delete", "submit", "cancel", "amend"):
                self.assertFalse(frappe.has_permission(AUDIT, right, user=user), f"{role} may {right}")
            self.assertEqual(bool(frappe.has_permission(AUDIT, "read", user=user)), readable, role)

    def test_a_system_manager_cannot_edit_or_delete_through_the_desk_api(self):
        self.fill(1)
        name = self.entries()[0].name
        frappe.set_user(_user_with("System Manager"))
        from frappe.client import delete, set_value

        self.assertRaises(frappe.PermissionError, set_value, AUDIT, name, "event_type", "rewritten")
        self.assertRaises(frappe.PermissionError, delete, AUDIT, name)
        frappe.set_user("Administrator")
        self.assertTrue(self.verify().ok)


class TestAuditedEvents(AuditTestCase):
    def site_entries(self, event_type):
        return frappe.get_all(AUDIT, filters={"chain_id": frappe.local.site, "event_type": event_type},
                              fields=["settings_name", "details", "actor", "sequence"], order_by="sequence asc")

    def test_settings_changes_name_fields_never_secret_values(self):
        doc = _settings()
        doc.reload()
        doc.secret_key = SECRET.replace("Canary", "Canary2")
        doc.profile_id = "pfl_Changed123"
        doc.save()
        created, changed = self.site_entries("settings_created")[-1], self.site_entries("settings_changed")[-1]
        self.assertIn("secret_key", json.loads(created.details)["fields"])
        self.assertEqual(set(json.loads(changed.details)["fields"]), {"secret_key", "profile_id", "secret_key_rotated_at"})
        everything = json.dumps(frappe.get_all(AUDIT, filters={"chain_id": frappe.local.site}, fields=["*"]), default=str)
        self.assertNotIn("AuditCanary", everything)
        self.assertTrue(security_seams.verify_audit().ok)

    def test_audit_trail_switched_off_records_nothing_new(self):
        doc = _settings(enable_audit_trail=0)
        before = len(self.site_entries("settings_changed"))
        doc.reload()
        doc.profile_id = "pfl_Other12345"
        doc.save()
        self.assertEqual(len(self.site_entries("settings_changed")), before)

    def test_a_permission_denial_on_an_endpoint_is_audited(self):
        from verenigingen.verenigingen_payments.api.conventions import require_role

        _settings()
        frappe.set_user(_user_with("Accounts User"))
        self.assertRaises(frappe.PermissionError, require_role, ["Mollie Finance Manager"])
        frappe.set_user("Administrator")
        denial = self.site_entries("permission_denied")[-1]
        self.assertEqual(json.loads(denial.details)["required_roles"], ["Mollie Finance Manager"])
        self.assertTrue(denial.actor.startswith("psn_"))


class TestRotationInSite(AuditTestCase):
    def test_the_guides_console_line_switches_a_verified_staged_key(self):
        with MollieEmulator(scenario="association-small", seed=1) as emu:
            _settings(api_base_url=emu.base_url, secret_key="test_" + "o" * 30, staged_secret_key=emu.api_key)
            report = MollieSecurityManager(SETTINGS).rotate_api_key()
        self.assertEqual(report.switched, ["secret_key"])
        doc = frappe.get_doc("Mollie Settings", SETTINGS)
        self.assertEqual(doc.get_password("secret_key"), emu.api_key)
        self.assertEqual(doc.get_password("previous_secret_key"), "test_" + "o" * 30)
        self.assertFalse(doc.get_password("staged_secret_key", raise_exception=False))
        self.assertTrue(doc.secret_key_previous_valid_until)
        stored = frappe.db.sql("select password from `__Auth` where doctype='Mollie Settings' and name=%s",
                               SETTINGS)
        self.assertFalse([p for (p,) in stored if emu.api_key in p or "oooo" in p])
        events = [e.event_type for e in frappe.get_all(AUDIT, filters={"chain_id": frappe.local.site},
                                                        fields=["event_type"], order_by="sequence desc", limit=2)]
        self.assertEqual(events, ["rotation_checked", "credential_rotated"])

    def test_a_staged_key_mollie_refuses_is_not_switched(self):
        with MollieEmulator(scenario="association-small", seed=1) as emu:
            _settings(api_base_url=emu.base_url, secret_key=emu.api_key, staged_secret_key="test_" + "r" * 30)
            with self.assertRaises(RotationError) as caught:
                MollieSecurityManager(SETTINGS).rotate_api_key()
        self.assertNotIn("rrrr", str(caught.exception))
        doc = frappe.get_doc("Mollie Settings", SETTINGS)
        self.assertEqual(doc.get_password("secret_key"), emu.api_key)

    def test_nothing_staged_reports_the_age_honestly(self):
        _settings(api_key_rotation_days=90)
        report = MollieSecurityManager(SETTINGS).rotate_api_key()
        self.assertEqual(report.switched, [])
        self.assertEqual(report.key_age_days, 0)
        self.assertFalse(report.rotation_due)
        self.assertIn("Nothing staged", str(report))


def _settings(**overrides):
    values = {"doctype": "Mollie Settings", "gateway_name": SETTINGS, "secret_key": SECRET,
              "profile_id": "pfl_Test12345", "enable_backend_api": 1, "enable_audit_trail": 1}
    values.update(overrides)
    return frappe.get_doc(values).insert()


def _user_with(role: str) -> str:
    email = f"audit-{frappe.scrub(role).replace('_', '-')}@example.com"
    return make_test_user(email, [role], role)


class TestSecurityJobs(AuditTestCase):
    def test_the_daily_check_erases_expired_previous_values_and_reminds_when_a_key_is_due(self):
        from datetime import timedelta

        from verenigingen.verenigingen_payments.frappe_integration.security import jobs as security_jobs

        doc = _settings(api_key_rotation_days=30)
        manager = _user_with("Mollie Finance Manager")
        later = frappe.utils.now_datetime() + timedelta(days=31)
        frappe.utils.password.set_encrypted_password("Mollie Settings", SETTINGS, "test_" + "p" * 30,
                                                     "previous_secret_key")
        frappe.db.set_value("Mollie Settings", SETTINGS, {"previous_secret_key": "*" * 35,
                                                           "secret_key_previous_valid_until": later - timedelta(days=1)})
        at = from_site_time(later, 0)
        self.assertIn(SETTINGS, security_jobs.keys_due_for_rotation(at))
        self.assertIn(SETTINGS, security_jobs.check_credentials(at))
        doc.reload()
        self.assertFalse(doc.get_password("previous_secret_key", raise_exception=False))
        self.assertTrue(frappe.db.exists("Notification Log", {"for_user": manager, "document_name": SETTINGS}))
        events = {e.event_type for e in frappe.get_all(AUDIT, filters={"settings_name": SETTINGS},
                                                       fields=["event_type"])}
        self.assertTrue({"credential_previous_erased", "rotation_checked", "rotation_reminder"} <= events)

    def test_a_fresh_key_is_not_due(self):
        from verenigingen.verenigingen_payments.frappe_integration.security import jobs as security_jobs

        _settings(api_key_rotation_days=30)
        self.assertNotIn(SETTINGS, security_jobs.keys_due_for_rotation())

    def test_the_retention_purge_runs_registered_purgers_and_is_audited(self):
        from verenigingen.verenigingen_payments.frappe_integration.security import jobs as security_jobs

        _settings()
        purged = security_jobs.purge_expired_personal_data()
        self.assertEqual(set(purged), set(frappe.get_hooks(security_jobs.PURGER_HOOK)))
        self.assertTrue(all(isinstance(count, int) and count >= 0 for count in purged.values()))
        entry = frappe.get_all(AUDIT, filters={"event_type": "retention_purge"}, fields=["details"],
                               order_by="creation desc", limit=1)[0]
        self.assertEqual(json.loads(entry.details)["retention_days"], security_jobs.DEFAULT_RETENTION_DAYS)


tearDownModule = remove_test_users
