"""Every response example in Mollie's OpenAPI description parses into its typed model, every field;
and every model refuses a response that lacks a field the spec requires, and only those."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import MOLLIE_SPEC_PATH
from verenigingen.verenigingen_payments.core.errors import ResponseParseError
from verenigingen.verenigingen_payments.core.models import Amount, MollieObject
from verenigingen.verenigingen_payments.core.models.enums import OpenEnum

from .spec_examples import MODEL_BY_PATH, load_spec, required_by_model, response_examples

# Defects in the spec's own examples: the model must refuse them, naming the field.
KNOWN_BAD_EXAMPLES = {
    "GET /v2/settlements list-settlements-200-1[0]": "createdAt",  # April 31st
}

SPEC = load_spec(MOLLIE_SPEC_PATH) if MOLLIE_SPEC_PATH.exists() else {"paths": {}}
CASES = list(response_examples(SPEC))
REQUIRED = required_by_model(SPEC) if SPEC["paths"] else {}
MODELS = sorted({model for model, _ in MODEL_BY_PATH.values()}, key=lambda model: model.__name__)


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


def typed_keys(model: type[MollieObject]) -> list[str]:
    return [getattr(model, name).key for name in model._fields]


def refuses_without(model: type[MollieObject], example: dict, key: str) -> bool:
    """Does the model refuse `example` with `key` left out, naming that key?"""
    try:
        model({k: v for k, v in example.items() if k != key}).validate()
    except ResponseParseError as exc:
        assert exc.field == key, f"{model.__name__} without {key} blamed {exc.field}"
        return True
    return False


@pytest.mark.parametrize("model", MODELS, ids=[model.__name__ for model in MODELS])
def test_a_model_refuses_exactly_the_missing_fields_the_spec_requires(mollie_spec_path, model):
    example = next(data for case, m, data in CASES if m is model and case not in KNOWN_BAD_EXAMPLES)
    required = REQUIRED[model]
    wrong = {key: "spec requires it" if key in required else "spec does not require it"
             for key in typed_keys(model) if refuses_without(model, example, key) != (key in required)}
    assert wrong == {}, f"{model.__name__} treats these fields unlike the spec: {wrong}"
