"""Organization-level endpoints: organizations, profiles, balances, balance transactions and
reports, settlements (incl. open/next and their payments, refunds, chargebacks, captures), invoices."""

from __future__ import annotations

from .errors import ApiError, not_found
from .render_finance import (
    render_balance,
    render_invoice,
    render_organization,
    render_profile,
    render_settlement,
    render_transaction,
)
from .render_payments import render_capture, render_chargeback, render_payment, render_refund
from .report import render_report
from .resource_ids import balance_id, find_settlement


def organization_me(api, req):
    return 200, render_organization(api.ctx)


def organization_get(api, req, organization_id):
    if organization_id != api.ctx.organization_id:
        raise not_found("organization", organization_id)
    return 200, render_organization(api.ctx)


def profiles_list(api, req):
    return 200, api.page(req, "/profiles", range(1), lambda i: 0 if i == api.ctx.profile_id else None,
                         lambda i: api.ctx.profile_id, lambda i: render_profile(api.ctx), "profiles")


def profile_get(api, req, profile_id):
    if profile_id not in (api.ctx.profile_id, "me"):
        raise not_found("profile", profile_id)
    return 200, render_profile(api.ctx)


def _balance(api, ident: str) -> None:
    if ident not in (balance_id(api.world), "primary"):
        raise not_found("balance", ident)


def balances_list(api, req):
    currency = req.args.get("currency")
    rows = range(1) if currency in (None, "", "EUR") else range(0)
    bid = balance_id(api.world)
    return 200, api.page(req, "/balances", rows, lambda i: 0 if i == bid else None, lambda i: bid,
                         lambda i: render_balance(api.ctx), "balances", keep=("currency",))


def balance_get(api, req, balance_id):
    _balance(api, balance_id)
    return 200, render_balance(api.ctx)


def balance_primary(api, req):
    return 200, render_balance(api.ctx)


def balance_transactions(api, req, balance_id):
    _balance(api, balance_id)
    t = api.world.tables["transactions"]
    return 200, api.page(req, f"/balances/{balance_id}/transactions", range(t.n), t.find, t.id,
                         lambda r: render_transaction(api.ctx, r), "balance_transactions")


def balance_report(api, req, balance_id):
    _balance(api, balance_id)
    return 200, render_report(api.ctx, req.args)


def settlement_status(api, s) -> str:
    if s.paid_out:
        return "failed" if s.payout_failed else "paidout"
    return "pending" if s.end <= api.world.now else "open"


def _closed_count(api) -> int:
    now = api.world.now
    return sum(1 for s in api.world.settlements if s.end <= now)


def settlements_list(api, req):
    w = api.world
    for name in ("year", "month"):
        if req.args.get(name) and not req.args[name].isdigit():
            raise ApiError(400, f"The '{name}' must be a number.", field=name)
    codec = w.codec("stl_")
    rows = range(_closed_count(api))
    return 200, api.page(req, "/settlements", rows, codec.decode, codec.encode, lambda r: render_settlement(api.ctx, w.settlements[r], settlement_status(api, w.settlements[r])),
                         "settlements", keep=("balanceId", "year", "month"))


def _settlement(api, ident: str):
    s = find_settlement(api.world, ident)
    if s is None or s.end > api.world.now:
        raise not_found("settlement", ident)
    return s


def settlement_get(api, req, settlement_id):
    s = _settlement(api, settlement_id)
    return 200, render_settlement(api.ctx, s, settlement_status(api, s))


def settlement_open(api, req):
    s = api.world.settlement_at(api.world.now)
    return 200, render_settlement(api.ctx, s, "open", ident="open")


def settlement_next(api, req):
    unpaid = [s for s in api.world.settlements if not s.paid_out]
    return 200, render_settlement(api.ctx, unpaid[0], "open" if unpaid[0].end > api.world.now else "pending", ident="next")


def settlement_payments(api, req, settlement_id):
    s = _settlement(api, settlement_id)
    p = api.world.payments
    return 200, api.page(req, f"/settlements/{settlement_id}/payments", s.payments, p.find, p.id,
                         lambda r: render_payment(api.ctx, r, settlement_view=True), "payments")


def settlement_refunds(api, req, settlement_id):
    s = _settlement(api, settlement_id)
    t = api.world.tables["refunds"]
    return 200, api.page(req, f"/settlements/{settlement_id}/refunds", s.refunds, t.find, t.id,
                         lambda r: render_refund(api.ctx, r, settlement_view=True), "refunds")


def settlement_chargebacks(api, req, settlement_id):
    s = _settlement(api, settlement_id)
    t = api.world.tables["chargebacks"]
    return 200, api.page(req, f"/settlements/{settlement_id}/chargebacks", s.chargebacks, t.find, t.id,
                         lambda r: render_chargeback(api.ctx, r), "chargebacks")


def settlement_captures(api, req, settlement_id):
    s = _settlement(api, settlement_id)
    t = api.world.tables["captures"]
    return 200, api.page(req, f"/settlements/{settlement_id}/captures", s.captures, t.find, t.id,
                         lambda r: render_capture(api.ctx, r, settlement_view=True), "captures")


def invoices_list(api, req):
    w = api.world
    codec = w.codec("inv_")
    rows = range(len(w.invoices))
    reference, year = req.args.get("reference"), req.args.get("year")
    if reference or year:
        from .render_finance import invoice_reference

        rows = [i for i in rows if (not reference or invoice_reference(w.invoices[i]) == reference)
                and (not year or w.invoices[i].month.startswith(year))]
    return 200, api.page(req, "/invoices", rows, codec.decode, codec.encode, lambda r: render_invoice(api.ctx, r),
                         "invoices", keep=("reference", "year"))


def invoice_get(api, req, invoice_id):
    idx = api.world.codec("inv_").decode(invoice_id)
    if idx is None or idx >= len(api.world.invoices):
        raise not_found("invoice", invoice_id)
    return 200, render_invoice(api.ctx, idx)


ROUTES = [
    ("/organizations/me", "GET", organization_me, True),
    ("/organizations/<organization_id>", "GET", organization_get, True),
    ("/profiles", "GET", profiles_list, True),
    ("/profiles/<profile_id>", "GET", profile_get, False),
    ("/balances", "GET", balances_list, True),
    ("/balances/primary", "GET", balance_primary, True),
    ("/balances/<balance_id>", "GET", balance_get, True),
    ("/balances/<balance_id>/transactions", "GET", balance_transactions, True),
    ("/balances/<balance_id>/report", "GET", balance_report, True),
    ("/settlements", "GET", settlements_list, True),
    ("/settlements/open", "GET", settlement_open, True),
    ("/settlements/next", "GET", settlement_next, True),
    ("/settlements/<settlement_id>", "GET", settlement_get, True),
    ("/settlements/<settlement_id>/payments", "GET", settlement_payments, True),
    ("/settlements/<settlement_id>/refunds", "GET", settlement_refunds, True),
    ("/settlements/<settlement_id>/chargebacks", "GET", settlement_chargebacks, True),
    ("/settlements/<settlement_id>/captures", "GET", settlement_captures, True),
    ("/invoices", "GET", invoices_list, True),
    ("/invoices/<invoice_id>", "GET", invoice_get, True),
]
