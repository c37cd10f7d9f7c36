"""Organization-side resources: organization, profile, balances, balance transactions,
settlements (with `periods`) and invoices."""

from __future__ import annotations

from .clock import iso
from .fees import FIXED_FEE, PERCENT_FEE_BP
from .money import amount
from .people import payment_description
from .render_common import Ctx, doc_link
from .resource_ids import balance_id, invoice_id, settlement_id
from .holds import pending
from .settling import invoice_for, settlement_totals
from .store import METHOD_LABELS, METHODS, TX_KINDS, Settlement


def render_organization(ctx: Ctx) -> dict:
    oid = ctx.organization_id
    return {
        "resource": "organization", "id": oid, "name": ctx.organization_name, "email": "penningmeester@example.org",
        "locale": "nl_NL", "address": {"streetAndNumber": "Dorpsstraat 1", "postalCode": "1234 AB", "city": "Utrecht",
                                       "country": "NL"},
        "registrationNumber": "40123456", "vatNumber": "NL123456789B01", "vatRegulation": "dutch",
        "_links": {"self": ctx.link(f"/organizations/{oid}"), "dashboard": ctx.dashboard(""),
                   "documentation": doc_link("get-organization")},
    }


def render_profile(ctx: Ctx) -> dict:
    pid = ctx.profile_id
    return {
        "resource": "profile", "id": pid, "mode": ctx.mode, "name": ctx.organization_name,
        "website": "https://www.example.org", "email": "penningmeester@example.org", "phone": "+31201234567",
        "businessCategory": "NON_PROFIT_ORGANIZATIONS", "status": "verified", "createdAt": iso(ctx.world.start - 400 * 86400),
        "_links": {"self": ctx.link(f"/profiles/{pid}"), "dashboard": ctx.dashboard(f"settings/profiles/{pid}"),
                   "documentation": doc_link("get-profile")},
    }


def render_balance(ctx: Ctx) -> dict:
    w = ctx.world
    bid = balance_id(w)
    return {
        "resource": "balance", "id": bid, "mode": "live", "createdAt": iso(w.start - 400 * 86400), "currency": "EUR",
        "description": "Primary balance", "status": "active",
        "transferThreshold": amount(0),
        "transferReference": "Mollie payout", "transferDestination": {
            "type": "bank-account", "beneficiaryName": ctx.organization_name, "bankAccount": "NL55INGB0000000000"},
        "availableAmount": amount(w.balance_total - pending(w)), "pendingAmount": amount(pending(w)),
        "_links": {"self": ctx.link(f"/balances/{bid}"), "documentation": doc_link("get-balance")},
    }


#: The spec's type enum has `canceled-transfer`, its context list `canceled-outgoing-transfer`.
TRANSFER_CONTEXT = {"outgoing-transfer": "outgoing-transfer", "returned-transfer": "returned-transfer",
                    "canceled-transfer": "canceled-outgoing-transfer"}


def render_transaction(ctx: Ctx, row: int) -> dict:
    w = ctx.world
    t = w.tables["transactions"]
    kind = TX_KINDS[t["kind"][row]]
    ref, initial, deduction = t["ref"][row], t["initial"][row], t["deduction"][row]
    out = {"resource": "balance_transaction", "id": t.id(row), "type": kind,
           "resultAmount": amount(initial + deduction), "initialAmount": amount(initial),
           "deductions": amount(deduction) if deduction else None, "createdAt": iso(t["created"][row])}
    p = w.payments
    if kind in ("payment", "failed-payment"):
        out["context"] = {kind: {"paymentId": p.id(ref), "paymentDescription": payment_description(w, ref)}}
    elif kind in ("refund", "returned-refund"):
        r = w.tables["refunds"]
        pay = r["payment"][ref]
        out["context"] = {kind: {"paymentId": p.id(pay), "refundId": r.id(ref)}}
    elif kind in ("chargeback", "chargeback-reversal"):
        c = w.tables["chargebacks"]
        out["context"] = {kind: {"paymentId": p.id(c["payment"][ref]), "chargebackId": c.id(ref)}}
    elif kind == "capture":
        cap = w.tables["captures"]
        pay = cap["payment"][ref]
        context = {"paymentId": p.id(pay), "captureId": cap.id(ref), "paymentDescription": payment_description(w, pay)}
        if cap.extras.get(ref, {}).get("description"):
            context["captureDescription"] = cap.extras[ref]["description"]
        out["context"] = {"capture": context}
    elif kind == "refund-compensation":
        r = w.tables["refunds"]
        out["context"] = {kind: {"paymentId": p.id(r["payment"][ref]), "refundId": r.id(ref)}}
    elif kind in TRANSFER_CONTEXT:
        sid = settlement_id(w, w.settlements[ref])
        out["context"] = {TRANSFER_CONTEXT[kind]: {"transferId": w.codec("trf_").encode(ref), "settlementId": sid}}
    elif kind == "invoice-compensation":
        out["context"] = {kind: {"invoiceId": invoice_id(w, ref)}}
    else:
        out["context"] = None
    return out


