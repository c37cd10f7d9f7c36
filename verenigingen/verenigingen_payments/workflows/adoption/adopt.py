"""`adopt_account`: the first sync of an account the association already had.

Steps, each idempotent, so a stopped run is resumed by running it again and a second run adds nothing:
1. customers, matched to members (matching.py), saved with their member; 2. their mandates (status, SEPA
details with the IBAN masked); 3. every subscription of a matched customer becomes the member's term record (by subscription
id: one already adopted is left alone), except one on a revoked mandate; 4. the payment history into
the ledger (the reconciliation's resumable backfill), then the subscription sync (revenue rows, so
MRR and the member counts are right at once); 5. chargebacks as Dispute Cases (the chargeback sync,
over the whole history); 6. the settlement history. Customers, mandates and settlements go to the `AccountRecordStore`. `progress(step, done)` is called as it
goes; `should_stop()` is asked between items and ends the run early (`report.stopped`). `members=None`:
the register is the customers' metadata member numbers (matching.members_from_metadata).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from ...clients import CustomersClient, MandatesClient, PaymentsClient, SettlementsClient, SubscriptionsClient
from ...core.compliance.bank_accounts import mask_iban
from ...disputes.service import DisputeService
from ...disputes.sync import ChargebackSync
from ...store.account_records import (
    CUSTOMERS, MANDATES, SETTLEMENTS, AccountRecordStore, CustomerRecord, MandateRecord, SettlementRecord,
)
from ...store.ledger import PaymentLedger
from ...subscriptions.records import SubscriptionStore
from ...subscriptions.service import SubscriptionService
from ..reconciliation.payment_sync import sync_payments
from .matching import AdoptionException, Member, match_customers, members_from_metadata
from .records import adopted_record

STEPS = ("customers", "mandates", "subscriptions", "payments", "chargebacks", "settlements")
WHOLE_HISTORY = timedelta(days=365 * 20)
SAVE_BATCH = 500
#: before any Mollie payment: every adoption reads the whole payment history, so `report.payments` is
#: Mollie's count (an interrupted backfill resumes with its own bounds and count)
HISTORY_START = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class AdoptionStores:
    subscriptions: SubscriptionStore
    ledger: PaymentLedger
    disputes: DisputeService
    accounts: AccountRecordStore

    @classmethod
    def sql(cls, url: str | None = None) -> AdoptionStores:
        """The local SQL store (SQLite file by default, MariaDB by URL)."""
        from ...store.sql import open_store_engine
        from ...store.sql.account_record_store import SqlAccountRecordStore
        from ...store.sql.dispute_store import SqlDisputeStore
        from ...store.sql.ledger_store import SqlPaymentLedger
        from ...store.sql.subscription_store import SqlSubscriptionStore

        engine = open_store_engine(url)
        return cls(SqlSubscriptionStore(engine), SqlPaymentLedger(engine), DisputeService(SqlDisputeStore(engine)),
                   SqlAccountRecordStore(engine))


@dataclass
class AdoptionReport:
    account: str
    customers: int = 0
    matched: int = 0
    matched_by_metadata: int = 0
    mandates: int = 0
    mandates_valid: int = 0
    subscriptions: int = 0
    subscriptions_adopted: int = 0  # newly saved by this run
    subscriptions_linked: int = 0  # linked to a member after this run
    payments: int = 0  # Mollie's, read into the ledger by this run
    chargebacks: int = 0
    dispute_cases_opened: int = 0
    settlements: int = 0
    held: dict[str, int] = field(default_factory=dict)  # what the local stores hold after this run
    exceptions: list[AdoptionException] = field(default_factory=list)
    stopped: bool = False

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in (
            "customers", "matched", "mandates", "subscriptions", "subscriptions_linked", "payments", "chargebacks",
            "settlements")}


class _Stopped(Exception):
    pass


def _mandate_record(account: str, customer_id: str, mandate) -> MandateRecord:
    iban = (mandate.details or {}).get("consumerAccount")
    return MandateRecord(account, mandate.id, customer_id, str(mandate.status), str(mandate.method),
                         mask_iban(iban) if iban else None, mandate.mandate_reference, mandate.signature_date,
                         mandate.created_at)


def _settlement_record(account: str, settlement) -> SettlementRecord:
    return SettlementRecord(account, settlement.id, settlement.reference, str(settlement.status), settlement.amount,
                            settlement.created_at, settlement.settled_at)


def held_counts(stores: AdoptionStores, account: str) -> dict[str, int]:
    """What the local stores hold of the account, by the names of Mollie's counts."""
    return {CUSTOMERS: stores.accounts.count(account, CUSTOMERS), MANDATES: stores.accounts.count(account, MANDATES),
            "subscriptions": sum(1 for _ in stores.subscriptions.iter_records(account)),
            "payments": stores.ledger.count(account),
            "chargebacks": len(stores.disputes.store.list_cases(account)),
            SETTLEMENTS: stores.accounts.count(account, SETTLEMENTS)}


