"""The reconciliation engine's stores on DocTypes, so that inside a site it writes `Mollie Payment`
and `Mollie Reconciliation Run` (with its `Mollie Reconciliation Discrepancy` rows).

Same contract as the SQL stores (`store/sql/ledger_store.py`, `store/sql/reconciliation_store.py`):
a run is one record per account and period (named `<account>:<from>:<until>`, so a same-day rerun
reuses it), a discrepancy is one row per account and identity (found again by a later run, its row
moves to that run and keeps its resolution), a completed rerun drops the open rows it did not find
again. Rows are written with plain SQL inserts/updates (a backfill is thousands of payments), and,
outside tests, committed after every page, checkpoint and batch of findings so an interrupted run
resumes. Money is exact: Currency columns are DECIMAL(21,9); optional amounts are exact decimal text
so "unknown" stays distinct from zero. Datetimes are stored naive in the site's time zone.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable, Iterator

import frappe
from frappe.utils import now_datetime

from verenigingen.verenigingen_payments.core.models.money import Amount, amount_text, currency_quantum
from verenigingen.verenigingen_payments.frappe_integration.common.site_time import (
    from_site_value,
    to_site_naive,
)
from verenigingen.verenigingen_payments.store.ledger import UNPLACED_STATUSES, LedgerPayment, SyncCursor
from verenigingen.verenigingen_payments.store.reconciliation_runs import (
    COMPLETED,
    FAILED,
    OPEN,
    RESOLVED,
    RUNNING,
    RunRecord,
    StoredDiscrepancy,
)

PAYMENT = "Mollie Payment"
RUN = "Mollie Reconciliation Run"
DISCREPANCY = "Mollie Reconciliation Discrepancy"
SYNC_CURSOR_KEY = "mollie_payment_sync::{account}"
_CHUNK = 500
_PAYMENT_FIELDS = (
    "account", "payment_id", "currency", "amount", "status", "method", "sequence_type", "customer_id",
    "member_reference", "subscription_id", "mandate_id", "created_at", "paid_at", "amount_refunded",
    "amount_charged_back", "amount_captured", "settlement_id", "settlement_currency", "settlement_amount", "fees", "synced_at",
)
_META = ("name", "creation", "modified", "owner", "modified_by", "docstatus", "idx")


def payment_name(account: str, payment_id: str) -> str:
    return f"{account}:{payment_id}"


def run_name(account: str, period_from: date, period_until: date) -> str:
    return f"{account}:{period_from.isoformat()}:{period_until.isoformat()}"


def exact(value: Any, currency: str) -> Decimal:
    """A DECIMAL(21,9) column (read as text: Frappe's driver turns DECIMAL into float) at the
    currency's own precision when that loses nothing."""
    if isinstance(value, float):
        raise TypeError("money must not pass through float; select DECIMAL columns as text")
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    short = number.quantize(currency_quantum(currency))
    return short if short == number else number.normalize()





def _amount(value: str | None, currency: str | None) -> Amount | None:
    return None if value in (None, "") or not currency else Amount(Decimal(value), currency)


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))


class FrappeStoreBase:
    def __init__(self, *, commit: bool | None = None) -> None:
        self._commit = (not frappe.flags.in_test) if commit is None else commit

    def _done(self) -> None:
        if self._commit:
            frappe.db.commit()


