"""A second balance in another currency, and payments in foreign currencies (flows "real").

Mollie's multicurrency page: "If you have a Mollie balance in the same currency as the payment, it will
be settled on that balance directly without conversion. In all other cases, the payment will be converted
to your primary balance currency." The account opens a GBP balance at the start of the scenario's second
month: a GBP payment paid from then on lives on the GBP balance (its transactions, settlements, payouts
and reports, all in pence); a GBP payment paid before, and any payment in another foreign currency, is
converted at the emulator's fixed rate and lives on the primary EUR balance. The payment keeps its own
`amount`; what reaches a balance (transactions, settlement lines, `settlementAmount`) is in that
balance's currency, so no total ever adds one currency's minor units to another's.
"""

from __future__ import annotations

from ..core.models.money import currency_decimals
from .money import amount
from .store import TRANSACTION_COLUMNS, Book, Settlement, Table, World

#: The emulator's fixed conversion rates to EUR in basis points per major unit (Mollie's docs give none).
RATES_BP = {"GBP": 11850, "USD": 9200, "CHF": 10650}
DEFAULT_RATE_BP = 10000


def payment_currency(world: World, row: int) -> str:
    return world.payments.extras.get(row, {}).get("currency", "EUR")


def balance_currency(world: World, balance: int) -> str:
    return world.books[balance - 1].currency if balance else "EUR"


def balance_of(world: World, pay: int) -> int:
    """The balance a payment (and its refunds, chargebacks and captures) is booked on."""
    return world.on_book.get(pay, 0)


def to_eur(minor: int, currency: str) -> int:
    """Minor units of `currency` converted to euro cents at the fixed rate, rounded half up."""
    scale = 10 ** currency_decimals(currency) * 10000
    cents = (abs(minor) * RATES_BP.get(currency, DEFAULT_RATE_BP) * 100 + scale // 2) // scale
    return -cents if minor < 0 else cents


def settled(world: World, pay: int, minor: int) -> int:
    """`minor` of payment `pay`'s currency as it reaches the payment's balance."""
    return to_eur(minor, payment_currency(world, pay)) if pay in world.converted else minor


def settlement_amount(world: World, pay: int, minor: int, basic_currency: str) -> dict:
    """The `settlementAmount` of `minor` of payment `pay` (signed as the caller wants). Flows "basic" keep
    their rendering (`basic_currency`); flows "real" show the amount in the balance's currency."""
    if not world.real_flows:
        return amount(minor, basic_currency)
    return amount(settled(world, pay, minor), balance_currency(world, balance_of(world, pay)))


def place_payment(world: World, row: int, at: int) -> int:
    """Decide, when a payment is paid at `at`, which balance it reaches (flows "real"); returns it."""
    currency = payment_currency(world, row)
    if not world.real_flows or currency == "EUR":
        return 0
    for index, book in enumerate(world.books, 1):
        if book.currency == currency and book.opened <= at:
            world.on_book[row] = index
            return index
    world.converted.add(row)
    return 0


def open_book(world: World, currency: str, opened: int) -> int:
    """Open a balance in `currency` at `opened`: its own ledger and half-month settlements (the primary's
    periods from the opening on). Returns its balance index."""
    first = len(world.settlements)
    periods = [s for s in world.settlements_of(0) if s.start >= opened]
    for k, s in enumerate(periods):
        world.settlements.append(Settlement(first + k, s.start, s.end, s.payout_at, balance=len(world.books) + 1))
    table = Table("baltr_", f"{world.seed}:{currency}", TRANSACTION_COLUMNS)
    world.books.append(Book(currency, opened, table, first, len(periods)))
    return len(world.books)
