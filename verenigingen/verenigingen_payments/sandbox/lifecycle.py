"""State changes after the scenario is built: API writes, control-surface triggers, the clock.

Every change keeps the books consistent the way Mollie does: a paid payment books a balance
transaction (amount less fee with VAT) and joins the settlement period of its payment time (with
flows "real": of the time its funds become available, see holds.py); a
manual-capture payment is authorized first and paid by its capture, which books the `capture`
transaction and joins the settlement instead; a refund or chargeback books a negative transaction
in the period it happens; a settlement whose payout time passes pays out its amount.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import insort
from datetime import datetime

from .clock import AMSTERDAM
from .currencies import balance_of, place_payment, settled
from .fees import fee_net, fee_vat
from .holds import available_at
from .people import customer_name, iban
from .settling import build_invoices, pay_out
from .store import CAPTURE_STATUSES, METHODS, PAYMENT_STATUSES, REFUND_STATUSES, SEQUENCE_TYPES, World

DAY = 86400
STATUS = {name: i for i, name in enumerate(PAYMENT_STATUSES)}
FIRST = SEQUENCE_TYPES.index("first")
CREDITCARD = METHODS.index("creditcard")


def _notify(world: World, kind: str, row: int, event: str) -> None:
    if world.notify is not None:
        world.notify(kind, row, event)


def _join_settlement(world: World, at: int, lines: str, row: int, balance: int = 0) -> int:
    """Put line `row` in the `lines` list ("payments", "refunds" …) of `balance`'s settlement period
    holding `at`; returns that settlement's index, or -1 when `at` is in no period."""
    s = world.settlement_at(at, balance)
    if s is None:
        return -1
    insort(getattr(s, lines), row)
    s.touch()
    return s.index


def is_manual_capture(world: World, row: int) -> bool:
    return world.payments.extras.get(row, {}).get("captureMode") == "manual"


def captured_amount(world: World, row: int) -> int:
    caps = world.tables["captures"]
    return sum(caps["amount"][c] for c in world.captures_of.get(row, ()))


def refundable(world: World, row: int) -> int:
    """What of a paid payment can still be refunded or charged back: what was charged (the captured
    amount for a manual-capture payment) less refunds and chargebacks."""
    p = world.payments
    charged = captured_amount(world, row) if is_manual_capture(world, row) else p["amount"][row]
    return charged - p["refunded"][row] - p["charged_back"][row]


def create_payment(world: World, at: int, amount: int, method: int, seq: int = 0, customer: int = -1,
                   mandate: int = -1, subscription: int = -1, extras: dict | None = None, status: str = "open") -> int:
    p = world.payments
    member = world.tables["customers"]["member"][customer] if customer >= 0 else -1
    row = p.add(created=at, paid=0, done=0, amount=amount, method=method, status=STATUS[status], seq=seq,
                customer=customer, subscription=subscription, mandate=mandate, settlement=-1, fee_net=0, fee_vat=0,
                refunded=0, charged_back=0, member=max(member, 0))
    if extras:
        p.extras[row] = extras
    if customer >= 0:
        world.by_customer.setdefault(customer, array("i")).append(row)
    if subscription >= 0:
        world.by_subscription.setdefault(subscription, array("i")).append(row)
    return row


def set_payment_status(world: World, row: int, status: str, at: int) -> None:
    """Move a payment to `status` ("paid", "authorized", "failed", "expired", "canceled", "pending").
    A manual-capture payment is paid only by `capture_payment`."""
    p = world.payments
    p["status"][row] = STATUS[status]
    if status == "paid":
        method = max(p["method"][row], 0 if p["seq"][row] != FIRST else METHODS.index("ideal"))
        if p["method"][row] < 0:
            p["method"][row] = method
        balance = place_payment(world, row, at)
        value = settled(world, row, p["amount"][row])
        net = fee_net(method, value)
        p["fee_net"][row], p["fee_vat"][row], p["paid"][row] = net, fee_vat(net), at
        available = available_at(world, method, at)
        p["settlement"][row] = _join_settlement(world, available or at, "payments", row, balance)
        world.add_transaction(at, "payment", row, value, -(net + fee_vat(net)), available, balance)
        if p["seq"][row] == FIRST and p["mandate"][row] < 0 and p["customer"][row] >= 0:
            mandate_from_first_payment(world, row, at)
    elif status == "authorized":
        p.extras.setdefault(row, {})["authorizedAt"] = at
        if p["method"][row] < 0:
            p["method"][row] = CREDITCARD
    elif status != "pending":
        p["done"][row] = at
    _notify(world, "payment", row, f"payment.{status}")


