"""Guided rotation: staged credentials are verified before the switch, the old one has a grace
period, nothing staged means re-encryption and an honest age report; every step is audited."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pytest

from verenigingen.verenigingen_payments.core.errors import AuthenticationError
from verenigingen.verenigingen_payments.core.security import MollieSecurityManager
from verenigingen.verenigingen_payments.core.security.audit import AuditTrail
from verenigingen.verenigingen_payments.core.security.audit_verify import verify_chain
from verenigingen.verenigingen_payments.core.security.encryption import FieldCipher, FieldContext
from verenigingen.verenigingen_payments.core.security.errors import RotationError
from verenigingen.verenigingen_payments.core.security.keys import KeyRing
from verenigingen.verenigingen_payments.core.security.redaction import redact
from verenigingen.verenigingen_payments.core.security.rotation_seams import (
    API_KEY,
    WEBHOOK_SECRET,
    CredentialSlot,
    InMemoryRotationSettings,
    RotationState,
    valid_webhook_secrets,
)
from verenigingen.verenigingen_payments.store.sql import SqlAuditLogStore

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
OLD_KEY = "live_OldKeyCanary0123456789abcdefghij"
NEW_KEY = "live_NewKeyCanary0123456789abcdefghij"
AUDIT_RING = KeyRing.from_spec("a1:" + base64.b64encode(b"a" * 32).decode())


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


class ListSource:
    """App-owned encrypted values kept in a list, with compare-and-set replacement."""

    def __init__(self, values):
        self.values = dict(values)

    def iter_encrypted_values(self):
        return iter(list(self.values.items()))

    def replace_encrypted_value(self, context, old, new):
        if self.values.get(context) != old:
            return False
        self.values[context] = new
        return True


@pytest.fixture
def settings():
    return InMemoryRotationSettings([RotationState("Production", 90, {
        API_KEY: CredentialSlot(current=OLD_KEY, rotated_at=NOW - timedelta(days=100)),
        WEBHOOK_SECRET: CredentialSlot(current="whsec-old-value"),
    })])


@pytest.fixture
def audit_store(sql_engine):
    return SqlAuditLogStore(sql_engine)


def _manager(settings, audit_store, clock, verify=lambda *a: None, **kwargs):
    audit = AuditTrail(audit_store, AUDIT_RING, chain_id="site", clock=clock)
    return MollieSecurityManager("Production", settings_store=settings, audit=audit, verify=verify,
                                 clock=clock, **kwargs)


def test_nothing_staged_reports_age_and_due_and_never_claims_a_rotation(settings, audit_store):
    report = _manager(settings, audit_store, Clock(NOW)).rotate_api_key()
    assert report.switched == [] and report.key_age_days == 100 and report.rotation_due
    assert "Nothing staged" in str(report) and "DUE" in str(report)
    assert settings.read_rotation_state("Production").slots[API_KEY].current == OLD_KEY
    assert [e.event_type for e in audit_store.iter_entries("site")] == ["rotation_checked"]


def test_a_staged_key_is_verified_switched_and_the_old_one_erased_after_the_grace_period(settings, audit_store):
    settings.stage("Production", API_KEY, NEW_KEY)
    seen = []
    clock = Clock(NOW)
    manager = _manager(settings, audit_store, clock, verify=lambda *args: seen.append(args))
    report = manager.rotate_api_key()
    assert seen == [("Production", API_KEY, NEW_KEY)]
    assert report.switched == [API_KEY] and report.key_age_days == 0 and not report.rotation_due
    slot = settings.read_rotation_state("Production").slots[API_KEY]
    assert (slot.current, slot.previous, slot.staged) == (NEW_KEY, OLD_KEY, None)

    clock.now = NOW + timedelta(hours=47)
    assert manager.rotate_api_key().erased_previous == []
    clock.now = NOW + timedelta(hours=49)
    assert manager.rotate_api_key().erased_previous == [API_KEY]
    assert settings.read_rotation_state("Production").slots[API_KEY].previous is None
    events = [e.event_type for e in audit_store.iter_entries("site")]
    assert events == ["credential_rotated", "rotation_checked", "rotation_checked",
                      "credential_previous_erased", "rotation_checked"]
    assert verify_chain(audit_store, AUDIT_RING, "site").ok
    stored = " ".join(e.details for e in audit_store.iter_entries("site"))
    assert NEW_KEY not in stored and OLD_KEY not in stored
    assert NEW_KEY not in redact(f"now using {NEW_KEY[:-3]}xyz and {NEW_KEY}")


def test_a_staged_key_mollie_refuses_is_not_switched_and_the_refusal_is_audited(settings, audit_store):
    settings.stage("Production", API_KEY, NEW_KEY)

    def refuse(settings_name, kind, value):
        raise AuthenticationError(f"Invalid API key {value}", status=401)

    with pytest.raises(RotationError, match="not accepted by Mollie") as caught:
        _manager(settings, audit_store, Clock(NOW), verify=refuse).rotate_api_key()
    assert NEW_KEY not in str(caught.value)
    slot = settings.read_rotation_state("Production").slots[API_KEY]
    assert (slot.current, slot.staged) == (OLD_KEY, NEW_KEY)
    [entry] = list(audit_store.iter_entries("site"))
    assert entry.event_type == "credential_rotation_rejected" and NEW_KEY not in entry.details


def test_webhook_secrets_are_both_accepted_during_the_grace_period(settings, audit_store):
    settings.stage("Production", WEBHOOK_SECRET, "whsec-new-value")
    _manager(settings, audit_store, Clock(NOW), verify=lambda *a: pytest.fail("not a Mollie credential")
             ).rotate_api_key()
    state = settings.read_rotation_state("Production")
    assert valid_webhook_secrets(state, NOW + timedelta(hours=1)) == ["whsec-new-value", "whsec-old-value"]
    assert valid_webhook_secrets(state, NOW + timedelta(hours=48)) == ["whsec-new-value"]


def test_nothing_staged_reencrypts_app_owned_values_under_the_newest_key(settings, audit_store):
    v1 = "v1:" + base64.b64encode(b"1" * 32).decode()
    v2 = "v2:" + base64.b64encode(b"2" * 32).decode()
    old_cipher = FieldCipher(KeyRing.from_spec(v1))
    contexts = [FieldContext("Mollie Webhook Log", f"WHL-{n}", "body") for n in range(3)]
    source = ListSource({c: old_cipher.encrypt(f"body {c.record_id}", c) for c in contexts})
    cipher = FieldCipher(KeyRing.from_spec(f"{v2},{v1}"))
    report = _manager(settings, audit_store, Clock(NOW), cipher=cipher, encrypted_sources=[source]).rotate_api_key()
    assert report.reencrypted == 3
    newest_only = FieldCipher(KeyRing.from_spec(v2))
    assert [newest_only.decrypt_text(source.values[c], c) for c in contexts] == [
        f"body {c.record_id}" for c in contexts]
    assert _manager(settings, audit_store, Clock(NOW), cipher=cipher,
                    encrypted_sources=[source]).rotate_api_key().reencrypted == 0
