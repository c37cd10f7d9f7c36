"""The contract checker itself refuses what the spec refuses (so a passing contract test means something)."""

from __future__ import annotations

import json

from tests.plugins.mollie_spec import spec_validator


def _payment(key) -> dict:
    return key.get("/payments", params={"limit": 1}).json()["_embedded"]["payments"][0]


def test_valid_payment_passes_and_missing_required_field_fails(key):
    validator = spec_validator()
    payment = _payment(key)
    ok = validator.validate("GET", f"/v2/payments/{payment['id']}", "", 200, json.dumps(payment).encode(), "application/hal+json")
    assert ok == []
    broken = {k: v for k, v in payment.items() if k != "status"}
    errors = validator.validate("GET", f"/v2/payments/{payment['id']}", "", 200, json.dumps(broken).encode(),
                                "application/hal+json")
    assert errors and "status" in errors[0]


def test_error_bodies_and_unknown_paths_are_checked():
    validator = spec_validator()
    bad_error = json.dumps({"status": 401, "detail": "no title"}).encode()
    assert validator.validate("GET", "/v2/payments", "", 401, bad_error, "application/hal+json")
    good_error = json.dumps({"status": 401, "title": "Unauthorized", "detail": "x",
                             "_links": {"documentation": {"href": "https://d", "type": "text/html"}}}).encode()
    assert validator.validate("GET", "/v2/payments", "", 401, good_error, "application/hal+json") == []
    assert validator.validate("GET", "/v2/not-mollie", "", 200, b"{}", "application/hal+json")


def test_unvalidated_emulator_for_benchmarks(emulator_factory):
    emu = emulator_factory(validate=False)
    assert emu.contract is None
