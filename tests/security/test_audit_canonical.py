"""Property tests of audit canonicalisation: deterministic, order-independent, round-trippable,
redacted, and a clear error (never a crash) for what JSON cannot hold."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from verenigingen.verenigingen_payments.core.security.audit_canonical import canonical_details
from verenigingen.verenigingen_payments.core.security.errors import AuditChainError

_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.decimals() | st.text(max_size=20)
_details = st.dictionaries(st.text(max_size=10), st.recursive(
    _scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
    max_leaves=12), max_size=5)


@given(_details)
def test_canonical_details_are_a_fixed_point_or_a_clear_error(details):
    try:
        text = canonical_details(details)
    except AuditChainError as exc:
        assert exc.field and exc.field.startswith("details")
        return
    assert canonical_details(json.loads(text)) == text
    assert canonical_details(dict(reversed(list(details.items())))) == text


@given(st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=5))
def test_canonical_details_never_carry_a_mollie_key(details):
    details = {**details, "note": "key live_CanaryKey0123456789abcdef"}
    assert "live_CanaryKey0123456789abcdef" not in canonical_details(details)
