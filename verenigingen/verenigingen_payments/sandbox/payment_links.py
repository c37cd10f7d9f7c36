"""The Payment Links API (create, get, list, update, delete, a link's payments) and the control trigger
`payment-link.pay`, the member completing a link's checkout.

As Mollie's spec says: a link does not expire unless `expiresAt` is given; a payment is created only
when the customer pays; `reusable: false` (the default) allows one paid payment; an archived or
expired link cannot be paid; `sequenceType: first` (with a `customerId`) sets up a mandate once paid;
only a link without payments can be deleted (else 422). Links live in `World.payment_links`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from .api_payments import req_customer
from .bodies import req_amount, req_choice, req_text, req_url
from .clock import iso
from .errors import ApiError, invalid, not_found
from .lifecycle import create_payment, set_payment_status
from .money import amount
from .render_common import Ctx, doc_link
from .render_payments import render_payment
from .store import METHODS, PAYMENT_STATUSES, SEQUENCE_TYPES, World

LINK_METHODS = ("ideal", "creditcard", "bancontact", "banktransfer", "paypal")
ACTIONS = ("payment-link.pay",)


class LinkError(ValueError):
    pass


def _row(api, ident: str) -> int:
    row = api.world.codec("pl_").decode(ident)
    if row is None or row >= len(api.world.payment_links) or api.world.payment_links[row].get("deleted"):
        raise not_found("payment link", ident)
    return row


def render_link(ctx: Ctx, row: int) -> dict:
    link = ctx.world.payment_links[row]
    lid = ctx.world.codec("pl_").encode(row)
    return {
        "resource": "payment-link", "id": lid, "mode": ctx.mode, "description": link["description"],
        "amount": amount(link["amount"], link["currency"]) if link["amount"] else None,
        "minimumAmount": amount(link["minimum"], link["currency"]) if link["minimum"] else None,
        "archived": link["archived"], "redirectUrl": link["redirectUrl"], "webhookUrl": link["webhookUrl"],
        "profileId": ctx.profile_id, "reusable": link["reusable"], "createdAt": iso(link["created"]),
        "paidAt": iso(link["paid"]) if link["paid"] else None,
        "updatedAt": iso(link["updated"]) if link["updated"] else None,
        "expiresAt": iso(link["expires"]) if link["expires"] else None,
        "allowedMethods": link["allowedMethods"], "sequenceType": link["sequenceType"],
        "customerId": ctx.world.tables["customers"].id(link["customer"]) if link["customer"] >= 0 else None,
        "_links": {"self": ctx.link(f"/payment-links/{lid}"),
                   "paymentLink": {"href": f"https://payment-links.mollie.com/payment/{lid[3:]}", "type": "text/html"},
                   "documentation": doc_link("create-payment-link")},
    }


def _methods(body: dict) -> list | None:
    methods = body.get("allowedMethods")
    if methods is None:
        return None
    if not isinstance(methods, list) or any(m not in LINK_METHODS for m in methods):
        raise invalid("allowedMethods", f"The allowed methods must be a list of: {', '.join(LINK_METHODS)}.")
    return methods or None


def _expires(body: dict) -> int:
    raw = body.get("expiresAt")
    if raw is None:
        return 0
    try:
        moment = datetime.fromisoformat(str(raw))
    except ValueError:
        raise invalid("expiresAt", "The expiry date must be an ISO 8601 date and time.") from None
    if moment.tzinfo is None:
        raise invalid("expiresAt", "The expiry date needs a time zone.")
    return int(moment.timestamp())


def link_create(api, req):
    w = api.world
    body = api.body(req)
    description = req_text(body, "description")
    value = req_amount(body, required=False)
    minimum = req_amount(body, "minimumAmount", required=False)
    if value and minimum:
        raise invalid("minimumAmount", "A minimum amount is only allowed when no amount is given.")
    sequence = req_choice(body, "sequenceType", ("oneoff", "first"), "oneoff")
    customer = req_customer(w, body)
    if sequence == "first" and customer < 0:
        raise invalid("customerId", "A payment link with sequenceType first needs the customer its mandate is for.")
    reusable = body.get("reusable")
    if reusable not in (None, True, False):
        raise invalid("reusable", "The 'reusable' field must be true or false.")
    link = {"description": description, "amount": value[0] if value else 0, "minimum": minimum[0] if minimum else 0,
            "currency": (value or minimum or (0, "EUR"))[1], "archived": False,
            "redirectUrl": req_url(body, "redirectUrl"), "webhookUrl": req_url(body, "webhookUrl"),
            "reusable": bool(reusable), "created": api.now(), "paid": 0, "updated": 0, "expires": _expires(body),
            "allowedMethods": _methods(body), "sequenceType": sequence, "customer": customer, "payments": []}
    with w.lock:
        w.payment_links.append(link)
        row = len(w.payment_links) - 1
    return 201, render_link(api.ctx, row)


def link_get(api, req, link_id):
    return 200, render_link(api.ctx, _row(api, link_id))


def links_list(api, req):
    w = api.world
    rows = [r for r, link in enumerate(w.payment_links) if not link.get("deleted")]
    codec = w.codec("pl_")
    return 200, api.page(req, "/payment-links", rows, codec.decode, codec.encode,
                         lambda r: render_link(api.ctx, r), "payment_links")


def link_update(api, req, link_id):
    """Update payment link: description, minimumAmount, archived, allowedMethods; at least one of them."""
    w = api.world
    row = _row(api, link_id)
    body = api.body(req)
    fields = [f for f in ("description", "minimumAmount", "archived", "allowedMethods") if f in body]
    if not fields:
        raise ApiError(422, "At least one body parameter must be provided")
    link = w.payment_links[row]
    with w.lock:
        if "description" in body:
            link["description"] = req_text(body, "description")
        if "minimumAmount" in body:
            if link["amount"]:
                raise invalid("minimumAmount", "A minimum amount is only allowed when the link has no amount.")
            link["minimum"] = req_amount(body, "minimumAmount")[0]
        if "archived" in body:
            if not isinstance(body["archived"], bool):
                raise invalid("archived", "The 'archived' field must be true or false.")
            link["archived"] = body["archived"]
        if "allowedMethods" in body:
            link["allowedMethods"] = _methods(body)
        link["updated"] = api.now()
    return 200, render_link(api.ctx, row)


def link_delete(api, req, link_id):
    w = api.world
    row = _row(api, link_id)
    with w.lock:
        if w.payment_links[row]["payments"]:
            raise ApiError(422, "Payment link cannot be deleted.")
        w.payment_links[row]["deleted"] = True
    return 204, None


def link_payments(api, req, link_id):
    w = api.world
    row = _row(api, link_id)
    return 200, api.page(req, f"/payment-links/{link_id}/payments", w.payment_links[row]["payments"],
                         w.payments.find, w.payments.id, lambda r: render_payment(api.ctx, r), "payments",
                         keep=("sort",))


def pay_link(world: World, ctx: Ctx, ident: str, body: dict) -> dict:
    """The member pays the link now: a payment is created and paid (`status` "failed" or "canceled" for a
    checkout that did not end in a payment); a first payment gives the customer a new mandate."""
    row = world.codec("pl_").decode(ident)
    if row is None or row >= len(world.payment_links) or world.payment_links[row].get("deleted"):
        raise LinkError(f"no payment link {ident}")
    link = world.payment_links[row]
    if link["archived"]:
        raise LinkError(f"payment link {ident} is archived")
    if link["expires"] and link["expires"] <= world.now:
        raise LinkError(f"payment link {ident} has expired")
    if link["paid"] and not link["reusable"]:
        raise LinkError(f"payment link {ident} is paid and not reusable")
    outcome = body.get("status", "paid")
    if outcome not in ("paid", "failed", "canceled", "expired"):
        raise LinkError('status must be "paid", "failed", "canceled" or "expired"')
    method = body.get("method") or (link["allowedMethods"] or ["ideal"])[0]
    if method not in METHODS or method == "directdebit":
        raise LinkError(f"the emulator pays links by ideal or creditcard, not {method}")
    value = link["amount"] or int(Decimal(str(body.get("amount", "0"))) * 100) or link["minimum"]
    extras = {"description": link["description"], "currency": link["currency"], "paymentLinkId": ident}
    given = {k: body[k] for k in ("consumerName", "consumerAccount", "consumerBic") if body.get(k)}
    if given:
        extras["details"] = given  # the account the member paid from (a first payment's new mandate)
    for key in ("webhookUrl", "redirectUrl"):
        if link[key]:
            extras[key] = link[key]
    payment = create_payment(world, world.now, value, METHODS.index(method),
                             seq=SEQUENCE_TYPES.index(link["sequenceType"]), customer=link["customer"], extras=extras)
    link["payments"].append(payment)
    set_payment_status(world, payment, outcome, world.now)
    if PAYMENT_STATUSES[world.payments["status"][payment]] == "paid":
        link["paid"] = world.now
    return {"paymentLink": render_link(ctx, row), "payment": render_payment(ctx, payment)}


ROUTES = [
    ("/payment-links", "GET", links_list, False),
    ("/payment-links", "POST", link_create, False),
    ("/payment-links/<link_id>", "GET", link_get, False),
    ("/payment-links/<link_id>", "PATCH", link_update, False),
    ("/payment-links/<link_id>", "DELETE", link_delete, False),
    ("/payment-links/<link_id>/payments", "GET", link_payments, False),
]
