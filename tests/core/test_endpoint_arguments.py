"""The whitelisted endpoints' declared arguments (core/endpoint_arguments.py): every endpoint of the app
is declared with exactly its parameters and wired through `checked_arguments`; any call — over-long
text, control characters, lone surrogates, wrong types, deep JSON texts and structures, unknown
names — is refused with InvalidInput naming the argument, or accepted as given; an accepted call
holds only values a database can store and survives the JSON transport unchanged."""

from __future__ import annotations

import ast
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import verenigingen
from tests.plugins.fuzz_budget import FUZZ, FUZZ_EXAMPLES
from tests.plugins.fuzz_tally import tally
from verenigingen.verenigingen_payments.core.endpoint_arguments import (
    ENDPOINTS,
    Day,
    Filters,
    OneOf,
    Text,
    WholeNumber,
    check_arguments,
)
from verenigingen.verenigingen_payments.core.errors import InvalidInput
from verenigingen.verenigingen_payments.core.input_limits import MAX_JSON_DEPTH, RECORD_NAME
from verenigingen.verenigingen_payments.sandbox.hostile_arguments import nested_list, refused_calls

APP_DIR = Path(verenigingen.__file__).resolve().parent
DOOR = "whitelisted endpoints (declared check)"


def _whitelisted_functions() -> dict[str, tuple[list[str], list[str]]]:
    """dotted path → (parameter names, decorator names) of every `@frappe.whitelist` function of the app."""
    found = {}
    for path in APP_DIR.rglob("*.py"):
        if path.name.startswith("test_"):
            continue
        module = ".".join(path.relative_to(APP_DIR.parent).with_suffix("").parts)
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            decorators = [ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list]
            if "frappe.whitelist" in decorators:
                found[f"{module}.{node.name}"] = ([a.arg for a in node.args.args + node.args.kwonlyargs], decorators)
    return found


def test_every_whitelisted_function_is_declared_with_its_parameters_and_checked_first():
    functions = _whitelisted_functions()
    assert set(functions) == set(ENDPOINTS)
    for path, (parameters, decorators) in functions.items():
        assert parameters == list(ENDPOINTS[path]), path
        if parameters:
            assert decorators[decorators.index("frappe.whitelist") + 1] == "checked_arguments", path


# -- any call ---------------------------------------------------------------------------------------

any_character = st.one_of(st.characters(), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF))
any_text = st.text(any_character, max_size=200)
hostile_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), any_text,
    st.builds(lambda text, n: text * n, st.text(any_character, min_size=1, max_size=3), st.integers(40, 70_000)),
    st.integers(1, 5000).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 5000).map(nested_list),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(any_character, max_size=20),
                 lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
                 max_leaves=12),
)


def _valid(argument) -> st.SearchStrategy:
    kind = argument.kind
    if isinstance(kind, Text):
        return st.from_regex(kind.shape, fullmatch=True)
    if isinstance(kind, OneOf):
        return st.sampled_from(kind.choices)
    if isinstance(kind, WholeNumber):
        return st.integers(kind.low, kind.high) | st.integers(kind.low, kind.high).map(str)
    if isinstance(kind, Day):
        return st.dates().map(str)
    assert isinstance(kind, Filters)
    return st.just("[]") | st.just([["Mollie Payment", "status", "=", "paid"]])


@st.composite
def calls(draw):
    endpoint = draw(st.sampled_from(sorted(e for e in ENDPOINTS if ENDPOINTS[e])))
    kwargs = {}
    for name, argument in ENDPOINTS[endpoint].items():
        choice = draw(st.sampled_from(("valid", "hostile", "valid with junk", "absent")))
        if choice == "valid":
            kwargs[name] = draw(_valid(argument))
        elif choice == "hostile":
            kwargs[name] = draw(hostile_values)
        elif choice == "valid with junk":
            kwargs[name] = draw(_valid(argument).map(str)) + draw(st.text(any_character, min_size=1, max_size=3))
    if draw(st.integers(0, 9)) == 0:
        kwargs[draw(any_text)] = draw(hostile_values)
    return endpoint, kwargs


