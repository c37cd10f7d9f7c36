"""What a valid Mollie Settings record looks like, as plain functions.

The DocType controller turns the messages into `frappe.throw`; keeping the rules free of Frappe lets
the plain suite test them. No message ever contains a secret's value, only the field's label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

API_KEY_PATTERN = re.compile(r"(live|test)_[A-Za-z0-9]+")
ORGANIZATION_TOKEN_PATTERN = re.compile(r"access_[A-Za-z0-9_]+")
PROFILE_ID_PATTERN = re.compile(r"pfl_[A-Za-z0-9]+")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
RECIPIENT_SEPARATORS = re.compile(r"[,;\n]")

# Site config key that lets a record point at another API host (the emulator, a staging proxy).
ALLOW_CUSTOM_BASE_URL_FLAG = "mollie_allow_custom_api_base_url"

LIVE = "Live"
TEST = "Test"


@dataclass(frozen=True)
class NumberRange:
    fieldname: str
    label: str
    minimum: float
    maximum: float | None

    def problem(self, value: float | int | None) -> str | None:
        if value is None:
            return None
        if value < self.minimum or (self.maximum is not None and value > self.maximum):
            upper = f" and {self.maximum:g}" if self.maximum is not None else ""
            bound = f"between {self.minimum:g}{upper}" if upper else f"at least {self.minimum:g}"
            return f"{self.label} must be {bound} (got {value:g})."
        return None


NUMBER_RANGES = (
    NumberRange("circuit_breaker_failure_threshold", "Circuit breaker failure threshold", 1, 100),
    NumberRange("circuit_breaker_timeout", "Circuit breaker timeout (seconds)", 1, 3600),
    NumberRange("rate_limit_requests_per_second", "Rate limit (requests per second)", 1, 100),
    NumberRange("retry_max_attempts", "Retry max attempts", 1, 10),
    NumberRange("reconciliation_hour", "Reconciliation hour", 0, 23),
    NumberRange("reconciliation_tolerance", "Reconciliation tolerance", 0, 100),
    NumberRange("low_balance_threshold", "Low balance threshold", 0, None),
    NumberRange("api_key_rotation_days", "API key rotation (days)", 0, 3650),
)


def mode_of_api_key(api_key: str | None) -> str | None:
    """`Live` or `Test` from the key's prefix; None when there is no key."""
    if not api_key:
        return None
    return LIVE if api_key.startswith("live_") else TEST if api_key.startswith("test_") else None


def api_key_problem(api_key: str | None) -> str | None:
    if api_key and not API_KEY_PATTERN.fullmatch(api_key):
        return "API Key must start with live_ or test_ followed by letters and digits only."
    return None


def organization_token_problem(token: str | None) -> str | None:
    if token and not ORGANIZATION_TOKEN_PATTERN.fullmatch(token):
        return (
            "Organization Access Token must start with access_ followed by letters, digits and underscores."
        )
    return None


def profile_id_problem(profile_id: str | None) -> str | None:
    if profile_id and not PROFILE_ID_PATTERN.fullmatch(profile_id):
        return f"Profile ID must look like pfl_ followed by letters and digits (got {profile_id!r})."
    return None


def webhook_secret_problem(secret: str | None) -> str | None:
    if secret and (len(secret) < 8 or any(ch.isspace() for ch in secret)):
        return "Webhook Secret must be at least 8 characters without spaces."
    return None


def split_recipients(text: str | None) -> list[str]:
    return [part.strip() for part in RECIPIENT_SEPARATORS.split(text or "") if part.strip()]


def recipients_problem(text: str | None, *, alerts_enabled: bool) -> str | None:
    recipients = split_recipients(text)
    invalid = [address for address in recipients if not EMAIL_PATTERN.fullmatch(address)]
    if invalid:
        return "Alert Recipients has invalid email addresses: " + ", ".join(invalid) + "."
    if alerts_enabled and not recipients:
        return "Alert Recipients needs at least one email address when balance alerts are enabled."
    return None


def api_base_url_problem(url: str | None, *, allowed: bool) -> str | None:
    if not url:
        return None
    if not allowed:
        return (
            "API Base URL can only be set on a site with developer mode or "
            f"{ALLOW_CUSTOM_BASE_URL_FLAG} enabled in site_config.json."
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"API Base URL must be an http(s) URL with a host (got {url!r})."
    return None


def number_problems(values: dict[str, float | int | None]) -> list[str]:
    problems = (rule.problem(values.get(rule.fieldname)) for rule in NUMBER_RANGES)
    return [p for p in problems if p]
