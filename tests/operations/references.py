"""Metric names that the alert rules and Grafana dashboards reference, and names in a scrape."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

MONITORING = Path(__file__).resolve().parents[2] / "monitoring"
METRIC_NAME = re.compile(r"\bmollie_[a-z0-9_]+\b")


def rule_expressions() -> dict[str, str]:
    data = yaml.safe_load((MONITORING / "alerts.yml").read_text())
    return {rule["alert"]: rule["expr"] for group in data["groups"] for rule in group["rules"]}


def dashboard_expressions() -> dict[str, list[str]]:
    found = {}
    for path in sorted((MONITORING / "grafana").glob("*.json")):
        board = json.loads(path.read_text())
        exprs = [t["expr"] for p in board["panels"] for t in p.get("targets", [])]
        exprs += [v.get("query", "") for v in board.get("templating", {}).get("list", []) if isinstance(v.get("query"), str)]
        found[path.name] = exprs
    return found


def names_in(expressions) -> set[str]:
    return {name for expr in expressions for name in METRIC_NAME.findall(expr)}


def sample_names(exposition: str) -> set[str]:
    """Sample names present in Prometheus text format (HELP/TYPE lines alone do not count)."""
    return {re.split(r"[{ ]", line, maxsplit=1)[0] for line in exposition.splitlines()
            if line and not line.startswith("#")}
