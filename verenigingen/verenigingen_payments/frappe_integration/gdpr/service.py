"""GDPR inside a site: export everything this app holds about one customer/member as an encrypted
file, and erase it by pseudonymisation. Both are audited in the Mollie Audit Log.

Export: `gdpr_records` finds the rows (ledger, subscriptions and their payments/events/drift, dispute
cases and evidence, webhook deliveries, collections' dunning cases, transitions and pre-notifications); `core.compliance.gdpr.build_export` adds the audit entries that
name the subject by pseudonym token (every audit-key version) and `encrypt_export` seals the bundle
(canonical JSON) in an AES-GCM envelope bound to the export id; `gdpr_export_files` keeps it as a
private File. Sealed values (webhook bodies, evidence) are opened for the bundle.

Erasure: the subject's identifiers become the audit trail's pseudonymous tokens (`psn_…`, HMAC under
the site's audit key), so the rows of one erased subject stay linkable to each other (repeat-chargeback
counts, per-member totals) but not to the person; free text about them is replaced by "[erased]";
webhook bodies, headers and client addresses are dropped (as the retention purge does); evidence bodies
and attachments, Version/Comment history of their dispute rows, and earlier export files of the subject
are deleted. Amounts, statuses, dates and Mollie's payment/subscription/mandate/chargeback ids stay, so
ledger totals and reconciliation are unchanged; the audit log is append-only and only ever holds tokens,
so its chain stays intact. A subject whose subscription still runs is refused unless `force`: cancel it
first (its Mollie calls go by customer, and a pseudonymised record no longer matches the member).

No card data is stored by this app: Mollie returns card details only as brand/label and last four
digits (`details.cardNumber`), which are never copied into these DocTypes; the redaction path masks
any Luhn-valid card number in logs and audit details.
"""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import asdict
from datetime import datetime, timezone

import frappe

from verenigingen.verenigingen_payments.core.compliance.gdpr import (
    build_export,
    decrypt_export,
    encrypt_export,
)
from verenigingen.verenigingen_payments.core.errors import ConfigurationError
from verenigingen.verenigingen_payments.core.security.encryption import FieldContext, is_envelope
from verenigingen.verenigingen_payments.doctype.mollie_subscription.mollie_subscription import record_name
from verenigingen.verenigingen_payments.doctype.mollie_subscription_event.mollie_subscription_event import (
    event_name,
)
from verenigingen.verenigingen_payments.frappe_integration.collections.store import record_name as dunning_case_name
from verenigingen.verenigingen_payments.frappe_integration.gdpr import export_files as gdpr_export_files
from verenigingen.verenigingen_payments.frappe_integration.gdpr.records import (
    DISPUTE_CASE,
    DISPUTE_EVIDENCE,
    DUNNING_CASE,
    DUNNING_TRANSITION,
    PAYMENT,
    PRE_NOTIFICATION,
    SUBSCRIPTION,
    SUBSCRIPTION_DRIFT,
    SUBSCRIPTION_EVENT,
    SUBSCRIPTION_PAYMENT,
    WEBHOOK_LOG,
    Subject,
    find_subject_records,
    read_rows,
)
from verenigingen.verenigingen_payments.frappe_integration.security import seams as security_seams
from verenigingen.verenigingen_payments.frappe_integration.security.audit_store import FrappeAuditLogStore
from verenigingen.verenigingen_payments.frappe_integration.security.encrypted_sources import (
    EXPORT_RECORD_TYPE,
)
from verenigingen.verenigingen_payments.subscriptions.records import ENDED
from verenigingen.verenigingen_payments.webhooks.ingest import LOG_RECORD_TYPE

ERASED = "[erased]"
CUSTOMER, MEMBER = "customer", "member"


