"""The effect key: same fetched state → same key; a real change → a new key."""

from __future__ import annotations

import pytest

from verenigingen.verenigingen_payments.core.errors import ResponseParseError
from verenigingen.verenigingen_payments.webhooks.resource_state import ResourceState

PAID = {"resource": "payment", "id": "tr_abc", "status": "paid", "amount": {"value": "10.00", "currency": "EUR"},
        "amountRefunded": {"value": "0.00", "currency": "EUR"}, "description": "Dues 2026"}


def _key(resource, resource_type="payment", expected="tr_abc"):
    return ResourceState.of(resource_type, expected, resource).effect_key


def test_the_same_state_gives_the_same_key_whatever_else_changed():
    assert _key(PAID) == _key(PAID | {"description": "changed text", "_links": {}})


def test_a_new_status_gives_a_new_key():
    assert _key(PAID) != _key(PAID | {"status": "failed"})


def test_a_partial_refund_gives_a_new_key_with_the_same_status():
    refunded = PAID | {"amountRefunded": {"value": "2.50", "currency": "EUR"}}
    assert _key(PAID) != _key(refunded)


def test_a_chargeback_gives_a_new_key():
    charged_back = PAID | {"amountChargedBack": {"value": "10.00", "currency": "EUR"}}
    assert _key(PAID) != _key(charged_back)


def test_equal_amounts_written_differently_give_the_same_key():
    assert _key(PAID) == _key(PAID | {"amountRefunded": {"value": "0.00", "currency": "EUR"}})


def test_a_chargeback_reversal_gives_a_new_key():
    chargeback = {"resource": "chargeback", "id": "chb_x", "amount": {"value": "10.00", "currency": "EUR"},
                  "reversedAt": None}
    reversed_ = chargeback | {"reversedAt": "2026-03-03T10:00:00+00:00"}
    assert _key(chargeback, "chargeback", "chb_x") != _key(reversed_, "chargeback", "chb_x")


def test_a_resource_with_another_id_than_asked_for_is_refused():
    with pytest.raises(ResponseParseError):
        ResourceState.of("payment", "tr_other", PAID)


def test_an_unparseable_amount_is_an_error_naming_the_field():
    with pytest.raises(ResponseParseError) as excinfo:
        ResourceState.of("payment", "tr_abc", PAID | {"amountRefunded": {"value": 2.5, "currency": "EUR"}})
    assert excinfo.value.field == "amountRefunded.value"


def _state(resource):
    return ResourceState.of("payment", "tr_abc", resource)


CHARGED_BACK = PAID | {"amountChargedBack": {"value": "10.00", "currency": "EUR"}}


def test_returning_to_an_earlier_state_is_the_next_transition_not_a_repeat():
    applied = [_state(PAID).transition_after([])]
    applied.append(_state(CHARGED_BACK).transition_after(applied))
    assert not _state(PAID).repeats(applied)
    back = _state(PAID).transition_after(applied)
    assert back not in applied
    assert back.endswith(":3")
    assert _state(PAID).repeats(applied + [back])


def test_the_same_change_computed_twice_gives_one_key():
    applied = [_state(PAID).transition_after([])]
    assert _state(CHARGED_BACK).transition_after(applied) == _state(CHARGED_BACK).transition_after(list(applied))


def test_keys_written_before_transitions_were_numbered_count_by_position():
    legacy = [f"payment:tr_abc:paid:{_state(PAID).digest}", f"payment:tr_abc:paid:{_state(CHARGED_BACK).digest}"]
    assert _state(CHARGED_BACK).repeats(legacy)
    assert _state(PAID).transition_after(legacy).endswith(":3")
