"""The finance cycle's "Collections" section. Against the emulator: the collections scenario run over
the coming weeks (cli/collections_run.py), with its decision score and the one-charge-per-period proof.
Against another API: today's pre-notifications and collections day. Either way the outbox is printed
(and marked printed)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from ..clients import CustomersClient, MollieConfig, SubscriptionsClient
from ..core.calendar import AMSTERDAM
from ..collection.postbox import OutboxPostbox
from ..collection.prenotification import PreNotifier
from ..collection.report import render_collections
from ..collection.service import CollectionService, CollectionSettings
from ..store.sql import create_store_engine
from ..store.sql.collection_store import SqlCollectionStore
from .collections_run import LOOKBACK, CollectionsRun, run_collections

SETTINGS = CollectionSettings(association="Vereniging De Eendracht", contact="penningmeester@example.org",
                              creditor_id="NL98ZZZ999999999999")


def collections_section(config: MollieConfig, store_url: str, emulator, now: datetime, *, days: int = 70,
                        seed: int = 1) -> str:
    if emulator is not None and days == 0:
        return "## Collections\n\nNot run (--collection-days 0; following 70 days of a large scenario takes long).\n"
    store = SqlCollectionStore(create_store_engine(store_url))
    extra: list[str] = []
    if emulator is not None:
        store.reset_account(config.account)
        fast = replace(config, rate_limit_requests_per_second=1000.0)  # our own emulator on loopback
        run = run_collections(emulator, fast, store, days=days, count=40, seed=seed, settings=SETTINGS,
                              bounced=_bounced_demo_addresses(fast, now))
        extra = _scenario_lines(run, days)
    else:
        clock = lambda: now  # noqa: E731 - a fixed "today" for one day's run
        postbox = OutboxPostbox(store, clock)
        PreNotifier(config, store, postbox, clock=clock, settings=SETTINGS).run()
        counts = CollectionService(config, store, postbox, clock=clock, settings=SETTINGS).run_day(now - LOOKBACK)
        extra = [f"Mollie errors that held a member's step today: {len(counts.errors)}"
                 + "".join(f"\n- member {m} {p}: {e}" for m, p, e in counts.errors), ""]
    account = config.account
    outbox = store.outbox(account, unprinted_only=True)
    today = datetime.fromisoformat(emulator.control.now()).astimezone(AMSTERDAM).date() if emulator else \
        now.astimezone(AMSTERDAM).date()
    text = render_collections(store.list_cases(account), store.transitions(account), store.notifications(account),
                              outbox, today, extra)
    store.mark_printed([m.message_id for m in outbox if m.message_id is not None], now)
    return text


def _bounced_demo_addresses(config: MollieConfig, now: datetime, count: int = 2) -> frozenset[str]:
    """The emulator's members all have an address; say that the first two to be pre-notified bounced, so
    the section shows what staff see for a member who cannot be reached."""
    soon = now.astimezone(AMSTERDAM).date() + timedelta(days=SETTINGS.notice_days)
    customers = []
    for subscription in SubscriptionsClient(config).iter_all_subscriptions():
        due = subscription.next_payment_date
        if subscription.status.value == "active" and due is not None and due <= soon:
            customers.append(subscription.customer_id)
        if len(customers) == count:
            break
    client = CustomersClient(config)
    return frozenset(e for e in (client.get_customer(c).email for c in customers) if e)


def _scenario_lines(run: CollectionsRun, days: int) -> list[str]:
    score, proof = run.score, run.proof
    lines = [f"Scenario: {len(run.truth)} seeded failing collections by reason code, followed for {days} days "
             f"of the emulator's clock.",
             f"Decisions against the ground truth: {score.right} of {score.expected} right"
             + (" — every decision right." if score.every_decision_right else
                f"; wrong: {score.wrong}; not in the truth: {score.unexpected}."),
             f"One charge per member per period: {proof.retry_posts} retry requests with {proof.keys} idempotency keys "
             f"in the emulator's request log, each key created one payment ({proof.replayed} replays, "
             f"{len(proof.keys_created_twice)} keys that created two); of {proof.periods} periods "
             f"{proof.charged_once} were charged successfully once and {len(proof.charged_twice)} twice"
             + (" — proven." if proof.holds else f" — FAILED: {proof.charged_twice or proof.paid_without_charge}"),
             f"Mollie errors that held a member's step for a day: {len(run.counts.errors)}"
             + "".join(f"\n- member {m} {p}: {e}" for m, p, e in run.counts.errors),
             ""]
    return lines
