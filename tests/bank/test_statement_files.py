"""Bank statement files in and out: CAMT.053 (.02 written, .02 and .08 read) and MT940."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from lxml import etree

from verenigingen.verenigingen_payments.bank.camt053_writer import camt053_bytes
from verenigingen.verenigingen_payments.bank.camt_schema import safe_parser, schema_errors
from verenigingen.verenigingen_payments.bank.mt940_writer import mt940_text
from verenigingen.verenigingen_payments.bank.statement import StatementError
from verenigingen.verenigingen_payments.bank.statement_file import read_statement_bytes

from .statements import IBAN, PAYOUT, RENT, RETURN, line, same_content, statement

CREATED = datetime(2025, 2, 1, 6, 0, tzinfo=timezone.utc)


def _camt(*statements) -> bytes:
    return camt053_bytes(list(statements), "MSG-1", CREATED, "INGBNL2A")


def test_written_camt053_is_valid_against_the_iso_schema_and_reads_back_the_same_lines():
    written = statement((PAYOUT, RENT, RETURN))
    data = _camt(written)
    assert schema_errors(etree.fromstring(data, safe_parser()), "camt.053.001.02") == []
    [read] = read_statement_bytes(data, "jan.xml", expect_iban="nl20 ingb 0001 2345 67")
    assert (read.iban, read.opening, read.closing, read.format) == (IBAN, written.opening, written.closing,
                                                                    "camt.053.001.02")
    assert all(same_content(a, b) for a, b in zip(read.lines, written.lines, strict=True))
    assert read.lines[2].reversal and read.lines[2].return_reason == "AC06"


def test_written_mt940_reads_back_the_same_lines_through_mt_940():
    written = statement((PAYOUT, RENT, RETURN))
    [read] = read_statement_bytes(mt940_text([written], "INGBNL2A").encode(), "jan.sta")
    assert read.format == "mt940" and read.iban == IBAN
    assert (read.from_date, read.to_date, read.opening, read.closing) == (
        written.from_date, written.to_date, written.opening, written.closing)
    assert all(same_content(a, b) for a, b in zip(read.lines, written.lines, strict=True))
    assert read.lines[0].ref_source == "MT940 bank reference"


def test_the_same_statements_write_the_same_bytes():
    assert _camt(statement((PAYOUT, RENT))) == _camt(statement((PAYOUT, RENT)))


CAMT_08 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>M8</MsgId><CreDtTm>2025-02-01T06:00:00</CreDtTm></GrpHdr>
  <Stmt>
   <Id>S8</Id>
   <Acct><Id><IBAN>NL20INGB0001234567</IBAN></Id><Ccy>EUR</Ccy></Acct>
   <Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
    <Dt><Dt>2025-01-31</Dt></Dt></Bal>
   <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">35.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
    <Dt><Dt>2025-02-01</Dt></Dt></Bal>
   <Ntry><NtryRef>N-1</NtryRef><Amt Ccy="EUR">25.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
    <BookgDt><Dt>2025-02-01</Dt></BookgDt><ValDt><Dt>2025-02-01</Dt></ValDt>
    <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
    <NtryDtls><TxDtls><RltdPties><Dbtr><Pty><Nm>J. Lid</Nm></Pty></Dbtr>
     <DbtrAcct><Id><IBAN>NL02ABNA0123456789</IBAN></Id></DbtrAcct></RltdPties>
     <RmtInf><Ustrd>Contributie 2025 lid 17</Ustrd></RmtInf></TxDtls></NtryDtls>
   </Ntry>
   <Ntry><Amt Ccy="EUR">9.99</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts>
    <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd></Ntry>
  </Stmt>
 </BkToCstmrStmt>
</Document>
"""


def test_camt053_version_08_is_read_with_its_entry_reference_and_pending_entries_left_out():
    [read] = read_statement_bytes(CAMT_08.encode(), "feb.xml")
    assert read.format == "camt.053.001.08"
    [entry] = read.lines
    assert (entry.entry_ref, entry.ref_source, entry.counterparty_name, entry.remittance) == (
        "N-1", "NtryRef", "J. Lid", "Contributie 2025 lid 17")


