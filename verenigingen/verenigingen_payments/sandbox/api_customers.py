"""Customers, mandates and subscriptions (create, get, update, cancel, list per customer and all)."""

from __future__ import annotations

import heapq
import re
from array import array
from datetime import date, datetime

from .api_payments import payment_create
from .bodies import req_amount, req_choice, req_metadata, req_text, req_url
from .clock import AMSTERDAM
from .errors import ApiError, invalid, not_found
from .render_payments import render_customer, render_mandate, render_payment, render_subscription
from .store import MANDATE_STATUSES, SUBSCRIPTION_STATUSES

INTERVAL = re.compile(r"(\d+) (days?|weeks?|months?)", re.ASCII)
IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", re.ASCII)
LOCALES = ("nl_NL", "nl_BE", "en_US", "en_GB", "de_DE", "fr_FR", "fr_BE")


def _customer(api, ident: str) -> int:
    row = api.world.tables["customers"].find(ident)
    if row is None or row in api.world.deleted_customers:
        raise not_found("customer", ident)
    return row


def customers_list(api, req):
    t, deleted = api.world.tables["customers"], api.world.deleted_customers
    rows = [r for r in range(t.n) if r not in deleted] if deleted else range(t.n)
    return 200, api.page(req, "/customers", rows, t.find, t.id, lambda r: render_customer(api.ctx, r), "customers")


def _customer_fields(body: dict, only_given: bool) -> dict:
    """name, email, locale, metadata as on Create customer; `only_given`: those present (an update)."""
    fields = {"name": lambda: req_text(body, "name", required=False),
              "email": lambda: req_text(body, "email", required=False),
              "locale": lambda: req_choice(body, "locale", LOCALES), "metadata": lambda: req_metadata(body)}
    extras = {name: read() for name, read in fields.items() if not only_given or name in body}
    if extras.get("email") and "@" not in extras["email"]:
        raise invalid("email", "The email address is invalid.")
    return extras


def customer_create(api, req):
    extras = _customer_fields(api.body(req), only_given=False)
    with api.world.lock:
        t = api.world.tables["customers"]
        row = t.add(created=api.now(), member=t.n)
        t.extras[row] = extras
    return 201, render_customer(api.ctx, row)


def customer_get(api, req, customer_id):
    return 200, render_customer(api.ctx, _customer(api, customer_id))


def customer_update(api, req, customer_id):
    row = _customer(api, customer_id)
    changes = _customer_fields(api.body(req), only_given=True)
    with api.world.lock:
        current = {k: v for k, v in render_customer(api.ctx, row).items() if k in ("name", "email", "locale", "metadata")}
        api.world.tables["customers"].extras[row] = {**current, **changes}
    return 200, render_customer(api.ctx, row)


def customer_delete(api, req, customer_id):
    """Mollie: "All mandates and subscriptions created for this customer will be canceled as well."
    The customer answers 404 from then on; its payments stay."""
    w = api.world
    row = _customer(api, customer_id)
    with w.lock:
        for m in w.mandates_of.get(row, []):
            w.tables["mandates"]["status"][m] = MANDATE_STATUSES.index("invalid")
        subs = w.tables["subscriptions"]
        for s in w.subscriptions_of.get(row, []):
            if SUBSCRIPTION_STATUSES[subs["status"][s]] not in ("canceled", "completed"):
                subs["status"][s] = SUBSCRIPTION_STATUSES.index("canceled")
                subs["canceled"][s] = api.now()
        w.deleted_customers.add(row)
    return 204, None


def customer_payments(api, req, customer_id):
    row = _customer(api, customer_id)
    p = api.world.payments
    return 200, api.page(req, f"/customers/{customer_id}/payments", api.world.by_customer.get(row, array("i")),
                         p.find, p.id, lambda r: render_payment(api.ctx, r), "payments", keep=("sort",))


def customer_payment_create(api, req, customer_id):
    """Create customer payment: Create payment with the path's customer as `customerId`."""
    _customer(api, customer_id)
    return payment_create(api, req, customer_id=customer_id)


def _mandate(api, customer: int, ident: str) -> int:
    m = api.world.tables["mandates"].find(ident)
    if m is None or api.world.tables["mandates"]["customer"][m] != customer:
        raise not_found("mandate", ident)
    return m


def mandates_list(api, req, customer_id):
    row = _customer(api, customer_id)
    t = api.world.tables["mandates"]
    return 200, api.page(req, f"/customers/{customer_id}/mandates", api.world.mandates_of.get(row, []), t.find, t.id,
                         lambda r: render_mandate(api.ctx, r), "mandates")


