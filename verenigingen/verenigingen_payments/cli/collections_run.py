"""Collections over a stretch of days against the emulator: seed failing collections by reason code,
then each day send the due pre-notifications, run the collections day (failures, retries, reminders,
follow-ups), let the members the scenario says pay their reminder's link, and move the clock on.
Afterwards: the decisions scored against the ground truth, and the proof from the emulator's request
log and Mollie's own payments that no member's period was charged successfully more than once."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..clients import MollieConfig, PaymentLinksClient, PaymentsClient, SubscriptionsClient
from ..collection.dunning import PAID, REMINDED
from ..collection.failures import RETRY_METADATA
from ..collection.paydays import collection_period
from ..collection.postbox import OutboxPostbox
from ..collection.prenotification import NoticeCounts, PreNotifier
from ..collection.scoring import DecisionScore, score_decisions
from ..collection.service import CollectionService, CollectionSettings, DayCounts
from ..collection.store import CollectionStore
from ..core.models import Amount

RETRY_POST = re.compile(r"/v2/customers/[^/]+/payments")
LOOKBACK = timedelta(days=14)  # a debit fails days after it was created: look back that far every day


class SteppedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class ChargeProof:
    retry_posts: int = 0
    replayed: int = 0
    keys: int = 0
    keys_created_twice: list = field(default_factory=list)
    periods: int = 0
    charged_once: int = 0
    charged_twice: list = field(default_factory=list)
    paid_without_charge: list = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return not (self.keys_created_twice or self.charged_twice or self.paid_without_charge)


@dataclass
class CollectionsRun:
    truth: list
    counts: DayCounts
    notices: NoticeCounts
    score: DecisionScore
    proof: ChargeProof


def run_collections(emulator, config: MollieConfig, store: CollectionStore, *, days: int = 70, count: int = 40,
                    seed: int = 1, settings: CollectionSettings | None = None,
                    bounced: frozenset[str] = frozenset(), prenotify: bool = True) -> CollectionsRun:
    control = emulator.control
    clock = SteppedClock(datetime.fromisoformat(control.now()))
    seeded_at = clock.now
    truth = control.seed_collections(count=count, seed=seed)
    postbox = OutboxPostbox(store, clock, bounced)
    service = CollectionService(config, store, postbox, clock=clock, settings=settings)
    notifier = PreNotifier(config, store, postbox, clock=clock, settings=settings)
    pays = {(t["memberReference"], t["period"]) for t in truth if t["paysLink"]}
    paid_links: set[str] = set()
    counts, notices = DayCounts(), NoticeCounts()
    for day in range(days):
        if prenotify and day == 1:
            _raise_announced_dues(config, store, truth, clock.now)
        day_notices = notifier.run() if prenotify else NoticeCounts()
        notices.sent += day_notices.sent
        notices.resent += day_notices.resent
        notices.unchanged += day_notices.unchanged
        notices.linked += day_notices.linked
        notices.exceptions += day_notices.exceptions
        counts.add(service.run_day(since=max(seeded_at, clock.now - LOOKBACK)))
        for case in store.list_cases(config.account, REMINDED):
            if (case.member_reference, case.period) in pays and case.link_id and case.link_id not in paid_links:
                control.trigger("payment-link.pay", case.link_id)
                paid_links.add(case.link_id)
        clock.now = datetime.fromisoformat(control.advance_clock(days=1))
    counts.add(service.run_day(since=clock.now - LOOKBACK))
    score = score_decisions(store.transitions(config.account), truth)
    return CollectionsRun(truth, counts, notices, score, charge_proof(control.request_log(), config, store))


def _raise_announced_dues(config: MollieConfig, store: CollectionStore, truth: list, now: datetime) -> None:
    """A member moves to a higher dues class after the announcement: the collection must be announced
    again, saying the amount changed."""
    seeded = {t["subscriptionId"] for t in truth}
    later = [n for n in store.notifications(config.account)
             if n.subscription_id not in seeded and n.collection_date > now.date() + timedelta(days=2)]
    if later:
        note = later[0]
        SubscriptionsClient(config).update_subscription(note.customer_id, note.subscription_id,
                                                        amount=note.amount + Amount.of("2.50", note.amount.currency))


def charge_proof(request_log: list[dict], config: MollieConfig, store: CollectionStore) -> ChargeProof:
    """From the request log: every retry key created at most one payment (repeats were replays). From
    Mollie's payments: per member and period at most one successful charge (paid and not charged back)
    among the original collection, the retries and the link's payments — exactly one when the case says
    paid."""
    proof = ChargeProof()
    created = Counter()
    for row in request_log:
        key = (row.get("headers") or {}).get("Idempotency-Key", "")
        if row["method"] == "POST" and RETRY_POST.fullmatch(row["path"]) and key.startswith("dues-retry-"):
            proof.retry_posts += 1
            proof.replayed += bool(row["replayed"])
            if row["status"] == 201 and not row["replayed"]:
                created[key] += 1
    proof.keys = len(created)
    proof.keys_created_twice = sorted(k for k, n in created.items() if n > 1)
    payments, links = PaymentsClient(config), PaymentLinksClient(config)
    for case in store.list_cases(config.account):
        proof.periods += 1
        charges = [p for p in payments.iter_customer_payments(case.customer_id) if _charges_period(p, case)]
        if case.link_id:
            charges += [p for p in links.iter_link_payments(case.link_id) if _succeeded(p)]
        if len(charges) > 1:
            proof.charged_twice.append((case.member_reference, case.period, [p.id for p in charges]))
        elif len(charges) == 1:
            proof.charged_once += 1
        elif case.state == PAID:
            proof.paid_without_charge.append((case.member_reference, case.period))
    return proof


def _succeeded(payment) -> bool:
    charged_back = payment.amount_charged_back
    return payment.status.value == "paid" and not (charged_back and charged_back.value >= payment.amount.value)


def _charges_period(payment, case) -> bool:
    """A successful dues charge of the case's member and period: a retry of it, or the subscription's own."""
    if not _succeeded(payment):
        return False
    retry = (payment.metadata if isinstance(payment.metadata, dict) else {}).get(RETRY_METADATA)
    if isinstance(retry, dict):
        return retry.get("period") == case.period
    return payment.subscription_id is not None and payment.subscription_id == case.subscription_id \
        and collection_period(payment.created_at) == case.period
