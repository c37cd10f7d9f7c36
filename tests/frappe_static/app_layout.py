"""Where the app's Frappe artefacts live, for the static checks (no Frappe needed)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import verenigingen

APP_DIR = Path(verenigingen.__file__).resolve().parent
MODULE_DIR = APP_DIR / "verenigingen_payments"
MODULE_NAME = "Verenigingen Payments"

# DocField.fieldtype options of Frappe v15 (frappe/core/doctype/docfield/docfield.json).
FRAPPE_V15_FIELDTYPES = frozenset(
    {
        "Attach",
        "Attach Image",
        "Autocomplete",
        "Barcode",
        "Button",
        "Check",
        "Code",
        "Color",
        "Column Break",
        "Currency",
        "Data",
        "Date",
        "Datetime",
        "Duration",
        "Dynamic Link",
        "Float",
        "Fold",
        "Geolocation",
        "HTML",
        "HTML Editor",
        "Heading",
        "Icon",
        "Image",
        "Int",
        "JSON",
        "Link",
        "Long Text",
        "Markdown Editor",
        "Password",
        "Percent",
        "Phone",
        "Rating",
        "Read Only",
        "Section Break",
        "Select",
        "Signature",
        "Small Text",
        "Tab Break",
        "Table",
        "Table MultiSelect",
        "Text",
        "Text Editor",
        "Time",
    }
)
LAYOUT_FIELDTYPES = frozenset(
    {"Section Break", "Column Break", "Tab Break", "Fold", "Heading", "HTML", "Button"}
)


def doctype_json_paths() -> list[Path]:
    """Every `<module>/doctype/<snake>/<snake>.json` of the app."""
    return sorted(path for path in APP_DIR.glob("*/doctype/*/*.json") if path.stem == path.parent.name)


def workspace_json_paths() -> list[Path]:
    return sorted(path for path in APP_DIR.glob("*/workspace/*/*.json") if path.stem == path.parent.name)


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def snake(name: str) -> str:
    return name.lower().replace(" ", "_").replace("-", "_")


def source_of(module: str) -> Path:
    parts = module.split(".")
    path = APP_DIR.parent.joinpath(*parts)
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def function_node(path: str) -> ast.FunctionDef | None:
    module, _, name = path.rpartition(".")
    source = source_of(module)
    if not source.exists():
        return None
    tree = ast.parse(source.read_text())
    return next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name), None)


def is_whitelisted(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(target) == "frappe.whitelist":
            return True
    return False
