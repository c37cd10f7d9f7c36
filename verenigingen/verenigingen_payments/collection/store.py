"""The seam that keeps collections' records: dunning cases and their transitions, pre-notifications and
the outbox of member messages. `store.sql.collection_store.SqlCollectionStore` implements it on SQLite
and MariaDB."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from ..core.models.money import Amount
from .dunning import DunningCase, Transition

SENT = "sent"  # handed to the outbox (outside a site) or the site's email queue
EXCEPTION = "exception"  # no usable address: shown to staff, never blocks the others


@dataclass(frozen=True)
class OutboxMessage:
    account: str
    kind: str  # pre_notification, reminder_1, reminder_2 …
    member_reference: str
    recipient: str
    language: str
    subject: str
    body: str
    created_at: datetime
    message_id: int | None = None
    printed_at: datetime | None = None


@dataclass(frozen=True)
class PreNotification:
    """One announcement of one collection; a changed amount, date or mandate makes version + 1."""

    account: str
    subscription_id: str
    collection_key: str  # the collection it announces (subscription + period)
    version: int
    member_reference: str
    customer_id: str
    collection_date: date
    amount: Amount
    mandate_id: str
    mandate_reference: str
    creditor_id: str
    status: str  # SENT or EXCEPTION
    change: str  # "" for the first; else what changed ("amount, date")
    created_at: datetime
    detail: str = ""
    payment_id: str | None = None  # the subscription payment it announced, once Mollie made it


class CollectionStore(Protocol):
    def open_case(self, case: DunningCase, transition: Transition) -> tuple[DunningCase, bool]: ...
    def get_case(self, account: str, member_reference: str, period: str) -> DunningCase | None: ...
    def save_case(self, case: DunningCase, transition: Transition) -> DunningCase: ...
    def list_cases(self, account: str, states: tuple[str, ...] | None = None) -> list[DunningCase]: ...
    def transitions(self, account: str, member_reference: str | None = None,
                    period: str | None = None) -> list[Transition]: ...
    def add_message(self, message: OutboxMessage) -> OutboxMessage: ...
    def outbox(self, account: str, unprinted_only: bool = False) -> list[OutboxMessage]: ...
    def mark_printed(self, message_ids: list[int], at: datetime) -> None: ...
    def latest_notification(self, account: str, collection_key: str) -> PreNotification | None: ...
    def add_notification(self, notification: PreNotification) -> bool: ...
    def link_notification_payment(self, account: str, collection_key: str, payment_id: str) -> None: ...
    def notifications(self, account: str) -> list[PreNotification]: ...
