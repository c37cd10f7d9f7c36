"""An account's collections settings as staff enter them (the Collections section of Mollie Settings),
checked and turned into the core's `CollectionSettings` and `CollectionPolicy`.

Plain values in, plain messages out: the DocType turns the messages into one `frappe.throw`, the plain
suite tests them. A SEPA creditor identifier is checked like SEPA checks it: country, two check digits
(ISO 7064 MOD 97-10 over the national identifier and the country, the creditor business code left out),
a three-character business code and the national identifier (at most 35 characters in all).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..core.errors import InvalidInput
from .policy import DECISIONS, MAX_RETRIES, OTHER, RETRY, CollectionPolicy
from .service import CollectionSettings

CREDITOR_ID = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}")
EMAIL = re.compile(r"[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
URL = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?([/?#]\S*)?")
REASON_CODE = re.compile(r"[A-Z]{2}[0-9]{2}|\*")


@dataclass(frozen=True)
class Range:
    fieldname: str
    label: str
    low: int
    high: int


RANGES = (Range("pre_notification_days", "Pre-notification days", 1, 60),
          Range("reminder_interval_days", "Reminder interval (days)", 1, 90))


@dataclass(frozen=True)
class PolicyRule:
    """One row of the per-reason-code overrides: `retries` first, then contact or stop."""

    reason_code: str
    retries: int
    then: str


def normalized_creditor_id(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def creditor_id_problem(value: str | None) -> str | None:
    if not value:
        return None
    creditor = normalized_creditor_id(value)
    if not CREDITOR_ID.fullmatch(creditor):
        return (f"Creditor Identifier {value!r} is not a SEPA creditor identifier (country, two check digits, "
                "a three-character business code and the national identifier, e.g. NL69ZZZ123456780000).")
    digits = "".join(str(int(ch, 36)) for ch in creditor[7:] + creditor[:4])
    if int(digits) % 97 != 1:
        return f"Creditor Identifier {value!r} has wrong check digits ({creditor[2:4]})."
    return None


def paydays_of(text: str | None) -> tuple[int, ...]:
    """"25, 1" → (25, 1); InvalidInput naming what is wrong."""
    parts = [p.strip() for p in re.split(r"[,;\s]+", text or "") if p.strip()]
    if not parts or not all(p.isdigit() and 1 <= int(p) <= 28 for p in parts):
        raise InvalidInput(f"Paydays must be days 1–28 of the month separated by commas (got {text!r}).",
                           field="collection_paydays")
    return tuple(dict.fromkeys(int(p) for p in parts))


def rule_problems(rules: Iterable[PolicyRule]) -> list[str]:
    problems, seen = [], set()
    for rule in rules:
        code = (rule.reason_code or "").strip().upper()
        if not REASON_CODE.fullmatch(code):
            problems.append(f"Policy row {rule.reason_code!r}: a reason code is two letters and two digits "
                            f"(AM04, MD06 …), or * for every other code.")
        elif code in seen:
            problems.append(f"Policy row {code}: the code has more than one row.")
        seen.add(code)
        if not isinstance(rule.retries, int) or not 0 <= rule.retries <= MAX_RETRIES:
            problems.append(f"Policy row {code}: retries must be 0–{MAX_RETRIES} (got {rule.retries}).")
        if rule.then not in DECISIONS or rule.then == RETRY:
            problems.append(f"Policy row {code}: after the retries comes contact or stop (got {rule.then!r}).")
    return problems


def settings_problems(values: Mapping[str, object], rules: Iterable[PolicyRule] = ()) -> list[str]:
    """Every problem of the Collections section; nothing is required until collections are enabled."""
    enabled = bool(values.get("enable_collections"))
    problems = []
    if enabled:
        for field, label in (("creditor_id", "Creditor Identifier"), ("collections_association", "Association Name"),
                             ("collections_contact", "Contact Address"), ("payment_redirect_url", "Redirect URL")):
            if not str(values.get(field) or "").strip():
                problems.append(f"{label} is required when collections are enabled.")
    problems.append(creditor_id_problem(values.get("creditor_id")))
    for rule in RANGES:
        number = values.get(rule.fieldname)
        if number not in (None, "") and (not isinstance(number, int) or not rule.low <= number <= rule.high):
            problems.append(f"{rule.label} must be a whole number from {rule.low} to {rule.high} (got {number}).")
    contact = str(values.get("collections_contact") or "").strip()
    if contact and not EMAIL.fullmatch(contact):
        problems.append(f"Contact Address must be an email address (got {contact!r}).")
    url = str(values.get("payment_redirect_url") or "").strip()
    if url and not URL.fullmatch(url):
        problems.append(f"Redirect URL must be an http(s) URL (got {url!r}).")
    try:
        paydays_of(str(values.get("collection_paydays") or "25,1"))
    except InvalidInput as exc:
        problems.append(exc.message)
    problems += rule_problems(rules)
    return [p for p in problems if p]


def collection_config(values: Mapping[str, object], rules: Iterable[PolicyRule] = (),
                      webhook_url: str | None = None) -> tuple[CollectionSettings, CollectionPolicy]:
    """The core's settings and policy of one account (defaults where a value is empty)."""
    default = CollectionSettings()
    settings = CollectionSettings(
        association=str(values.get("collections_association") or default.association),
        contact=str(values.get("collections_contact") or default.contact),
        creditor_id=normalized_creditor_id(str(values.get("creditor_id") or "")) or default.creditor_id,
        notice_days=int(values.get("pre_notification_days") or default.notice_days),
        reminder_interval_days=int(values.get("reminder_interval_days") or default.reminder_interval_days),
        redirect_url=str(values.get("payment_redirect_url") or default.redirect_url),
        webhook_url=webhook_url,
    )
    overrides: dict[str, object] = {(r.reason_code.strip().upper() if r.reason_code.strip() != OTHER else OTHER):
                                    {"retries": r.retries, "then": r.then} for r in rules}
    overrides["paydays"] = list(paydays_of(str(values.get("collection_paydays") or "25,1")))
    return settings, CollectionPolicy.from_settings(overrides)
