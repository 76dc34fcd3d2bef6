"""The grading options of the command, called in process: --rubric, the new formats, bad
sheets in the output, ``hw2check rubric`` and ``hw2check autograder``."""

from __future__ import annotations

import json
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from hw2check import autograder, cli
from hw2check.grading import default_rubric, parse_rubric, rubric_text
from tests.command import outcome

SMALL = '[sheet]\ntitle = "small"\n[q3_1]\nstep_size = "1/lam"\nminimizer = "w_t + g/lam"\n'
BAD = '[sheet]\ntitle = "bad"\n[q3_1]\nstep_size = "1/"\n'
RUBRIC = '[rubric]\ntitle = "R"\n[points]\n"q3_1" = 2\n"q5" = 1\n[visibility]\n"q5" = "hidden"\n'


@pytest.fixture(autouse=True)
def _hypothesis_home() -> Iterator[None]:
    yield
    set_hypothesis_home_dir(None)  # main() points it at a scratch folder it then removes


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return outcome(capsys, [*args, "--examples", "20", "--jobs", "1", "--only", "3.1,5"])


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "small.toml").write_text(SMALL, encoding="utf-8")
    (tmp_path / "bad.toml").write_text(BAD, encoding="utf-8")
    (tmp_path / "rubric.toml").write_text(RUBRIC, encoding="utf-8")
    (tmp_path / "wrong.toml").write_text('[points]\nq9 = 1\n"q5" = -2\n', encoding="utf-8")
    return tmp_path


def test_a_bad_rubric_is_an_input_error_and_nothing_is_checked(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = files / "wrong.toml"
    status, out, err = run(capsys, str(files / "small.toml"), "--rubric", str(wrong))
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        f"{wrong}: points.q9: 'q9' matches no claim id; a claim id of docs/sheet-format.md or a"
        " prefix of ids ending before a '.' or '_', such as q3_1, q3_2, q3_3 (hw2check rubric"
        " lists every id)",
        f"{wrong}: points.q5: -2 is not allowed; a number from 0 to 1000000",
    ]


