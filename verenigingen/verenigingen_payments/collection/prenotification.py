"""SEPA pre-notification: before each collection of an active SEPA subscription the member is told the
creditor identifier, the mandate reference, the amount, the date and how to object — `notice_days`
ahead (14 by default, or the shorter period of the mandate terms, `preNotificationDays` in the
subscription's metadata). Each notification is a record kept with the collection it announces (and
its payment once Mollie made it); a collection is never notified twice, and notified again only when
its amount, date or mandate changed, saying what changed. A member without a usable address is an
exception on the record, and the others go on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..clients import CustomersClient, MandatesClient, MollieConfig, PaymentsClient, SubscriptionsClient
from ..core.calendar import amsterdam_day
from ..core.models import Subscription
from .messages import language_of, pre_notification
from .postbox import Postbox
from .service import CollectionSettings
from .store import EXCEPTION, SENT, CollectionStore, PreNotification


LINK_WINDOW_DAYS = 7  # Mollie creates the subscription's payment on its date; look for it a week long


@dataclass
class NoticeCounts:
    sent: int = 0
    resent: int = 0
    unchanged: int = 0
    exceptions: list = field(default_factory=list)  # (member, collection date, why)
    linked: int = 0


def notice_days(subscription: Subscription, default: int) -> int:
    meta = subscription.metadata if isinstance(subscription.metadata, dict) else {}
    agreed = meta.get("preNotificationDays")
    return min(default, agreed) if isinstance(agreed, int) and not isinstance(agreed, bool) and agreed > 0 else default


def collection_key(subscription_id: str, collection_date: date) -> str:
    return f"{subscription_id}:{collection_date:%Y-%m}"


class PreNotifier:
    def __init__(self, config: MollieConfig, store: CollectionStore, postbox: Postbox, *,
                 clock: Callable[[], datetime], settings: CollectionSettings | None = None) -> None:
        self.account = config.account
        self._store, self._postbox, self._clock = store, postbox, clock
        self._settings = settings or CollectionSettings()
        self._subscriptions = SubscriptionsClient(config)
        self._mandates = MandatesClient(config)
        self._customers = CustomersClient(config)
        self._payments = PaymentsClient(config)

    def run(self) -> NoticeCounts:
        counts = NoticeCounts()
        today = amsterdam_day(self._clock())
        for subscription in self._subscriptions.iter_all_subscriptions():
            if subscription.status.value != "active" or not subscription.mandate_id:
                continue
            due = subscription.next_payment_date
            if due is None or not today <= due <= today + timedelta(days=notice_days(subscription,
                                                                                   self._settings.notice_days)):
                continue
            self._notify(subscription, due, counts)
        self._link_payments(today, counts)
        return counts

    def _notify(self, subscription: Subscription, due: date, counts: NoticeCounts) -> None:
        key = collection_key(subscription.id, due)
        latest = self._store.latest_notification(self.account, key)
        changes = []
        if latest is not None:
            changes = [name for name, old, new in (("amount", latest.amount, subscription.amount),
                                                   ("date", latest.collection_date, due),
                                                   ("mandate", latest.mandate_id, subscription.mandate_id)) if old != new]
            if not changes:
                counts.unchanged += 1
                return
        mandate = self._mandates.get_mandate(subscription.customer_id, subscription.mandate_id)
        if mandate.method.value != "directdebit":
            return
        reference = mandate.mandate_reference or mandate.id
        customer = self._customers.get_customer(subscription.customer_id)
        meta = customer.metadata if isinstance(customer.metadata, dict) else {}
        member = str(meta.get("memberNumber") or customer.id)
        why = self._postbox.undeliverable(customer.email)
        record = PreNotification(self.account, subscription.id, key, (latest.version + 1) if latest else 1, member,
                                 customer.id, due, subscription.amount, mandate.id, reference,
                                 self._settings.creditor_id,
                                 EXCEPTION if why else SENT, ",".join(changes), self._clock(), why)
        if not self._store.add_notification(record):
            return  # another run sent this version
        language = language_of(customer.locale)
        message = pre_notification(customer.name or "lid", subscription.amount, due, reference,
                                   self._settings.creditor_id, self._settings.association, self._settings.contact,
                                   record.change, language)
        kind = "pre_notification_changed" if record.change else "pre_notification"
        self._postbox.send(self.account, kind, member, customer.email, language, message)
        if why:
            counts.exceptions.append((member, due, why))
        elif latest is None:
            counts.sent += 1
        else:
            counts.resent += 1

    def _link_payments(self, today: date, counts: NoticeCounts) -> None:
        """Keep each notification with the subscription payment it announced, once Mollie made it."""
        latest = {note.collection_key: note for note in self._store.notifications(self.account)}
        for note in latest.values():
            if note.payment_id or not today - timedelta(days=LINK_WINDOW_DAYS) <= note.collection_date <= today:
                continue
            for payment in self._payments.iter_customer_payments(note.customer_id):
                if payment.subscription_id == note.subscription_id and \
                        amsterdam_day(payment.created_at).strftime("%Y-%m") == note.collection_date.strftime("%Y-%m"):
                    self._store.link_notification_payment(self.account, note.collection_key, payment.id)
                    counts.linked += 1
                    break
