"""hooks.py is plain data and every dotted path it names is a function of this app.

Framework-free targets are imported with `frappe` unimportable; Frappe-bound ones (which import frappe
at module level) are checked by parsing their source: the function must be defined there, and an
`override_whitelisted_methods` target must carry `@frappe.whitelist()`.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import subprocess
import sys

import pytest

from tests.frappe_static.app_layout import APP_DIR, function_node, is_whitelisted

HOOKS_PATH = APP_DIR / "hooks.py"


def _hooks() -> dict:
    namespace: dict = {}
    exec(compile(HOOKS_PATH.read_text(), str(HOOKS_PATH), "exec"), namespace)  # noqa: S102 - our own file
    return {k: v for k, v in namespace.items() if not k.startswith("__")}


def _dotted_paths(value) -> list[str]:
    if isinstance(value, str):
        return [value] if value.startswith("verenigingen.") and value.count(".") >= 2 else []
    if isinstance(value, dict):
        return [p for v in value.values() for p in _dotted_paths(v)]
    if isinstance(value, list | tuple):
        return [p for v in value for p in _dotted_paths(v)]
    return []


HOOK_PATHS = sorted(set(_dotted_paths(_hooks())))


def test_hooks_import_without_frappe():
    script = "import sys; sys.modules['frappe'] = None; import verenigingen.hooks"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_hooks_are_plain_data():
    tree = ast.parse(HOOKS_PATH.read_text())
    assert not [
        n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef)
    ]
    assert _hooks()["app_name"] == "verenigingen"


def test_hooks_name_dotted_paths():
    assert "verenigingen.verenigingen_payments.api.accounts.get_account_balance" in HOOK_PATHS


@pytest.mark.parametrize("path", HOOK_PATHS)
def test_every_dotted_path_resolves_to_a_function(path):
    assert function_node(path) is not None, f"{path} is not a function defined in the app"


@pytest.mark.parametrize("path", HOOK_PATHS)
def test_framework_free_targets_import_and_are_callable(path):
    module = path.rpartition(".")[0]
    script = (
        "import importlib, sys\n"
        "sys.modules['frappe'] = None\n"
        f"try:\n    mod = importlib.import_module({module!r})\n"
        "except ImportError:\n    sys.exit(3)  # Frappe-bound module: covered by the AST check\n"
        f"sys.exit(0 if callable(getattr(mod, {path.rpartition('.')[2]!r}, None)) else 1)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode in (0, 3), result.stderr


def test_short_routes_point_at_whitelisted_functions():
    overrides = _hooks()["override_whitelisted_methods"]
    assert "get_account_balance" in overrides
    for short, target in overrides.items():
        node = function_node(target)
        assert node is not None and is_whitelisted(node), f"{short} -> {target} must be @frappe.whitelist()"


def test_bench_command_group_imports_without_frappe():
    script = (
        "import sys; sys.modules['frappe'] = None\n"
        "from verenigingen.commands import commands\n"
        "group = {c.name: c for c in commands}['mollie']\n"
        "assert {'test-connection', 'balances'} <= set(group.commands), group.commands\n"
        "for name in ('test-connection', 'balances'):\n"
        "    assert 'settings' in [p.name for p in group.commands[name].params]\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_importlib_finds_every_hook_module():
    for path in HOOK_PATHS:
        module = path.rpartition(".")[0]
        assert importlib.util.find_spec(module) is not None, module