def test_lines_without_a_bank_reference_get_a_stable_fallback_identity_and_twins_stay_two():
    data = CAMT_08.replace("<NtryRef>N-1</NtryRef>", "").replace("35.00", "60.00")
    twin_start = data.index("<Ntry>")
    twin = data[twin_start:data.index("</Ntry>") + len("</Ntry>")]
    data = data.replace(twin, twin + twin, 1).encode()
    [first] = read_statement_bytes(data, "feb.xml")
    [again] = read_statement_bytes(data, "feb-copy.xml")
    refs = [x.entry_ref for x in first.lines]
    assert len(set(refs)) == 2 and all(r.startswith("h:") for r in refs)
    assert refs == [x.entry_ref for x in again.lines]
    assert {x.ref_source for x in first.lines} == {"fallback"}


@pytest.mark.parametrize("data, place, words", [
    (b"Dit is geen afschrift", "line 1", "neither CAMT.053 XML nor MT940"),
    (b"<Document><BkToCstmrStmt>", "line 1", "not well-formed XML"),
    (CAMT_08.replace("camt.053.001.08", "camt.053.001.04").encode(), "line 2", "camt.053.001.04 is not supported"),
    (CAMT_08.replace("camt.053.001.08", "camt.052.001.08").encode(), "line 2", "camt.052.001.08 is not supported"),
    (CAMT_08.replace("<Id>S8</Id>", "").encode(), "line 7", "not valid against the camt.053.001.08 schema"),
])
def test_files_that_are_not_a_supported_camt053_are_refused_naming_file_and_place(data, place, words):
    with pytest.raises(StatementError) as refused:
        read_statement_bytes(data, "upload.xml")
    assert refused.value.source == "upload.xml" and refused.value.place == place
    assert words in str(refused.value) and str(refused.value).startswith(f"upload.xml: {place}: ")


def test_a_truncated_mt940_is_refused_naming_the_line():
    text = mt940_text([statement((PAYOUT, RENT, RETURN))])
    cut_before_closing = text[:text.index(":62F:")]
    with pytest.raises(StatementError, match=r"jan.sta: line \d+: .*no :62F:.*truncated"):
        read_statement_bytes(cut_before_closing.encode(), "jan.sta")
    start = text.rindex(":61:")
    without_last_entry = (text[:start] + text[text.index(":62F:"):]).encode()
    with pytest.raises(StatementError, match="plus its entries is .* not its closing"):
        read_statement_bytes(without_last_entry, "jan.sta")


@pytest.mark.parametrize("fmt", ["camt", "mt940"])
def test_a_statement_of_another_account_is_refused(fmt):
    other = statement((PAYOUT,), iban="NL91ABNA0417164300")
    data = _camt(other) if fmt == "camt" else mt940_text([other]).encode()
    with pytest.raises(StatementError, match=r"other.xml: statement STMT-2025-01: is for account NL\*+4300, not NL\*+4567"):
        read_statement_bytes(data, "other.xml", expect_iban=IBAN)


def test_an_entry_in_another_currency_than_its_camt_statement_is_refused_naming_the_entry():
    dollars = line("B250119USD", 19, "10.00", "Sponsor")
    mixed = statement((PAYOUT, type(dollars)(**{**dollars.__dict__, "currency": "USD"})))
    with pytest.raises(StatementError, match=r"mixed.xml: Stmt\[1\]/Ntry\[2\] \(line \d+\): entry in USD on a EUR "
                                             r"statement \(mixed currencies\)"):
        read_statement_bytes(_camt(mixed), "mixed.xml")


def test_mt940_statements_in_two_currencies_are_refused():
    euros = mt940_text([statement((PAYOUT,))])
    dollars = mt940_text([statement((RENT,), statement_id="STMT-USD")]).replace("EUR", "USD")
    with pytest.raises(StatementError, match="mixed.sta: file: mixes currencies EUR, USD"):
        read_statement_bytes((euros + dollars).encode(), "mixed.sta")
    half = euros.replace(":62F:C250131EUR", ":62F:C250131USD")
    with pytest.raises(StatementError, match=r"mixed.sta: line \d+: closing balance in USD, opening in EUR"):
        read_statement_bytes(half.encode(), "mixed.sta")
