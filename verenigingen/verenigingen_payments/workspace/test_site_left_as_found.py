"""The last test module of `bench run-tests --app verenigingen` (see verenigingen/test_site_baseline.py):
after every other test of the app, no user, role, Mollie Settings record, site_config key or app record
of theirs remains (what is generated on first use is removed first: `testing.restore_generated_state`).
Run alone, it compares the site with itself."""

from __future__ import annotations

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.test_site_baseline import BASELINE
from verenigingen.verenigingen_payments.frappe_integration.testing import restore_generated_state, site_state


class TestSiteLeftAsFound(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        frappe.db.rollback()
        restore_generated_state(BASELINE)

    def test_the_tests_left_the_site_as_they_found_it(self):
        frappe.db.rollback()
        after = site_state()
        for part, before in BASELINE.items():
            with self.subTest(part):
                self.assertEqual(after[part], before, f"{part} changed by the tests")
        self.assertEqual(len(after["enabled users"]), len(BASELINE["enabled users"]))
