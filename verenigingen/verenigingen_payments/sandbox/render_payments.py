"""Payments-side resources as Mollie renders them: payments, refunds, chargebacks, captures, customers,
mandates and subscriptions. Every function takes a row number and returns the JSON-ready dict."""

from __future__ import annotations

from datetime import datetime

from .clock import AMSTERDAM, iso
from .currencies import payment_currency, settlement_amount
from .lifecycle import captured_amount, is_manual_capture, refundable
from .money import amount
from .people import iban, member_name, payment_description
from .render_common import Ctx, doc_link
from .resource_ids import settlement_id_of_row
from .store import (
    CAPTURE_STATUSES,
    ALL_REASONS,
    MANDATE_STATUSES,
    METHODS,
    PAYMENT_STATUSES,
    REFUND_STATUSES,
    SEQUENCE_TYPES,
    SUBSCRIPTION_STATUSES,
)

#: How long an authorization can be captured (Mollie's docs give no number; card schemes allow ~28 days).
CAPTURE_WINDOW = 28 * 86400

def render_payment(ctx: Ctx, row: int, settlement_view: bool = False) -> dict:
    w = ctx.world
    p = w.payments
    pid = p.id(row)
    status = PAYMENT_STATUSES[p["status"][row]]
    value = p["amount"][row]
    extra = p.extras.get(row, {})
    currency = extra.get("currency", "EUR")
    created = p["created"][row]
    out = {
        "resource": "payment", "id": pid, "mode": "live" if settlement_view else ctx.mode,
        "createdAt": iso(created), "amount": amount(value, currency),
        "description": payment_description(w, row),
        "metadata": extra.get("metadata"), "status": status, "isCancelable": status == "open",
        "profileId": ctx.profile_id, "sequenceType": SEQUENCE_TYPES[p["seq"][row]],
        "redirectUrl": extra.get("redirectUrl"), "webhookUrl": extra.get("webhookUrl"),
    }
    if p["method"][row] >= 0:
        out["method"] = METHODS[p["method"][row]]
    for key in ("cancelUrl", "locale"):
        if key in extra:
            out[key] = extra[key]
    links = {"self": ctx.link(f"/payments/{pid}"), "dashboard": ctx.dashboard(f"payments/{pid}")}
    if is_manual_capture(w, row):
        _capture_fields(ctx, row, status, out, links)
    if status == "paid":
        refunded, charged_back = p["refunded"][row], p["charged_back"][row]
        out["paidAt"] = iso(p["paid"][row])
        out["amountRefunded"] = amount(refunded, currency)
        out["amountRemaining"] = amount(max(refundable(w, row), 0), currency)
        if charged_back:
            out["amountChargedBack"] = amount(charged_back, currency)
        if row in w.chargebacks_of:
            links["chargebacks"] = ctx.link(f"/payments/{pid}/chargebacks")
        if refunded:
            links["refunds"] = ctx.link(f"/payments/{pid}/refunds")
        _settled_in(ctx, out, links, p["settlement"][row], settlement_amount(w, row, value, currency))
    elif status == "open":
        out["expiresAt"] = iso(created + 15 * 60 if p["method"][row] != 0 else created + 28 * 86400)
        links["checkout"] = {"href": f"https://www.mollie.com/checkout/select-method/{pid[3:]}", "type": "text/html"}
    elif status in ("failed", "canceled", "expired"):
        out[{"failed": "failedAt", "canceled": "canceledAt", "expired": "expiredAt"}[status]] = iso(p["done"][row])
    if p["method"][row] == 0 and not settlement_view:
        out["details"] = {"consumerName": member_name(p["member"][row]), "consumerAccount": iban(p["member"][row]),
                          "consumerBic": "INGBNL2A"}
        if status == "failed" and "bankReasonCode" in extra:  # Mollie: why a SEPA debit failed
            out["details"].update(bankReasonCode=extra["bankReasonCode"], bankReason=extra.get("bankReason"))
    elif "details" in extra and status == "paid" and not settlement_view:
        out["details"] = dict(extra["details"])
    for key, table, col in (("customerId", "customers", "customer"), ("mandateId", "mandates", "mandate"),
                            ("subscriptionId", "subscriptions", "subscription")):
        ref = p[col][row]
        if ref >= 0:
            rid = w.tables[table].id(ref)
            out[key] = rid
            if key == "customerId":
                links["customer"] = ctx.link(f"/customers/{rid}")
            elif key == "mandateId":
                links["mandate"] = ctx.link(f"/customers/{w.tables['customers'].id(p['customer'][row])}/mandates/{rid}")
            else:
                links["subscription"] = ctx.link(f"/customers/{w.tables['customers'].id(p['customer'][row])}/subscriptions/{rid}")
    links["documentation"] = doc_link("get-payment")
    out["_links"] = links
    return out


