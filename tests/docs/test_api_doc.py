"""docs/API.md lists exactly the whitelisted methods found in the code (by AST, no Frappe needed)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def whitelisted_methods() -> set[str]:
    found = set()
    for path in (ROOT / "verenigingen").rglob("*.py"):
        if path.name.startswith("test_"):
            continue
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if ast.unparse(target) in ("frappe.whitelist", "whitelist"):
                    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                    found.add(f"{module}.{node.name}")
    return found


def documented_methods() -> set[str]:
    return set(re.findall(r"^### `([\w.]+)`", (ROOT / "docs" / "API.md").read_text(), flags=re.M))


def test_api_doc_lists_exactly_the_whitelisted_methods():
    code, doc = whitelisted_methods(), documented_methods()
    assert {"undocumented": sorted(code - doc), "documented_but_gone": sorted(doc - code)} == {
        "undocumented": [], "documented_but_gone": []}


def test_the_scan_finds_the_known_endpoints():
    assert "verenigingen.verenigingen_payments.api.accounts.get_account_balance" in whitelisted_methods()
    assert "verenigingen.verenigingen_payments.api.operations.readiness" in whitelisted_methods()
