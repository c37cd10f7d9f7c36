"""Mollie's auth rules and cursor pagination, including stability while items are inserted."""

from __future__ import annotations

import requests


def test_missing_and_wrong_credentials_get_401(emulator):
    for headers in ({}, {"Authorization": "Bearer test_wrongwrongwrongwrongwrongwrong"}, {"Authorization": "Basic x"}):
        resp = requests.get(emulator.base_url + "/payments", headers=headers, timeout=10)
        assert resp.status_code == 401
        body = resp.json()
        assert body["status"] == 401 and body["title"] == "Unauthorized" and body["detail"]
        assert body["_links"]["documentation"]["href"]


def test_api_key_cannot_read_organization_resources(key):
    for path in ("/balances", "/settlements", "/invoices", "/organizations/me", "/balances/primary"):
        resp = key.get(path)
        assert resp.status_code == 403, path
        assert "organization access token" in resp.json()["detail"]


def test_organization_token_reads_everything(org):
    for path in ("/balances", "/settlements", "/payments", "/customers", "/chargebacks", "/subscriptions"):
        assert org.get(path).status_code == 200, path


def test_testmode_must_be_boolean(org):
    assert org.get("/payments", params={"testmode": "true"}).status_code == 200
    resp = org.get("/payments", params={"testmode": "maybe"})
    assert resp.status_code == 400 and resp.json()["field"] == "testmode"


def test_unknown_path_and_method_get_mollie_errors(key):
    assert key.get("/nothing-here").json()["status"] == 404
    assert key.patch("/refunds").status_code == 405


def test_cursor_is_stable_while_payments_are_created(key):
    first = key.get("/payments", params={"limit": 10}).json()
    seen = [p["id"] for p in first["_embedded"]["payments"]]
    for i in range(5):
        assert key.post("/payments", {"amount": {"value": "5.00", "currency": "EUR"}, "description": f"new {i}",
                                      "redirectUrl": "https://example.org"}).status_code == 201
    second = key.get(first["_links"]["next"]["href"]).json()
    ids = [p["id"] for p in second["_embedded"]["payments"]]
    everything = [p["id"] for p in key.all_pages("/payments", "payments")]
    assert everything[5:25] == seen + ids  # exactly where page one stopped: no skip, no repeat
    fresh = key.get("/payments", params={"limit": 5}).json()["_embedded"]["payments"]
    assert [p["description"] for p in fresh] == [f"new {i}" for i in reversed(range(5))]


def test_ascending_sort_pages_oldest_first(key):
    pages = key.get("/payments", params={"limit": 3, "sort": "asc"}).json()
    created = [p["createdAt"] for p in pages["_embedded"]["payments"]]
    assert created == sorted(created)
    nxt = key.get(pages["_links"]["next"]["href"]).json()["_embedded"]["payments"]
    assert nxt[0]["createdAt"] >= created[-1]
