"""Every endpoint the project uses, success and error cases, answered spec-valid.

The `emulator` fixture validates each response against Mollie's OpenAPI description, so these
tests fail on any violation even where they only assert the status code.
"""

from __future__ import annotations

import pytest


def test_organization_profiles_and_balances(org):
    me = org.get("/organizations/me").json()
    assert me["resource"] == "organization"
    assert org.get(f"/organizations/{me['id']}").status_code == 200
    assert org.get("/organizations/org_doesnotexist").status_code == 404
    profiles = org.all_pages("/profiles", "profiles")
    assert org.get(f"/profiles/{profiles[0]['id']}").status_code == 200
    balances = org.all_pages("/balances", "balances")
    assert [b["currency"] for b in balances] == ["EUR"]
    primary = org.get("/balances/primary").json()
    assert org.get(f"/balances/{primary['id']}").json()["availableAmount"] == primary["availableAmount"]
    assert org.get("/balances/bal_nonexistent00").status_code == 404


def test_balance_transactions_all_pages_and_reports(org):
    bal = org.get("/balances/primary").json()["id"]
    txs = org.all_pages(f"/balances/{bal}/transactions", "balance_transactions")
    assert len(txs) > 250  # more than one page
    assert len({t["id"] for t in txs}) == len(txs)
    for grouping in ("transaction-categories", "status-balances"):
        resp = org.get(f"/balances/{bal}/report", params={"from": "2025-01-01", "until": "2025-02-01", "grouping": grouping})
        assert resp.status_code == 200, resp.text
        assert resp.json()["grouping"] == grouping
    bad = org.get(f"/balances/{bal}/report", params={"from": "2025-02-01", "until": "2025-01-01"})
    assert bad.status_code == 400 and bad.json()["field"] == "until"
    assert org.get(f"/balances/{bal}/report", params={"from": "01-01-2025", "until": "2025-02-01"}).json()["field"] == "from"


def test_settlements_and_their_lines(org):
    settlements = org.all_pages("/settlements", "settlements", limit=2)
    assert {s["status"] for s in settlements} <= {"paidout", "pending"}
    for path in ("/settlements/open", "/settlements/next"):
        assert org.get(path).status_code == 200
    s = settlements[-1]
    assert org.get(f"/settlements/{s['id']}").json()["amount"] == s["amount"]
    payments = org.all_pages(f"/settlements/{s['id']}/payments", "payments")
    assert payments and all(p["status"] == "paid" for p in payments)
    for sub in ("refunds", "chargebacks", "captures"):
        org.all_pages(f"/settlements/{s['id']}/{sub}", sub)
    assert org.get("/settlements/stl_nonexistent0").status_code == 404


def test_current_profile_with_api_key(key):
    profile = key.get("/profiles/me").json()
    assert profile["resource"] == "profile" and profile["id"].startswith("pfl_")


def test_invoices(org):
    invoices = org.all_pages("/invoices", "invoices")
    assert invoices
    assert org.get(f"/invoices/{invoices[0]['id']}").json()["reference"] == invoices[0]["reference"]
    assert org.get("/invoices", params={"year": "2025"}).json()["count"] == len(invoices)
    assert org.get("/invoices/inv_nonexistent0").status_code == 404


def test_payments_list_all_pages_get_create_cancel(key):
    payments = key.all_pages("/payments", "payments")
    assert len(payments) > 500
    assert payments == sorted(payments, key=lambda p: p["createdAt"], reverse=True)
    assert key.get(f"/payments/{payments[0]['id']}").json()["id"] == payments[0]["id"]
    created = key.post("/payments", {"amount": {"value": "25.00", "currency": "EUR"}, "description": "Lidmaatschap",
                                     "redirectUrl": "https://example.org/done", "method": "ideal"})
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    assert created.json()["status"] == "open"
    canceled = key.delete(f"/payments/{pid}")
    assert canceled.status_code == 200 and canceled.json()["status"] == "canceled"
    again = key.delete(f"/payments/{pid}")
    assert again.status_code == 422
    assert key.get("/payments/tr_doesnotexist").status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"description": "x", "redirectUrl": "https://e.org"}, "amount"),
    ({"amount": {"value": "12,5O", "currency": "EUR"}, "description": "x", "redirectUrl": "https://e.org"}, "amount.value"),
    ({"amount": {"value": "10", "currency": "EUR"}, "description": "x", "redirectUrl": "https://e.org"}, "amount.value"),
    ({"amount": {"value": "10.00", "currency": "XXX"}, "description": "x", "redirectUrl": "https://e.org"}, "amount.currency"),
    ({"amount": {"value": "10.00", "currency": "EUR"}, "redirectUrl": "https://e.org"}, "description"),
    ({"amount": {"value": "10.00", "currency": "EUR"}, "description": "x"}, "redirectUrl"),
    ({"amount": {"value": "10.00", "currency": "EUR"}, "description": "x", "redirectUrl": "nope"}, "redirectUrl"),
    ({"amount": {"value": "10.00", "currency": "EUR"}, "description": "x", "redirectUrl": "https://e.org",
      "method": "bitcoin"}, "method"),
    ({"amount": {"value": "10.00", "currency": "EUR"}, "description": "x", "sequenceType": "recurring"}, "customerId"),
])
def test_bad_payment_input_gets_422_with_field(key, body, field):
    resp = key.post("/payments", body)
    assert resp.status_code == 422, resp.text
    error = resp.json()
    assert error["field"] == field
    assert error["_links"]["documentation"]["href"].startswith("https://")


