"""Payments-side endpoints: payments (create, get, list, cancel), refunds, chargebacks."""

from __future__ import annotations

from .bodies import req_amount, req_choice, req_metadata, req_text, req_url
from .errors import ApiError, invalid, not_found
from .lifecycle import create_payment, create_refund, set_payment_status
from .render_payments import render_chargeback, render_payment, render_refund
from .store import MANDATE_STATUSES, METHODS, PAYMENT_STATUSES, SEQUENCE_TYPES


def _payment(api, ident: str) -> int:
    row = api.world.payments.find(ident)
    if row is None:
        raise not_found("payment", ident)
    return row


def payments_list(api, req):
    p = api.world.payments
    return 200, api.page(req, "/payments", range(p.n), p.find, p.id, lambda r: render_payment(api.ctx, r), "payments",
                         keep=("sort",))


def payment_create(api, req):
    w = api.world
    body = api.body(req)
    value, currency = req_amount(body)
    extras = {"description": req_text(body, "description"), "currency": currency,
              "webhookUrl": req_url(body, "webhookUrl"), "metadata": req_metadata(body)}
    seq = req_choice(body, "sequenceType", SEQUENCE_TYPES, "oneoff")
    extras["redirectUrl"] = req_url(body, "redirectUrl", required=seq != "recurring")
    method = req_choice(body, "method", METHODS)
    customer = mandate = -1
    if body.get("customerId") is not None:
        customer = w.tables["customers"].find(body["customerId"])
        if customer is None:
            raise invalid("customerId", f"The customer id {body['customerId']} is invalid.")
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
    code = METHODS.index(method) if method else -1
    with w.lock:
        row = create_payment(w, api.now(), value, code, seq=SEQUENCE_TYPES.index(seq), customer=customer,
                             mandate=mandate, extras={k: v for k, v in extras.items() if v is not None},
                             status="pending" if seq == "recurring" else "open")
    return 201, render_payment(api.ctx, row)


def payment_get(api, req, payment_id):
    return 200, render_payment(api.ctx, _payment(api, payment_id))


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
        remaining = p["amount"][row] - p["refunded"][row] - p["charged_back"][row]
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
    row = _payment(api, payment_id)
    r = api.world.tables["refunds"].find(refund_id)
    if r is None or api.world.tables["refunds"]["payment"][r] != row:
        raise not_found("refund", refund_id)
    return 200, render_refund(api.ctx, r)


def refunds_all(api, req):
    t = api.world.tables["refunds"]
    return 200, api.page(req, "/refunds", range(t.n), t.find, t.id, lambda r: render_refund(api.ctx, r), "refunds")


def payment_chargebacks(api, req, payment_id):
    row = _payment(api, payment_id)
    t = api.world.tables["chargebacks"]
    return 200, api.page(req, f"/payments/{payment_id}/chargebacks", api.world.chargebacks_of.get(row, []), t.find,
                         t.id, lambda r: render_chargeback(api.ctx, r), "chargebacks")


def chargeback_get(api, req, payment_id, chargeback_id):
    row = _payment(api, payment_id)
    t = api.world.tables["chargebacks"]
    c = t.find(chargeback_id)
    if c is None or t["payment"][c] != row:
        raise not_found("chargeback", chargeback_id)
    return 200, render_chargeback(api.ctx, c)


def chargebacks_all(api, req):
    t = api.world.tables["chargebacks"]
    return 200, api.page(req, "/chargebacks", range(t.n), t.find, t.id, lambda r: render_chargeback(api.ctx, r),
                         "chargebacks")


ROUTES = [
    ("/payments", "GET", payments_list, False),
    ("/payments", "POST", payment_create, False),
    ("/payments/<payment_id>", "GET", payment_get, False),
    ("/payments/<payment_id>", "DELETE", payment_cancel, False),
    ("/payments/<payment_id>/refunds", "GET", payment_refunds, False),
    ("/payments/<payment_id>/refunds", "POST", refund_create, False),
    ("/payments/<payment_id>/refunds/<refund_id>", "GET", refund_get, False),
    ("/refunds", "GET", refunds_all, False),
    ("/payments/<payment_id>/chargebacks", "GET", payment_chargebacks, False),
    ("/payments/<payment_id>/chargebacks/<chargeback_id>", "GET", chargeback_get, False),
    ("/chargebacks", "GET", chargebacks_all, False),
]