class FrappePaymentLedger(FrappeStoreBase):
    """`PaymentLedger` on the `Mollie Payment` DocType; the sync cursor lives in Frappe's globals."""

    def upsert_payments(self, account: str, payments: Iterable[LedgerPayment]) -> int:
        now = now_datetime()
        rows = {p.id: self._row(account, p, now) for p in payments}
        if not rows:
            return 0
        names = [payment_name(account, pid) for pid in rows]
        existing = set(frappe.db.sql(f"select name from `tab{PAYMENT}` where name in ({_placeholders(names)})",
                                     names, pluck=True))
        fresh = [(payment_name(account, pid), now, now, "Administrator", "Administrator", 0, 0,
                  *(row[f] for f in _PAYMENT_FIELDS)) for pid, row in rows.items()
                 if payment_name(account, pid) not in existing]
        if fresh:
            frappe.db.bulk_insert(PAYMENT, [*_META, *_PAYMENT_FIELDS], fresh)
        settable = [f for f in _PAYMENT_FIELDS if f not in ("account", "payment_id")]
        assignments = ", ".join(f"`{f}`=%s" for f in settable)
        for pid, row in rows.items():
            name = payment_name(account, pid)
            if name in existing:
                frappe.db.sql(f"update `tab{PAYMENT}` set {assignments}, modified=%s where name=%s",
                              [*(row[f] for f in settable), now, name])
        self._done()
        return len(rows)

    @staticmethod
    def _row(account: str, p: LedgerPayment, now: datetime) -> dict:
        return {
            "account": account, "payment_id": p.id, "currency": p.amount.currency, "amount": p.amount.value,
            "status": p.status, "method": p.method, "sequence_type": p.sequence_type, "customer_id": p.customer_id,
            "member_reference": p.member_reference, "subscription_id": p.subscription_id,
            "mandate_id": p.mandate_id, "created_at": to_site_naive(p.created_at), "paid_at": to_site_naive(p.paid_at),
            "amount_refunded": amount_text(p.amount_refunded), "amount_charged_back": amount_text(p.amount_charged_back),
            "amount_captured": amount_text(p.amount_captured), "settlement_id": p.settlement_id,
            "settlement_currency": p.settlement_amount.currency if p.settlement_amount else (
                p.fees.currency if p.fees else None),
            "settlement_amount": amount_text(p.settlement_amount), "fees": amount_text(p.fees), "synced_at": now,
        }

    @staticmethod
    def _payment(r: dict) -> LedgerPayment:
        currency = r["currency"]
        return LedgerPayment(
            id=r["payment_id"], amount=Amount(exact(r["amount_text"], currency), currency), status=r["status"],
            created_at=from_site_value(r["created_at"]), method=r["method"], sequence_type=r["sequence_type"],
            customer_id=r["customer_id"], member_reference=r["member_reference"],
            subscription_id=r["subscription_id"], mandate_id=r["mandate_id"], paid_at=from_site_value(r["paid_at"]),
            amount_refunded=_amount(r["amount_refunded"], currency),
            amount_charged_back=_amount(r["amount_charged_back"], currency),
            amount_captured=_amount(r["amount_captured"], currency), settlement_id=r["settlement_id"],
            settlement_amount=_amount(r["settlement_amount"], r["settlement_currency"]),
            fees=_amount(r["fees"], r["settlement_currency"] or currency), settled_in=r["settled_in"],
        )

    def _select(self, where: str, values: list, tail: str = "") -> list[dict]:
        return frappe.db.sql(f"select *, cast(amount as char) as amount_text from `tab{PAYMENT}` where {where} {tail}",
                             values, as_dict=True)

    def get_payments(self, account: str, ids: Iterable[str]) -> dict[str, LedgerPayment]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, LedgerPayment] = {}
        for i in range(0, len(wanted), _CHUNK):
            names = [payment_name(account, pid) for pid in wanted[i:i + _CHUNK]]
            for r in self._select(f"name in ({_placeholders(names)})", names):
                found[r["payment_id"]] = self._payment(r)
        return found

    def mark_settled_in(self, account: str, settlement_id: str, payment_ids: Iterable[str]) -> None:
        ids = list(payment_ids)
        for i in range(0, len(ids), _CHUNK):
            names = [payment_name(account, pid) for pid in ids[i:i + _CHUNK]]
            frappe.db.sql(f"update `tab{PAYMENT}` set settled_in=%s where name in ({_placeholders(names)})",
                          [settlement_id, *names])
        if ids:
            self._done()

    def _stream(self, where: str, values: list) -> Iterator[LedgerPayment]:
        last = ""
        while True:
            rows = self._select(f"{where} and payment_id > %s", [*values, last], f"order by payment_id limit {_CHUNK}")
            yield from (self._payment(r) for r in rows)
            if len(rows) < _CHUNK:
                return
            last = rows[-1]["payment_id"]

    def placement(self, account: str, ids: Iterable[str]) -> dict[str, bool]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, bool] = {}
        for i in range(0, len(wanted), _CHUNK):
            names = [payment_name(account, pid) for pid in wanted[i:i + _CHUNK]]
            for pid, status, settlement, settled_in in frappe.db.sql(
                    f"select payment_id, status, settlement_id, settled_in from `tab{PAYMENT}` "
                    f"where name in ({_placeholders(names)})", names):
                found[pid] = bool(status not in UNPLACED_STATUSES or settlement or settled_in)
        return found

    def iter_claimed_by_settlement(self, account: str, settlement_id: str, *, unplaced_only: bool = False
                                   ) -> Iterator[LedgerPayment]:
        where = "account=%s and settlement_id=%s"
        if unplaced_only:
            where += " and ifnull(settled_in, '')!=%s"
            return self._stream(where, [account, settlement_id, settlement_id])
        return self._stream(where, [account, settlement_id])

    def iter_unsettled_paid(self, account: str, paid_from: datetime | None, paid_before: datetime
                            ) -> Iterator[LedgerPayment]:
        where = ("account=%s and status='paid' and ifnull(settlement_id, '')='' and ifnull(settled_in, '')='' "
                 "and paid_at < %s")
        values: list = [account, to_site_naive(paid_before)]
        if paid_from is not None:
            where += " and paid_at >= %s"
            values.append(to_site_naive(paid_from))
        return self._stream(where, values)

    def count(self, account: str) -> int:
        return frappe.db.count(PAYMENT, {"account": account})

    def get_sync_cursor(self, account: str) -> SyncCursor:
        raw = frappe.db.get_global(SYNC_CURSOR_KEY.format(account=account))
        if not raw:
            return SyncCursor()
        data = json.loads(raw)
        moments = {k: datetime.fromisoformat(data[k]) if data.get(k) else None
                   for k in ("since", "started_at", "completed_at")}
        return SyncCursor(data.get("next_from"), synced=int(data.get("synced") or 0), **moments)

    def save_sync_cursor(self, account: str, cursor: SyncCursor) -> None:
        data = {"next_from": cursor.next_from, "synced": cursor.synced,
                **{k: getattr(cursor, k).isoformat() if getattr(cursor, k) else None
                   for k in ("since", "started_at", "completed_at")}}
        frappe.db.set_global(SYNC_CURSOR_KEY.format(account=account), _dumps(data))
        self._done()


