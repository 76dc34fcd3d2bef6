"""The command's contract, run in this process: exit statuses, formats, --only, --output.

These assertions were those of child-process tests in ``tests/test_cli.py``; run here through
``cli.main`` they check the same things, faster, and mutation testing sees what they run.
``command(...)`` returns what a child process would: the status, stdout and stderr.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.command import Command
from tests.test_cli import GOOD


def test_a_sheet_with_nothing_refuted_exits_0(command: Command, tmp_path: Path) -> None:
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    result = command(str(path), "--only", "3.1", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    ledger = json.loads(result.stdout)
    assert ledger["summary"]["proved"] == 5  # four claims and the theorem
    assert {row["question"] for row in ledger["claims"]} == {"3.1"}


def test_a_bad_sheet_does_not_stop_the_good_ones(command: Command, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[sheet]\ntitle = "bad"\n[q3_1]\nminimizer = "__import__(\'os\')"\n')
    good = tmp_path / "good.toml"
    good.write_text(GOOD)
    result = command(str(bad), str(good), "--only", "3.1", "--format", "json")
    assert result.returncode == 2
    assert "bad.toml:4:14: q3_1.minimizer:" in result.stderr
    assert "Traceback" not in result.stderr
    ledgers = [json.loads(line) for line in result.stdout.splitlines()]
    # the bad sheet keeps its place, with its errors and no claims
    assert [ledger["sheet"]["title"] for ledger in ledgers] == ["", "a sheet that gets Q3.1 right"]
    assert "claims" not in ledgers[0] and "claims" in ledgers[1]
    assert ledgers[0]["sheet"]["path"] == str(bad)
    assert ledgers[0]["errors"] == result.stderr.splitlines()


def test_several_sheets_give_one_json_line_each(command: Command, tmp_path: Path) -> None:
    paths = []
    for number in range(3):
        path = tmp_path / f"s{number}.toml"
        path.write_text(GOOD.replace("a sheet", f"sheet {number}"))
        paths.append(str(path))
    result = command(*paths, "--only", "3.1", "--format", "json", "--jobs", "2")
    assert result.returncode == 0
    titles = [json.loads(line)["sheet"]["title"] for line in result.stdout.splitlines()]
    assert titles == [f"sheet {n} that gets Q3.1 right" for n in range(3)]


@pytest.mark.parametrize(
    "args",
    [
        ["--only", "9"],
        ["--only", ""],
        ["--examples", "0"],
        ["--jobs", "x"],
        ["--timeout", "-1"],
        ["--seed", "-3"],
        ["--format", "pdf"],
        ["--no-such-flag"],
    ],
)
def test_usage_errors_exit_2(command: Command, args: list[str]) -> None:
    result = command(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_output_file_and_formats(command: Command, tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    result = command("--only", "3.1", "--format", "markdown", "--output", str(target))
    assert result.returncode == 1
    assert result.stdout == ""
    text = target.read_text()
    assert text.startswith("# HW2 solutions")
    assert "| 3.1 | `q3_1.minimizer` |" in text
    html = tmp_path / "r.html"
    assert command("--only", "3.1", "--format", "html", "--output", str(html)).returncode == 1
    assert "<table>" in html.read_text()


def test_bad_input_writes_no_output_file(command: Command, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = command(str(tmp_path / "nope.toml"), "--output", str(target))
    assert result.returncode == 2
    assert not target.exists()


def test_only_restricts_rows_to_question_prefixes(command: Command) -> None:
    result = command("--only", "5,7", "--format", "json")
    questions = {row["question"] for row in json.loads(result.stdout)["claims"]}
    assert questions <= {"5a", "5b", "5c", "7"}
    assert {"5a", "7"} <= questions
