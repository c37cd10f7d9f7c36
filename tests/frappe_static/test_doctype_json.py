"""Every DocType JSON of the app is one Frappe v15 can sync, and Mollie Settings keeps the guide's names."""

from __future__ import annotations

import ast
import keyword

import pytest

from tests.frappe_static.app_layout import (
    FRAPPE_V15_FIELDTYPES,
    LAYOUT_FIELDTYPES,
    MODULE_NAME,
    doctype_json_paths,
    load,
    snake,
)
from verenigingen.verenigingen_payments.frappe_integration.common.roles import APP_ROLES, SYSTEM_MANAGER

DOCTYPES = doctype_json_paths()
KNOWN_ROLES = {*APP_ROLES, SYSTEM_MANAGER}

# The deployment guide's Mollie Settings fields: fieldname -> (fieldtype, default or None).
GUIDE_FIELDS = {
    "gateway_name": ("Data", None),
    "secret_key": ("Password", None),
    "profile_id": ("Data", None),
    "webhook_secret": ("Password", None),
    "enable_backend_api": ("Check", None),
    "enable_encryption": ("Check", None),
    "enable_audit_trail": ("Check", None),
    "circuit_breaker_failure_threshold": ("Int", "5"),
    "circuit_breaker_timeout": ("Int", "60"),
    "rate_limit_requests_per_second": ("Int", "25"),
    "retry_max_attempts": ("Int", "3"),
    "auto_reconcile": ("Check", None),
    "reconciliation_hour": ("Int", "2"),
    "reconciliation_tolerance": ("Currency", "0.01"),
    "low_balance_threshold": ("Currency", None),
    "enable_balance_alerts": ("Check", None),
    "alert_recipients": ("Small Text", None),
    "api_key_rotation_days": ("Int", None),
    "webhook_url": ("Data", None),
}
SECRET_FIELDS = ("secret_key", "organization_access_token", "webhook_secret")


def _ids(paths):
    return [p.stem for p in paths]


def test_the_app_has_doctypes():
    assert "mollie_settings" in _ids(DOCTYPES)


@pytest.mark.parametrize("path", DOCTYPES, ids=_ids(DOCTYPES))
def test_doctype_header(path):
    doc = load(path)
    assert doc["doctype"] == "DocType"
    assert doc["module"] == MODULE_NAME
    assert snake(doc["name"]) == path.stem, "folder and file are the snake_case of the DocType name"
    assert (path.parent / "__init__.py").exists()


@pytest.mark.parametrize("path", DOCTYPES, ids=_ids(DOCTYPES))
def test_fields_are_valid_and_ordered(path):
    doc = load(path)
    fields = doc["fields"]
    names = [f["fieldname"] for f in fields]
    assert len(names) == len(set(names)), "duplicate fieldnames"
    assert doc.get("field_order", names) == names
    for field in fields:
        name = field["fieldname"]
        assert name.isidentifier() and name == name.lower() and not keyword.iskeyword(name), name
        assert field["fieldtype"] in FRAPPE_V15_FIELDTYPES, f"{name}: {field['fieldtype']}"
        if field["fieldtype"] not in LAYOUT_FIELDTYPES:
            assert field.get("label"), f"{name} needs a label"
        if field["fieldtype"] == "Select" and field.get("default"):
            assert field["default"] in field["options"].split("\n"), name
        if field["fieldtype"] in ("Link", "Table", "Table MultiSelect"):
            assert field.get("options"), f"{name} must name its DocType"
        if field["fieldtype"] == "Password":
            assert not field.get("in_list_view") and not field.get("in_standard_filter"), name


@pytest.mark.parametrize("path", DOCTYPES, ids=_ids(DOCTYPES))
def test_permissions_name_known_roles_and_system_manager_keeps_full_access(path):
    """System Manager holds every right any role has (an append-only log grants no one write)."""
    permissions = load(path)["permissions"]
    roles = [p["role"] for p in permissions]
    assert set(roles) <= KNOWN_ROLES, set(roles) - KNOWN_ROLES
    system_manager = next(p for p in permissions if p["role"] == SYSTEM_MANAGER)
    granted = {right for p in permissions for right, on in p.items() if on == 1 and right != "permlevel"}
    assert {right for right in granted if system_manager.get(right)} == granted
    assert any(role in APP_ROLES for role in roles), "an app role must be granted access"


@pytest.mark.parametrize("path", DOCTYPES, ids=_ids(DOCTYPES))
def test_controller_and_frappe_test_sit_beside_the_json(path):
    doc = load(path)
    controller = path.with_suffix(".py")
    class_name = doc["name"].replace(" ", "").replace("-", "")
    tree = ast.parse(controller.read_text())
    assert class_name in {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    assert (path.parent / f"test_{path.stem}.py").exists()


def _mollie_settings() -> dict:
    return load(next(p for p in DOCTYPES if p.stem == "mollie_settings"))


def test_mollie_settings_is_one_record_per_account_named_by_gateway_name():
    doc = _mollie_settings()
    assert not doc.get("issingle")
    assert doc["autoname"] == "field:gateway_name"
    gateway_name = next(f for f in doc["fields"] if f["fieldname"] == "gateway_name")
    assert gateway_name.get("reqd") and gateway_name.get("unique")


@pytest.mark.parametrize("fieldname", sorted(GUIDE_FIELDS))
def test_mollie_settings_has_the_deployment_guides_field(fieldname):
    fields = {f["fieldname"]: f for f in _mollie_settings()["fields"]}
    fieldtype, default = GUIDE_FIELDS[fieldname]
    assert fieldname in fields
    assert fields[fieldname]["fieldtype"] == fieldtype
    if default is not None:
        assert fields[fieldname].get("default") == default


def test_mollie_settings_secrets_are_password_fields():
    fields = {f["fieldname"]: f for f in _mollie_settings()["fields"]}
    assert all(fields[name]["fieldtype"] == "Password" for name in SECRET_FIELDS)


def test_webhook_url_is_computed_not_typed():
    field = next(f for f in _mollie_settings()["fields"] if f["fieldname"] == "webhook_url")
    assert field.get("read_only") and field.get("is_virtual")


def test_viewer_reads_mollie_settings_but_cannot_change_them():
    viewer = next(p for p in _mollie_settings()["permissions"] if p["role"] == "Mollie Finance Viewer")
    assert viewer.get("read")
    assert not any(viewer.get(right) for right in ("write", "create", "delete"))
