"""Statements to write and read back in the bank tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from verenigingen.verenigingen_payments.bank.statement import BankLine, BankStatement

IBAN = "NL20INGB0001234567"


def line(ref: str, day: int, amount: str, remittance: str = "", **kwargs) -> BankLine:
    return BankLine(ref, "AcctSvcrRef", date(2025, 1, day), date(2025, 1, day), Decimal(amount), "EUR",
                    remittance=remittance, **kwargs)


def statement(lines: tuple[BankLine, ...], opening: str = "100.00", statement_id: str = "STMT-2025-01",
              first: int = 1, last: int = 31, iban: str = IBAN) -> BankStatement:
    opening_value = Decimal(opening)
    return BankStatement("s", "camt.053.001.02", statement_id, iban, "EUR", date(2025, 1, first),
                         date(2025, 1, last), opening_value, opening_value + sum(x.amount for x in lines),
                         lines, "Vereniging De Test")


PAYOUT = line("B250117A1B2C3D4", 17, "1234.56", "01000001.2501.01 Mollie payout",
              counterparty_name="Stichting Mollie Payments", counterparty_iban="NL30ABNA0524590958",
              end_to_end_id="STL01000001")
RENT = line("B250118RENT", 18, "-850.00", "Huur januari", counterparty_name="Verhuur BV",
            counterparty_iban="NL91ABNA0417164300")
RETURN = line("B250120RET", 20, "-1234.56", "01000001.2501.01 returned", reversal=True, return_reason="AC06")


def same_content(a: BankLine, b: BankLine) -> bool:
    """Equal but for where the line was read (place) and which reference field named it."""
    fields = ("entry_ref", "booking_date", "value_date", "amount", "currency", "reversal", "counterparty_name",
              "counterparty_iban", "remittance", "end_to_end_id", "return_reason")
    return all(getattr(a, f) == getattr(b, f) for f in fields)
