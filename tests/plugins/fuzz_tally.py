"""What the property-based tests tried at each door: inputs, 5xx answers, tracebacks, SQLite/MariaDB
disagreements. The tests still assert every property (a 5xx fails its test); the tally gives the
figures of a run, CI's budget or a long local one (VERENIGINGEN_FUZZ_EXAMPLES=N).

Each process writes its counts to var/fuzz-tally/<worker>.json when it finishes; the run's terminal
summary adds up the files written during the run, prints them as one JSON line and keeps them in
var/fuzz-tally.json.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter, defaultdict
from pathlib import Path

VAR = Path(__file__).resolve().parent.parent.parent / "var"
TALLY_DIR = VAR / "fuzz-tally"
FIGURES = ("inputs", "server_errors", "tracebacks", "disagreements")

_counts: dict[str, Counter] = defaultdict(Counter)
_started = time.time()


def tally(door: str, *, inputs: int = 1, server_errors: int = 0, tracebacks: int = 0, disagreements: int = 0) -> None:
    """Count what one example tried at `door` (call it before asserting the property)."""
    _counts[door].update(inputs=inputs, server_errors=server_errors, tracebacks=tracebacks,
                         disagreements=disagreements)


def pytest_sessionfinish(session) -> None:
    if not _counts:
        return
    worker = getattr(session.config, "workerinput", {}).get("workerid", "main")
    TALLY_DIR.mkdir(parents=True, exist_ok=True)
    (TALLY_DIR / f"{worker}-{os.getpid()}.json").write_text(json.dumps({d: dict(c) for d, c in _counts.items()}))


def pytest_terminal_summary(terminalreporter, config) -> None:
    if hasattr(config, "workerinput") or not TALLY_DIR.is_dir():
        return
    total: dict[str, Counter] = defaultdict(Counter)
    for path in TALLY_DIR.glob("*.json"):
        if path.stat().st_mtime >= _started:
            for door, counts in json.loads(path.read_text()).items():
                total[door].update(counts)
    if not total:
        return
    figures = {door: {f: total[door][f] for f in FIGURES} for door in sorted(total)}
    (VAR / "fuzz-tally.json").write_text(json.dumps(figures, indent=1) + "\n")
    terminalreporter.write_line("fuzz tally " + json.dumps(figures))
