"""Money that comes back: refunds the bank returns, direct debits that fail after they were credited,
payouts the bank returns or that are canceled, and balance corrections. Each books its documented
balance transaction and shows in the settlement of the moment it happens (see settling.py)."""

from __future__ import annotations

from .currencies import balance_of, settled
from .holds import released_at
from .store import PAYMENT_STATUSES, REFUND_STATUSES, Settlement, World

FAILED = PAYMENT_STATUSES.index("failed")


def _notify(world: World, kind: str, row: int, event: str) -> None:
    if world.notify is not None:
        world.notify(kind, row, event)


def _settlement_now(world: World, at: int, balance: int = 0) -> Settlement | None:
    s = world.settlement_at(at, balance)
    if s is not None:
        s.touch()
    return s


def fail_refund(world: World, r: int, at: int) -> None:
    """The bank sent a refund back (refund status `failed`): a `returned-refund` transaction of +amount,
    a "Returned refunds" line in the settlement of `at`, and the payment's refunded amount goes down.
    The refund stays in the settlement that deducted it."""
    refunds = world.tables["refunds"]
    refunds["status"][r] = REFUND_STATUSES.index("failed")
    refunds.extras.setdefault(r, {})["failedAt"] = at
    pay = refunds["payment"][r]
    balance = balance_of(world, pay)
    s = _settlement_now(world, at, balance)
    if s is not None:
        s.returned_refunds.append(r)
    if pay < world.payments.n:
        world.payments["refunded"][pay] -= refunds["amount"][r]
    world.add_transaction(at, "returned-refund", r, settled(world, pay, refunds["amount"][r]), balance=balance)
    _notify(world, "refund", r, "refund.failed")


def fail_paid_payment(world: World, row: int, at: int) -> None:
    """A direct debit whose funds were still pending fails after all (the debtor's bank refused it): a
    `failed-payment` transaction takes the amount back and returns the fee (failed debits cost
    nothing), the payment is `failed` and leaves the settlement it would have joined. The debit is
    held until the credit's release (Mollie's docs are silent; sandbox/README.md): what it takes back
    is the pending credit, so the available amount never sees either."""

    p = world.payments
    index = p["settlement"][row]
    if index >= 0:
        lines = world.settlements[index].payments
        del lines[lines.index(row)]
        world.settlements[index].touch()
        p["settlement"][row] = -1
    p["status"][row], p["done"][row] = FAILED, at
    world.add_transaction(at, "failed-payment", row, -p["amount"][row], p["fee_net"][row] + p["fee_vat"][row],
                          available=released_at(p["method"][row], p["paid"][row]))
    _notify(world, "payment", row, "payment.failed")


def fail_payout(world: World, s: Settlement, at: int, how: str, carry: bool = True) -> int:
    """A paid-out settlement's transfer is `returned` by the bank or `canceled`: the amount comes back
    (`returned-transfer` / `canceled-transfer`), the settlement is `failed`, and the settlement of `at`
    pays it again (unless `carry` is False: planted)."""
    from .settling import settlement_totals

    amount = settlement_totals(world, s)["amount"]
    s.payout_failed = how
    kind = "returned-transfer" if how == "returned" else "canceled-transfer"
    tx = world.add_transaction(at, kind, s.index, amount, balance=s.balance)
    later = _settlement_now(world, at, s.balance) if carry else None
    if later is not None:
        later.carried.append(s.index)
    return tx


def correct_balance(world: World, amount: int, at: int) -> int:
    """Mollie corrects the balance (context none); the settlement of `at` carries the correction."""
    tx = world.add_transaction(at, "balance-correction", -1, amount)
    s = _settlement_now(world, at)
    if s is not None:
        s.corrections.append((tx, amount))
    return tx
