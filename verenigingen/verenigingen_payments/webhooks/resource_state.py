"""The fetched state of a resource, reduced to what decides whether it is a new effect.

Two deliveries that find the same state (id, status and the amounts refunded / charged back)
share one effect key and so produce one effect; a real change gives a new key and a new effect.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
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
    def effect_key(self) -> str:
        digest = hashlib.sha256(json.dumps(self.fingerprint, sort_keys=True).encode()).hexdigest()
        return f"{self.resource_type}:{self.resource_id}:{self.status or '-'}:{digest[:20]}"

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