def test_unparseable_body_is_a_clear_error_not_a_crash(key):
    resp = key.post("/payments", data=b"{not json", headers={"Content-Type": "application/json"})
    assert resp.status_code == 400
    assert resp.json()["detail"]


def test_zero_decimal_currency_amounts(key):
    ok = key.post("/payments", {"amount": {"value": "1000", "currency": "JPY"}, "description": "yen",
                                "redirectUrl": "https://e.org"})
    assert ok.status_code == 201 and ok.json()["amount"] == {"value": "1000", "currency": "JPY"}
    bad = key.post("/payments", {"amount": {"value": "1000.00", "currency": "JPY"}, "description": "yen",
                                 "redirectUrl": "https://e.org"})
    assert bad.status_code == 422 and bad.json()["field"] == "amount.value"


def test_refunds_and_chargebacks(key, emulator):
    refunds = key.all_pages("/refunds", "refunds")
    chargebacks = key.all_pages("/chargebacks", "chargebacks")
    assert refunds and chargebacks
    paid = next(p for p in key.all_pages("/payments", "payments")
                if p["status"] == "paid" and p["amountRefunded"]["value"] == "0.00" and "amountChargedBack" not in p)
    created = key.post(f"/payments/{paid['id']}/refunds", {"amount": {"value": "1.00", "currency": "EUR"},
                                                          "description": "Teveel betaald"})
    assert created.status_code == 201, created.text
    listed = key.all_pages(f"/payments/{paid['id']}/refunds", "refunds")
    assert [r["id"] for r in listed] == [created.json()["id"]]
    assert key.get(f"/payments/{paid['id']}/refunds/{created.json()['id']}").status_code == 200
    too_much = key.post(f"/payments/{paid['id']}/refunds", {"amount": {"value": "9999.00", "currency": "EUR"}})
    assert too_much.status_code == 422 and too_much.json()["field"] == "amount.value"
    cb = chargebacks[0]
    per_payment = key.all_pages(f"/payments/{cb['paymentId']}/chargebacks", "chargebacks")
    assert cb["id"] in {c["id"] for c in per_payment}
    assert key.get(f"/payments/{cb['paymentId']}/chargebacks/{cb['id']}").json()["reason"]["code"] in {
        "AC04", "AM04", "MD06", "MS02", "MD01"}
    assert key.get(f"/payments/{cb['paymentId']}/chargebacks/chb_nonexistent").status_code == 404