class ErasureRefused(ValueError):
    """The subject still has a running subscription (and `force` was not given)."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _cipher():
    cipher = security_seams.field_cipher()
    if cipher is None:
        raise ConfigurationError(
            "GDPR exports are encrypted at rest and this site has no encryption keys: add "
            "verenigingen_encryption_keys to site_config.json (a 'v1:<base64 of 32 bytes>' spec)",
            field="verenigingen_encryption_keys")
    return cipher


def _done() -> None:
    if security_seams.standalone():
        frappe.db.commit()


# -- export ---------------------------------------------------------------------------------------

def _open_body(row: dict, cipher, record_type: str) -> dict:
    """The row with its sealed `body` opened (text, or base64 when the plaintext is not UTF-8)."""
    body = row.get("body")
    if not is_envelope(body):
        return row
    plain = cipher.decrypt(body, FieldContext(record_type, row["name"], "body"))
    try:
        return {**row, "body": plain.decode("utf-8"), "body_sealed_at_rest": True}
    except UnicodeDecodeError:
        return {**row, "body": base64.b64encode(plain).decode("ascii"), "body_encoding": "base64",
                "body_sealed_at_rest": True}


def _sections(found, cipher) -> dict:
    opened = {WEBHOOK_LOG: LOG_RECORD_TYPE, DISPUTE_EVIDENCE: DISPUTE_EVIDENCE}

    def provider(doctype):
        def rows(_kind, _subject_id):
            result = read_rows(doctype, found.names(doctype))
            if doctype in opened:
                result = [_open_body(row, cipher, opened[doctype]) for row in result]
            return result
        return rows

    return {doctype: provider(doctype) for doctype in found.rows}


def export_subject(customer_id: str, member_reference: str | None = None, *, actor: str,
                   now: datetime | None = None) -> dict:
    """Write the subject's export file; returns its id, File and what it holds (counts)."""
    subject = Subject(customer_id, member_reference)
    cipher = _cipher()
    found = find_subject_records(subject)
    trail = security_seams.audit_trail()
    store = FrappeAuditLogStore()
    bundle = build_export(CUSTOMER, customer_id, now=now or _now(), trail=trail, audit_store=store,
                          sections=_sections(found, cipher))
    member_entries = [asdict(entry) for member in sorted(found.member_references)
                      for token in trail.subject_tokens(MEMBER, member)
                      for entry in store.find(subject_token=token, limit=100_000)]
    bundle["member_references"] = sorted(found.member_references)
    bundle["audit_entries_as_member"] = build_export(
        MEMBER, "-", now=now or _now(), trail=trail, audit_store=store,
        sections={"entries": lambda _k, _i: member_entries})["sections"]["entries"]
    export_id = gdpr_export_files.new_export_id()
    file_doc = gdpr_export_files.save(export_id, encrypt_export(bundle, cipher, export_id))
    counts = {**found.counts(), "audit_entries": len(bundle["audit_entries"]) + len(member_entries)}
    trail.record("gdpr_export", actor=actor, resource_type=EXPORT_RECORD_TYPE, resource_id=export_id,
                 subject=(CUSTOMER, customer_id), details={
                     "counts": counts, "file": file_doc.name, "key_version": cipher.current_version,
                     "member_references": len(found.member_references)})
    _done()
    return {"export_id": export_id, "file": file_doc.name, "file_url": file_doc.file_url,
            "key_version": cipher.current_version, "counts": counts}


def open_export(export_id: str, *, actor: str) -> dict:
    """The decrypted bundle of an export file (audited: who opened which export)."""
    file_doc = gdpr_export_files.find(export_id)
    if file_doc is None:
        raise frappe.DoesNotExistError(f"There is no GDPR export {export_id}.")
    bundle = decrypt_export(gdpr_export_files.read(file_doc), _cipher(), export_id)
    security_seams.audit_trail().record("gdpr_export_opened", actor=actor, resource_type=EXPORT_RECORD_TYPE,
                                        resource_id=export_id)
    _done()
    return bundle


# -- erasure --------------------------------------------------------------------------------------

def _set(doctype: str, names: list[str], assignments: str, values: dict, where: str = "") -> int:
    if not names:
        return 0
    frappe.db.sql(f"update `tab{doctype}` set {assignments}, modified=%(modified)s where name in %(names)s{where}",
                  {**values, "names": tuple(names), "modified": frappe.utils.now_datetime()})
    return int(frappe.db._cursor.rowcount)


def _replace(doctype: str, names: list[str], column: str, mapping: dict[str, str]) -> int:
    return sum(_set(doctype, names, f"`{column}`=%(new)s", {"new": new, "old": old}, f" and `{column}`=%(old)s")
               for old, new in mapping.items())


