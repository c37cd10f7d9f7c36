"""MT940 in, through the `mt-940` library, with the structure checks it leaves to its caller.

`mt-940` parses what it finds and forgives a file cut short; here every statement must have its
`:20:`, `:25:`, `:60F:`/`:60M:` and `:62F:`/`:62M:`, each `:61:` must parse, and opening plus
entries must equal closing, so a truncated file is refused, naming the line. The `:86:` text is
read as ING/Rabobank-style structured fields (`/EREF/`, `/CNTP/iban/bic/name/`, `/REMI/USTD//…/`,
`/RTRN/`) when it has them, else taken whole as the remittance.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import mt940

from .identity import FALLBACK, FallbackIdentities
from .statement import BankLine, BankStatement, StatementError

_TAG = re.compile(r"^:(\d\d[A-Z]?):", re.MULTILINE)
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")
_FIELD = re.compile(r"/(EREF|CNTP|REMI|RTRN|MARF|CSID|BENM|ORDP|NAME|IBAN)/")
REQUIRED = (("20",), ("25",), ("60F", "60M"), ("62F", "62M"))


def read_mt940(data: bytes, source: str) -> list[BankStatement]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    text = text.replace("\r\n", "\n")
    blocks = _statement_blocks(text, source)
    return [_statement(block_text, first_line, source) for block_text, first_line in blocks]


def _statement_blocks(text: str, source: str) -> list[tuple[str, int]]:
    """Each statement's text (from its :20: on) and the file line it starts on."""
    starts = [m for m in _TAG.finditer(text) if m.group(1) == "20"]
    if not starts:
        raise StatementError(source, "line 1", "not an MT940 statement (no :20: field)")
    blocks = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        blocks.append((text[m.start():end], text.count("\n", 0, m.start()) + 1))
    return blocks


def _statement(block: str, first_line: int, source: str) -> BankStatement:
    tags = [(m.group(1), first_line + block.count("\n", 0, m.start())) for m in _TAG.finditer(block)]
    present = {t for t, _ in tags}
    last_line = tags[-1][1] if tags else first_line
    for alternatives in REQUIRED:
        if not present & set(alternatives):
            raise StatementError(source, f"line {last_line}",
                                 f"statement starting at line {first_line} has no :{alternatives[0]}: "
                                 "(the file is truncated or not MT940)")
    parsed = mt940.models.Transactions(options=mt940.Options(reversal_sign=True, merge_keeps_values=True))
    try:
        parsed.parse(block)
    except Exception as exc:  # mt-940 raises bare exceptions for a field it cannot read
        raise StatementError(source, f"line {first_line}", f"MT940 field cannot be read ({exc})") from None
    entry_lines = [line for tag, line in tags if tag == "61"]
    if len(parsed.transactions) != len(entry_lines):
        unread = entry_lines[len(parsed.transactions)] if len(entry_lines) > len(parsed.transactions) else first_line
        raise StatementError(source, f"line {unread}", "a :61: entry cannot be read")
    account = parsed.data.get("account_identification", "")
    iban_match = _IBAN.search(account.replace(" ", ""))
    if not iban_match:
        raise StatementError(source, f"line {_line_of(tags, '25')}", f"account {account!r} is not an IBAN")
    iban = iban_match.group(0)
    opening_bal = parsed.data.get("final_opening_balance") or parsed.data.get("intermediate_opening_balance")
    closing_bal = parsed.data.get("final_closing_balance") or parsed.data.get("intermediate_closing_balance")
    currency = opening_bal.amount.currency
    if closing_bal.amount.currency != currency:
        raise StatementError(source, f"line {_line_of(tags, '62F', '62M')}",
                             f"closing balance in {closing_bal.amount.currency}, opening in {currency}")
    if iban.endswith(currency) and len(iban) > 18:
        iban = iban[: -len(currency)]
    fallback = FallbackIdentities(iban)
    lines = tuple(_line(t.data, f"line {line_no}", fallback) for t, line_no in zip(parsed.transactions, entry_lines))
    return BankStatement(source=source, format="mt940", statement_id=parsed.data.get("transaction_reference", ""),
                         iban=iban, currency=currency, from_date=_date(opening_bal.date),
                         to_date=_date(closing_bal.date), opening=opening_bal.amount.amount,
                         closing=closing_bal.amount.amount, lines=lines)


def _line(data: dict, place: str, fallback: FallbackIdentities) -> BankLine:
    details = _details(data.get("transaction_details") or "")
    amount: Decimal = data["amount"].amount
    value = _date(data["date"])
    booking = _date(data.get("entry_date") or data["date"])
    counterparty = details.get("CNTP", "").split("/")
    counter_iban = counterparty[0] if counterparty and _IBAN.fullmatch(counterparty[0] or "-") else ""
    name = counterparty[2] if len(counterparty) > 2 else ""
    remittance = details.get("REMI", details.get("", "")).removeprefix("USTD//").strip("/ ")
    end_to_end = details.get("EREF", "")
    end_to_end = "" if end_to_end == "NOTPROVIDED" else end_to_end
    ref, ref_source = data.get("bank_reference") or "", "MT940 bank reference"
    if not ref and data.get("customer_reference") not in (None, "", "NONREF"):
        ref, ref_source = data["customer_reference"], "MT940 customer reference"
    if not ref:
        ref, ref_source = fallback.next(booking, value, amount, data["amount"].currency, counter_iban, end_to_end,
                                        remittance), FALLBACK
    return BankLine(entry_ref=ref, ref_source=ref_source, booking_date=booking, value_date=value, amount=amount,
                    currency=data["amount"].currency, reversal=str(data.get("status", "")).startswith("R"),
                    counterparty_name=name, counterparty_iban=counter_iban, remittance=remittance,
                    end_to_end_id=end_to_end, return_reason=details.get("RTRN", "").strip("/"), place=place)


def _details(text: str) -> dict[str, str]:
    """`/EREF/x/CNTP/a/b/c/` → {"EREF": "x", "CNTP": "a/b/c"}; unstructured text under ""."""
    text = text.replace("\n", "")
    marks = list(_FIELD.finditer(text))
    if not marks:
        return {"": text.strip()}
    out = {}
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        out[m.group(1)] = text[m.end():end].rstrip("/")
    return out


def _line_of(tags: list[tuple[str, int]], *names: str) -> int:
    return next(line for t, line in tags if t in names)


def _date(value) -> date:
    return date(value.year, value.month, value.day)
