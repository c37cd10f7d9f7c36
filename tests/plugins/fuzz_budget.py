"""How many examples the property-based tests try: a fixed budget in CI, more on request.

`VERENIGINGEN_FUZZ_EXAMPLES=N` sets the per-test budget of every property test that uses `FUZZ`
(120 by default); CI leaves it unset and runs derandomized, so it tries the same examples each time.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from tests.plugins.required_tools import running_in_ci

FUZZ_EXAMPLES_ENV = "VERENIGINGEN_FUZZ_EXAMPLES"
FUZZ_EXAMPLES = int(os.environ.get(FUZZ_EXAMPLES_ENV) or 120)

settings.register_profile(
    "fuzz",
    deadline=None,
    max_examples=FUZZ_EXAMPLES,
    derandomize=running_in_ci(),
    database=None if running_in_ci() else settings.default.database,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("fuzz")