class FrappeReconciliationStore(FrappeStoreBase):
    """`ReconciliationStore` on `Mollie Reconciliation Run` and its discrepancy rows."""

    def start_run(self, account: str, period_from: date, period_until: date, now: datetime) -> RunRecord:
        name = run_name(account, period_from, period_until)
        row = self._locked(name)
        if row is None:
            doc = frappe.new_doc(RUN)
            doc.update({"account": account, "period_from": period_from, "period_until": period_until,
                        "status": RUNNING, "started_at": to_site_naive(now)})
            doc.name = name
            try:
                doc.db_insert()
            except frappe.DuplicateEntryError:  # another worker created it a moment ago
                frappe.db.rollback()
                return self.start_run(account, period_from, period_until, now)
        elif row.status == RUNNING or (row.status == FAILED and row.checkpoint):
            self._set(name, status=RUNNING, error=None)
        else:
            self._set(name, status=RUNNING, started_at=to_site_naive(now), finished_at=None, duration_ms=0, checkpoint=None,
                      error=None, settlements_checked=0, transactions_checked=0, discrepancy_count=0)
        self._done()
        return self.get_run(name)

    @staticmethod
    def _locked(name: str):
        rows = frappe.db.sql(f"select status, checkpoint from `tab{RUN}` where name=%s for update", name, as_dict=True)
        return rows[0] if rows else None

    @staticmethod
    def _set(name: str, **values) -> None:
        frappe.db.set_value(RUN, name, values, update_modified=True)

    def save_checkpoint(self, run_id: str, checkpoint: dict[str, Any]) -> None:
        frappe.db.set_value(RUN, run_id, "checkpoint", _dumps(checkpoint), update_modified=False)
        self._done()

    def record_discrepancies(self, account: str, run_id: str, discrepancies: Iterable[Any], now: datetime) -> int:
        items = list({x.identity: x for x in discrepancies}.values())
        for i in range(0, len(items), _CHUNK):
            self._upsert(account, run_id, items[i:i + _CHUNK], to_site_naive(now))
        self._done()
        return len(items)

    def _upsert(self, account: str, run_id: str, chunk: list[Any], now: datetime) -> None:
        identities = [x.identity for x in chunk]
        existing = {r.identity: r for r in frappe.db.sql(
            f"""select d.name, d.identity, d.parent from `tab{DISCREPANCY}` d join `tab{RUN}` r on r.name=d.parent
                where r.account=%s and d.identity in ({_placeholders(identities)})""",
            [account, *identities], as_dict=True)}
        idx = frappe.db.sql(f"select coalesce(max(idx), 0) from `tab{DISCREPANCY}` where parent=%s", run_id)[0][0]
        for x in chunk:
            data = x.to_dict()
            values = {
                "kind": data["kind"], "currency": data["amount"]["currency"], "amount": Decimal(data["amount"]["value"]),
                "scope": data["scope"][:200], "ids": _dumps(data["ids"]), "evidence": _dumps(data["evidence"]),
                "suggested_action": data["suggested_action"], "last_seen_at": now,
            }
            found = existing.get(x.identity)
            if found is not None:
                if found.parent != run_id:  # the latest run that saw it holds it, resolution and all
                    idx += 1
                    values.update(parent=run_id, idx=idx)
                frappe.db.set_value(DISCREPANCY, found.name, values, update_modified=False)
                continue
            idx += 1
            row = frappe.new_doc(DISCREPANCY)
            row.update({**values, "identity": x.identity, "resolved": 0, "first_seen_at": now, "parent": run_id,
                        "parenttype": RUN, "parentfield": "discrepancies", "idx": idx})
            row.db_insert()

    def finish_run(self, run_id: str, status: str, now: datetime, *, settlements_checked: int = 0,
                   transactions_checked: int = 0, totals: dict[str, Any] | None = None,
                   error: str | None = None) -> RunRecord:
        run = frappe.db.get_value(RUN, run_id, ["started_at", "checkpoint"], as_dict=True, for_update=True)
        if status == COMPLETED:
            frappe.db.sql(f"delete from `tab{DISCREPANCY}` where parent=%s and resolved=0 and last_seen_at < %s",
                          (run_id, run.started_at))
        count, still_open = self._counts(run_id)
        finished = to_site_naive(now)
        self._set(run_id, status=status, finished_at=finished,
                  duration_ms=int((finished - frappe.utils.get_datetime(run.started_at)).total_seconds() * 1000),
                  settlements_checked=settlements_checked, transactions_checked=transactions_checked,
                  discrepancy_count=count, open_discrepancy_count=still_open, totals=_dumps(totals or {}),
                  error=error, checkpoint=None if status == COMPLETED else run.checkpoint)
        self._done()
        return self.get_run(run_id)

    @staticmethod
    def _counts(run_id: str) -> tuple[int, int]:
        total, still_open = frappe.db.sql(
            f"select count(*), coalesce(sum(resolved=0), 0) from `tab{DISCREPANCY}` where parent=%s", run_id)[0]
        return int(total), int(still_open)

    def get_run(self, run_id: str) -> RunRecord | None:
        rows = frappe.db.sql(f"select * from `tab{RUN}` where name=%s", run_id, as_dict=True)
        return _run(rows[0]) if rows else None

    def list_runs(self, account: str | None = None, limit: int = 50) -> list[RunRecord]:
        where, values = ("where account=%s", [account]) if account is not None else ("", [])
        rows = frappe.db.sql(f"select * from `tab{RUN}` {where} order by started_at desc limit %s",
                             [*values, int(limit)], as_dict=True)
        return [_run(r) for r in rows]

    def list_discrepancies(self, account: str, *, run_id: str | None = None, status: str | None = None,
                           kind: str | None = None) -> list[StoredDiscrepancy]:
        where, values = ["r.account=%s"], [account]
        for clause, value in (("d.parent=%s", run_id), ("d.kind=%s", kind),
                              ("d.resolved=%s", None if status is None else int(status == RESOLVED))):
            if value is not None:
                where.append(clause)
                values.append(value)
        rows = frappe.db.sql(
            f"""select d.*, cast(d.amount as char) as amount_text, r.account from `tab{DISCREPANCY}` d join `tab{RUN}` r on r.name=d.parent
                where {' and '.join(where)} order by d.kind, d.scope, d.identity""", values, as_dict=True)
        return [_discrepancy(r) for r in rows]

    def resolve(self, account: str, identity: str, resolved_by: str, note: str, now: datetime) -> StoredDiscrepancy:
        if not note or not note.strip():
            raise ValueError("resolving a discrepancy needs a note saying why")
        found = self.list_discrepancies(account, status=None)
        row = next((d for d in found if d.identity == identity), None)
        if row is None:
            raise KeyError(f"no discrepancy {identity} for account {account}")
        name = frappe.db.get_value(DISCREPANCY, {"parent": row.run_id, "identity": identity})
        frappe.db.set_value(DISCREPANCY, name, {"resolved": 1, "resolved_by": resolved_by, "resolved_at": to_site_naive(now),
                                                "resolution_note": note.strip()}, update_modified=False)
        frappe.db.set_value(RUN, row.run_id, "open_discrepancy_count", self._counts(row.run_id)[1])
        self._done()
        return next(d for d in self.list_discrepancies(account, run_id=row.run_id) if d.identity == identity)


