"""Payments-side endpoints: payments (create, get, list, update, cancel), refunds (create, get, list,
cancel), chargebacks and captures (create, get, list)."""

from __future__ import annotations

from .bodies import req_amount, req_choice, req_metadata, req_text, req_url
from .errors import ApiError, invalid, not_found
from .lifecycle import (
    cancel_refund,
    capture_payment,
    create_payment,
    create_refund,
    is_manual_capture,
    refundable,
    set_payment_status,
)
from .render_payments import render_capture, render_chargeback, render_payment, render_refund
from .store import CAPTURE_MODES, MANDATE_STATUSES, METHODS, PAYMENT_STATUSES, REFUND_STATUSES, SEQUENCE_TYPES

LOCALES = ("en_US", "en_GB", "nl_NL", "nl_BE", "de_DE", "de_AT", "de_CH", "fr_FR", "fr_BE", "es_ES", "ca_ES",
           "pt_PT", "it_IT", "nb_NO", "sv_SE", "fi_FI", "da_DK", "is_IS", "hu_HU", "pl_PL", "lv_LV", "lt_LT")
#: What an open payment's checkout still uses; Mollie lets these change only while the payment is open.
CHECKOUT_FIELDS = ("redirectUrl", "cancelUrl", "method", "locale", "restrictPaymentMethodsToCountry")
#: Of the emulator's methods, those that can place a hold (Mollie: cards, Klarna, Billie, Riverty …).
MANUAL_CAPTURE_METHODS = ("creditcard",)


def req_customer(w, body: dict) -> int:
    """The row of the customer `customerId` names, -1 when none is given; 422 for one Mollie does not know."""
    if body.get("customerId") is None:
        return -1
    customer = w.tables["customers"].find(body["customerId"])
    if customer is None or customer in w.deleted_customers:
        raise invalid("customerId", f"The customer id {body['customerId']} is invalid.")
    return customer


def _payment(api, ident: str) -> int:
    row = api.world.payments.find(ident)
    if row is None:
        raise not_found("payment", ident)
    return row


def _of_payment(api, table: str, payment_id: str, ident: str) -> int:
    """The row of `ident` in `table` ("refunds", "chargebacks", "captures"); 404 unless it is the payment's."""
    row = _payment(api, payment_id)
    t = api.world.tables[table]
    found = t.find(ident)
    if found is None or t["payment"][found] != row:
        raise not_found(table[:-1], ident)
    return found


def payments_list(api, req):
    p = api.world.payments
    return 200, api.page(req, "/payments", range(p.n), p.find, p.id, lambda r: render_payment(api.ctx, r), "payments",
                         keep=("sort",))


def payment_create(api, req, customer_id: str | None = None):
    """Create payment; `customer_id` comes from the path of Create customer payment (an alias)."""
    w = api.world
    body = api.body(req)
    if customer_id is not None:
        body["customerId"] = customer_id
    value, currency = req_amount(body)
    extras = {"description": req_text(body, "description"), "currency": currency,
              "webhookUrl": req_url(body, "webhookUrl"), "metadata": req_metadata(body)}
    seq = req_choice(body, "sequenceType", SEQUENCE_TYPES, "oneoff")
    extras["redirectUrl"] = req_url(body, "redirectUrl", required=seq != "recurring")
    method = req_choice(body, "method", METHODS)
    customer, mandate = req_customer(w, body), -1
    if seq == "first" and customer < 0:
        raise invalid("customerId", "A first payment needs a customerId: its mandate is created for that customer.")
    if seq == "first" and method == "directdebit":
        raise invalid("method", "A first payment cannot be paid by direct debit; use e.g. ideal.")
    if seq == "recurring":
        if customer < 0:
            raise invalid("customerId", "A recurring payment needs a customerId.")
        valid = [m for m in w.mandates_of.get(customer, []) if MANDATE_STATUSES[w.tables["mandates"]["status"][m]] == "valid"]
        if body.get("mandateId") is not None:
            mandate = w.tables["mandates"].find(body["mandateId"])
            if mandate is None or mandate not in w.mandates_of.get(customer, []):
                raise invalid("mandateId", f"The mandate id {body['mandateId']} is invalid.")
            if mandate not in valid:
                raise invalid("mandateId", "The mandate is not valid.")
        elif not valid:
            raise invalid("customerId", "The customer has no valid mandate.")
        else:
            mandate = valid[-1]
        method = "directdebit"
    if _capture_mode(body, method, seq) == "manual":
        extras["captureMode"] = "manual"
    code = METHODS.index(method) if method else -1
    with w.lock:
        row = create_payment(w, api.now(), value, code, seq=SEQUENCE_TYPES.index(seq), customer=customer,
                             mandate=mandate, extras={k: v for k, v in extras.items() if v is not None},
                             status="pending" if seq == "recurring" else "open")
        if seq == "recurring" and w.collections is not None:
            w.collections.recurring_created(w, row, api.now())
    return 201, render_payment(api.ctx, row)


