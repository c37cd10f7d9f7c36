"""External tools a test needs: skipped on a developer's machine without them, a failure in CI.

CI (`CI=true`, as .ci/run is started) installs every tool the suite uses, so a missing one there
means the install step broke and the checks it guards would silently stop running.
"""

from __future__ import annotations

import os
import shutil

import pytest

TRUE_VALUES = frozenset({"1", "true", "yes", "on"})


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in TRUE_VALUES


def require_tool(name: str, hint: str = "") -> str:
    """The path of executable `name`; skips the test without it, or fails it when running in CI."""
    path = shutil.which(name)
    if path is not None:
        return path
    message = f"{name} is not installed" + (f" ({hint})" if hint else "")
    if running_in_ci():
        pytest.fail(f"{message}; .ci/run installs it, so CI must have it", pytrace=False)
    pytest.skip(message)
