"""Review of the grading layer (issue #15): rubrics, formats, the autograder, the plugin."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest

from hw2check import autograder
from hw2check.formats import Result, junit
from hw2check.grading import (
    RubricErrors,
    grade,
    load_rubric,
    matches,
    most_specific,
    parse_rubric,
    points_text,
    rubric_text,
)
from hw2check.ledger import Ledger


def _problems(text: str) -> list[str]:
    with pytest.raises(RubricErrors) as caught:
        parse_rubric(text, "r.toml")
    return [str(problem) for problem in caught.value.problems]


def test_an_exact_claim_id_names_that_claim_only() -> None:
    # q6.next_iterate is a claim id: it is not a prefix of q6.next_iterate_sign.
    assert matches("q6.next_iterate", "q6.next_iterate") is True
    assert matches("q6.next_iterate", "q6.next_iterate_sign") is False
    assert matches("q6", "q6.next_iterate_sign") is True
    assert most_specific(["q6", "q6.next_iterate"], "q6.next_iterate_sign") == "q6"
    rubric = parse_rubric('[points]\n"q6.next_iterate" = 2\n', "r.toml")
    assert [claim_id for claim_id, _ in rubric.graded()] == ["q6.next_iterate"]
    assert rubric.points_of("q6.next_iterate_sign") is None


def test_points_have_an_upper_end() -> None:
    text = f'[points]\nq3 = {10**400}\n"q6.counterexample" = 0.5\nq5 = 1e300\n'
    assert _problems(text) == [
        "r.toml: points.q3: <an integer of 1,329 bits> is not allowed; a number from 0 to 1000000",
        "r.toml: points.q5: 1e+300 is not allowed; a number from 0 to 1000000",
    ]
    rubric = parse_rubric('[points]\nq3 = 1000000\n"q6.counterexample" = 0.5\n', "r.toml")
    assert grade(rubric, None).max_score == Fraction(12_000_001, 2)


def test_an_integer_too_long_for_python_is_a_rubric_error() -> None:
    limit = sys.get_int_max_str_digits()
    assert _problems("[points]\nq3 = " + "9" * (limit + 1) + "\n") == [
        f"r.toml: holds an integer of more than {limit} digits, too long to read; "
        "a TOML rubric (docs/grading.md)"
    ]


def test_dotted_keys_spell_claim_ids() -> None:
    text = (
        "[points]\nq3_1.minimizer = 2\nq4.forward_mode = 0.5\n"
        '[points.q6]\ncounterexample = 3\n[visibility]\nq6.counterexample = "hidden"\n'
    )
    rubric = parse_rubric(text, "r.toml")
    assert dict(rubric.points) == {
        "q3_1.minimizer": 2,
        "q4.forward_mode": Fraction(1, 2),
        "q6.counterexample": 3,
    }
    assert rubric.visibility_of("q6.counterexample") == "hidden"
    assert _problems('[points]\n"q4.values" = 1\nq4.values = 2\nq4.x = 1\n') == [
        "r.toml: points.q4.values: given twice (as a quoted key and as a dotted key); "
        "one entry per id",
        "r.toml: points.q4.x: 'q4.x' matches no claim id; a claim id of docs/sheet-format.md "
        "or a prefix of ids ending before a '.' or '_', such as q3_1, q3_2, q3_3 (hw2check "
        "rubric lists every id)",
    ]


def test_junit_is_xml_for_noncharacters_and_undecodable_paths() -> None:
    rubric = parse_rubric("[points]\nq3 = 1\n", "r.toml")
    title = "T \ufffe \uffff \x01 end"
    path = "sur\udcff.toml"
    ledger = Ledger(path=path, title=title, claims=[])
    good = Result(path, title, grade(rubric, ledger), ledger)
    bad = Result(path, "", grade(rubric, None, None, ["sur\udcff.toml: bad \ufffe"]))
    text = junit([good, bad])
    root = ET.fromstring(text.encode("utf-8"))
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == ["sur\\udcff.toml", "sur\\udcff.toml"]
    title_property = suites[0].find("properties/property")
    assert title_property is not None
    assert title_property.get("value") == "T \\ufffe \\uffff \\x01 end"
    error = suites[1].find("testcase/error")
    assert error is not None and error.text == "sur\\udcff.toml: bad \\ufffe"


def test_the_autograder_ignores_hidden_files_and_macos_folders(tmp_path: Path) -> None:
    submission = tmp_path / "submission"
    (submission / "__MACOSX").mkdir(parents=True)
    (submission / "alice.toml").write_text("[sheet]\n", encoding="utf-8")
    (submission / "__MACOSX" / "._alice.toml").write_bytes(b"\x00\x05")
    (submission / ".hidden.toml").write_text("x", encoding="utf-8")
    assert autograder.submitted_sheets(submission) == [submission / "alice.toml"]


def test_a_rubric_file_bigger_than_allowed_or_a_directory(tmp_path: Path) -> None:
    with pytest.raises(RubricErrors) as caught:
        load_rubric(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path}: cannot be read (")


def test_a_sheet_whose_name_starts_with_an_underscore_is_submitted(tmp_path: Path) -> None:
    (tmp_path / "_alice.toml").write_text("[sheet]\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bob.toml").write_text("[sheet]\n", encoding="utf-8")
    assert autograder.submitted_sheets(tmp_path) == [
        tmp_path / "_alice.toml",
        tmp_path / "sub" / "bob.toml",
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(33333, 100000), "0.33333"),
        (Fraction(1, 20), "0.05"),
        (Fraction(-3, 8), "-0.375"),
        (Fraction(123456789, 10**9), "0.123456789"),
        (Fraction(1, 3), "0.3333"),
    ],
)
def test_points_are_printed_exactly(value: Fraction, text: str) -> None:
    assert points_text(value) == text


def test_a_printed_rubric_reads_back_the_same() -> None:
    text = (
        '[rubric]\ntitle = "a\\u007fb \\"c\\""\n[points]\nq3 = 0.33333\n"q6.counterexample" = 2.5\n'
        "[credit]\nundecided = 0.125\n[numbers]\nmin_significant_digits = 0\n"
        '[visibility]\ndefault = "hidden"\nq6 = "after_due_date"\n'
    )
    rubric = parse_rubric(text, "r.toml")
    again = parse_rubric(rubric_text(rubric), "r.toml")
    assert again == rubric


def test_the_gradescope_score_is_the_sum_of_the_test_scores_as_floats(tmp_path: Path) -> None:
    import json

    from hw2check.cli import main

    sheet = tmp_path / "s.toml"
    sheet.write_text(
        '[sheet]\ntitle = "s"\n[q3_1]\nminimizer = "w_t - g/lam"\nstep_size = "1/lam"\n'
        '[q3_2]\nbound = "wstar_sq/(2*eta) + eta/2*sum_v_sq"\n',
        encoding="utf-8",
    )
    rubric = tmp_path / "r.toml"
    rubric.write_text('[points]\n"q3_1" = 0.1\n"q3_2" = 0.1\n', encoding="utf-8")
    out = tmp_path / "results.json"
    main([str(sheet), "--rubric", str(rubric), "--format", "gradescope", "--output", str(out)])
    data = json.loads(out.read_text("utf-8"))
    scores = [test["score"] for test in data["tests"]]
    assert scores == [0.1, 0.1, 0, 0, 0.1]
    assert data["score"] == sum(scores)
    assert "Score: 0.3 / 0.5" in data["output"]


def test_html_shows_the_score_of_a_bad_sheet_with_a_rubric() -> None:
    from hw2check.formats import render_results

    rubric = parse_rubric('[rubric]\ntitle = "R & D"\n[points]\nq3 = 1.5\n', "r.toml")
    bad = Result("bad.toml", "", grade(rubric, None, None, ["bad.toml: q4.values: [1] <x>"]))
    page = render_results([bad], "html", True)
    assert (
        '<p class="grade">score: 0 / 9 (rubric: R &amp; D)</p>'
        "<ul><li>bad.toml: q4.values: [1] &lt;x&gt;</li></ul>"
    ) in page
    assert "score:" not in render_results([bad], "html", False)


def test_a_misspelt_id_gets_the_closest_one_as_a_hint() -> None:
    assert _problems('[points]\n"q3_1.minimiser" = 1\n"Q6" = 1\n') == [
        "r.toml: points.q3_1.minimiser: 'q3_1.minimiser' matches no claim id; did you mean "
        "'q3_1.minimizer'? (a claim id of docs/sheet-format.md or a prefix of ids ending "
        "before a '.' or '_'; hw2check rubric lists every id)",
        "r.toml: points.Q6: 'Q6' matches no claim id; did you mean 'q6'? (a claim id of "
        "docs/sheet-format.md or a prefix of ids ending before a '.' or '_'; hw2check rubric "
        "lists every id)",
    ]


@pytest.mark.parametrize(
    ("raw", "digits"),
    [("0.0035", 2), ("1.50", 3), (1.50, 2), ("-0.078735", 5), ("1e-3", 1), ("1.50e-3", 3)],
)
def test_significant_digits_of_strings_floats_negatives_and_exponents(
    raw: object, digits: int
) -> None:
    from hw2check.grading import significant_digits
    from hw2check.numbers import read_number

    assert significant_digits(read_number(raw)) == digits


def test_html_lists_the_errors_of_a_sheet_checked_in_spite_of_them() -> None:
    from hw2check.formats import render_results

    rubric = parse_rubric("[points]\nq3 = 1\n", "r.toml")
    ledger = Ledger(path="k.toml", title="k", claims=[])
    errors = ["k.toml: q4.values: [1] <x>"]
    kept = Result("k.toml", "k", grade(rubric, ledger, None, errors), ledger)
    page = render_results([kept], "html", True)
    assert (
        '<p class="note">Input errors (their keys were not checked):</p>'
        "<ul><li>k.toml: q4.values: [1] &lt;x&gt;</li></ul></section>"
    ) in page
    clean = Result("k.toml", "k", grade(rubric, ledger), ledger)
    assert "Input errors" not in render_results([clean], "html", True)