def _pseudonymise_subscriptions(found, members: dict[str, str]) -> int:
    """The record's name is (account, member, term): member and name change together, and the
    Link of its payments, events and drift follows."""
    renamed = 0
    for name in found.names(SUBSCRIPTION):
        account, member, term = frappe.db.get_value(SUBSCRIPTION, name, ["account", "member_reference", "term"])
        if member not in members:
            continue
        new_name = record_name(account, members[member], term)
        frappe.db.sql(f"update `tab{SUBSCRIPTION}` set name=%s, member_reference=%s, modified=%s where name=%s",
                      (new_name, members[member], frappe.utils.now_datetime(), name))
        for child in (SUBSCRIPTION_PAYMENT, SUBSCRIPTION_EVENT, SUBSCRIPTION_DRIFT):
            frappe.db.sql(f"update `tab{child}` set subscription=%s where subscription=%s", (new_name, name))
        renamed += 1
    return renamed


def _rekey_events(found, members: dict[str, str]) -> int:
    """Event keys start with the member reference and the event's name is a digest of the key."""
    rekeyed = 0
    for name in found.names(SUBSCRIPTION_EVENT):
        account, key = frappe.db.get_value(SUBSCRIPTION_EVENT, name, ["account", "event_key"])
        member = next((m for m in members if key.startswith(f"{m}:")), None)
        if member is None:
            continue
        new_key = members[member] + key[len(member):]
        frappe.db.sql(f"update `tab{SUBSCRIPTION_EVENT}` set name=%s, event_key=%s where name=%s",
                      (event_name(account, new_key), new_key, name))
        rekeyed += 1
    return rekeyed


def _pseudonymise_dunning_cases(found, customer: dict[str, str], members: dict[str, str]) -> int:
    """A dunning case is named by (account, member, period): name, key and member change together, and its
    transition rows follow; its note becomes "[erased]"."""
    done = 0
    for name in found.names(DUNNING_CASE):
        account, member, period, customer_id = frappe.db.get_value(
            DUNNING_CASE, name, ["settings_name", "member_reference", "period", "customer_id"])
        new_member = members.get(member, member)
        new_name = dunning_case_name(account, new_member, period)
        frappe.db.sql(f"""update `tab{DUNNING_CASE}` set name=%(new)s, case_key=%(new)s, member_reference=%(member)s,
                          customer_id=%(customer)s, note=if(coalesce(note,'')='', note, %(erased)s), modified=%(at)s
                          where name=%(old)s""",
                      {"new": new_name, "member": new_member, "customer": customer.get(customer_id, customer_id),
                       "erased": ERASED, "at": frappe.utils.now_datetime(), "old": name})
        frappe.db.sql(f"update `tab{DUNNING_TRANSITION}` set parent=%s where parent=%s", (new_name, name))
        done += 1
    return done


def _delete_history(doctype: str, names: list[str]) -> int:
    if not names:
        return 0
    deleted = 0
    for table, ref_type, ref_name in (("tabVersion", "ref_doctype", "docname"),
                                      ("tabComment", "reference_doctype", "reference_name")):
        frappe.db.sql(f"delete from `{table}` where `{ref_type}`=%(dt)s and `{ref_name}` in %(names)s",
                      {"dt": doctype, "names": tuple(names)})
        deleted += int(frappe.db._cursor.rowcount)
    return deleted


def _delete_evidence_files(names: list[str]) -> int:
    urls = [u for u in frappe.db.sql_list(
        f"select file_url from `tab{DISPUTE_EVIDENCE}` where name in %(n)s", {"n": tuple(names)}) if u] if names else []
    files = frappe.get_all("File", filters={"file_url": ["in", urls]}, pluck="name") if urls else []
    files += frappe.get_all("File", filters={"attached_to_doctype": DISPUTE_EVIDENCE,
                                             "attached_to_name": ["in", names]}, pluck="name") if names else []
    for file_name in sorted(set(files)):
        frappe.delete_doc("File", file_name, ignore_permissions=True, force=True)
    return len(set(files))


def _delete_earlier_exports(trail, customer_id: str) -> int:
    deleted = 0
    for token in trail.subject_tokens(CUSTOMER, customer_id):
        for entry in FrappeAuditLogStore().find(subject_token=token, event_type="gdpr_export", limit=100_000):
            file_doc = gdpr_export_files.find(entry.resource_id)
            if file_doc is not None:
                frappe.delete_doc("File", file_doc.name, ignore_permissions=True, force=True)
                deleted += 1
    return deleted