def capture_payment(world: World, row: int, amount: int, at: int, extras: dict | None = None) -> int:
    """Capture an authorized payment (fully or partly): the capture succeeds at once, the payment is
    paid, and the capture, not the payment, carries the money: a `capture` balance transaction
    (amount less the method's fee with VAT) and a line in the settlement period of `at`."""
    p, caps = world.payments, world.tables["captures"]
    balance = place_payment(world, row, at)
    value = settled(world, row, amount)
    net = fee_net(p["method"][row], value)
    c = caps.add(created=at, payment=row, amount=amount, status=CAPTURE_STATUSES.index("succeeded"),
                 fee_net=net, fee_vat=fee_vat(net))
    available = available_at(world, p["method"][row], at)
    caps["settlement"][c] = _join_settlement(world, available or at, "captures", c, balance)
    if extras:
        caps.extras[c] = extras
    world.captures_of.setdefault(row, []).append(c)
    world.add_transaction(at, "capture", c, value, -(net + fee_vat(net)), available, balance)
    p["status"][row], p["paid"][row] = STATUS["paid"], at
    _notify(world, "payment", row, "payment.paid")
    return c


def mandate_from_first_payment(world: World, row: int, at: int) -> int:
    """A paid `first` payment gives its customer a valid mandate, as Mollie does: a `directdebit`
    mandate on the consumer account the (iDEAL) payment was paid from, and the payment's `mandateId`."""
    p, mandates = world.payments, world.tables["mandates"]
    customer = p["customer"][row]
    details = consumer_details(world, row)
    p.extras.setdefault(row, {})["details"] = details
    m = mandates.add(created=at, customer=customer, status=0, method=METHODS.index("directdebit"))
    mandates.extras[m] = {**details, "mandateReference": None}
    world.mandates_of.setdefault(customer, []).append(m)
    p["mandate"][row] = m
    return m


def consumer_details(world: World, row: int) -> dict:
    """The account a payment was paid from: given by the trigger, else the member's own."""
    given = world.payments.extras.get(row, {}).get("details") or {}
    customer = world.payments["customer"][row]
    return {"consumerName": given.get("consumerName") or customer_name(world, customer),
            "consumerAccount": given.get("consumerAccount") or iban(world.tables["customers"]["member"][customer]),
            "consumerBic": given.get("consumerBic") or "INGBNL2A"}


def create_refund(world: World, row: int, amount: int, at: int, extras: dict | None = None) -> int:
    p, refunds = world.payments, world.tables["refunds"]
    r = refunds.add(created=at, payment=row, amount=amount, status=1)
    balance = balance_of(world, row)
    refunds["settlement"][r] = _join_settlement(world, at, "refunds", r, balance)
    if extras:
        refunds.extras[r] = extras
    p["refunded"][row] += amount
    world.refunds_of.setdefault(row, []).append(r)
    world.add_transaction(at, "refund", r, -settled(world, row, amount), balance=balance)
    _notify(world, "refund", r, "refund.pending")
    return r


def cancel_refund(world: World, r: int, at: int) -> None:
    """A queued/pending refund that is canceled never leaves: it drops out of its (open) settlement,
    the payment's refunded amount goes back, and a `refund-compensation` transaction returns the
    amount its creation took from the balance."""
    p, refunds = world.payments, world.tables["refunds"]
    s = refunds["settlement"][r]
    if s >= 0:
        lines = world.settlements[s].refunds
        del lines[lines.index(r)]
        world.settlements[s].touch()
        refunds["settlement"][r] = -1
    refunds["status"][r] = REFUND_STATUSES.index("canceled")
    pay = refunds["payment"][r]
    p["refunded"][pay] -= refunds["amount"][r]
    world.add_transaction(at, "refund-compensation", r, settled(world, pay, refunds["amount"][r]),
                          balance=balance_of(world, pay))


