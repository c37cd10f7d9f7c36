"""The seams key rotation works through: the settings record's credential slots, app-owned
encrypted values, and verification of a staged credential against Mollie.

Inside a site the Frappe layer implements `RotationSettingsStore` on Mollie Settings (Password
fields for current/staged/previous values) in `frappe_integration.security.seams`; outside one,
`InMemoryRotationSettings` holds the same state for scripts and tests.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol, runtime_checkable

from .encryption import FieldContext

API_KEY = "secret_key"
ORGANIZATION_TOKEN = "organization_access_token"
WEBHOOK_SECRET = "webhook_secret"
CREDENTIAL_KINDS = (API_KEY, ORGANIZATION_TOKEN, WEBHOOK_SECRET)
VERIFIED_AT_MOLLIE = frozenset({API_KEY, ORGANIZATION_TOKEN})


@dataclass(frozen=True)
class CredentialSlot:
    """One credential of a settings record: current, staged (awaiting rotation), previous (grace)."""

    current: str | None = field(default=None, repr=False)
    staged: str | None = field(default=None, repr=False)
    previous: str | None = field(default=None, repr=False)
    previous_valid_until: datetime | None = None
    rotated_at: datetime | None = None


@dataclass(frozen=True)
class RotationState:
    settings_name: str
    rotation_days: int | None
    slots: dict[str, CredentialSlot]


def valid_webhook_secrets(state: RotationState, now: datetime) -> list[str]:
    """Every webhook secret a delivery may carry right now: the current one, and the previous one
    while its grace period lasts."""
    slot = state.slots.get(WEBHOOK_SECRET, CredentialSlot())
    secrets = [slot.current] if slot.current else []
    if slot.previous and slot.previous_valid_until and now < slot.previous_valid_until:
        secrets.append(slot.previous)
    return secrets


@runtime_checkable
class RotationSettingsStore(Protocol):
    def read_rotation_state(self, settings_name: str) -> RotationState: ...

    def switch_credential(self, settings_name: str, kind: str, *, rotated_at: datetime,
                          previous_valid_until: datetime) -> None:
        """Atomically: previous := current, current := staged, staged := empty."""
        ...

    def erase_previous(self, settings_name: str, kind: str) -> None: ...


@runtime_checkable
class EncryptedValueSource(Protocol):
    """A table or DocType holding values this app encrypted (webhook bodies, evidence notes …)."""

    def iter_encrypted_values(self) -> Iterator[tuple[FieldContext, str]]: ...

    def replace_encrypted_value(self, context: FieldContext, old: str, new: str) -> bool:
        """Store `new` only if the field still holds `old` (compare-and-set); True if replaced."""
        ...


class InMemoryRotationSettings:
    """The rotation state of settings records kept in this process (scripts, the plain suite)."""

    def __init__(self, states: Iterable[RotationState] = ()) -> None:
        self._lock = threading.Lock()
        self._states = {s.settings_name: s for s in states}

    def read_rotation_state(self, settings_name: str) -> RotationState:
        with self._lock:
            state = self._states.get(settings_name)
        if state is None:
            from ..errors import ConfigurationError

            raise ConfigurationError(f"no Mollie Settings named {settings_name!r}")
        return state

    def stage(self, settings_name: str, kind: str, value: str) -> None:
        with self._lock:
            state = self._states[settings_name]
            slot = state.slots.get(kind, CredentialSlot())
            self._states[settings_name] = replace(
                state, slots={**state.slots, kind: replace(slot, staged=value)})

    def switch_credential(self, settings_name: str, kind: str, *, rotated_at: datetime,
                          previous_valid_until: datetime) -> None:
        with self._lock:
            state = self._states[settings_name]
            slot = state.slots[kind]
            switched = CredentialSlot(current=slot.staged, staged=None, previous=slot.current,
                                      previous_valid_until=previous_valid_until, rotated_at=rotated_at)
            self._states[settings_name] = replace(state, slots={**state.slots, kind: switched})

    def erase_previous(self, settings_name: str, kind: str) -> None:
        with self._lock:
            state = self._states[settings_name]
            slot = replace(state.slots[kind], previous=None, previous_valid_until=None)
            self._states[settings_name] = replace(state, slots={**state.slots, kind: slot})
