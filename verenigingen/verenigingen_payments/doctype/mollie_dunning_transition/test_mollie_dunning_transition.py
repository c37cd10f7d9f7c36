"""Mollie Dunning Transition rows in a real site: each move of a case is a row of it, in order, with its
cause — and a save from the desk cannot rewrite the history or the state (only the note and Member
Not Reached)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import frappe

from verenigingen.verenigingen_payments.collection.dunning import DUE, REMINDER_1, DunningCase, Transition
from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.frappe_integration.collections.store import (
    CASE, FrappeCollectionStore, record_name,
)
from verenigingen.verenigingen_payments.frappe_integration.testing import SettingsRecordTestCase

ACCOUNT = "_Test Dunning History Account"
AT = datetime(2025, 4, 3, 9, tzinfo=timezone.utc)


class TestMollieDunningTransition(SettingsRecordTestCase):
    account = ACCOUNT

    def test_the_history_is_kept_in_order_and_the_desk_changes_only_the_note(self):
        store = FrappeCollectionStore(commit=False)
        case = DunningCase(ACCOUNT, "1042", "2025-04", DUE, "MD06", "", Amount.of("12.50", "EUR"), "cst_1", "tr_1",
                           "chargeback", date(2025, 4, 3), AT, AT)
        opened, created = store.open_case(case, Transition(*case.key, "", DUE, "chargeback: MD06", AT))
        self.assertTrue(created)
        store.save_case(*opened.moved(REMINDER_1, "contact: MD06 (Refund request by member)", AT,
                                      decision="contact", next_action_on=date(2025, 4, 17)))
        doc = frappe.get_doc(CASE, record_name(*case.key))
        self.assertEqual([(t.idx, t.from_state, t.to_state) for t in doc.transitions], [(1, "", DUE), (2, DUE, REMINDER_1)])
        self.assertEqual((doc.reason, doc.decision, doc.version), ("Refund request by member", "contact", 1))
        doc.state, doc.note = "paid", "Gebeld: betaalt via de link."
        doc.transitions[0].cause = "rewritten"
        doc.save()
        doc.reload()
        self.assertEqual((doc.state, doc.note, doc.transitions[0].cause),
                         (REMINDER_1, "Gebeld: betaalt via de link.", "chargeback: MD06"))
