"""The one redaction path: strings, structures, exceptions and every log record of the app."""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verenigingen.verenigingen_payments.core.security.log_redaction import (
    RedactingFilter,
    install_log_redaction,
)
from verenigingen.verenigingen_payments.core.security.redaction import (
    RedactionPolicy,
    luhn_valid,
    redact,
    redact_exception,
    register_secret,
)

LIVE_KEY = "live_Canary7xQ2mZ9pLw4Rt8Yb1Nc6Vd3Hs"
TEST_KEY = "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM"
ORG_TOKEN = "access_CanaryOrgToken0123456789abcdefghij"
IBAN = "NL91ABNA0417164300"
CARD = "4111 1111 1111 1111"
EMAIL = "jan.jansen@example.org"


@pytest.mark.parametrize("text, secret, visible", [
    (f"using key {LIVE_KEY} now", LIVE_KEY, "live_[REDACTED]"),
    (f"key={TEST_KEY}", TEST_KEY, "test_[REDACTED]"),
    (f"token {ORG_TOKEN}", ORG_TOKEN, "access_[REDACTED]"),
    ("Authorization: Bearer abc.def-ghi", "abc.def-ghi", "Authorization: [REDACTED]"),
    ('{"authorization": "Basic dXNlcjpwYXNz"}', "dXNlcjpwYXNz", "[REDACTED]"),
    ("GET /hook?secret=s3cr3t-Value&id=tr_1", "s3cr3t-Value", "secret=[REDACTED]&id=tr_1"),
    (f"IBAN {IBAN} paid", "ABNA0417", "NL****4300"),
    ("IBAN NL91 ABNA 0417 1643 00 paid", "ABNA 0417", "NL****4300"),
    (f"card {CARD} declined", "1111 1111 1111 1111", "[card ****1111]"),
    (f"mail {EMAIL}", "jan.jansen", "***@example.org"),
])
def test_sensitive_values_are_masked_in_text(text, secret, visible):
    result = redact(text)
    assert secret not in result and visible in result


def test_card_like_numbers_that_fail_luhn_and_ordinary_ids_stay():
    text = "order 4111111111111112 at 1704067200000 for tr_WDqYK6vllg test_connection"
    assert redact(text) == text
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")


def test_registered_secrets_are_masked_anywhere():
    register_secret("whsec-canary-8f3b2a")
    assert "whsec-canary-8f3b2a" not in redact("signature secret was whsec-canary-8f3b2a.")


def test_structures_keep_their_shape_and_secret_keys_lose_their_values():
    details = {"secret_key": "anything", "X-Api-Key": "k", "headers": {"Authorization": "Bearer t"},
               "items": [IBAN, 4111111111111111, 12.5, None, True], "consumerName": "J. Jansen",
               "amount": {"value": "10.00", "currency": "EUR"}}
    result = redact(details)
    assert result["secret_key"] == result["X-Api-Key"] == result["headers"]["Authorization"] == "[REDACTED]"
    assert result["items"] == ["NL****4300", "[card ****1111]", 12.5, None, True]
    assert result["consumerName"] == "[REDACTED]"
    assert result["amount"] == {"value": "10.00", "currency": "EUR"}


def test_personal_data_mode_keeps_emails_and_names_but_never_secrets():
    policy = RedactionPolicy(keep_personal_data=True)
    result = redact({"email": EMAIL, "consumerName": "J. Jansen", "note": LIVE_KEY}, policy)
    assert result["email"] == EMAIL and result["consumerName"] == "J. Jansen"
    assert LIVE_KEY not in json.dumps(result)


def test_exception_messages_are_redacted():
    exc = ValueError(f"Mollie refused {LIVE_KEY} for {EMAIL}")
    text = redact_exception(exc)
    assert text.startswith("ValueError: ") and LIVE_KEY not in text and "jan.jansen" not in text
    assert redact(exc) == text


def _capture(logger_name: str):
    records: list[str] = []

    class ListHandler(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = ListHandler()
    handler.setFormatter(logging.Formatter("%(message)s %(extra_detail)s"))
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return records, lambda: logger.removeHandler(handler)


def test_every_logger_under_the_app_namespace_is_redacted_including_args_extras_and_tracebacks():
    install_log_redaction()
    install_log_redaction()  # idempotent
    records, detach = _capture("verenigingen")
    child = logging.getLogger("verenigingen.verenigingen_payments.clients.deep.child")
    try:
        try:
            raise RuntimeError(f"boom with {ORG_TOKEN}")
        except RuntimeError:
            child.exception("calling with %s for %s", LIVE_KEY, EMAIL,
                            extra={"extra_detail": {"iban": IBAN}})
    finally:
        detach()
    [line] = records
    for canary in (LIVE_KEY, ORG_TOKEN, IBAN, "jan.jansen"):
        assert canary not in line
    assert "RuntimeError" in line and "live_[REDACTED]" in line


def test_the_filter_redacts_records_of_foreign_loggers_it_is_attached_to():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "GET /hook?secret=%s", ("abcdef123",),
                               None)
    assert RedactingFilter().filter(record) is True
    assert record.getMessage() == "GET /hook?secret=[REDACTED]"


_sensitive = st.sampled_from([LIVE_KEY, TEST_KEY, ORG_TOKEN, IBAN, "NL91 ABNA 0417 1643 00", CARD,
                              "4111111111111111", EMAIL])
_filler = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30).map(
    lambda s: f" {s} ")


@given(st.lists(st.tuples(_filler, _sensitive), min_size=1, max_size=4), _filler)
def test_no_canary_survives_redaction_whatever_surrounds_it(parts, tail):
    text = "".join(f + s for f, s in parts) + tail
    result = redact(text)
    for _, secret in parts:
        assert secret not in result
        assert secret.replace(" ", "") not in result.replace(" ", "")


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda children: st.lists(children, max_size=4)
                    | st.dictionaries(st.text(max_size=10), children, max_size=4), max_leaves=20))
def test_redaction_never_crashes_and_is_idempotent(value):
    once = redact(value)
    assert redact(once) == once
