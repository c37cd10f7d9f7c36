"""Balance monitoring on the local SQL store: thresholds, alert state (dedupe) and cached forecasts."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from ...monitoring.alerts import AlertState
from ...monitoring.thresholds import BalanceThreshold
from .retry import retry_on_lock_conflict
from .schema import ensure_schema
from .tables.monitoring import balance_alert_state as st, balance_forecast as fc, balance_threshold as th

TABLES_MODULE = "verenigingen.verenigingen_payments.store.sql.tables.monitoring"


def _threshold(r: sa.Row) -> BalanceThreshold:
    return BalanceThreshold(
        threshold_id=r.threshold_id, settings_name=r.settings_name, kind=r.kind, amount=Decimal(r.amount),
        balance_id=r.balance_id, currency=r.currency, period_hours=r.period_hours, forecast_days=r.forecast_days,
        active=bool(r.active), recipients=tuple(json.loads(r.recipients)), cooldown_minutes=r.cooldown_minutes)


class SqlMonitoringStore:
    """Implements `ThresholdStore`, `AlertStateStore` and the forecast cache."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        ensure_schema(engine, [TABLES_MODULE])

    def _write(self, statement_fn) -> int:
        def work() -> int:
            with self._engine.begin() as conn:
                return statement_fn(conn)

        return retry_on_lock_conflict(work)

    # -- thresholds ---------------------------------------------------------------------------------
    def active_thresholds(self, settings_name: str) -> list[BalanceThreshold]:
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(th).where(th.c.settings_name == settings_name, th.c.active.is_(True))
                                .order_by(th.c.threshold_id)).all()
        return [_threshold(r) for r in rows]

    def save_threshold(self, t: BalanceThreshold) -> BalanceThreshold:
        values = {"settings_name": t.settings_name, "balance_id": t.balance_id, "currency": t.currency,
                  "kind": t.kind, "amount": f"{t.amount:f}", "period_hours": t.period_hours,
                  "forecast_days": t.forecast_days, "active": t.active, "recipients": json.dumps(list(t.recipients)),
                  "cooldown_minutes": t.cooldown_minutes}

        def upsert(conn) -> int:
            done = conn.execute(th.update().where(th.c.threshold_id == t.threshold_id).values(**values)).rowcount
            if not done:
                conn.execute(th.insert().values(threshold_id=t.threshold_id, **values))
            return 1

        self._write(upsert)
        return t

    def delete_threshold(self, threshold_id: str) -> None:
        self._write(lambda conn: conn.execute(th.delete().where(th.c.threshold_id == threshold_id)).rowcount)

    # -- alert state --------------------------------------------------------------------------------
    def get_state(self, account: str, condition_key: str) -> AlertState:
        with self._engine.connect() as conn:
            r = conn.execute(sa.select(st).where(st.c.account == account, st.c.condition_key == condition_key)
                             ).one_or_none()
        if r is None:
            return AlertState()
        return AlertState(bool(r.active), r.first_seen_at, r.last_notified_at, r.notified_count)

    def claim_notification(self, account: str, condition_key: str, expected_last: datetime | None,
                           now: datetime) -> bool:
        key = (st.c.account == account) & (st.c.condition_key == condition_key)
        same = st.c.last_notified_at.is_(None) if expected_last is None else st.c.last_notified_at == expected_last

        def claim() -> bool:
            with self._engine.begin() as conn:
                done = conn.execute(st.update().where(key, same).values(
                    active=True, last_notified_at=now, notified_count=st.c.notified_count + 1,
                    first_seen_at=sa.func.coalesce(st.c.first_seen_at, now))).rowcount
            if done or expected_last is not None:
                return bool(done)
            try:  # no row yet: whoever inserts it first has claimed it
                with self._engine.begin() as conn:
                    conn.execute(st.insert().values(account=account, condition_key=condition_key, active=True,
                                                    first_seen_at=now, last_notified_at=now, notified_count=1))
                return True
            except sa.exc.IntegrityError:
                return False

        return retry_on_lock_conflict(claim)

    def release_notification(self, account: str, condition_key: str, now: datetime,
                             previous: datetime | None) -> None:
        self._write(lambda conn: conn.execute(st.update().where(
            st.c.account == account, st.c.condition_key == condition_key, st.c.last_notified_at == now,
        ).values(last_notified_at=previous, notified_count=st.c.notified_count - 1)).rowcount)

    def mark_seen(self, account: str, condition_key: str, now: datetime) -> None:
        self._write(lambda conn: conn.execute(st.update().where(
            st.c.account == account, st.c.condition_key == condition_key, st.c.first_seen_at.is_(None),
        ).values(first_seen_at=now)).rowcount)

    def clear(self, account: str, condition_key: str) -> bool:
        return self._write(lambda conn: conn.execute(st.update().where(
            st.c.account == account, st.c.condition_key == condition_key, st.c.active.is_(True),
        ).values(active=False, first_seen_at=None)).rowcount) == 1

    def active_keys(self, account: str) -> list[str]:
        with self._engine.connect() as conn:
            return list(conn.scalars(sa.select(st.c.condition_key).where(st.c.account == account,
                                                                          st.c.active.is_(True))))

    # -- forecast cache -----------------------------------------------------------------------------
    def cached_forecast(self, account: str, balance_id: str) -> tuple[datetime, dict] | None:
        with self._engine.connect() as conn:
            r = conn.execute(sa.select(fc).where(fc.c.account == account, fc.c.balance_id == balance_id)).one_or_none()
        return None if r is None else (r.computed_at, json.loads(r.payload))

    def store_forecast(self, account: str, balance_id: str, computed_at: datetime, payload: dict) -> None:
        text = json.dumps(payload)

        def upsert() -> None:
            with self._engine.begin() as conn:
                done = conn.execute(fc.update().where(fc.c.account == account, fc.c.balance_id == balance_id)
                                    .values(computed_at=computed_at, payload=text)).rowcount
            if done:
                return
            try:
                with self._engine.begin() as conn:
                    conn.execute(fc.insert().values(account=account, balance_id=balance_id,
                                                    computed_at=computed_at, payload=text))
            except sa.exc.IntegrityError:
                pass  # a concurrent run stored its forecast of the same moment

        retry_on_lock_conflict(upsert)
