"""Tables of imported bank statements and their lines.

A line's key is (iban, entry_ref): the bank's entry reference or the documented fallback
(`bank/identity.py`), so a re-imported or overlapping statement adds nothing twice.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..types import IdString, UtcDateTime

METADATA = sa.MetaData()
MIGRATIONS = ()

bank_statement = sa.Table(
    "bank_statement",
    METADATA,
    sa.Column("iban", IdString(34), primary_key=True),
    sa.Column("statement_id", IdString(140), primary_key=True),
    sa.Column("from_date", sa.Date, primary_key=True),
    sa.Column("to_date", sa.Date, primary_key=True),
    sa.Column("format", sa.String(20), nullable=False),
    sa.Column("source", sa.String(255), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("opening", sa.String(40), nullable=False),
    sa.Column("closing", sa.String(40), nullable=False),
    sa.Column("imported_at", UtcDateTime(), nullable=False),
)

bank_statement_line = sa.Table(
    "bank_statement_line",
    METADATA,
    sa.Column("iban", IdString(34), primary_key=True),
    sa.Column("entry_ref", IdString(140), primary_key=True),
    sa.Column("ref_source", sa.String(40), nullable=False),
    sa.Column("statement_id", IdString(140), nullable=False),
    sa.Column("booking_date", sa.Date, nullable=False),
    sa.Column("value_date", sa.Date, nullable=False),
    sa.Column("amount", sa.String(40), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("reversal", sa.Boolean, nullable=False),
    sa.Column("counterparty_name", sa.String(140), nullable=False),
    sa.Column("counterparty_iban", sa.String(34), nullable=False),
    sa.Column("remittance", sa.Text, nullable=False),
    sa.Column("end_to_end_id", sa.String(140), nullable=False),
    sa.Column("return_reason", sa.String(8), nullable=False),
    sa.Index("idx_bank_line_value_date", "iban", "value_date"),
)
