"""The pytest plugin (GRADING.md): ``pytest --hw2check PATH...`` runs answer sheets as tests."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hw2check.pytest_plugin import claim_ids, is_sheet, outcome_of

CORRECT = '[sheet]\ntitle = "right"\n[q3_1]\nminimizer = "w_t - g/lam"\nstep_size = "1/lam"\n'
WRONG = '[sheet]\ntitle = "wrong"\n[q3_1]\nminimizer = "w_t + g/lam"\n'
OPEN = '[sheet]\ntitle = "open"\n[q3_2]\nbound = "wstar_sq/(2*eta) + eta/2*sum_v_sq + 1/(T - 1)"\n'
BAD = '[sheet]\ntitle = "bad"\n[q3_1]\nstep_size = "1/"\n'
OTHER = '[project]\nname = "x"\n'


@pytest.fixture
def sheets(pytester: pytest.Pytester) -> Path:
    pytester.makefile(".toml", alice=CORRECT, bob=WRONG, carol=OPEN, dave=BAD, pyproject=OTHER)
    return pytester.path


def test_is_sheet_looks_for_a_sheet_table_header(tmp_path: Path) -> None:
    for name, text, expected in [
        ("a.toml", CORRECT, True),
        ("b.toml", "  [ sheet ]  # the header\n", True),
        ("c.toml", '[sheets]\n[q3_1]\nx = "[sheet]"\n', False),
        ("d.toml", OTHER, False),
        ("e.txt", CORRECT, False),
        ("f.toml", "[sheet\n", False),
    ]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert is_sheet(path) is expected, name
    assert is_sheet(tmp_path / "missing.toml") is False


def test_outcome_of_a_row() -> None:
    refuted = {"id": "q", "verdict": "refuted", "evidence": "e", "witness": {"x": "1", "y": "2"}}
    assert outcome_of(refuted, False) == ("fail", "q refuted: e (witness: x = 1, y = 2)")
    undecided = {"id": "q", "verdict": "undecided", "evidence": "why"}
    assert outcome_of(undecided, False) == ("skip", "q undecided: why")
    assert outcome_of(undecided, True) == ("fail", "q undecided: why")
    assert outcome_of({"id": "q", "verdict": "proved", "evidence": ""}, True) == (
        "pass",
        "q proved",
    )
    assert outcome_of({"id": "q", "verdict": "checked", "evidence": ""}, False)[0] == "pass"


def test_claim_ids_in_sheet_order(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(CORRECT, encoding="utf-8")
    assert claim_ids(path) == ["q3_1.minimizer", "q3_1.step_size"]


def test_without_the_option_nothing_is_collected(sheets: Path, pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--collect-only", "-q", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_with_the_option_claims_are_items_and_a_bad_sheet_a_collection_error(
    sheets: Path, pytester: pytest.Pytester
) -> None:
    result = pytester.runpytest_inprocess(
        "--hw2check", "--collect-only", "-q", "-p", "no:cacheprovider"
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED
    lines = result.stdout.lines
    assert [line for line in lines if "::" in line] == [
        "alice.toml::q3_1.minimizer",
        "alice.toml::q3_1.step_size",
        "bob.toml::q3_1.minimizer",
        "carol.toml::q3_2.bound",
    ]
    assert f"hw2check: {sheets}/dave.toml:4:15: q3_1.step_size: '1/' ends with" in "\n".join(lines)
    assert "pyproject" not in "\n".join(lines)


def test_a_run_in_process_passes_fails_and_skips(sheets: Path, pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess(
        "--hw2check", "alice.toml", "bob.toml", "carol.toml", "-p", "no:cacheprovider", "-rs"
    )
    result.assert_outcomes(passed=2, failed=1, skipped=1)
    text = "\n".join(result.stdout.lines)
    assert (
        "q3_1.minimizer refuted: at w_t = 0, g = 1, lam = 1: the claim gives 1, the truth is -1"
        " (claim - truth ~ 2.00) (witness: w_t = 0, g = 1, lam = 1)"
    ) in text
    assert "Traceback" not in text
    assert "SKIPPED [1]" in text and "q3_2.bound undecided: " in text


@pytest.mark.subprocess
def test_a_run_with_junitxml_and_two_workers(sheets: Path, pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess(
        "--hw2check",
        "-n",
        "2",
        "--junitxml=report.xml",
        "--continue-on-collection-errors",
        "-p",
        "no:cacheprovider",
        "-rs",
    )
    result.assert_outcomes(passed=2, failed=1, skipped=1, errors=1)
    text = "\n".join(result.stdout.lines)
    assert "q3_1.minimizer refuted: at w_t = 0, g = 1, lam = 1: the claim gives 1" in text
    assert "q3_2.bound undecided: the bound is not a real number" in text
    root = ET.parse(sheets / "report.xml").getroot()
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert cases["q3_1.step_size"].find("failure") is None
    assert cases["q3_2.bound"].find("skipped") is not None
    bob = [case for case in root.iter("testcase") if case.get("classname") == "bob.toml"]
    failure = bob[0].find("failure")
    assert failure is not None and "refuted" in (failure.get("message") or "")
    strict = pytester.runpytest_subprocess(
        "--hw2check", "--hw2check-strict", "carol.toml", "-p", "no:cacheprovider"
    )
    strict.assert_outcomes(failed=1)


def test_verbose_lines_and_failure_headings_name_items_as_their_ids(
    sheets: Path, pytester: pytest.Pytester
) -> None:
    result = pytester.runpytest_inprocess(
        "--hw2check", "alice.toml", "bob.toml", "-v", "-p", "no:cacheprovider"
    )
    lines = result.stdout.lines
    assert any(line.startswith("alice.toml::q3_1.minimizer PASSED") for line in lines)
    assert any(line.startswith("bob.toml::q3_1.minimizer FAILED") for line in lines)
    assert not any("alice::toml" in line or "q3_1::minimizer" in line for line in lines)
    assert any(line.strip("_ ") == "bob.toml::q3_1.minimizer (hw2check)" for line in lines)
