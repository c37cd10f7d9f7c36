"""`finance-cycle --adopt`: the main job adopts the emulator's existing account first (over HTTP, into the
SQL store: SQLite and MariaDB), prints what it holds against Mollie's counts, the exception list with
what to do and the day-one figures, which equal the scenario's ground truth; then runs the cycle."""

from __future__ import annotations

import io
import re

from verenigingen.verenigingen_payments.cli import finance_cycle
from verenigingen.verenigingen_payments.cli.cycle_arguments import parse_arguments
from verenigingen.verenigingen_payments.sandbox.scenario import generate
from verenigingen.verenigingen_payments.sandbox.scenario_existing import SMALL_NAME
from verenigingen.verenigingen_payments.workflows.adoption.matching import WHAT_TO_DO


def test_adopt_then_the_cycle_with_counts_exceptions_and_day_one_figures(tmp_path, sql_store_url):
    args = parse_arguments(["--adopt", "--scenario", SMALL_NAME, "--store-url", sql_store_url,
                            "--report-dir", str(tmp_path / "reports")])
    out = io.StringIO()
    assert finance_cycle.run(args, out=out) == 0
    text = out.getvalue()
    truth = generate(SMALL_NAME, 1)[0].adoption_truth
    rows = {name: (int(mollie), int(kept)) for name, mollie, kept in
            re.findall(r"^  (\w+) +(\d+) +(\d+)$", text, re.M)}
    assert rows["customers"] == (len(truth["customers"]),) * 2
    for name in ("mandates", "payments", "chargebacks", "settlements"):
        assert rows[name][0] == rows[name][1] > 0, name
    listed = sorted(re.findall(r"^  (\w+) ((?:cst|sub)_\w+): .* — (.+)$", text, re.M))
    assert [(kind, ident) for kind, ident, _ in listed] == [tuple(e) for e in truth["exceptions"]]
    assert all(todo == WHAT_TO_DO[kind] for kind, _, todo in listed)
    day_one = truth["day_one"]
    assert (f"Day one: active members {day_one['active_members']}, MRR EUR {float(day_one['mrr']):,.2f}, "
            f"30-day volume EUR {float(day_one['volume_30d']['amount']):,.2f} "
            f"({day_one['volume_30d']['count']} payments)") in text
    assert "Reconciling" in text and "## Adoption" in next((tmp_path / "reports").glob("*.md")).read_text()
