"""The `bench … mollie` commands check ids, names and dates against the declared limits before they
bind a site: run here without Frappe (importing it fails loudly), a bad value is click's usage error,
exit 2, naming the option; a good one gets as far as the site (and fails there, for want of Frappe)."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from verenigingen.commands import commands
from verenigingen.commands.checks import event_types
from verenigingen.verenigingen_payments.core.errors import InvalidInput

[MOLLIE] = commands
LOG_ID = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def no_frappe(monkeypatch):
    """Any attempt to bind a site fails with ImportError: the checks must come first."""
    monkeypatch.setitem(sys.modules, "frappe", None)


def invoke(*args: str):
    return CliRunner().invoke(MOLLIE, list(args), obj={"sites": ["site.test"]})


@pytest.mark.parametrize("args, option", [
    (["reconcile", "--from", "2025-03-01", "--until", "2025-02-30"], "--until"),
    (["reconcile", "--date", "2025-03-01\n"], "--date"),
    (["reconcile", "--date", "1999-12-31"], "--date"),
    (["reconcile", "--date", "٢٠٢٥-٠٣-٠١"], "--date"),
    (["sync-payments", "--since", "20250301"], "--since"),
    (["webhooks", "replay", "--id", LOG_ID, "--id", LOG_ID + "\n"], "--id"),
    (["webhooks", "replay", "--id", "x" * 200], "--id"),
    (["webhooks", "replay", "--since", "2025-03-01T14:00:00+01:00"], "--since"),
    (["webhooks", "replay", "--since", "2025-03-01 25:00"], "--since"),
    (["webhooks", "register", "--events", "payment.paid,payment paid"], "--events"),
    (["webhooks", "ping", "--settings", "Production\x00"], "--settings"),
    (["balances", "--settings", "P" * 141], "--settings"),
    (["gdpr", "export", "--customer", "cst_abc\n"], "--customer"),
    (["gdpr", "erase", "--customer", "cst_abc", "--member", " leading-space"], "--member"),
])
def test_a_value_outside_the_limits_is_a_usage_error_before_the_site(args, option):
    result = invoke(*args)
    assert result.exit_code == 2, (result.output, result.exception)
    assert f"Invalid value for '{option}'" in result.output or f"Invalid value for {option}" in result.output, \
        result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [
    ["reconcile", "--from", "2025-03-01", "--until", "2025-04-01"],
    ["sync-payments", "--since", "2025-03-01", "--settings", "Production"],
    ["webhooks", "replay", "--id", LOG_ID, "--since", "2025-03-01 14:00"],
    ["webhooks", "register", "--events", "payment.paid, refund.settled"],
    ["gdpr", "erase", "--customer", "cst_abc123", "--member", "LID-0042"],
])
def test_values_within_the_limits_reach_the_site(args):
    result = invoke(*args)
    assert isinstance(result.exception, ImportError), (result.output, result.exception)


def test_the_period_rule_is_the_reconcile_commands_usage_error():
    result = invoke("reconcile", "--from", "2025-03-01", "--until", "2025-03-01")
    assert result.exit_code == 2 and "--until must be after --from" in result.output


@pytest.mark.parametrize("value, ok", [("*", True), (" * ", True), ("payment.paid", True),
                                       ("payment.paid,,refund.settled", True), ("payment.pa\nid", False),
                                       ("a" * 65, False), ("payment.paid,ü", False)])
def test_event_type_lists(value, ok):
    if ok:
        assert event_types(value, "--events") == value
    else:
        with pytest.raises(InvalidInput):
            event_types(value, "--events")
