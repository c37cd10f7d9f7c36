"""Guided, honest rotation of Mollie credentials and of this app's own encryption keys.

Mollie issues API keys and organization access tokens in its dashboard; this app cannot mint
them. So `rotate_api_key()` switches to a credential an operator has *staged* on the settings
record, only after that credential has been verified against Mollie through the clients; the
old one stays valid for a grace period (in-flight jobs, webhook deliveries) and is then erased.
With nothing staged it re-encrypts app-owned values under the newest key version and reports the
key's age and whether rotation is due — it never claims to have rotated a key at Mollie.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from ..errors import ConfigurationError, MollieError
from .audit import AuditTrail
from .encryption import FieldCipher
from .errors import RotationError
from .redaction import redact_exception, register_secret
from .rotation_seams import (
    API_KEY,
    CREDENTIAL_KINDS,
    ORGANIZATION_TOKEN,
    VERIFIED_AT_MOLLIE,
    EncryptedValueSource,
    RotationSettingsStore,
)

logger = logging.getLogger(__name__)

FRAPPE_SEAMS = "verenigingen.verenigingen_payments.frappe_integration.security.seams"
DEFAULT_GRACE_PERIOD = timedelta(hours=48)
CredentialVerifier = Callable[[str, str, str], None]
"""(settings_name, kind, staged value) -> None; raises when Mollie does not accept the value."""


def verify_with_mollie(settings_name: str, kind: str, value: str) -> None:
    """Make one cheap authenticated read with the staged value through the app's clients."""
    from ...clients.config import resolve_config
    from ...clients.organizations_client import OrganizationsClient
    from ...clients.payments_client import PaymentsClient

    base = resolve_config(settings_name)
    if kind == ORGANIZATION_TOKEN:
        OrganizationsClient(replace(base, organization_token=value)).get_current()
    else:
        PaymentsClient(replace(base, api_key=value)).list_payments(max_items=1)


@dataclass
class RotationReport:
    settings_name: str
    switched: list[str] = field(default_factory=list)
    erased_previous: list[str] = field(default_factory=list)
    reencrypted: int = 0
    key_age_days: int | None = None
    rotation_days: int | None = None
    rotation_due: bool = False
    messages: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join([f"Mollie credentials of {self.settings_name}:", *self.messages])


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _in_site() -> bool:
    return sys.modules.get("frappe") is not None


def _frappe_seam(name: str):
    """Inside a site (Frappe already imported, as in `bench console`) the Frappe layer provides it."""
    if not _in_site():
        raise ConfigurationError(
            f"MollieSecurityManager needs a {name}: pass one, or run inside a Frappe site")
    return getattr(importlib.import_module(FRAPPE_SEAMS), name)()


