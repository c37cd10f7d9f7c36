"""config/ matches the code: every site_config key the app reads has a template line, the nginx
snippet names real endpoints and allow-lists no IPs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .test_api_doc import whitelisted_methods

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "verenigingen"


def site_config_keys_read_by_the_code() -> set[str]:
    keys = set()
    for path in APP.rglob("*.py"):
        if path.name.startswith("test_"):
            continue
        text = path.read_text()
        keys |= set(re.findall(r'^[A-Z_]*(?:SITE_CONFIG|_CONFIG|_FLAG)\s*=\s*"((?:mollie|verenigingen)_[a-z_]+)"', text, re.M))
        keys |= set(re.findall(r'conf(?:ig)?\.get\("((?:mollie|verenigingen)_[a-z_]+)"', text))
    return keys - {"mollie_audit_appending", "mollie_audit_changed_fields", "mollie_newly_resolved"}  # frappe.flags, not site_config


def test_every_site_config_key_has_a_template():
    templated = set()
    for path in (ROOT / "config").glob("site_config.*.json"):
        templated |= set(json.loads(path.read_text()))
    read = site_config_keys_read_by_the_code()
    assert {"verenigingen_encryption_keys", "verenigingen_audit_keys", "mollie_metrics_token",
            "mollie_allow_custom_api_base_url"} <= read
    assert sorted(read - templated) == []


def test_nginx_snippet_matches_real_endpoints_and_allow_lists_no_ip():
    text = (ROOT / "config" / "nginx" / "verenigingen-mollie.conf").read_text()
    assert not re.search(r"^\s*(allow|deny)\s", text, re.M)
    webhook = re.search(r'WEBHOOK_ENDPOINT = "([^"]+)"', (APP / "verenigingen_payments" / "doctype" / "mollie_settings"
                                                          / "mollie_settings.py").read_text()).group(1)
    assert f"location = {webhook} " in text
    methods = whitelisted_methods()
    for path in re.findall(r"location = /api/method/([\w.]+)", text):
        assert path in methods or "/api/method/" + path == webhook, path
