"""Arguments no desk page or script sends: a seeded, reproducible corpus of hostile calls of the
whitelisted endpoints (core/endpoint_arguments.py), for the site test (a Frappe site's test runner has
no Hypothesis; the plain suite fuzzes the same declarations with it).

Each call puts one hostile value — over-long, control characters, a lone surrogate, a wrong type, a
deep JSON text or structure — into one argument, the endpoint's other required arguments holding
well-formed values that name nothing. `refused_calls` keeps the calls the declarations refuse (the
endpoint must answer each with its argument error, writing nothing); `unknown_record_calls` gives
well-formed names of records that do not exist, and an argument no endpoint takes (Frappe drops
it before the call): a clean not-found, writing nothing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from ..core.endpoint_arguments import ENDPOINTS, Argument, Day, Filters, OneOf, Text, WholeNumber, check_arguments
from ..core.errors import InvalidInput
from ..core.input_limits import (
    ACCESS_TOKEN,
    CUSTOMER_ID,
    FIELD_NAME,
    GDPR_EXPORT_ID,
    NOTE,
    PAYMENT_METHOD,
    RECORD_NAME,
    REDIRECT_URL,
    WEBHOOK_LOG_ID,
)

NO_SUCH_RECORD = "_Test Hostile No Such Record"
_WELL_FORMED = {
    RECORD_NAME.pattern: NO_SUCH_RECORD, CUSTOMER_ID.pattern: "cst_hostileNoSuch", NOTE.pattern: "Checked by hand.",
    REDIRECT_URL.pattern: "https://example.org/thanks", PAYMENT_METHOD.pattern: "ideal",
    GDPR_EXPORT_ID.pattern: "gdpr" + "q" * 28, WEBHOOK_LOG_ID.pattern: "0" * 32, ACCESS_TOKEN.pattern: "no-such-token",
    FIELD_NAME.pattern: "amount",
}
_HOSTILE_CHARACTERS = "\x00\n\r\t\x1b\x7f\x85\u202e\ufeff\ud800\udfff'\"<>%;\\/ é\U0001f4b8"


@dataclass(frozen=True)
class HostileCall:
    endpoint: str  # dotted path
    argument: str  # the argument holding the hostile value
    label: str
    kwargs: dict


def nested_list(depth: int) -> list:
    """`depth` lists inside each other, built without recursion."""
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def well_formed(argument: Argument) -> object:
    """A value `argument` accepts that names nothing in a site."""
    kind = argument.kind
    if isinstance(kind, Text):
        return _WELL_FORMED[kind.shape.pattern]
    if isinstance(kind, OneOf):
        return kind.choices[0]
    if isinstance(kind, WholeNumber):
        return kind.low
    if isinstance(kind, Day):
        return "2025-03-01"
    assert isinstance(kind, Filters)
    return "[]"


def hostile_values(rng: random.Random, random_count: int) -> list[tuple[str, object]]:
    values: list[tuple[str, object]] = [
        ("141 characters", "x" * 141), ("70k characters", "y" * 70_000), ("NUL", "Production\x00"),
        ("trailing newline", "Production\n"), ("escape sequence", "\x1b[31mred"), ("C1 control", "a\x85b"),
        ("lone surrogate", "\ud800"), ("integer", 5), ("float", 3.5), ("boolean", True), ("list", ["a"]),
        ("object", {"name": "x"}), ("filter object", {"name": ["like", "%"]}), ("empty object", {}),
        ("deep JSON text 33", "[" * 33 + "]" * 33), ("deep JSON text 5000", "[" * 5000 + "]" * 5000),
        ("deep list 5000", nested_list(5000)), ("deep object text", '{"a":' * 40 + "1" + "}" * 40),
        ("blank", " \t "), ("day in 9999", "9999-12-31"), ("day with time", "2025-03-01T00:00:00"),
        ("number as words", "ten"), ("negative", -1), ("huge number", 10**30),
    ]
    for index in range(random_count):
        text = "".join(rng.choice(_HOSTILE_CHARACTERS) for _ in range(rng.randrange(1, 300)))
        values.append((f"random {index}", text))
    return values


def _calls(seed: int, random_count: int) -> Iterator[HostileCall]:
    rng = random.Random(seed)
    values = hostile_values(rng, random_count)
    for endpoint, declared in ENDPOINTS.items():
        required = {name: well_formed(a) for name, a in declared.items() if a.required}
        for name in declared:
            for label, value in values:
                yield HostileCall(endpoint, name, label, {**required, name: value})


def refused_calls(*, seed: int, random_count: int = 20) -> list[HostileCall]:
    """The corpus' calls whose hostile value the endpoint's declaration refuses."""
    refused = []
    for call in _calls(seed, random_count):
        try:
            check_arguments(call.endpoint, call.kwargs)
        except InvalidInput:
            refused.append(call)
    return refused


def unknown_record_calls() -> list[HostileCall]:
    """Well-formed names of records that do not exist, and deep JSON texts short enough to be names."""
    calls = []
    for endpoint, declared in ENDPOINTS.items():
        required = {name: well_formed(a) for name, a in declared.items() if a.required}
        for name, argument in declared.items():
            if isinstance(argument.kind, Text) and argument.kind.shape is RECORD_NAME:
                for label, value in (("no such record", NO_SUCH_RECORD), ("deep JSON name", "[" * 70 + "]" * 70),
                                     ("object-like name", '{"name": ["like", "%"]}')):
                    calls.append(HostileCall(endpoint, name, label, {**required, name: value}))
                calls.append(HostileCall(endpoint, name, "unknown argument name",
                                         {**required, name: NO_SUCH_RECORD, "no_such_argument": "z" * 5000}))
    return calls
