"""Issue 23: the site-state baseline is the first test module Frappe's run-tests loads for the app and
the comparison the last one (Frappe v15 `test_runner.run_all_tests`: os.walk top-down over the app
package, skipping locals/.git/public/__pycache__, folders and files sorted)."""

from __future__ import annotations

import os
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "verenigingen"


def frappe_test_order() -> list[str]:
    found = []
    for path, folders, files in os.walk(APP):
        for skipped in ("locals", ".git", "public", "__pycache__"):
            if skipped in folders:
                folders.remove(skipped)
        folders.sort()
        files.sort()
        found += [str(Path(path, f).relative_to(APP)) for f in files
                  if f.startswith("test_") and f.endswith(".py") and f != "test_runner.py"]
    return found


def test_baseline_first_and_comparison_last():
    order = frappe_test_order()
    assert order[0] == "test_site_baseline.py"
    assert order[-1] == "verenigingen_payments/workspace/test_site_left_as_found.py"
