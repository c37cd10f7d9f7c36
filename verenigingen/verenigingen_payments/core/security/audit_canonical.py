"""Canonical forms of audit entries: the exact bytes the chain's HMAC covers.

Details become canonical JSON text (redacted, sorted keys, no whitespace, no NaN, Decimal and
datetimes as strings) and are hashed as that text, so what is stored is what was hashed, on any
database. Personal data stays out: a data subject appears only as a pseudonymous token.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Mapping
from datetime import date, datetime, timezone
from decimal import Decimal
from enum import Enum

from ...store.interfaces import AuditEntry
from .errors import AuditChainError
from .redaction import redact

_MAX_DEPTH = 20


def normalise_json_value(value, path: str, depth: int = 0):
    if depth > _MAX_DEPTH:
        raise AuditChainError(f"audit details nest deeper than {_MAX_DEPTH} levels at {path}",
                              field=path)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Enum):
        return normalise_json_value(value.value, path, depth + 1)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AuditChainError(f"audit detail {path} is not a finite number", field=path)
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise AuditChainError(f"audit detail {path} is not a finite number", field=path)
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise AuditChainError(f"audit detail {path} is a naive datetime", field=path)
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): normalise_json_value(v, f"{path}.{k}", depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise_json_value(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
    raise AuditChainError(f"audit detail {path} has unsupported type {type(value).__name__}",
                          field=path)


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def canonical_details(details: Mapping | None) -> str:
    """Redacted, normalised, canonical JSON text of an entry's details."""
    if details is None:
        details = {}
    if not isinstance(details, Mapping):
        raise AuditChainError("audit details must be a mapping", field="details")
    return canonical_json(normalise_json_value(redact(dict(details)), "details"))


def canonical_created(created: datetime) -> str:
    if created.tzinfo is None:
        raise AuditChainError("an audit entry's `created` must be timezone-aware", field="created")
    return created.astimezone(timezone.utc).isoformat(timespec="microseconds")


def canonical_entry(entry: AuditEntry) -> bytes:
    """Every stored field except `entry_hash`, in one canonical byte string."""
    payload = {
        "chain_id": entry.chain_id,
        "sequence": entry.sequence,
        "event_type": entry.event_type,
        "created": canonical_created(entry.created),
        "actor": entry.actor,
        "settings_name": entry.settings_name,
        "resource_type": entry.resource_type,
        "resource_id": entry.resource_id,
        "subject_token": entry.subject_token,
        "details": entry.details,
        "key_id": entry.key_id,
        "previous_hash": entry.previous_hash,
    }
    return canonical_json(payload).encode("utf-8")


def entry_mac(key: bytes, entry: AuditEntry) -> str:
    return hmac.new(key, canonical_entry(entry), hashlib.sha256).hexdigest()


def pseudonymous_token(key: bytes, kind: str, value: str) -> str:
    """A stable token for a data subject (e.g. kind "customer", value "cst_…"); not reversible
    without the pseudonym map, which erasure deletes."""
    derived = hmac.new(key, b"verenigingen-pseudonym-v1", hashlib.sha256).digest()
    digest = hmac.new(derived, f"{kind}:{value}".encode("utf-8"), hashlib.sha256).hexdigest()
    return f"psn_{digest[:40]}"
