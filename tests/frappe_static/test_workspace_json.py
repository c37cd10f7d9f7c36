"""The Mollie Finance workspace: valid JSON, its blocks refer to what it defines, links reach our DocTypes."""

from __future__ import annotations

import ast
import json

import pytest

from tests.frappe_static.app_layout import (
    MODULE_DIR,
    MODULE_NAME,
    doctype_json_paths,
    function_node,
    is_whitelisted,
    load,
    workspace_json_paths,
)
from verenigingen.verenigingen_payments.frappe_integration.common.roles import APP_ROLES, SYSTEM_MANAGER

WORKSPACES = workspace_json_paths()
APP_DOCTYPES = {load(path)["name"] for path in doctype_json_paths()}
NUMBER_CARDS = sorted((MODULE_DIR / "number_card").glob("*/*.json"))
CHARTS = sorted((MODULE_DIR / "dashboard_chart").glob("*/*.json"))


# The finance morning view: the four questions, first in the workspace, in this order.
MORNING_CARDS = {
    "Reconciliation (yesterday)": "card_reconciliation",
    "Next Payout": "card_next_payout",
    "Webhook Backlog": "card_webhook_backlog",
    "Disputes Due": "card_disputes_due",
}
CARD_MODULE = "verenigingen.verenigingen_payments.api.dashboard"


def _ids(paths):
    return [p.stem for p in paths]


def _workspace() -> dict:
    return load(next(p for p in WORKSPACES if p.stem == "mollie_finance"))


def _card_by_label() -> dict[str, dict]:
    """The workspace's number cards by their label there, each the card's own JSON."""
    cards = {load(p)["name"]: load(p) for p in NUMBER_CARDS}
    return {c["label"]: cards[c["number_card_name"]] for c in _workspace()["number_cards"]}


def test_mollie_finance_workspace_exists():
    assert "mollie_finance" in _ids(WORKSPACES)
    doc = load(next(p for p in WORKSPACES if p.stem == "mollie_finance"))
    assert doc["name"] == doc["label"] == doc["title"] == "Mollie Finance"
    assert doc["public"] == 1


@pytest.mark.parametrize("path", WORKSPACES, ids=_ids(WORKSPACES))
def test_workspace_header_and_roles(path):
    doc = load(path)
    assert doc["doctype"] == "Workspace"
    assert doc["module"] == MODULE_NAME
    assert {r["role"] for r in doc["roles"]} == {*APP_ROLES, SYSTEM_MANAGER}


@pytest.mark.parametrize("path", WORKSPACES, ids=_ids(WORKSPACES))
def test_content_blocks_refer_to_defined_shortcuts_and_cards(path):
    doc = load(path)
    blocks = json.loads(doc["content"])
    shortcuts = {s["label"] for s in doc["shortcuts"]}
    cards = {link["label"] for link in doc["links"] if link["type"] == "Card Break"}
    charts = {c.get("label") for c in doc.get("charts", [])}
    number_cards = {c.get("label") for c in doc.get("number_cards", [])}
    assert len({b["id"] for b in blocks}) == len(blocks), "block ids must be unique"
    for block in blocks:
        data = block["data"]
        if block["type"] == "shortcut":
            assert data["shortcut_name"] in shortcuts
        elif block["type"] == "card":
            assert data["card_name"] in cards
        elif block["type"] == "chart":
            assert data["chart_name"] in charts
        elif block["type"] == "number_card":
            assert data["number_card_name"] in number_cards
        else:
            assert block["type"] in {
                "header",
                "spacer",
                "paragraph",
                "onboarding",
                "quick_list",
                "custom_block",
            }


@pytest.mark.parametrize("path", WORKSPACES, ids=_ids(WORKSPACES))
def test_doctype_links_and_shortcuts_reach_this_apps_doctypes(path):
    doc = load(path)
    targets = [link["link_to"] for link in doc["links"] if link.get("link_type") == "DocType"]
    targets += [s["link_to"] for s in doc["shortcuts"] if s["type"] == "DocType"]
    assert targets and set(targets) <= APP_DOCTYPES
    card_sizes = {}
    current = None
    for link in doc["links"]:
        if link["type"] == "Card Break":
            current = link["label"]
            card_sizes[current] = link.get("link_count", 0)
        else:
            card_sizes[current] -= 1
    assert all(remaining == 0 for remaining in card_sizes.values()), "link_count must match each card's links"


@pytest.mark.parametrize("path", NUMBER_CARDS, ids=_ids(NUMBER_CARDS))
def test_number_cards_name_a_doctype_both_mollie_roles_may_read(path):
    """Frappe v15 lists a Document Type or Custom card only for users who may read its `document_type`
    (Number Card `has_permission`): a Custom card without one is shown to System Managers only."""
    card = load(path)
    doctype = next(load(p) for p in doctype_json_paths() if load(p)["name"] == card["document_type"])
    readers = {perm["role"] for perm in doctype["permissions"] if perm.get("read")}
    assert set(APP_ROLES) <= readers


@pytest.mark.parametrize("path", CHARTS, ids=_ids(CHARTS))
def test_dashboard_charts_do_not_animate(path):
    """frappe-charts 2.0.0-rc22 (Frappe v15) swaps a chart's svg for an animated clone for 250 ms; a
    resize in that window redraws it and throws "removeChild … not a child of this node"."""
    options = json.loads(load(path).get("custom_options") or "{}")
    assert (options.get("animate"), options.get("disableEntryAnimation")) == (0, 1)


def test_the_morning_cards_open_the_workspace():
    blocks = json.loads(_workspace()["content"])
    first_cards = [b["data"]["number_card_name"] for b in blocks if b["type"] == "number_card"][:len(MORNING_CARDS)]
    assert first_cards == list(MORNING_CARDS)
    before = blocks[:next(i for i, b in enumerate(blocks) if b["type"] == "number_card")]
    assert {b["type"] for b in before} == {"header"}, "nothing but headings above the morning cards"
    cards = _card_by_label()
    for label, method in MORNING_CARDS.items():
        assert cards[label]["method"] == f"{CARD_MODULE}.{method}"


def test_every_workspace_card_is_a_custom_card_of_a_whitelisted_viewer_method():
    """Custom cards with a `document_type` (so viewers see them) whose method checks the viewer role
    before anything else, as Guest and other users must be refused."""
    for label, card in _card_by_label().items():
        assert card["type"] == "Custom" and card["document_type"], label
        node = function_node(card["method"])
        assert node is not None and is_whitelisted(node), card["method"]
        body = [n for n in node.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        assert ast.unparse(body[0]) == "require_role(VIEW_ROLES)", card["method"]


def test_every_number_card_of_the_app_is_on_the_workspace():
    on_workspace = {c["number_card_name"] for c in _workspace()["number_cards"]}
    assert {load(p)["name"] for p in NUMBER_CARDS} == on_workspace
