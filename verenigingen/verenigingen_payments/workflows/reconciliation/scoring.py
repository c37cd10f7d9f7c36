"""Precision and recall of findings against a scenario's ground truth, per planted kind.

A planted entry counts as found when a finding of the same kind names its first id (the object
the discrepancy is about); a finding of a planted kind that matches no entry is a false positive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping


@dataclass(frozen=True)
class KindScore:
    kind: str
    planted: int
    reported: int
    true_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.reported if self.reported else (1.0 if not self.planted else 0.0)

    @property
    def recall(self) -> float:
        return self.true_positives / self.planted if self.planted else 1.0


def score(findings: Iterable[tuple[str, tuple[str, ...]]], truth: Iterable[Mapping]) -> dict[str, KindScore]:
    """`findings` as (kind, ids) pairs; `truth` as the emulator's entries ({"kind", "ids", …})."""
    planted: dict[str, list[str]] = {}
    for entry in truth:
        planted.setdefault(entry["kind"], []).append(entry["ids"][0])
    reported: dict[str, list[set[str]]] = {}
    for kind, ids in findings:
        if kind in planted:
            reported.setdefault(kind, []).append(set(ids))
    out = {}
    for kind, targets in planted.items():
        found = reported.get(kind, [])
        hits = sum(1 for ids in found if any(t in ids for t in targets))
        recalled = sum(1 for t in targets if any(t in ids for ids in found))
        out[kind] = KindScore(kind, len(targets), len(found), min(hits, recalled))
    return out
