"""CAMT.053 out (camt.053.001.02, what Dutch bookkeeping packages import): one Document per file,
one `Stmt` per `BankStatement`. The bytes depend only on the input (no clock, no random ids), so
writing the same statements twice gives the same file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from lxml import etree

from .camt_schema import namespace
from .statement import BankLine, BankStatement

VERSION = "camt.053.001.02"
IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Za-z0-9]{1,30}")


@dataclass(frozen=True)
class TransactionCode:
    """ISO 20022 bank transaction code (domain, family, sub-family)."""

    domain: str
    family: str
    sub_family: str


RECEIVED_TRANSFER = TransactionCode("PMNT", "RCDT", "ESCT")
ISSUED_TRANSFER = TransactionCode("PMNT", "ICDT", "ESCT")
RETURNED_TRANSFER = TransactionCode("PMNT", "RCDT", "RRTN")
CHARGES = TransactionCode("ACMT", "MDOP", "CHRG")


def default_code(line: BankLine) -> TransactionCode:
    if line.reversal or line.return_reason:
        return RETURNED_TRANSFER
    return RECEIVED_TRANSFER if line.amount > 0 else ISSUED_TRANSFER


def camt053_bytes(statements: list[BankStatement], message_id: str, created: datetime,
                  servicer_bic: str = "", codes: dict[str, TransactionCode] | None = None) -> bytes:
    """The file; `codes` may give an entry (by entry_ref) another transaction code than the default."""
    ns = namespace(VERSION)
    e = _Maker(ns)
    stamp = created.isoformat(timespec="seconds")
    document = e("Document", e("BkToCstmrStmt",
                               e("GrpHdr", e("MsgId", message_id[:35]), e("CreDtTm", stamp)),
                               *[_statement(e, s, stamp, servicer_bic, codes or {}) for s in statements]))
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class _Maker:
    def __init__(self, ns: str) -> None:
        self.ns = ns

    def __call__(self, tag: str, *children, **attrs):
        element = etree.Element(f"{{{self.ns}}}{tag}", nsmap={None: self.ns}, **attrs)
        for child in children:
            if child is None:
                continue
            if isinstance(child, str):
                element.text = child
            else:
                element.append(child)
        return element


def _statement(e: _Maker, s: BankStatement, stamp: str, bic: str, codes: dict) -> etree._Element:
    identifier = e("IBAN", s.iban) if IBAN_SHAPE.fullmatch(s.iban) else e("Othr", e("Id", s.iban[:34]))
    account = e("Acct", e("Id", identifier), e("Ccy", s.currency),
                e("Nm", s.account_name[:70]) if s.account_name else None,
                e("Svcr", e("FinInstnId", e("BIC", bic))) if bic else None)
    credits = [line for line in s.lines if line.amount > 0]
    debits = [line for line in s.lines if line.amount < 0]
    summary = e("TxsSummry",
                e("TtlNtries", e("NbOfNtries", str(len(s.lines)))),
                e("TtlCdtNtries", e("NbOfNtries", str(len(credits))),
                  e("Sum", _money(sum((x.amount for x in credits), Decimal(0))))),
                e("TtlDbtNtries", e("NbOfNtries", str(len(debits))),
                  e("Sum", _money(-sum((x.amount for x in debits), Decimal(0))))))
    return e("Stmt",
             e("Id", s.statement_id[:35]),
             e("CreDtTm", stamp),
             e("FrToDt", e("FrDtTm", f"{s.from_date.isoformat()}T00:00:00"),
               e("ToDtTm", f"{s.to_date.isoformat()}T23:59:59")),
             account,
             _balance(e, "OPBD", s.opening, s.currency, s.from_date.isoformat()),
             _balance(e, "CLBD", s.closing, s.currency, s.to_date.isoformat()),
             summary,
             *[_entry(e, line, codes.get(line.entry_ref) or default_code(line)) for line in s.lines])


def _balance(e: _Maker, code: str, amount: Decimal, currency: str, day: str) -> etree._Element:
    return e("Bal", e("Tp", e("CdOrPrtry", e("Cd", code))), e("Amt", _money(abs(amount)), Ccy=currency),
             e("CdtDbtInd", "DBIT" if amount < 0 else "CRDT"), e("Dt", e("Dt", day)))


def _entry(e: _Maker, line: BankLine, code: TransactionCode) -> etree._Element:
    credit = line.amount > 0
    party, agent = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
    parties = None
    if line.counterparty_name or line.counterparty_iban:
        parties = e("RltdPties",
                    e(party, e("Nm", line.counterparty_name[:70])) if line.counterparty_name else None,
                    e(agent, e("Id", e("IBAN", line.counterparty_iban))) if line.counterparty_iban else None)
    details = e("NtryDtls", e("TxDtls",
                              e("Refs", e("AcctSvcrRef", line.entry_ref),
                                e("EndToEndId", line.end_to_end_id or "NOTPROVIDED")),
                              parties,
                              e("RmtInf", e("Ustrd", line.remittance[:140])) if line.remittance else None,
                              e("RtrInf", e("Rsn", e("Cd", line.return_reason))) if line.return_reason else None))
    return e("Ntry",
             e("Amt", _money(abs(line.amount)), Ccy=line.currency),
             e("CdtDbtInd", "CRDT" if credit else "DBIT"),
             e("RvslInd", "true") if line.reversal else None,
             e("Sts", "BOOK"),
             e("BookgDt", e("Dt", line.booking_date.isoformat())),
             e("ValDt", e("Dt", line.value_date.isoformat())),
             e("AcctSvcrRef", line.entry_ref),
             e("BkTxCd", e("Domn", e("Cd", code.domain), e("Fmly", e("Cd", code.family), e("SubFmlyCd", code.sub_family)))),
             details,
             e("AddtlNtryInf", line.remittance[:500]) if line.remittance else None)


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):f}"
