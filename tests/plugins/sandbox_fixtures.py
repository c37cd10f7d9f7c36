"""Pytest fixtures for the Mollie emulator.

`emulator` (association-small, seed 1, fresh per test) and `emulator_factory(**kwargs)` start a
real emulator on a free loopback port. While it runs, every /v2 response it sends (except those
an injected fault deliberately broke) is validated against Mollie's OpenAPI description in a
background thread; the test fails at teardown with the list of violations. So every test that
uses the emulator is also a contract test. `emulator_factory(validate=False)` opts out (benchmarks).
"""

from __future__ import annotations

import contextlib
import queue
import threading

import pytest

from verenigingen.verenigingen_payments.sandbox import MollieEmulator

_spec_ready = threading.Event()
_spec_lock = threading.Lock()
_spec_holder: dict = {}


def _load_spec_in_background() -> None:
    with _spec_lock:
        if _spec_holder.get("started"):
            return
        _spec_holder["started"] = True

    def load() -> None:
        try:
            from tests.plugins.mollie_spec import spec_validator

            _spec_holder["validator"] = spec_validator()
        except Exception as exc:  # noqa: BLE001 - reported at teardown of the test that needed it
            _spec_holder["error"] = exc
        finally:
            _spec_ready.set()

    threading.Thread(target=load, name="mollie-spec-loader", daemon=True).start()


class ContractRecorder:
    """Collects responses from the emulator and validates them off the request path."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.checked = 0
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="mollie-contract-check", daemon=True)
        self._thread.start()

    def observe(self, request, status: int, headers: dict, body: bytes) -> None:
        if status >= 500:  # only injected faults may answer 5xx; anything else is an emulator bug
            self.violations.append(f"{request.method} {request.path} -> {status}: {body[:300]!r}")
        self._queue.put((request.method, request.path, request.query_string.decode(), status, body,
                         "application/hal+json"))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            try:
                _spec_ready.wait()
                validator = _spec_holder.get("validator")
                if validator is None:
                    self.violations.append(f"spec could not be loaded: {_spec_holder.get('error')!r}")
                else:
                    self.violations.extend(validator.validate(*item))
                self.checked += 1
            finally:
                self._queue.task_done()

    def finish(self) -> list[str]:
        self._queue.join()
        self._queue.put(None)
        self._thread.join(timeout=5)
        return self.violations


@contextlib.contextmanager
def _emulators():
    """A factory of started emulators; on leaving, each is stopped and its contract violations fail the test."""
    started: list[tuple[MollieEmulator, ContractRecorder | None]] = []

    def make(validate: bool = True, **kwargs) -> MollieEmulator:
        kwargs.setdefault("scenario", "association-small")
        kwargs.setdefault("seed", 1)
        emu = MollieEmulator(**kwargs).start()
        recorder = None
        if validate:
            _load_spec_in_background()
            recorder = ContractRecorder()
            emu.add_observer(recorder.observe)
        emu.contract = recorder
        started.append((emu, recorder))
        return emu

    yield make
    problems = []
    for emu, recorder in started:
        emu.stop()
        if recorder is not None:
            problems.extend(recorder.finish())
    if problems:
        listed = "\n  ".join(problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        pytest.fail(f"{len(problems)} emulator response(s) violate Mollie's OpenAPI description:\n  {listed}{more}",
                    pytrace=False)


@pytest.fixture
def emulator_factory():
    """emulator_factory(scenario=..., seed=..., discrepancies=..., webhook_secret=..., time_scale=..., validate=True)."""
    with _emulators() as make:
        yield make


@pytest.fixture(scope="module")
def module_emulator_factory():
    """emulator_factory for a module's shared fixtures (an emulator whose world the tests only read)."""
    with _emulators() as make:
        yield make


@pytest.fixture
def emulator(emulator_factory) -> MollieEmulator:
    return emulator_factory()
