"""Liveness and readiness, framework-free.

Liveness answers "is the process serving?" and does no I/O. Readiness runs named checks (database
or store, Redis, queue workers, scheduler, each enabled account's breaker and last successful Mollie
call). The public body names only the checks that failed; the reasons (`detail`) are for the
authenticated `bench … mollie health` command and logs, never for the guest endpoint.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 0.5
DEFAULT_MAX_SILENCE_SECONDS = 3 * 3600  # the balance monitor calls Mollie every 15 minutes


@dataclass(frozen=True)
class CheckResult:
    name: str
    healthy: bool
    detail: str = ""


Check = Callable[[], CheckResult]


def liveness() -> tuple[int, dict]:
    return 200, {"status": "alive"}


def run_checks(checks: Iterable[Check]) -> list[CheckResult]:
    """Run every check; a check that raises is unhealthy with its exception type as detail."""
    results = []
    for check in checks:
        name = getattr(check, "check_name", getattr(check, "__name__", "check"))
        try:
            results.append(check())
        except Exception as exc:  # noqa: BLE001 - a crashing check is an unhealthy check
            logger.warning("health check %s raised %s", name, type(exc).__name__)
            results.append(CheckResult(name, False, f"check raised {type(exc).__name__}"))
    return results


def readiness_response(results: list[CheckResult]) -> tuple[int, dict]:
    """200 {"status": "ready"} or 503 {"status": "unready", "unhealthy": [names]}; nothing else."""
    unhealthy = sorted(r.name for r in results if not r.healthy)
    if unhealthy:
        return 503, {"status": "unready", "unhealthy": unhealthy}
    return 200, {"status": "ready"}


def named(name: str, func: Callable[[], CheckResult]) -> Check:
    func.check_name = name  # type: ignore[attr-defined]
    return func


def redis_connection(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                                socket_connect_timeout=REDIS_TIMEOUT_SECONDS)


def check_redis(name: str, client) -> Check:
    def check() -> CheckResult:
        client.ping()
        return CheckResult(name, True, "PING answered")

    return named(name, check)


def check_sql(name: str, execute_select_one: Callable[[], object]) -> Check:
    """`execute_select_one` runs `SELECT 1` on the database or store (SQLAlchemy engine, frappe.db …)."""

    def check() -> CheckResult:
        execute_select_one()
        return CheckResult(name, True, "SELECT 1 answered")

    return named(name, check)


def sqlalchemy_select_one(engine) -> Callable[[], object]:
    import sqlalchemy as sa

    def run():
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT 1")).scalar_one()

    return run


def check_rq_workers(name: str, queue_client, *, minimum: int = 1) -> Check:
    """RQ workers register in the `rq:workers` set and keep a key alive by heartbeat while running."""

    def check() -> CheckResult:
        alive = sum(1 for key in queue_client.smembers("rq:workers") if queue_client.exists(key))
        if alive < minimum:
            return CheckResult(name, False, f"{alive} RQ worker(s) alive, need {minimum}")
        return CheckResult(name, True, f"{alive} RQ worker(s) alive")

    return named(name, check)


def check_scheduler(name: str, is_paused: Callable[[], bool]) -> Check:
    def check() -> CheckResult:
        if is_paused():
            return CheckResult(name, False, "the scheduler is paused or disabled for this site")
        return CheckResult(name, True, "scheduler enabled")

    return named(name, check)


def breaker_key(key_prefix: str, account: str, base_url: str) -> str:
    """The Redis key of an account's breaker, as `core.resilience.guard.CallGuard` names it."""
    return f"{key_prefix}mollie:{account}:breaker:{urlsplit(base_url).netloc}"


def check_breaker(account: str, client, key: str) -> Check:
    name = f"breaker:{account}"

    def check() -> CheckResult:
        state = client.hget(key, "state")
        state = state.decode() if isinstance(state, bytes) else (state or "closed")
        return CheckResult(name, state != "open", f"circuit {state}")

    return named(name, check)


def check_last_success(
    account: str,
    last_success: Callable[[str], float | None],
    *,
    max_silence_seconds: float = DEFAULT_MAX_SILENCE_SECONDS,
    now: Callable[[], float] = time.time,
) -> Check:
    """Unhealthy when the last 2xx from Mollie is older than `max_silence_seconds`. No call recorded
    yet (a fresh deploy) is healthy: the breaker check covers an outage."""
    name = f"mollie_api:{account}"

    def check() -> CheckResult:
        seen = last_success(account)
        if seen is None:
            return CheckResult(name, True, "no Mollie call recorded yet")
        age = now() - seen
        if age > max_silence_seconds:
            return CheckResult(name, False, f"last successful Mollie call {age:.0f}s ago")
        return CheckResult(name, True, f"last successful Mollie call {age:.0f}s ago")

    return named(name, check)


def last_success_from_metrics(account: str) -> float | None:
    """The newest `mollie_api_last_success_timestamp_seconds` of any process (see `exposition`)."""
    from .exposition import scrape_registry

    for family in scrape_registry().collect():
        if family.name != "mollie_api_last_success_timestamp_seconds":
            continue
        values = [s.value for s in family.samples if s.labels.get("account") == account]
        return max(values) if values else None
    return None


DEFAULT_MAX_BACKLOG_AGE_SECONDS = 600  # the every-minute retry sweep requeues within a minute or two


def check_webhook_backlog(
    waiting: Callable[[], tuple[int, float | None]],
    queue: str,
    queue_served: Callable[[], bool],
    *,
    max_age_seconds: float = DEFAULT_MAX_BACKLOG_AGE_SECONDS,
) -> Check:
    """Unhealthy when webhook deliveries wait and nothing drains them: no live worker serves `queue`,
    or the oldest waiting delivery is older than `max_age_seconds`. `waiting()` gives (count, age of
    the oldest in seconds)."""
    name = "webhook_backlog"

    def check() -> CheckResult:
        count, oldest = waiting()
        if count == 0:
            return CheckResult(name, True, "no webhook delivery waiting")
        if not queue_served():
            return CheckResult(name, False, f"{count} webhook deliveries waiting and no worker serves queue {queue}")
        if oldest is not None and oldest > max_age_seconds:
            return CheckResult(name, False, f"{count} webhook deliveries waiting, the oldest for {oldest:.0f}s: "
                                            f"the workers of queue {queue} are not draining it")
        return CheckResult(name, True, f"{count} webhook deliveries waiting, the oldest for {oldest or 0:.0f}s")

    return named(name, check)
