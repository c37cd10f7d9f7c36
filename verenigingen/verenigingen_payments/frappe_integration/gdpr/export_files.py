"""GDPR export bundles at rest in a site: private Files holding one AES-GCM envelope each.

A File is named `gdpr-export-<export id>.json.enc` (its disk file gains a random part when re-encrypted); its content is `core.compliance.gdpr.encrypt_export`'s
envelope, bound to (GDPR Export, export id, bundle), so a file renamed to another export's name fails
to decrypt. Private Files are served only to their owner and System Managers; the app's own way to
read one is `api.gdpr.download_personal_data_export` (managers, audited).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import string

import frappe

from verenigingen.verenigingen_payments.core.input_limits import GDPR_EXPORT_ID

FILE_PREFIX = "gdpr-export-"
FILE_SUFFIX = ".json.enc"


def new_export_id() -> str:
    """`gdpr` + 28 random lowercase letters (131 bits). No digits: the audit trail's redaction masks
    IBAN- and card-number-like text in `resource_id`, and a hex id sometimes looks like one."""
    return "gdpr" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(28))


def file_name(export_id: str) -> str:
    return f"{FILE_PREFIX}{export_id}{FILE_SUFFIX}"


def export_id_of(name: str) -> str | None:
    """The export id in a file name, or None when the name is not an export file's."""
    if not (name.startswith(FILE_PREFIX) and name.endswith(FILE_SUFFIX)):
        return None
    export_id = name[len(FILE_PREFIX):-len(FILE_SUFFIX)]
    return export_id if GDPR_EXPORT_ID.fullmatch(export_id) else None


def check_export_id(export_id: str) -> str:
    if not isinstance(export_id, str) or not GDPR_EXPORT_ID.fullmatch(export_id):
        raise ValueError(f"export_id: {export_id!r} is not an export id (gdpr + 28 lowercase letters)")
    return export_id


def _unlink_quietly(path: str) -> None:
    if os.path.exists(path):
        os.unlink(path)


def save(export_id: str, envelope: str) -> "frappe.model.document.Document":
    """A new private File with the envelope as its content; its disk file goes if the transaction is
    rolled back (the File row does)."""
    doc = frappe.get_doc({
        "doctype": "File", "file_name": file_name(export_id), "is_private": 1,
        "content": envelope.encode("ascii"),
    }).insert(ignore_permissions=True)
    path = doc.get_full_path()
    frappe.db.after_rollback.add(lambda: _unlink_quietly(path))
    return doc


def find(export_id: str):
    """The File row of an export, or None."""
    name = frappe.db.get_value("File", {"file_name": file_name(check_export_id(export_id)), "is_private": 1})
    return frappe.get_doc("File", name) if name else None


def read(file_doc) -> str:
    content = file_doc.get_content()
    return content.decode("ascii") if isinstance(content, bytes) else content


def iter_export_files():
    """(File name, export id) of every export file of the site."""
    for row in frappe.get_all("File", filters={"file_name": ["like", f"{FILE_PREFIX}%{FILE_SUFFIX}"],
                                               "is_private": 1}, fields=["name", "file_name"], order_by="name"):
        export_id = export_id_of(row.file_name)
        if export_id:
            yield row.name, export_id


def replace_content(file_row: str, old: str, new: str) -> bool:
    """Write `new` only if the file still holds `old`. Transactional: `new` goes to a new disk file the
    File row points at from now on; the old file is removed after commit, the new one after a rollback
    (so a rolled-back re-encryption leaves the old, readable file in place)."""
    doc = frappe.get_doc("File", file_row)
    if read(doc) != old:
        return False
    export_id = export_id_of(doc.file_name)
    old_path = doc.get_full_path()
    base = f"{FILE_PREFIX}{export_id}.{secrets.token_hex(4)}{FILE_SUFFIX}"
    new_path = frappe.get_site_path("private", "files", base)
    with open(new_path, "x", encoding="ascii") as out:
        out.write(new)
    frappe.db.after_rollback.add(lambda: _unlink_quietly(new_path))
    frappe.db.set_value("File", file_row, {"file_url": f"/private/files/{base}",
                                           "content_hash": hashlib.md5(new.encode("ascii")).hexdigest()},
                        update_modified=False)
    frappe.db.after_commit.add(lambda: _unlink_quietly(old_path))
    return True
