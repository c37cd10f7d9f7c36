"""`MollieObject`: a read-only typed view over one resource as Mollie sent it."""

from __future__ import annotations

from typing import Any, ClassVar

from ..errors import ResponseParseError
from .fields import Field, Str


class MollieObject:
    __slots__ = ("_cache", "_data")
    _fields: ClassVar[tuple[str, ...]] = ()

    resource = Str("resource", required=True)
    id = Str("id", required=True)

    def __init__(self, data: dict[str, Any]) -> None:
        if not isinstance(data, dict):
            raise ResponseParseError(f"expected a {type(self).__name__} object, got {type(data).__name__}")
        self._data = data
        self._cache = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names: dict[str, None] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, Field):
                    names[name] = None
        cls._fields = tuple(names)

    def validate(self):
        """Parse every field now; raises ResponseParseError naming the first bad one."""
        for name in self._fields:
            getattr(self, name)
        return self

    @property
    def raw(self) -> dict[str, Any]:
        """Mollie's JSON for this object (fields this model does not type are here)."""
        return self._data

    def link(self, name: str) -> str | None:
        entry = (self._data.get("_links") or {}).get(name)
        return entry.get("href") if isinstance(entry, dict) else None

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._data == self._data

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(id={self._data.get('id')!r})"