def mandate_create(api, req, customer_id):
    row = _customer(api, customer_id)
    body = api.body(req)
    req_choice(body, "method", ("directdebit",))
    if body.get("method") is None:
        raise invalid("method", "The 'method' field is required (directdebit).")
    extras = {"consumerName": req_text(body, "consumerName")}
    account = req_text(body, "consumerAccount").replace(" ", "").upper()
    if not IBAN.fullmatch(account):
        raise invalid("consumerAccount", "The consumer account is not a valid IBAN.")
    extras["consumerAccount"] = account
    if body.get("mandateReference"):
        extras["mandateReference"] = req_text(body, "mandateReference", max_len=35)
    with api.world.lock:
        t = api.world.tables["mandates"]
        m = t.add(created=api.now(), customer=row, status=0, method=0)
        t.extras[m] = extras
        api.world.mandates_of.setdefault(row, []).append(m)
    return 201, render_mandate(api.ctx, m)


def mandate_get(api, req, customer_id, mandate_id):
    return 200, render_mandate(api.ctx, _mandate(api, _customer(api, customer_id), mandate_id))


def mandate_revoke(api, req, customer_id, mandate_id):
    m = _mandate(api, _customer(api, customer_id), mandate_id)
    with api.world.lock:
        api.world.tables["mandates"]["status"][m] = MANDATE_STATUSES.index("invalid")
    return 204, None


def _subscription(api, customer: int, ident: str) -> int:
    s = api.world.tables["subscriptions"].find(ident)
    if s is None or api.world.tables["subscriptions"]["customer"][s] != customer:
        raise not_found("subscription", ident)
    return s


def subscriptions_list(api, req, customer_id):
    row = _customer(api, customer_id)
    t = api.world.tables["subscriptions"]
    return 200, api.page(req, f"/customers/{customer_id}/subscriptions", api.world.subscriptions_of.get(row, []),
                         t.find, t.id, lambda r: render_subscription(api.ctx, r), "subscriptions")


def subscriptions_all(api, req):
    t = api.world.tables["subscriptions"]
    return 200, api.page(req, "/subscriptions", range(t.n), t.find, t.id, lambda r: render_subscription(api.ctx, r),
                         "subscriptions")


def _interval_months(body: dict) -> tuple[str, int]:
    interval = req_text(body, "interval")
    match = INTERVAL.fullmatch(interval)
    if not match or int(match.group(1)) < 1:
        raise invalid("interval", "The interval is invalid, e.g. '1 month', '14 days', '2 weeks'.")
    n, unit = int(match.group(1)), match.group(2)
    return interval, (n if unit.startswith("month") else 0)


def _start_date(body: dict, now: int) -> int:
    raw = body.get("startDate")
    if raw is None:
        return now
    try:
        d = date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        d = None
    if d is None:
        raise invalid("startDate", "The start date must be a date in YYYY-MM-DD format.")
    start = int(datetime(d.year, d.month, d.day, 9, tzinfo=AMSTERDAM).timestamp())
    return max(start, now)


def subscription_create(api, req, customer_id):
    w = api.world
    row = _customer(api, customer_id)
    body = api.body(req)
    value, currency = req_amount(body)
    interval, months = _interval_months(body)
    extras = {"description": req_text(body, "description"), "interval": interval, "currency": currency,
              "webhookUrl": req_url(body, "webhookUrl"), "metadata": req_metadata(body), "method": None}
    times = body.get("times")
    if times is not None and (not isinstance(times, int) or times < 1):
        raise invalid("times", "The 'times' must be a positive integer.")
    extras["times"] = times
    mandates = w.tables["mandates"]
    valid = [m for m in w.mandates_of.get(row, []) if MANDATE_STATUSES[mandates["status"][m]] == "valid"]
    mandate = valid[-1] if valid else -1
    if body.get("mandateId") is not None:
        mandate = w.tables["mandates"].find(body["mandateId"])
        if mandate is None or mandate not in valid:
            raise invalid("mandateId", "The mandate is invalid or not valid.")
    if mandate < 0:
        raise invalid("customerId", "The customer has no valid mandate.")
    with w.lock:
        for s in w.subscriptions_of.get(row, []):
            if w.tables["subscriptions"].extras.get(s, {}).get("description") == extras["description"] \
                    and SUBSCRIPTION_STATUSES[w.tables["subscriptions"]["status"][s]] in ("active", "pending"):
                raise invalid("description", "The description must be unique among the customer's active subscriptions.")
        start = _start_date(body, api.now())
        t = w.tables["subscriptions"]
        s = t.add(created=api.now(), customer=row, mandate=mandate, amount=value, months=max(months, 1), start=start,
                  status=SUBSCRIPTION_STATUSES.index("active"), canceled=0, next=start)
        t.extras[s] = extras
        w.subscriptions_of.setdefault(row, []).append(s)
        heapq.heappush(w.schedule, (start, "charge-subscription", s))
    return 201, render_subscription(api.ctx, s)


