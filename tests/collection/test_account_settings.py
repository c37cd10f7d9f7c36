"""The Collections section of Mollie Settings: what staff may enter, and what the core gets from it."""

from __future__ import annotations

from verenigingen.verenigingen_payments.collection.account_settings import (
    PolicyRule,
    collection_config,
    creditor_id_problem,
    settings_problems,
)
from verenigingen.verenigingen_payments.collection.policy import CONTACT, RETRY, STOP

VALID = {"enable_collections": 1, "creditor_id": "NL69 ZZZ 1234 5678 0000", "collections_association": "De Eendracht",
         "collections_contact": "penningmeester@example.org", "payment_redirect_url": "https://example.org/bedankt",
         "pre_notification_days": 7, "reminder_interval_days": 10, "collection_paydays": "25, 1"}


def test_a_sepa_creditor_identifier_is_checked_with_its_check_digits():
    assert creditor_id_problem("NL69ZZZ123456780000") is None
    assert creditor_id_problem("de98zzz09999999999") is None  # the Bundesbank's test identifier
    assert "check digits" in creditor_id_problem("NL68ZZZ123456780000")
    assert "not a SEPA creditor identifier" in creditor_id_problem("NL69-ZZZ")


def test_a_valid_section_has_no_problems_and_becomes_the_cores_settings_and_policy():
    rules = [PolicyRule("am04", 1, CONTACT), PolicyRule("*", 0, STOP)]
    assert settings_problems(VALID, rules) == []
    settings, policy = collection_config(VALID, rules, webhook_url="https://example.org/hook")
    assert (settings.creditor_id, settings.notice_days, settings.reminder_interval_days) == ("NL69ZZZ123456780000", 7, 10)
    assert (settings.association, settings.contact, settings.webhook_url) == (
        "De Eendracht", "penningmeester@example.org", "https://example.org/hook")
    assert policy.paydays == (25, 1)
    assert [policy.decide("AM04", n).action for n in (0, 1)] == [RETRY, CONTACT]
    assert policy.decide("MS02", 0).action == STOP  # "*" overrides every code without its own policy
    assert policy.decide("MD06", 0).action == CONTACT  # a default keeps its own policy


def test_every_problem_is_named_at_once():
    values = {**VALID, "creditor_id": "", "pre_notification_days": 0, "reminder_interval_days": 200,
              "collections_contact": "nobody", "payment_redirect_url": "ftp://x", "collection_paydays": "25, 31"}
    rules = [PolicyRule("AM4", 9, "retry"), PolicyRule("MD06", 0, CONTACT), PolicyRule("md06", 0, STOP)]
    problems = settings_problems(values, rules)
    for expected in ("Creditor Identifier is required", "Pre-notification days must be a whole number from 1 to 60",
                     "Reminder interval (days) must be a whole number from 1 to 90", "Contact Address must be an email",
                     "Redirect URL must be an http(s) URL", "Paydays must be days 1–28", "Policy row 'AM4'",
                     "retries must be 0–3", "contact or stop", "MD06: the code has more than one row"):
        assert any(expected in p for p in problems), (expected, problems)


def test_nothing_is_required_while_collections_are_off():
    assert settings_problems({"enable_collections": 0}) == []
    settings, policy = collection_config({})
    assert settings.notice_days == 14 and policy.paydays == (25, 1)
