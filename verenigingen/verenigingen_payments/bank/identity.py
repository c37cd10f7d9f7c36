"""A statement line's identity on its account: the bank's own entry reference when it gives one
(CAMT `AcctSvcrRef`, else `NtryRef`; MT940 the `:61:` bank reference after `//`), else a fallback.

The fallback is a hash of what the line says (booking and value date, signed amount, currency,
counterparty account, end-to-end id, remittance) plus its occurrence among identical lines of the
same statement, so re-importing a file, or a statement overlapping it that repeats the line,
yields the same identity, and two identical lines in one statement stay two.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from decimal import Decimal

FALLBACK = "fallback"


class FallbackIdentities:
    """Hands out fallback identities for one statement, counting identical lines."""

    def __init__(self, iban: str) -> None:
        self._iban = iban
        self._seen: Counter[str] = Counter()

    def next(self, booking: date, value: date, amount: Decimal, currency: str, counterparty: str,
             end_to_end: str, remittance: str) -> str:
        key = "|".join((self._iban, booking.isoformat(), value.isoformat(), f"{amount:f}", currency,
                        counterparty, end_to_end, " ".join(remittance.split())))
        self._seen[key] += 1
        digest = hashlib.sha256(f"{key}|{self._seen[key]}".encode()).hexdigest()[:32]
        return f"h:{digest}"
