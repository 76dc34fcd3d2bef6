"""Rubrics and grades (GRADING.md): reading a rubric, points per claim, the precision rule."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from hw2check import grading
from hw2check.grading import (
    Rubric,
    RubricErrors,
    default_rubric,
    grade,
    load_rubric,
    matches,
    most_specific,
    parse_rubric,
    points_text,
    rubric_text,
    significant_digits,
    summary,
)
from hw2check.ledger import Ledger, Row, Verdict
from hw2check.numbers import read_number
from hw2check.sheet import Sheet, load_seed, parse_sheet
from hw2check.topics import Settings, topics

CONTRACT_EXAMPLE = """
[rubric]
title = "HW2, Spring 2024"

[points]
"q3_1.minimizer" = 2
"q3_1" = 1
"q4.forward_mode" = 0.5
"q6.counterexample" = 3

[credit]
proved = 1.0
checked = 1.0
refuted = 0.0
undecided = 0.0

[numbers]
min_significant_digits = 3

[visibility]
default = "visible"
"q6" = "after_due_date"
"""


def row(claim_id: str, question: str, verdict: Verdict, evidence: str = "e") -> Row:
    witness = {"x": "1"} if verdict is Verdict.REFUTED else None
    return Row(claim_id, question, f"says {claim_id}", verdict, "m", evidence, witness, 0.5)


def test_catalogue_is_every_claim_the_topic_modules_build_for_a_full_sheet() -> None:
    seed = load_seed()
    built = [
        (check.id, check.question)
        for module in topics()
        for check in module.claim_checks(seed, Settings(), {})
    ]
    assert sorted(grading.catalogue()) == sorted(built)
    assert len(grading.catalogue()) == 31
    ids = [claim_id for claim_id, _ in grading.catalogue()]
    assert ids[:2] == ["q3_1.minimizer", "q3_1.step_size"]
    assert ids[-1] == "q6.nonreal_roots"


def test_stated_numbers_are_the_q4_numbers_of_the_sheet() -> None:
    numbers = grading.stated_numbers(load_seed())
    assert len(numbers) == 14
    assert numbers["q4.values.f2"].text == "3.098612"
    assert numbers["q4.forward_mode.f2_w1"].text == "4.910239"
    assert numbers["q4.finite_difference.f1_w1"].text == "0.3513"
    assert grading.stated_numbers(None) == {}


@pytest.mark.parametrize(
    ("entry", "claim_id", "expected"),
    [
        ("q3_1", "q3_1.minimizer", True),
        ("q3", "q3_1.minimizer", True),
        ("q4.forward_mode", "q4.forward_mode.f1_w1", True),
        ("q4.graph", "q4.graph_f1", True),
        ("q4.f", "q4.forward_mode.f1_w1", False),
        ("q3_1.minimizer", "q3_1.minimizer", True),
        ("q3_1.minimizer.x", "q3_1.minimizer", False),
        ("q6.counter", "q6.counterexample", False),
    ],
)
def test_an_entry_matches_an_id_up_to_a_dot_or_underscore(
    entry: str, claim_id: str, expected: bool
) -> None:
    assert matches(entry, claim_id) is expected


def test_the_most_specific_entry_wins() -> None:
    entries = ["q3_1", "q3_1.minimizer", "q3"]
    assert most_specific(entries, "q3_1.minimizer") == "q3_1.minimizer"
    assert most_specific(entries, "q3_1.step_size") == "q3_1"
    assert most_specific(entries, "q3_2.bound") == "q3"
    assert most_specific(entries, "q4.methods_agree") is None


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("0.3510", 4),
        (0.351, 3),
        (1, 1),
        (100, 3),
        ("-0.078735", 5),
        (1e-05, 1),
        ("0.00", 3),
        (0, 1),
    ],
)
def test_significant_digits_count_from_the_first_nonzero_digit(raw: object, digits: int) -> None:
    assert significant_digits(read_number(raw)) == digits


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(35, 2), "17.5"),
        (Fraction(2), "2"),
        (Fraction(1, 4), "0.25"),
        (Fraction(1, 3), "0.3333"),
    ],
)
def test_points_text(value: Fraction, text: str) -> None:
    assert points_text(value) == text
    assert grading.points_json(Fraction(2)) == 2
    assert grading.points_json(Fraction(1, 4)) == 0.25


def test_the_contract_example_reads_exactly() -> None:
    rubric = parse_rubric(CONTRACT_EXAMPLE, "r.toml")
    assert rubric.title == "HW2, Spring 2024"
    assert rubric.name == "HW2, Spring 2024"
    assert rubric.points_of("q3_1.minimizer") == 2
    assert rubric.points_of("q3_1.step_size") == 1
    assert rubric.points_of("q4.forward_mode.f2_w2") == Fraction(1, 2)
    assert rubric.points_of("q4.values.f1") is None
    assert rubric.visibility_of("q6.counterexample") == "after_due_date"
    assert rubric.visibility_of("q3_1.minimizer") == "visible"
    assert rubric.min_significant_digits == 3
    assert [claim_id for claim_id, _ in rubric.graded()] == [
        "q3_1.minimizer",
        "q3_1.step_size",
        "q3_1.proximity_gradient",
        "q3_1.gd_converges_for_strictly_convex",
        "q4.forward_mode.f1_w1",
        "q4.forward_mode.f1_w2",
        "q4.forward_mode.f2_w1",
        "q4.forward_mode.f2_w2",
        "q6.counterexample",
    ]
    assert [claim_id for claim_id, _ in rubric.graded(["3.1"])][-1] == (
        "q3_1.gd_converges_for_strictly_convex"
    )


def test_the_default_rubric_gives_every_claim_one_point_and_prints_as_a_rubric() -> None:
    rubric = default_rubric()
    assert len(rubric.graded()) == 31
    assert set(rubric.points.values()) == {Fraction(1)}
    assert rubric.name == "the default rubric"
    text = rubric_text(rubric)
    assert '"q3_1.minimizer" = 1\n' in text
    assert '# title = "HW2, Spring 2024"\n' in text
    assert "undecided = 0\n" in text
    assert "min_significant_digits = 3\n" in text
    again = parse_rubric(text, "printed.toml")
    assert (again.points, again.credit, again.title) == (rubric.points, rubric.credit, None)
    assert (again.visibility, again.default_visibility) == ({}, "visible")


def test_a_printed_rubric_keeps_its_title_credit_and_visibility() -> None:
    rubric = parse_rubric(CONTRACT_EXAMPLE.replace("undecided = 0.0", "undecided = 0.25"), "r")
    again = parse_rubric(rubric_text(rubric), "again")
    assert again.title == rubric.title
    assert again.credit["undecided"] == Fraction(1, 4)
    assert again.visibility == {"q6": "after_due_date"}
    assert again.points == rubric.points


BAD_RUBRIC = """
[rubric]
title = 3
colour = "red"
[points]
q9 = 1
"q3_1" = -1
"q4.f" = 2
"q6" = true
[credit]
proved = 2
maybe = 1
[numbers]
min_significant_digits = 41
[visibility]
q6 = "secret"
default = "hidden"
q8 = "hidden"
[extra]
"""


def test_a_bad_rubric_lists_every_problem_with_file_key_and_what_is_allowed() -> None:
    with pytest.raises(RubricErrors) as caught:
        parse_rubric(BAD_RUBRIC, "r.toml")
    no_claim = (
        "matches no claim id; a claim id of docs/sheet-format.md or a prefix of ids ending"
        " before a '.' or '_', such as q3_1, q3_2, q3_3 (hw2check rubric lists every id)"
    )
    assert [str(problem) for problem in caught.value.problems] == [
        "r.toml: extra: unknown table [extra]; tables allowed: rubric, points, credit, numbers,"
        " visibility",
        "r.toml: rubric.colour: unknown key 'colour'; keys allowed here: title",
        "r.toml: rubric.title: 3 is not a string; a string",
        f"r.toml: points.q9: 'q9' {no_claim}",
        "r.toml: points.q3_1: -1 is not allowed; a number from 0 to 1000000",
        f"r.toml: points.q4.f: 'q4.f' {no_claim}",
        "r.toml: points.q6: true is not allowed; a number from 0 to 1000000",
        "r.toml: credit.maybe: unknown key 'maybe'; keys allowed here: proved, checked,"
        " refuted, undecided",
        "r.toml: credit.proved: 2 is not allowed; a number from 0 to 1",
        "r.toml: numbers.min_significant_digits: 41 is not allowed; an integer from 0 to 40"
        " (0: no precision rule)",
        "r.toml: visibility.q6: 'secret' is not allowed; one of visible, hidden,"
        " after_due_date, after_published",
        f"r.toml: visibility.q8: 'q8' {no_claim}",
    ]
    assert str(caught.value).count("\n") == 11


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[points", "r.toml: not valid TOML (Expected ']' at the end of a table declaration"),
        ("", "r.toml: points: no claim is given points; at least one entry, such as"),
        ("points = 3", "r.toml: points: 3 is not a table; a [points] table"),
        (
            "[points]\nq3_1 = inf",
            "r.toml: points.q3_1: inf is not allowed; a number from 0 to 1000000",
        ),
        (
            "[points]\nq3_1 = 1\n[numbers]\nmin_significant_digits = 2.0",
            "r.toml: numbers.min_significant_digits: 2.0 is not allowed",
        ),
        ("[points]\nq3_1 = 1\n[visibility]\nq3_1 = 1", "r.toml: visibility.q3_1: 1 is not allowed"),
        ("x = " + "[" * 2000 + "]" * 2000, "r.toml: not valid TOML (nested too deeply)"),
    ],
)
def test_rubric_input_errors(text: str, message: str) -> None:
    with pytest.raises(RubricErrors) as caught:
        parse_rubric(text, "r.toml")
    assert str(caught.value.problems[0]).startswith(message)


def test_rubric_files_that_cannot_be_read(tmp_path: Path) -> None:
    def problem(path: Path) -> str:
        with pytest.raises(RubricErrors) as caught:
            load_rubric(path)
        return str(caught.value)

    assert problem(tmp_path / "none.toml") == (
        f"{tmp_path}/none.toml: no such file; the path of a TOML rubric"
    )
    assert problem(tmp_path).endswith("cannot be read (Is a directory); a readable TOML rubric")
    (tmp_path / "latin.toml").write_bytes(b"[points]\n\xe9")
    assert problem(tmp_path / "latin.toml").endswith(
        "latin.toml:2:1: not UTF-8 text (the byte 0xe9 is not UTF-8 here); "
        "a UTF-8 TOML file"
    )
    (tmp_path / "big.toml").write_bytes(b"#" * (grading.MAX_RUBRIC_BYTES + 1))
    assert problem(tmp_path / "big.toml").endswith(
        "larger than 1,000,000 bytes; a rubric of at most 1 MB"
    )
    (tmp_path / "good.toml").write_bytes(b'\xef\xbb\xbf[points]\n"q5" = 2\n')
    assert load_rubric(tmp_path / "good.toml").points == {"q5": 2}
    assert load_rubric(tmp_path / "good.toml").path == f"{tmp_path}/good.toml"


NUMBERS_SHEET = """
[sheet]
title = "numbers"
[q4]
values = [0.66, "3.099"]
forward_mode = [[1, 0.35], [4.333, 1.3333]]
"""


def numbers_ledger() -> tuple[Ledger, Sheet]:
    sheet = parse_sheet(NUMBERS_SHEET, "n.toml")
    rows = [
        row("q4.values.f1", "4a", Verdict.PROVED),
        row("q4.values.f2", "4a", Verdict.PROVED),
        row("q4.forward_mode.f1_w1", "4c", Verdict.REFUTED),
        row("q4.forward_mode.f1_w2", "4c", Verdict.PROVED),
        row("q4.forward_mode.f2_w1", "4c", Verdict.CHECKED),
        row("q4.forward_mode.f2_w2", "4c", Verdict.UNDECIDED),
        row("theorem.autodiff_agreement", "4e", Verdict.PROVED),
    ]
    return Ledger("n.toml", "numbers", tuple(rows)), sheet


def test_grades_apply_credit_precision_and_unanswered() -> None:
    ledger, sheet = numbers_ledger()
    text = CONTRACT_EXAMPLE.replace("undecided = 0.0", "undecided = 0.5")
    rubric = parse_rubric(text.replace('"q3_1" = 1', '"q3_1" = 1\n"q4.values" = 1'), "r.toml")
    graded = grade(rubric, ledger, sheet)
    by_id = {claim.id: claim for claim in graded.claims}
    assert [claim.id for claim in graded.claims][:4] == [
        "q3_1.minimizer",
        "q3_1.step_size",
        "q3_1.proximity_gradient",
        "q3_1.gd_converges_for_strictly_convex",
    ]
    assert by_id["q3_1.minimizer"].verdict == "unanswered"
    assert by_id["q3_1.minimizer"].lost == "not answered on the sheet"
    assert by_id["q3_1.minimizer"].points == 2
    assert by_id["q4.values.f1"].earned == 0
    assert by_id["q4.values.f1"].lost == "stated to 2 significant digits; the rubric asks for 3"
    assert by_id["q4.values.f2"].earned == 1 and by_id["q4.values.f2"].passed
    assert by_id["q4.forward_mode.f1_w1"].lost == (
        "refuted claims earn 0% of their points; stated to 1 significant digit; the rubric asks"
        " for 3"
    )
    assert by_id["q4.forward_mode.f1_w2"].lost == (
        "stated to 2 significant digits; the rubric asks for 3"
    )
    assert by_id["q4.forward_mode.f2_w1"].earned == Fraction(1, 2)
    assert by_id["q4.forward_mode.f2_w1"].passed
    assert by_id["q4.forward_mode.f2_w2"].earned == Fraction(1, 4)
    assert by_id["q4.forward_mode.f2_w2"].lost == (
        "undecided claims earn 50% of their points (listed for manual review)"
    )
    assert by_id["q4.forward_mode.f2_w2"].row == ledger.claims[5]
    assert graded.score == Fraction(7, 4)
    assert graded.max_score == 2 + 3 + 2 + 2 + 3
    assert graded.score_text == "1.75 / 12"
    assert graded.unanswered == [
        "q3_1.minimizer",
        "q3_1.step_size",
        "q3_1.proximity_gradient",
        "q3_1.gd_converges_for_strictly_convex",
        "q6.counterexample",
    ]
    assert graded.for_review == ["q4.forward_mode.f2_w2"]
    assert "theorem.autodiff_agreement" not in by_id


def test_no_precision_rule_at_zero_digits_and_a_bad_sheet_is_not_checked() -> None:
    ledger, sheet = numbers_ledger()
    lenient = Rubric({"q4.values": Fraction(1)}, min_significant_digits=0)
    assert grade(lenient, ledger, sheet).score == 2
    strict = Rubric({"q4.values": Fraction(1)}, min_significant_digits=5)
    assert grade(strict, ledger, sheet).score == 0
    assert (
        grade(Rubric({"q4.values": Fraction(1)}, min_significant_digits=4), ledger, sheet).score
        == 1
    )
    bad = grade(strict, None, None, ["n.toml: q4: wrong"])
    assert [(c.verdict, c.earned, c.lost) for c in bad.claims] == [
        ("not checked", Fraction(0), "not checked: the sheet has input errors")
    ] * 2
    assert bad.errors == ("n.toml: q4: wrong",)
    assert bad.unanswered == []
    only = grade(default_rubric(), ledger, sheet, only=["4c"])
    entries = ("f1_w1", "f1_w2", "f2_w1", "f2_w2")
    assert [claim.id for claim in only.claims] == [f"q4.forward_mode.{e}" for e in entries]


def test_the_visibility_of_each_claim() -> None:
    rubric = Rubric({"q6": Fraction(1)}, visibility={"q6.counterexample": "hidden"})
    graded = grade(rubric, Ledger("x", "x", ()), None)
    assert {c.id: c.visibility for c in graded.claims}["q6.counterexample"] == "hidden"
    assert {c.id: c.visibility for c in graded.claims}["q6.real_roots"] == "visible"


def test_the_summary_counts_claims_and_theorem_rows_apart() -> None:
    ledger, sheet = numbers_ledger()
    graded = grade(default_rubric(), ledger, sheet)
    assert summary(ledger, graded) == (
        "claims: proved 3, checked 1, refuted 1, undecided 1 of 6 made; 25 unanswered"
        " · theorems: proved 1"
    )
    assert summary(ledger) == (
        "claims: proved 3, checked 1, refuted 1, undecided 1 of 6 made · theorems: proved 1"
    )
    assert summary(Ledger("x", "x", ())) == "claims: none made"
