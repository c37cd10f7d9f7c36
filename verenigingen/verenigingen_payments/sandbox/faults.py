"""Fault injection per method and path pattern: status codes, slow and dropped responses,
malformed bodies; by count or with a seeded probability."""

from __future__ import annotations

import fnmatch
import itertools
import random
import threading
from dataclasses import asdict, dataclass


@dataclass
class Fault:
    id: int
    path: str = "*"
    method: str = "*"
    status: int | None = None
    retry_after: str | None = None
    delay: float = 0.0
    drop: bool = False
    malformed: bool | str = False  # True/"invalid-json" or "missing-field"
    count: int | None = None
    probability: float | None = None
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and fnmatch.fnmatchcase(path, self.path)

    def as_dict(self) -> dict:
        return asdict(self)


class FaultSet:
    def __init__(self, seed: int) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._rng = random.Random(f"faults:{seed}")
        self._ids = itertools.count(1)

    def add(self, **spec) -> Fault:
        allowed = set(Fault.__dataclass_fields__) - {"id", "hits"}
        unknown = set(spec) - allowed
        if unknown:
            raise ValueError(f"unknown fault option(s): {', '.join(sorted(unknown))}")
        if spec.get("count") is None and spec.get("probability") is None:
            spec["count"] = 1
        if spec.get("retry_after") is not None:
            spec["retry_after"] = str(spec["retry_after"])
        if spec.get("method"):
            spec["method"] = spec["method"].upper()
        fault = Fault(id=next(self._ids), **spec)
        if not (fault.status or fault.delay or fault.drop or fault.malformed):
            raise ValueError("a fault needs one of status, delay, drop or malformed")
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def list(self) -> list[dict]:
        with self._lock:
            return [f.as_dict() for f in self._faults]

    def take(self, method: str, path: str) -> Fault | None:
        """The first matching fault that fires for this request (consuming one of its count)."""
        with self._lock:
            for fault in self._faults:
                if not fault.matches(method, path):
                    continue
                if fault.count is not None:
                    if fault.hits >= fault.count:
                        continue
                elif self._rng.random() >= (fault.probability or 0):
                    continue
                fault.hits += 1
                return fault
        return None
