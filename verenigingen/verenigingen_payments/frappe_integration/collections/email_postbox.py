"""The collections postbox of a site: each member message is rendered from its staff-editable Email
Template (the core's wording when the template is gone) and put on Frappe's email queue. A member who
cannot be reached is an Error Log for the desk, and the others go on."""

from __future__ import annotations

import frappe

from verenigingen.verenigingen_payments.collection.messages import Message
from verenigingen.verenigingen_payments.collection.postbox import undeliverable
from verenigingen.verenigingen_payments.collection.store import EXCEPTION, SENT

from .email_templates import kind_of, template_name


def render_email(kind: str, language: str, message: Message) -> tuple[str, str]:
    """(subject, HTML body) from the Email Template for this kind and language."""
    name = template_name(kind_of(kind), language)
    if not frappe.db.exists("Email Template", name):
        body = "".join(f"<p>{frappe.utils.escape_html(p)}</p>".replace("\n", "<br>")
                       for p in message.body.split("\n\n"))
        return message.subject, body
    template = frappe.get_doc("Email Template", name)
    body = template.response_html if template.use_html else template.response
    return (frappe.render_template(template.subject, message.context),
            frappe.render_template(body or "", message.context))


class FrappeEmailPostbox:
    def __init__(self, sender: str | None = None, bounced: frozenset[str] = frozenset()) -> None:
        self._sender = sender
        self._bounced = frozenset(b.lower() for b in bounced)

    def undeliverable(self, recipient: str | None) -> str:
        return undeliverable(recipient, self._bounced)

    def send(self, account: str, kind: str, member_reference: str, recipient: str | None, language: str,
             message: Message) -> tuple[str, str]:
        why = self.undeliverable(recipient)
        if why:
            frappe.log_error(title=f"Collections: member {member_reference} not reached ({kind})",
                             message=f"{account}: {kind} for member {member_reference} not sent: {why}")
            return EXCEPTION, why
        subject, body = render_email(kind, language, message)
        frappe.sendmail(recipients=[recipient], subject=subject, message=body, sender=self._sender, delayed=True)
        return SENT, ""


def bounced_addresses(days: int = 90) -> frozenset[str]:
    """Addresses whose latest email of the last `days` Frappe's queue could not deliver (status Error):
    Frappe v15 keeps no bounce list of its own, and a reminder to such an address would fail the same way."""
    rows = frappe.db.sql(
        """select r.recipient, q.status from `tabEmail Queue Recipient` r
           join `tabEmail Queue` q on q.name = r.parent
           where q.creation >= %s order by q.creation, q.name""",
        frappe.utils.add_days(frappe.utils.now_datetime(), -days))
    latest = {recipient.lower(): status for recipient, status in rows if recipient}
    return frozenset(address for address, status in latest.items() if status == "Error")
