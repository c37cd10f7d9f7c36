"""The fetched state of a resource, reduced to what decides whether it is a new effect.

Effects are deduplicated on transitions, not on the set of states seen: a delivery that finds the
state the resource's last effect applied is a duplicate; any other state is the next transition.
The effect key carries that transition's place in the resource's sequence, so A → B → A gives three
keys (1, 2, 3), while eight deliveries of the same change all compute the same key and apply once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.errors import ResponseParseError
from ..core.models.money import Amount

# Which fields of each resource type make up its state, beside `status`.
_STATE_AMOUNTS: dict[str, tuple[str, ...]] = {
    "payment": ("amount", "amountRefunded", "amountChargedBack", "amountCaptured"),
    "refund": ("amount",),
    "chargeback": ("amount",),
    "settlement": ("amount",),
    "subscription": ("amount",),
    "order": ("amount", "amountRefunded", "amountCaptured"),
}
_STATE_FIELDS: dict[str, tuple[str, ...]] = {
    "chargeback": ("reversedAt",),
    "subscription": ("timesCharged", "nextPaymentDate"),
}


@dataclass(frozen=True)
class ResourceState:
    resource_type: str
    resource_id: str
    status: str | None
    fingerprint: Mapping[str, Any]

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.fingerprint, sort_keys=True).encode()).hexdigest()[:20]

    @property
    def effect_key(self) -> str:
        """The key of this state as the resource's first transition (no effect applied before)."""
        return self.transition_after(())

    def repeats(self, applied_keys: Sequence[str]) -> bool:
        """Whether the resource's last applied effect is this very state (a redelivery, not a change)."""
        last = _last_effect(applied_keys)
        return last is not None and _digest_of(last[0]) == self.digest

    def transition_after(self, applied_keys: Sequence[str]) -> str:
        """The key of the effect that moves the resource from its last applied state to this one."""
        last = _last_effect(applied_keys)
        sequence = 1 if last is None else last[1] + 1
        return f"{self.resource_type}:{self.resource_id}:{self.status or '-'}:{self.digest}:{sequence}"

    @classmethod
    def of(cls, resource_type: str, expected_id: str, resource: Mapping[str, Any]) -> ResourceState:
        """Reduce a fetched resource; refuses one whose id is not the one that was asked for."""
        if resource.get("id") != expected_id:
            raise ResponseParseError(
                f"fetched {resource_type} has id {resource.get('id')!r}, expected {expected_id!r}", field="id"
            )
        status = resource.get("status")
        if status is not None and not isinstance(status, str):
            raise ResponseParseError(f"cannot parse {resource_type}.status: {status!r}", field="status")
        fingerprint: dict[str, Any] = {"status": status}
        for name in _STATE_AMOUNTS.get(resource_type, ("amount",)):
            raw = resource.get(name)
            if raw is not None:
                amount = Amount.parse(raw, field=name)
                fingerprint[name] = [amount.currency, str(amount.value)]
        for name in _STATE_FIELDS.get(resource_type, ()):
            fingerprint[name] = resource.get(name)
        return cls(resource_type, expected_id, status, fingerprint)


def _digest_of(effect_key: str) -> str:
    return effect_key.split(":")[3] if effect_key.count(":") >= 3 else ""


def _sequence_of(effect_key: str, position: int) -> int:
    """The transition number in the key; keys written before transitions were numbered count by position."""
    parts = effect_key.split(":")
    if len(parts) == 5 and parts[4].isdigit():
        return int(parts[4])
    return position + 1


def _last_effect(applied_keys: Sequence[str]) -> tuple[str, int] | None:
    """The resource's latest applied effect and its transition number: highest number, then latest applied."""
    ranked = [(_sequence_of(key, position), position, key) for position, key in enumerate(applied_keys)]
    if not ranked:
        return None
    sequence, _, key = max(ranked)
    return key, sequence


def last_effect_key(applied_keys: Sequence[str]) -> str | None:
    """The resource's latest applied effect: highest transition number, then latest applied."""
    last = _last_effect(applied_keys)
    return None if last is None else last[0]
