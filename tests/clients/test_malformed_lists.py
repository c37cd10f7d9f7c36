"""List responses Mollie must never send, served over HTTP by a loopback server: a `_links.next` that
leads back to a page already read, and a non-empty page whose items are missing. Both are refused
with ResponseParseError instead of looping forever or silently yielding nothing."""

from __future__ import annotations

from itertools import islice

import pytest

from verenigingen.verenigingen_payments.clients import PaymentsClient
from verenigingen.verenigingen_payments.core.errors import ResponseParseError

from .canned_api import CannedApi

FIRST = "/v2/payments?limit=250"


def payment(ident: str) -> dict:
    return {"resource": "payment", "id": ident, "mode": "test", "status": "paid", "description": "Dues",
            "amount": {"value": "10.00", "currency": "EUR"}, "createdAt": "2025-01-01T10:00:00+00:00",
            "profileId": "pfl_1", "sequenceType": "oneoff", "_links": {}}


def page(ident: str, next_query: str | None):
    def body(base: str) -> dict:
        nxt = {"href": f"{base}/payments?{next_query}", "type": "application/hal+json"} if next_query else None
        return {"count": 1, "_embedded": {"payments": [payment(ident)]},
                "_links": {"self": {"href": base, "type": "application/hal+json"}, "next": nxt, "previous": None}}

    return body


@pytest.fixture
def canned():
    api = CannedApi()
    yield api
    api.close()


@pytest.fixture
def client(canned, redis_url, redis_prefix) -> PaymentsClient:
    return PaymentsClient(canned.config(redis_url, redis_prefix))


@pytest.mark.parametrize("loop_to", ["from=tr_2&limit=250", "from=tr_3&limit=250"])
def test_a_next_link_back_to_a_page_already_read_is_refused_naming_the_url(canned, client, loop_to):
    canned.serve(FIRST, page("tr_1", "from=tr_2&limit=250"))
    canned.serve("/v2/payments?from=tr_2&limit=250", page("tr_2", "from=tr_3&limit=250"))
    canned.serve("/v2/payments?from=tr_3&limit=250", page("tr_3", loop_to))
    read: list[str] = []
    with pytest.raises(ResponseParseError) as info:
        read.extend(p.id for p in islice(client.iter_payments(), 50))
    assert read == ["tr_1", "tr_2", "tr_3"]
    assert f"{canned.base_url}/payments?{loop_to}" in str(info.value)
    assert info.value.field == "_links.next"
    assert len(canned.requested) == 3  # every page read once, the repeated one not fetched again


def test_a_listing_that_only_moves_forward_is_read_to_the_end(canned, client):
    canned.serve(FIRST, page("tr_1", "from=tr_2&limit=250"))
    canned.serve("/v2/payments?from=tr_2&limit=250", page("tr_2", None))
    assert [p.id for p in client.iter_payments()] == ["tr_1", "tr_2"]


@pytest.mark.parametrize(
    "embedded, missing",
    [(None, "_embedded"), ({}, "_embedded.payments"), ({"refunds": []}, "_embedded.payments")],
    ids=["no-_embedded", "empty-_embedded", "other-key"],
)
def test_a_non_empty_page_without_its_items_is_refused(canned, client, embedded, missing):
    def body(base: str) -> dict:
        out = {"count": 2, "_links": {"self": {"href": base, "type": "application/hal+json"}, "next": None}}
        if embedded is not None:
            out["_embedded"] = embedded
        return out

    canned.serve(FIRST, body)
    with pytest.raises(ResponseParseError) as info:
        client.list_payments()
    assert info.value.field == missing
    with pytest.raises(ResponseParseError):
        list(client.iter_payments())


def test_an_empty_page_may_leave_out_its_items(canned, client):
    canned.serve(FIRST, lambda base: {"count": 0, "_links": {"next": None}})
    assert client.list_payments() == []
