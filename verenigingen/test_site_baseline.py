"""The first test module of `bench run-tests --app verenigingen`: Frappe walks the app folder top-down,
files before folders, each sorted, and imports every test module before it runs any test. The state
of the site is read when this module is imported, before Frappe makes other modules' test records;
`verenigingen_payments/workspace/test_site_left_as_found.py`, the last module, compares the site with it
(tests/frappe_static/test_site_check_order.py keeps the two first and last)."""

from __future__ import annotations

from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.frappe_integration.testing import site_state

BASELINE = site_state()


class TestSiteBaseline(FrappeTestCase):
    def test_the_baseline_was_read(self):
        self.assertIn("Administrator", BASELINE["enabled users"])
