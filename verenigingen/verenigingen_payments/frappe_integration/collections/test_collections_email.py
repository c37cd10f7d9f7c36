"""Collections' member messages in a real site: rendered from the staff-editable Email Templates (Dutch and
English) onto Frappe's email queue; a staff edit of a template is what goes out; an unreachable member is
an Error Log, not an email. Each test removes the queue rows, logs and template edits it made."""

from __future__ import annotations

import email
from datetime import date
from email.header import decode_header, make_header

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.collection.messages import EN, NL, pre_notification, reminder
from verenigingen.verenigingen_payments.core.models import Amount
from verenigingen.verenigingen_payments.frappe_integration.collections.email_postbox import FrappeEmailPostbox
from verenigingen.verenigingen_payments.frappe_integration.collections.email_templates import (
    PRE_NOTIFICATION, REMINDER, TEMPLATES, ensure_email_templates, template_name,
)

LINK = "https://payment-links.mollie.com/payment/TestLink42"
SENDER = "penningmeester@example.org"


def _queued(recipient: str) -> list:
    names = frappe.get_all("Email Queue Recipient", filters={"recipient": recipient}, pluck="parent")
    return [frappe.get_doc("Email Queue", name) for name in names]


def _subject_and_text(queue) -> tuple[str, str]:
    mime = email.message_from_string(queue.message)
    subject = str(make_header(decode_header(mime["Subject"])))
    parts = [p.get_payload(decode=True).decode(p.get_content_charset() or "utf-8")
             for p in mime.walk() if p.get_content_type() == "text/html"]
    return subject, "\n".join(parts)


class TestCollectionsEmail(FrappeTestCase):
    recipients = ("lid-nl@example.org", "member-en@example.org", "lid-edit@example.org")

    def setUp(self):
        self._muted = frappe.flags.mute_emails
        frappe.flags.mute_emails = True  # no SMTP in a test site: Frappe queues to a stand-in account
        self._errors_before = set(frappe.get_all("Error Log", pluck="name"))
        self._created = ensure_email_templates()  # none on an installed site; removed again if so
        self._templates = {name: frappe.db.get_value("Email Template", name, ["subject", "response_html", "use_html"],
                                                     as_dict=True)
                           for name in (template_name(k, lang) for k, lang in TEMPLATES)}

    def tearDown(self):
        for recipient in self.recipients:
            for queue in _queued(recipient):
                frappe.delete_doc("Email Queue", queue.name, force=True, ignore_permissions=True)
        for name in set(frappe.get_all("Error Log", pluck="name")) - self._errors_before:
            frappe.delete_doc("Error Log", name, force=True, ignore_permissions=True)
        for name, values in self._templates.items():
            frappe.db.set_value("Email Template", name, values)
        for name in self._created:
            frappe.delete_doc("Email Template", name, force=True, ignore_permissions=True)
        frappe.flags.mute_emails = self._muted
        frappe.db.commit()  # noqa: the queue rows were committed by sendmail's own path; leave none behind

    def test_the_templates_exist_in_dutch_and_english_after_install(self):
        for kind in (REMINDER, PRE_NOTIFICATION):
            for language in (NL, EN):
                self.assertTrue(frappe.db.exists("Email Template", template_name(kind, language)))
        self.assertEqual(self._created, [])  # installed by the app; a second run creates nothing

    def test_a_reminder_goes_on_the_email_queue_rendered_in_dutch(self):
        message = reminder(1, "Sanne de Vries", Amount.of("12.50", "EUR"), "2025-04", "AM04", LINK, False,
                           "Vereniging De Eendracht", NL)
        status, why = FrappeEmailPostbox(sender=SENDER).send("acc", "reminder_1", "1042", "lid-nl@example.org", NL,
                                                             message)
        self.assertEqual((status, why), ("sent", ""))
        [queue] = _queued("lid-nl@example.org")
        self.assertEqual(queue.status, "Not Sent")
        subject, html = _subject_and_text(queue)
        self.assertEqual(subject, "Herinnering: contributie april 2025")
        for needed in ("Beste Sanne de Vries", "€ 12,50", "niet genoeg saldo", LINK, "Vereniging De Eendracht"):
            self.assertIn(needed, html)
        for internal in ("tr_", "cst_", "mdt_", "AM04", "dues-retry"):
            self.assertNotIn(internal, html)

    def test_a_changed_pre_notification_goes_out_in_english_saying_what_changed(self):
        message = pre_notification("Sam Smith", Amount.of("15.00", "EUR"), date(2025, 5, 1), "VER-001042",
                                   "NL98ZZZ999999999999", "Vereniging De Eendracht", SENDER, "amount", EN)
        FrappeEmailPostbox(sender=SENDER).send("acc", "pre_notification", "1042", "member-en@example.org", EN, message)
        [queue] = _queued("member-en@example.org")
        subject, html = _subject_and_text(queue)
        self.assertEqual(subject, "Changed: notice of direct debit for membership dues on 1 May 2025")
        for needed in ("the amount changed", "NL98ZZZ999999999999", "VER-001042", "EUR 15.00", "8 weeks", SENDER):
            self.assertIn(needed, html)

    def test_what_finance_staff_write_in_the_template_is_what_goes_out(self):
        frappe.db.set_value("Email Template", template_name(REMINDER, NL),
                            {"subject": "Openstaande contributie {{ month }}",
                             "response_html": "<p>Hallo {{ name }}, betaal hier: {{ link }} ({{ reason }})</p>"})
        message = reminder(2, "Jan", Amount.of("10.00", "EUR"), "2025-04", "MD06", LINK, False, "V", NL)
        FrappeEmailPostbox(sender=SENDER).send("acc", "reminder_2", "1043", "lid-edit@example.org", NL, message)
        [queue] = _queued("lid-edit@example.org")
        subject, html = _subject_and_text(queue)
        self.assertEqual(subject, "Openstaande contributie april 2025")
        self.assertIn(f"Hallo Jan, betaal hier: {LINK} (u heeft uw bank gevraagd de afschrijving terug te boeken)", html)

    def test_a_member_without_a_usable_address_is_an_error_log_not_an_email(self):
        message = reminder(1, "Piet", Amount.of("10.00", "EUR"), "2025-04", "AM04", LINK, False, "V", NL)
        postbox = FrappeEmailPostbox(sender=SENDER, bounced=frozenset({"lid-nl@example.org"}))
        self.assertEqual(postbox.send("acc", "reminder_1", "1044", None, NL, message)[0], "exception")
        self.assertEqual(postbox.send("acc", "reminder_1", "1045", "lid-nl@example.org", NL, message),
                         ("exception", "email address bounced"))
        self.assertEqual(_queued("lid-nl@example.org"), [])
        titles = frappe.get_all("Error Log", filters={"name": ("not in", list(self._errors_before) or [""])},
                                pluck="method")
        self.assertTrue(any("member 1044" in (t or "") for t in titles), titles)
