"""The collections workflow of one account: each failed dues collection becomes a dunning case, decided
by the reason-code policy; retries go out on their payday as recurring payments on the still-valid
mandate; reminders carry a payment link (a first payment where a new mandate is needed); a paid retry
or link settles the period.

No period is charged twice: a retry is claimed by moving its case to `retried` (compare-and-set) before
the payment is created, and the payment carries an idempotency key derived from member, period and
attempt, so a crashed or concurrent worker that sends it again gets Mollie's first answer back. A
membership that ended before the retry cancels it — unless it ended less than a day ago (a change of
membership cancels the old subscription before it creates the new one), then the retry waits a day and
goes out on the new subscription, or the period is canceled; links are created only once retries are over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from ..clients import CustomersClient, MandatesClient, MollieConfig, PaymentLinksClient, PaymentsClient, SubscriptionsClient
from ..core.calendar import amsterdam_day
from ..core.errors import IdempotencyError, MollieError, ValidationError
from ..disputes.reason_codes import explain_reason
from .dunning import (
    CANCELED, DUE, PAID, REMINDER_1, REMINDER_2, RETRIED, RETRY_SCHEDULED, SUSPENDED, ConcurrentChange, DunningCase,
    Transition, retry_idempotency_key,
)
from .failures import RETRY_METADATA, Failure, FailureFinder
from .messages import language_of, reminder
from .paydays import next_payday
from .policy import RETRY, STOP, CollectionPolicy
from .postbox import Postbox
from .store import CollectionStore

ENDED_SUBSCRIPTIONS = ("canceled", "completed")
RESUBSCRIBE_GRACE = timedelta(days=1)


@dataclass(frozen=True)
class CollectionSettings:
    association: str = "Vereniging"
    contact: str = "ledenadministratie@example.org"
    creditor_id: str = "NL00ZZZ000000000000"
    notice_days: int = 14
    reminder_interval_days: int = 14
    redirect_url: str = "https://example.org/contributie/bedankt"
    webhook_url: str | None = None


@dataclass
class DayCounts:
    failures: int = 0
    retries_scheduled: int = 0
    retries_sent: int = 0
    reminders: int = 0
    recovered: int = 0
    suspended: int = 0
    canceled: int = 0
    exceptions: list = field(default_factory=list)  # (member, period, why no message went out)
    errors: list = field(default_factory=list)  # (member, period, the Mollie error that stopped its step today)

    def add(self, other: DayCounts) -> None:
        for name in ("failures", "retries_scheduled", "retries_sent", "reminders", "recovered", "suspended", "canceled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.exceptions.extend(other.exceptions)
        self.errors.extend(other.errors)


class CollectionService:
    def __init__(self, config: MollieConfig, store: CollectionStore, postbox: Postbox, *,
                 clock: Callable[[], datetime], policy: CollectionPolicy | None = None,
                 settings: CollectionSettings | None = None) -> None:
        self.account = config.account
        self.store = store
        self.policy = policy or CollectionPolicy()
        self.settings = settings or CollectionSettings()
        self._postbox = postbox
        self._clock = clock
        self._payments = PaymentsClient(config)
        self._links = PaymentLinksClient(config)
        self._subscriptions = SubscriptionsClient(config)
        self._mandates = MandatesClient(config)
        self._customers = CustomersClient(config)
        self.finder = FailureFinder(config)
        self.counts = DayCounts()

    # -- the day ------------------------------------------------------------------------------------
    def run_day(self, since: datetime) -> DayCounts:
        """Record the failures Mollie shows since `since`, follow retries and links, send what is due."""
        self.counts = DayCounts()
        for failure in self.finder.failures_since(since):
            self._isolated(failure, self.record_failure)
        self.follow_up()
        self.run_retries()
        return self.counts

    def today(self) -> date:
        return amsterdam_day(self._clock())

    # -- failures and decisions ---------------------------------------------------------------------
    def record_failure(self, failure: Failure) -> DunningCase:
        now = self._clock()
        case = self.store.get_case(self.account, failure.member_reference, failure.period)
        if case is None:
            opened = DunningCase(self.account, failure.member_reference, failure.period, DUE, failure.reason_code, "",
                                 failure.amount, failure.customer_id, failure.payment_id, failure.kind,
                                 failure.failed_on, now, now, failure.subscription_id, failure.mandate_id)
            what = "direct debit failed" if failure.kind == "failed" else "chargeback"
            cause = f"{what}: {failure.reason_code or 'no code'} ({explain_reason(failure.reason_code).title})"
            case, created = self.store.open_case(opened, Transition(*opened.key, "", DUE, cause, now))
            if created:
                self.counts.failures += 1
        if case.state == DUE or (case.state == RETRIED and failure.payment_id == case.retry_payment_id):
            return self._decide(case, failure.reason_code, failure.failed_on, failure.payment_id)
        return case

    def _decide(self, case: DunningCase, code: str, failed_on: date, payment_id: str) -> DunningCase:
        decision = self.policy.decide(code, case.retries_done if case.state == RETRIED else 0)
        title = explain_reason(code).title
        if decision.action == RETRY:
            on = next_payday(failed_on, self.policy.paydays)
            moved = self._save(*case.moved(RETRY_SCHEDULED, f"retry {decision.attempt} on {on}: {code} ({title})",
                                           self._clock(), decision=RETRY, reason_code=code, next_action_on=on,
                                           failed_payment_id=payment_id, retry_payment_id=None))
            if moved is not None:
                self.counts.retries_scheduled += 1
            return moved or case
        cause = f"{decision.action}: {code} ({title})"
        if decision.action == STOP:
            cause += "; the mandate cannot be used again, a new one is asked for"
        elif case.retries_done:
            cause += f"; {case.retries_done} retr{'y' if case.retries_done == 1 else 'ies'} failed"
        return self._remind(case, REMINDER_1, cause, decision=decision.action, reason_code=code,
                            new_mandate=decision.new_mandate, failed_payment_id=payment_id)

    # -- retries ------------------------------------------------------------------------------------
    def run_retries(self) -> None:
        today = self.today()
        for case in self.store.list_cases(self.account, (RETRY_SCHEDULED,)):
            if case.next_action_on and case.next_action_on <= today:
                self._isolated(case, self._retry)
        for case in self.store.list_cases(self.account, (RETRIED,)):
            if case.retry_payment_id is None:  # claimed, but the payment may not have gone out: same key again
                self._isolated(case, self._send_retry)

    def _retry(self, case: DunningCase) -> None:
        attempt = case.retries_done + 1
        if case.subscription_id:
            subscription = self._subscriptions.get_subscription(case.customer_id, case.subscription_id)
            if subscription.status.value in ENDED_SUBSCRIPTIONS:
                successor = self._active_subscription(case.customer_id)
                if successor is None and self._may_resubscribe(subscription):
                    # not a move of the state machine (a retry decision is counted once): the date moves on
                    self._save(replace(case, next_action_on=self.today() + timedelta(days=1), updated_at=self._clock()),
                               None)
                    return
                if successor is None:
                    self._cancel(case, f"membership ended ({subscription.status.value}) before retry {attempt}")
                    return
                case = replace(case, subscription_id=successor)  # reactivated: the period is still owed
        mandate_id = self._valid_mandate(case)
        if mandate_id is None:
            self._remind(case, REMINDER_1, f"stop: no valid mandate left for retry {attempt}", decision=STOP,
                         new_mandate=True)
            return
        claimed = self._save(*case.moved(RETRIED, f"retry {attempt} sent on the valid mandate", self._clock(),
                                         retries_done=attempt, mandate_id=mandate_id, next_action_on=None))
        if claimed is not None:
            self._send_retry(claimed)

    def _may_resubscribe(self, subscription) -> bool:
        """A membership canceled less than `RESUBSCRIBE_GRACE` ago may be a change of membership whose new
        subscription is still being made (cancel, then create): the retry waits a day instead of writing
        the period off."""
        ended = subscription.canceled_at
        return ended is not None and timedelta(0) <= self._clock() - ended < RESUBSCRIBE_GRACE

    def _active_subscription(self, customer_id: str) -> str | None:
        """A reactivated member's new subscription (it starts after the periods already charged)."""
        return next((s.id for s in self._subscriptions.list_subscriptions(customer_id)
                     if s.status.value in ("active", "pending")), None)

    def _valid_mandate(self, case: DunningCase) -> str | None:
        valid = [m for m in self._mandates.list_mandates(case.customer_id)
                 if m.status.value == "valid" and m.method.value == "directdebit"]
        ids = [m.id for m in valid]
        return case.mandate_id if case.mandate_id in ids else (ids[0] if ids else None)

    def _send_retry(self, case: DunningCase) -> None:
        key = retry_idempotency_key(self.account, case.member_reference, case.period, case.retries_done)
        metadata = {RETRY_METADATA: {"period": case.period, "attempt": case.retries_done,
                                     "subscriptionId": case.subscription_id}}
        try:
            payment = self._payments.create_customer_payment(
                case.customer_id, case.amount, f"Contributie {case.period}", sequence_type="recurring",
                mandate_id=case.mandate_id, webhook_url=self.settings.webhook_url, metadata=metadata,
                idempotency_key=key)
        except IdempotencyError:
            return  # another worker's request with this key is in flight; it records the payment
        self.counts.retries_sent += 1
        try:
            self.store.save_case(replace(case, retry_payment_id=payment.id), None)
        except ConcurrentChange:
            pass  # the other worker saved the same payment (same key, same answer)

    # -- reminders and links ------------------------------------------------------------------------
    def _remind(self, case: DunningCase, to: str, cause: str, **changes) -> DunningCase:
        """Claim the move first (only the winner writes to the member), then link and message."""
        claimed = self._save(*case.moved(to, cause, self._clock(), **changes,
                                         next_action_on=self.today() + timedelta(days=self.settings.reminder_interval_days)))
        return case if claimed is None else self._deliver(claimed)

    def _deliver(self, case: DunningCase) -> DunningCase:
        """The link (created once) and the reminder of the case's state. A link Mollie would not create
        leaves the case without one; the next follow-up delivers the reminder then."""
        if case.link_id is None:
            case = self._with_link(case)
        customer = self._customers.get_customer(case.customer_id)
        language = language_of(customer.locale)
        message = reminder(1 if case.state == REMINDER_1 else 2, customer.name or "lid", case.amount, case.period,
                           case.reason_code, case.link_url or "", case.new_mandate, self.settings.association,
                           language)
        status, why = self._postbox.send(self.account, case.state, case.member_reference, customer.email, language,
                                         message)
        self.counts.reminders += 1
        if why:
            self.counts.exceptions.append((case.member_reference, case.period, why))
        return case

    def _with_link(self, case: DunningCase) -> DunningCase:
        first = case.new_mandate
        link = self._links.create_payment_link(
            f"Contributie {case.period}", amount=case.amount, redirect_url=self.settings.redirect_url,
            webhook_url=self.settings.webhook_url, sequence_type="first" if first else None,
            customer_id=case.customer_id if first else None, allowed_methods=["ideal"] if first else None,
            idempotency_key=retry_idempotency_key(self.account, case.member_reference, case.period, 0) + "-link")
        saved = replace(case, link_id=link.id, link_url=link.checkout_url)
        return self.store.save_case(saved, None)

    # -- following up -------------------------------------------------------------------------------
    def follow_up(self) -> None:
        today = self.today()
        for case in self.store.list_cases(self.account, (RETRIED,)):
            if case.retry_payment_id is not None:
                self._isolated(case, self._follow_retried)
        for case in self.store.list_cases(self.account, (REMINDER_1, REMINDER_2, SUSPENDED)):
            self._isolated(case, self._follow_reminded, today)

    def _follow_retried(self, case: DunningCase) -> None:
        payment = self._payments.get_payment(case.retry_payment_id)
        if payment.status.value == "paid":
            self._settle(case, payment.id, payment.paid_at, f"retry {case.retries_done} paid")
        elif payment.status.value in ("failed", "canceled", "expired"):
            code = (payment.details or {}).get("bankReasonCode") or case.reason_code
            self._decide(case, code, amsterdam_day(payment.failed_at or self._clock()), payment.id)

    def _follow_reminded(self, case: DunningCase, today: date) -> None:
        if case.link_id is None and case.state != SUSPENDED:
            self._deliver(case)
            return
        paid = self._link_payment(case)
        if paid is not None:
            note = self._move_to_new_mandate(case, paid.mandate_id) if case.new_mandate else ""
            self._settle(case, paid.id, paid.paid_at, f"paid through the payment link{note}")
        elif case.next_action_on and case.next_action_on <= today and case.state == REMINDER_1:
            self._remind(case, REMINDER_2, "unpaid after the first reminder")
        elif case.next_action_on and case.next_action_on <= today and case.state == REMINDER_2:
            if self._save(*case.moved(SUSPENDED, "unpaid after the second reminder", self._clock(),
                                      next_action_on=None)) is not None:
                self.counts.suspended += 1

    def _move_to_new_mandate(self, case: DunningCase, mandate_id: str | None) -> str:
        """The first payment gave the member a new mandate: the running subscription collects on it from now."""
        if not (mandate_id and case.subscription_id):
            return " with a new mandate"
        try:
            self._subscriptions.update_subscription(case.customer_id, case.subscription_id, mandate_id=mandate_id)
        except ValidationError:
            return " with a new mandate (the subscription has ended)"
        return " with a new mandate, which the subscription now collects on"

    def _link_payment(self, case: DunningCase):
        if not case.link_id or self._links.get_payment_link(case.link_id).paid_at is None:
            return None
        return next((p for p in self._links.iter_link_payments(case.link_id) if p.status.value == "paid"), None)

    def _settle(self, case: DunningCase, payment_id: str, paid_at: datetime | None, cause: str) -> None:
        at = paid_at or self._clock()
        if self._save(*case.moved(PAID, cause, self._clock(), settled_by=payment_id, recovered_at=at,
                                  next_action_on=None)) is not None:
            self.counts.recovered += 1

    # -- the membership ends ------------------------------------------------------------------------
    def cancel_member(self, member_reference: str, cause: str) -> list[DunningCase]:
        """The member left: every open period stops (nothing more is charged) and its link is archived."""
        done = []
        for case in self.store.list_cases(self.account):
            while case.member_reference == member_reference and case.is_open:
                moved = self._cancel(case, cause)
                case = moved or self.store.get_case(*case.key)  # a retry moved it meanwhile: decide again
            if case.member_reference == member_reference:
                done.append(case)
        return done

    def _cancel(self, case: DunningCase, cause: str) -> DunningCase | None:
        moved = self._save(*case.moved(CANCELED, cause, self._clock(), next_action_on=None))
        if moved is not None:
            self.counts.canceled += 1
            if moved.link_id:
                self._links.archive_payment_link(moved.link_id)
        return moved

    def _isolated(self, item, work, *args) -> None:
        """One member's trouble with Mollie (an error, a timeout) is noted and the others go on; the
        case is where it was, so the next run takes it up again."""
        try:
            work(item, *args)
        except MollieError as exc:
            self.counts.errors.append((item.member_reference, item.period, f"{type(exc).__name__}: {exc}"))

    def _save(self, case: DunningCase, transition: Transition) -> DunningCase | None:
        """The new case, or None when another worker moved it first."""
        try:
            return self.store.save_case(case, transition)
        except ConcurrentChange:
            return None
