"""The finance dashboard's figures for one account, Decimal-exact as strings, cached briefly in Redis.

Where each figure comes from:

* balances per currency (available, pending) and the next settlement: live, through the clients;
  the next settlement's expected payout from the account's recent settlements (`next_payout`);
  no next settlement (Mollie answers 404) is `null`, not an error;
* volume (count, amount) and refunds of the last 30 / 90 days: the local payment ledger, paid
  payments by `paid_at` (refunds = amounts refunded on those payments); `null` until the ledger
  holds something (`ledger.synced`), so a ledger never synced does not read as zero volume;
* fees and fee rate: Mollie's balance report for the same days (fees are not on payment objects):
  fees = −(fee-prepayments), fee rate = fees / the report's payments total;
* chargebacks (30 / 90 days) and open disputes: the dispute cases;
* reconciliation: the newest run of the account, if the reconciliation store exists;
* subscriptions: counts by status, MRR, movements, failed-payment rate and dues of the current
  month from the local subscription store (`monitoring.subscription_figures`), if it exists.

Live parts that fail are reported under `errors` and the rest is still served. Windows are
Europe/Amsterdam days: "30d" is today and the 29 days before it.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, time, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal

from typing import Iterable, Protocol

from ..clients import BalancesClient, MollieConfig, SettlementsClient, resolve_config
from ..core.errors import MollieError, NotFoundError
from ..disputes.model import ACTIVE_STATUSES
from ..subscriptions.records import SubscriptionStore
from ..core.calendar import AMSTERDAM
from .next_payout import expected_payout
from .subscription_figures import subscription_figures

logger = logging.getLogger(__name__)
WINDOWS = {"30d": 30, "90d": 90}
DEFAULT_TTL = 60
LOCK_SECONDS = 15
RECENT_SETTLEMENTS = 10


def money(value: Decimal, currency: str) -> dict:
    return {"value": f"{value:f}", "currency": currency}


def _ratio(numerator: Decimal, denominator: Decimal) -> str | None:
    return None if not denominator else f"{(numerator / denominator).quantize(Decimal('0.0001'), ROUND_HALF_EVEN):f}"


def _sum_buckets(node: dict) -> Decimal:
    """Sum of every `amount.value` directly under a report category (pending, movedToAvailable …)."""
    total = Decimal(0)
    for bucket in (node or {}).values():
        if isinstance(bucket, dict) and isinstance(bucket.get("amount"), dict):
            total += Decimal(bucket["amount"]["value"])
    return total


class LocalFigures(Protocol):
    """What the dashboard reads from the local records (SQL store outside a site, DocTypes inside).
    Each returns None when the feature's records do not exist on this site."""

    def paid_payments_since(self, account: str, since: datetime
                            ) -> Iterable[tuple[str, Decimal, Decimal, datetime]] | None: ...

    def ledger_synced(self, account: str) -> bool | None: ...

    def chargebacks_since(self, account: str, since: datetime
                          ) -> Iterable[tuple[str, Decimal, datetime, str]] | None: ...

    def dispute_status_counts(self, account: str) -> dict[str, int] | None: ...

    def latest_reconciliation_run(self, account: str) -> dict | None: ...

    def subscription_store(self) -> SubscriptionStore | None: ...


