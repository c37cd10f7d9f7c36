"""The Frappe side of the security core's seams: audit trail, credential rotation, chain verification.

`MollieSecurityManager("Production")` (no other arguments, as in the deployment guide's console
line) loads `rotation_settings_store()`, `audit_trail()`, `field_cipher()` and
`encrypted_value_sources()` from here. Outside a web request and
outside tests (bench console, bench commands, scheduled jobs) every rotation step and audit entry
is committed at once: `bench console` rolls back whatever is uncommitted when it exits.

Audit keys come from site config (`verenigingen_audit_keys`), never from the database; a site
without one gets a fresh key written to its site_config.json on first use, as Frappe does for its
own `encryption_key`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

import frappe
from frappe.utils.password import get_decrypted_password, remove_encrypted_password, set_encrypted_password

from verenigingen.verenigingen_payments.core.errors import ConfigurationError
from verenigingen.verenigingen_payments.core.security.audit import (
    AUDIT_KEYS_SITE_CONFIG,
    AuditTrail,
    load_audit_keys,
)
from verenigingen.verenigingen_payments.core.security.audit_verify import ChainVerification, verify_chain
from verenigingen.verenigingen_payments.core.security.encryption import (
    ENCRYPTION_KEYS_SITE_CONFIG,
    FieldCipher,
    load_encryption_keys,
)
from verenigingen.verenigingen_payments.core.security.errors import RotationError
from verenigingen.verenigingen_payments.core.security.keys import KeyRing, generate_key_spec
from verenigingen.verenigingen_payments.core.security.log_redaction import install_log_redaction
from verenigingen.verenigingen_payments.core.security.rotation_seams import (
    API_KEY,
    CREDENTIAL_KINDS,
    CredentialSlot,
    RotationState,
)
from verenigingen.verenigingen_payments.frappe_integration.common.site_time import (
    from_site_value,
    to_site_naive,
)
from verenigingen.verenigingen_payments.frappe_integration.security.audit_store import FrappeAuditLogStore
from verenigingen.verenigingen_payments.frappe_integration.settings.rules import mode_of_api_key

logger = logging.getLogger(__name__)

SETTINGS_DOCTYPE = "Mollie Settings"


def staged_field(kind: str) -> str:
    return f"staged_{kind}"


def previous_field(kind: str) -> str:
    return f"previous_{kind}"


def valid_until_field(kind: str) -> str:
    return f"{kind}_previous_valid_until"


def rotated_at_field(kind: str) -> str:
    return f"{kind}_rotated_at"


def standalone() -> bool:
    """Console, command or job: nobody else will commit (or roll back) for us."""
    return getattr(frappe.local, "request", None) is None and not frappe.flags.in_test


def install_redaction() -> None:
    """hooks.py before_request / before_job: every record of the app's loggers is redacted
    (idempotent and cheap, so it can run per request)."""
    install_log_redaction()


def chain_id() -> str:
    return frappe.local.site


def audit_keys() -> KeyRing:
    if not frappe.conf.get(AUDIT_KEYS_SITE_CONFIG):
        from frappe.installer import update_site_config

        spec = generate_key_spec("a1")
        update_site_config(AUDIT_KEYS_SITE_CONFIG, spec)
        frappe.conf[AUDIT_KEYS_SITE_CONFIG] = spec
        logger.warning("created the audit-chain key %s in site_config.json of %s; back it up with the site "
                       "config: without it the audit chain cannot be verified", AUDIT_KEYS_SITE_CONFIG, chain_id())
    return load_audit_keys(frappe.conf)


def audit_enabled(settings_name: str | None = None) -> bool:
    """A named record's `enable_audit_trail`; site-wide events follow any record that has it on."""
    if settings_name and frappe.db.exists(SETTINGS_DOCTYPE, settings_name):
        return bool(frappe.db.get_value(SETTINGS_DOCTYPE, settings_name, "enable_audit_trail"))
    return bool(frappe.db.exists(SETTINGS_DOCTYPE, {"enable_audit_trail": 1}))


def audit_trail(settings_name: str | None = None, *, commit: bool | None = None) -> AuditTrail:
    """The site's audit trail (one chain per site, named after it)."""
    return AuditTrail(
        FrappeAuditLogStore(commit=standalone() if commit is None else commit),
        audit_keys(),
        chain_id=chain_id(),
        enabled=audit_enabled(settings_name),
    )


def field_cipher() -> FieldCipher | None:
    """The app's AES-GCM cipher from site config `verenigingen_encryption_keys`, if the site has one."""
    if not frappe.conf.get(ENCRYPTION_KEYS_SITE_CONFIG):
        return None
    return FieldCipher(load_encryption_keys(frappe.conf))


ENCRYPTED_SOURCES_HOOK = "mollie_encrypted_value_sources"


