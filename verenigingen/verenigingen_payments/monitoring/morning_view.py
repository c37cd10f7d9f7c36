"""The four questions finance staff open the desk with, each answered by one card from facts the
site gathers (`frappe_integration.monitoring.morning_facts`):

* did yesterday's reconciliation add up (open discrepancies; accounts not reconciled or failed);
* when the next payout comes and how much it is (Mollie's next settlement, every account);
* whether webhooks keep up (unprocessed deliveries, how many are due, the oldest one's age);
* which disputes are due (active cases whose deadline is today or past).

A card never shows a zero it cannot vouch for: no account, no run, no webhook or no case yet is
said in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ..core.calendar import AMSTERDAM
from ..disputes.model import ACTIVE_STATUSES
from .account_totals import add_up, money_text, names
from .desk_cards import NO_ACCOUNT, DeskCard, ListLink, age_text, joined, partial, plural

RUN = "Mollie Reconciliation Run"
SETTLEMENT_REPORT = "Settlement Reconciliation"
WEBHOOK_LOG = "Mollie Webhook Log"
DISPUTE = "Dispute Case"
COMPLETED, FAILED = "completed", "failed"
WAITING_STATUSES = ("received", "processing", "failed")
CARD_CURRENCY = "EUR"


@dataclass(frozen=True)
class ReconciliationFacts:
    accounts: tuple[str, ...]  # enabled
    yesterday_runs: Mapping[str, str]  # account -> status of its newest run covering yesterday
    ever_run: bool
    open_discrepancies: int  # unresolved rows of the enabled accounts


def reconciliation_card(facts: ReconciliationFacts, yesterday: date) -> DeskCard:
    runs = ListLink(RUN)
    if not facts.accounts:
        return DeskCard(NO_ACCOUNT)
    if not facts.ever_run:
        return DeskCard("not reconciled yet", runs)
    status = facts.yesterday_runs
    failed = [a for a in facts.accounts if status.get(a) == FAILED]
    not_done = [a for a in facts.accounts if status.get(a) not in (COMPLETED, FAILED)]
    open_count = facts.open_discrepancies
    if open_count == 0 and not failed and not not_done:
        return DeskCard("adds up", runs, f"0 open discrepancies · {yesterday.isoformat()}")
    link = ListLink(RUN, filters=(("open_discrepancy_count", [">", 0]),)) if open_count else runs
    missed = f"{yesterday.isoformat()} not reconciled: {names(not_done)}" if not_done else None
    return DeskCard(plural(open_count, "open discrepancy", "open discrepancies"), link,
                    joined(f"run failed: {names(failed)}" if failed else None, missed))


def payout_card(readings: Mapping[str, Mapping[str, Decimal] | None], expected: datetime | None,
                today: date) -> DeskCard:
    """`readings`: per enabled account its next payout per currency ({} when Mollie has none
    pending, None when it could not be read); `expected`: the soonest expected payout."""
    report = ListLink(SETTLEMENT_REPORT, report=True)
    if not readings:
        return DeskCard(NO_ACCOUNT)
    total = add_up(readings, CARD_CURRENCY)
    if total.value is None:
        return DeskCard(f"not readable: {names(total.missing)}", report)
    if not any(readings[a] for a in total.counted):
        return DeskCard("no payout pending", report, partial(total.missing))
    when = None
    if expected is not None:
        day = expected.astimezone(AMSTERDAM).date()
        when = f"{'expected' if day >= today else 'was due'} about {day.isoformat()}"
    return DeskCard(money_text(total.value, CARD_CURRENCY), report, joined(when, partial(total.missing)))


@dataclass(frozen=True)
class WebhookBacklog:
    logged: bool  # any delivery logged at all
    waiting: int  # received, processing, or failed with a retry still to come
    due: int  # of those: a retry due, a stale receipt or a lapsed lease
    gave_up: int  # failed with no retry left
    oldest_waiting: datetime | None


def webhook_card(backlog: WebhookBacklog, now: datetime) -> DeskCard:
    log = ListLink(WEBHOOK_LOG)
    if not backlog.logged:
        return DeskCard("no webhooks received yet", log)
    if backlog.waiting == 0 and backlog.gave_up == 0:
        return DeskCard("keeping up", log, "0 waiting")
    oldest = backlog.oldest_waiting
    waiting = ListLink(WEBHOOK_LOG, filters=(("status", ["in", list(WAITING_STATUSES)]),))
    return DeskCard(f"{backlog.waiting} waiting" + (f" ({backlog.due} due)" if backlog.due else ""), waiting,
                    joined(f"oldest {age_text(now - oldest)}" if oldest else None,
                           f"{backlog.gave_up} gave up" if backlog.gave_up else None))


@dataclass(frozen=True)
class DisputeFacts:
    cases: int  # every case of the enabled accounts
    active: int  # open, investigating or awaiting the member
    due: int  # active with a deadline today or earlier
    overdue: int  # active with a deadline before today


def dispute_card(facts: DisputeFacts, today: date) -> DeskCard:
    active = ("status", ["in", list(ACTIVE_STATUSES)])
    if facts.cases == 0:
        return DeskCard("no disputes yet", ListLink(DISPUTE))
    still_open = f"{facts.active} open"
    if facts.due == 0:
        return DeskCard("none due", ListLink(DISPUTE, filters=(active,)), still_open)
    overdue = f" ({facts.overdue} overdue)" if facts.overdue else ""
    return DeskCard(f"{facts.due} due{overdue}",
                    ListLink(DISPUTE, filters=(active, ("deadline", ["<=", today.isoformat()]))), still_open)
