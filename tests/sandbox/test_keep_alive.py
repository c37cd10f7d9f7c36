"""HTTP/1.1 keep-alive: one `requests.Session` reuses one TCP connection across requests of every
kind (bodies read or left unread by an error, empty 204s), counted on the server side; injected
drops and delays still behave, `Connection: close` is honoured, and stop() ends idle connections."""

from __future__ import annotations

import pytest
import requests


def _accepted(emulator) -> int:
    return emulator.control.connections()["accepted"]


def test_a_session_reuses_one_connection_for_many_requests(emulator, key):
    before = _accepted(emulator)
    for _ in range(5):
        resp = key.get("/payments?limit=5")
        assert resp.status_code == 200 and resp.headers.get("Connection") != "close"
        assert int(resp.headers["Content-Length"]) == len(resp.content)
    customer = key.post("/customers", json={"name": "Keep Alive"})
    assert customer.status_code == 201
    unread = key.post("/customers", json={"name": "x" * 5000}, headers={"Authorization": "Bearer wrong"})
    assert unread.status_code == 401  # refused before the body is looked at: the body must not leak
    assert key.delete(f"/customers/{customer.json()['id']}").status_code == 204
    assert key.get(f"/customers/{customer.json()['id']}").status_code == 404
    assert key.get("/payments?limit=1").status_code == 200
    assert _accepted(emulator) - before == 1  # the control client's own connection was opened before


def test_connection_close_is_honoured(emulator, key):
    key.get("/payments?limit=1")
    before = _accepted(emulator)
    closing = key.get("/payments?limit=1", headers={"Connection": "close"})
    assert closing.status_code == 200 and closing.headers["Connection"] == "close"
    key.get("/payments?limit=1")
    assert _accepted(emulator) - before == 1  # the request after it needed a new connection


def test_a_dropped_connection_fails_that_request_and_the_next_one_reconnects(emulator, key):
    key.get("/payments?limit=1")
    emulator.control.inject_fault(method="GET", path="/v2/payments", drop=True, count=1)
    with pytest.raises(requests.ConnectionError):
        key.get("/payments?limit=1")
    before = _accepted(emulator)
    assert key.get("/payments?limit=1").status_code == 200
    assert _accepted(emulator) - before == 1


def test_a_slow_response_keeps_its_connection(emulator, key):
    key.get("/payments?limit=1")
    before = _accepted(emulator)
    emulator.control.inject_fault(method="GET", path="/v2/payments", delay=0.2, count=1)
    assert key.get("/payments?limit=1").status_code == 200
    assert key.get("/payments?limit=1").status_code == 200
    assert _accepted(emulator) - before == 0


def test_stop_ends_idle_kept_alive_connections(emulator_factory):
    emu = emulator_factory()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {emu.api_key}"
    assert session.get(f"{emu.base_url}/payments?limit=1", timeout=5).status_code == 200
    assert emu.control.connections()["open"] >= 1
    emu.stop()
    with pytest.raises(requests.ConnectionError):
        session.get(f"{emu.base_url}/payments?limit=1", timeout=5)
    session.close()
