"""`CollectionStore` on the Mollie Dunning Case (with its Mollie Dunning Transition rows) and Mollie
Pre-notification DocTypes.

A case is named by its account, member and period, so the primary key keeps one case per period: a
concurrent `open_case` fails with a duplicate entry and reads the winner's row. `save_case` is a
compare-and-set on `version` under `SELECT … FOR UPDATE`, written with its transition in the same
transaction; with `commit=True` (the daily job, `bench mollie collections --run`) every write is
committed at once, so a retry claimed before its payment is created stays claimed whatever happens
next, and a worker never holds a case's row lock longer than one write. A pre-notification is named by
its account, collection and version, so the same version is never stored (or sent) twice; it is committed
with the email queue row that announces it (a second worker's insert waits on the name, then finds it).

The outbox of member messages belongs outside a site: here messages go on Frappe's email queue
(`email_postbox`), so the outbox is always empty. A member who could not be reached is flagged on the
case instead (`flag_unreached`), for the desk to list.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import frappe

from verenigingen.verenigingen_payments.collection.dunning import ConcurrentChange, DunningCase, Transition
from verenigingen.verenigingen_payments.collection.store import OutboxMessage, PreNotification
from verenigingen.verenigingen_payments.core.models.money import Amount, currency_quantum
from verenigingen.verenigingen_payments.disputes.reason_codes import explain_reason
from verenigingen.verenigingen_payments.frappe_integration.common.site_time import from_site_value, to_site_naive

CASE = "Mollie Dunning Case"
TRANSITION = "Mollie Dunning Transition"
NOTICE = "Mollie Pre-notification"
_CASE_DATA = ("member_reference", "period", "state", "reason_code", "decision", "customer_id", "failed_payment_id",
              "failure_kind", "failed_on", "subscription_id", "mandate_id", "retries_done", "next_action_on",
              "retry_payment_id", "link_id", "link_url", "settled_by", "version")
_CASE_TIMES = ("opened_at", "updated_at", "recovered_at")
_NOTICE_DATA = ("subscription_id", "collection_key", "member_reference", "customer_id", "collection_date",
                "mandate_id", "mandate_reference", "creditor_id", "status", "change", "detail", "payment_id")


def record_name(*parts: str) -> str:
    """Readable where it fits Frappe's 140 characters, a stable hash where it does not."""
    name = ":".join(parts)
    return name if len(name) <= 140 else f"{parts[0][:60]}:h-{hashlib.sha256(name.encode()).hexdigest()[:40]}"


def _amount(value, currency: str) -> Amount:
    return Amount(Decimal(str(value)).quantize(currency_quantum(currency)), currency)


def _case_values(case: DunningCase) -> dict:
    values = {name: getattr(case, name) for name in _CASE_DATA}
    values.update({name: to_site_naive(getattr(case, name)) for name in _CASE_TIMES})
    values.update(settings_name=case.account, amount=case.amount.value, currency=case.amount.currency,
                  new_mandate=int(case.new_mandate), reason=explain_reason(case.reason_code).title if case.reason_code
                  else "", decision=case.decision or None)
    return values


def _case(row) -> DunningCase:
    return DunningCase(
        account=row.settings_name, member_reference=row.member_reference, period=row.period, state=row.state,
        reason_code=row.reason_code or "", decision=row.decision or "", amount=_amount(row.amount, row.currency),
        customer_id=row.customer_id, failed_payment_id=row.failed_payment_id, failure_kind=row.failure_kind,
        failed_on=frappe.utils.getdate(row.failed_on), opened_at=from_site_value(row.opened_at),
        updated_at=from_site_value(row.updated_at), subscription_id=row.subscription_id or None,
        mandate_id=row.mandate_id or None, retries_done=int(row.retries_done or 0),
        next_action_on=frappe.utils.getdate(row.next_action_on) if row.next_action_on else None,
        retry_payment_id=row.retry_payment_id or None, link_id=row.link_id or None, link_url=row.link_url or None,
        new_mandate=bool(row.new_mandate), settled_by=row.settled_by or None,
        recovered_at=from_site_value(row.recovered_at), version=int(row.version or 0))


def _transition_values(t: Transition) -> dict:
    return {"from_state": t.from_state, "to_state": t.to_state, "cause": t.cause, "at": to_site_naive(t.at)}


def _notice(row) -> PreNotification:
    return PreNotification(
        account=row.settings_name, subscription_id=row.subscription_id, collection_key=row.collection_key,
        version=int(row.notice_version), member_reference=row.member_reference, customer_id=row.customer_id,
        collection_date=frappe.utils.getdate(row.collection_date), amount=_amount(row.amount, row.currency),
        mandate_id=row.mandate_id, mandate_reference=row.mandate_reference, creditor_id=row.creditor_id,
        status=row.status, change=row.change or "", created_at=from_site_value(row.created_at),
        detail=row.detail or "", payment_id=row.payment_id or None)


