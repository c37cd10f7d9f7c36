"""Versioned key rings, loaded from site config or the environment — never from the database.

Spec string: "v2:<base64 of 32 bytes>,v1:<base64 …>" (newest first), optionally with an explicit
current version. Several versions coexist so values written under an older key stay readable
until re-encrypted under the current one.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import KeyConfigurationError

KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")


@dataclass(frozen=True)
class KeyRing:
    """Secret keys by version id; `current` is the one new values are written with."""

    keys: Mapping[str, bytes] = field(repr=False)
    current: str
    key_length: int = 32

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyConfigurationError("the key ring is empty")
        for key_id, key in self.keys.items():
            if not KEY_ID_PATTERN.fullmatch(key_id):
                raise KeyConfigurationError(f"key version {key_id!r} is not 1-32 of [A-Za-z0-9_-]")
            if len(key) != self.key_length:
                raise KeyConfigurationError(
                    f"key version {key_id!r} has {len(key)} bytes; {self.key_length} are needed")
        if self.current not in self.keys:
            raise KeyConfigurationError(f"current key version {self.current!r} is not in the ring")

    def __repr__(self) -> str:
        return f"KeyRing(versions={list(self.keys)}, current={self.current!r})"

    @property
    def current_key(self) -> bytes:
        return self.keys[self.current]

    @property
    def versions(self) -> tuple[str, ...]:
        return tuple(self.keys)

    @classmethod
    def from_spec(cls, spec: str, current: str | None = None, *, key_length: int = 32,
                  source: str = "key spec") -> KeyRing:
        """Parse "id:base64,id:base64" (newest first unless `current` names one)."""
        keys: dict[str, bytes] = {}
        for position, item in enumerate(p.strip() for p in spec.split(",")):
            if not item:
                continue
            key_id, sep, encoded = item.partition(":")
            key_id = key_id.strip()
            if not sep or not key_id:
                raise KeyConfigurationError(f"{source}: item {position + 1} is not 'version:base64key'")
            if key_id in keys:
                raise KeyConfigurationError(f"{source}: key version {key_id!r} appears twice")
            keys[key_id] = _decode_key(encoded.strip(), key_id, source)
        if not keys:
            raise KeyConfigurationError(f"{source} holds no keys")
        return cls(keys=keys, current=current or next(iter(keys)), key_length=key_length)

    @classmethod
    def from_mapping(cls, config: Mapping[str, object], name: str, *, key_length: int = 32) -> KeyRing:
        """From a site-config-like mapping: `config[name]` is a spec string or {version: base64};
        `config[name + "_current"]` may name the current version."""
        raw = config.get(name)
        current = config.get(f"{name}_current")
        if raw is None or raw == "":
            raise KeyConfigurationError(f"{name} is not configured")
        if isinstance(raw, Mapping):
            keys = {str(k): _decode_key(str(v), str(k), name) for k, v in raw.items()}
            return cls(keys=keys, current=str(current) if current else next(iter(keys), ""),
                       key_length=key_length)
        if isinstance(raw, str):
            return cls.from_spec(raw, str(current) if current else None, key_length=key_length,
                                 source=name)
        raise KeyConfigurationError(f"{name} must be a 'version:base64' string or a mapping")

    @classmethod
    def from_environment(cls, variable: str, environ: Mapping[str, str] | None = None, *,
                         key_length: int = 32) -> KeyRing:
        """From `variable` (spec string) and optionally `variable + "_CURRENT"`."""
        env = os.environ if environ is None else environ
        spec = env.get(variable)
        if not spec:
            raise KeyConfigurationError(f"environment variable {variable} is not set")
        return cls.from_spec(spec, env.get(f"{variable}_CURRENT") or None, key_length=key_length,
                             source=variable)


def _decode_key(encoded: str, key_id: str, source: str) -> bytes:
    try:
        padded = encoded + "=" * (-len(encoded) % 4)
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise KeyConfigurationError(f"{source}: key version {key_id!r} is not valid base64") from None


def generate_key_spec(key_id: str, key_length: int = 32) -> str:
    """A fresh "id:base64" item for an operator to put in front of the existing spec."""
    if not KEY_ID_PATTERN.fullmatch(key_id):
        raise KeyConfigurationError(f"key version {key_id!r} is not 1-32 of [A-Za-z0-9_-]")
    return f"{key_id}:{base64.b64encode(os.urandom(key_length)).decode('ascii')}"
