"""Where the app's Frappe artefacts live, for the static checks (no Frappe needed)."""

from __future__ import annotations

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
