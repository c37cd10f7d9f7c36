"""Each alert has a runbook section, and each alert's runbook link points at an existing section."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_every_alert_has_a_runbook_section_and_a_working_link():
    rules = [r for g in yaml.safe_load((ROOT / "monitoring" / "alerts.yml").read_text())["groups"] for r in g["rules"]]
    runbook = (ROOT / "docs" / "RUNBOOK.md").read_text()
    anchors = {h.lower() for h in re.findall(r"^### (\w+)$", runbook, re.M)}
    missing = [r["alert"] for r in rules if r["alert"].lower() not in anchors]
    broken = [r["alert"] for r in rules
              if (m := re.search(r"RUNBOOK\.md#(\w+)", r["annotations"]["description"])) is None
              or m.group(1) not in anchors]
    assert (missing, broken) == ([], [])
