"""The app's decisions per member and period, read back from the recorded transitions, scored against a
scenario's ground truth (`[{"memberReference", "period", "decisions": ["retry", "contact"]}, …]`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .dunning import REMINDER_1, RETRY_SCHEDULED, Transition


def decisions_by_case(transitions: list[Transition]) -> dict[tuple[str, str], list[str]]:
    """retry for each retry scheduled; contact or stop (the cause's first word) for the first reminder."""
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for t in transitions:
        if t.to_state == RETRY_SCHEDULED:
            out[(t.member_reference, t.period)].append("retry")
        elif t.to_state == REMINDER_1:
            out[(t.member_reference, t.period)].append(t.cause.split(":", 1)[0])
    return dict(out)


@dataclass
class DecisionScore:
    expected: int = 0
    right: int = 0
    wrong: list = field(default_factory=list)  # (member, period, expected, made)
    unexpected: list = field(default_factory=list)  # cases the truth does not know

    @property
    def every_decision_right(self) -> bool:
        return self.expected > 0 and self.right == self.expected and not self.unexpected


def score_decisions(transitions: list[Transition], truth: list[dict]) -> DecisionScore:
    made = decisions_by_case(transitions)
    score = DecisionScore()
    known = set()
    for item in truth:
        key = (item["memberReference"], item["period"])
        known.add(key)
        for number, expected in enumerate(item["decisions"]):
            score.expected += 1
            got = made.get(key, [])
            if number < len(got) and got[number] == expected:
                score.right += 1
            else:
                score.wrong.append((*key, item["decisions"], got))
    score.unexpected = sorted(key for key in made if key not in known)
    return score
