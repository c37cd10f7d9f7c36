"""MT940 out, in the shape ING and Rabobank export: `:61:` with the bank reference after `//`,
a structured `:86:` (`/EREF/ /CNTP/iban/bic/name/ /REMI/USTD//…/ /RTRN/`) wrapped at 65 characters."""

from __future__ import annotations

from decimal import Decimal

from .statement import BankLine, BankStatement

WIDTH = 65


def mt940_text(statements: list[BankStatement], bank_bic: str = "") -> str:
    out: list[str] = []
    for number, s in enumerate(statements, 1):
        out += [f":20:{s.statement_id[:16]}", f":25:{s.iban}", f":28C:{number:05d}",
                f":60F:{_balance(s.opening, s.from_date, s.currency)}"]
        for line in s.lines:
            out.append(f":61:{_entry(line)}")
            out += _wrapped(":86:" + _details(line, bank_bic))
        out += [f":62F:{_balance(s.closing, s.to_date, s.currency)}", "-"]
    return "\r\n".join(out) + "\r\n"


def _balance(amount: Decimal, day, currency: str) -> str:
    return f"{'D' if amount < 0 else 'C'}{day:%y%m%d}{currency}{_amount(amount)}"


def _entry(line: BankLine) -> str:
    mark = ("RC" if line.amount < 0 else "RD") if line.reversal else ("C" if line.amount > 0 else "D")
    customer = (line.end_to_end_id or "NONREF")[:16]
    return (f"{line.value_date:%y%m%d}{line.booking_date:%m%d}{mark}{_amount(line.amount)}"
            f"NTRF{customer}//{line.entry_ref[:16]}")


def _details(line: BankLine, bic: str) -> str:
    parts = [f"/EREF/{line.end_to_end_id or 'NOTPROVIDED'}"]
    if line.return_reason:
        parts.append(f"/RTRN/{line.return_reason}")
    if line.counterparty_iban or line.counterparty_name:
        parts.append(f"/CNTP/{line.counterparty_iban}/{bic}/{line.counterparty_name}/")
    if line.remittance:
        parts.append(f"/REMI/USTD//{line.remittance}/")
    return "".join(parts)


def _wrapped(text: str) -> list[str]:
    """Lines of at most 65 characters, never broken next to a space (readers strip line ends)."""
    lines, start = [], 0
    while start < len(text):
        end = min(start + WIDTH, len(text))
        while start + 1 < end < len(text) and (text[end - 1] == " " or text[end] == " "):
            end -= 1
        lines.append(text[start:end])
        start = end
    return lines[:6]


def _amount(value: Decimal) -> str:
    return f"{abs(value).quantize(Decimal('0.01')):f}".replace(".", ",")

