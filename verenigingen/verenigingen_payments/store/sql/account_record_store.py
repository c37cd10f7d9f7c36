"""`AccountRecordStore` on the local SQL store: an adopted account's customers, mandates and
settlement history, saved by Mollie id in batches (insert the new, update the changed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from decimal import Decimal

import sqlalchemy as sa

from ...core.models.money import Amount, amount_text
from ...store.account_records import (
    CUSTOMERS, MANDATES, SETTLEMENTS, CustomerRecord, MandateRecord, SettlementRecord,
)
from .retry import retry_on_lock_conflict
from .schema import ensure_schema
from .tables.accounts import mollie_customer, mollie_mandate, mollie_settlement

TABLES_MODULE = "verenigingen.verenigingen_payments.store.sql.tables.accounts"
BATCH = 500
_TABLES = {CUSTOMERS: (mollie_customer, "customer_id"), MANDATES: (mollie_mandate, "mandate_id"),
           SETTLEMENTS: (mollie_settlement, "settlement_id")}


def _settlement_row(record: SettlementRecord) -> dict:
    row = asdict(record)
    row.update(currency=record.amount.currency, amount=amount_text(record.amount))
    return row


class SqlAccountRecordStore:
    def __init__(self, engine: sa.Engine, *, create: bool = True) -> None:
        self.engine = engine
        if create:
            ensure_schema(engine, [TABLES_MODULE])

    def save_customers(self, records: Iterable[CustomerRecord]) -> int:
        return self._save(CUSTOMERS, [asdict(r) for r in records])

    def save_mandates(self, records: Iterable[MandateRecord]) -> int:
        return self._save(MANDATES, [asdict(r) for r in records])

    def save_settlements(self, records: Iterable[SettlementRecord]) -> int:
        return self._save(SETTLEMENTS, [_settlement_row(r) for r in records])

    def _save(self, kind: str, rows: list[dict]) -> int:
        table, key = _TABLES[kind]
        added = 0
        for start in range(0, len(rows), BATCH):
            added += retry_on_lock_conflict(lambda batch=rows[start:start + BATCH]: self._save_batch(table, key, batch))
        return added

    def _save_batch(self, table: sa.Table, key: str, rows: list[dict]) -> int:
        by_account: dict[str, list[dict]] = {}
        for row in rows:
            by_account.setdefault(row["account"], []).append(row)
        added = 0
        with self.engine.begin() as conn:
            for account, batch in by_account.items():
                held = {r._mapping[key]: dict(r._mapping) for r in conn.execute(sa.select(table).where(
                    table.c.account == account, table.c[key].in_([row[key] for row in batch])))}
                new = [row for row in batch if row[key] not in held]
                if new:
                    conn.execute(table.insert(), new)
                for row in batch:
                    old = held.get(row[key])
                    if old is not None and any(old[c] != v for c, v in row.items()):
                        conn.execute(table.update().where(table.c.account == account, table.c[key] == row[key])
                                     .values(row))
                added += len(new)
        return added

    def count(self, account: str, kind: str) -> int:
        table, _key = _TABLES[kind]
        with self.engine.connect() as conn:
            return int(conn.scalar(sa.select(sa.func.count()).select_from(table).where(table.c.account == account)))

    def mandates(self, account: str) -> list[MandateRecord]:
        with self.engine.connect() as conn:
            return [MandateRecord(**dict(r._mapping)) for r in conn.execute(
                sa.select(mollie_mandate).where(mollie_mandate.c.account == account)
                .order_by(mollie_mandate.c.mandate_id))]

    def settlements(self, account: str) -> list[SettlementRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(mollie_settlement).where(mollie_settlement.c.account == account)
                                .order_by(mollie_settlement.c.settlement_id)).all()
        return [SettlementRecord(r.account, r.settlement_id, r.reference, r.status,
                                 Amount(Decimal(r.amount), r.currency), r.created_at, r.settled_at) for r in rows]
