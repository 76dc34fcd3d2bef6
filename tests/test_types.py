"""The type check is part of the tests: mypy (strict, configured in pyproject.toml) passes.

Mutation runs count a mutant that this check rejects as caught (README, Mutation testing).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.subprocess
def test_the_code_type_checks_strictly() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found")


@pytest.mark.subprocess
def test_the_tests_and_benchmarks_type_check_too() -> None:
    # Not part of the mutation runs' check (mutants change only the packages), but the
    # project's standard: type hints throughout, mypy clean.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "tests", "bench", "mutation"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
