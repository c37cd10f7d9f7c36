"""Fault injection: status codes with Retry-After, slow, dropped and malformed responses."""

from __future__ import annotations

import json
import time

import pytest
import requests


def test_429_with_retry_after_for_count_then_normal(key, emulator):
    emulator.control.inject_fault(method="GET", path="/v2/payments*", status=429, retry_after=1, count=2)
    statuses = [key.get("/payments", params={"limit": 1}) for _ in range(3)]
    assert [r.status_code for r in statuses] == [429, 429, 200]
    assert statuses[0].headers["Retry-After"] == "1"
    assert statuses[0].json()["status"] == 429
    assert key.get("/customers", params={"limit": 1}).status_code == 200


def test_5xx_faults_match_method_and_path_only(org, emulator):
    emulator.control.inject_fault(method="GET", path="/v2/settlements/*", status=502, count=5)
    assert org.get("/settlements").status_code == 200
    assert org.get("/settlements/open").status_code == 502
    emulator.control.clear_faults()
    assert org.get("/settlements/open").status_code == 200


def test_slow_response(org, emulator):
    emulator.control.inject_fault(method="GET", path="/v2/balances*", delay=0.3, count=1)
    with pytest.raises(requests.Timeout):
        org.session.get(org.url("/balances"), timeout=0.1)
    t0 = time.perf_counter()
    assert org.get("/balances").status_code == 200
    assert time.perf_counter() - t0 < 0.3


def test_dropped_connection(key, emulator):
    emulator.control.inject_fault(method="GET", path="/v2/payments", drop=True, count=1)
    with pytest.raises(requests.ConnectionError):
        key.get("/payments")
    assert key.get("/payments").status_code == 200


@pytest.mark.parametrize("how", [True, "missing-field"])
def test_malformed_bodies(org, emulator, how):
    emulator.control.inject_fault(path="/v2/settlements/*", malformed=how, count=1)
    resp = org.get("/settlements/open")
    if how is True:
        with pytest.raises(json.JSONDecodeError):
            json.loads(resp.content)
    else:
        assert "id" not in resp.json()
    assert "id" in org.get("/settlements/open").json()


def test_probability_faults_are_seeded(emulator_factory):
    outcomes = []
    for _ in range(2):
        emu = emulator_factory(seed=7)
        emu.control.inject_fault(method="GET", path="/v2/customers", status=503, probability=0.3)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {emu.api_key}"
        outcomes.append([session.get(emu.base_url + "/customers", params={"limit": 1}, timeout=10).status_code
                         for _ in range(30)])
    assert outcomes[0] == outcomes[1]
    assert 0 < outcomes[0].count(503) < 30


def test_request_log_records_faults_and_status(key, emulator):
    emulator.control.inject_fault(method="GET", path="/v2/payments", status=500, count=1)
    key.get("/payments")
    entry = emulator.control.request_log()[-1]
    assert entry["status"] == 500 and entry["fault"] is not None and entry["path"] == "/v2/payments"
    with pytest.raises(RuntimeError):
        emulator.control.inject_fault(path="/v2/x")  # a fault must do something