def test_customers_mandates_subscriptions(key):
    customers = key.all_pages("/customers", "customers")
    assert len(customers) >= 300
    subs = key.all_pages("/subscriptions", "subscriptions")
    assert {"active", "canceled", "suspended"} <= {s["status"] for s in subs}
    new = key.post("/customers", {"name": "Jet Hendriks", "email": "jet@example.org", "locale": "nl_NL"})
    assert new.status_code == 201
    cid = new.json()["id"]
    assert key.get(f"/customers/{cid}").json()["email"] == "jet@example.org"
    assert key.post("/customers", {"email": "not-an-email"}).json()["field"] == "email"
    no_mandate = key.post(f"/customers/{cid}/subscriptions", {"amount": {"value": "10.00", "currency": "EUR"},
                                                              "interval": "1 month", "description": "Contributie"})
    assert no_mandate.status_code == 422 and no_mandate.json()["field"] == "customerId"
    mandate = key.post(f"/customers/{cid}/mandates", {"method": "directdebit", "consumerName": "Jet Hendriks",
                                                      "consumerAccount": "NL55INGB0000000000"})
    assert mandate.status_code == 201, mandate.text
    assert key.post(f"/customers/{cid}/mandates", {"method": "directdebit", "consumerName": "J",
                                                   "consumerAccount": "123"}).json()["field"] == "consumerAccount"
    assert key.all_pages(f"/customers/{cid}/mandates", "mandates")[0]["status"] == "valid"
    assert key.get(f"/customers/{cid}/mandates/{mandate.json()['id']}").status_code == 200
    bad_interval = key.post(f"/customers/{cid}/subscriptions", {"amount": {"value": "10.00", "currency": "EUR"},
                                                                "interval": "monthly", "description": "C"})
    assert bad_interval.json()["field"] == "interval"
    sub = key.post(f"/customers/{cid}/subscriptions", {
        "amount": {"value": "10.00", "currency": "EUR"}, "interval": "1 month", "description": "Contributie 2025",
        "startDate": "2025-04-01", "webhookUrl": "https://example.org/hook"})
    assert sub.status_code == 201, sub.text
    sid = sub.json()["id"]
    assert sub.json()["startDate"] == "2025-04-01"
    updated = key.patch(f"/customers/{cid}/subscriptions/{sid}", {"amount": {"value": "12.50", "currency": "EUR"}})
    assert updated.json()["amount"]["value"] == "12.50"
    assert [s["id"] for s in key.all_pages(f"/customers/{cid}/subscriptions", "subscriptions")] == [sid]
    assert key.get(f"/customers/{cid}/subscriptions/{sid}").status_code == 200
    key.all_pages(f"/customers/{cid}/subscriptions/{sid}/payments", "payments")
    canceled = key.delete(f"/customers/{cid}/subscriptions/{sid}")
    assert canceled.json()["status"] == "canceled"
    assert key.delete(f"/customers/{cid}/subscriptions/{sid}").status_code == 422
    assert key.delete(f"/customers/{cid}/mandates/{mandate.json()['id']}").status_code == 204
    existing = customers[-1]["id"]
    assert key.all_pages(f"/customers/{existing}/payments", "payments") is not None
    assert key.get("/customers/cst_nonexistent").status_code == 404


def test_webhook_subscriptions_api(org):
    created = org.post("/webhooks", {"name": "finance", "url": "http://127.0.0.1:9/hook",
                                     "eventTypes": ["payment.paid", "refund.refunded"]})
    assert created.status_code == 201, created.text
    hook = created.json()
    assert len(hook["webhookSecret"]) >= 32
    assert org.get(f"/webhooks/{hook['id']}").json()["eventTypes"] == ["payment.paid", "refund.refunded"]
    assert org.patch(f"/webhooks/{hook['id']}", {"name": "renamed"}).json()["name"] == "renamed"
    assert [h["id"] for h in org.all_pages("/webhooks", "webhooks")] == [hook["id"]]
    assert org.post("/webhooks", {"name": "x", "url": "http://127.0.0.1:9/", "eventTypes": ["nope"]}).json()["field"] == "eventTypes"
    assert org.delete(f"/webhooks/{hook['id']}").status_code == 204
    assert org.get(f"/webhooks/{hook['id']}").status_code == 404


def test_pagination_parameters(key):
    page = key.get("/payments", params={"limit": 10}).json()
    assert page["count"] == 10 and page["_links"]["previous"] is None
    second = key.get(page["_links"]["next"]["href"]).json()
    back = key.get(second["_links"]["previous"]["href"]).json()
    assert [p["id"] for p in back["_embedded"]["payments"]] == [p["id"] for p in page["_embedded"]["payments"]]
    assert key.get("/payments").json()["count"] == 50
    for bad in ("0", "251", "ten"):
        resp = key.get("/payments", params={"limit": bad})
        assert resp.status_code == 400 and resp.json()["field"] == "limit"
    assert key.get("/payments", params={"from": "tr_nonexistent"}).json()["field"] == "from"


def test_the_emulator_refuses_an_iban_or_interval_with_a_trailing_newline(key):
    cid = key.post("/customers", {"name": "Jet Hendriks", "email": "jet@example.org"}).json()["id"]
    mandate = key.post(f"/customers/{cid}/mandates", {"method": "directdebit", "consumerName": "Jet Hendriks",
                                                      "consumerAccount": "NL55INGB0000000000\n"})
    assert (mandate.status_code, mandate.json()["field"]) == (422, "consumerAccount")
    key.post(f"/customers/{cid}/mandates", {"method": "directdebit", "consumerName": "Jet Hendriks",
                                            "consumerAccount": "NL55INGB0000000000"})
    sub = key.post(f"/customers/{cid}/subscriptions", {"amount": {"value": "10.00", "currency": "EUR"},
                                                       "interval": "1 month\n", "description": "C"})
    assert (sub.status_code, sub.json()["field"]) == (422, "interval")