def reverse_chargeback(world: World, c: int, at: int) -> None:
    """Mollie reverses a chargeback (the bank decided for the merchant): `reversedAt` is set and a
    `chargeback-reversal` transaction gives the amount back; the payment is no longer charged back."""
    p, cbs = world.payments, world.tables["chargebacks"]
    cbs["reversed"][c] = at
    pay = cbs["payment"][c]
    balance = balance_of(world, pay)
    s = world.settlement_at(at, balance)
    if s is not None:
        s.reversals.append(c)
        s.touch()
    p["charged_back"][pay] -= cbs["amount"][c]
    world.add_transaction(at, "chargeback-reversal", c, settled(world, pay, cbs["amount"][c]), balance=balance)
    _notify(world, "chargeback", c, "chargeback.reversed")


def create_chargeback(world: World, row: int, amount: int, reason: int, at: int) -> int:
    p, cbs = world.payments, world.tables["chargebacks"]
    c = cbs.add(created=at, payment=row, amount=amount, reason=reason, reversed=0)
    balance = balance_of(world, row)
    cbs["settlement"][c] = _join_settlement(world, at, "chargebacks", c, balance)
    p["charged_back"][row] += amount
    world.chargebacks_of.setdefault(row, []).append(c)
    world.add_transaction(at, "chargeback", c, -settled(world, row, amount), balance=balance)
    _notify(world, "chargeback", c, "chargeback.received")
    return c


def charge_subscription(world: World, sub: int, at: int, outcome: str | None = None) -> int:
    """Create the subscription's next recurring direct-debit payment (pending, settled 3 days later)."""
    subs = world.tables["subscriptions"]
    extra = subs.extras.get(sub, {})
    extras = {"description": f"{extra.get('description', 'Contributie')} ({_ams_date(at)})"}
    if extra.get("webhookUrl"):
        extras["webhookUrl"] = extra["webhookUrl"]
    row = create_payment(world, at, subs["amount"][sub], 0, seq=2, customer=subs["customer"][sub],
                         mandate=subs["mandate"][sub], subscription=sub, extras=extras, status="pending")
    _notify(world, "payment", row, "payment.pending")
    if outcome is None and world.collections is not None:
        outcome = world.collections.subscription_outcome(world, sub, row, at)
    if outcome is None:
        heapq.heappush(world.schedule, (at + 3 * DAY, "settle-payment", row))
    elif outcome != "pending":
        set_payment_status(world, row, outcome, at)
    subs["next"][sub] = _add_months(subs["next"][sub] or at, subs["months"][sub])
    return row


def _add_months(ts: int, months: int) -> int:
    d = datetime.fromtimestamp(ts, AMSTERDAM)
    y, m = divmod(d.month - 1 + months, 12)
    return int(d.replace(year=d.year + y, month=m + 1, day=min(d.day, 28)).timestamp())


def _ams_date(ts: int) -> str:
    return datetime.fromtimestamp(ts, AMSTERDAM).date().isoformat()


def advance(world: World, new_now: int) -> None:
    """Run everything due up to `new_now` in time order: payouts, direct debits settling, charges."""
    payouts = [(s.payout_at, "payout", s.index) for s in world.settlements
               if not s.paid_out and world.now < s.payout_at <= new_now]
    invoices = [(s.end + 3600, "invoices", s.index) for s in world.settlements_of(0)
                if s.index % 2 and world.now < s.end + 3600 <= new_now]  # a month's second half ends it
    for item in payouts + invoices:
        heapq.heappush(world.schedule, item)
    subs = world.tables["subscriptions"]
    while world.schedule and world.schedule[0][0] <= new_now:
        at, action, row = heapq.heappop(world.schedule)
        world.now = max(world.now, at)
        if action == "payout":
            if not world.settlements[row].paid_out:
                pay_out(world, world.settlements[row])
        elif action == "invoices":
            build_invoices(world, at)
        elif action == "settle-payment":
            if PAYMENT_STATUSES[world.payments["status"][row]] == "pending":
                set_payment_status(world, row, "paid", at)
        elif action == "capture-payment" and PAYMENT_STATUSES[world.payments["status"][row]] == "authorized":
            capture_payment(world, row, world.payments["amount"][row], at)
        elif action.startswith("collection-") and world.collections is not None:
            world.collections.run(world, action, row, at)
        elif action == "charge-subscription":
            if subs["status"][row] == 1 and subs["next"][row] == at:
                charge_subscription(world, row, at)
                heapq.heappush(world.schedule, (subs["next"][row], "charge-subscription", row))
    world.now = new_now
    build_invoices(world, new_now)


