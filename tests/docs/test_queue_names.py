"""Issue 23: the webhook jobs' queue is named the same in the code, docs/API.md, docs/ARCHITECTURE.md,
docs/DEPLOYMENT.md and the shipped supervisor snippet, and the snippet starts a worker for it."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from verenigingen.verenigingen_payments.webhooks.work_queue import QUEUE_NAME

ROOT = Path(__file__).resolve().parents[2]
SNIPPET = ROOT / "config" / "supervisor" / "verenigingen-metrics.conf"
QUEUE_WORDS = re.compile(r"queue[ds]? (?:on )?`([a-z_]+)`|queue=\"([a-z_]+)\"|--queue ([a-z_,]+)")


def _queues_named(text: str) -> set[str]:
    names = set()
    for match in QUEUE_WORDS.finditer(text):
        for group in match.groups():
            if group:
                names.update(group.split(","))
    return names


def test_the_webhook_queue_is_one_name_everywhere():
    assert QUEUE_NAME == "mollie_webhooks"
    for doc in ("API.md", "ARCHITECTURE.md", "DEPLOYMENT.md"):
        text = (ROOT / "docs" / doc).read_text()
        assert QUEUE_NAME in text, doc
        webhook_names = {n for n in _queues_named(text) if "webhook" in n}
        assert webhook_names <= {QUEUE_NAME}, (doc, webhook_names)


def test_the_supervisor_snippet_serves_the_webhook_queue_and_declares_it():
    parser = configparser.RawConfigParser(strict=False)
    parser.read(SNIPPET)
    commands = [parser.get(s, "command") for s in parser.sections() if parser.has_option(s, "command")]
    assert any(f"bench worker --queue {QUEUE_NAME}" in c for c in commands)
    assert f'workers \'{{"{QUEUE_NAME}": {{"timeout": 300}}}}\'' in SNIPPET.read_text()
    deployment = (ROOT / "docs" / "DEPLOYMENT.md").read_text()
    assert f'bench set-config -g -p workers \'{{"{QUEUE_NAME}": {{"timeout": 300}}}}\'' in deployment


def test_the_frappe_queue_adapter_uses_the_core_name():
    source = (ROOT / "verenigingen/verenigingen_payments/frappe_integration/webhooks/jobs.py").read_text()
    assert "from verenigingen.verenigingen_payments.webhooks.work_queue import QUEUE_NAME" in source
    assert re.search(r"queue=\"mollie_webhooks\"|QUEUE_NAME in get_queues_timeout\(\)", source)
