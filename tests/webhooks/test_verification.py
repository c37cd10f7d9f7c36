"""Every way a secret or signature is refused, and the ways it is accepted (after stripe-python)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from verenigingen.verenigingen_payments.webhooks.rejections import SignatureVerificationError, WebhookRejected
from verenigingen.verenigingen_payments.webhooks.verification import (
    WebhookSecrets,
    check_event_age,
    compute_signature,
    signature_header,
    verify_classic_secret,
    verify_signature,
)

BODY = b'{"id":"event_1","type":"payment.paid","entityId":"tr_abc","createdAt":"2026-03-02T12:00:00+00:00"}'
SECRETS = WebhookSecrets(
    classic={"Production": ["old-classic", "new-classic"], "Test": ["test-classic"]},
    signing={"Production": ["old-signing", "new-signing"]},
)


def _reason(excinfo) -> str:
    return excinfo.value.reason


class TestClassicSecret:
    def test_accepts_the_current_secret_and_names_its_account(self):
        assert verify_classic_secret("test-classic", SECRETS) == "Test"

    def test_accepts_both_secrets_during_a_rotation(self):
        assert verify_classic_secret("old-classic", SECRETS) == "Production"
        assert verify_classic_secret("new-classic", SECRETS) == "Production"

    def test_refuses_a_missing_secret(self):
        with pytest.raises(SignatureVerificationError) as excinfo:
            verify_classic_secret(None, SECRETS)
        assert _reason(excinfo) == "missing_secret"

    def test_refuses_a_wrong_secret(self):
        with pytest.raises(SignatureVerificationError) as excinfo:
            verify_classic_secret("new-classix", SECRETS)
        assert _reason(excinfo) == "invalid_secret"

    def test_refuses_a_prefix_of_a_valid_secret(self):
        with pytest.raises(SignatureVerificationError):
            verify_classic_secret("new-classic"[:-1], SECRETS)

    def test_error_message_never_contains_the_secret(self):
        with pytest.raises(SignatureVerificationError) as excinfo:
            verify_classic_secret("new-classix", SECRETS)
        assert "classi" not in str(excinfo.value)


class TestNextGenSignature:
    def test_accepts_a_valid_signature(self):
        assert verify_signature(BODY, signature_header(BODY, "new-signing"), SECRETS) == "Production"

    def test_accepts_the_old_secret_during_a_rotation(self):
        assert verify_signature(BODY, signature_header(BODY, "old-signing"), SECRETS) == "Production"

    def test_accepts_uppercase_hex(self):
        header = "sha256=" + compute_signature(BODY, "new-signing").upper()
        assert verify_signature(BODY, header, SECRETS) == "Production"

    def test_accepts_a_header_with_one_valid_among_several_signatures(self):
        header = "sha256=00ff," + signature_header(BODY, "new-signing")
        assert verify_signature(BODY, header, SECRETS) == "Production"

    def test_refuses_a_missing_header(self):
        with pytest.raises(SignatureVerificationError) as excinfo:
            verify_signature(BODY, None, SECRETS)
        assert _reason(excinfo) == "missing_signature"

    def test_refuses_a_malformed_header(self):
        with pytest.raises(SignatureVerificationError) as excinfo:
            verify_signature(BODY, "i am not a signature header", SECRETS)
        assert _reason(excinfo) == "malformed_signature_header"

    def test_refuses_another_scheme(self):
        header = "sha1=" + compute_signature(BODY, "new-signing")
        with pytest.raises(SignatureVerificationError) as excinfo:
            verify_signature(BODY, header, SECRETS)
        assert _reason(excinfo) == "unsupported_signature_scheme"

    def test_refuses_a_signature_by_an_unknown_secret(self):
        with pytest.raises(SignatureVerificationError) as excinfo:
            verify_signature(BODY, signature_header(BODY, "retired-signing"), SECRETS)
        assert _reason(excinfo) == "invalid_signature"

    def test_refuses_a_body_changed_after_signing(self):
        header = signature_header(BODY, "new-signing")
        with pytest.raises(SignatureVerificationError) as excinfo:
            verify_signature(BODY.replace(b"tr_abc", b"tr_abd"), header, SECRETS)
        assert _reason(excinfo) == "invalid_signature"

    def test_signs_the_raw_bytes_not_a_reparsed_body(self):
        reformatted = BODY.replace(b",", b", ")
        with pytest.raises(SignatureVerificationError):
            verify_signature(reformatted, signature_header(BODY, "new-signing"), SECRETS)


class TestEventAge:
    NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)

    def test_accepts_an_event_inside_the_window(self):
        check_event_age(self.NOW - timedelta(hours=26), now=self.NOW, max_age=timedelta(hours=48))

    def test_refuses_an_event_outside_the_window(self):
        with pytest.raises(WebhookRejected) as excinfo:
            check_event_age(self.NOW - timedelta(hours=49), now=self.NOW, max_age=timedelta(hours=48))
        assert _reason(excinfo) == "event_too_old"

    def test_operator_replay_overrides_the_window(self):
        check_event_age(
            self.NOW - timedelta(days=30), now=self.NOW, max_age=timedelta(hours=48), operator_replay=True
        )
