"""The Email Templates finance staff edit: a reminder and a pre-notification, each in Dutch and English.
Created when missing (install, migrate); an existing template is never overwritten, so edits stay."""

from __future__ import annotations

import frappe

REMINDER, PRE_NOTIFICATION = "Reminder", "Pre-notification"

TEMPLATES: dict[tuple[str, str], tuple[str, str]] = {
    (REMINDER, "nl"): (
        "{{ 'Herinnering' if number == 1 else 'Tweede herinnering' }}: contributie {{ month }}",
        "<p>Beste {{ name }},</p>"
        "<p>De contributie van {{ amount }} voor {{ month }} kon niet worden afgeschreven: {{ reason }}.</p>"
        "<p>{% if new_mandate %}Omdat de machtiging niet meer gebruikt kan worden, vragen we u via de link hieronder "
        "te betalen met iDEAL; daarmee geeft u ook een nieuwe machtiging af voor de volgende maanden."
        "{% else %}U kunt het bedrag eenvoudig zelf betalen via de link hieronder.{% endif %}</p>"
        "<p><a href=\"{{ link }}\">{{ link }}</a></p>"
        "{% if number > 1 %}<p>Betaalt u niet binnen 14 dagen, dan wordt uw lidmaatschap opgeschort.</p>{% endif %}"
        "<p>Met vriendelijke groet,<br>{{ association }}</p>"),
    (REMINDER, "en"): (
        "{{ 'Reminder' if number == 1 else 'Second reminder' }}: membership dues {{ month }}",
        "<p>Dear {{ name }},</p>"
        "<p>The membership dues of {{ amount }} for {{ month }} could not be collected: {{ reason }}.</p>"
        "<p>{% if new_mandate %}Because the mandate can no longer be used, please pay through the link below with "
        "iDEAL; this also sets up a new mandate for the coming months."
        "{% else %}You can pay the amount yourself through the link below.{% endif %}</p>"
        "<p><a href=\"{{ link }}\">{{ link }}</a></p>"
        "{% if number > 1 %}<p>If it is not paid within 14 days, your membership will be suspended.</p>{% endif %}"
        "<p>Kind regards,<br>{{ association }}</p>"),
    (PRE_NOTIFICATION, "nl"): (
        "{{ 'Gewijzigd: ' if change else '' }}aankondiging incasso contributie {{ collection_date }}",
        "<p>Beste {{ name }},</p>"
        "{% if change %}<p>Let op: {{ change }} is gewijzigd sinds ons vorige bericht.</p>{% endif %}"
        "<p>Op {{ collection_date }} schrijven wij {{ amount }} contributie af van uw rekening.</p>"
        "<p>Incassant: {{ association }}<br>Incassant-ID: {{ creditor_id }}<br>"
        "Kenmerk machtiging: {{ mandate_reference }}</p>"
        "<p>Niet akkoord of iets wijzigen? Neem vóór de incassodatum contact op via {{ contact }}. Na de afschrijving "
        "kunt u haar binnen 8 weken via uw bank laten terugboeken.</p>"
        "<p>Met vriendelijke groet,<br>{{ association }}</p>"),
    (PRE_NOTIFICATION, "en"): (
        "{{ 'Changed: ' if change else '' }}notice of direct debit for membership dues on {{ collection_date }}",
        "<p>Dear {{ name }},</p>"
        "{% if change %}<p>Please note: the {{ change }} changed since our previous message.</p>{% endif %}"
        "<p>On {{ collection_date }} we will debit {{ amount }} in membership dues from your account.</p>"
        "<p>Creditor: {{ association }}<br>Creditor identifier: {{ creditor_id }}<br>"
        "Mandate reference: {{ mandate_reference }}</p>"
        "<p>Do you object, or want to change something? Contact us at {{ contact }} before the collection date. "
        "After the debit you can have it reversed through your bank within 8 weeks.</p>"
        "<p>Kind regards,<br>{{ association }}</p>"),
}


def template_name(kind: str, language: str) -> str:
    return f"Mollie Collections {kind} ({language})"


def kind_of(message_kind: str) -> str:
    """reminder_1 / reminder_2 → Reminder; pre_notification → Pre-notification."""
    return REMINDER if message_kind.startswith("reminder") else PRE_NOTIFICATION


def ensure_email_templates() -> list[str]:
    """Create the templates that do not exist yet; returns the names created."""
    created = []
    for (kind, language), (subject, response) in TEMPLATES.items():
        name = template_name(kind, language)
        if frappe.db.exists("Email Template", name):
            continue
        frappe.get_doc({"doctype": "Email Template", "name": name, "subject": subject, "use_html": 1,
                        "response_html": response}).insert(ignore_permissions=True)
        created.append(name)
    return created
