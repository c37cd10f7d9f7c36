"""Bank-side findings scored against the emulator's bank ground truth; unlike the Mollie-side
scoring, a kind reported but not planted counts too (precision 0), so a clean seed scores nothing."""

from __future__ import annotations

from typing import Iterable, Mapping

from ..reconciliation.scoring import KindScore, score
from .findings import BANK_FINDING_KINDS, BankFinding


def score_bank(findings: Iterable[BankFinding], truth: Iterable[Mapping]) -> dict[str, KindScore]:
    pairs = [(str(f.kind), f.ids) for f in findings]
    scores = score(pairs, truth)
    for kind in BANK_FINDING_KINDS:
        reported = sum(1 for k, _ in pairs if k == kind)
        if kind not in scores and reported:
            scores[kind] = KindScore(kind, 0, reported, 0)
    return scores
