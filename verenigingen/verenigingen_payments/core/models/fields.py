"""Lazy, typed fields over Mollie's JSON: a value is parsed when first read, then cached.

Parsing on read keeps paging through 100,000 payments nearly as cheap as decoding their JSON; a value
that cannot be parsed still raises `ResponseParseError` naming the field (`amount.value`), and
`MollieObject.validate()` parses every field at once when a caller wants the check up front.
A null where the spec does not allow one, or a missing required field, is an error too.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ..errors import ResponseParseError
from .money import Amount

_MISSING = object()

_DATETIME_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})", re.ASCII
)
_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_UTC_OFFSETS: dict[str, timezone] = {"Z": timezone.utc, "+00:00": timezone.utc, "+0000": timezone.utc}


def _offset(text: str) -> timezone:
    tz = _UTC_OFFSETS.get(text)
    if tz is None:
        sign = -1 if text[0] == "-" else 1
        digits = text[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        _UTC_OFFSETS[text] = tz
    return tz


def parse_datetime(raw: object, field: str) -> datetime:
    """Both of Mollie's forms: `2024-02-12T11:58:35+00:00` and `2018-03-16T17:08:53.0Z`; always aware."""
    match = _DATETIME_RE.fullmatch(raw) if isinstance(raw, str) else None
    if match is None:
        raise ResponseParseError(
            f"cannot parse {field}: {raw!r} is not an ISO 8601 timestamp with offset", field=field
        )
    y, mo, d, h, mi, s, frac, tz = match.groups()
    try:
        micro = int((frac or "0")[:6].ljust(6, "0"))
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=_offset(tz))
    except ValueError as exc:
        raise ResponseParseError(f"cannot parse {field}: {raw!r} ({exc})", field=field) from None


def parse_date(raw: object, field: str) -> date:
    match = _DATE_RE.fullmatch(raw) if isinstance(raw, str) else None
    if match is None:
        raise ResponseParseError(f"cannot parse {field}: {raw!r} is not a YYYY-MM-DD date", field=field)
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise ResponseParseError(f"cannot parse {field}: {raw!r} ({exc})", field=field) from None


class Field:
    """A lazily parsed attribute; `key` is Mollie's camelCase name."""

    __slots__ = ("attr", "key", "nullable", "required")

    def __init__(self, key: str, *, nullable: bool = False, required: bool = False) -> None:
        self.key = key
        self.nullable = nullable
        self.required = required
        self.attr = key

    def __set_name__(self, owner: type, name: str) -> None:
        self.attr = name

    def parse(self, raw: Any, path: str) -> Any:
        return raw

    def _absent(self, raw: Any) -> None:
        if raw is None:
            if not self.nullable:
                raise ResponseParseError(
                    f"{self.key} is null, which Mollie's spec does not allow", field=self.key
                )
        elif self.required:
            raise ResponseParseError(f"{self.key} is missing from Mollie's response", field=self.key)

    def __get__(self, obj, owner=None):
        """Cheap fields (strings, flags, raw JSON) are checked on every read; no cache to build."""
        if obj is None:
            return self
        raw = obj._data.get(self.key)
        if raw is None:
            return self._absent(None if self.key in obj._data else _MISSING)
        return self.parse(raw, self.key)

    def __set__(self, obj, value) -> None:
        raise AttributeError(f"{self.attr} is read-only")


class Str(Field):
    __slots__ = ()

    def parse(self, raw: Any, path: str) -> str:
        if not isinstance(raw, str):
            raise ResponseParseError(
                f"cannot parse {path}: expected a string, got {type(raw).__name__}", field=path
            )
        return raw


class Bool(Field):
    __slots__ = ()

    def parse(self, raw: Any, path: str) -> bool:
        if not isinstance(raw, bool):
            raise ResponseParseError(f"cannot parse {path}: expected true/false, got {raw!r}", field=path)
        return raw


class Int(Field):
    __slots__ = ()

    def parse(self, raw: Any, path: str) -> int:
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise ResponseParseError(f"cannot parse {path}: expected an integer, got {raw!r}", field=path)
        return raw


class Json(Field):
    """A value kept as Mollie sent it (metadata, details, periods …)."""

    __slots__ = ()


class CachedField(Field):
    """A field whose parse allocates (Decimal, datetime, enum): parsed once per object, then cached."""

    __slots__ = ()

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        cache = obj._cache
        if cache is None:
            cache = obj._cache = {}
        else:
            try:
                return cache[self.attr]
            except KeyError:
                pass
        raw = obj._data.get(self.key)
        if raw is None:
            value = self._absent(None if self.key in obj._data else _MISSING)
        else:
            value = self.parse(raw, self.key)
        cache[self.attr] = value
        return value


class Money(CachedField):
    __slots__ = ()

    def parse(self, raw: Any, path: str) -> Amount:
        return Amount.parse(raw, path)


class Timestamp(CachedField):
    __slots__ = ()

    def parse(self, raw: Any, path: str) -> datetime:
        return parse_datetime(raw, path)


class Day(CachedField):
    __slots__ = ()

    def parse(self, raw: Any, path: str) -> date:
        return parse_date(raw, path)


class Choice(CachedField):
    """An open enum: known values become members, unknown ones are kept as pseudo-members."""

    __slots__ = ("enum",)

    def __init__(self, key: str, enum: type, **kwargs: Any) -> None:
        super().__init__(key, **kwargs)
        self.enum = enum

    def parse(self, raw: Any, path: str):
        if not isinstance(raw, str):
            raise ResponseParseError(f"cannot parse {path}: expected a string, got {raw!r}", field=path)
        return self.enum(raw)