def erase_subject(customer_id: str, member_reference: str | None = None, *, actor: str,
                  force: bool = False) -> dict:
    """Pseudonymise the subject's personal data in every row this app holds (one transaction)."""
    subject = Subject(customer_id, member_reference)
    found = find_subject_records(subject)
    running = frappe.get_all(SUBSCRIPTION, filters={"name": ["in", found.names(SUBSCRIPTION)],
                                                    "status": ["not in", ENDED]}, pluck="name") \
        if found.names(SUBSCRIPTION) else []
    if running and not force:
        raise ErasureRefused(f"{len(running)} subscription(s) of this subject still run at Mollie: cancel them "
                             "first, or erase with force once they are cancelled in Mollie's dashboard")
    trail = security_seams.audit_trail()
    customer = {customer_id: trail.subject_token(CUSTOMER, customer_id)}
    members = {m: trail.subject_token(MEMBER, m) for m in found.member_references}
    done = Counter()
    done[PAYMENT] = _replace(PAYMENT, found.names(PAYMENT), "customer_id", customer) + \
        _replace(PAYMENT, found.names(PAYMENT), "member_reference", members)
    for doctype in (SUBSCRIPTION_PAYMENT, SUBSCRIPTION_EVENT, SUBSCRIPTION_DRIFT):
        done[doctype] = _replace(doctype, found.names(doctype), "member_reference", members)
    done["subscription_events_rekeyed"] = _rekey_events(found, members)
    done[SUBSCRIPTION] = _replace(SUBSCRIPTION, found.names(SUBSCRIPTION), "customer_id", customer) + \
        _pseudonymise_subscriptions(found, members)
    cases = found.names(DISPUTE_CASE)
    done[DISPUTE_CASE] = _replace(DISPUTE_CASE, cases, "customer_id", customer) + \
        _replace(DISPUTE_CASE, cases, "member_reference", members) + _set(
            DISPUTE_CASE, cases, "note=if(coalesce(note,'')='', note, %(erased)s), "
            "resolution=if(coalesce(resolution,'')='', resolution, %(erased)s), version=version+1", {"erased": ERASED})
    evidence = found.names(DISPUTE_EVIDENCE)
    done["evidence_files_deleted"] = _delete_evidence_files(evidence)
    done[DISPUTE_EVIDENCE] = _set(DISPUTE_EVIDENCE, evidence, "summary=%(erased)s, body=null, file_url=null",
                                  {"erased": ERASED})
    done["history_rows_deleted"] = _delete_history(DISPUTE_CASE, cases) + _delete_history(DISPUTE_EVIDENCE, evidence)
    done["history_rows_deleted"] += _delete_history(DUNNING_CASE, found.names(DUNNING_CASE))
    done[DUNNING_CASE] = _pseudonymise_dunning_cases(found, customer, members)
    done[PRE_NOTIFICATION] = _replace(PRE_NOTIFICATION, found.names(PRE_NOTIFICATION), "customer_id", customer) + \
        _replace(PRE_NOTIFICATION, found.names(PRE_NOTIFICATION), "member_reference", members)
    done[WEBHOOK_LOG] = _set(WEBHOOK_LOG, found.names(WEBHOOK_LOG),
                             "body=null, headers='{}', client_ip=null, personal_data_purged=1", {})
    done["export_files_deleted"] = _delete_earlier_exports(trail, customer_id)
    counts = {k: v for k, v in sorted(done.items())}
    entry = trail.record("gdpr_erasure", actor=actor, resource_type="Customer", subject=(CUSTOMER, customer_id),
                         details={"values_replaced": counts, "forced": bool(running and force),
                                  "member_references": len(members)})
    for member in sorted(members):  # tokens live in the unredacted subject column: one entry per identity
        trail.record("gdpr_erasure", actor=actor, resource_type="Member", subject=(MEMBER, member),
                     details={"customer_entry": entry.sequence if entry else None})
    _done()
    return {"customer_token": customer[customer_id], "member_tokens": sorted(members.values()),
            "values_replaced": counts, "running_subscriptions": len(running), "forced": bool(running and force)}
