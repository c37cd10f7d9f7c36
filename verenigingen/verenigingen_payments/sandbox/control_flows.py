"""Control-surface triggers of the money that comes back (returns.py): `refund.fail`, `payment.failed`
on a paid direct debit whose funds are still pending, `settlement.payout-returned` /
`settlement.payout-canceled`, and `balance.correction`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .holds import released_at
from .render_finance import render_settlement, render_transaction
from .render_payments import render_payment, render_refund
from .resource_ids import find_settlement
from .returns import correct_balance, fail_paid_payment, fail_payout, fail_refund
from .store import METHODS, REFUND_STATUSES, World

ACTIONS = ("refund.fail", "payment.failed", "settlement.payout-returned", "settlement.payout-canceled",
           "balance.correction")


class FlowError(ValueError):
    pass


def trigger_flow(world: World, ctx, action: str, ident: str, body: dict) -> dict:
    if action == "refund.fail":
        r = world.tables["refunds"].find(ident)
        if r is None:
            raise FlowError(f"no refund {ident}")
        status = REFUND_STATUSES[world.tables["refunds"]["status"][r]]
        if status in ("failed", "canceled"):
            raise FlowError(f"refund {ident} is {status}")
        fail_refund(world, r, world.now)
        return {"refund": render_refund(ctx, r)}
    if action == "payment.failed":
        return {"payment": render_payment(ctx, _fail_pending_debit(world, ident))}
    if action in ("settlement.payout-returned", "settlement.payout-canceled"):
        s = find_settlement(world, ident)
        if s is None or not s.paid_out or s.payout_failed:
            raise FlowError(f"settlement {ident} has no payout that could come back")
        how = "returned" if action.endswith("returned") else "canceled"
        row = fail_payout(world, s, world.now, how)
        return {"settlement": render_settlement(ctx, s, "failed"), "transaction": render_transaction(ctx, row, s.balance)}
    if action == "balance.correction":
        try:
            minor = int(Decimal(str(body["amount"])) * 100)
        except (KeyError, InvalidOperation):
            raise FlowError('balance.correction needs a signed "amount", e.g. "-2.50"') from None
        return {"transaction": render_transaction(ctx, correct_balance(world, minor, world.now))}
    raise FlowError(f"unknown trigger action {action!r}")


def _fail_pending_debit(world: World, ident: str) -> int:
    """A paid direct debit can still fail while its funds are pending (flows "real")."""
    p = world.payments
    row = p.find(ident)
    if row is None:
        raise FlowError(f"no payment {ident}")
    if not world.real_flows or p["method"][row] != METHODS.index("directdebit") \
            or released_at(p["method"][row], p["paid"][row]) <= world.now:
        raise FlowError(f"payment {ident} is paid and its funds are available; only a direct debit whose funds "
                        "are still pending (flows real) can fail after payment")
    fail_paid_payment(world, row, world.now)
    return row