def subscription_get(api, req, customer_id, subscription_id):
    return 200, render_subscription(api.ctx, _subscription(api, _customer(api, customer_id), subscription_id))


def subscription_update(api, req, customer_id, subscription_id):
    w = api.world
    customer = _customer(api, customer_id)
    s = _subscription(api, customer, subscription_id)
    body = api.body(req)
    t = w.tables["subscriptions"]
    if SUBSCRIPTION_STATUSES[t["status"][s]] in ("canceled", "completed"):
        raise ApiError(422, "The subscription is canceled or completed and cannot be updated.", field="status")
    with w.lock:
        extras = t.extras.setdefault(s, {})
        if "amount" in body:
            t["amount"][s] = req_amount(body)[0]
        if "interval" in body:
            extras["interval"], t["months"][s] = _interval_months(body)
            t["months"][s] = max(t["months"][s], 1)
        for field in ("description",):
            if field in body:
                extras[field] = req_text(body, field)
        if "webhookUrl" in body:
            extras["webhookUrl"] = req_url(body, "webhookUrl")
        if "metadata" in body:
            extras["metadata"] = req_metadata(body)
        if "mandateId" in body:  # e.g. the new mandate of a first payment after the old one died
            m = w.tables["mandates"].find(body["mandateId"])
            if m is None or m not in w.mandates_of.get(customer, []):
                raise invalid("mandateId", f"The mandate id {body['mandateId']} is invalid.")
            if MANDATE_STATUSES[w.tables["mandates"]["status"][m]] != "valid":
                raise invalid("mandateId", "The mandate is not valid.")
            t["mandate"][s] = m
        if "startDate" in body:
            t["start"][s] = t["next"][s] = _start_date(body, api.now())
            heapq.heappush(w.schedule, (t["next"][s], "charge-subscription", s))
    return 200, render_subscription(api.ctx, s)


def subscription_cancel(api, req, customer_id, subscription_id):
    s = _subscription(api, _customer(api, customer_id), subscription_id)
    t = api.world.tables["subscriptions"]
    with api.world.lock:
        if SUBSCRIPTION_STATUSES[t["status"][s]] == "canceled":
            raise ApiError(422, "The subscription has already been canceled.", field="status")
        t["status"][s] = SUBSCRIPTION_STATUSES.index("canceled")
        t["canceled"][s] = api.now()
    return 200, render_subscription(api.ctx, s)


def subscription_payments(api, req, customer_id, subscription_id):
    s = _subscription(api, _customer(api, customer_id), subscription_id)
    p = api.world.payments
    return 200, api.page(req, f"/customers/{customer_id}/subscriptions/{subscription_id}/payments",
                         api.world.by_subscription.get(s, array("i")), p.find, p.id,
                         lambda r: render_payment(api.ctx, r), "payments")


ROUTES = [
    ("/customers", "GET", customers_list, False),
    ("/customers", "POST", customer_create, False),
    ("/customers/<customer_id>", "GET", customer_get, False),
    ("/customers/<customer_id>", "PATCH", customer_update, False),
    ("/customers/<customer_id>", "DELETE", customer_delete, False),
    ("/customers/<customer_id>/payments", "GET", customer_payments, False),
    ("/customers/<customer_id>/payments", "POST", customer_payment_create, False),
    ("/customers/<customer_id>/mandates", "GET", mandates_list, False),
    ("/customers/<customer_id>/mandates", "POST", mandate_create, False),
    ("/customers/<customer_id>/mandates/<mandate_id>", "GET", mandate_get, False),
    ("/customers/<customer_id>/mandates/<mandate_id>", "DELETE", mandate_revoke, False),
    ("/customers/<customer_id>/subscriptions", "GET", subscriptions_list, False),
    ("/customers/<customer_id>/subscriptions", "POST", subscription_create, False),
    ("/customers/<customer_id>/subscriptions/<subscription_id>", "GET", subscription_get, False),
    ("/customers/<customer_id>/subscriptions/<subscription_id>", "PATCH", subscription_update, False),
    ("/customers/<customer_id>/subscriptions/<subscription_id>", "DELETE", subscription_cancel, False),
    ("/customers/<customer_id>/subscriptions/<subscription_id>/payments", "GET", subscription_payments, False),
    ("/subscriptions", "GET", subscriptions_all, False),
]
