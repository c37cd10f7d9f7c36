"""How a Mollie Settings record's values become the clients' `MollieConfig`.

Pure: the Frappe settings provider reads the record and its decrypted secrets and hands them here,
so the mapping (switches, defaults, the guarded base URL) is testable without a site.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from verenigingen.verenigingen_payments.clients.config import DEFAULT_BASE_URL, MollieConfig
from verenigingen.verenigingen_payments.core.errors import ConfigurationError
from verenigingen.verenigingen_payments.frappe_integration.settings.rules import (
    ALLOW_CUSTOM_BASE_URL_FLAG,
    TEST,
    mode_of_api_key,
)

# Record field -> MollieConfig field, for the resilience numbers the record carries.
RESILIENCE_FIELDS = {
    "circuit_breaker_failure_threshold": int,
    "circuit_breaker_timeout": float,
    "rate_limit_requests_per_second": float,
    "retry_max_attempts": int,
}


def build_config(
    record: Mapping[str, Any],
    *,
    api_key: str | None,
    organization_token: str | None,
    base_url_allowed: bool,
    redis_url: str | None,
) -> MollieConfig:
    """The config for one record; empty numbers fall back to MollieConfig's defaults."""
    name = record["name"]
    custom_base_url = (record.get("api_base_url") or "").strip()
    if custom_base_url and not base_url_allowed:
        raise ConfigurationError(
            f"Mollie Settings {name!r} sets an API Base URL, which this site does not allow "
            f"(enable developer mode or {ALLOW_CUSTOM_BASE_URL_FLAG} in site_config.json)."
        )
    numbers = {field: cast(record[field]) for field, cast in RESILIENCE_FIELDS.items() if record.get(field)}
    mode = mode_of_api_key(api_key)
    return MollieConfig(
        api_key=api_key or None,
        organization_token=organization_token or None,
        base_url=custom_base_url.rstrip("/") or DEFAULT_BASE_URL,
        account=name,
        profile_id=record.get("profile_id") or None,
        testmode=True if mode == TEST else None,
        enabled=bool(record.get("enable_backend_api")),
        redis_url=redis_url or None,
        **numbers,
    )
