"""`SubscriptionStore` on DocTypes, so the subscription service inside a site keeps its records where
finance staff see them: Mollie Subscription (the record), Mollie Subscription Payment (revenue rows by
payment id), Mollie Subscription Event (counted lifecycle facts), Mollie Subscription Drift and
Mollie Subscription Sync (the resumable checkpoint).

`SubscriptionService.for_account` loads `site_stores()` by its dotted name when a site is bound.

- Names are derived from the keys (see the controllers), so a doubled write finds the same row.
- Money: Currency columns are DECIMAL(21,9); they are read back as exact text (`CAST … AS CHAR`,
  never through Frappe's float conversion) and only written when exactly representable there.
- Times are stored as the site's wall-clock time (what the desk shows) and read back as aware UTC.
- With `commit=True` every write is committed at once, as the SQL store does, so an interrupted
  sync or enrolment resumes from its last step (Mollie calls already made are never forgotten).
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import fields
from datetime import datetime
from decimal import Decimal

import frappe

from verenigingen.verenigingen_payments.core.models.money import Amount, currency_quantum
from verenigingen.verenigingen_payments.doctype.mollie_subscription.mollie_subscription import record_name
from verenigingen.verenigingen_payments.doctype.mollie_subscription_drift.mollie_subscription_drift import (
    drift_name,
)
from verenigingen.verenigingen_payments.doctype.mollie_subscription_event.mollie_subscription_event import (
    event_name,
)
from verenigingen.verenigingen_payments.doctype.mollie_subscription_payment.mollie_subscription_payment import (
    payment_name,
)
from verenigingen.verenigingen_payments.frappe_integration.common.site_time import (
    from_site_time,
    to_site_time,
)
from verenigingen.verenigingen_payments.subscriptions.records import (
    DriftReport,
    SubscriptionEvent,
    SubscriptionPayment,
    SubscriptionRecord,
    SyncCheckpoint,
)

RECORD = "Mollie Subscription"
PAYMENT = "Mollie Subscription Payment"
EVENT = "Mollie Subscription Event"
DRIFT = "Mollie Subscription Drift"
SYNC = "Mollie Subscription Sync"

FRAPPE_LEDGER = "verenigingen.verenigingen_payments.frappe_integration.reconciliation.stores"
LEDGER_DOCTYPE = "Mollie Payment"
STORE_URL_KEY = "verenigingen_store_url"

_DB_QUANTUM, _DB_LIMIT = Decimal("1e-9"), Decimal("1e12")  # Currency columns are DECIMAL(21,9)
_RECORD_FIELDS = [f.name for f in fields(SubscriptionRecord) if f.name != "amount"]
_TEXT_FIELDS = {
    "customer_id",
    "mandate_id",
    "mandate_via",
    "first_payment_id",
    "subscription_id",
    "mollie_status",
    "suspension_reason",
    "last_payment_id",
    "last_payment_status",
}


def _to_db(value):
    if isinstance(value, datetime):
        return to_site_time(value)[0]
    if isinstance(value, bool):
        return int(value)
    return value


def _from_db(value):
    return from_site_time(value, 0) if isinstance(value, datetime) else value


def _money(amount: Amount | None) -> Decimal:
    """The value for a Currency column, refused rather than rounded when the column cannot hold it.
    Currency columns are NOT NULL: no amount is 0, which every reader treats as none."""
    if amount is None:
        return Decimal(0)
    value = amount.value
    if abs(value) >= _DB_LIMIT or value != value.quantize(_DB_QUANTUM):
        raise ValueError(f"amount: {amount} does not fit a Currency column exactly")
    return amount.value


def _amount(text: str | None, currency: str) -> Amount | None:
    if text in (None, ""):
        return None
    value = Decimal(text)
    return Amount(value.quantize(currency_quantum(currency)), currency)


def _row_values(
    doctype: str, where: str, values: dict, order: str = "", casts: Iterable[str] = ()
) -> list[dict]:
    cast_sql = "".join(f", cast(`{c}` as char) as `{c}_text`" for c in casts)
    return frappe.db.sql(
        f"select *{cast_sql} from `tab{doctype}` where {where} {order}", values, as_dict=True
    )


def _record(row: dict) -> SubscriptionRecord:
    values = {name: _from_db(row.get(name)) for name in _RECORD_FIELDS}
    for name in _TEXT_FIELDS:
        values[name] = values[name] or None
    values["term"] = int(values["term"])
    values["failed_payment_count"] = int(values["failed_payment_count"] or 0)
    values["cancel_at_period_end"] = bool(values["cancel_at_period_end"])
    return SubscriptionRecord(amount=_amount(row["amount_text"], row["currency"]), **values)


class FrappeSubscriptionStore:
    """The subscriptions package's `SubscriptionStore` protocol on the site's DocTypes."""

    def __init__(self, *, commit: bool = False) -> None:
        self._commit = commit

    def _done(self) -> None:
        if self._commit:
            frappe.db.commit()

    def _upsert(self, doctype: str, name: str, values: dict) -> None:
        values = {k: _to_db(v) for k, v in values.items()}
        if frappe.db.exists(doctype, name):
            frappe.db.set_value(doctype, name, values)
        else:
            doc = frappe.get_doc({"doctype": doctype, **values})
            doc.name = name
            doc.flags.ignore_links = (
                True  # the key names the parent; the account is checked when it is enrolled
            )
            doc.insert(ignore_permissions=True)
        self._done()

    # records
    def _one(self, where: str, values: dict, order: str = "") -> SubscriptionRecord | None:
        rows = _row_values(RECORD, where, values, order + " limit 1", casts=("amount",))
        return _record(rows[0]) if rows else None

    def get(self, account: str, member_reference: str, term: int) -> SubscriptionRecord | None:
        return self._one("name=%(name)s", {"name": record_name(account, member_reference, term)})

    def current(self, account: str, member_reference: str) -> SubscriptionRecord | None:
        return self._one(
            "account=%(a)s and member_reference=%(m)s",
            {"a": account, "m": member_reference},
            "order by term desc",
        )

    def by_subscription_id(self, account: str, subscription_id: str) -> SubscriptionRecord | None:
        return self._one("account=%(a)s and subscription_id=%(s)s", {"a": account, "s": subscription_id})

    def by_first_payment_id(self, account: str, payment_id: str) -> SubscriptionRecord | None:
        return self._one("account=%(a)s and first_payment_id=%(p)s", {"a": account, "p": payment_id})

    def save(self, record: SubscriptionRecord) -> None:
        values = {name: getattr(record, name) for name in _RECORD_FIELDS}
        values.update(amount=_money(record.amount), currency=record.amount.currency)
        self._upsert(RECORD, record_name(record.account, record.member_reference, record.term), values)

    def iter_records(
        self, account: str | None = None, statuses: Iterable[str] | None = None
    ) -> Iterator[SubscriptionRecord]:
        clauses, values = ["1=1"], {}
        if account is not None:
            clauses.append("account=%(a)s")
            values["a"] = account
        if statuses is not None:
            values["st"] = tuple(statuses) or ("",)
            clauses.append("status in %(st)s")
        rows = _row_values(
            RECORD,
            " and ".join(clauses),
            values,
            "order by account, member_reference, term",
            casts=("amount",),
        )
        return iter([_record(r) for r in rows])

    # events
    def record_event(self, event: SubscriptionEvent) -> bool:
        name = event_name(event.account, event.event_key)
        if frappe.db.exists(EVENT, name):
            return False
        doc = frappe.get_doc(
            {
                "doctype": EVENT,
                "account": event.account,
                "member_reference": event.member_reference,
                "term": event.term,
                "kind": event.kind,
                "at": _to_db(event.at),
                "event_key": event.event_key,
                "subscription": record_name(event.account, event.member_reference, event.term),
                "details": json.dumps(event.details, sort_keys=True, default=str),
            }
        )
        doc.name = name
        doc.flags.ignore_links = True
        try:
            doc.insert(ignore_permissions=True)
        except frappe.DuplicateEntryError:  # another worker recorded the same fact first
            return False
        self._done()
        return True

    def has_event(self, account: str, event_key: str) -> bool:
        return bool(frappe.db.exists(EVENT, event_name(account, event_key)))

    def iter_events(self, account: str) -> Iterator[SubscriptionEvent]:
        rows = _row_values(EVENT, "account=%(a)s", {"a": account}, "order by at, name")
        return iter(
            [
                SubscriptionEvent(
                    r.account,
                    r.member_reference,
                    int(r.term),
                    r.kind,
                    _from_db(r.at),
                    r.event_key,
                    json.loads(r.details or "{}"),
                )
                for r in rows
            ]
        )

    # payments
    def upsert_payment(self, payment: SubscriptionPayment) -> None:
        self._upsert(
            PAYMENT,
            payment_name(payment.account, payment.payment_id),
            {
                "account": payment.account,
                "payment_id": payment.payment_id,
                "subscription_id": payment.subscription_id,
                "member_reference": payment.member_reference,
                "subscription": record_name(payment.account, payment.member_reference, payment.term),
                "term": payment.term,
                "amount": _money(payment.amount),
                "currency": payment.amount.currency,
                "status": payment.status,
                "due_date": payment.due_date,
                "created_at": payment.created_at,
                "paid_at": payment.paid_at,
                "amount_charged_back": _money(payment.amount_charged_back),
                "amount_refunded": _money(payment.amount_refunded),
                "sequence_type": payment.sequence_type,
            },
        )

    def iter_payments(self, account: str) -> Iterator[SubscriptionPayment]:
        rows = _row_values(
            PAYMENT,
            "account=%(a)s",
            {"a": account},
            "order by due_date, name",
            casts=("amount", "amount_charged_back", "amount_refunded"),
        )
        return iter(
            [
                SubscriptionPayment(
                    r.account,
                    r.payment_id,
                    r.subscription_id or None,
                    r.member_reference,
                    int(r.term),
                    _amount(r.amount_text, r.currency),
                    r.status,
                    r.due_date,
                    _from_db(r.created_at),
                    _from_db(r.paid_at),
                    _amount(r.amount_charged_back_text if r.amount_charged_back else None, r.currency),
                    _amount(r.amount_refunded_text if r.amount_refunded else None, r.currency),
                    r.sequence_type or None,
                )
                for r in rows
            ]
        )

    # drift
    def record_drift(self, report: DriftReport, now: datetime) -> None:
        name = drift_name(report.account, report.subscription_id, report.field)
        row = frappe.db.get_value(DRIFT, name, ["status", "local_value", "mollie_value"], as_dict=True)
        values = {
            "local_value": report.local_value,
            "mollie_value": report.mollie_value,
            "member_reference": report.member_reference,
            "term": report.term,
            "last_seen_at": now,
        }
        if row is None:
            self._upsert(
                DRIFT,
                name,
                {
                    "account": report.account,
                    "subscription_id": report.subscription_id,
                    "drift_field": report.field,
                    "subscription": record_name(report.account, report.member_reference, report.term),
                    "status": "open",
                    "first_seen_at": now,
                    **values,
                },
            )
        elif row.status == "open" or ((row.local_value or None), (row.mollie_value or None)) != (
            report.local_value,
            report.mollie_value,
        ):
            self._upsert(DRIFT, name, {"status": "open", "resolution": None, **values})

    def open_drift(self, account: str) -> list[DriftReport]:
        rows = _row_values(
            DRIFT, "account=%(a)s and status='open'", {"a": account}, "order by subscription_id, drift_field"
        )
        return [_drift(r) for r in rows]

    def resolve_drift(
        self, account: str, subscription_id: str, field: str, resolution: str, now: datetime
    ) -> None:
        name = drift_name(account, subscription_id, field)
        if frappe.db.exists(DRIFT, name):
            self._upsert(DRIFT, name, {"status": "resolved", "resolution": resolution, "last_seen_at": now})

    # checkpoint
    def get_checkpoint(self, account: str) -> SyncCheckpoint:
        row = frappe.db.get_value(
            SYNC, account, ["next_from", "started_at", "completed_at", "processed"], as_dict=True
        )
        if row is None:
            return SyncCheckpoint()
        return SyncCheckpoint(
            row.next_from or None,
            _from_db(row.started_at),
            _from_db(row.completed_at),
            int(row.processed or 0),
        )

    def save_checkpoint(self, account: str, checkpoint: SyncCheckpoint) -> None:
        self._upsert(
            SYNC,
            account,
            {
                "account": account,
                "next_from": checkpoint.next_from,
                "started_at": checkpoint.started_at,
                "completed_at": checkpoint.completed_at,
                "processed": checkpoint.processed,
            },
        )


def _drift(r: dict) -> DriftReport:
    return DriftReport(
        r.account,
        r.subscription_id,
        r.drift_field,
        r.local_value or None,
        r.mollie_value or None,
        r.member_reference,
        int(r.term),
        r.status,
        _from_db(r.first_seen_at),
        _from_db(r.last_seen_at),
        r.resolution or None,
    )


def site_payment_ledger(*, commit: bool):
    """The payment ledger of this site: the `Mollie Payment` DocType's (reconciliation's Frappe stores)
    when the app has it, else the local SQL store named by site_config `verenigingen_store_url`
    (default: a SQLite file in the site's private folder), so payments are never dropped."""
    try:
        module = importlib.import_module(FRAPPE_LEDGER)
    except ModuleNotFoundError as exc:
        if exc.name != FRAPPE_LEDGER:
            raise
    else:
        if frappe.db.table_exists(LEDGER_DOCTYPE):
            return module.FrappePaymentLedger(commit=commit)
    from verenigingen.verenigingen_payments.store.sql import open_store_engine
    from verenigingen.verenigingen_payments.store.sql.ledger_store import SqlPaymentLedger

    default = os.path.abspath(frappe.get_site_path("private", "verenigingen.sqlite3"))
    return SqlPaymentLedger(open_store_engine(frappe.conf.get(STORE_URL_KEY) or f"sqlite:///{default}"))


def site_stores(*, commit: bool | None = None):
    """(store, ledger) for the bound site; writes commit at once except under `bench run-tests`."""
    commit = not frappe.flags.in_test if commit is None else commit
    return FrappeSubscriptionStore(commit=commit), site_payment_ledger(commit=commit)
