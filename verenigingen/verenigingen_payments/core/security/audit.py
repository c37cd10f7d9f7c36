"""The tamper-evident Mollie Audit Log: a keyed hash chain per site over append-only entries.

Each entry's `entry_hash` is HMAC-SHA256 (key from site config or environment, versioned) over
its canonical form, which includes the previous entry's hash. The store serialises appends per
chain, so concurrent writers can neither fork the chain nor leave gaps.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timezone

from ...store.interfaces import AuditEntry, AuditLogStore, ChainPosition, PseudonymStore
from .audit_canonical import canonical_created, canonical_details, entry_mac, pseudonymous_token
from .errors import AuditChainError, KeyConfigurationError
from .keys import KeyRing
from .redaction import redact_text

logger = logging.getLogger(__name__)

AUDIT_KEYS_ENV = "VERENIGINGEN_AUDIT_KEYS"
AUDIT_KEYS_SITE_CONFIG = "verenigingen_audit_keys"

SYSTEM_ACTORS = frozenset({"system", "scheduler", "Administrator", "Guest", "webhook", "console"})
"""Actors kept in clear; any other actor (a person's user id) is stored as a pseudonymous token."""

_disabled_notice_lock = threading.Lock()
_disabled_noticed: set[str] = set()


def load_audit_keys(site_config: Mapping[str, object] | None = None,
                    environ: Mapping[str, str] | None = None) -> KeyRing:
    if site_config and site_config.get(AUDIT_KEYS_SITE_CONFIG):
        return KeyRing.from_mapping(site_config, AUDIT_KEYS_SITE_CONFIG)
    try:
        return KeyRing.from_environment(AUDIT_KEYS_ENV, environ)
    except KeyConfigurationError as exc:
        raise KeyConfigurationError(
            f"no audit-chain key: set {AUDIT_KEYS_SITE_CONFIG} in site config or {AUDIT_KEYS_ENV} "
            f"in the environment ({exc})") from None


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class AuditTrail:
    """Writes audit entries for one site's chain. With `enabled=False` nothing new is written
    (said once in the log) and the chain stays valid for when it is switched back on."""

    def __init__(self, store: AuditLogStore, keys: KeyRing, *, chain_id: str = "default",
                 enabled: bool = True, pseudonyms: PseudonymStore | None = None,
                 clock: Callable[[], datetime] = _utcnow) -> None:
        self._store = store
        self._keys = keys
        self.chain_id = chain_id
        self.enabled = enabled
        self._pseudonyms = pseudonyms
        self._clock = clock

    def subject_token(self, kind: str, value: str) -> str:
        return pseudonymous_token(self._keys.current_key, kind, value)

    def subject_tokens(self, kind: str, value: str) -> list[str]:
        """The subject's token under every key version (to find entries written before a rotation)."""
        return [pseudonymous_token(key, kind, value) for key in self._keys.keys.values()]

    def record(self, event_type: str, *, actor: str = "system", settings_name: str | None = None,
               resource_type: str | None = None, resource_id: str | None = None,
               subject: tuple[str, str] | None = None,
               details: Mapping | None = None) -> AuditEntry | None:
        """Append one entry; `subject` is (kind, identifier) of the data subject, stored only as a
        pseudonymous token. Returns None when the trail is disabled."""
        if not self.enabled:
            self._notice_disabled()
            return None
        if not event_type:
            raise AuditChainError("an audit entry needs an event_type", field="event_type")
        created = self._clock()
        canonical_created(created)  # refuse a naive clock before taking the chain lock
        details_text = canonical_details(details)
        token = None if subject is None else self._pseudonymise(*subject)
        actor_ref = actor if actor in SYSTEM_ACTORS else self._pseudonymise("user", actor)
        key_id = self._keys.current
        key = self._keys.current_key
        draft = AuditEntry(
            chain_id=self.chain_id, sequence=0, event_type=event_type,
            created=created.astimezone(timezone.utc), actor=actor_ref,
            settings_name=settings_name, resource_type=resource_type,
            resource_id=None if resource_id is None else redact_text(resource_id),
            subject_token=token, details=details_text, key_id=key_id, previous_hash="", entry_hash="",
        )

        def seal(position: ChainPosition) -> AuditEntry:
            placed = replace(draft, sequence=position.sequence, previous_hash=position.previous_hash)
            return replace(placed, entry_hash=entry_mac(key, placed))

        return self._store.append(self.chain_id, seal)

    def _pseudonymise(self, kind: str, value: str) -> str:
        token = self.subject_token(kind, value)
        if self._pseudonyms is not None:
            self._pseudonyms.remember(token, kind, value)
        return token

    def _notice_disabled(self) -> None:
        with _disabled_notice_lock:
            if self.chain_id in _disabled_noticed:
                return
            _disabled_noticed.add(self.chain_id)
        logger.warning("audit trail of %s is disabled (enable_audit_trail is off): new events are "
                       "not recorded; the existing chain is left intact", self.chain_id)
