"""The values this app seals with the core AES-GCM envelope inside a site, as `EncryptedValueSource`s,
so that re-encryption (`MollieSecurityManager("…").rotate_api_key()` with nothing staged, `bench mollie
rotate-key`, the daily credential check) moves every one of them to the newest key version:

- `Mollie Webhook Log.body` of rows with `body_encrypted` (bound to the row and `body`; headers are
  stored redacted, not encrypted);
- `Dispute Evidence.body` (bound to the row and `body`, see `disputes.evidence.EvidenceSealer`);
- GDPR export files (`gdpr_export_files`, bound to the export id).

Rows are read in keyset pages by name and replaced compare-and-set (the UPDATE names the old value),
so a value changed meanwhile is left alone and not counted. `modified` is not touched: re-encryption
changes no content. With `commit` (console, commands, jobs) each replacement is committed at once.
"""

from __future__ import annotations

from collections.abc import Iterator

import frappe

from verenigingen.verenigingen_payments.core.security.encryption import ENVELOPE_SCHEME, FieldContext
from verenigingen.verenigingen_payments.disputes.evidence import RECORD_TYPE as EVIDENCE_RECORD_TYPE
from verenigingen.verenigingen_payments.frappe_integration.gdpr import export_files as gdpr_export_files
from verenigingen.verenigingen_payments.webhooks.ingest import LOG_RECORD_TYPE

EXPORT_RECORD_TYPE = "GDPR Export"
EXPORT_FIELD = "bundle"
PAGE_SIZE = 200


class ColumnEnvelopeSource:
    """Envelopes in one text column of a DocType, bound to (`record_type`, row name, `column`)."""

    def __init__(self, doctype: str, column: str, record_type: str, *, condition: str = "",
                 commit: bool = False, page_size: int = PAGE_SIZE) -> None:
        self.doctype, self.column, self.record_type = doctype, column, record_type
        self._condition = f" and ({condition})" if condition else ""
        self._commit = commit
        self._page_size = page_size

    def __repr__(self) -> str:
        return f"ColumnEnvelopeSource({self.doctype}.{self.column})"

    def iter_encrypted_values(self) -> Iterator[tuple[FieldContext, str]]:
        last = ""
        while True:
            rows = frappe.db.sql(
                f"select name, `{self.column}` from `tab{self.doctype}` where name > %(last)s "
                f"and `{self.column}` like %(scheme)s{self._condition} order by name limit %(limit)s",
                {"last": last, "scheme": f"{ENVELOPE_SCHEME}:%", "limit": self._page_size})
            for name, value in rows:
                yield FieldContext(self.record_type, name, self.column), value
            if len(rows) < self._page_size:
                return
            last = rows[-1][0]

    def replace_encrypted_value(self, context: FieldContext, old: str, new: str) -> bool:
        frappe.db.sql(
            f"update `tab{self.doctype}` set `{self.column}`=%(new)s where name=%(name)s and `{self.column}`=%(old)s",
            {"new": new, "name": context.record_id, "old": old})
        replaced = frappe.db._cursor.rowcount == 1
        if self._commit:
            frappe.db.commit()
        return replaced


class ExportFileSource:
    """GDPR export bundles in private Files."""

    def __init__(self) -> None:
        self._rows: dict[str, str] = {}

    def __repr__(self) -> str:
        return "ExportFileSource(File gdpr-export-*)"

    def iter_encrypted_values(self) -> Iterator[tuple[FieldContext, str]]:
        for file_row, export_id in gdpr_export_files.iter_export_files():
            content = gdpr_export_files.read(frappe.get_doc("File", file_row))
            self._rows[export_id] = file_row
            yield FieldContext(EXPORT_RECORD_TYPE, export_id, EXPORT_FIELD), content

    def replace_encrypted_value(self, context: FieldContext, old: str, new: str) -> bool:
        file_row = self._rows.get(context.record_id)
        return bool(file_row) and gdpr_export_files.replace_content(file_row, old, new)


def site_sources(*, commit: bool = False) -> list:
    return [
        ColumnEnvelopeSource("Mollie Webhook Log", "body", LOG_RECORD_TYPE, condition="body_encrypted=1",
                             commit=commit),
        ColumnEnvelopeSource("Dispute Evidence", "body", EVIDENCE_RECORD_TYPE, commit=commit),
        ExportFileSource(),
    ]