class MollieSecurityManager:
    """`MollieSecurityManager("Production").rotate_api_key()` — see the module docstring."""

    def __init__(self, settings_name: str, *, settings_store: RotationSettingsStore | None = None,
                 audit: AuditTrail | None = None, verify: CredentialVerifier = verify_with_mollie,
                 cipher: FieldCipher | None = None, encrypted_sources: Iterable[EncryptedValueSource] | None = None,
                 grace_period: timedelta = DEFAULT_GRACE_PERIOD,
                 clock: Callable[[], datetime] = _utcnow, actor: str = "console") -> None:
        self.settings_name = settings_name
        self._store = settings_store if settings_store is not None else _frappe_seam("rotation_settings_store")
        self._audit = audit if audit is not None else _frappe_seam("audit_trail")
        self._verify = verify
        # In a site, what is not passed comes from the site: its key ring and its registered sources.
        self._cipher = cipher if cipher is not None or not _in_site() else _frappe_seam("field_cipher")
        if encrypted_sources is None:
            encrypted_sources = _frappe_seam("encrypted_value_sources") if _in_site() else []
        self._sources = list(encrypted_sources)
        self._grace = grace_period
        self._clock = clock
        self._actor = actor

    def rotate_api_key(self) -> RotationReport:
        now = self._clock()
        report = RotationReport(self.settings_name)
        state = self._store.read_rotation_state(self.settings_name)
        report.rotation_days = state.rotation_days
        self._erase_expired(state, now, report)
        staged = [kind for kind in CREDENTIAL_KINDS if state.slots.get(kind) and state.slots[kind].staged]
        for kind in staged:
            self._switch(kind, state.slots[kind].staged, now, report)
        if not staged:
            self._reencrypt(report)
            report.messages.append(
                "Nothing staged. Mollie API keys and access tokens are issued in Mollie's dashboard: "
                f"create a new one there, stage it on {self.settings_name} and run this again.")
        state = self._store.read_rotation_state(self.settings_name)
        self._assess_age(state, now, report)
        self._audit_event("rotation_checked", {
            "switched": report.switched, "erased_previous": report.erased_previous,
            "reencrypted": report.reencrypted, "key_age_days": report.key_age_days,
            "rotation_due": report.rotation_due})
        return report

    def _switch(self, kind: str, value: str, now: datetime, report: RotationReport) -> None:
        register_secret(value)
        if kind in VERIFIED_AT_MOLLIE:
            try:
                self._verify(self.settings_name, kind, value)
            except MollieError as exc:
                self._audit_event("credential_rotation_rejected", {"field": kind, "error": redact_exception(exc)})
                raise RotationError(f"the staged {kind} of {self.settings_name} was not accepted by "
                                    f"Mollie ({redact_exception(exc)}); nothing was switched") from None
        until = now + self._grace
        self._store.switch_credential(self.settings_name, kind, rotated_at=now, previous_valid_until=until)
        self._audit_event("credential_rotated", {"field": kind, "previous_valid_until": until})
        report.switched.append(kind)
        verified = " (verified at Mollie)" if kind in VERIFIED_AT_MOLLIE else ""
        report.messages.append(f"{kind}: switched to the staged value{verified}; the previous one "
                               f"stays valid until {until.isoformat(timespec='minutes')}")

    def _erase_expired(self, state, now: datetime, report: RotationReport) -> None:
        for kind, slot in state.slots.items():
            if slot.previous and slot.previous_valid_until and slot.previous_valid_until <= now:
                self._store.erase_previous(self.settings_name, kind)
                self._audit_event("credential_previous_erased", {"field": kind})
                report.erased_previous.append(kind)
                report.messages.append(f"{kind}: the previous value's grace period ended; erased")

    def _reencrypt(self, report: RotationReport) -> None:
        if self._cipher is None:
            report.messages.append("Encryption keys: not configured here; nothing re-encrypted.")
            return
        for source in self._sources:
            for context, value in source.iter_encrypted_values():
                if self._cipher.needs_reencryption(value):
                    renewed = self._cipher.reencrypt(value, context)
                    if source.replace_encrypted_value(context, value, renewed):
                        report.reencrypted += 1
        self._audit_event("encryption_reencrypted", {"count": report.reencrypted,
                                                     "key_version": self._cipher.current_version})
        report.messages.append(f"Encryption keys: {report.reencrypted} value(s) re-encrypted under key "
                               f"version {self._cipher.current_version}.")

    def _assess_age(self, state, now: datetime, report: RotationReport) -> None:
        slot = state.slots.get(API_KEY)
        if slot is None or slot.rotated_at is None:
            report.messages.append("API key age: unknown (no rotation recorded yet).")
            report.rotation_due = bool(state.rotation_days)
            return
        report.key_age_days = (now - slot.rotated_at).days
        if state.rotation_days:
            report.rotation_due = report.key_age_days >= state.rotation_days
            report.messages.append(
                f"API key age: {report.key_age_days} days; rotation every {state.rotation_days} days: "
                + ("DUE — create a new key in Mollie's dashboard and stage it." if report.rotation_due
                   else "not due yet."))
        else:
            report.messages.append(f"API key age: {report.key_age_days} days (no rotation period set).")

    def _audit_event(self, event_type: str, details: dict) -> None:
        self._audit.record(event_type, actor=self._actor, settings_name=self.settings_name,
                           resource_type="Mollie Settings", resource_id=self.settings_name, details=details)
