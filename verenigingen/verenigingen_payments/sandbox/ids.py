"""Mollie-shaped identifiers that encode a row number, so a store of compact arrays needs no id index.

`tr_` + 10 base-62 characters: the row number is scrambled with an odd multiplier modulo 62**10
(a bijection), so ids look random, are stable for a seed, and decode back to the row in O(1).
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
WIDTH = 10
MODULUS = 62**WIDTH
_MULT = 0x9E3779B97F4A7C15 % MODULUS | 1
_INV = pow(_MULT, -1, MODULUS)
_PAIRS = [a + b for a in ALPHABET for b in ALPHABET]  # 62**2 two-character digits: 5 divmods per id
_PAIR = 62 * 62


class IdCodec:
    """Encodes row numbers of one resource type as ids with its prefix (`tr_`, `cst_` …)."""

    def __init__(self, prefix: str, salt: int) -> None:
        self.prefix = prefix
        self._salt = int.from_bytes(hashlib.sha256(f"{prefix}{salt}".encode()).digest()[:8], "big") % MODULUS
        self._plen = len(prefix)

    def encode(self, index: int) -> str:
        n = (index * _MULT + self._salt) % MODULUS
        n, a = divmod(n, _PAIR)
        n, b = divmod(n, _PAIR)
        n, c = divmod(n, _PAIR)
        e, d = divmod(n, _PAIR)
        return self.prefix + _PAIRS[e] + _PAIRS[d] + _PAIRS[c] + _PAIRS[b] + _PAIRS[a]

    def decode(self, ident: object) -> int | None:
        """The row number of `ident`, or None when it is not an id of this type."""
        if not isinstance(ident, str) or not ident.startswith(self.prefix) or len(ident) != self._plen + WIDTH:
            return None
        n = 0
        for c in ident[self._plen:]:
            v = _INDEX.get(c)
            if v is None:
                return None
            n = n * 62 + v
        return ((n - self._salt) * _INV) % MODULUS


def random_token(prefix: str, rng=None, length: int = 32) -> str:
    """An API key or token such as `test_` + 32 alphanumerics."""
    if rng is None:
        return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))
    return prefix + "".join(rng.choice(ALPHABET) for _ in range(length))