def test_gradescope_takes_exactly_one_sheet(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = str(files / "small.toml")
    status, out, err = run(capsys, sheet, sheet, "--format", "gradescope")
    assert (status, out) == (2, "")
    assert err == (
        "hw2check: error: --format gradescope grades exactly one SHEET, not 2 (see hw2check"
        " --help)\n"
    )


def test_gradescope_takes_no_directory(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, str(files), "--format", "gradescope")
    assert (status, out) == (2, "")
    assert err == (
        f"hw2check: error: --format gradescope grades exactly one SHEET, not a directory"
        f" ({files}) (see hw2check --help)\n"
    )


def test_gradescope_of_one_sheet_with_a_rubric(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = (str(files / "small.toml"), "--rubric", str(files / "rubric.toml"))
    status, out, err = run(capsys, *args, "--format", "gradescope")
    assert (status, err) == (1, "")
    data = json.loads(out)
    assert data["score"] == 2
    assert [(t["name"], t["score"], t["max_score"], t["status"]) for t in data["tests"]] == [
        ("3.1 q3_1.minimizer", 0, 2, "failed"),
        ("3.1 q3_1.step_size", 2, 2, "passed"),
        ("3.1 q3_1.proximity_gradient", 0, 2, "failed"),
        ("3.1 q3_1.gd_converges_for_strictly_convex", 0, 2, "failed"),
        ("5a q5.circulant_commutes_with_shift", 0, 1, "failed"),
        ("5b q5.only_circulants_commute_with_shift", 0, 1, "failed"),
    ]
    assert [t["visibility"] for t in data["tests"]][-2:] == ["hidden", "hidden"]
    assert data["output"].startswith("**small**: sheet `")


def test_bad_sheets_are_in_the_output_and_the_status_is_2(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad, small = str(files / "bad.toml"), str(files / "small.toml")
    status, out, err = run(
        capsys, bad, small, "--format", "csv", "--rubric", str(files / "rubric.toml")
    )
    assert status == 2
    assert err.startswith(f"{bad}:4:15: q3_1.step_size: '1/' ends with '/'")
    lines = out.splitlines()
    assert lines[0].startswith("path,title,status,score,max_score,q3_1.minimizer,")
    assert lines[1].startswith(f"{bad},,input error,0,10,not checked,0,")
    assert lines[2].startswith(f"{small},small,checked,2,10,refuted,0,proved,2,unanswered,0,")
    status, out, _ = run(capsys, bad, "--format", "json")
    assert status == 2
    assert json.loads(out)["errors"][0].startswith(f"{bad}:4:15: q3_1.step_size: ")
    assert "claims" not in json.loads(out)


def test_the_table_counts_claims_and_theorems_apart(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, str(files / "small.toml"))
    assert status == 1
    assert (
        "claims: proved 1, refuted 1 of 2 made; 4 unanswered · theorems: proved 4\n"
        "unanswered (4): q3_1.proximity_gradient, q3_1.gd_converges_for_strictly_convex,\n"
    ) in out
    assert "score:" not in out
    status, out, _ = run(capsys, str(files / "small.toml"), "--rubric", str(files / "rubric.toml"))
    assert "\nscore: 2 / 10 (rubric: R)\npoints lost:\n  q3_1.minimizer: 0 / 2, refuted" in out


def test_hw2check_rubric_prints_the_default_rubric(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["rubric"]) == 0
    out = capsys.readouterr().out
    assert out == rubric_text(default_rubric())
    assert parse_rubric(out, "printed").points == default_rubric().points


def test_hw2check_autograder_writes_the_zip(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = files / "autograder.zip"
    assert (
        cli.main(["autograder", "--rubric", str(files / "rubric.toml"), "--output", str(output)])
        == 0
    )
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        assert names[:3] == ["setup.sh", "run_autograder", "rubric.toml"]
        assert names[3] == "hw2check-0.1.0-py3-none-any.whl"
        assert archive.read("rubric.toml").decode() == RUBRIC
        assert archive.getinfo("setup.sh").external_attr >> 16 == 0o100755
        assert archive.read("run_autograder").decode() == autograder.RUN_AUTOGRADER
        wheel = files / names[3]
        wheel.write_bytes(archive.read(names[3]))
    out = capsys.readouterr().out
    assert out == f"hw2check: wrote {output} ({', '.join(names)})\n"
    with zipfile.ZipFile(wheel) as built:
        listed = built.namelist()
        assert "hw2check/cli.py" in listed and "proofs/claims.py" in listed
        assert "hw2check/data/seed-sheet.toml" in listed
        assert not any("__pycache__" in name for name in listed)
        record = built.read("hw2check-0.1.0.dist-info/RECORD").decode()
        assert record.endswith("hw2check-0.1.0.dist-info/RECORD,,\n")
        assert len(record.splitlines()) == len(listed)
        metadata = built.read("hw2check-0.1.0.dist-info/METADATA").decode()
        assert "Requires-Dist: sympy" in metadata
        entry_points = built.read("hw2check-0.1.0.dist-info/entry_points.txt").decode()
        assert "hw2check = hw2check.pytest_plugin" in entry_points


def test_hw2check_autograder_refuses_a_bad_rubric_or_output(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = files / "autograder.zip"
    assert (
        cli.main(["autograder", "--rubric", str(files / "wrong.toml"), "--output", str(output)])
        == 2
    )
    assert not output.exists()
    assert capsys.readouterr().err.count("\n") == 2
    assert cli.main(["autograder", "--output", str(files)]) == 2
    assert capsys.readouterr().err == f"hw2check: {files}: cannot write (is a directory)\n"
    assert cli.main(["autograder", "--output", str(output)]) == 0
    with zipfile.ZipFile(output) as archive:
        assert archive.read("rubric.toml").decode() == rubric_text(default_rubric())


def layout(root: Path, *sheets: tuple[str, str]) -> Path:
    (root / "source").mkdir(parents=True)
    (root / "source" / "rubric.toml").write_text(RUBRIC, encoding="utf-8")
    (root / "submission").mkdir()
    for name, text in sheets:
        (root / "submission" / name).write_text(text, encoding="utf-8")
    return root / "results" / "results.json"


def test_run_autograder_grades_the_one_sheet(tmp_path: Path) -> None:
    results = layout(tmp_path, ("alice.toml", SMALL))
    assert autograder.run(tmp_path) == 0
    data = json.loads(results.read_text("utf-8"))
    assert data["score"] == 2
    assert len(data["tests"]) == 6


def test_run_autograder_that_runs_out_of_time_still_writes_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = layout(tmp_path, ("alice.toml", SMALL))
    seen: list[float] = []

    def too_slow(command: list[str], check: bool, timeout: float) -> None:
        seen.append(timeout)
        raise subprocess.TimeoutExpired(command, timeout)

    monkeypatch.setattr(subprocess, "run", too_slow)
    assert autograder.run(tmp_path) == 0
    assert seen == [autograder.GRADE_SECONDS] and autograder.GRADE_SECONDS < 600
    data = json.loads(results.read_text("utf-8"))
    assert data["score"] == 0
    assert "grading took longer than 540 s; ask the course staff" in data["output"]
    assert all(test["status"] == "failed" for test in data["tests"])


@pytest.mark.parametrize(
    ("sheets", "problem"),
    [
        ((), "the submission has no .toml answer sheet"),
        (
            (("a.toml", SMALL), ("b.toml", SMALL)),
            "the submission has 2 .toml files (a.toml, b.toml); submit exactly one",
        ),
    ],
)
def test_run_autograder_without_exactly_one_sheet_scores_0(
    tmp_path: Path, sheets: tuple[tuple[str, str], ...], problem: str
) -> None:
    results = layout(tmp_path, *sheets)
    assert autograder.run(tmp_path) == 0
    data = json.loads(results.read_text("utf-8"))
    assert data["score"] == 0
    assert data["output"].endswith(f"Not checked: the sheet has input errors:\n\n- {problem}")
    assert [t["status"] for t in data["tests"]] == ["failed"] * 6
    assert all(t["output"].startswith("**Verdict:** not checked") for t in data["tests"])
