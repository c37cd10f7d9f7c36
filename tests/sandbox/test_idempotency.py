"""Idempotency-Key as Mollie's idempotency page describes it."""

from __future__ import annotations

import pytest
import requests

BODY = {"amount": {"value": "15.00", "currency": "EUR"}, "description": "Contributie", "redirectUrl": "https://e.org"}


def test_same_key_same_body_is_replayed(key, emulator):
    first = key.post("/payments", BODY, headers={"Idempotency-Key": "k-1"})
    second = key.post("/payments", BODY, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    log = [r for r in emulator.control.request_log() if r["method"] == "POST"]
    assert [r["replayed"] for r in log] == [False, True]
    assert all(r["headers"]["Idempotency-Key"] == "k-1" for r in log)
    assert all("***" in r["headers"]["Authorization"] and emulator.api_key not in r["headers"]["Authorization"]
               for r in log)


def test_same_key_different_body_is_refused(key):
    assert key.post("/payments", BODY, headers={"Idempotency-Key": "k-2"}).status_code == 201
    other = key.post("/payments", {**BODY, "description": "other"}, headers={"Idempotency-Key": "k-2"})
    assert other.status_code == 400
    assert other.json()["field"] == "Idempotency-Key"


def test_key_expires_after_an_hour_of_simulated_time(key, emulator):
    first = key.post("/payments", BODY, headers={"Idempotency-Key": "k-3"}).json()["id"]
    emulator.control.advance_clock(seconds=3601)
    again = key.post("/payments", BODY, headers={"Idempotency-Key": "k-3"})
    assert again.json()["id"] != first and "Idempotent-Replayed" not in again.headers


def test_errors_are_replayed_too(key):
    bad = {**BODY, "amount": {"value": "x", "currency": "EUR"}}
    assert key.post("/payments", bad, headers={"Idempotency-Key": "k-4"}).status_code == 422
    replay = key.post("/payments", bad, headers={"Idempotency-Key": "k-4"})
    assert replay.status_code == 422 and replay.headers["Idempotent-Replayed"] == "true"


def test_keys_are_ignored_on_patch_and_delete(key, emulator):
    """api-idempotency.rst: "Sending idempotency keys for GET, PATCH, or DELETE requests is not
    necessary … These keys will thus always be ignored by the Mollie API." """
    pid = key.post("/payments", BODY).json()["id"]
    for description in ("one", "two"):
        patched = key.patch(f"/payments/{pid}", {"description": description}, headers={"Idempotency-Key": "k-5"})
        assert patched.status_code == 200 and patched.json()["description"] == description
        assert "Idempotent-Replayed" not in patched.headers
    assert key.delete(f"/payments/{pid}", headers={"Idempotency-Key": "k-6"}).status_code == 200
    again = key.delete(f"/payments/{pid}", headers={"Idempotency-Key": "k-6"})
    assert again.status_code == 422 and "Idempotent-Replayed" not in again.headers
    writes = [r for r in emulator.control.request_log() if r["method"] in ("PATCH", "DELETE")]
    assert [r["replayed"] for r in writes] == [False] * 4
    # a key once used on a PATCH is still free for a POST
    assert key.post("/payments", BODY, headers={"Idempotency-Key": "k-5"}).status_code == 201


def test_lost_response_then_retry_with_same_key_creates_one_payment(key, emulator):
    emulator.control.inject_fault(method="POST", path="/v2/payments", drop=True, count=1)
    with pytest.raises(requests.ConnectionError):
        key.post("/payments", BODY, headers={"Idempotency-Key": "k-6"})
    retry = key.post("/payments", BODY, headers={"Idempotency-Key": "k-6"})
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    mine = [p for p in key.get("/payments", params={"limit": 5}).json()["_embedded"]["payments"]
            if p["description"] == "Contributie"]
    assert [p["id"] for p in mine] == [retry.json()["id"]]
