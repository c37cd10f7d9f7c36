"""Which rows of a site name one data subject (a Mollie customer, optionally a member reference):
the finding half of GDPR export and erasure (`gdpr.service`).

A subject is found by `customer_id` and `member_reference` in the ledger and the subscriptions; the
Mollie ids those rows carry (payments, subscriptions, mandates, chargebacks) then find the dispute
cases and the webhook deliveries about them; the collections' dunning cases (with their transitions) and
pre-notifications are found by customer and member. Webhook rows are matched by `resource_id`/`parent_id`,
and by the customer id inside a body stored in clear (encrypted bodies are matched by ids only).
Money is read as exact text (`CAST … AS CHAR`): Frappe's driver would turn DECIMAL into float.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import frappe

from verenigingen.verenigingen_payments.core.input_limits import CUSTOMER_ID, MEMBER_REFERENCE

PAYMENT = "Mollie Payment"
SUBSCRIPTION = "Mollie Subscription"
SUBSCRIPTION_PAYMENT = "Mollie Subscription Payment"
SUBSCRIPTION_EVENT = "Mollie Subscription Event"
SUBSCRIPTION_DRIFT = "Mollie Subscription Drift"
DISPUTE_CASE = "Dispute Case"
DISPUTE_EVIDENCE = "Dispute Evidence"
WEBHOOK_LOG = "Mollie Webhook Log"
DUNNING_CASE = "Mollie Dunning Case"
DUNNING_TRANSITION = "Mollie Dunning Transition"
PRE_NOTIFICATION = "Mollie Pre-notification"

MONEY_COLUMNS = {
    PAYMENT: ("amount",),
    SUBSCRIPTION: ("amount",),
    SUBSCRIPTION_PAYMENT: ("amount", "amount_charged_back", "amount_refunded"),
    DISPUTE_CASE: ("amount", "settlement_amount"),
    DUNNING_CASE: ("amount",),
    PRE_NOTIFICATION: ("amount",),
}


@dataclass(frozen=True)
class Subject:
    customer_id: str
    member_reference: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.customer_id, str) or not CUSTOMER_ID.fullmatch(self.customer_id):
            raise ValueError(f"customer_id: {self.customer_id!r} is not a Mollie customer id (cst_…)")
        if self.member_reference is not None and not MEMBER_REFERENCE.fullmatch(self.member_reference):
            raise ValueError(f"member_reference: {self.member_reference!r} is not a member reference")


@dataclass
class SubjectRecords:
    """Names (per DocType) of every row that names the subject, and the identifiers found on the way."""

    rows: dict[str, list[str]] = field(default_factory=dict)
    member_references: set[str] = field(default_factory=set)
    mollie_ids: set[str] = field(default_factory=set)

    def names(self, doctype: str) -> list[str]:
        return self.rows.get(doctype, [])

    def counts(self) -> dict[str, int]:
        return {doctype: len(names) for doctype, names in self.rows.items()}


def _names(doctype: str, conditions: list[tuple[str, object]]) -> list[str]:
    """Names of rows matching any (column, value-or-values) condition; empty values match nothing."""
    clauses, values = [], {}
    for n, (column, value) in enumerate(conditions):
        listed = sorted(value) if isinstance(value, (set, list, tuple)) else [value]
        listed = [v for v in listed if v]
        if listed:
            clauses.append(f"`{column}` in %(v{n})s")
            values[f"v{n}"] = tuple(listed)
    if not clauses:
        return []
    return frappe.db.sql_list(f"select name from `tab{doctype}` where {' or '.join(clauses)} order by name", values)


def find_subject_records(subject: Subject) -> SubjectRecords:
    found = SubjectRecords()
    members = {subject.member_reference} - {None}
    subscriptions = _names(SUBSCRIPTION, [("customer_id", subject.customer_id), ("member_reference", members)])
    members |= _column_values(SUBSCRIPTION, subscriptions, ("member_reference",))
    payments = _names(PAYMENT, [("customer_id", subject.customer_id), ("member_reference", members)])
    sub_payments = _names(SUBSCRIPTION_PAYMENT, [("subscription", subscriptions), ("member_reference", members)])
    found.rows[PAYMENT] = payments
    found.rows[SUBSCRIPTION] = subscriptions
    found.rows[SUBSCRIPTION_PAYMENT] = sub_payments
    found.rows[SUBSCRIPTION_EVENT] = _names(SUBSCRIPTION_EVENT, [("subscription", subscriptions),
                                                                 ("member_reference", members)])
    found.rows[SUBSCRIPTION_DRIFT] = _names(SUBSCRIPTION_DRIFT, [("subscription", subscriptions),
                                                                 ("member_reference", members)])
    ids = {subject.customer_id}
    ids |= _column_values(PAYMENT, payments, ("payment_id", "mandate_id", "subscription_id"))
    ids |= _column_values(SUBSCRIPTION, subscriptions,
                          ("subscription_id", "mandate_id", "first_payment_id", "last_payment_id"))
    ids |= _column_values(SUBSCRIPTION_PAYMENT, sub_payments, ("payment_id",))
    cases = _names(DISPUTE_CASE, [("customer_id", subject.customer_id), ("member_reference", members),
                                  ("payment_id", ids)])
    ids |= _column_values(DISPUTE_CASE, cases, ("chargeback_id", "payment_id", "recovery_payment_id"))
    found.rows[DISPUTE_CASE] = cases
    found.rows[DISPUTE_EVIDENCE] = _names(DISPUTE_EVIDENCE, [("dispute_case", cases)])
    found.rows[WEBHOOK_LOG] = _webhook_rows(subject.customer_id, ids)
    dunning = _names(DUNNING_CASE, [("customer_id", subject.customer_id), ("member_reference", members)])
    found.rows[DUNNING_CASE] = dunning
    members |= _column_values(DUNNING_CASE, dunning, ("member_reference",))
    found.rows[DUNNING_TRANSITION] = _names(DUNNING_TRANSITION, [("parent", dunning)])
    found.rows[PRE_NOTIFICATION] = _names(PRE_NOTIFICATION, [("customer_id", subject.customer_id),
                                                             ("member_reference", members)])
    found.member_references = members
    found.mollie_ids = ids
    return found


def _column_values(doctype: str, names: list[str], columns: tuple[str, ...]) -> set[str]:
    if not names:
        return set()
    selected = ", ".join(f"`{c}`" for c in columns)
    rows = frappe.db.sql(f"select {selected} from `tab{doctype}` where name in %(n)s", {"n": tuple(names)})
    return {value for row in rows for value in row if value}


def _webhook_rows(customer_id: str, ids: set[str]) -> list[str]:
    by_id = _names(WEBHOOK_LOG, [("resource_id", ids), ("parent_id", ids)])
    in_clear_body = frappe.db.sql_list(
        f"select name from `tab{WEBHOOK_LOG}` where body_encrypted=0 and body like %(needle)s",
        {"needle": f"%{customer_id}%"})
    return sorted(set(by_id) | set(in_clear_body))


def read_rows(doctype: str, names: list[str]) -> list[dict]:
    """Every column of the rows, money as exact text, datetimes as ISO text in the site's time zone."""
    if not names:
        return []
    money = MONEY_COLUMNS.get(doctype, ())
    extra = "".join(f", cast(`{c}` as char) as `__{c}`" for c in money)
    rows = frappe.db.sql(f"select *{extra} from `tab{doctype}` where name in %(n)s order by name",
                         {"n": tuple(names)}, as_dict=True)
    result = []
    for row in rows:
        for column in money:
            row[column] = row.pop(f"__{column}")
        result.append({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()})
    return result
