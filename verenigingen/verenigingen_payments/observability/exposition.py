"""Scraping: one registry that sums every process, in Prometheus text format.

Frappe serves requests from several gunicorn workers and runs jobs in RQ work-horses (a fresh forked
process per job), so a per-process registry would show one random process's numbers. With
PROMETHEUS_MULTIPROC_DIR set in the environment of *every* process before it starts (supervisor
`environment=`), prometheus_client keeps each process's values in mmapped files there, and
`render_metrics` merges them. Without the variable (tests, one-process tools) the in-process registry
is served as is.

Dead processes leave their files behind; RQ alone leaves one set per job. `compact_dead_processes`
folds the files of processes that no longer exist into per-type archive files (counters and
histograms summed, `max` gauges maxed, `mostrecent` gauges by timestamp, `live*` gauges dropped), so
totals stay monotonic and the directory stays small. It runs under an exclusive lock on every scrape,
and the scrape reads under the same lock, so no value is ever counted twice.
"""

from __future__ import annotations

import fcntl
import glob
import os
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
ARCHIVE = "archive"


def multiproc_dir() -> str | None:
    return os.environ.get(MULTIPROC_DIR_ENV) or None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pid_of(path: str) -> int | None:
    stem = os.path.basename(path)[:-3]
    tail = stem.rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _archive_name(path: str) -> str:
    parts = os.path.basename(path)[:-3].split("_")
    return "_".join(parts[:-1] + [ARCHIVE]) + ".db"


def _combine(kind: str, mode: str | None, old: tuple[float, float], new: tuple[float, float]) -> tuple[float, float]:
    (old_value, old_ts), (value, ts) = old, new
    if kind in ("counter", "histogram", "summary"):
        return old_value + value, 0.0
    if mode in ("max",):
        return max(old_value, value), 0.0
    if mode in ("min",):
        return min(old_value, value), 0.0
    return (value, ts) if ts >= old_ts else (old_value, old_ts)  # mostrecent


@contextmanager
def _locked(directory: str):
    with open(os.path.join(directory, ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def compact_dead_processes(directory: str, *, is_alive: Callable[[int], bool] = pid_alive) -> int:
    """Fold the files of dead processes into archive files; returns how many files were folded.

    The caller holds the directory lock (see `render_metrics`)."""
    folded = 0
    for path in sorted(glob.glob(os.path.join(directory, "*.db"))):
        pid = _pid_of(path)
        if pid is None or is_alive(pid):
            continue
        parts = os.path.basename(path).split("_")
        kind = parts[0]
        mode = parts[1] if kind == "gauge" else None
        if kind == "gauge" and (mode.startswith("live") or mode in ("all", "sum")):
            os.remove(path)  # live gauges and per-pid gauges of a dead process mean nothing any more
            folded += 1
            continue
        archive = MmapedDict(os.path.join(directory, _archive_name(path)))
        try:
            for key, value, timestamp, _pos in MmapedDict.read_all_values_from_file(path):
                archive.write_value(key, *_combine(kind, mode, archive.read_value(key), (value, timestamp)))
        finally:
            archive.close()
        os.remove(path)
        folded += 1
    return folded


def scrape_registry(extra_collectors: Iterable = ()) -> CollectorRegistry:
    """The registry to expose: every process's values when multiprocess, plus scrape-time collectors."""
    directory = multiproc_dir()
    if directory is None:
        registry = REGISTRY
        if not extra_collectors:
            return registry
        combined = CollectorRegistry(auto_describe=False)
        combined.register(_Forward(registry))
    else:
        combined = CollectorRegistry(auto_describe=False)
        MultiProcessCollector(combined, path=directory)
    for collector in extra_collectors:
        combined.register(collector)
    return combined


class _Forward:
    """Exposes another registry's metrics through this one."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry

    def collect(self):
        return self._registry.collect()


def render_metrics(extra_collectors: Iterable = ()) -> bytes:
    """Prometheus text format of every metric of every process (see the module docstring)."""
    directory = multiproc_dir()
    if directory is None:
        return generate_latest(scrape_registry(extra_collectors))
    with _locked(directory):
        compact_dead_processes(directory)
        return generate_latest(scrape_registry(extra_collectors))


def mark_process_dead(pid: int) -> None:
    """gunicorn `child_exit` hook body: fold the worker's files at once instead of on the next scrape."""
    directory = multiproc_dir()
    if directory is None:
        return
    with _locked(directory):
        compact_dead_processes(directory, is_alive=lambda candidate: candidate != pid and pid_alive(candidate))
