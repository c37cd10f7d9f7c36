"""The association's own bank account, as its bank would show it: Mollie's payouts as they arrive
(one business day after the payout, Mollie's settlement reference in the remittance), plus the
ordinary lines of a club's account — dues paid by bank transfer, the monthly rent, the bank's
package costs, a supplier's refund — and whatever the planting or the control surface changed.

Nothing here is stored per line: the lines of any period are derived from the world (payouts made
so far) and the few overrides below, so advancing the clock adds the new payouts by itself.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from ..bank.statement import BankLine, BankStatement
from ..workflows.payouts_at_bank.business_days import add_business_days, is_business_day
from .clock import AMSTERDAM
from .people import DUTCH_MONTHS, member_name
from .render_common import Ctx
from .render_finance import render_settlement
from .resource_ids import settlement_id
from .settling import settlement_totals
from .store import Settlement, World

ACCOUNT_NAME = "Vereniging De Eendracht"
BANK_BIC = "INGBNL2A"
MOLLIE_NAME = "Stichting Mollie Payments"
MOLLIE_IBAN = "NL30ABNA0524590958"
MOLLIE_BIC = "ABNANL2A"
OPENING_BALANCE = Decimal("4250.00")
PAYOUT_DELAY_DAYS = 1  # business days from Mollie's payout to the value date at the bank
RETURN_DELAY_DAYS = 2  # business days from the credit to the bank's return of it


@dataclass
class PayoutAtBank:
    """What the bank did with one payout (unchanged: credited one business day later)."""

    extra_days: int = 0
    never: bool = False
    amount_delta: Decimal = Decimal(0)  # credited this much less
    booked_twice: bool = False
    returned: str = ""  # reason code of the bank's return, "" when kept


@dataclass
class AssociationBank:
    world: World
    ctx: Ctx
    iban: str
    payouts: dict[int, PayoutAtBank] = field(default_factory=dict)  # settlement index -> overrides
    stray_credits: list[tuple[date, Decimal, str]] = field(default_factory=list)  # credits from Mollie, no settlement
    ground_truth: list[dict] = field(default_factory=list)

    @classmethod
    def for_world(cls, world: World, ctx: Ctx) -> AssociationBank:
        account = f"{world.seed % 10**10:010d}"
        return cls(world, ctx, _iban("INGB", account))

    # -- what the bank shows ---------------------------------------------------------------------------
    def first_day(self) -> date:
        return datetime.fromtimestamp(self.world.start, AMSTERDAM).date()

    def today(self) -> date:
        return datetime.fromtimestamp(self.world.now, AMSTERDAM).date()

    def lines(self, until: date) -> list[BankLine]:
        """Every line booked from the account's first day up to and including `until`, oldest first."""
        until = min(until, self.today())
        lines = self._payout_lines() + self._ordinary_lines() + self._stray_lines()
        kept = [x for x in lines if x.booking_date <= until]
        return sorted(kept, key=lambda x: (x.booking_date, x.entry_ref))

    def statement(self, from_date: date, to_date: date) -> BankStatement:
        to_date = min(to_date, self.today())
        every = self.lines(to_date)
        before = sum((x.amount for x in every if x.booking_date < from_date), Decimal(0))
        inside = tuple(x for x in every if x.booking_date >= from_date)
        opening = OPENING_BALANCE + before
        return BankStatement(source="emulator", format="camt.053.001.02",
                             statement_id=f"{self.iban[-10:]}-{from_date:%y%m%d}-{to_date:%y%m%d}",
                             iban=self.iban, currency="EUR", from_date=from_date, to_date=to_date, opening=opening,
                             closing=opening + sum((x.amount for x in inside), Decimal(0)), lines=inside,
                             account_name=ACCOUNT_NAME)

    def paid_out(self) -> list[Settlement]:
        """The primary balance's settlements whose payout Mollie has made (amount > 0, not canceled)."""
        w = self.world
        return [s for s in w.settlements_of(0) if s.paid_out and s.payout_at <= w.now and self.amount(s) > 0
                and s.payout_failed != "canceled"]

    def amount(self, s: Settlement) -> Decimal:
        return Decimal(settlement_totals(self.world, s)["amount"]) / 100

    def reference(self, s: Settlement) -> str:
        return render_settlement(self.ctx, s, "paidout")["reference"]

    def credit_day(self, s: Settlement) -> date:
        day = datetime.fromtimestamp(s.payout_at, AMSTERDAM).date()
        return add_business_days(day, PAYOUT_DELAY_DAYS + self.payouts.get(s.index, PayoutAtBank()).extra_days)

    def payout_refs(self, s: Settlement) -> tuple[str, str, str]:
        """(credit, second booking, return) entry references of a payout."""
        sid = settlement_id(self.world, s)
        return _ref("P", sid), _ref("Q", sid), _ref("R", sid)

    def _payout_lines(self) -> list[BankLine]:
        out = []
        for s in self.paid_out():
            how = self.payouts.get(s.index, PayoutAtBank())
            if how.never or s.payout_failed == "returned":  # Mollie's returned transfer never reached the account
                continue
            reference, day, amount = self.reference(s), self.credit_day(s), self.amount(s) - how.amount_delta
            credit, twice, back = self.payout_refs(s)
            text = f"{reference} Mollie uitbetaling {settlement_id(self.world, s)}"
            out.append(_mollie_line(credit, day, amount, text, reference))
            if how.booked_twice:
                out.append(_mollie_line(twice, day, amount, text, reference))
            if how.returned:
                out.append(BankLine(back, "AcctSvcrRef", add_business_days(day, RETURN_DELAY_DAYS),
                                    add_business_days(day, RETURN_DELAY_DAYS), -amount, "EUR", reversal=True,
                                    counterparty_name=MOLLIE_NAME, counterparty_iban=MOLLIE_IBAN,
                                    remittance=f"{reference} retour {how.returned}", end_to_end_id=reference,
                                    return_reason=how.returned))
        return out

    def _stray_lines(self) -> list[BankLine]:
        return [_mollie_line(_ref("X", f"{day}{amount}{text}"), day, amount, text, "")
                for day, amount, text in self.stray_credits]

    def _ordinary_lines(self) -> list[BankLine]:
        rng = random.Random(f"bank:{self.world.seed}")
        out, day = [], self.first_day()
        end = self.today()
        month = None
        while day <= end:
            if (day.year, day.month) != month and is_business_day(day):
                month = (day.year, day.month)
                label = f"{DUTCH_MONTHS[day.month - 1]} {day.year}"
                out.append(_line("H", day, Decimal("-850.00"), f"Huur clubhuis {label}", "Stichting Dorpshuis",
                                 _iban("RABO", "0312456789")))
                out.append(_line("K", day, Decimal("-12.50"), f"Kosten zakelijk betalen {label}", "ING Bank",
                                 ""))
                for n in range(rng.randrange(3, 7)):
                    member = rng.randrange(1, 300)
                    pay_day = day + timedelta(days=rng.randrange(0, 20))
                    if pay_day <= end:
                        out.append(_line("C", pay_day, Decimal(rng.choice(("10.00", "12.50", "15.00", "25.00"))),
                                         f"Contributie {label} lid {member + 1000}", member_name(member),
                                         _iban("ASNB", f"{member:010d}"), salt=n))
                if day.month == 2:
                    out.append(_line("S", day + timedelta(days=9), Decimal("74.95"), "Creditnota 2025-0113 retour ballen",
                                     "Sportartikelen Jansen BV", _iban("ABNA", "0456123789")))
            day += timedelta(days=1)
        return [x for x in out if x.booking_date <= end]


def _iban(bank: str, account: str) -> str:
    from schwifty import IBAN

    return str(IBAN.generate("NL", bank_code=bank, account_code=account))


def _ref(kind: str, key: str) -> str:
    """A bank entry reference: at most 16 characters, as MT940's `:61:` allows."""
    return kind + hashlib.sha256(key.encode()).hexdigest()[:13].upper()


def _mollie_line(ref: str, day: date, amount: Decimal, text: str, end_to_end: str) -> BankLine:
    return BankLine(ref, "AcctSvcrRef", day, day, amount, "EUR", counterparty_name=MOLLIE_NAME,
                    counterparty_iban=MOLLIE_IBAN, remittance=text, end_to_end_id=end_to_end)


def _line(kind: str, day: date, amount: Decimal, text: str, name: str, iban: str, salt: int = 0) -> BankLine:
    return BankLine(_ref(kind, f"{day}{text}{salt}"), "AcctSvcrRef", day, day, amount, "EUR",
                    counterparty_name=name, counterparty_iban=iban, remittance=text)
