"""The linters and the type checker, run as CI runs them, from the repository root."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

CHECKS = {
    "ruff check": [str(BIN / "ruff"), "check", "."],
    "ruff format": [str(BIN / "ruff"), "format", "--check", "."],
    "mypy": [str(BIN / "mypy"), "core", "notifier", "workers", "webapp", "bots"],
    "import-linter": [str(BIN / "lint-imports"), "--no-cache"],
    # Dead code, configured in pyproject.toml ([tool.vulture], vulture_whitelist.py).
    "vulture": [str(BIN / "vulture")],
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_tool_passes(name: str) -> None:
    done = subprocess.run(
        CHECKS[name], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"{name} failed:\n{done.stdout}\n{done.stderr}"


def _fenced_commands(text: str) -> list[str]:
    blocks = text.split("```sh\n")[1:]
    return [block.split("```", 1)[0].strip() for block in blocks]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    """The README's second command is the one CI runs (and the first sets up and runs)."""
    run_command, test_command = _fenced_commands((ROOT / "README.md").read_text())[:2]
    assert "zvonok run" in run_command
    assert "pytest" in test_command
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_command in ci_lines
