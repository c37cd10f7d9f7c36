"""IBAN/BIC validation: normalised storage form, field-level errors that never echo the IBAN."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verenigingen.verenigingen_payments.core.compliance.bank_accounts import (
    BankAccountValidationError,
    mask_iban,
    normalise_iban,
    validate_bic,
    validate_iban,
)


def test_a_valid_iban_is_normalised_formatted_masked_and_its_bank_known():
    iban = validate_iban("  nl91 abna 0417 1643 00 ", field="consumer_account")
    assert iban.compact == "NL91ABNA0417164300"
    assert iban.formatted == "NL91 ABNA 0417 1643 00"
    assert iban.masked == "NL****4300"
    assert (iban.country_code, iban.bic) == ("NL", "ABNANL2A")


@pytest.mark.parametrize("value, reason", [
    ("NL91ABNA0417164301", "check digits"),
    ("NL91ABNA041716430", "wrong length"),
    ("XX91ABNA0417164300", "unknown country"),
    ("NL91ABNA04171643!0", "structure"),
    ("", "required"),
    (None, "required"),
])
def test_invalid_ibans_get_a_field_level_error_without_the_number(value, reason):
    with pytest.raises(BankAccountValidationError, match=reason) as caught:
        validate_iban(value, field="settlement_iban")
    assert caught.value.field == "settlement_iban"
    assert str(caught.value).startswith("settlement_iban: ")
    assert "ABNA0417" not in str(caught.value)


def test_bic_is_normalised_and_checked_against_the_ibans_country():
    iban = validate_iban("NL91ABNA0417164300")
    assert validate_bic(" abnanl2a ", iban=iban) == "ABNANL2A"
    with pytest.raises(BankAccountValidationError, match="does not match"):
        validate_bic("DEUTDEFF", iban=iban, field="bic")
    with pytest.raises(BankAccountValidationError, match="bic: 'ABN' is not a valid BIC"):
        validate_bic("ABN")


def test_masking_short_or_empty_values_hides_everything():
    assert mask_iban("") == "****" and mask_iban("NL91") == "****"


@given(st.text(max_size=40))
def test_arbitrary_input_either_normalises_idempotently_or_is_a_clean_error(value):
    try:
        compact = normalise_iban(value)
    except BankAccountValidationError as exc:
        assert exc.field == "iban"
        return
    assert normalise_iban(compact) == compact and compact == compact.upper() and " " not in compact


@given(st.sampled_from(["NL91ABNA0417164300", "DE89370400440532013000", "BE68539007547034",
                        "GB82WEST12345698765432", "FR1420041010050500013M02606"]),
       st.lists(st.sampled_from([" ", ""]), min_size=40, max_size=40))
def test_spacing_and_case_never_change_the_storage_form(iban, spaces):
    messy = "".join(c + s for c, s in zip(iban.lower(), spaces))
    assert normalise_iban(messy) == iban
