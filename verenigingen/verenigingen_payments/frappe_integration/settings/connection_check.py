"""Which of an account's credentials work, and what each can reach: the "Test Connection" logic.

Framework-free: the endpoint and the bench command give it a `MollieConfig` and show the report.
Each probe is one cheap read through the real clients; a probe's failure is reported, not raised,
so one bad credential never hides what the other one can do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from verenigingen.verenigingen_payments.clients.config import MollieConfig
from verenigingen.verenigingen_payments.core.errors import MollieError

API_KEY = "API key"
ORGANIZATION_TOKEN = "Organization access token"

CONNECTED = "Connected"
PARTIALLY_CONNECTED = "Partially Connected"
FAILED = "Failed"


@dataclass(frozen=True)
class Probe:
    """One read that proves a credential reaches a resource; `run` returns a short summary."""

    credential: str
    resource: str
    run: Callable[[MollieConfig], str]


@dataclass(frozen=True)
class ProbeResult:
    credential: str
    resource: str
    ok: bool
    detail: str
    error_type: str | None = None


@dataclass(frozen=True)
class ConnectionReport:
    account: str
    enabled: bool
    base_url: str
    configured: tuple[str, ...]
    results: tuple[ProbeResult, ...]

    @property
    def status(self) -> str:
        passed = [r for r in self.results if r.ok]
        if self.results and len(passed) == len(self.results):
            return CONNECTED
        return PARTIALLY_CONNECTED if passed else FAILED

    @property
    def first_error(self) -> str | None:
        return next((f"{r.credential} / {r.resource}: {r.detail}" for r in self.results if not r.ok), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "status": self.status,
            "enabled": self.enabled,
            "base_url": self.base_url,
            "configured_credentials": list(self.configured),
            "checks": [vars(result) for result in self.results],
        }


def _credential_present(config: MollieConfig, credential: str) -> bool:
    return bool(config.api_key if credential == API_KEY else config.organization_token)


def check_connection(config: MollieConfig, probes: Sequence[Probe]) -> ConnectionReport:
    """Run every probe whose credential is configured; a single-attempt config keeps it quick."""
    quick = replace(config, retry_max_attempts=1)
    configured = tuple(c for c in (API_KEY, ORGANIZATION_TOKEN) if _credential_present(config, c))
    results = []
    for probe in probes:
        if probe.credential not in configured:
            continue
        try:
            results.append(ProbeResult(probe.credential, probe.resource, True, probe.run(quick)))
        except MollieError as exc:
            results.append(
                ProbeResult(probe.credential, probe.resource, False, exc.message, type(exc).__name__)
            )
    if not configured:
        results.append(ProbeResult("-", "-", False, "No API key or organization access token is configured."))
    return ConnectionReport(config.account, config.enabled, config.base_url, configured, tuple(results))