def _capture_mode(body: dict, method: str | None, seq: str) -> str:
    """`captureMode: manual` places a hold: only for one-off payments by a method that can do so (no
    method given: the customer pays by card). `captureDelay` (delayed automatic capture) is not emulated."""
    mode = req_choice(body, "captureMode", CAPTURE_MODES, "automatic")
    if body.get("captureDelay") is not None:
        raise invalid("captureDelay", "The emulator does not schedule delayed automatic captures.")
    if mode == "manual" and (seq != "oneoff" or method not in (None, *MANUAL_CAPTURE_METHODS)):
        raise invalid("captureMode", f"Manual capture is not available for {method or seq} payments; "
                                     f"use a one-off payment with method {' or '.join(MANUAL_CAPTURE_METHODS)}.")
    return mode


def payment_get(api, req, payment_id):
    return 200, render_payment(api.ctx, _payment(api, payment_id))


def payment_update(api, req, payment_id):
    """Update payment: description, redirectUrl, cancelUrl, webhookUrl, metadata at any time; the
    checkout fields only while the payment is open. Unknown fields are ignored, as Mollie does."""
    w = api.world
    row = _payment(api, payment_id)
    body = api.body(req)
    status = PAYMENT_STATUSES[w.payments["status"][row]]
    changes: dict = {}
    if "description" in body:
        changes["description"] = req_text(body, "description")
    for field in ("redirectUrl", "cancelUrl", "webhookUrl"):
        if field in body:
            changes[field] = req_url(body, field, required=field == "redirectUrl"
                                     and w.payments["seq"][row] != SEQUENCE_TYPES.index("recurring"))
    if "metadata" in body:
        changes["metadata"] = req_metadata(body)
    if "locale" in body:
        changes["locale"] = req_choice(body, "locale", LOCALES)
    method = req_choice(body, "method", tuple(m for m in METHODS if m != "directdebit"))
    if method and is_manual_capture(w, row) and method not in MANUAL_CAPTURE_METHODS:
        raise invalid("method", f"A payment with captureMode manual cannot be paid by {method}.")
    if "restrictPaymentMethodsToCountry" in body:
        country = body["restrictPaymentMethodsToCountry"]
        if not (isinstance(country, str) and len(country) == 2 and country.isalpha() and country.isupper()):
            raise invalid("restrictPaymentMethodsToCountry", "The country must be an ISO 3166-1 alpha-2 code.")
        changes["restrictPaymentMethodsToCountry"] = country
    touched = [f for f in CHECKOUT_FIELDS if f in changes or (f == "method" and method)]
    if touched and status != "open":
        raise invalid(touched[0], f"The '{touched[0]}' of a payment can only be updated while it is open; it is {status}.")
    with w.lock:
        w.payments.extras.setdefault(row, {}).update(changes)
        if method:
            w.payments["method"][row] = METHODS.index(method)
    return 200, render_payment(api.ctx, row)


def payment_cancel(api, req, payment_id):
    row = _payment(api, payment_id)
    with api.world.lock:
        if PAYMENT_STATUSES[api.world.payments["status"][row]] != "open":
            raise ApiError(422, "The payment cannot be canceled: only open payments are cancelable.", field="status")
        set_payment_status(api.world, row, "canceled", api.now())
    return 200, render_payment(api.ctx, row)


def payment_refunds(api, req, payment_id):
    row = _payment(api, payment_id)
    t = api.world.tables["refunds"]
    return 200, api.page(req, f"/payments/{payment_id}/refunds", api.world.refunds_of.get(row, []), t.find, t.id,
                         lambda r: render_refund(api.ctx, r), "refunds")


def refund_create(api, req, payment_id):
    w = api.world
    row = _payment(api, payment_id)
    body = api.body(req)
    p = w.payments
    with w.lock:
        if PAYMENT_STATUSES[p["status"][row]] != "paid":
            raise ApiError(422, "The payment cannot be refunded: it is not paid.", field="paymentId")
        remaining = refundable(w, row)
        requested = req_amount(body, required=False)
        value = requested[0] if requested else remaining
        if requested and requested[1] != p.extras.get(row, {}).get("currency", "EUR"):
            raise invalid("amount.currency", "The refund currency must be the payment's currency.")
        if value > remaining or value <= 0:
            raise invalid("amount.value", "The amount is higher than the amount that remains refundable.")
        extras = {"description": req_text(body, "description", required=False) or "Refund",
                  "metadata": req_metadata(body)}
        r = create_refund(w, row, value, api.now(), extras)
    return 201, render_refund(api.ctx, r)