def _capture_fields(ctx: Ctx, row: int, status: str, out: dict, links: dict) -> None:
    """What a manual-capture payment shows: the mode, the amount captured so far, and once authorized
    when that was and until when it can be captured."""
    w = ctx.world
    pid, extra = w.payments.id(row), w.payments.extras[row]
    out["captureMode"] = "manual"
    out["amountCaptured"] = amount(captured_amount(w, row), extra.get("currency", "EUR"))
    if "authorizedAt" in extra:
        out["authorizedAt"] = iso(extra["authorizedAt"])
        if status == "authorized":
            out["captureBefore"] = iso(extra["authorizedAt"] + CAPTURE_WINDOW)
    if row in w.captures_of:
        links["captures"] = ctx.link(f"/payments/{pid}/captures")


def _payment_line(ctx: Ctx, table: str, row: int) -> tuple:
    """A refund's, chargeback's or capture's table, id, payment row, payment id and extras."""
    t = ctx.world.tables[table]
    pay = t["payment"][row]
    return t, t.id(row), pay, ctx.world.payments.id(pay), t.extras.get(row, {})


def _settled_in(ctx: Ctx, out: dict, links: dict, index: int, settlement_amount: dict | None) -> None:
    """A line's `settlementId` (with `settlementAmount` where given) and link, once its settlement closed."""
    sid = settlement_id_of_row(ctx.world, index)
    if sid:
        out["settlementId"] = sid
        if settlement_amount is not None:
            out["settlementAmount"] = settlement_amount
        links["settlement"] = ctx.link(f"/settlements/{sid}")


def render_capture(ctx: Ctx, row: int, settlement_view: bool = False) -> dict:
    c, cid, pay, pid, extra = _payment_line(ctx, "captures", row)
    currency = payment_currency(ctx.world, pay)
    out = {
        "resource": "capture", "id": cid, "mode": "live" if settlement_view else ctx.mode,
        "amount": amount(c["amount"][row], currency), "status": CAPTURE_STATUSES[c["status"][row]],
        "metadata": extra.get("metadata"), "paymentId": pid, "createdAt": iso(c["created"][row]),
        "_links": {"self": ctx.link(f"/payments/{pid}/captures/{cid}"), "payment": ctx.link(f"/payments/{pid}"),
                   "documentation": doc_link("get-capture")},
    }
    if extra.get("description"):
        out["description"] = extra["description"]
    _settled_in(ctx, out, out["_links"], c["settlement"][row], settlement_amount(ctx.world, pay, c["amount"][row], currency))
    return out


def render_refund(ctx: Ctx, row: int, settlement_view: bool = False) -> dict:
    r, rid, pay, pid, extra = _payment_line(ctx, "refunds", row)
    out = {
        "resource": "refund", "id": rid, "mode": "live" if settlement_view else ctx.mode,
        "description": extra.get("description", "Terugbetaling contributie"),
        "amount": amount(r["amount"][row], payment_currency(ctx.world, pay)), "metadata": extra.get("metadata"),
        "paymentId": pid, "status": REFUND_STATUSES[r["status"][row]], "createdAt": iso(r["created"][row]),
        "_links": {"self": ctx.link(f"/payments/{pid}/refunds/{rid}"), "payment": ctx.link(f"/payments/{pid}"),
                   "documentation": doc_link("get-refund")},
    }
    _settled_in(ctx, out, out["_links"], r["settlement"][row], settlement_amount(ctx.world, pay, -r["amount"][row], "EUR"))
    return out


def render_chargeback(ctx: Ctx, row: int) -> dict:
    c, cid, pay, pid, _ = _payment_line(ctx, "chargebacks", row)
    code, text = ALL_REASONS[c["reason"][row]]
    out = {
        "resource": "chargeback", "id": cid, "amount": amount(c["amount"][row], payment_currency(ctx.world, pay)),
        "settlementAmount": settlement_amount(ctx.world, pay, -c["amount"][row], "EUR"), "reason": {"code": code, "description": text},
        "paymentId": pid, "createdAt": iso(c["created"][row]),
        "reversedAt": iso(c["reversed"][row]) if c["reversed"][row] else None,
        "_links": {"self": ctx.link(f"/payments/{pid}/chargebacks/{cid}"), "payment": ctx.link(f"/payments/{pid}"),
                   "documentation": doc_link("get-chargeback")},
    }
    _settled_in(ctx, out, out["_links"], c["settlement"][row], None)
    return out


