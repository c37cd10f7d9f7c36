"""The bank side in a real site: statements imported into the DocTypes (once, whole or not at all),
the role-checked endpoints, Mollie's payouts matched against the emulator with every planted bank-side
kind found, and the "Payouts at the Bank" report."""

from __future__ import annotations

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.api import bank as api
from verenigingen.verenigingen_payments.bank.statement import StatementError
from verenigingen.verenigingen_payments.doctype.dispute_case.test_dispute_case import remove_account_records
from verenigingen.verenigingen_payments.frappe_integration.bank.matching import forget, import_statement_file
from verenigingen.verenigingen_payments.frappe_integration.bank.stores import LINE, STATEMENT
from verenigingen.verenigingen_payments.frappe_integration.common.roles import MANAGER, VIEWER
from verenigingen.verenigingen_payments.frappe_integration.testing import (
    emulator_account,
    make_test_user,
    remove_test_users,
)
from verenigingen.verenigingen_payments.report.payouts_at_the_bank import payouts_at_the_bank as report
from verenigingen.verenigingen_payments.workflows.payouts_at_bank.findings import BANK_FINDING_KINDS
from verenigingen.verenigingen_payments.workflows.reconciliation.scoring import score

ACCOUNT = "_Test Bank Account"
PERIOD = {"from_date": "2025-01-01", "until_date": "2025-04-01"}

test_ignore = ["User"]


def tearDownModule():
    remove_test_users()


class TestMollieBankStatement(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emulator = emulator_account(cls, ACCOUNT)
        cls.iban = cls.emulator.control.bank_account()["iban"]
        cls.filename, cls.camt = cls.emulator.control.bank_statement("camt053")
        cls.manager = make_test_user("bank-manager@example.com", [MANAGER])
        cls.viewer = make_test_user("bank-viewer@example.com", [VIEWER])
        frappe.db.commit()  # kept across the tests' rollbacks; tearDownModule removes them

    @classmethod
    def tearDownClass(cls):
        forget()
        remove_account_records(ACCOUNT)
        super().tearDownClass()

    def tearDown(self):
        frappe.db.rollback()
        frappe.set_user("Administrator")

    def lines_held(self) -> int:
        return frappe.db.count(LINE, {"iban": self.iban})

    def test_importing_the_same_statement_twice_keeps_each_line_once(self):
        first = import_statement_file(self.camt, self.filename, self.iban)
        again = import_statement_file(self.camt, self.filename, self.iban)
        self.assertGreater(first.lines_added, 20)
        self.assertEqual((again.lines_added, again.lines_known), (0, first.lines_added))
        self.assertEqual(self.lines_held(), first.lines_added)
        self.assertEqual(frappe.db.count(STATEMENT, {"iban": self.iban}), 1)

    def test_a_statement_that_cannot_be_read_imports_nothing(self):
        _, mt940 = self.emulator.control.bank_statement("mt940")
        cut = mt940[:mt940.index(b":62F:")]
        with self.assertRaisesRegex(StatementError, r"afschrift.sta: line \d+: .*truncated"):
            import_statement_file(cut, "afschrift.sta", self.iban)
        with self.assertRaisesRegex(StatementError, "is for account"):
            import_statement_file(self.camt, self.filename, "NL91ABNA0417164300")
        self.assertEqual((self.lines_held(), frappe.db.count(STATEMENT, {"iban": self.iban})), (0, 0))

    def test_the_import_endpoint_is_for_managers_and_names_what_it_refuses(self):
        frappe.set_user(self.viewer)
        with self.assertRaises(frappe.PermissionError):
            api.import_bank_statement(filename=self.filename, content=self.camt.decode())
        frappe.set_user(self.manager)
        answer = api.import_bank_statement(filename=self.filename, content=self.camt.decode())
        self.assertEqual(answer["lines_known"], 0)
        self.assertEqual(answer["lines_added"], self.lines_held())
        with self.assertRaisesRegex(frappe.ValidationError, "upload.xml: line 1: neither CAMT.053 XML nor MT940"):
            api.import_bank_statement(filename="upload.xml", content="geen afschrift")

    def test_payouts_matched_in_the_site_find_every_planted_bank_side_kind(self):
        import_statement_file(self.camt, self.filename, self.iban)
        frappe.set_user(self.viewer)
        answer = api.payouts_at_bank(settings=ACCOUNT, iban=self.iban, **PERIOD)
        findings = [(f["kind"], tuple(f["ids"])) for f in answer["findings"]]
        truth = self.emulator.control.bank_ground_truth()
        scores = score(findings, truth)
        self.assertEqual({k: (s.precision, s.recall) for k, s in scores.items()},
                         {k: (1.0, 1.0) for k in BANK_FINDING_KINDS})
        self.assertTrue(all(m["unexplained"]["value"] == "0.00" for m in answer["months"]))
        frappe.set_user("Guest")
        with self.assertRaises(frappe.PermissionError):
            api.payouts_at_bank(settings=ACCOUNT, iban=self.iban, **PERIOD)

    def test_the_report_lists_each_payout_and_each_unexplained_credit(self):
        import_statement_file(self.camt, self.filename, self.iban)
        columns, data, _, _, summary = report.execute({"account": ACCOUNT, "iban": self.iban,
                                                       "from_date": "2025-01-01", "to_date": "2025-04-01"})
        statuses = [row["status"] for row in data]
        self.assertIn("matched", statuses)
        self.assertIn("credit without settlement", statuses)
        self.assertEqual(summary[1]["value"], len(BANK_FINDING_KINDS))
        self.assertLessEqual({"settlement", "status", "bank_entries"}, {c["fieldname"] for c in columns})

    def test_the_workspace_card_shows_what_the_last_match_could_not_match(self):
        forget()
        frappe.set_user(self.viewer)
        self.assertIn("not matched yet", api.card_payouts_at_bank())
        import_statement_file(self.camt, self.filename, self.iban)
        api.payouts_at_bank(settings=ACCOUNT, iban=self.iban, **PERIOD)
        shown = api.card_payouts_at_bank()
        self.assertIn("3 payouts not matched", shown)  # not at the bank, amount differs, returned
        self.assertIn("5 findings", shown)
        self.assertIn("/app/query-report/Payouts%20at%20the%20Bank", shown)
        frappe.set_user("Guest")
        with self.assertRaises(frappe.PermissionError):
            api.card_payouts_at_bank()
