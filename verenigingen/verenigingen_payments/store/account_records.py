"""The local copy of a Mollie account's customers, mandates and settlement history, as adoption
writes it (`workflows.adoption`). The SQL store (`store.sql.account_record_store`) and the site
(`frappe_integration.adoption.account_records`: the Mollie Customer, Mollie Mandate and Mollie
Settlement DocTypes) implement `AccountRecordStore`.

Saving is by Mollie id: a record already held is updated where Mollie's side changed (a mandate
revoked, a settlement paid out) and never added twice, so a second adoption adds nothing. A mandate
keeps its IBAN masked (country and last four); the full number is never stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from ..core.models.money import Amount

CUSTOMERS, MANDATES, SETTLEMENTS = "customers", "mandates", "settlements"
KINDS = (CUSTOMERS, MANDATES, SETTLEMENTS)


@dataclass(frozen=True)
class CustomerRecord:
    account: str
    customer_id: str
    member_reference: str | None  # None: on the adoption's exception list
    matched_by: str | None  # "email" | "metadata"
    created_at: datetime | None


@dataclass(frozen=True)
class MandateRecord:
    account: str
    mandate_id: str
    customer_id: str
    status: str
    method: str
    iban_masked: str | None
    mandate_reference: str | None
    signature_date: date | None
    created_at: datetime | None


@dataclass(frozen=True)
class SettlementRecord:
    account: str
    settlement_id: str
    reference: str | None
    status: str
    amount: Amount
    created_at: datetime | None
    settled_at: datetime | None


@runtime_checkable
class AccountRecordStore(Protocol):
    def save_customers(self, records: Iterable[CustomerRecord]) -> int:
        """Insert the new, update the changed; the number newly added."""
        ...

    def save_mandates(self, records: Iterable[MandateRecord]) -> int: ...

    def save_settlements(self, records: Iterable[SettlementRecord]) -> int: ...

    def count(self, account: str, kind: str) -> int:
        """How many records of `kind` (CUSTOMERS, MANDATES, SETTLEMENTS) the account has."""
        ...

    def mandates(self, account: str) -> list[MandateRecord]: ...