def render_customer(ctx: Ctx, row: int) -> dict:
    w = ctx.world
    c = w.tables["customers"]
    cid, member = c.id(row), c["member"][row]
    extra = c.extras.get(row)
    if extra is None:
        extra = {"name": member_name(member), "email": f"lid{member + 1001}@example.org", "locale": "nl_NL",
                 "metadata": {"memberNumber": str(member + 1001)}}
    links = {"self": ctx.link(f"/customers/{cid}"), "dashboard": ctx.dashboard(f"customers/{cid}")}
    if row in w.by_customer:
        links["payments"] = ctx.link(f"/customers/{cid}/payments")
    if row in w.mandates_of:
        links["mandates"] = ctx.link(f"/customers/{cid}/mandates")
    if row in w.subscriptions_of:
        links["subscriptions"] = ctx.link(f"/customers/{cid}/subscriptions")
    links["documentation"] = doc_link("get-customer")
    return {"resource": "customer", "id": cid, "mode": ctx.mode, "name": extra.get("name"),
            "email": extra.get("email"), "locale": extra.get("locale"), "metadata": extra.get("metadata"),
            "createdAt": iso(c["created"][row]), "_links": links}


def render_mandate(ctx: Ctx, row: int) -> dict:
    w = ctx.world
    m = w.tables["mandates"]
    mid, cust = m.id(row), m["customer"][row]
    cid = w.tables["customers"].id(cust)
    member = w.tables["customers"]["member"][cust]
    extra = m.extras.get(row, {})
    name = extra.get("consumerName", member_name(member))
    account = extra.get("consumerAccount", iban(member))
    created = m["created"][row]
    return {
        "resource": "mandate", "id": mid, "mode": ctx.mode, "method": "directdebit",
        "details": {"consumerName": name, "consumerAccount": account, "consumerBic": extra.get("consumerBic", "INGBNL2A")},
        "signatureDate": datetime.fromtimestamp(created, AMSTERDAM).date().isoformat(),
        "mandateReference": extra.get("mandateReference", f"VER-{member + 1001:06d}"),
        "status": MANDATE_STATUSES[m["status"][row]], "customerId": cid, "createdAt": iso(created),
        "_links": {"self": ctx.link(f"/customers/{cid}/mandates/{mid}"), "customer": ctx.link(f"/customers/{cid}"),
                   "documentation": doc_link("get-mandate")},
    }


def render_subscription(ctx: Ctx, row: int) -> dict:
    w = ctx.world
    s = w.tables["subscriptions"]
    sid, cust = s.id(row), s["customer"][row]
    cid = w.tables["customers"].id(cust)
    extra = s.extras.get(row, {})
    status = SUBSCRIPTION_STATUSES[s["status"][row]]
    out = {
        "resource": "subscription", "id": sid, "mode": ctx.mode, "status": status,
        "amount": amount(s["amount"][row], extra.get("currency", "EUR")),
        "times": extra.get("times"), "timesRemaining": extra.get("times"),
        "interval": extra.get("interval", f"{s['months'][row]} month" + ("s" if s["months"][row] > 1 else "")),
        "startDate": datetime.fromtimestamp(s["start"][row], AMSTERDAM).date().isoformat(),
        "description": extra.get("description", f"Contributie lid {w.tables['customers']['member'][cust] + 1001}"),
        "method": extra.get("method"), "mandateId": w.tables["mandates"].id(s["mandate"][row]) if s["mandate"][row] >= 0 else None,
        "webhookUrl": extra.get("webhookUrl"), "metadata": extra.get("metadata"), "customerId": cid,
        "createdAt": iso(s["created"][row]),
        "_links": {"self": ctx.link(f"/customers/{cid}/subscriptions/{sid}"), "customer": ctx.link(f"/customers/{cid}"),
                   "profile": ctx.link(f"/profiles/{ctx.profile_id}"), "documentation": doc_link("get-subscription")},
    }
    if status in ("active", "pending"):
        nxt = s["next"][row] or s["start"][row]
        out["nextPaymentDate"] = datetime.fromtimestamp(nxt, AMSTERDAM).date().isoformat()
    if status == "canceled":
        out["canceledAt"] = iso(s["canceled"][row] or s["created"][row])
    if row in w.by_subscription:
        out["_links"]["payments"] = ctx.link(f"/customers/{cid}/subscriptions/{sid}/payments")
    return out


