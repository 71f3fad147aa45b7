"""The guard rails: format, lint, import contracts and types, checked by the same `pytest` as the rest.

Each tool runs in a subprocess from the repository root with its configuration in pyproject.toml;
a failure shows the tool's own report.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What mypy must find clean: the whole product.
MYPY_TARGETS = ["tui"]

# How each tool runs under the interpreter running pytest, so that its environment's tools are used.
PYTHON_ENTRY = {
    "ruff": ["-m", "ruff"],
    "mypy": ["-m", "mypy"],
    "lint-imports": ["-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"],
}


def run_tool(*command: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run a tool at the repository root, as `command` would from a shell; fail with its report."""
    tool, *args = command
    result = subprocess.run(
        [sys.executable, *PYTHON_ENTRY[tool], *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert result.returncode == 0 or not check, (
        f"`{' '.join(command)}` exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    )
    return result


def test_code_is_formatted():
    run_tool("ruff", "format", "--check", ".")


def test_ruff_finds_nothing():
    run_tool("ruff", "check", ".")


def test_import_contracts_hold():
    run_tool("lint-imports", "--no-logo")


@pytest.mark.timeout(600)  # a first run, with no mypy cache, checks textual's and aiohttp's stubs too
def test_mypy_is_clean():
    result = run_tool("mypy", *MYPY_TARGETS, check=False)
    assert result.returncode == 0 and not result.stderr.strip(), "mypy finds errors:\n" + result.stdout


def test_every_package_folder_has_an_init():
    """import-linter's graph skips namespace packages: a folder of modules without one goes unchecked."""
    missing = sorted(
        str(folder.relative_to(ROOT))
        for folder in {path.parent for path in (ROOT / "tui").rglob("*.py")}
        if not (folder / "__init__.py").exists()
    )
    assert missing == []
