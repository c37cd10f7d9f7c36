"""The framework-free core must import without Frappe and must not reach into the Frappe layer."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import verenigingen

APP_DIR = Path(verenigingen.__file__).resolve().parent
PAYMENTS_DIR = APP_DIR / "verenigingen_payments"

# Packages (relative to the app) that are Frappe-bound: they may import frappe and the core.
FRAPPE_BOUND = (
    "verenigingen.verenigingen_payments.doctype",
    "verenigingen.verenigingen_payments.api",
    "verenigingen.verenigingen_payments.frappe_integration",
    "verenigingen.verenigingen_payments.report",
    "verenigingen.verenigingen_payments.workspace",
    "verenigingen.verenigingen_payments.number_card",
    "verenigingen.verenigingen_payments.dashboard_chart",
    "verenigingen.utils",
    "verenigingen.commands",
)


def _module_name(path: Path) -> str:
    rel = path.relative_to(APP_DIR.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_frappe_bound(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in FRAPPE_BOUND)


def framework_free_modules() -> list[str]:
    modules = [_module_name(p) for p in sorted(APP_DIR.rglob("*.py"))]
    return [m for m in modules if not _is_frappe_bound(m) and not m.split(".")[-1].startswith("test_")]


def _imports_of(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def test_there_are_framework_free_modules_to_check():
    modules = framework_free_modules()
    assert "verenigingen.verenigingen_payments.core.models.money" in modules
    assert len(modules) > 10


def test_every_framework_free_module_imports_with_frappe_unimportable():
    modules = framework_free_modules()
    script = (
        "import importlib, sys\n"
        "sys.modules['frappe'] = None\n"
        f"mods = {modules!r}\n"
        "bad = []\n"
        "for m in mods:\n"
        "    try:\n"
        "        importlib.import_module(m)\n"
        "    except Exception as exc:\n"
        "        bad.append(f'{m}: {type(exc).__name__}: {exc}')\n"
        "print('\\n'.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"modules that need Frappe:\n{result.stdout}{result.stderr}"


def test_no_framework_free_module_imports_frappe_or_the_frappe_layer():
    offenders = []
    for path in sorted(APP_DIR.rglob("*.py")):
        module = _module_name(path)
        if _is_frappe_bound(module) or path.name.startswith("test_"):
            continue
        for imported in _imports_of(path, module):
            if imported == "frappe" or imported.startswith("frappe.") or _is_frappe_bound(imported):
                offenders.append(f"{module} imports {imported}")
    assert not offenders, "\n".join(offenders)
