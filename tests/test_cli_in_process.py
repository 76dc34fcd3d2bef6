"""The command called as a function: exact output, messages and exit statuses.

``tests/test_cli.py`` runs the command as users do, in a child process; these tests call
``main`` here, so that they compare every character and mutation testing sees what they run.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from hw2check import cli, guard
from hw2check.formats import render
from hw2check.grading import default_rubric, grade
from hw2check.ledger import Ledger
from hw2check.sheet import SEED_PATH
from tests import snapshot
from tests.command import outcome


@pytest.fixture(autouse=True)
def _hypothesis_home() -> Iterator[None]:
    yield
    set_hypothesis_home_dir(None)  # main() points it at a scratch folder it then removes


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return outcome(capsys, [*args, "--examples", "20", "--jobs", "1"])


def expected(name: str, questions: tuple[str, ...], fmt: str, path: str | None = None) -> str:
    whole = snapshot.ledger(name)
    rows = tuple(row for row in whole.claims if row.question.startswith(questions))
    ledger = Ledger(path or whole.path, whole.title, rows)
    sheet = snapshot.sheet(name)
    return render([ledger], fmt, [sheet], [grade(default_rubric(), ledger, sheet, (), questions)])


USAGE = "hw2check: error: argument {}: {} (see hw2check --help)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--only", "9"],
            USAGE.format(
                "--only",
                "'9' matches no question; questions are 3.1 3.2 3.3 4a 4b 4c 4d 4e 5a 5b 5c 6 7",
            ),
        ),
        (
            ["--only", " , "],
            USAGE.format("--only", "give at least one question, e.g. --only 3.2,4"),
        ),
        (["--examples", "0"], USAGE.format("--examples", "'0' must be at least 1")),
        (["--jobs", "x"], USAGE.format("--jobs", "'x' is not a whole number")),
        (["--seed", "-3"], USAGE.format("--seed", "'-3' must be at least 0")),
        (
            ["--timeout", "-1"],
            USAGE.format("--timeout", "'-1' must be a positive number of seconds"),
        ),
        (["--timeout", "0"], USAGE.format("--timeout", "'0' must be a positive number of seconds")),
        (
            ["--timeout", "inf"],
            USAGE.format("--timeout", "'inf' must be a positive number of seconds"),
        ),
        (
            ["--timeout", "nan"],
            USAGE.format("--timeout", "'nan' must be a positive number of seconds"),
        ),
        (["--timeout", "soon"], USAGE.format("--timeout", "'soon' is not a number of seconds")),
        (
            ["--format", "pdf"],
            USAGE.format(
                "--format",
                "invalid choice: 'pdf' (choose from 'table', 'json', 'markdown', 'html',"
                " 'gradescope', 'csv', 'junit')",
            ),
        ),
        (
            ["--no-such-flag"],
            "hw2check: error: unrecognized arguments: --no-such-flag (see hw2check --help)\n",
        ),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert run(capsys, *args) == (2, "", message)


def test_the_smallest_accepted_values(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--only", "5a", "--seed", "0", "--timeout", "0.5")
    assert status == 0 and "q5.circulant_commutes_with_shift" in out


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_the_seed_report_is_the_snapshot_s(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    status, out, err = run(capsys, "--only", "3.1,5", "--format", fmt)
    assert (status, err) == (1, "")
    assert out == expected("seed", ("3.1", "5"), fmt, SEED_PATH)


def test_nothing_refuted_exits_0_and_json_has_one_line_per_sheet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sheet = str(snapshot.SHEETS / "correct.toml")
    status, out, err = run(capsys, sheet, sheet, "--only", "3.1", "--format", "json")
    assert (status, err) == (0, "")
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 2
    for line in lines:
        assert line["sheet"] == {"path": sheet, "title": "snapshot: all correct"}
        assert line["summary"] == {"proved": 5, "checked": 0, "refuted": 0, "undecided": 0}


def test_a_bad_sheet_is_reported_and_the_good_one_still_checked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[sheet]\ntitle = "b"\n[q9]\n')
    good = str(snapshot.SHEETS / "seed.toml")
    status, out, err = run(capsys, str(bad), good, "--only", "3.1")
    assert status == 2
    assert err == (
        f"{bad}:3:2: q9: unknown table ['q9']; "
        "tables allowed: sheet, q3_1, q3_2, q3_3, q4, q5, q6\n"
    )
    assert out == (
        f"{bad}\nsheet: {bad}\n\nNot checked: the sheet has input errors\n  {err}\n"
        + expected("seed", ("3.1",), "table", good)
    )


def test_only_bad_sheets_check_nothing_and_are_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "none.toml"
    status, out, err = run(capsys, str(missing))
    assert status == 2
    assert err.startswith(f"{missing}: ") and err.count("\n") == 1
    # nothing is checked, and the report still lists the sheet with its error
    assert out == f"{missing}\nsheet: {missing}\n\nNot checked: the sheet has input errors\n  {err}"


def test_the_report_goes_to_the_output_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "report.md"
    status, out, err = run(capsys, "--only", "3.1", "--format", "markdown", "--output", str(target))
    wrote = (
        f"hw2check: wrote {target} (1 sheet: claims: proved 2, refuted 2 · theorems: proved 1)\n"
    )
    assert (status, out, err) == (1, "", wrote)
    assert target.read_text("utf-8") == expected("seed", ("3.1",), "markdown", SEED_PATH)


def test_the_output_file_is_utf8_whatever_the_locale(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as if the locale's encoding were UTF-16: a write without an encoding would use it
    monkeypatch.setattr(io, "text_encoding", lambda encoding, stacklevel=2: encoding or "utf-16")
    target = tmp_path / "report.md"
    status, out, err = run(capsys, "--only", "3.1", "--format", "markdown", "--output", str(target))
    assert (status, out) == (1, "") and err.startswith(f"hw2check: wrote {target} (1 sheet: ")
    wanted = expected("seed", ("3.1",), "markdown", SEED_PATH)
    assert target.read_bytes() == wanted.encode("utf-8")


@pytest.mark.parametrize(
    ("where", "problem"),
    [
        (".", "is a directory"),
        ("missing/report.txt", "no such directory '{}/missing'"),
    ],
)
def test_an_unwritable_output_is_refused_before_any_check(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, where: str, problem: str
) -> None:
    target = tmp_path / where
    status, out, err = run(capsys, "--output", str(target))
    assert (status, out) == (2, "")
    assert err == f"hw2check: {target}: cannot write ({problem.format(tmp_path)})\n"


def test_a_write_that_fails_late_is_an_input_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.txt"

    def refuse(self: Path, *args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "write_text", refuse)
    status, out, err = run(capsys, "--only", "3.1", "--output", str(target))
    assert (status, out) == (2, "")
    assert err == f"hw2check: {target}: cannot write (Permission denied)\n"


def test_output_problems_are_found_in_order(tmp_path: Path) -> None:
    assert guard.output_problem(tmp_path) == "is a directory"
    assert guard.output_problem(tmp_path / "x" / "y") == f"no such directory '{tmp_path / 'x'}'"
    assert guard.output_problem(tmp_path / "new.txt") is None


def test_the_console_script_exits_with_the_status(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.argv", ["hw2check", "--examples", "0"])
    with pytest.raises(SystemExit) as leaving:
        cli.run()
    assert leaving.value.code == 2
    assert capsys.readouterr().err == USAGE.format("--examples", "'0' must be at least 1")
    monkeypatch.setattr("sys.argv", ["hw2check", "--only", "5a", "--jobs", "1"])
    with pytest.raises(SystemExit) as done:
        cli.run()
    assert done.value.code == 0


def test_help_is_the_recorded_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    recorded = (snapshot.HERE / "help.txt").read_text("utf-8")
    assert cli.parser().format_help() == recorded
    assert cli.parser().parse_args([]).jobs == 2
    monkeypatch.setattr("os.cpu_count", lambda: None)
    assert cli.parser().parse_args([]).jobs == 1


def test_the_defaults_of_format_seed_and_timeout() -> None:
    args = cli.parser().parse_args([])
    assert (args.format, args.seed, args.timeout) == ("table", 0, 20.0)
    assert args.examples == 100


def test_hypothesis_keeps_its_caches_in_a_scratch_folder_removed_at_the_end(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    homes: list[str | Path | None] = []
    monkeypatch.setattr("hypothesis.configuration.set_hypothesis_home_dir", homes.append)
    assert run(capsys, str(tmp_path / "none.toml"))[0] == 2
    assert len(homes) == 1 and isinstance(homes[0], str)
    scratch = Path(homes[0])
    assert scratch.name.startswith("hw2check-") and not scratch.exists()


def test_the_budgets_reach_every_check_as_given(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from hw2check import topics

    given: list[topics.Settings] = []

    class Recorder:
        def theorem_checks(self, settings: topics.Settings) -> list[object]:
            given.append(settings)
            return []

        def claim_checks(
            self, sheet: object, settings: topics.Settings, rows: object
        ) -> list[object]:
            given.append(settings)
            return []

    monkeypatch.setattr(topics, "topics", lambda: [Recorder()])
    status, _, err = run(capsys, "--seed", "7", "--timeout", "3", "--format", "json")
    assert (status, err) == (0, "")
    assert given == [topics.Settings(examples=20, seed=7, timeout=3.0)] * 2


def test_a_folder_or_file_without_write_access_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    allowed = {str(tmp_path)}
    monkeypatch.setattr(os, "access", lambda path, mode: str(path) in allowed)
    target = tmp_path / "report.txt"
    assert guard.output_problem(target) is None  # the folder is writable, the file is new
    target.write_text("old")
    assert guard.output_problem(target) == "not writable"  # the file exists and is not
    allowed.clear()
    target.unlink()
    assert guard.output_problem(target) == "not writable"  # the folder is not


GOOD_Q5 = '[sheet]\ntitle = "{}"\n[q5]\ncirculant_commutes_with_shift = true\n'


def test_a_directory_is_every_sheet_under_it_in_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "b.toml").write_text(GOOD_Q5.format("second"))
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "z.toml").write_text(GOOD_Q5.format("first"))
    (tmp_path / "other.toml").write_text("[tool]\nx = 1\n")
    status, out, err = run(capsys, "check", str(tmp_path), "--only", "5a", "--format", "json")
    assert (status, err) == (0, "")
    assert [json.loads(line)["sheet"]["title"] for line in out.splitlines()] == [
        "first",
        "second",
    ]


def test_keep_going_checks_the_valid_claims_and_still_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sheet = tmp_path / "s.toml"
    sheet.write_text(GOOD_Q5.format("t") + "only_circulant = true\n")
    status, out, err = run(capsys, str(sheet), "--only", "5a", "--quiet")
    assert (status, out) == (2, "")
    assert err.startswith(f"{sheet}:5:18: q5.only_circulant: unknown key 'only_circulant'")
    status, out, err = run(capsys, str(sheet), "--only", "5a", "--quiet", "--keep-going")
    assert status == 2 and err.count("\n") == 1
    assert out == f"{sheet}: claims: proved 1 of 1 made · theorems: proved 1\n"


def test_a_sheet_named_like_a_subcommand_is_given_as_a_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("init").write_text(GOOD_Q5.format("named init"))
    status, out, err = run(capsys, "./init", "--only", "5a", "--quiet")
    assert (status, out, err) == (
        0,
        "./init: claims: proved 1 of 1 made · theorems: proved 1\n",
        "",
    )
    assert Path("init").read_text() == GOOD_Q5.format("named init")
