"""The framework-free core must import without Frappe and must not reach into the Frappe layer."""

from __future__ import annotations

import ast
import re
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


# --- the Frappe layer's domains -------------------------------------------------------------------

SITE_ADAPTERS = "verenigingen.verenigingen_payments.frappe_integration"
SITE_ADAPTERS_DIR = PAYMENTS_DIR / "frappe_integration"
SHARED = "common"  # imports no domain; every domain may import it
HOOKS = APP_DIR / "hooks.py"


def _domains() -> dict[str, tuple[str, ...]]:
    """Each domain package of the site adapters and the modules it offers others (`PUBLIC_MODULES`)."""
    domains = {}
    for init in sorted(SITE_ADAPTERS_DIR.glob("*/__init__.py")):
        public: tuple[str, ...] = ()
        for node in ast.parse(init.read_text()).body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PUBLIC_MODULES" for t in node.targets):
                public = tuple(ast.literal_eval(node.value))
        domains[init.parent.name] = public
    return domains


def _domain_of(module: str) -> str | None:
    if not module.startswith(SITE_ADAPTERS + "."):
        return None
    rest = module[len(SITE_ADAPTERS) + 1:].split(".")
    return rest[0] if (SITE_ADAPTERS_DIR / rest[0]).is_dir() else None


def _site_adapter_imports(path: Path, module: str) -> set[tuple[str, str]]:
    """(target module, imported name) for every `from … import name` reaching into a domain package."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)] if node.level else []
            target = ".".join(base + ([node.module] if node.module else [])) if node.level else node.module or ""
            for alias in node.names:
                if _domain_of(target) is None:
                    continue
                # `from …frappe_integration.webhooks import store` imports the module `store`.
                if (SITE_ADAPTERS_DIR / target[len(SITE_ADAPTERS) + 1:].replace(".", "/") / f"{alias.name}.py").exists():
                    found.add((f"{target}.{alias.name}", ""))
                else:
                    found.add((target, alias.name))
        elif isinstance(node, ast.Import):
            found.update((alias.name, "") for alias in node.names if _domain_of(alias.name))
    return found


def _cross_domain_offences(module: str, target: str, name: str, domains: dict) -> list[str]:
    own, theirs = _domain_of(module), _domain_of(target)
    if theirs is None or theirs == own:
        return []
    if own == SHARED:
        return [f"{module} (shared by every domain) imports the domain module {target}"]
    if theirs == SHARED:
        return []
    parts = target[len(SITE_ADAPTERS) + 1:].split(".")
    if len(parts) < 2 or parts[1] not in domains[theirs]:
        return [f"{module} imports {target}, which is not among {theirs}'s PUBLIC_MODULES {domains[theirs]}"]
    if name.startswith("_"):
        return [f"{module} imports the private {target}.{name}"]
    return []


def test_the_site_adapters_are_grouped_by_domain():
    domains = _domains()
    assert {"webhooks", "reconciliation", "subscriptions", "disputes", "monitoring", "security", "settings",
            "gdpr", SHARED} <= set(domains)
    loose = [p.name for p in SITE_ADAPTERS_DIR.glob("*.py") if p.name not in ("__init__.py", "testing.py")]
    assert not loose, f"site adapters outside a domain package: {loose}"
    for name, public in domains.items():
        missing = [m for m in public if not (SITE_ADAPTERS_DIR / name / f"{m}.py").exists()]
        assert not missing, f"{name}.PUBLIC_MODULES names modules that do not exist: {missing}"


def test_doctype_folders_hold_only_their_doctype():
    """A DocType folder holds its controller, JSON, desk scripts and tests; site logic lives in a domain."""
    stray = []
    for folder in sorted((PAYMENTS_DIR / "doctype").iterdir()):
        if not folder.is_dir() or folder.name == "__pycache__":
            continue
        allowed = {"__init__.py", f"{folder.name}.py"}
        stray += [f"{folder.name}/{p.name}" for p in folder.glob("*.py")
                  if p.name not in allowed and not p.name.startswith("test_")]
    assert not stray, f"site logic inside DocType folders: {stray}"


def test_no_domain_reaches_into_another_domains_private_modules():
    domains = _domains()
    offenders = []
    for path in sorted(APP_DIR.rglob("*.py")):
        module = _module_name(path)
        for target, name in _site_adapter_imports(path, module):
            offenders += _cross_domain_offences(module, target, name, domains)
    assert not offenders, "\n".join(offenders)


def test_hooks_name_only_public_site_adapters():
    domains = _domains()
    dotted = set(re.findall(r"verenigingen(?:\.\w+)+", HOOKS.read_text()))
    offenders = []
    for path in dotted:
        module = path.rpartition(".")[0]
        offenders += _cross_domain_offences("verenigingen.hooks", module, path.rpartition(".")[2], domains)
    assert not offenders, "\n".join(offenders)


def _import_cycles() -> list[list[str]]:
    graph: dict[str, set[str]] = {}
    modules = {_module_name(p): p for p in APP_DIR.rglob("*.py")}
    for module, path in modules.items():
        graph[module] = {m for m in _imports_of(path, module) if m in modules and m != module}
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return cycles


def test_no_import_circles_between_the_apps_modules():
    """Deferred (function-level) imports count too: a circle is a circle wherever the import sits.
    A package importing its own submodules (an `__init__` re-exporting) is not a circle."""
    cycles = [c for c in _import_cycles()
              if not any(b.startswith(a + ".") or a.startswith(b + ".") for a, b in zip(c, c[1:]))]
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)
