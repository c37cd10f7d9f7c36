"""Every shell command shown in docs/ runs: blocks marked `<!-- frappe-only -->` need a bench and are
only syntax-checked (bash -n); `<!-- needs: TOOL -->` blocks run when TOOL is installed (in CI it must be); every other
```bash block runs from the repository root with the project's virtualenv first on PATH."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plugins.required_tools import require_tool

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"(?:<!-- (frappe-only|needs: [\w-]+) -->\n)?```bash\n(.*?)```", re.S)


def shell_blocks():
    for path in sorted((ROOT / "docs").glob("*.md")):
        for n, match in enumerate(BLOCK.finditer(path.read_text())):
            yield pytest.param(match.group(1), match.group(2), id=f"{path.name}#{n}")


BLOCKS = list(shell_blocks())


def test_docs_show_commands_of_both_kinds():
    marks = [block.values[0] for block in BLOCKS]
    assert "frappe-only" in marks and None in marks


@pytest.mark.parametrize("mark,script", BLOCKS)
def test_doc_command_runs(mark, script):
    syntax = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True, timeout=30)
    assert syntax.returncode == 0, syntax.stderr
    if mark == "frappe-only":
        return
    if mark and mark.startswith("needs: "):
        require_tool(mark.split(": ", 1)[1])
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT)}
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=ROOT, env=env, text=True,
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
