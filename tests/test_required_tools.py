"""A tool the suite needs skips its tests on a developer's machine but fails them in CI."""

from __future__ import annotations

import pytest

from tests.plugins.required_tools import require_tool, running_in_ci

MISSING = "verenigingen-no-such-tool"


@pytest.mark.parametrize("value", ["true", "TRUE", "1", " yes "])
def test_a_missing_tool_fails_the_test_in_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match=MISSING):
        require_tool(MISSING, "Debian package none")


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_a_missing_tool_skips_the_test_elsewhere(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert not running_in_ci()
    with pytest.raises(pytest.skip.Exception, match=MISSING):
        require_tool(MISSING)


def test_a_present_tool_is_found_in_ci_and_out(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert require_tool("bash").endswith("bash")