def encrypted_value_sources() -> list:
    """Every `EncryptedValueSource` of this site, for re-encryption under the newest key version: the
    app's own (`frappe_integration.security.encrypted_sources.site_sources`) and any other app's, named in its
    hooks as `mollie_encrypted_value_sources` (dotted paths of factories returning a list of sources)."""
    from verenigingen.verenigingen_payments.frappe_integration.security.encrypted_sources import site_sources

    sources = site_sources(commit=standalone())
    for path in frappe.get_hooks(ENCRYPTED_SOURCES_HOOK):
        sources.extend(frappe.get_attr(path)())
    return sources


def verify_audit() -> ChainVerification:
    """Walk this site's chain; names the first edited, deleted or reordered entry."""
    return verify_chain(FrappeAuditLogStore(), audit_keys(), chain_id())




class FrappeRotationSettings:
    """`RotationSettingsStore` on Mollie Settings: Password fields hold current, staged and previous
    values (encrypted in `__Auth` with the site's key), Datetime fields the grace period and age."""

    def __init__(self, *, commit: bool = False) -> None:
        self._commit = commit

    def read_rotation_state(self, settings_name: str) -> RotationState:
        if not settings_name or not frappe.db.exists(SETTINGS_DOCTYPE, settings_name):
            raise ConfigurationError(f"There is no Mollie Settings record named {settings_name!r}.")
        row = frappe.db.get_value(SETTINGS_DOCTYPE, settings_name, [
            "api_key_rotation_days",
            *(f(kind) for kind in CREDENTIAL_KINDS for f in (valid_until_field, rotated_at_field))], as_dict=True)
        slots = {
            kind: CredentialSlot(
                current=self._secret(settings_name, kind),
                staged=self._secret(settings_name, staged_field(kind)),
                previous=self._secret(settings_name, previous_field(kind)),
                previous_valid_until=from_site_value(row[valid_until_field(kind)]),
                rotated_at=from_site_value(row[rotated_at_field(kind)]),
            )
            for kind in CREDENTIAL_KINDS
        }
        return RotationState(settings_name, int(row.api_key_rotation_days or 0) or None, slots)

    @staticmethod
    def _secret(settings_name: str, fieldname: str) -> str | None:
        return get_decrypted_password(SETTINGS_DOCTYPE, settings_name, fieldname, raise_exception=False) or None

    def switch_credential(self, settings_name: str, kind: str, *, rotated_at: datetime,
                          previous_valid_until: datetime) -> None:
        """previous := current, current := staged, staged := empty — one transaction, row locked."""
        frappe.db.sql(f"select name from `tab{SETTINGS_DOCTYPE}` where name=%s for update", settings_name)
        staged = self._secret(settings_name, staged_field(kind))
        if not staged:
            raise RotationError(f"nothing is staged for {kind} on {settings_name}")
        current = self._secret(settings_name, kind)
        set_encrypted_password(SETTINGS_DOCTYPE, settings_name, staged, kind)
        if current:
            set_encrypted_password(SETTINGS_DOCTYPE, settings_name, current, previous_field(kind))
        else:
            remove_encrypted_password(SETTINGS_DOCTYPE, settings_name, previous_field(kind))
        remove_encrypted_password(SETTINGS_DOCTYPE, settings_name, staged_field(kind))
        values = {
            kind: "*" * len(staged),
            staged_field(kind): None,
            previous_field(kind): "*" * len(current) if current else None,
            valid_until_field(kind): to_site_naive(previous_valid_until) if current else None,
            rotated_at_field(kind): to_site_naive(rotated_at),
        }
        if kind == API_KEY:
            values["mode"] = mode_of_api_key(staged)
        frappe.db.set_value(SETTINGS_DOCTYPE, settings_name, values)
        self._done()

    def erase_previous(self, settings_name: str, kind: str) -> None:
        remove_encrypted_password(SETTINGS_DOCTYPE, settings_name, previous_field(kind))
        frappe.db.set_value(SETTINGS_DOCTYPE, settings_name,
                            {previous_field(kind): None, valid_until_field(kind): None})
        self._done()

    def _done(self) -> None:
        if self._commit:
            frappe.db.commit()


class StagedOnly:
    """A rotation settings store that shows only the staged values of `kinds` (none: nothing is
    switched, as in the daily check, which only erases expired previous values and reports age)."""

    def __init__(self, store, kinds: Iterable[str] = ()) -> None:
        self._store, self._kinds = store, frozenset(kinds)

    def read_rotation_state(self, settings_name: str) -> RotationState:
        state = self._store.read_rotation_state(settings_name)
        slots = {k: s if k in self._kinds else replace(s, staged=None) for k, s in state.slots.items()}
        return replace(state, slots=slots)

    def switch_credential(self, settings_name: str, kind: str, **kwargs) -> None:
        self._store.switch_credential(settings_name, kind, **kwargs)

    def erase_previous(self, settings_name: str, kind: str) -> None:
        self._store.erase_previous(settings_name, kind)


def rotation_settings_store(*, commit: bool | None = None) -> FrappeRotationSettings:
    return FrappeRotationSettings(commit=standalone() if commit is None else commit)
