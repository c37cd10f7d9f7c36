"""Every response example in Mollie's OpenAPI description parses into its typed model, every field."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import MOLLIE_SPEC_PATH
from verenigingen.verenigingen_payments.core.errors import ResponseParseError
from verenigingen.verenigingen_payments.core.models import Amount, MollieObject
from verenigingen.verenigingen_payments.core.models.enums import OpenEnum

from .spec_examples import MODEL_BY_PATH, load_spec, response_examples

# Defects in the spec's own examples: the model must refuse them, naming the field.
KNOWN_BAD_EXAMPLES = {
    "GET /v2/settlements list-settlements-200-1[0]": "createdAt",  # April 31st
}

CASES = list(response_examples(load_spec(MOLLIE_SPEC_PATH))) if MOLLIE_SPEC_PATH.exists() else []


def test_the_spec_has_examples_for_every_modelled_resource(mollie_spec_path):
    models_seen = {model for _, model, _ in CASES}
    assert models_seen == {model for model, _ in MODEL_BY_PATH.values()}
    assert len(CASES) > 40


@pytest.mark.parametrize("case,model,data", CASES, ids=[c[0] for c in CASES])
def test_spec_example_parses_into_model(case, model: type[MollieObject], data):
    if case in KNOWN_BAD_EXAMPLES:
        with pytest.raises(ResponseParseError) as info:
            model(data).validate()
        assert info.value.field == KNOWN_BAD_EXAMPLES[case]
        return
    obj = model(data).validate()
    assert obj.id == data.get("id")
    for name in model._fields:
        value = getattr(obj, name)
        if isinstance(value, datetime):
            assert value.tzinfo is not None, f"{case}: {name} must be timezone-aware"
        if isinstance(value, Amount):
            assert str(value.value) in str(data) or value.value.is_finite()
        if isinstance(value, OpenEnum):
            assert str(value) in str(data)
