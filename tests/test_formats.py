"""The grading formats (GRADING.md), each read back by a real parser, for a correct, a mixed,
a partial and a bad sheet: Gradescope's results.json, the class CSV, JUnit XML, and the bad
sheet in the JSON, table, Markdown and HTML reports."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import junitparser
import pytest

from hw2check.formats import Result, render_results, results
from hw2check.grading import Rubric, default_rubric, is_theorem, parse_rubric
from hw2check.intake import Entry
from hw2check.ledger import Verdict
from tests import snapshot

RUBRIC = parse_rubric(
    """
[rubric]
title = "HW2 test rubric"
[points]
"q3_1.minimizer" = 2
"q3_1" = 1
"q3_2" = 1.5
"q4.forward_mode" = 0.5
"q6.counterexample" = 3
[credit]
undecided = 0.5
[visibility]
"q6" = "after_due_date"
""",
    "rubric.toml",
)
BAD_ERROR = "bad.toml: q4.values: [1] is not a pair of numbers; an array of 2 numbers"
NAMES = ("correct", "mixed", "sparse")


def class_results(rubric: Rubric = RUBRIC) -> list[Result]:
    """correct, mixed, bad, sparse (partial): the bad sheet third, as given."""
    entries = [Entry(name, snapshot.sheet(name)) for name in NAMES]
    ledgers = [snapshot.ledger(name) for name in NAMES]
    entries.insert(2, Entry("bad.toml", None, (BAD_ERROR,)))
    return results(entries, ledgers, rubric)


def one(name: str) -> Result:
    return results([Entry(name, snapshot.sheet(name))], [snapshot.ledger(name)], RUBRIC)[0]


def bad() -> Result:
    return results([Entry("bad.toml", None, (BAD_ERROR,))], [], RUBRIC)[0]


def test_results_keep_the_order_given_with_the_bad_sheet_in_its_place() -> None:
    found = class_results()
    assert [r.path for r in found] == [
        "sheets/correct.toml",
        "sheets/mixed.toml",
        "bad.toml",
        "sheets/sparse.toml",
    ]
    assert [r.title for r in found][2:] == ["", "snapshot: sparse"]
    assert found[2].errors == (BAD_ERROR,) and found[2].ledger is None
    assert found[3].sheet is snapshot.sheet("sparse")


@pytest.mark.parametrize("name", [*NAMES, "bad"])
def test_gradescope_results_json_has_every_field_of_the_contract(name: str) -> None:
    result = bad() if name == "bad" else one(name)
    data = json.loads(render_results([result], "gradescope", True))
    assert set(data) == {"score", "output", "output_format", "tests"}
    assert data["output_format"] == "md"
    graded = RUBRIC.graded()
    assert [test["name"] for test in data["tests"]] == [f"{q} {i}" for i, q in graded]
    assert [test["number"] for test in data["tests"]] == [q for _, q in graded]
    rows = {} if result.ledger is None else {row.id: row for row in result.ledger.claims}
    for test, (claim_id, _) in zip(data["tests"], graded, strict=True):
        assert set(test) == {
            "name",
            "number",
            "score",
            "max_score",
            "status",
            "output",
            "output_format",
            "visibility",
        }
        assert test["max_score"] == float(RUBRIC.points_of(claim_id) or 0)
        assert test["status"] == ("passed" if test["score"] == test["max_score"] else "failed")
        assert test["output_format"] == "md"
        expected = "after_due_date" if claim_id.startswith("q6") else "visible"
        assert test["visibility"] == expected
        row = rows.get(claim_id)
        if row is None:
            verdict = "not checked" if name == "bad" else "unanswered"
            assert test["output"].startswith(f"**Verdict:** {verdict}\n\n**Points:** 0 / ")
            assert test["score"] == 0
        else:
            assert f"{row.verdict} (" in test["output"]
            assert "**Evidence:** " in test["output"]
            assert ("**Witness:** " in test["output"]) is (row.verdict is Verdict.REFUTED)
    assert data["score"] == pytest.approx(sum(test["score"] for test in data["tests"]))
    assert "Score: " in data["output"] and "(rubric: HW2 test rubric)" in data["output"]
    if name == "bad":
        assert data["score"] == 0
        assert all(test["status"] == "failed" for test in data["tests"])
        assert "not checked" in data["tests"][0]["output"]
        assert data["output"].endswith(
            "Not checked: the sheet has input errors:\n\n- bad.toml: q4.values: \\[1\\] is not a"
            " pair of numbers; an array of 2 numbers"
        )


def test_gradescope_exact_for_the_mixed_sheet() -> None:
    data = json.loads(render_results([one("mixed")], "gradescope", True))
    first = data["tests"][0]
    assert first["name"] == "3.1 q3_1.minimizer"
    assert (first["score"], first["max_score"], first["status"]) == (0, 2, "failed")
    assert first["output"] == (
        "**Claim:** the argmin of the proximal objective is w\\_t + g/lam\n\n"
        "**Verdict:** ✗ refuted (SymPy exact substitution)\n\n"
        "**Evidence:** at w\\_t = 0, g = 1, lam = 1: the claim gives 1, the truth is -1 "
        "(claim - truth \\~ 2.00)\n\n"
        "**Witness:** w\\_t = 0, g = 1, lam = 1\n\n"
        "**Points:** 0 / 2: refuted claims earn 0% of their points"
    )
    assert data["score"] == 2.25
    assert data["output"].startswith(
        "**snapshot: mixed**: sheet `sheets/mixed.toml`\n\nScore: 2.25 / 11.5 (rubric: HW2 test"
        " rubric)\n\nclaims: proved 12, checked 1, refuted 16, undecided 2 of 31 made; 0"
        " unanswered · theorems: proved 9"
    )


def test_the_class_csv_has_a_row_per_sheet_in_order_with_every_graded_claim() -> None:
    text = render_results(class_results(), "csv", True)
    table = list(csv.reader(io.StringIO(text)))
    graded = [claim_id for claim_id, _ in RUBRIC.graded()]
    header = ["path", "title", "status", "score", "max_score"]
    assert table[0] == header + [c for i in graded for c in (i, f"{i} points")]
    assert len(table) == 5
    records = list(csv.DictReader(io.StringIO(text)))
    assert [r["path"] for r in records] == [
        "sheets/correct.toml",
        "sheets/mixed.toml",
        "bad.toml",
        "sheets/sparse.toml",
    ]
    assert [r["status"] for r in records] == ["checked", "checked", "input error", "checked"]
    assert [r["max_score"] for r in records] == ["11.5"] * 4
    assert records[2]["score"] == "0"
    assert records[1]["score"] == "2.25"
    allowed = {"proved", "checked", "refuted", "undecided", "unanswered", "not checked"}
    for record, result in zip(records, class_results(), strict=True):
        total = Fraction(0)
        rows = {} if result.ledger is None else {row.id: row for row in result.ledger.claims}
        for claim_id in graded:
            assert record[claim_id] in allowed
            if result.ledger is None:
                assert record[claim_id] == "not checked"
            elif claim_id not in rows:
                assert record[claim_id] == "unanswered"
            else:
                assert record[claim_id] == str(rows[claim_id].verdict)
            total += Fraction(record[f"{claim_id} points"])
        assert total == Fraction(record["score"])
        assert record["title"] == result.title
    sparse = records[3]
    assert (sparse["q3_2.bound"], sparse["q3_2.bound points"]) == ("proved", "1.5")
    assert sparse["q3_1.minimizer"] == "unanswered"
    # [[0, 0], [0, 0]]: within one unit of 0.35, but stated to 1 significant digit
    assert (sparse["q4.forward_mode.f1_w1"], sparse["q4.forward_mode.f1_w1 points"]) == (
        "proved",
        "0",
    )
    assert sparse["q4.forward_mode.f2_w1"] == "refuted"


def test_junit_xml_read_by_elementtree() -> None:
    text = render_results(class_results(), "junit", True)
    root = ET.fromstring(text)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "sheets/correct.toml",
        "sheets/mixed.toml",
        "bad.toml",
        "sheets/sparse.toml",
    ]
    for suite, result in zip(suites, class_results(), strict=True):
        cases = suite.findall("testcase")
        if result.ledger is None:
            assert len(cases) == 1
            error = cases[0].find("error")
            assert error is not None and error.text == BAD_ERROR
            assert suite.get("errors") == "1"
            continue
        claims = [row for row in result.ledger.claims if not is_theorem(row)]
        assert [c.get("name") for c in cases] == [row.id for row in claims]
        assert suite.get("tests") == str(len(claims))
        for case, row in zip(cases, claims, strict=True):
            assert case.get("classname") == f"hw2check.q{row.question}"
            assert case.get("time") == f"{row.seconds:.3f}"
            failure, skipped = case.find("failure"), case.find("skipped")
            assert (failure is not None) is (row.verdict is Verdict.REFUTED)
            assert (skipped is not None) is (row.verdict is Verdict.UNDECIDED)
            if failure is not None:
                assert failure.get("message") == row.evidence
            if skipped is not None:
                assert skipped.get("message") == row.evidence
        refuted = sum(row.verdict is Verdict.REFUTED for row in claims)
        assert suite.get("failures") == str(refuted)


def test_junit_xml_read_by_junitparser(tmp_path: Path) -> None:
    path = tmp_path / "report.xml"
    path.write_text(render_results(class_results(), "junit", True), encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(path))
    suites = list(xml)
    assert [suite.name for suite in suites][2] == "bad.toml"
    mixed = suites[1]
    cases = list(mixed)
    refuted = [
        case for case in cases if any(isinstance(r, junitparser.Failure) for r in case.result)
    ]
    skipped = [
        case for case in cases if any(isinstance(r, junitparser.Skipped) for r in case.result)
    ]
    ledger = snapshot.ledger("mixed")
    assert [case.name for case in refuted] == [
        row.id for row in ledger.claims if row.verdict is Verdict.REFUTED
    ]
    assert len(skipped) == 2  # q3_2.bound and q6.nonreal_roots
    assert mixed.tests == 31 and mixed.failures == 16 and mixed.skipped == 2
    bad_case = next(iter(suites[2]))
    assert isinstance(bad_case.result[0], junitparser.Error)
    assert bad_case.result[0].text == BAD_ERROR


def test_a_bad_sheet_is_a_json_line_with_errors_and_no_claims() -> None:
    lines = render_results(class_results(), "json", True).splitlines()
    assert len(lines) == 4
    data = json.loads(lines[2])
    assert set(data) == {"schema", "sheet", "errors", "grade"}
    assert data["schema"] == "hw2check/ledger-1"
    assert data["sheet"] == {"path": "bad.toml", "title": ""}
    assert data["errors"] == [BAD_ERROR]
    assert data["grade"]["score"] == 0 and data["grade"]["max_score"] == 11.5
    good = json.loads(lines[1])
    assert good["grade"]["score"] == 2.25
    assert good["grade"]["rubric"] == "HW2 test rubric"
    assert good["grade"]["claims"][0] == {
        "id": "q3_1.minimizer",
        "question": "3.1",
        "verdict": "refuted",
        "score": 0,
        "max_score": 2,
        "lost": "refuted claims earn 0% of their points",
    }
    plain = render_results(class_results(default_rubric()), "json", False).splitlines()
    assert "grade" not in json.loads(plain[2]) and "grade" not in json.loads(plain[1])
    assert json.loads(plain[1])["summary"] == snapshot.ledger("mixed").to_json()["summary"]


def test_a_bad_sheet_in_the_table_markdown_and_html_reports() -> None:
    found = class_results()
    table = render_results(found, "table", True)
    assert (
        "bad.toml\nsheet: bad.toml\n\nNot checked: the sheet has input errors\n"
        f"  {BAD_ERROR}\n\nscore: 0 / 11.5 (rubric: HW2 test rubric)\n"
    ) in table
    assert table.count("score: ") == 4
    markdown = render_results(found, "markdown", True)
    assert (
        "# bad.toml\n\nSheet `bad.toml`: not checked, it has input errors:\n\n- bad.toml:"
        " q4.values: \\[1\\] is not a pair of numbers; an array of 2 numbers\n\n"
        "score: 0 / 11.5 (rubric: HW2 test rubric)\n"
    ) in markdown
    html = render_results(found, "html", True)
    assert "<h1>Not checked: <code>bad.toml</code></h1>" in html
    assert f"<li>{BAD_ERROR}</li>" in html
    assert "<title>hw2check: 4 sheets, 1 not checked</title>" in html
    assert '<p class="grade">score: 2.25 / 11.5 (rubric: HW2 test rubric)</p>' in html
    unscored = render_results(found, "table", False)
    assert "score: " not in unscored
    assert f"Not checked: the sheet has input errors\n  {BAD_ERROR}\n" in unscored


def test_the_table_shows_the_score_points_lost_and_the_stated_precision() -> None:
    table = render_results([one("sparse")], "table", True)
    assert "4c   q4.forward_mode.f1_w1                ✓ proved    matches to 0 decimals · " in table
    assert "4c   q4.forward_mode.f2_w1                ✗ refuted   stated to 0 decimals · " in table
    lines = table.splitlines()
    start = lines.index("score: 1.5 / 11.5 (rubric: HW2 test rubric)")
    assert lines[start - 1] == (
        "claims: proved 4, refuted 5 of 9 made; 4 unanswered · theorems: proved 9"
    )
    assert lines[start + 1 : start + 4] == [
        "points lost:",
        "  q4.forward_mode.f1_w1: 0 / 0.5, stated to 1 significant digit; the rubric asks",
        "        for 3",
    ]
    assert lines[start + 10 :] == [
        "  q6.counterexample: 0 / 3, refuted claims earn 0% of their points",
        "unanswered (4): q3_1.minimizer, q3_1.step_size, q3_1.proximity_gradient,",
        "      q3_1.gd_converges_for_strictly_convex",
    ]
    assert "for manual review" not in table


def test_markdown_lists_the_points_lost_as_items() -> None:
    markdown = render_results([one("sparse")], "markdown", True)
    assert (
        "\n\nscore: 1.5 / 11.5 (rubric: HW2 test rubric)\n\npoints lost:\n"
        "- q4.forward\\_mode.f1\\_w1: 0 / 0.5, stated to 1 significant digit; the rubric asks"
        " for 3\n"
    ) in markdown
    assert "| 4c | `q4.forward_mode.f1_w1` | ✓ proved | matches to 0 decimals · " in markdown