def refund_get(api, req, payment_id, refund_id):
    return 200, render_refund(api.ctx, _of_payment(api, "refunds", payment_id, refund_id))


def refund_cancel(api, req, payment_id, refund_id):
    """Only a `queued` or `pending` refund can be canceled (Mollie executes refunds after a delay)."""
    w = api.world
    t = w.tables["refunds"]
    r = _of_payment(api, "refunds", payment_id, refund_id)
    with w.lock:
        status = REFUND_STATUSES[t["status"][r]]
        processed = t["settlement"][r] >= 0 and w.settlements[t["settlement"][r]].paid_out
        if status not in ("queued", "pending") or processed:
            raise ApiError(422, f"The refund cannot be canceled: it is {'already processed' if processed else status}.",
                           field="status")
        cancel_refund(w, r, api.now())
    return 204, None


def payment_captures(api, req, payment_id):
    row = _payment(api, payment_id)
    t = api.world.tables["captures"]
    return 200, api.page(req, f"/payments/{payment_id}/captures", api.world.captures_of.get(row, []), t.find, t.id,
                         lambda r: render_capture(api.ctx, r), "captures")


def capture_create(api, req, payment_id):
    """Capture an authorized manual-capture payment, fully (no amount) or partly; one capture per payment:
    it pays the payment and the rest of the authorization is released."""
    w = api.world
    row = _payment(api, payment_id)
    body = api.body(req)
    p = w.payments
    with w.lock:
        status = PAYMENT_STATUSES[p["status"][row]]
        if status != "authorized" or not is_manual_capture(w, row):
            raise ApiError(422, f"The payment cannot be captured: it is {status}, not an authorized payment "
                                "with captureMode manual.", field="status")
        requested = req_amount(body, required=False)
        value = requested[0] if requested else p["amount"][row]
        if requested and requested[1] != p.extras[row].get("currency", "EUR"):
            raise invalid("amount.currency", "The capture currency must be the payment's currency.")
        if value > p["amount"][row]:
            raise invalid("amount.value", "The amount is higher than the authorized amount.")
        extras = {"description": req_text(body, "description", required=False), "metadata": req_metadata(body)}
        c = capture_payment(w, row, value, api.now(), {k: v for k, v in extras.items() if v is not None})
    return 201, render_capture(api.ctx, c)


def capture_get(api, req, payment_id, capture_id):
    return 200, render_capture(api.ctx, _of_payment(api, "captures", payment_id, capture_id))


def refunds_all(api, req):
    t = api.world.tables["refunds"]
    return 200, api.page(req, "/refunds", range(t.n), t.find, t.id, lambda r: render_refund(api.ctx, r), "refunds")


def payment_chargebacks(api, req, payment_id):
    row = _payment(api, payment_id)
    t = api.world.tables["chargebacks"]
    return 200, api.page(req, f"/payments/{payment_id}/chargebacks", api.world.chargebacks_of.get(row, []), t.find,
                         t.id, lambda r: render_chargeback(api.ctx, r), "chargebacks")


def chargeback_get(api, req, payment_id, chargeback_id):
    return 200, render_chargeback(api.ctx, _of_payment(api, "chargebacks", payment_id, chargeback_id))


def chargebacks_all(api, req):
    t = api.world.tables["chargebacks"]
    return 200, api.page(req, "/chargebacks", range(t.n), t.find, t.id, lambda r: render_chargeback(api.ctx, r),
                         "chargebacks")


ROUTES = [
    ("/payments", "GET", payments_list, False),
    ("/payments", "POST", payment_create, False),
    ("/payments/<payment_id>", "GET", payment_get, False),
    ("/payments/<payment_id>", "PATCH", payment_update, False),
    ("/payments/<payment_id>", "DELETE", payment_cancel, False),
    ("/payments/<payment_id>/refunds", "GET", payment_refunds, False),
    ("/payments/<payment_id>/refunds", "POST", refund_create, False),
    ("/payments/<payment_id>/refunds/<refund_id>", "GET", refund_get, False),
    ("/payments/<payment_id>/refunds/<refund_id>", "DELETE", refund_cancel, False),
    ("/payments/<payment_id>/captures", "GET", payment_captures, False),
    ("/payments/<payment_id>/captures", "POST", capture_create, False),
    ("/payments/<payment_id>/captures/<capture_id>", "GET", capture_get, False),
    ("/refunds", "GET", refunds_all, False),
    ("/payments/<payment_id>/chargebacks", "GET", payment_chargebacks, False),
    ("/payments/<payment_id>/chargebacks/<chargeback_id>", "GET", chargeback_get, False),
    ("/chargebacks", "GET", chargebacks_all, False),
]
