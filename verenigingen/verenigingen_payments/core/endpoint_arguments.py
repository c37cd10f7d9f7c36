"""What each whitelisted endpoint of the app takes, declared once, and the check of a call against it.

`ENDPOINTS` names every `@frappe.whitelist()` function of the app by its dotted path and lists its
arguments with the limits a value must keep (core/input_limits.py). The Frappe side
(`api.conventions.checked_arguments`) runs `check_arguments` before the endpoint's body, so a value
outside its limits is refused with one message naming the argument before any query, write or call
to Mollie: every database answers it alike because none sees it. A check never converts: an accepted
value reaches the endpoint as it was given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import InvalidInput
from .input_limits import (
    ACCESS_TOKEN,
    CUSTOMER_ID,
    FIELD_NAME,
    FILE_URL,
    GDPR_EXPORT_ID,
    IBAN,
    MAX_FILTERS_CHARS,
    MAX_JSON_DEPTH,
    MEMBER_REFERENCE,
    NOTE,
    PAYMENT_METHOD,
    RECORD_NAME,
    REDIRECT_URL,
    STATEMENT_TEXT,
    WEBHOOK_LOG_ID,
    WHOLE_NUMBER,
    echo,
    json_depth_exceeds,
    matches,
    parse_day,
    require,
)

MAX_FILTER_NODES = 1000  # values inside a parsed filters argument


@dataclass(frozen=True)
class Text:
    shape: re.Pattern
    what: str

    def check(self, value: object, name: str) -> None:
        require(self.shape, value, name, self.what)


@dataclass(frozen=True)
class Day:
    def check(self, value: object, name: str) -> None:
        parse_day(value, name)


@dataclass(frozen=True)
class WholeNumber:
    low: int
    high: int

    def check(self, value: object, name: str) -> None:
        number = value if type(value) is int else int(value) if matches(WHOLE_NUMBER, value) else None
        if number is None or not self.low <= number <= self.high:
            raise InvalidInput(f"{name}: {echo(value)} is not a whole number from {self.low} to {self.high}",
                               field=name)


@dataclass(frozen=True)
class OneOf:
    choices: tuple

    def check(self, value: object, name: str) -> None:
        if type(value) not in (str, int, bool) or value not in self.choices:
            shown = ", ".join(repr(c) for c in self.choices)
            raise InvalidInput(f"{name}: {echo(value)} is not one of {shown}", field=name)


@dataclass(frozen=True)
class Filters:
    """A number card's filters: JSON text, or the list/object Frappe parsed it into, kept small and shallow."""

    def check(self, value: object, name: str) -> None:
        if isinstance(value, str):
            fits = matches(NOTE, value) and not json_depth_exceeds(value)  # NOTE keeps it to MAX_FILTERS_CHARS
        else:
            fits = isinstance(value, (list, dict)) and _small_and_shallow(value)
        if not fits:
            raise InvalidInput(f"{name}: {echo(value)} is not a filters list (JSON, at most {MAX_FILTERS_CHARS} "
                               f"characters, {MAX_JSON_DEPTH} levels)", field=name)


def _small_and_shallow(value: list | dict) -> bool:
    """Walked without recursion, so a structure nested past the interpreter's limit is measured, not crashed on."""
    stack, seen = [(value, 1)], 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if depth > MAX_JSON_DEPTH or seen > MAX_FILTER_NODES:
            return False
        if isinstance(node, dict):
            if not all(matches(RECORD_NAME, key) for key in node):
                return False
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
        elif isinstance(node, str):
            if node and not matches(NOTE, node):
                return False
        elif node is not None and type(node) not in (int, float, bool):
            return False
    return True


@dataclass(frozen=True)
class Argument:
    kind: Text | Day | WholeNumber | OneOf | Filters
    required: bool = False

    def check(self, value: object, name: str) -> None:
        if value is None or value == "":
            if self.required:
                raise InvalidInput(f"{name}: a value is required", field=name)
            return
        self.kind.check(value, name)


SETTINGS = Argument(Text(RECORD_NAME, "a Mollie Settings name"))
FILTERS = Argument(Filters())
FLAG = Argument(OneOf((0, 1, "0", "1", True, False)))
CUSTOMER = Argument(Text(CUSTOMER_ID, "a Mollie customer id (cst_…)"), required=True)
MEMBER = Argument(Text(MEMBER_REFERENCE, "a member reference"))
SUBSCRIPTION = Argument(Text(RECORD_NAME, "a Mollie Subscription name"), required=True)
DAY = Argument(Day())

_API = "verenigingen.verenigingen_payments.api."
_CARDS = ("reconciliation", "next_payout", "webhook_backlog", "disputes_due", "available_balance", "volume_30d",
          "fee_rate_30d", "active_members", "mrr", "keys_due_for_rotation")

