"""A paid `sequenceType: first` payment gives its customer a valid direct-debit mandate (Mollie's
recurring set-up), and the payment names it in `mandateId`; recurring payments can then use it."""

from __future__ import annotations


def _customer(key) -> str:
    resp = key.post("/customers", json={"name": "Nieuw Lid", "email": "nieuw@example.org"})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def _first_payment(key, customer_id: str) -> dict:
    resp = key.post("/payments", json={
        "amount": {"value": "12.50", "currency": "EUR"}, "description": "Eerste contributie", "method": "ideal",
        "sequenceType": "first", "customerId": customer_id, "redirectUrl": "https://example.org/welkom"})
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_a_paid_first_payment_creates_a_valid_directdebit_mandate_named_on_the_payment(emulator, key):
    customer_id = _customer(key)
    payment = _first_payment(key, customer_id)
    assert payment["status"] == "open" and "mandateId" not in payment
    assert key.get(f"/customers/{customer_id}/mandates").json()["count"] == 0

    emulator.control.trigger("payment.paid", payment["id"], consumerName="N. Lid",
                             consumerAccount="NL91ABNA0417164300", consumerBic="ABNANL2A")

    paid = key.get(f"/payments/{payment['id']}").json()
    assert paid["status"] == "paid" and paid["method"] == "ideal" and paid["sequenceType"] == "first"
    assert paid["details"]["consumerAccount"] == "NL91ABNA0417164300"
    mandates = key.get(f"/customers/{customer_id}/mandates").json()["_embedded"]["mandates"]
    assert [m["id"] for m in mandates] == [paid["mandateId"]]
    mandate = key.get(f"/customers/{customer_id}/mandates/{paid['mandateId']}").json()
    assert (mandate["status"], mandate["method"]) == ("valid", "directdebit")
    assert mandate["details"] == {"consumerName": "N. Lid", "consumerAccount": "NL91ABNA0417164300",
                                  "consumerBic": "ABNANL2A"}
    assert paid["_links"]["mandate"]["href"].endswith(f"/customers/{customer_id}/mandates/{mandate['id']}")

    recurring = key.post("/payments", json={
        "amount": {"value": "12.50", "currency": "EUR"}, "description": "Contributie", "sequenceType": "recurring",
        "customerId": customer_id})
    assert recurring.status_code == 201, recurring.text
    assert recurring.json()["mandateId"] == mandate["id"] and recurring.json()["method"] == "directdebit"


def test_without_given_account_the_mandate_takes_the_customers_own_details(emulator, key):
    customer_id = _customer(key)
    payment = _first_payment(key, customer_id)
    emulator.control.trigger("payment.paid", payment["id"])
    paid = key.get(f"/payments/{payment['id']}").json()
    mandate = key.get(f"/customers/{customer_id}/mandates/{paid['mandateId']}").json()
    assert mandate["details"]["consumerName"] == "Nieuw Lid"
    assert mandate["details"]["consumerAccount"] == paid["details"]["consumerAccount"]


def test_an_unpaid_first_payment_creates_no_mandate(emulator, key):
    customer_id = _customer(key)
    payment = _first_payment(key, customer_id)
    emulator.control.trigger("payment.expired", payment["id"])
    assert "mandateId" not in key.get(f"/payments/{payment['id']}").json()
    assert key.get(f"/customers/{customer_id}/mandates").json()["count"] == 0


def test_a_first_payment_needs_a_customer_and_a_method_other_than_direct_debit(key):
    base = {"amount": {"value": "1.00", "currency": "EUR"}, "description": "x", "sequenceType": "first",
            "redirectUrl": "https://example.org/"}
    resp = key.post("/payments", json=base)
    assert (resp.status_code, resp.json()["field"]) == (422, "customerId")
    resp = key.post("/payments", json={**base, "customerId": _customer(key), "method": "directdebit"})
    assert (resp.status_code, resp.json()["field"]) == (422, "method")
