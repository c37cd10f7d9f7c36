"""Every whitelisted endpoint of the app under hostile arguments, called as Frappe calls a method
(`frappe.call`: unknown argument names dropped, then the whitelist's wrappers): a seeded corpus
(sandbox/hostile_arguments.py) puts one over-long, control-character, lone-surrogate, wrong-type or
deeply nested value into one argument at a time. Each is refused with the endpoint's argument error
(HTTP 417) naming that argument, before any write: no insert, update or delete in the transaction
and no row more in any of the app's DocTypes, the Error Log or File. Well-formed names of records
that do not exist get a clean 4xx too, writing nothing. Random values: a sixth of the fuzz budget
(20 by default; VERENIGINGEN_FUZZ_EXAMPLES for a long run)."""

from __future__ import annotations

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.api.conventions import InvalidArgumentError
from verenigingen.verenigingen_payments.frappe_integration.testing import fuzz_budget
from verenigingen.verenigingen_payments.sandbox.hostile_arguments import refused_calls, unknown_record_calls

WATCHED = ("Error Log", "File", "Comment", "Version", "Activity Log")


def row_counts() -> dict[str, int]:
    doctypes = frappe.get_all("DocType", filters={"module": "Verenigingen Payments", "issingle": 0, "is_virtual": 0},
                              pluck="name")
    return {doctype: frappe.db.count(doctype) for doctype in (*doctypes, *WATCHED)}


class TestHostileArguments(FrappeTestCase):
    def setUp(self):
        frappe.db.rollback()
        frappe.set_user("Administrator")
        self.before = row_counts()

    def tearDown(self):
        frappe.db.rollback()
        frappe.local.message_log = []
        frappe.local.flags.disable_traceback = False
        frappe.set_user("Administrator")
        self.assertEqual(row_counts(), self.before)

    def call(self, hostile) -> tuple[object, int]:
        """(the outcome — a return value or the exception raised — and the writes it made)."""
        try:
            outcome = frappe.call(hostile.endpoint, **hostile.kwargs)
        except Exception as exc:  # noqa: BLE001 - every outcome is inspected by the test
            outcome = exc
        writes = frappe.db.transaction_writes
        frappe.db.rollback()
        frappe.local.message_log = []
        return outcome, writes

    def test_each_hostile_value_is_refused_naming_its_argument_before_any_write(self):
        calls = refused_calls(seed=22, random_count=fuzz_budget() // 6)
        wrong = []
        for hostile in calls:
            outcome, writes = self.call(hostile)
            refused = isinstance(outcome, InvalidArgumentError) and str(outcome).startswith(f"{hostile.argument}: ")
            if not refused or writes:
                wrong.append((hostile.endpoint.rsplit(".", 1)[1], hostile.argument, hostile.label,
                              type(outcome).__name__, str(outcome)[:80], writes))
        print(f"\nwhitelisted endpoints in a site: {len(calls)} hostile calls, {len(wrong)} not refused cleanly")
        self.assertEqual(wrong, [])

    def test_unknown_records_and_argument_names_get_a_clean_client_error_and_write_nothing(self):
        wrong = []
        for hostile in unknown_record_calls():
            outcome, writes = self.call(hostile)
            status = getattr(outcome, "http_status_code", None)
            if not (isinstance(outcome, Exception) and status and 400 <= status < 500) or writes:
                wrong.append((hostile.endpoint.rsplit(".", 1)[1], hostile.argument, hostile.label,
                              type(outcome).__name__, str(outcome)[:80], writes))
        self.assertEqual(wrong, [])
