"""The "Test Connection" logic against the emulator over HTTP, without Frappe.

Each credential is probed on its own: a broken organization token must not hide behind a working
API key (the transport would fall back to the other token), and a switched-off account sends nothing.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from verenigingen.verenigingen_payments.clients.config import MollieConfig
from verenigingen.verenigingen_payments.frappe_integration.monitoring.balance_view import fetch_balances
from verenigingen.verenigingen_payments.frappe_integration.settings.connection_check import (
    API_KEY,
    CONNECTED,
    FAILED,
    ORGANIZATION_TOKEN,
    PARTIALLY_CONNECTED,
    check_connection,
)
from verenigingen.verenigingen_payments.frappe_integration.settings.probes import default_probes


@pytest.fixture
def config(emulator, redis_url, redis_prefix) -> MollieConfig:
    return MollieConfig(
        api_key=emulator.api_key,
        organization_token=emulator.organization_token,
        base_url=emulator.base_url,
        account="check",
        redis_url=redis_url,
        redis_key_prefix=redis_prefix,
    )


def _checks(report):
    return {(r.credential, r.resource): r for r in report.results}


def test_both_credentials_work(config):
    report = check_connection(config, default_probes())
    assert report.status == CONNECTED
    checks = _checks(report)
    assert set(checks) == {
        (API_KEY, "payments"),
        (ORGANIZATION_TOKEN, "organization"),
        (ORGANIZATION_TOKEN, "balances"),
    }
    assert "balance(s): EUR" in checks[(ORGANIZATION_TOKEN, "balances")].detail
    assert report.as_dict()["configured_credentials"] == [API_KEY, ORGANIZATION_TOKEN]


def test_a_wrong_token_fails_on_its_own_even_though_the_api_key_works(config):
    wrong = "access_" + "x" * 40
    report = check_connection(replace(config, organization_token=wrong), default_probes())
    assert report.status == PARTIALLY_CONNECTED
    checks = _checks(report)
    assert checks[(API_KEY, "payments")].ok
    assert not checks[(ORGANIZATION_TOKEN, "balances")].ok
    assert checks[(ORGANIZATION_TOKEN, "balances")].error_type == "AuthenticationError"
    assert wrong not in str(report.as_dict())
    assert report.first_error.startswith(ORGANIZATION_TOKEN)


def test_only_configured_credentials_are_probed(config):
    report = check_connection(replace(config, api_key=None), default_probes())
    assert report.status == CONNECTED
    assert {r.credential for r in report.results} == {ORGANIZATION_TOKEN}


def test_no_credentials_is_a_failure_that_says_so(config):
    report = check_connection(replace(config, api_key=None, organization_token=None), default_probes())
    assert report.status == FAILED
    assert "No API key or organization access token" in report.first_error


def test_a_switched_off_account_fails_without_sending_a_request(config, emulator):
    before = len(emulator.control.request_log())
    report = check_connection(replace(config, enabled=False), default_probes())
    assert report.status == FAILED
    assert all(r.error_type == "ConfigurationError" for r in report.results)
    assert len(emulator.control.request_log()) == before


def test_balances_view_has_exact_decimal_strings(config):
    balances = fetch_balances(config)
    assert balances
    for balance in balances:
        assert balance["available_amount"]["currency"] == balance["currency"]
        value = balance["available_amount"]["value"]
        assert isinstance(value, str) and value.replace("-", "").replace(".", "").isdigit()
