"""ruff and mypy (configured in pyproject.toml) find nothing: part of the suite, so every landing
and CI check them. To fix: `.venv/bin/ruff check --fix` (most ruff findings), then read mypy's."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT_DIR

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists() and shutil.which(name) is None:
        pytest.fail(f"{name} is not installed: `make test` installs it (the test extras)")
    return str(path if path.exists() else shutil.which(name))


def test_ruff_finds_nothing() -> None:
    done = subprocess.run([tool("ruff"), "check", "--no-cache", "--output-format", "concise"], cwd=PROJECT_DIR,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"ruff check (fix most with `.venv/bin/ruff check --fix`):\n{done.stdout}{done.stderr}"


def test_mypy_finds_nothing() -> None:
    done = subprocess.run([tool("mypy"), "--no-incremental", "--cache-dir", "/dev/null"], cwd=PROJECT_DIR,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"mypy:\n{done.stdout}{done.stderr}"