def _lines(revenue: dict, description: str, method: str | None = None) -> list[dict]:
    return [{"description": f"{description}{METHOD_LABELS[METHODS[m]]}", "method": method or METHODS[m],
             "count": count, "amountNet": amount(total), "amountVat": None, "amountGross": amount(total)}
            for m, (count, total) in sorted(revenue.items())]


def _plain(description: str, count: int, value: int) -> dict:
    """A revenue line tied to no payment method (the spec allows `method: null`)."""
    return {"description": description, "method": None, "count": count, "amountNet": amount(value),
            "amountVat": None, "amountGross": amount(value)}


def settlement_periods(ctx: Ctx, s: Settlement) -> dict:
    w = ctx.world
    totals = settlement_totals(w, s)
    revenue = (_lines(totals["revenue"], "") + _lines(totals["refunds"], "Refunds ", "refund")
               + _lines(totals["chargebacks"], "Chargebacks ", "chargeback")
               + _lines(totals["reversals"], "Chargeback reversals ", "chargeback")
               + _lines(totals["returned_refunds"], "Returned refunds ", "refund"))
    revenue += [_plain(f"Returned payout {settlement_id(w, w.settlements[i])}", 1, value)
                for i, value in totals["carried"]]
    revenue += [_plain("Balance correction", 1, value) for _, value in s.corrections]
    costs = [{"description": f"Invoice compensation {invoice_id(w, i)}", "method": None, "count": 1,
              "rate": {"fixed": amount(net), "percentage": "0.00"}, "amountNet": amount(net),
              "amountVat": amount(vat), "amountGross": amount(net + vat)} for i, net, vat in totals["compensations"]]
    for m, (count, net, vat) in sorted(totals["costs"].items()):
        costs.append({
            "description": METHOD_LABELS[METHODS[m]], "method": METHODS[m], "count": count,
            "rate": {"fixed": amount(FIXED_FEE[m]), "percentage": f"{PERCENT_FEE_BP[m] / 100:.2f}"},
            "amountNet": amount(net), "amountVat": amount(vat), "amountGross": amount(net + vat),
        })
    from .settling import month_key

    year, month = month_key(s.start).split("-")
    inv = invoice_for(w, s)
    period = {"revenue": revenue, "costs": costs}
    if inv is not None:
        period["invoiceId"] = invoice_id(w, inv.index)
        period["invoiceReference"] = invoice_reference(inv)
    return {year: {month: period}}


def invoice_reference(inv) -> str:
    return f"{inv.month.replace('-', '.')}.{inv.index + 1:04d}"


def render_settlement(ctx: Ctx, s: Settlement, status: str, ident: str | None = None) -> dict:
    w = ctx.world
    sid = ident or settlement_id(w, s)
    totals = settlement_totals(w, s)
    inv = invoice_for(w, s)
    real_id = settlement_id(w, s)
    out = {
        "resource": "settlement", "id": sid, "createdAt": iso(s.end if status != "open" else s.start),
        "reference": f"{1000000 + s.index:08d}.{s.payout_at % 10000:04d}.01" if status != "open" else None,
        "settledAt": iso(s.payout_at) if status == "paidout" else None, "status": status,
        "amount": amount(totals["amount"]), "balanceId": balance_id(w),
        "periods": settlement_periods(ctx, s),
    }
    if inv:
        out["invoiceId"] = invoice_id(w, inv.index)
    links = {"self": ctx.link(f"/settlements/{sid}")}
    if ident is None:  # open/next are convenience endpoints: the spec gives them no line or invoice links
        for sub in ("payments", "refunds", "chargebacks", "captures"):
            links[sub] = ctx.link(f"/settlements/{real_id}/{sub}")
        if inv:
            links["invoice"] = ctx.link(f"/invoices/{invoice_id(w, inv.index)}")
    links["documentation"] = doc_link("get-settlement")
    out["_links"] = links
    return out


def render_invoice(ctx: Ctx, index: int) -> dict:
    w = ctx.world
    inv = w.invoices[index]
    iid = invoice_id(w, index)
    lines, net_total, vat_total = [], 0, 0
    for m, (count, net, vat) in sorted(inv.lines.items()):
        lines.append({"period": inv.month, "description": f"{METHOD_LABELS[METHODS[m]]} transaction fees",
                      "count": count, "vatPercentage": 21, "amount": amount(net)})
        net_total += net
        vat_total += vat
    for label, (count, net, vat) in sorted(inv.extra.items()):
        lines.append({"period": inv.month, "description": label, "count": count, "vatPercentage": 21,
                      "amount": amount(net)})
        net_total += net
        vat_total += vat
    return {
        "resource": "invoice", "id": iid, "reference": invoice_reference(inv), "vatNumber": "NL123456789B01",
        "status": "paid", "netAmount": amount(net_total), "vatAmount": amount(vat_total),
        "grossAmount": amount(net_total + vat_total), "lines": lines, "issuedAt": iso(inv.issued_at)[:10],
        "paidAt": iso(inv.issued_at + 86400)[:10], "dueAt": None,
        "_links": {"self": ctx.link(f"/invoices/{iid}"),
                   "pdf": {"href": f"https://www.mollie.com/merchant/download/invoice/{iid}/x", "type": "application/pdf"},
                   "documentation": doc_link("get-invoice")},
    }
