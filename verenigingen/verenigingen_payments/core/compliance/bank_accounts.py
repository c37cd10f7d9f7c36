"""IBAN and BIC validation (schwifty) with normalised storage forms and field-level errors.

Errors name the field and the rule that failed but never echo the account number in clear: an
IBAN is personal data, so messages carry at most its masked form (country + last 4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schwifty import BIC, IBAN
from schwifty import exceptions as schwifty_errors

from ..errors import MollieError
from ..security.redaction import mask_iban_text

_IBAN_REASONS: tuple[tuple[type[Exception], str], ...] = (
    (schwifty_errors.InvalidCountryCode, "has an unknown country code"),
    (schwifty_errors.InvalidLength, "has the wrong length for its country"),
    (schwifty_errors.InvalidChecksumDigits, "fails the IBAN check digits (a typo?)"),
    (schwifty_errors.InvalidBBANChecksum, "fails its national account checksum"),
    (schwifty_errors.InvalidStructure, "does not have its country's IBAN structure"),
    (schwifty_errors.InvalidBankCode, "names an unknown bank"),
)


class BankAccountValidationError(MollieError):
    """An IBAN or BIC was refused; `field` names the form field, the message says why."""


@dataclass(frozen=True)
class ValidatedIBAN:
    compact: str  # the storage form: upper case, no spaces
    country_code: str
    bic: str | None  # derived from the bank code where schwifty's registry knows it

    @property
    def formatted(self) -> str:
        return " ".join(self.compact[i:i + 4] for i in range(0, len(self.compact), 4))

    @property
    def masked(self) -> str:
        return mask_iban(self.compact)


def mask_iban(iban: str) -> str:
    """Display form for an IBAN that is not needed in full: country + last 4 ("NL****4300")."""
    compact = re.sub(r"\s", "", iban or "")
    return mask_iban_text(compact) if len(compact) >= 6 else "****"


def _masked_input(raw: str) -> str:
    compact = re.sub(r"\s", "", raw)
    return mask_iban(compact) if compact else "(empty)"


def validate_iban(value: object, *, field: str = "iban") -> ValidatedIBAN:
    if not isinstance(value, str) or not value.strip():
        raise BankAccountValidationError(f"{field}: an IBAN is required", field=field)
    try:
        iban = IBAN(value.strip())
    except schwifty_errors.SchwiftyException as exc:
        reason = next((text for kind, text in _IBAN_REASONS if isinstance(exc, kind)), "is not a valid IBAN")
        raise BankAccountValidationError(f"{field}: {_masked_input(value)} {reason}", field=field) from None
    bic = iban.bic
    return ValidatedIBAN(compact=iban.compact, country_code=iban.country_code,
                         bic=None if bic is None else str(bic.compact))


def normalise_iban(value: object, *, field: str = "iban") -> str:
    """The storage form of a valid IBAN (upper case, no spaces), or a field-level error."""
    return validate_iban(value, field=field).compact


def validate_bic(value: object, *, field: str = "bic", iban: ValidatedIBAN | None = None) -> str:
    """The storage form of a valid BIC (8 or 11 characters, upper case); with `iban`, the BIC must
    belong to the IBAN's country."""
    if not isinstance(value, str) or not value.strip():
        raise BankAccountValidationError(f"{field}: a BIC is required", field=field)
    try:
        bic = BIC(value.strip())
    except schwifty_errors.SchwiftyException as exc:
        raise BankAccountValidationError(
            f"{field}: {value.strip()[:11]!r} is not a valid BIC ({exc})", field=field) from None
    if iban is not None and bic.country_code != iban.country_code:
        raise BankAccountValidationError(
            f"{field}: BIC country {bic.country_code} does not match the IBAN's {iban.country_code}",
            field=field)
    return str(bic.compact)
