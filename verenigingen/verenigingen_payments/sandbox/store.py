"""The emulator's state: compact column arrays per resource type, rendered to JSON on demand.

A row is an index into parallel `array` columns (a few bytes per field), so a year of 600,000
payments costs tens of MB instead of a dict per payment. Rows are appended in creation order, so
row order is time order and an id decodes to its row (see `ids.IdCodec`). Free-text fields of
rows created through the API (description, webhookUrl, metadata …) live in a per-row `extras`
dict; that is the whole "mutation overlay", because state changes write straight into columns.
"""

from __future__ import annotations

import heapq
import threading
from array import array
from dataclasses import dataclass, field

from .ids import IdCodec

METHODS = ("directdebit", "ideal", "creditcard")
METHOD_LABELS = {"directdebit": "SEPA Direct Debit", "ideal": "iDEAL", "creditcard": "Credit card"}
PAYMENT_STATUSES = ("open", "pending", "authorized", "paid", "canceled", "expired", "failed")
SEQUENCE_TYPES = ("oneoff", "first", "recurring")
MANDATE_STATUSES = ("valid", "pending", "invalid")
SUBSCRIPTION_STATUSES = ("pending", "active", "canceled", "suspended", "completed")
REFUND_STATUSES = ("queued", "pending", "processing", "refunded", "failed", "canceled")
CAPTURE_STATUSES = ("pending", "succeeded", "failed")
CAPTURE_MODES = ("automatic", "manual")
TX_KINDS = ("payment", "refund", "chargeback", "outgoing-transfer", "balance-correction", "refund-compensation",
            "chargeback-reversal", "capture", "failed-payment", "returned-refund", "returned-transfer",
            "canceled-transfer", "invoice-compensation")
#: "real": pending funds, failed refunds, returned payouts, a second balance in GBP, manual captures …
#: (scenario_flows.py).
FLOWS = ("basic", "real")
PAID = PAYMENT_STATUSES.index("paid")
PHANTOM_ROW = 10**12  # row numbers from here on name payments that do not exist (planted)
OPEN = PAYMENT_STATUSES.index("open")
PENDING = PAYMENT_STATUSES.index("pending")

# SEPA reversal reason codes Mollie reports on direct-debit chargebacks.
CHARGEBACK_REASONS = (
    ("AC04", "Account closed"),
    ("AM04", "Insufficient funds"),
    ("MD06", "Refund request by end customer"),
    ("MS02", "Refused by debtor"),
    ("MD01", "No mandate"),
)
#: Codes a trigger or the collection outcomes may give besides the scenario's; apart, so that seeded
#: scenarios (which draw from CHARGEBACK_REASONS) stay as they were.
MORE_REASONS = (
    ("AC06", "Account blocked"),
    ("MD07", "Debtor deceased"),
    ("MS03", "Reason not specified"),
    ("AG01", "Transaction forbidden"),
    ("SL01", "Specific service offered by debtor agent"),
)
ALL_REASONS = CHARGEBACK_REASONS + MORE_REASONS


class Table:
    """Parallel columns of one resource type. `typecodes` maps column -> array typecode or "o"."""

    def __init__(self, prefix: str, salt: int, typecodes: dict[str, str]) -> None:
        self.codec = IdCodec(prefix, salt)
        self.cols: dict[str, object] = {
            name: ([] if tc == "o" else array(tc)) for name, tc in typecodes.items()
        }
        self._defaults = {name: (None if tc == "o" else (-1 if tc in "il" else 0)) for name, tc in typecodes.items()}
        self.extras: dict[int, dict] = {}
        self.n = 0

    def __len__(self) -> int:
        return self.n

    def add(self, **values) -> int:
        for name, column in self.cols.items():
            column.append(values.get(name, self._defaults[name]))
        self.n += 1
        return self.n - 1

    def bulk(self, columns: dict[str, list], count: int) -> None:
        """Append `count` rows given column-wise (fast path for generating scenarios)."""
        for name, column in self.cols.items():
            values = columns.get(name)
            if values is None:
                values = [self._defaults[name]] * count
            column.extend(values)
        self.n += count

    def id(self, row: int) -> str:
        return self.codec.encode(row)

    def find(self, ident: object) -> int | None:
        row = self.codec.decode(ident)
        return row if row is not None and row < self.n else None

    def __getitem__(self, name: str):
        return self.cols[name]


