"""Mollie Settings validation rules and the record -> MollieConfig mapping, without Frappe."""

from __future__ import annotations

import pytest

from verenigingen.verenigingen_payments.clients.config import DEFAULT_BASE_URL
from verenigingen.verenigingen_payments.core.errors import ConfigurationError
from verenigingen.verenigingen_payments.frappe_integration.settings import rules
from verenigingen.verenigingen_payments.frappe_integration.settings.config_mapping import build_config

GUIDE_RECORD = {
    "name": "Production",
    "gateway_name": "Production",
    "profile_id": "pfl_xxx",
    "enable_backend_api": 1,
    "circuit_breaker_failure_threshold": 5,
    "circuit_breaker_timeout": 60,
    "rate_limit_requests_per_second": 25,
    "retry_max_attempts": 3,
    "reconciliation_hour": 2,
    "reconciliation_tolerance": 0.01,
    "low_balance_threshold": 1000.0,
    "api_base_url": None,
}


@pytest.mark.parametrize(
    ("key", "mode"), [("live_xxx", "Live"), ("test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM", "Test"), (None, None)]
)
def test_mode_comes_from_the_key_prefix(key, mode):
    assert rules.api_key_problem(key) is None
    assert rules.mode_of_api_key(key) == mode


@pytest.mark.parametrize("key", ["sk_live_123", "live-123", "LIVE_123", "live_ab!c", "test_abc def"])
def test_a_malformed_api_key_is_refused_without_echoing_it(key):
    problem = rules.api_key_problem(key)
    assert problem and "live_" in problem
    assert key not in problem


def test_organization_token_and_profile_id_shapes():
    assert rules.organization_token_problem("access_abc123_DEF") is None
    assert "access_" in rules.organization_token_problem("live_abc")
    assert rules.profile_id_problem("pfl_xxx") is None
    assert "pfl_" in rules.profile_id_problem("profile_1")


def test_webhook_secret_of_the_guide_passes_and_a_short_one_does_not():
    assert rules.webhook_secret_problem("webhook_secret_xxx") is None
    problem = rules.webhook_secret_problem("abc")
    assert problem and "abc" not in problem


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("reconciliation_hour", 0, True),
        ("reconciliation_hour", 23, True),
        ("reconciliation_hour", 24, False),
        ("reconciliation_hour", -1, False),
        ("retry_max_attempts", 0, False),
        ("rate_limit_requests_per_second", 25, True),
        ("circuit_breaker_timeout", 0, False),
        ("reconciliation_tolerance", 0.01, True),
        ("low_balance_threshold", -5, False),
        ("low_balance_threshold", 10**9, True),
    ],
)
def test_number_ranges(field, value, ok):
    problems = rules.number_problems({field: value})
    assert (not problems) is ok, problems


def test_recipients_are_split_and_each_address_checked():
    assert rules.split_recipients("finance@company.com; treasurer@club.nl,\n") == [
        "finance@company.com",
        "treasurer@club.nl",
    ]
    assert rules.recipients_problem("finance@company.com", alerts_enabled=True) is None
    problem = rules.recipients_problem("finance@company.com, not-an-email", alerts_enabled=False)
    assert "not-an-email" in problem and "finance@company.com" not in problem
    assert "at least one" in rules.recipients_problem("", alerts_enabled=True)


def test_custom_api_base_url_needs_the_site_flag_and_a_real_url():
    assert rules.ALLOW_CUSTOM_BASE_URL_FLAG in rules.api_base_url_problem(
        "http://127.0.0.1:8765/v2", allowed=False
    )
    assert rules.api_base_url_problem("http://127.0.0.1:8765/v2", allowed=True) is None
    assert "http(s)" in rules.api_base_url_problem("ftp://host/v2", allowed=True)


def test_the_guides_record_maps_to_a_config():
    config = build_config(
        GUIDE_RECORD,
        api_key="live_xxx",
        organization_token=None,
        base_url_allowed=False,
        redis_url="redis://x:1",
    )
    assert config.account == "Production"
    assert config.api_key == "live_xxx" and config.organization_token is None
    assert config.enabled is True
    assert config.base_url == DEFAULT_BASE_URL
    assert config.testmode is None
    assert (config.circuit_breaker_failure_threshold, config.circuit_breaker_timeout) == (5, 60.0)
    assert (config.rate_limit_requests_per_second, config.retry_max_attempts) == (25.0, 3)
    assert config.redis_url == "redis://x:1"
    assert "live_xxx" not in repr(config)


def test_switching_the_backend_api_off_disables_the_config():
    config = build_config(
        {**GUIDE_RECORD, "enable_backend_api": 0},
        api_key="test_abc",
        organization_token="access_abc",
        base_url_allowed=False,
        redis_url=None,
    )
    assert config.enabled is False
    assert config.testmode is True


def test_a_custom_base_url_is_used_only_where_allowed():
    record = {**GUIDE_RECORD, "api_base_url": "http://127.0.0.1:8765/v2/"}
    config = build_config(
        record, api_key=None, organization_token="access_a", base_url_allowed=True, redis_url=None
    )
    assert config.base_url == "http://127.0.0.1:8765/v2"
    with pytest.raises(ConfigurationError, match="does not allow"):
        build_config(
            record, api_key=None, organization_token="access_a", base_url_allowed=False, redis_url=None
        )


def test_empty_numbers_fall_back_to_the_clients_defaults():
    record = {
        "name": "Test",
        "enable_backend_api": 1,
        "retry_max_attempts": 0,
        "circuit_breaker_timeout": None,
    }
    config = build_config(
        record, api_key=None, organization_token=None, base_url_allowed=False, redis_url=None
    )
    assert config.retry_max_attempts == 3 and config.circuit_breaker_timeout == 60.0


def test_a_trailing_newline_makes_a_key_token_or_profile_malformed():
    assert rules.api_key_problem("test_" + "a" * 30 + "\n")
    assert rules.organization_token_problem("access_abc123\n")
    assert rules.profile_id_problem("pfl_xxx\n")
