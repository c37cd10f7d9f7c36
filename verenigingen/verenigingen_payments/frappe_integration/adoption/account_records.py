"""`AccountRecordStore` on the Mollie Customer, Mollie Mandate and Mollie Settlement DocTypes (same
contract as `store.sql.account_record_store`): records named `<account>:<Mollie id>`, written with
plain SQL in batches (an account has thousands of customers), new ones inserted and held ones updated.
Datetimes are stored naive in the site's time zone; amounts are exact (Currency is DECIMAL(21,9))."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

import frappe
from frappe.utils import now_datetime

from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.frappe_integration.common.site_time import from_site_value, to_site_naive
from verenigingen.verenigingen_payments.frappe_integration.reconciliation.stores import exact
from verenigingen.verenigingen_payments.store.account_records import (
    CUSTOMERS, MANDATES, SETTLEMENTS, CustomerRecord, MandateRecord, SettlementRecord,
)

DOCTYPES = {CUSTOMERS: ("Mollie Customer", "customer_id"), MANDATES: ("Mollie Mandate", "mandate_id"),
            SETTLEMENTS: ("Mollie Settlement", "settlement_id")}
_META = ("name", "creation", "modified", "owner", "modified_by", "docstatus", "idx")
_CHUNK = 500
#: what Mollie (or the register) may change after a record was first written; a held record is updated
#: only where one of these differs
CHANGEABLE = {CUSTOMERS: ("member_reference", "matched_by"), MANDATES: ("status",),
              SETTLEMENTS: ("status", "reference", "settled_at")}


def _site_row(record) -> dict:
    row = {k: to_site_naive(v) if k in ("created_at", "settled_at") else v for k, v in asdict(record).items()}
    if isinstance(record, SettlementRecord):
        row.update(amount=record.amount.value, currency=record.amount.currency)
    return row


class FrappeAccountRecordStore:
    def __init__(self, *, commit: bool | None = None) -> None:
        self._commit = (not frappe.flags.in_test) if commit is None else commit

    def save_customers(self, records: Iterable[CustomerRecord]) -> int:
        return self._save(CUSTOMERS, records)

    def save_mandates(self, records: Iterable[MandateRecord]) -> int:
        return self._save(MANDATES, records)

    def save_settlements(self, records: Iterable[SettlementRecord]) -> int:
        return self._save(SETTLEMENTS, records)

    def _save(self, kind: str, records: Iterable) -> int:
        doctype, key = DOCTYPES[kind]
        rows = {f"{r.account}:{getattr(r, key)}": _site_row(r) for r in records}
        names, added = list(rows), 0
        for start in range(0, len(names), _CHUNK):
            chunk = names[start:start + _CHUNK]
            held = {r.pop("name"): r for r in frappe.get_all(doctype, filters={"name": ["in", chunk]},
                                                             fields=["name", *CHANGEABLE[kind]])}
            fields = list(rows[chunk[0]])
            now = now_datetime()
            fresh = [(name, now, now, "Administrator", "Administrator", 0, 0, *rows[name].values())
                     for name in chunk if name not in held]
            if fresh:
                frappe.db.bulk_insert(doctype, [*_META, *fields], fresh)
            for name, was in held.items():
                now_is = {field: rows[name][field] for field in CHANGEABLE[kind]}
                if now_is != was:
                    frappe.db.set_value(doctype, name, now_is, update_modified=False)
            added += len(fresh)
            if self._commit:
                frappe.db.commit()
        return added

    def count(self, account: str, kind: str) -> int:
        return frappe.db.count(DOCTYPES[kind][0], {"account": account})

    def mandates(self, account: str) -> list[MandateRecord]:
        rows = frappe.get_all("Mollie Mandate", filters={"account": account}, order_by="mandate_id asc",
                              fields=["account", "mandate_id", "customer_id", "status", "method", "iban_masked",
                                      "mandate_reference", "signature_date", "created_at"])
        return [MandateRecord(**{**r, "created_at": from_site_value(r["created_at"])}) for r in rows]

    def settlements(self, account: str) -> list[SettlementRecord]:
        rows = frappe.db.sql("""select account, settlement_id, reference, status, cast(amount as char) as amount,
            currency, created_at, settled_at from `tabMollie Settlement` where account=%s order by settlement_id""",
                             account, as_dict=True)
        return [SettlementRecord(r.account, r.settlement_id, r.reference, r.status,
                                 Amount(exact(r.amount, r.currency), r.currency), from_site_value(r.created_at),
                                 from_site_value(r.settled_at)) for r in rows]
