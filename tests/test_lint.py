"""The code itself: `ruff check` and `mypy`, configured in pyproject.toml, pass from the
repository's root, so that the test command (.ci/run) checks the code as well as what it
makes.  Each is skipped, saying so, only where it is not installed (the `test` extra
installs both)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from conftest import REPO


def _run_tool(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed; `pip install -e '.[test]'` installs it")
    # (this interpreter's copy of the tool; its cache stays in the repository, git-ignored,
    # so that a second run only checks what changed)
    return subprocess.run([sys.executable, "-m", module, *args], cwd=REPO,
                          capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    result = _run_tool("ruff", "check", "--no-fix", "--output-format", "concise")
    assert result.returncode == 0, f"`ruff check` found problems:\n{result.stdout}{result.stderr}"


def test_mypy_finds_no_type_errors() -> None:
    result = _run_tool("mypy")
    assert result.returncode == 0, f"`mypy` found type errors:\n{result.stdout}{result.stderr}"
    assert "Success" in result.stdout  # (it checked files: pyproject.toml names them)