def new_tables(salt: int) -> dict[str, Table]:
    return {
        "payments": Table("tr_", salt, {
            "created": "q", "paid": "q", "done": "q", "amount": "i", "method": "b", "status": "b",
            "seq": "b", "customer": "i", "subscription": "i", "mandate": "i", "settlement": "i",
            "fee_net": "i", "fee_vat": "i", "refunded": "i", "charged_back": "i", "member": "i",
        }),
        "customers": Table("cst_", salt, {"created": "q", "member": "i"}),
        "mandates": Table("mdt_", salt, {"created": "q", "customer": "i", "status": "b", "method": "b"}),
        "subscriptions": Table("sub_", salt, {
            "created": "q", "customer": "i", "mandate": "i", "amount": "i", "months": "b", "start": "q",
            "status": "b", "canceled": "q", "next": "q",
        }),
        "refunds": Table("re_", salt, {"created": "q", "payment": "q", "amount": "i", "status": "b", "settlement": "i"}),
        "chargebacks": Table("chb_", salt, {
            "created": "q", "payment": "i", "amount": "i", "reason": "b", "settlement": "i", "reversed": "q",
        }),
        "captures": Table("cpt_", salt, {
            "created": "q", "payment": "i", "amount": "i", "status": "b", "settlement": "i", "fee_net": "i",
            "fee_vat": "i",
        }),
        "transactions": Table("baltr_", salt, TRANSACTION_COLUMNS),
    }


#: available: when the funds become available (0: at once)
TRANSACTION_COLUMNS = {"created": "q", "kind": "b", "ref": "i", "initial": "i", "deduction": "i", "available": "q"}


@dataclass
class Settlement:
    """One half-month settlement period; its lines are rows of payments/refunds/chargebacks."""

    index: int
    start: int
    end: int
    payout_at: int
    balance: int = 0  # 0: the primary (EUR) balance; 1…: World.books
    payments: array = field(default_factory=lambda: array("i"))
    refunds: array = field(default_factory=lambda: array("i"))
    chargebacks: array = field(default_factory=lambda: array("i"))
    reversals: array = field(default_factory=lambda: array("i"))  # chargebacks reversed in this period
    captures: array = field(default_factory=lambda: array("i"))
    returned_refunds: array = field(default_factory=lambda: array("i"))  # refunds the bank sent back in this period
    carried: list = field(default_factory=list)  # settlements whose returned/canceled payout this one pays again
    compensations: list = field(default_factory=list)  # invoices deducted (invoice-compensation) in this period
    corrections: list = field(default_factory=list)  # (transaction row, amount) of balance corrections
    amount_delta: int = 0  # planted: a settlement whose lines don't add up to its amount
    paid_out: bool = False
    payout_tx: int = -1
    payout_failed: str = ""  # "returned" (the bank sent it back) or "canceled"; the settlement is then `failed`
    totals: dict | None = None  # cache of settling.settlement_totals; reset when lines change

    def touch(self) -> None:
        self.totals = None


@dataclass
class Invoice:
    index: int
    month: str  # "2025-01"
    issued_at: int
    lines: dict  # method -> [count, net, vat]
    extra: dict = field(default_factory=dict)  # invoiced, not withheld: label -> [count, net, vat]


@dataclass
class Book:
    """A balance besides the primary one (flows "real": GBP), with its own ledger and settlements (the
    slice `first` … `first + count` of World.settlements)."""

    currency: str
    opened: int
    table: Table
    first: int
    count: int
    total: int = 0  # available + pending
    held: list = field(default_factory=list)
    pending_total: int = 0


