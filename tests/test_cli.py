"""The command as users and CI run it: a subprocess, its output formats and exit statuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hw2check.ledger import QUESTIONS, SCHEMA

# Runs the command in child processes: left out of mutation runs (README).
pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parents[1]
THEOREMS = {
    "theorem.proximal_step",
    "theorem.regret_identity",
    "theorem.convex_average_gap",
    "theorem.autodiff_agreement",
    "theorem.circulant_shift_commute",
    "theorem.shift_commutant_is_circulant",
    "theorem.conv_shift_equivariance",
    "theorem.sgd_step_can_increase_loss",
    "theorem.relu_interpolation",
}
ROW_KEYS = {"id", "question", "statement", "verdict", "method", "evidence", "seconds"}

GOOD = """\
[sheet]
title = "a sheet that gets Q3.1 right"

[q3_1]
minimizer = "w_t - (1/lam)*g"
step_size = "lam^-1"
proximity_gradient = "lam*w - lam*w_t"
gd_converges_for_strictly_convex = false
"""


def hw2check(
    *args: str, cwd: Path = ROOT, cache_home: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if cache_home is not None:
        env["XDG_CACHE_HOME"] = str(cache_home)
    return subprocess.run(
        [sys.executable, "-m", "hw2check", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def seed_json(warm_cache: Path) -> dict[str, object]:
    result = hw2check("--format", "json", cache_home=warm_cache)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    parsed: dict[str, object] = json.loads(lines[0])
    return parsed


def test_json_follows_the_ledger_contract(seed_json: dict[str, object]) -> None:
    assert seed_json["schema"] == SCHEMA
    assert seed_json["sheet"] == {
        "path": "<built-in seed sheet>",
        "title": "HW2 solutions, CS 4644/7643 Deep Learning, Spring 2024",
    }
    claims = seed_json["claims"]
    assert isinstance(claims, list)
    verdicts = {"proved", "checked", "refuted", "undecided"}
    for row in claims:
        assert ROW_KEYS <= set(row) <= ROW_KEYS | {"witness"}
        assert row["verdict"] in verdicts
        assert row["question"] in QUESTIONS
        assert isinstance(row["seconds"], float | int)
        if row["verdict"] == "refuted":
            assert row["witness"] and all(isinstance(v, str) for v in row["witness"].values())
    ids = [row["id"] for row in claims]
    assert len(ids) == len(set(ids))
    assert set(ids) >= THEOREMS
    summary = seed_json["summary"]
    assert isinstance(summary, dict)
    assert sum(summary.values()) == len(claims)
    assert set(summary) == verdicts


def test_seed_verdicts_of_question_3_1(seed_json: dict[str, object]) -> None:
    claims = seed_json["claims"]
    assert isinstance(claims, list)
    verdict = {row["id"]: row for row in claims}
    assert verdict["q3_1.minimizer"]["verdict"] == "proved"
    assert verdict["q3_1.step_size"]["verdict"] == "proved"
    assert verdict["q3_1.proximity_gradient"]["verdict"] == "refuted"
    assert verdict["q3_1.gd_converges_for_strictly_convex"]["verdict"] == "refuted"
    assert verdict["theorem.proximal_step"]["verdict"] == "proved"
    # the child process read the theorem rows from the cache folder it was given
    assert "(cached proof of " in verdict["theorem.proximal_step"]["method"]
    witness = verdict["q3_1.proximity_gradient"]["witness"]
    assert set(witness) == {"w", "w_t", "lam"}


@pytest.mark.usefixtures("use_warm_cache")
def test_default_table_fits_80_columns_and_exits_1() -> None:
    result = hw2check()
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("HW2 solutions")
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert any("q3_1.proximity_gradient" in line and "refuted" in line for line in lines)


def test_missing_sheet_exits_2_with_one_line() -> None:
    result = hw2check("missing.toml")
    assert result.returncode == 2
    # the report lists the sheet with its error, so a class report loses nobody
    assert result.stdout.startswith("missing.toml\nsheet: missing.toml\n")
    assert result.stderr.strip().count("\n") == 0
    assert "missing.toml" in result.stderr and "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_is_plain_and_fast() -> None:
    result = hw2check("--help")
    assert result.returncode == 0
    for option in ("--format", "--only", "--examples", "--seed", "--jobs", "--timeout", "--output"):
        assert option in result.stdout


def test_help_does_not_import_the_heavy_libraries() -> None:
    code = (
        "import sys; from hw2check.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('sympy', 'z3', 'hypothesis') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.stdout.strip().endswith("[]"), result.stdout


def test_jobs_1_and_jobs_2_print_the_same_ledger_apart_from_seconds() -> None:
    def ledger(jobs: str) -> list[dict[str, object]]:
        result = hw2check("--format", "json", "--jobs", jobs, "--no-cache")
        rows: list[dict[str, object]] = json.loads(result.stdout)["claims"]
        for row in rows:
            row.pop("seconds")
        return rows

    assert ledger("1") == ledger("2")


def test_the_command_writes_nothing_into_the_working_folder(tmp_path: Path) -> None:
    result = hw2check("--only", "3,5c,7", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_closed_pipe_ends_quietly() -> None:
    # 200 copies of a sheet: far more output than a pipe holds, so writing meets the
    # closed pipe (identical checks are decided once, so this is quick).
    seed = str(ROOT / "hw2check" / "data" / "seed-sheet.toml")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"}
    reader = subprocess.Popen(
        [sys.executable, "-m", "hw2check", *[seed] * 200, "--only", "5a", "--jobs", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    assert reader.stdout is not None and reader.stderr is not None
    assert reader.stdout.readline()  # like `| head -1`: one line, then the pipe is closed
    reader.stdout.close()
    # 1 when the write met the closed pipe; 0 where the system let the whole write through
    # (some sandboxes' pipes do); either way nothing on standard error, no traceback.
    assert reader.wait(timeout=120) in (0, 1)
    assert reader.stderr.read() == b""
    reader.stderr.close()
