"""CAMT.053 in: schema-validated with lxml against ISO 20022's XSD, then read into `BankStatement`s.

Versions .02 (what Dutch banks export) and .08 are read; only booked entries (`Sts` BOOK) count,
pending ones are left out as a bank's own statement would settle them later.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from lxml import etree

from .camt_schema import NAMESPACE_PREFIX, SUPPORTED_VERSIONS, safe_parser, schema_errors
from .identity import FALLBACK, FallbackIdentities
from .statement import BankLine, BankStatement, StatementError

OPENING_CODES = ("OPBD", "PRCD")
CLOSING_CODES = ("CLBD",)


def read_camt053(data: bytes, source: str) -> list[BankStatement]:
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 1
        raise StatementError(source, f"line {line}", f"not well-formed XML ({exc.msg})") from None
    version = _version(root, source)
    errors = schema_errors(root, version)
    if errors:
        raise StatementError(source, errors[0].split(":", 1)[0],
                             f"not valid against the {version} schema: {errors[0].split(':', 1)[1].strip()}")
    return [_statement(stmt, i, version, source)
            for i, stmt in enumerate(root.iterfind(f"{{{NAMESPACE_PREFIX}{version}}}BkToCstmrStmt/"
                                                   f"{{{NAMESPACE_PREFIX}{version}}}Stmt"), 1)]


def _version(root, source: str) -> str:
    tag = etree.QName(root)
    if not (tag.namespace or "").startswith(NAMESPACE_PREFIX) or tag.localname != "Document":
        raise StatementError(source, f"line {root.sourceline}", "not an ISO 20022 Document (no camt.053 namespace)")
    version = tag.namespace.removeprefix(NAMESPACE_PREFIX)
    if version not in SUPPORTED_VERSIONS:
        raise StatementError(source, f"line {root.sourceline}",
                             f"{version} is not supported; expected one of {', '.join(SUPPORTED_VERSIONS)}")
    return version


class _Reader:
    """Namespaced look-ups relative to one element."""

    def __init__(self, version: str) -> None:
        self.ns = {"c": NAMESPACE_PREFIX + version}

    def text(self, element, path: str, default: str = "") -> str:
        found = element.xpath(path, namespaces=self.ns)
        return (found[0].text or "").strip() if found else default

    def all(self, element, path: str) -> list:
        return element.xpath(path, namespaces=self.ns)


def _statement(stmt, index: int, version: str, source: str) -> BankStatement:
    r = _Reader(version)
    place = f"Stmt[{index}]"
    iban = r.text(stmt, "c:Acct/c:Id/c:IBAN") or r.text(stmt, "c:Acct/c:Id/c:Othr/c:Id")
    if not iban:
        raise StatementError(source, f"{place}/Acct (line {stmt.sourceline})", "the account has no IBAN or other id")
    opening, opening_date = _balance(r, stmt, OPENING_CODES, source, place)
    closing, closing_date = _balance(r, stmt, CLOSING_CODES, source, place)
    currency = r.text(stmt, "c:Acct/c:Ccy") or r.all(stmt, "c:Bal/c:Amt")[0].get("Ccy")
    fallback = FallbackIdentities(iban)
    lines = []
    for n, entry in enumerate(r.all(stmt, "c:Ntry"), 1):
        status = r.text(entry, "c:Sts/c:Cd") or r.text(entry, "c:Sts")
        if status != "BOOK":
            continue
        lines.append(_line(r, entry, f"{place}/Ntry[{n}] (line {entry.sourceline})", source, fallback))
    from_date = _day(r.text(stmt, "c:FrToDt/c:FrDtTm")[:10] or opening_date.isoformat(), source, place)
    to_date = _day(r.text(stmt, "c:FrToDt/c:ToDtTm")[:10] or closing_date.isoformat(), source, place)
    return BankStatement(source=source, format=version, statement_id=r.text(stmt, "c:Id"), iban=iban,
                         currency=currency, from_date=from_date, to_date=to_date, opening=opening, closing=closing,
                         lines=tuple(lines), account_name=r.text(stmt, "c:Acct/c:Ownr/c:Nm"))


def _balance(r: _Reader, stmt, codes: tuple[str, ...], source: str, place: str) -> tuple[Decimal, date]:
    for bal in r.all(stmt, "c:Bal"):
        if r.text(bal, "c:Tp/c:CdOrPrtry/c:Cd") in codes:
            amount = _amount(r.text(bal, "c:Amt"), source, f"{place}/Bal (line {bal.sourceline})")
            sign = -1 if r.text(bal, "c:CdtDbtInd") == "DBIT" else 1
            day = r.text(bal, "c:Dt/c:Dt") or r.text(bal, "c:Dt/c:DtTm")[:10]
            return sign * amount, _day(day, source, f"{place}/Bal (line {bal.sourceline})")
    raise StatementError(source, place, f"no {'/'.join(codes)} balance")


def _line(r: _Reader, entry, place: str, source: str, fallback: FallbackIdentities) -> BankLine:
    amount = _amount(r.text(entry, "c:Amt"), source, place)
    credit = r.text(entry, "c:CdtDbtInd") == "CRDT"
    signed = amount if credit else -amount
    currency = r.all(entry, "c:Amt")[0].get("Ccy")
    booking = _day(r.text(entry, "c:BookgDt/c:Dt") or r.text(entry, "c:BookgDt/c:DtTm")[:10], source, place)
    value = _day(r.text(entry, "c:ValDt/c:Dt") or r.text(entry, "c:ValDt/c:DtTm")[:10] or booking.isoformat(),
                 source, place)
    party = "Dbtr" if credit else "Cdtr"
    tx = "c:NtryDtls/c:TxDtls[1]/"
    name = r.text(entry, f"{tx}c:RltdPties/c:{party}/c:Nm") or r.text(entry, f"{tx}c:RltdPties/c:{party}/c:Pty/c:Nm")
    counter_iban = r.text(entry, f"{tx}c:RltdPties/c:{party}Acct/c:Id/c:IBAN")
    remittance = " ".join(e.text.strip() for e in r.all(entry, f"{tx}c:RmtInf/c:Ustrd") if e.text) \
        or r.text(entry, f"{tx}c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref") or r.text(entry, "c:AddtlNtryInf")
    end_to_end = r.text(entry, f"{tx}c:Refs/c:EndToEndId")
    end_to_end = "" if end_to_end == "NOTPROVIDED" else end_to_end
    ref, ref_source = r.text(entry, "c:AcctSvcrRef"), "AcctSvcrRef"
    if not ref:
        ref, ref_source = r.text(entry, "c:NtryRef"), "NtryRef"
    if not ref:
        ref, ref_source = fallback.next(booking, value, signed, currency, counter_iban, end_to_end,
                                        remittance), FALLBACK
    return BankLine(entry_ref=ref, ref_source=ref_source, booking_date=booking, value_date=value, amount=signed,
                    currency=currency, reversal=r.text(entry, "c:RvslInd") == "true", counterparty_name=name,
                    counterparty_iban=counter_iban, remittance=remittance, end_to_end_id=end_to_end,
                    return_reason=r.text(entry, f"{tx}c:RtrInf/c:Rsn/c:Cd"), place=place)


def _amount(text: str, source: str, place: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise StatementError(source, place, f"amount {text!r} is not a decimal") from None


def _day(text: str, source: str, place: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            raise StatementError(source, place, f"{text!r} is not a date") from None
