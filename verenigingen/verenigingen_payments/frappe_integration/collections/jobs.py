"""The daily collections job of a site: for every account with collections enabled, the SEPA
pre-notifications that are due (Frappe's email queue, staff-editable templates), then the collections
day (`CollectionService.run_day`: failed debits become dunning cases decided by reason code, retries on
their payday, reminders with a payment link, follow-ups), on the DocType-backed store.

Resumable: every write is committed as it is made (the store's `commit=True`), so a run that stops
half-way leaves each case where it was and the next run takes it up; a retry sent again carries the same
idempotency key and Mollie answers with the payment it already made. Isolated: one account's failure
is rolled back, logged, and the others go on; one member's Mollie error holds that member's step only, and
a Mollie error while pre-notifying holds the pre-notifications (until the next run), not the collections day.
Failures are looked for `LOOKBACK` days back, never before the account's "Follow Failures From".
A member who cannot be reached (no email address, or one that bounced) is an exception on the
pre-notification or flagged on the case, listed on the desk, and never blocks the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import frappe

from verenigingen.verenigingen_payments.collection.prenotification import NoticeCounts, PreNotifier
from verenigingen.verenigingen_payments.collection.service import CollectionService, DayCounts
from verenigingen.verenigingen_payments.core.errors import MollieError
from verenigingen.verenigingen_payments.frappe_integration.common.account_jobs import for_each_account
from verenigingen.verenigingen_payments.frappe_integration.settings.provider import FrappeSettingsProvider

from .account import account_config, collection_accounts, follow_from
from .email_postbox import FrappeEmailPostbox, bounced_addresses
from .store import FrappeCollectionStore

LOOKBACK = timedelta(days=14)  # a debit fails days after it was created, a chargeback weeks: look back every day


@dataclass
class AccountDay:
    notices: NoticeCounts = field(default_factory=NoticeCounts)
    day: DayCounts = field(default_factory=DayCounts)
    notices_held: str = ""  # the Mollie error that held today's pre-notifications, if one did

    def as_dict(self) -> dict:
        n, d = self.notices, self.day
        return {"pre_notifications": {"sent": n.sent, "resent": n.resent, "unchanged": n.unchanged,
                                      "exceptions": len(n.exceptions), "linked": n.linked},
                "failures": d.failures, "retries_scheduled": d.retries_scheduled, "retries_sent": d.retries_sent,
                "reminders": d.reminders, "recovered": d.recovered, "suspended": d.suspended, "canceled": d.canceled,
                "unreached": len(d.exceptions), "errors": len(d.errors) + bool(self.notices_held)}


def run_account(account: str, *, clock: Callable[[], datetime] | None = None,
                store: FrappeCollectionStore | None = None) -> AccountDay:
    """One account's collections day, now (or at `clock`'s time)."""
    clock = clock or (lambda: datetime.now(timezone.utc))
    store = store or FrappeCollectionStore()
    config = FrappeSettingsProvider().get_config(account)
    settings, policy = account_config(account)
    postbox = FrappeEmailPostbox(sender=settings.contact, bounced=bounced_addresses())
    result = AccountDay()
    try:
        result.notices = PreNotifier(config, store, postbox, clock=clock, settings=settings).run()
    except MollieError as exc:  # the day's retries and reminders still go out; the notices are taken up tomorrow
        frappe.db.rollback()  # the notices not yet committed go with their emails
        frappe.log_error(title=f"Collections of {account}: pre-notifications held",
                         message=f"{type(exc).__name__}: {exc}\nThe next run sends what is due then.")
        result.notices_held = f"{type(exc).__name__}: {exc}"
    service = CollectionService(config, store, postbox, clock=clock, policy=policy, settings=settings)
    since = clock() - LOOKBACK
    start = follow_from(account)
    result.day = service.run_day(since=max(since, start) if start else since)
    for member, period, why in result.day.exceptions:
        store.flag_unreached(account, member, period, why)
    for member, period, error in result.day.errors:
        frappe.log_error(title=f"Collections of {account}: member {member} {period} held",
                         message=f"{error}\nThe case stays where it was; the next run takes it up again.")
    return result


def run_collections_daily(accounts: Iterable[str] | None = None, *,
                          clock: Callable[[], datetime] | None = None) -> dict[str, dict | str]:
    """hooks.py, daily: every account with collections enabled; each account's figures (or its error's name)."""
    return for_each_account(list(accounts) if accounts is not None else collection_accounts(),
                            lambda name: run_account(name, clock=clock).as_dict(), "Collections")
