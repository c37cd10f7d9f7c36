"""What the endpoint caches per process is rebuilt as soon as its source changes: a rotated secret is
refused or accepted by the very next request, and a previous secret stops working when its grace
period ends, with no request in between reading the secrets again."""

from __future__ import annotations

from datetime import timedelta

from verenigingen.verenigingen_payments.webhooks import WebhookIngestService, WebhookSecrets
from verenigingen.verenigingen_payments.webhooks.ingest import IncomingDelivery
from verenigingen.verenigingen_payments.webhooks.versioned_value import VersionedValue
from verenigingen.verenigingen_payments.webhooks.work_queue import NullQueue


class SettingsRecords:
    """The records the secrets come from, with a version that moves on every change (as `modified` does)."""

    def __init__(self, clock) -> None:
        self.clock = clock
        self.secrets = ["old-secret-0123456789abcdef"]
        self.previous_until = None
        self.changes = 0
        self.reads = 0

    def rotate(self, new: str, grace: timedelta) -> None:
        self.previous_until = self.clock() + grace
        self.secrets = [new, self.secrets[0]]
        self.changes += 1

    def version(self):
        return self.changes

    def load(self):
        self.reads += 1
        in_grace = self.previous_until is not None and self.clock() < self.previous_until
        valid = self.secrets if in_grace else self.secrets[:1]
        return WebhookSecrets(classic={"Production": list(valid)}), self.previous_until if in_grace else None


def classic(service: WebhookIngestService, secret: str) -> int:
    return service.ingest(IncomingDelivery("POST", "application/x-www-form-urlencoded", {}, b"id=tr_abc123",
                                           {"secret": secret}, "127.0.0.1")).http_status


def test_a_rotation_applies_on_the_next_request_and_the_previous_secret_ends_with_its_grace(webhook_store, clock):
    records = SettingsRecords(clock)
    cached = VersionedValue(records.load, records.version, clock=clock)
    service = WebhookIngestService(webhook_store, NullQueue(), cached.get, clock=clock)

    assert [classic(service, "old-secret-0123456789abcdef") for _ in range(3)] == [200, 200, 200]
    assert records.reads == 1  # read once, not per request
    records.rotate("new-secret-fedcba9876543210", grace=timedelta(hours=48))
    assert classic(service, "new-secret-fedcba9876543210") == 200
    assert classic(service, "old-secret-0123456789abcdef") == 200  # still inside its grace period
    assert records.reads == 2
    clock.advance(timedelta(hours=48))
    assert classic(service, "old-secret-0123456789abcdef") == 403
    assert classic(service, "new-secret-fedcba9876543210") == 200
    assert records.reads == 3


def test_a_revoked_secret_is_refused_at_once(webhook_store, clock):
    records = SettingsRecords(clock)
    cached = VersionedValue(records.load, records.version, clock=clock)
    service = WebhookIngestService(webhook_store, NullQueue(), cached.get, clock=clock)
    assert classic(service, "old-secret-0123456789abcdef") == 200
    records.secrets, records.changes = ["replacement-secret-0123456789"], records.changes + 1
    assert classic(service, "old-secret-0123456789abcdef") == 403
