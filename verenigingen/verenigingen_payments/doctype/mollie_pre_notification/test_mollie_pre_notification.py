"""Mollie Pre-notification in a real site: a collection's notification version is stored once (a second
run sending the same version is refused), a change makes the next version, each is kept with the
subscription payment it announced, and an exception is listed for staff."""

from __future__ import annotations

from datetime import date, datetime, timezone

import frappe

from verenigingen.verenigingen_payments.collection.store import EXCEPTION, SENT, PreNotification
from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.frappe_integration.collections.store import NOTICE, FrappeCollectionStore
from verenigingen.verenigingen_payments.frappe_integration.testing import SettingsRecordTestCase

ACCOUNT = "_Test Pre-notification Account"
AT = datetime(2025, 4, 17, 9, tzinfo=timezone.utc)


def notice(version: int, amount: str = "12.50", status: str = SENT, change: str = "", detail: str = "",
           member: str = "1042") -> PreNotification:
    return PreNotification(ACCOUNT, "sub_1", f"sub_1:2025-05-{member}", version, member, "cst_1", date(2025, 5, 1),
                           Amount.of(amount, "EUR"), "mdt_1", "VER-001042", "NL69ZZZ123456780000", status, change, AT,
                           detail)


class TestMolliePrenotification(SettingsRecordTestCase):
    account = ACCOUNT

    @classmethod
    def remove_records(cls) -> None:
        frappe.db.delete(NOTICE, {"settings_name": ACCOUNT})

    def test_a_version_is_stored_once_and_a_change_is_the_next_version(self):
        store = FrappeCollectionStore(commit=False)
        self.assertTrue(store.add_notification(notice(1)))
        self.assertFalse(store.add_notification(notice(1)))
        self.assertTrue(store.add_notification(notice(2, "15.00", change="amount,date")))
        latest = store.latest_notification(ACCOUNT, "sub_1:2025-05-1042")
        self.assertEqual((latest.version, latest.amount, latest.change), (2, Amount.of("15.00", "EUR"), "amount,date"))
        store.link_notification_payment(ACCOUNT, "sub_1:2025-05-1042", "tr_announced")
        self.assertEqual([(n.version, n.payment_id, n.created_at) for n in store.notifications(ACCOUNT)],
                         [(1, "tr_announced", AT), (2, "tr_announced", AT)])

    def test_a_member_without_an_address_is_an_exception_listed_for_staff(self):
        store = FrappeCollectionStore(commit=False)
        store.add_notification(notice(1, status=EXCEPTION, detail="no email address", member="1043"))
        store.add_notification(notice(1, member="1044"))
        listed = frappe.get_all(NOTICE, filters={"settings_name": ACCOUNT, "status": EXCEPTION},
                                fields=["member_reference", "detail"], as_list=True)
        self.assertEqual([tuple(row) for row in listed], [("1043", "no email address")])
