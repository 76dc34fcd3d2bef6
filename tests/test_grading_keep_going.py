"""A sheet with errors checked in spite of them (``--keep-going``), in every format.

Without ``--keep-going`` such a sheet is not checked (score 0, every claim "not checked",
docs/grading.md); with it, its valid claims are checked and graded, and a claim whose key has
an error is "not checked" for that error, in every format.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hw2check.grading import NOT_CHECKED, _error_of
from hw2check.report import _text
from tests.command import outcome

# minimizer is right, step_size does not read: one valid claim and one bad key
SHEET = '[sheet]\ntitle = "half"\n[q3_1]\nminimizer = "w_t - g/lam"\nstep_size = "1/"\n'


@pytest.fixture
def sheet(tmp_path: Path) -> str:
    path = tmp_path / "half.toml"
    path.write_text(SHEET)
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return outcome(capsys, [*args, "--only", "3.1", "--examples", "10", "--jobs", "1"])


def test_without_keep_going_the_sheet_is_not_checked(
    sheet: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, sheet, "--format", "csv")
    assert status == 2 and err.startswith(f"{sheet}:5:15: q3_1.step_size: ")
    record = next(csv.DictReader(io.StringIO(out)))
    assert (record["status"], record["score"]) == ("input error", "0")
    assert record["q3_1.minimizer"] == NOT_CHECKED


def test_keep_going_grades_the_valid_claims_in_the_csv(
    sheet: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, sheet, "--format", "csv", "--keep-going")
    assert status == 2 and err.count("\n") == 1
    record = next(csv.DictReader(io.StringIO(out)))
    assert (record["status"], record["score"]) == ("input error", "1")
    assert (record["q3_1.minimizer"], record["q3_1.minimizer points"]) == ("proved", "1")
    assert (record["q3_1.step_size"], record["q3_1.step_size points"]) == (NOT_CHECKED, "0")
    assert record["q3_1.proximity_gradient"] == "unanswered"


def test_keep_going_in_gradescope_json_and_junit(
    sheet: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, err = run(capsys, sheet, "--format", "gradescope", "--keep-going")
    tests = {test["name"]: test for test in json.loads(out)["tests"]}
    assert tests["3.1 q3_1.minimizer"]["status"] == "passed"
    step = tests["3.1 q3_1.step_size"]
    assert step["status"] == "failed" and step["score"] == 0
    assert f"not checked: {_text(err.strip())}" in step["output"]  # as Markdown
    assert json.loads(out)["score"] == 1

    _, out, _ = run(capsys, sheet, "--format", "json", "--keep-going")
    line = json.loads(out)
    assert line["errors"] == [err.strip()]
    assert {row["id"] for row in line["claims"]} == {"q3_1.minimizer", "theorem.proximal_step"}

    _, out, _ = run(capsys, sheet, "--format", "junit", "--keep-going")
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None
    names = [case.get("name") for case in suite.iter("testcase")]
    assert names == ["q3_1.minimizer", NOT_CHECKED]
    assert (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("2", "1", "0")


def test_keep_going_lists_the_errors_under_the_table_and_markdown(
    sheet: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, err = run(capsys, sheet, "--keep-going")
    assert out.endswith(f"\nInput errors (their keys were not checked):\n  {err}")
    _, out, err = run(capsys, sheet, "--keep-going", "--format", "markdown")
    listed = f"\n\n- {_text(err.strip())}\n"  # as Markdown
    assert out.endswith("\nInput errors (their keys were not checked):" + listed)


def test_an_error_names_the_claims_of_its_key_only() -> None:
    errors = ["s.toml:4:1: q4.forward_mode[1]: not a pair", "s.toml:9:2: q3_1.step_size: bad"]
    assert _error_of("q4.forward_mode.f2_w1", errors) == errors[0]
    assert _error_of("q3_1.step_size", errors) == errors[1]
    assert _error_of("q3_1.step", errors) is None  # a prefix of a key is another key
    assert _error_of("q4.finite_difference.f1_w1", errors) is None
    assert _error_of("q4.graph_f1", ["s.toml:5:1: q4.graph_f1.n2: unknown symbol"]) is not None