@dataclass
class World:
    """Everything the emulator serves; guarded by `lock` (requests and the clock both write)."""

    seed: int
    start: int
    tables: dict[str, Table]
    settlements: list[Settlement]
    invoices: list[Invoice] = field(default_factory=list)
    ground_truth: list[dict] = field(default_factory=list)
    by_customer: dict[int, array] = field(default_factory=dict)  # customer row -> payment rows
    by_subscription: dict[int, array] = field(default_factory=dict)
    mandates_of: dict[int, list] = field(default_factory=dict)
    subscriptions_of: dict[int, list] = field(default_factory=dict)
    refunds_of: dict[int, list] = field(default_factory=dict)
    chargebacks_of: dict[int, list] = field(default_factory=dict)
    captures_of: dict[int, list] = field(default_factory=dict)  # payment row -> capture rows
    deleted_customers: set = field(default_factory=set)  # rows deleted through the API (404 from then on)
    balance_total: int = 0  # available + pending
    flows: str = "basic"
    held: list = field(default_factory=list)  # heap of (available at, amount) not yet released (holds.py)
    pending_total: int = 0
    books: list[Book] = field(default_factory=list)  # balances besides the primary one (index 1, 2 …)
    on_book: dict[int, int] = field(default_factory=dict)  # payment row -> its balance when not the primary
    converted: set = field(default_factory=set)  # payment rows in a foreign currency settled on the primary
    webhooks: list[dict] = field(default_factory=list)
    events: dict[str, dict] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    schedule: list = field(default_factory=list)  # heap of (time, action, row): pending -> paid, subscription charges
    notify: object = None  # callable(kind, row, event_type) set by the app to deliver webhooks
    collections: object = None  # collection_outcomes.CollectionPlan once seeded: planned failures and retries
    payment_links: list = field(default_factory=list)  # payment_links.py: one dict per link
    now: int = 0  # the simulated clock, epoch seconds; moved by the app when the clock advances
    _codecs: dict = field(default_factory=dict)

    @property
    def real_flows(self) -> bool:
        return self.flows != "basic"

    def codec(self, prefix: str) -> IdCodec:
        """Id codec for resources that are not table rows (settlements, invoices, balances …)."""
        if prefix not in self._codecs:
            self._codecs[prefix] = IdCodec(prefix, self.seed)
        return self._codecs[prefix]

    @property
    def payments(self) -> Table:
        return self.tables["payments"]

    def add_transaction(self, created: int, kind: str, ref: int, initial: int, deduction: int = 0,
                        available: int = 0, balance: int = 0) -> int:
        """Book a movement on `balance` (0: the primary); with `available` later than `created` its funds
        are pending until then."""
        book = self.books[balance - 1] if balance else None
        table = book.table if book else self.tables["transactions"]
        row = table.add(created=created, kind=TX_KINDS.index(kind), ref=ref, initial=initial, deduction=deduction,
                        available=available)
        value = initial + deduction
        held = available > max(created, self.now)
        if book:
            book.total += value
            if held:
                heapq.heappush(book.held, (available, value))
                book.pending_total += value
            return row
        self.balance_total += value
        if held:
            heapq.heappush(self.held, (available, value))
            self.pending_total += value
        return row

    def settlements_of(self, balance: int = 0) -> list[Settlement]:
        """The settlements of one balance, oldest first."""
        if balance:
            book = self.books[balance - 1]
            return self.settlements[book.first:book.first + book.count]
        return self.settlements[:self.books[0].first] if self.books else self.settlements

    def settlement_at(self, ts: int, balance: int = 0) -> Settlement | None:
        """The settlement period of `balance` (0: the primary) that contains `ts`."""
        if balance:
            lo = self.books[balance - 1].first
            hi = lo + self.books[balance - 1].count - 1
        else:
            lo, hi = 0, (self.books[0].first if self.books else len(self.settlements)) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            s = self.settlements[mid]
            if ts < s.start:
                hi = mid - 1
            elif ts >= s.end:
                lo = mid + 1
            else:
                return s
        return None