class FrappeCollectionStore:
    def __init__(self, *, commit: bool = True) -> None:
        self._commit = commit

    def _done(self) -> None:
        if self._commit:
            frappe.db.commit()  # noqa: a claimed retry or a sent notice must outlive whatever follows

    # -- dunning cases ------------------------------------------------------------------------------
    def open_case(self, case: DunningCase, transition: Transition) -> tuple[DunningCase, bool]:
        existing = self.get_case(*case.key)
        if existing is not None:
            return existing, False
        name = record_name(*case.key)
        doc = frappe.get_doc({"doctype": CASE, "case_key": name, **_case_values(case),
                              "transitions": [_transition_values(transition)]})
        try:
            doc.insert(ignore_permissions=True)
        except frappe.DuplicateEntryError:  # MariaDB undoes the statement only; nothing else was written
            winner = self.get_case(*case.key)
            if winner is None:
                raise
            return winner, False
        self._done()
        return case, True

    def get_case(self, account: str, member_reference: str, period: str) -> DunningCase | None:
        rows = frappe.get_all(CASE, filters={"name": record_name(account, member_reference, period)}, fields=["*"])
        return _case(rows[0]) if rows else None

    def save_case(self, case: DunningCase, transition: Transition | None) -> DunningCase:
        name = record_name(*case.key)
        stored = frappe.db.get_value(CASE, name, "version", for_update=True)
        if stored is None or int(stored) != case.version:
            self._done()  # release the row lock the read took
            raise ConcurrentChange(f"{case.member_reference} {case.period} changed since version {case.version}")
        saved = replace(case, version=case.version + 1)
        frappe.db.set_value(CASE, name, _case_values(saved), update_modified=True)
        if transition is not None:
            row = frappe.get_doc({"doctype": TRANSITION, "parent": name, "parenttype": CASE, "parentfield": "transitions",
                                  "idx": frappe.db.count(TRANSITION, {"parent": name, "parenttype": CASE}) + 1,
                                  **_transition_values(transition)})
            row.db_insert()
        self._done()
        return saved

    def list_cases(self, account: str, states: tuple[str, ...] | None = None) -> list[DunningCase]:
        filters: dict = {"settings_name": account}
        if states is not None:
            filters["state"] = ["in", list(states)]
        return [_case(r) for r in frappe.get_all(CASE, filters=filters, fields=["*"],
                                                 order_by="period asc, member_reference asc")]

    def transitions(self, account: str, member_reference: str | None = None,
                    period: str | None = None) -> list[Transition]:
        conditions, values = ["c.settings_name = %(account)s"], {"account": account}
        for field, value in (("member_reference", member_reference), ("period", period)):
            if value is not None:
                conditions.append(f"c.{field} = %({field})s")
                values[field] = value
        rows = frappe.db.sql(
            f"""select c.settings_name, c.member_reference, c.period, t.from_state, t.to_state, t.cause, t.at
                from `tab{TRANSITION}` t join `tab{CASE}` c on c.name = t.parent and t.parenttype = %(case)s
                where {' and '.join(conditions)} order by t.at, t.parent, t.idx""",
            {**values, "case": CASE}, as_dict=True)
        return [Transition(r.settings_name, r.member_reference, r.period, r.from_state or "", r.to_state, r.cause or "",
                           from_site_value(r.at)) for r in rows]

    def flag_unreached(self, account: str, member_reference: str, period: str, why: str) -> None:
        """A reminder of the case could not go out (no email address, or it bounced): listed on the desk
        (Member Not Reached) until staff have reached the member another way and cleared it."""
        name = record_name(account, member_reference, period)
        if frappe.db.exists(CASE, name):
            frappe.db.set_value(CASE, name, {"unreached": 1, "unreached_reason": why[:140]}, update_modified=False)
            self._done()

    # -- outbox (outside a site only) ---------------------------------------------------------------
    def add_message(self, message: OutboxMessage) -> OutboxMessage:
        raise NotImplementedError("in a site member messages go on the email queue (FrappeEmailPostbox)")

    def outbox(self, account: str, unprinted_only: bool = False) -> list[OutboxMessage]:
        return []

    def mark_printed(self, message_ids: list[int], at: datetime) -> None:
        return None

    # -- pre-notifications --------------------------------------------------------------------------
    def latest_notification(self, account: str, collection_key: str) -> PreNotification | None:
        rows = frappe.get_all(NOTICE, filters={"settings_name": account, "collection_key": collection_key},
                              fields=["*"], order_by="notice_version desc", limit=1)
        return _notice(rows[0]) if rows else None

    def add_notification(self, notification: PreNotification) -> bool:
        """False when this version of the collection's notification exists already (another run sent it)."""
        n = notification
        name = record_name(n.account, n.collection_key, f"v{n.version}")
        doc = frappe.get_doc({"doctype": NOTICE, "notification_key": name, "settings_name": n.account,
                              "notice_version": n.version, "amount": n.amount.value, "currency": n.amount.currency,
                              "created_at": to_site_naive(n.created_at),
                              **{f: getattr(n, f) for f in _NOTICE_DATA}})
        try:
            doc.insert(ignore_permissions=True)
        except frappe.DuplicateEntryError:
            return False
        return True  # not committed yet: the next commit takes it together with the email it announces

    def link_notification_payment(self, account: str, collection_key: str, payment_id: str) -> None:
        frappe.db.set_value(NOTICE, {"settings_name": account, "collection_key": collection_key}, "payment_id", payment_id,
                            update_modified=False)
        self._done()

    def notifications(self, account: str) -> list[PreNotification]:
        rows = frappe.get_all(NOTICE, filters={"settings_name": account}, fields=["*"],
                              order_by="collection_date asc, collection_key asc, notice_version asc")
        return [_notice(r) for r in rows]
