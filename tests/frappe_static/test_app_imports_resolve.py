"""Every `from verenigingen… import name` in the app names something that module defines.

The Frappe-bound modules cannot be imported without Frappe, so a name moved or renamed would otherwise
surface only when a real site imports the module; this reads the source instead."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

import verenigingen

APP_DIR = Path(verenigingen.__file__).resolve().parent


def _path_of(module: str) -> Path | None:
    rel = Path(*module.split("."))
    for candidate in (APP_DIR.parent / rel.with_suffix(".py"), APP_DIR.parent / rel / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


@lru_cache(maxsize=None)
def _defined_names(module: str) -> frozenset[str]:
    path = _path_of(module)
    names: set[str] = set()
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    if path.name == "__init__.py":
        names.update(p.stem for p in path.parent.glob("*.py"))
        names.update(p.name for p in path.parent.iterdir() if (p / "__init__.py").exists())
    return frozenset(names)


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(APP_DIR.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_import_from_the_app_names_something_that_exists():
    missing = []
    for path in sorted(APP_DIR.rglob("*.py")):
        module = _module_of(path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("verenigingen"):
                continue
            if _path_of(target) is None:
                missing.append(f"{module}:{node.lineno} imports from {target}, which does not exist")
                continue
            missing += [f"{module}:{node.lineno} imports {a.name} from {target}, which does not define it"
                        for a in node.names if a.name != "*" and a.name not in _defined_names(target)]
    assert not missing, "\n".join(missing)


def test_the_check_tells_a_defined_name_from_a_moved_one():
    controller = "verenigingen.verenigingen_payments.doctype.mollie_reconciliation_run.mollie_reconciliation_run"
    assert "MollieReconciliationRun" in _defined_names(controller)
    assert "ReconciliationRecordError" not in _defined_names(controller)


def test_every_dotted_path_the_app_loads_by_name_exists():
    """The core reaches the site adapters by dotted strings (settings provider, seams, stores), and
    hooks.py names jobs and handlers the same way: each must name a module and a name it defines."""
    pattern = re.compile(r"""["'](verenigingen\.(?:verenigingen_payments|utils|commands)\.[\w.]+)["']""")
    missing = []
    for path in sorted(APP_DIR.rglob("*.py")):
        for dotted in pattern.findall(path.read_text()):
            if _path_of(dotted):
                continue
            module, _, name = dotted.rpartition(".")
            if _path_of(module) is None or name not in _defined_names(module):
                missing.append(f"{_module_of(path)} names {dotted}, which does not exist")
    assert not missing, "\n".join(missing)
