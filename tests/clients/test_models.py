"""Typed models: exact money, aware timestamps in both of Mollie's forms, open enums, named parse errors."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from verenigingen.verenigingen_payments.core.errors import ResponseParseError
from verenigingen.verenigingen_payments.core.models import (
    Amount,
    Balance,
    BalanceTransaction,
    Invoice,
    Payment,
    PaymentStatus,
    Settlement,
)

PAYMENT = {
    "resource": "payment",
    "id": "tr_1",
    "mode": "test",
    "status": "paid",
    "amount": {"value": "12.50", "currency": "EUR"},
    "description": "Dues 2026",
    "createdAt": "2026-01-05T09:00:00+00:00",
    "paidAt": None,
}


def payment(**changes):
    return Payment({**PAYMENT, **changes})


def test_unparseable_amount_raises_naming_the_field_never_zero():
    with pytest.raises(ResponseParseError) as info:
        _ = payment(amount={"value": "12,5O", "currency": "EUR"}).amount
    assert info.value.field == "amount.value"
    assert "12,5O" in str(info.value)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ({"value": "-3.25", "currency": "EUR"}, Amount(Decimal("-3.25"), "EUR")),
        ({"value": "1000", "currency": "JPY"}, Amount(Decimal(1000), "JPY")),
        ({"value": "0.00", "currency": "EUR"}, Amount(Decimal("0.00"), "EUR")),
    ],
)
def test_amounts_are_exact_decimals_including_negative_and_zero_decimal_currencies(raw, expected):
    value = BalanceTransaction({"type": "refund", "resultAmount": raw}).result_amount
    assert value == expected and isinstance(value.value, Decimal)
    assert value.to_mollie() == raw


def test_float_amount_is_refused():
    with pytest.raises(ResponseParseError) as info:
        _ = payment(amount={"value": 12.5, "currency": "EUR"}).amount
    assert info.value.field == "amount.value"


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("2024-02-12T11:58:35+00:00", datetime(2024, 2, 12, 11, 58, 35, tzinfo=timezone.utc)),
        ("2018-03-16T17:08:53.0Z", datetime(2018, 3, 16, 17, 8, 53, tzinfo=timezone.utc)),
        ("2026-07-01T02:00:00+02:00", datetime(2026, 7, 1, 0, 0, 0, tzinfo=timezone.utc)),
        (
            "2026-07-01T02:00:00.123456789-01:30",
            datetime(2026, 7, 1, 2, 0, 0, 123456, tzinfo=timezone(-timedelta(hours=1, minutes=30))),
        ),
    ],
)
def test_both_timestamp_forms_parse_timezone_aware(raw, expected):
    parsed = payment(createdAt=raw).created_at
    assert parsed == expected and parsed.utcoffset() is not None


@pytest.mark.parametrize("raw", ["2024-02-12T11:58:35", "2024-02-30T10:00:00Z", "12/02/2024", 1707739115])
def test_naive_impossible_or_foreign_timestamps_are_parse_errors(raw):
    with pytest.raises(ResponseParseError) as info:
        _ = payment(createdAt=raw).created_at
    assert info.value.field == "createdAt"


def test_unknown_status_is_kept_readable_not_a_crash():
    status = payment(status="on-hold").status
    assert isinstance(status, PaymentStatus)
    assert status == "on-hold" and str(status) == "on-hold" and not status.is_known
    assert payment().status is PaymentStatus.PAID and PaymentStatus.PAID.is_known


def test_nullable_field_may_be_null_but_a_non_nullable_one_may_not():
    assert payment(paidAt=None).paid_at is None
    with pytest.raises(ResponseParseError) as info:
        _ = payment(amount=None).amount
    assert info.value.field == "amount"


def test_missing_required_field_is_a_parse_error():
    with pytest.raises(ResponseParseError) as info:
        Settlement({"resource": "settlement", "id": "stl_1", "status": "open", "balanceId": "bal_1"}).validate()
    assert info.value.field == "amount"


def test_validate_reports_the_first_bad_field_and_get_returns_typed_values():
    balance = Balance(
        {
            "resource": "balance",
            "id": "bal_1",
            "mode": "live",
            "currency": "EUR",
            "description": "Main",
            "status": "active",
            "availableAmount": {"value": "905.25", "currency": "EUR"},
            "pendingAmount": {"value": "-10.00", "currency": "EUR"},
            "createdAt": "2024-01-01T00:00:00+00:00",
        }
    ).validate()
    assert balance.pending_amount == Amount.of("-10.00", "EUR")
    invoice = Invoice(
        {
            "resource": "invoice",
            "id": "inv_1",
            "reference": "2024.1",
            "vatNumber": None,
            "status": "paid",
            "netAmount": {"value": "1.00", "currency": "EUR"},
            "vatAmount": {"value": "0.21", "currency": "EUR"},
            "grossAmount": {"value": "1.21", "currency": "EUR"},
            "lines": [],
            "issuedAt": "2024-02-01",
            "paidAt": "2024-02-02T10:00:00+00:00",
        }
    )
    assert invoice.issued_at == date(2024, 2, 1)
    with pytest.raises(ResponseParseError) as info:
        invoice.validate()
    assert info.value.field == "paidAt"


def test_models_are_read_only_and_keep_the_raw_json():
    p = payment()
    with pytest.raises(AttributeError):
        p.amount = Amount.of("1.00", "EUR")
    assert p.raw["description"] == "Dues 2026"