class DashboardMetrics:
    def __init__(self, settings: str | MollieConfig, *, figures: LocalFigures | None = None, engine=None,
                 redis_url: str | None = None,
                 ttl: int = DEFAULT_TTL, key_prefix: str | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.config = resolve_config(settings)
        self.account = self.config.account
        if figures is None:
            from ..store.sql import create_store_engine
            from ..store.sql.dashboard_queries import SqlLocalFigures

            figures = SqlLocalFigures(engine if engine is not None else create_store_engine())
        self._figures = figures
        self._redis_url = redis_url or self.config.redis_url
        self._ttl = ttl
        self._prefix = key_prefix if key_prefix is not None else self.config.redis_key_prefix
        self._clock = clock

    # -- caching ------------------------------------------------------------------------------------
    def _redis(self):
        if not self._redis_url:
            return None
        import redis

        return redis.Redis.from_url(self._redis_url, socket_timeout=1, socket_connect_timeout=1)

    @property
    def cache_key(self) -> str:
        return f"{self._prefix}dashboard:{self.account}"

    def get(self) -> dict:
        """Fresh from cache if computed in the last `ttl` seconds; one worker recomputes at a time
        while the others serve the previous copy; computed directly when Redis is down."""
        client = self._redis()
        if client is None:
            return {**self.compute(), "cached": False}
        try:
            raw = client.get(self.cache_key)
            if raw is not None:
                return {**json.loads(raw), "cached": True}
            if not client.set(self.cache_key + ":lock", "1", nx=True, ex=LOCK_SECONDS):
                stale = client.get(self.cache_key + ":stale")
                if stale is not None:
                    return {**json.loads(stale), "cached": True, "stale": True}
        except Exception as exc:  # noqa: BLE001 - redis.RedisError and socket errors: serve uncached
            logger.warning("dashboard cache unavailable: %s", exc)
            return {**self.compute(), "cached": False}
        result = self.compute()
        try:
            text = json.dumps(result)
            client.set(self.cache_key, text, ex=self._ttl)
            client.set(self.cache_key + ":stale", text, ex=self._ttl * 10)
            client.delete(self.cache_key + ":lock")
        except Exception as exc:  # noqa: BLE001
            logger.warning("dashboard cache write failed: %s", exc)
        return {**result, "cached": False}

    def invalidate(self) -> None:
        client = self._redis()
        if client is not None:
            client.delete(self.cache_key, self.cache_key + ":stale")

    # -- figures ------------------------------------------------------------------------------------
    def compute(self) -> dict:
        now = self._clock()
        today = now.astimezone(AMSTERDAM).date()
        out = {"account": self.account, "generated_at": now.isoformat(), "errors": []}
        out["balances"], out["fees"] = self._live(today, out["errors"])
        out["next_settlement"] = self._next_settlement(now, out["errors"])
        starts = {name: datetime.combine(today - timedelta(days=days - 1), time(0), AMSTERDAM)
                  for name, days in WINDOWS.items()}
        synced = self._figures.ledger_synced(self.account)
        out["ledger"] = None if synced is None else {"synced": synced}
        out["volume"] = self._volume(starts) if synced else None
        for name, fees in out["fees"].items():
            for currency, fee in fees.items():
                fee["fee_rate"] = _ratio(Decimal(fee["fees"]["value"]), Decimal(fee["payments"]["value"]))
        out["chargebacks"] = self._chargebacks(starts)
        counts = self._figures.dispute_status_counts(self.account)
        out["disputes"] = None if counts is None else {
            "open": sum(n for s, n in counts.items() if s in ACTIVE_STATUSES), "by_status": counts}
        out["reconciliation"] = self._figures.latest_reconciliation_run(self.account)
        subscriptions = self._figures.subscription_store()
        out["subscriptions"] = None if subscriptions is None else subscription_figures(
            subscriptions, self.account, now, starts["30d"])
        return out

    def _live(self, today, errors: list) -> tuple[list | None, dict]:
        balances, fees = None, {}
        try:
            client = BalancesClient(self.config)
            listed = client.list_balances()
            balances = [{"balance_id": b.id, "currency": b.currency, "status": str(b.status.value),
                         "available": money(b.available_amount.value, b.currency),
                         "pending": money(b.pending_amount.value, b.currency)} for b in listed]
            for name, days in WINDOWS.items():
                fees[name] = {}
                for b in listed:
                    totals = client.get_report(b.id, today - timedelta(days=days - 1), today + timedelta(days=1)).totals
                    fees[name][b.currency] = {
                        "fees": money(-_sum_buckets(totals.get("fee-prepayments")), b.currency),
                        "payments": money(_sum_buckets(totals.get("payments")), b.currency)}
        except MollieError as exc:
            errors.append({"part": "balances", "error": type(exc).__name__, "message": str(exc)})
        return balances, fees

    def _next_settlement(self, now: datetime, errors: list) -> dict | None:
        try:
            client = SettlementsClient(self.config)
            s = client.get_next()
            expected = expected_payout(s, client.list_settlements(max_items=RECENT_SETTLEMENTS), now)
        except NotFoundError:
            return None
        except MollieError as exc:
            errors.append({"part": "next_settlement", "error": type(exc).__name__, "message": str(exc)})
            return None
        return {"id": s.id, "status": str(s.status.value), "amount": money(s.amount.value, s.amount.currency),
                "created_at": s.created_at.isoformat() if s.created_at else None,
                "expected_payout": expected.isoformat() if expected else None}

    def _volume(self, starts: dict[str, datetime]) -> dict | None:
        rows = self._figures.paid_payments_since(self.account, min(starts.values()))
        if rows is None:
            return None
        totals = {name: defaultdict(lambda: [0, Decimal(0), Decimal(0)]) for name in starts}
        for currency, amount, refunded, paid_at in rows:
            for name, start in starts.items():
                if paid_at >= start:
                    line = totals[name][currency]
                    line[0] += 1
                    line[1] += amount
                    line[2] += refunded
        return {name: {cur: {"count": n, "amount": money(a, cur), "refunds": money(r, cur)}
                       for cur, (n, a, r) in sorted(lines.items())} for name, lines in totals.items()}

    def _chargebacks(self, starts: dict[str, datetime]) -> dict | None:
        rows = self._figures.chargebacks_since(self.account, min(starts.values()))
        if rows is None:
            return None
        totals = {name: defaultdict(lambda: [0, Decimal(0)]) for name in starts}
        for currency, amount, created_at, _status in rows:
            for name, start in starts.items():
                if created_at >= start:
                    totals[name][currency][0] += 1
                    totals[name][currency][1] += amount
        return {name: {cur: {"count": n, "amount": money(a, cur)} for cur, (n, a) in sorted(lines.items())}
                for name, lines in totals.items()}