ENDPOINTS: dict[str, dict[str, Argument]] = {
    _API + "accounts.test_connection": {"settings": SETTINGS},
    _API + "accounts.get_account_balance": {"settings": SETTINGS},
    **{f"{_API}adoption.{name}": {"settings": SETTINGS} for name in ("connect", "stop", "status")},
    _API + "bank.import_bank_statement": {
        "file_url": Argument(Text(FILE_URL, "a File's URL (/files/… or /private/files/…)")),
        "filename": Argument(Text(RECORD_NAME, "a file name")),
        "content": Argument(Text(STATEMENT_TEXT, "a statement's text (CAMT.053 or MT940, at most 10 MB)")),
        "iban": Argument(Text(IBAN, "an IBAN")),
    },
    _API + "bank.payouts_at_bank": {"settings": SETTINGS, "iban": Argument(Text(IBAN, "an IBAN")), "from_date": DAY,
                                    "until_date": DAY, "business_days": Argument(WholeNumber(1, 10))},
    _API + "bank.card_payouts_at_bank": {"filters": FILTERS},
    **{f"{_API}collections.card_{card}": {"filters": FILTERS} for card in ("dues_at_risk", "dues_recovered")},
    _API + "dashboard.get_dashboard_metrics": {"settings": SETTINGS, "refresh": FLAG},
    **{f"{_API}dashboard.card_{card}": {"filters": FILTERS} for card in _CARDS},
    _API + "disputes.request_recovery_payment": {
        "case": Argument(Text(RECORD_NAME, "a Dispute Case name"), required=True),
        "redirect_url": Argument(Text(REDIRECT_URL, "an http(s) URL"), required=True),
        "method": Argument(Text(PAYMENT_METHOD, "a Mollie payment method (ideal, creditcard, …)")),
    },
    _API + "gdpr.export_personal_data": {"customer_id": CUSTOMER, "member_reference": MEMBER},
    _API + "gdpr.download_personal_data_export": {
        "export_id": Argument(Text(GDPR_EXPORT_ID, "an export id (gdpr + 28 lowercase letters)"), required=True),
    },
    _API + "gdpr.erase_personal_data": {"customer_id": CUSTOMER, "member_reference": MEMBER, "force": FLAG},
    _API + "operations.metrics": {"token": Argument(Text(ACCESS_TOKEN, "a metrics token"))},
    _API + "operations.liveness": {},
    _API + "operations.readiness": {},
    _API + "operations.configuration_problems": {},
    _API + "reconciliation.run_reconciliation_now": {"settings": SETTINGS, "from_date": DAY, "until_date": DAY},
    _API + "reconciliation.list_recent_settlements": {"settings": SETTINGS, "limit": Argument(WholeNumber(1, 50))},
    _API + "reconciliation.resolve_discrepancy": {
        "run": Argument(Text(RECORD_NAME, "a Mollie Reconciliation Run name"), required=True),
        "identity": Argument(Text(RECORD_NAME, "a discrepancy identity"), required=True),
        "note": Argument(Text(NOTE, "a note (text, lines allowed)"), required=True),
    },
    _API + "subscriptions.cancel_subscription": {"name": SUBSCRIPTION},
    _API + "subscriptions.reactivate_subscription": {"name": SUBSCRIPTION},
    _API + "subscriptions.get_subscription_drift": {"name": SUBSCRIPTION},
    _API + "subscriptions.resolve_subscription_drift": {
        "name": SUBSCRIPTION,
        "field": Argument(Text(FIELD_NAME, "a field name"), required=True),
        "choice": Argument(OneOf(("accept_mollie", "restore_local")), required=True),
    },
    "verenigingen.verenigingen_payments.doctype.mollie_webhook_log.mollie_webhook_log.replay": {
        "name": Argument(Text(WEBHOOK_LOG_ID, "a Mollie Webhook Log name (32 hex digits)"), required=True),
    },
    # the webhook door reads the raw request itself (webhooks/ingest.py), against the same limits
    "verenigingen.utils.payment_gateways.mollie_webhook": {},
}


def check_arguments(endpoint: str, given: Mapping[str, object]) -> None:
    """InvalidInput naming the first argument of `given` that `endpoint` does not take or whose value is
    outside its limits, or a required one that is missing."""
    declared = ENDPOINTS[endpoint]
    for name in given:
        if name not in declared:
            raise InvalidInput(f"{echo(name)} is not an argument of this endpoint "
                               f"(it takes: {', '.join(declared) or 'none'})", field=str(name))
    for name, argument in declared.items():
        argument.check(given.get(name), name)