def _strings(value) -> list[str]:
    found, stack = [], [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            stack.extend(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _storable(text: str) -> bool:
    """Encodes as UTF-8 and holds no control character but tab and line breaks."""
    return all(unicodedata.category(c) != "Cs" and (c in "\t\n\r" or unicodedata.category(c) != "Cc") for c in text)


@settings(FUZZ, max_examples=5 * FUZZ_EXAMPLES)
@given(call=calls())
def test_any_call_is_refused_naming_its_argument_or_accepted_as_a_storable_value(call):
    endpoint, kwargs = call
    try:
        check_arguments(endpoint, kwargs)
    except InvalidInput as refusal:
        tally(DOOR)
        if refusal.field in ENDPOINTS[endpoint]:
            assert refusal.message.startswith(f"{refusal.field}: "), refusal
        else:
            assert refusal.field in kwargs and "is not an argument of this endpoint" in refusal.message, refusal
        return
    except Exception:
        tally(DOOR, tracebacks=1)
        raise
    tally(DOOR)
    assert set(kwargs) <= set(ENDPOINTS[endpoint])
    assert all(_storable(text) for text in _strings(kwargs)), kwargs
    carried = json.loads(json.dumps(kwargs))
    check_arguments(endpoint, carried)
    assert carried == kwargs


@FUZZ
@given(data=st.data())
def test_every_well_formed_call_is_accepted_and_its_values_kept(data):
    endpoint = data.draw(st.sampled_from(sorted(ENDPOINTS)))
    kwargs = {name: data.draw(_valid(argument)) for name, argument in ENDPOINTS[endpoint].items()
              if argument.required or data.draw(st.booleans())}
    kwargs = {name: value for name, value in kwargs.items()
              if not isinstance(ENDPOINTS[endpoint][name].kind, Day) or "2000-01-01" <= value <= "2100-01-01"}
    given_values = json.dumps(kwargs)
    tally(DOOR)
    check_arguments(endpoint, kwargs)
    assert json.dumps(kwargs) == given_values


# -- named cases ------------------------------------------------------------------------------------

API = "verenigingen.verenigingen_payments.api."


@pytest.mark.parametrize("endpoint, kwargs, field", [
    (API + "accounts.get_account_balance", {"settings": "Production\n"}, "settings"),
    (API + "accounts.get_account_balance", {"settings": "P" * 141}, "settings"),
    (API + "accounts.get_account_balance", {"settings": "\ud800"}, "settings"),
    (API + "accounts.get_account_balance", {"settings": {"name": ["like", "%"]}}, "settings"),
    (API + "accounts.get_account_balance", {"settings": nested_list(5000)}, "settings"),
    (API + "accounts.get_account_balance", {"account": "Production"}, "account"),
    (API + "dashboard.card_mrr", {"filters": "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)}, "filters"),
    (API + "dashboard.card_mrr", {"filters": nested_list(MAX_JSON_DEPTH + 1)}, "filters"),
    (API + "dashboard.get_dashboard_metrics", {"refresh": "yes"}, "refresh"),
    (API + "reconciliation.list_recent_settlements", {"limit": True}, "limit"),
    (API + "reconciliation.list_recent_settlements", {"limit": "51"}, "limit"),
    (API + "reconciliation.list_recent_settlements", {"limit": " 5"}, "limit"),
    (API + "reconciliation.run_reconciliation_now", {"from_date": "20250301"}, "from_date"),
    (API + "reconciliation.resolve_discrepancy", {"run": "r", "identity": "i"}, "note"),
    (API + "reconciliation.resolve_discrepancy", {"run": "r", "identity": "i", "note": "a\x00b"}, "note"),
    (API + "gdpr.export_personal_data", {"customer_id": "cst_abc\n"}, "customer_id"),
    (API + "gdpr.erase_personal_data", {"customer_id": "cst_abc", "force": 2}, "force"),
    (API + "disputes.request_recovery_payment", {"case": "c", "redirect_url": "javascript:alert(1)"}, "redirect_url"),
    (API + "subscriptions.resolve_subscription_drift", {"name": "n", "field": "amount", "choice": "all"}, "choice"),
    (API + "operations.metrics", {"token": "t\r\nX-Evil: 1"}, "token"),
])
def test_named_hostile_values_are_refused_naming_the_argument(endpoint, kwargs, field):
    with pytest.raises(InvalidInput) as refused:
        check_arguments(endpoint, kwargs)
    assert refused.value.field == field
    assert len(refused.value.message) < 300


def test_filters_within_the_depth_and_a_name_of_140_characters_are_accepted():
    check_arguments(API + "dashboard.card_mrr", {"filters": nested_list(MAX_JSON_DEPTH)})
    check_arguments(API + "accounts.get_account_balance", {"settings": "é" * 140})
    assert RECORD_NAME.fullmatch("[" * 70 + "]" * 70)


def test_the_site_corpus_holds_only_calls_refused_at_their_hostile_argument():
    calls = refused_calls(seed=22)
    assert {c.endpoint for c in calls} == {e for e in ENDPOINTS if ENDPOINTS[e]}
    for call in calls:
        with pytest.raises(InvalidInput) as refused:
            check_arguments(call.endpoint, call.kwargs)
        assert refused.value.field == call.argument, call.label
