"""Q6 end to end: sheets through the command (exit codes) and through ``claim_checks``."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from hw2check import cli
from hw2check.ledger import Outcome, Row, Verdict
from hw2check.sheet import load_seed, parse_sheet
from hw2check.topics import Settings
from proofs import sgd

ROOT = Path(__file__).resolve().parent.parent
SEED_COMPONENTS = '["(w - 2)**2/2", "(w + 1)**2/2"]'


def sheet_text(q6: str) -> str:
    return f'[sheet]\ntitle = "q6 test"\n\n[q6]\n{q6}\n'


@pytest.fixture
def run_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[..., subprocess.CompletedProcess[str]]]:
    """The command on a sheet with this [q6] table, run in this process (``cli.main``)."""

    def run(q6: str, *options: str) -> subprocess.CompletedProcess[str]:
        path = tmp_path / "sheet.toml"
        path.write_text(sheet_text(q6), encoding="utf-8")
        status = cli.main([str(path), "--only", "6", *options])
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(["hw2check", str(path)], status, out, err)

    yield run
    set_hypothesis_home_dir(None)  # main() points it at a scratch folder it then removes


MALFORMED = {
    "picked out of range": (
        f'components = {SEED_COMPONENTS}\nstart = 0\npicked = 3\nstep_sizes = "eta > 0"',
        "q6.picked",
    ),
    "start missing": (
        f'components = {SEED_COMPONENTS}\npicked = 1\nstep_sizes = "eta > 0"',
        "q6.start",
    ),
    "step_sizes an expression": (
        f'components = {SEED_COMPONENTS}\nstart = 0\npicked = 1\nstep_sizes = "eta + 1"',
        "q6.step_sizes",
    ),
    "step_sizes a number": (
        f"components = {SEED_COMPONENTS}\nstart = 0\npicked = 1\nstep_sizes = 1",
        "q6.step_sizes",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_q6_table_exits_2_with_a_located_message(
    run_command: Callable[..., subprocess.CompletedProcess[str]], case: str
) -> None:
    table, key = MALFORMED[case]
    result = run_command(table)
    assert result.returncode == 2, result.stderr
    assert key in result.stderr
    assert "Traceback" not in result.stderr


def test_command_on_a_refuted_sheet_exits_1_with_a_rational_witness(
    run_command: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    table = f'components = {SEED_COMPONENTS}\nstart = 0\npicked = 1\nstep_sizes = "eta >= 1/2"'
    result = run_command(table, "--format", "json")
    assert result.returncode == 1, result.stderr
    rows = {row["id"]: row for row in json.loads(result.stdout)["claims"]}
    assert rows["q6.counterexample"]["verdict"] == "refuted"
    assert rows["q6.counterexample"]["witness"] == {"eta": "1/2"}
    assert rows[sgd.THEOREM_ID]["verdict"] == "proved"


def decide_all(q6: str, theorem: Verdict | None = Verdict.PROVED) -> dict[str, Outcome]:
    sheet = parse_sheet(sheet_text(q6), "test.toml")
    theorems = {}
    if theorem is not None:
        row = Row(sgd.THEOREM_ID, "6", "", theorem, "", "", None, 0.0)
        theorems[sgd.THEOREM_ID] = row
    return {
        check.id: check.decide(*check.args)
        for check in sgd.claim_checks(sheet, Settings(examples=40), theorems)
    }


def test_seed_sheet_rows() -> None:
    sheet = load_seed()
    theorem = sgd.theorem_checks(Settings())[0]
    theorem_outcome = theorem.decide(*theorem.args)
    assert theorem_outcome.verdict is Verdict.PROVED
    row = Row(sgd.THEOREM_ID, "6", "", theorem_outcome.verdict, "", "", None, 0.0)
    outcomes = {
        check.id: check.decide(*check.args)
        for check in sgd.claim_checks(sheet, Settings(), {sgd.THEOREM_ID: row})
    }
    verdicts = {key: outcome.verdict for key, outcome in outcomes.items()}
    assert verdicts == {
        "q6.sgd_always_decreases": Verdict.PROVED,
        "q6.counterexample": Verdict.PROVED,
        "q6.next_iterate": Verdict.PROVED,
        "q6.next_iterate_sign": Verdict.REFUTED,
        "q6.real_roots": Verdict.REFUTED,
        "q6.nonreal_roots": Verdict.PROVED,
    }
    # -eta < 0 for every eta > 0: the witness is any positive rational, re-checked here.
    eta = Fraction(outcomes["q6.next_iterate_sign"].witness["eta"])  # type: ignore[index]
    assert eta > 0
    assert outcomes["q6.real_roots"].witness == {"true_count": "0"}
    assert "1/2 - 3*I/2" in outcomes["q6.nonreal_roots"].evidence


def test_always_decreases_true_is_refuted_and_false_rests_on_the_theorem() -> None:
    refuted = decide_all("sgd_always_decreases = true")["q6.sgd_always_decreases"]
    assert refuted.verdict is Verdict.REFUTED
    assert refuted.witness is not None and refuted.witness["eta"] == "1"
    assert (
        decide_all("sgd_always_decreases = false")["q6.sgd_always_decreases"].verdict
        is Verdict.PROVED
    )
    for theorem in (Verdict.UNDECIDED, None):
        outcome = decide_all("sgd_always_decreases = false", theorem)["q6.sgd_always_decreases"]
        assert outcome.verdict is Verdict.UNDECIDED


def test_root_counts_without_components_are_undecided() -> None:
    outcomes = decide_all("real_roots = 0\nnonreal_roots = 2")
    assert {o.verdict for o in outcomes.values()} == {Verdict.UNDECIDED}
    assert "F is unknown" in outcomes["q6.real_roots"].evidence


@pytest.mark.subprocess
def test_python_m_proofs_sgd_prints_the_z3_queries() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "proofs.sgd"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "z3: exists eta: eta > 0 and eta**2 + eta <= 0?  unsat" in result.stdout
    assert "FAILED" not in result.stdout
    assert "q6.next_iterate_sign" in result.stdout and "sat" in result.stdout