def _run(r: dict) -> RunRecord:
    return RunRecord(
        r["name"], r["account"], frappe.utils.getdate(r["period_from"]), frappe.utils.getdate(r["period_until"]),
        r["status"], from_site_value(r["started_at"]), from_site_value(r["finished_at"]), r["duration_ms"],
        int(r["settlements_checked"] or 0), int(r["transactions_checked"] or 0), int(r["discrepancy_count"] or 0),
        json.loads(r["totals"] or "{}"), json.loads(r["checkpoint"] or "{}"), r["error"],
    )


def _discrepancy(r: dict) -> StoredDiscrepancy:
    return StoredDiscrepancy(
        r["account"], r["identity"], r["parent"], r["kind"], f"{exact(r['amount_text'], r['currency']):f}", r["currency"],
        r["scope"], tuple(json.loads(r["ids"] or "[]")), json.loads(r["evidence"] or "{}"), r["suggested_action"],
        RESOLVED if r["resolved"] else OPEN, from_site_value(r["first_seen_at"]), from_site_value(r["last_seen_at"]),
        r["resolved_by"], from_site_value(r["resolved_at"]), r["resolution_note"],
    )


def frappe_stores(*, commit: bool | None = None):
    """`ReconciliationStores` for the engine inside a site."""
    from verenigingen.verenigingen_payments.workflows.reconciliation_engine import ReconciliationStores

    return ReconciliationStores(FrappePaymentLedger(commit=commit), FrappeReconciliationStore(commit=commit))