def adopt_account(config, members: Iterable[Member] | None, stores: AdoptionStores, *,
                  progress: Callable[[str, int], None] = lambda step, done: None,
                  should_stop: Callable[[], bool] = lambda: False,
                  clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> AdoptionReport:
    account = getattr(config, "account", config)
    report = AdoptionReport(str(account))

    def tick(step: str, done: int) -> None:
        if should_stop():
            raise _Stopped
        progress(step, done)

    try:
        _run(config, None if members is None else list(members), stores, report, tick, clock)
    except _Stopped:
        report.stopped = True
    report.held = held_counts(stores, report.account)
    return report


def _run(config, members: list[Member] | None, stores: AdoptionStores, report: AdoptionReport, tick, clock) -> None:
    account = report.account
    customers = []
    for customer in CustomersClient(config).iter_customers():
        customers.append(customer)
        tick(CUSTOMERS, len(customers))
    report.customers = len(customers)
    matching = match_customers(customers, members if members is not None else members_from_metadata(customers))
    report.matched = len(matching.member_of)
    report.matched_by_metadata = sum(1 for how in matching.matched_by.values() if how == "metadata")
    report.exceptions += matching.exceptions
    stores.accounts.save_customers(
        CustomerRecord(account, c.id, matching.member_of.get(c.id), matching.matched_by.get(c.id), c.created_at)
        for c in customers)
    valid_mandates = set()
    mandates, batch = MandatesClient(config), []
    for customer in customers:
        for mandate in mandates.iter_mandates(customer.id):
            batch.append(_mandate_record(account, customer.id, mandate))
            report.mandates += 1
            if str(mandate.status) == "valid":
                valid_mandates.add(mandate.id)
        if len(batch) >= SAVE_BATCH:
            stores.accounts.save_mandates(batch)
            batch = []
        tick(MANDATES, report.mandates)
    stores.accounts.save_mandates(batch)
    report.mandates_valid = len(valid_mandates)
    _adopt_subscriptions(config, matching.member_of, valid_mandates, stores.subscriptions, report, tick, clock)
    tick("payments", 0)
    report.payments = sync_payments(PaymentsClient(config), stores.ledger, account, since=HISTORY_START,
                                    clock=clock).synced
    SubscriptionService.for_account(config, store=stores.subscriptions, ledger=stores.ledger, clock=clock).sync()
    tick("payments", report.payments)
    synced = ChargebackSync(stores.disputes, config, clock=clock).sync(lookback=WHOLE_HISTORY)
    report.chargebacks, report.dispute_cases_opened = synced.seen, synced.opened
    tick("chargebacks", report.chargebacks)
    settlements = []
    for settlement in SettlementsClient(config).iter_settlements():
        settlements.append(_settlement_record(account, settlement))
        tick(SETTLEMENTS, len(settlements))
    stores.accounts.save_settlements(settlements)
    report.settlements = len(settlements)


def _adopt_subscriptions(config, member_of: dict[str, str], valid_mandates: set[str], store: SubscriptionStore,
                         report: AdoptionReport, tick, clock) -> None:
    subscriptions = sorted(SubscriptionsClient(config).iter_all_subscriptions(), key=lambda s: (s.created_at, s.id))
    report.subscriptions = len(subscriptions)
    for done, subscription in enumerate(subscriptions, 1):
        member = member_of.get(subscription.customer_id)
        if member is None:
            pass  # its customer is already on the exception list
        elif subscription.mandate_id and subscription.mandate_id not in valid_mandates and \
                str(subscription.status) in ("active", "pending"):
            report.exceptions.append(AdoptionException(
                "subscription_on_revoked_mandate", subscription.id,
                f"{subscription.status} subscription of member {member} on mandate {subscription.mandate_id}, "
                "which is no longer valid"))
        else:
            if store.by_subscription_id(report.account, subscription.id) is None:
                current = store.current(report.account, member)
                term = current.term + 1 if current is not None else 1
                store.save(adopted_record(report.account, member, term, subscription, clock()))
                report.subscriptions_adopted += 1
            report.subscriptions_linked += 1
        tick("subscriptions", done)
