"""Mollie Settings: one record per Mollie account, named by `gateway_name` ("Production", "Test")."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_url

from verenigingen.verenigingen_payments.frappe_integration.collections import account as collections_account
from verenigingen.verenigingen_payments.frappe_integration.security import audit_events
from verenigingen.verenigingen_payments.frappe_integration.settings import rules
from verenigingen.verenigingen_payments.frappe_integration.settings.provider import custom_base_url_allowed

WEBHOOK_ENDPOINT = "/api/method/verenigingen.utils.payment_gateways.mollie_webhook"
NUMBER_FIELDS = tuple(rule.fieldname for rule in rules.NUMBER_RANGES)


class MollieSettings(Document):
    @property
    def webhook_url(self) -> str:
        """Virtual field: always the current site URL, so a renamed host never leaves a stale value."""
        return get_url(WEBHOOK_ENDPOINT)

    def validate(self):
        problems = [
            *self._secret_problems(),
            rules.profile_id_problem(self.profile_id),
            rules.api_base_url_problem(self.api_base_url, allowed=custom_base_url_allowed()),
            rules.recipients_problem(self.alert_recipients, alerts_enabled=bool(self.enable_balance_alerts)),
            *rules.number_problems({field: self.get(field) for field in NUMBER_FIELDS}),
            *collections_account.problems(self),
        ]
        problems = [p for p in problems if p]
        if problems:
            frappe.throw("<br>".join(problems), title=_("Invalid Mollie Settings"))
        self.alert_recipients = ", ".join(rules.split_recipients(self.alert_recipients)) or None
        collections_account.stamp_start(self)
        self._derive_mode()

    def before_save(self):
        audit_events.before_settings_save(self)

    def on_update(self):
        audit_events.after_settings_save(self)

    def on_trash(self):
        audit_events.after_settings_delete(self)

    def _new_secret(self, fieldname: str) -> str | None:
        """The plain value typed in this save, or None when the field holds the stored dummy (*****)."""
        value = self.get(fieldname)
        return None if not value or self.is_dummy_password(value) else value

    def _secret_problems(self) -> list[str | None]:
        return [
            rules.api_key_problem(self._new_secret("secret_key")),
            rules.organization_token_problem(self._new_secret("organization_access_token")),
            rules.webhook_secret_problem(self._new_secret("webhook_secret")),
        ]

    def _derive_mode(self) -> None:
        if not self.secret_key:
            self.mode = None
        elif new_key := self._new_secret("secret_key"):
            self.mode = rules.mode_of_api_key(new_key)
