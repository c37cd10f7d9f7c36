"""The control surface under `/_sandbox/`: ground truth, faults, the request log, the simulated
clock, state-change triggers and the webhook delivery log. JSON in, JSON out; no auth (loopback)."""

from __future__ import annotations

import json

from werkzeug.wrappers import Request, Response

from .lifecycle import (
    advance, charge_subscription, create_chargeback, create_refund, is_manual_capture, refundable, reverse_chargeback,
    set_payment_status,
)
from .bank_control import bank_routes
from .collection_outcomes import record_bank_reason
from .collection_outcomes import seed as seed_collection_outcomes
from .control_flows import ACTIONS as FLOW_ACTIONS
from .control_flows import FlowError, trigger_flow
from .payment_links import ACTIONS as LINK_ACTIONS
from .payment_links import LinkError, pay_link
from .render_payments import render_chargeback, render_mandate, render_payment, render_refund
from .store import ALL_REASONS, MANDATE_STATUSES, PAYMENT_STATUSES, SUBSCRIPTION_STATUSES

PAYMENT_OUTCOMES = ("paid", "failed", "expired", "canceled", "pending")
STATUS_TRIGGERS = PAYMENT_OUTCOMES + ("authorized",)


class ControlError(Exception):
    pass


class ControlSurface:
    def __init__(self, app) -> None:
        self.app = app

    def handle(self, req: Request) -> Response:
        route = (req.method, req.path.rstrip("/").removeprefix("/_sandbox"))
        try:
            body = json.loads(req.get_data() or b"{}") if req.method in ("POST", "PUT") else {}
            handler = {
                ("GET", "/info"): self.info,
                ("GET", "/faults"): lambda b: self.app.faults.list(),
                ("POST", "/faults"): lambda b: self.app.faults.add(**b).as_dict(),
                ("DELETE", "/faults"): lambda b: self.app.faults.clear(),
                ("GET", "/connections"): lambda b: self.app.connections.as_dict(),
                ("GET", "/requests"): lambda b: list(self.app.log),
                ("DELETE", "/requests"): lambda b: self.app.log.clear(),
                ("GET", "/ground-truth"): lambda b: list(self.app.world.ground_truth),
                ("GET", "/clock"): self.clock,
                ("POST", "/clock"): self.advance_clock,
                ("POST", "/trigger"): self.trigger,
                ("POST", "/collections/seed"): self.seed_collections,
                ("GET", "/collections/ground-truth"): lambda b: list(getattr(self.app.world.collections, "truth", [])),
                ("GET", "/webhook-deliveries"): lambda b: list(self.app.dispatcher.log),
                ("POST", "/webhooks/deliver"): self.deliver,
                ("POST", "/webhooks/rotate-secret"): self.rotate_secret,
                ("POST", "/webhooks/wait"): lambda b: {"idle": self.app.dispatcher.wait_idle(float(b.get("timeout", 10)))},
                **bank_routes(self.app),
            }.get(route)
            if handler is None:
                return _json({"error": f"no control endpoint {route[0]} {route[1]}"}, 404)
            return _json(handler(body), 200)
        except (ControlError, FlowError, LinkError, ValueError, TypeError, KeyError) as exc:
            return _json({"error": str(exc)}, 400)

    def info(self, _body) -> dict:
        app = self.app
        return {"base_url": app.ctx.base, "api_key": app.api_key, "organization_token": app.organization_token,
                "scenario": app.options.scenario, "seed": app.options.seed, "now": self.clock(None)["now"]}

    def clock(self, _body) -> dict:
        from .clock import iso

        return {"now": iso(self.app.world.now)}

    def advance_clock(self, body: dict) -> dict:
        days, seconds = float(body.get("days", 0)), float(body.get("seconds", 0))
        if days < 0 or seconds < 0:
            raise ControlError("the clock only moves forward")
        w = self.app.world
        with w.lock:
            advance(w, w.now + int(days * 86400 + seconds))
        return self.clock(None)

    def trigger(self, body: dict) -> dict:
        """{"action": "payment.paid"|"payment.authorized"|"payment.failed"|"payment.expired"|"payment.canceled"|
        "payment.refund"|
        "payment.chargeback"|"chargeback.reverse"|"subscription.payment"|"mandate.invalid", "id": ...,
        "amount": "12.50",
        "reason": "AM04", "status": "paid"}; and control_flows.ACTIONS: "refund.fail", "payment.failed" on a
        paid direct debit whose funds are pending, "settlement.payout-returned"|"settlement.payout-canceled",
        "balance.correction" with a signed "amount"."""
        action, ident = body.get("action"), body.get("id")
        w, ctx = self.app.world, self.app.ctx
        with w.lock:
            if action in LINK_ACTIONS:
                return pay_link(w, ctx, ident, body)
            if action in FLOW_ACTIONS and not (action == "payment.failed" and _open_or_pending(w, ident)):
                return trigger_flow(w, ctx, action, ident, body)
            if action and action.startswith("payment."):
                row = w.payments.find(ident)
                if row is None:
                    raise ControlError(f"no payment {ident}")
                what = action.split(".", 1)[1]
                status = PAYMENT_STATUSES[w.payments["status"][row]]
                if what in STATUS_TRIGGERS:
                    _check_checkout_outcome(ident, what, is_manual_capture(w, row))
                    if status not in ("open", "pending", "authorized"):
                        raise ControlError(f"payment {ident} is {status}; only open or pending payments change status")
                    given = {k: body[k] for k in ("consumerName", "consumerAccount", "consumerBic") if body.get(k)}
                    if given and what == "paid":
                        w.payments.extras.setdefault(row, {})["details"] = given
                    if what == "failed" and body.get("reason"):
                        record_bank_reason(w, row, str(body["reason"]))
                    set_payment_status(w, row, what, w.now)
                    return {"payment": render_payment(ctx, row)}
                if status != "paid":
                    raise ControlError(f"payment {ident} is {status}, not paid")
                remaining = refundable(w, row)
                amount = _minor(body.get("amount"), remaining)
                if not 0 < amount <= remaining:
                    raise ControlError(f"amount must be between 0.01 and the remaining {remaining} cents")
                if what == "refund":
                    return {"refund": render_refund(ctx, create_refund(w, row, amount, w.now))}
                if what == "chargeback":
                    codes = [c for c, _ in ALL_REASONS]
                    reason = codes.index(body.get("reason", "MD06"))
                    return {"chargeback": render_chargeback(ctx, create_chargeback(w, row, amount, reason, w.now))}
            if action == "subscription.payment":
                sub = w.tables["subscriptions"].find(ident)
                if sub is None:
                    raise ControlError(f"no subscription {ident}")
                outcome = body.get("status")
                if outcome not in (None, *PAYMENT_OUTCOMES):
                    raise ControlError(f"status must be one of {PAYMENT_OUTCOMES}")
                return {"payment": render_payment(ctx, charge_subscription(w, sub, w.now, outcome))}
            if action == "chargeback.reverse":
                c = w.tables["chargebacks"].find(ident)
                if c is None:
                    raise ControlError(f"no chargeback {ident}")
                if w.tables["chargebacks"]["reversed"][c]:
                    raise ControlError(f"chargeback {ident} is already reversed")
                reverse_chargeback(w, c, w.now)
                return {"chargeback": render_chargeback(ctx, c)}
            if action == "mandate.invalid":
                m = w.tables["mandates"].find(ident)
                if m is None:
                    raise ControlError(f"no mandate {ident}")
                w.tables["mandates"]["status"][m] = MANDATE_STATUSES.index("invalid")
                subs = w.tables["subscriptions"]
                for s in w.subscriptions_of.get(w.tables["mandates"]["customer"][m], []):
                    if subs["mandate"][s] == m and SUBSCRIPTION_STATUSES[subs["status"][s]] == "active":
                        subs["status"][s] = SUBSCRIPTION_STATUSES.index("suspended")
                return {"mandate": render_mandate(ctx, m)}
        raise ControlError(f"unknown trigger action {action!r}")

    def seed_collections(self, body: dict) -> list:
        w = self.app.world
        with w.lock:
            return list(seed_collection_outcomes(w, int(body.get("count", 40)), int(body.get("seed", 1))))

    def deliver(self, body: dict) -> dict:
        """Send a classic webhook for `id` to `url` (or to the resource's own webhookUrl)."""
        ident, url = body["id"], body.get("url")
        if url is None:
            row = self.app.world.payments.find(ident)
            url = self.app.world.payments.extras.get(row, {}).get("webhookUrl") if row is not None else None
        if not url:
            raise ControlError("no url given and the resource has no webhookUrl")
        for _ in range(int(body.get("count", 1))):
            self.app.dispatcher.classic(url, ident)
        return {"queued": int(body.get("count", 1))}


    def rotate_secret(self, body: dict) -> dict:
        """Mollie has no API for it: give a next-gen webhook subscription a new signing secret."""
        from .ids import random_token

        for hook in self.app.world.webhooks:
            if hook["id"] == body["id"] and hook["status"] != "deleted":
                hook["secret"] = body.get("secret") or random_token("", self.app.rng, 32)
                return {"id": hook["id"], "webhookSecret": hook["secret"]}
        raise ControlError(f"no webhook subscription {body['id']}")


def _open_or_pending(world, ident) -> bool:
    row = world.payments.find(ident)
    return row is not None and PAYMENT_STATUSES[world.payments["status"][row]] != "paid"


def _check_checkout_outcome(ident: str, what: str, manual_capture: bool) -> None:
    """The checkout of a manual-capture payment ends in `authorized` (a capture pays it); of any other
    payment never in `authorized`."""
    if what == "paid" and manual_capture:
        raise ControlError(f"payment {ident} has captureMode manual: create a capture to pay it")
    if what == "authorized" and not manual_capture:
        raise ControlError(f"payment {ident} is captured automatically; only captureMode manual authorizes")


def _minor(value, default: int) -> int:
    if value is None:
        return default
    from decimal import Decimal

    return int(Decimal(str(value)) * 100)


def _json(data, status: int) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")
