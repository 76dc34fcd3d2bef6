"""Every sheet of a run in every format, bad sheets included (GRADING.md).

A run's results are one ``Result`` per sheet, in the order given: a checked sheet has its
ledger, a bad one only its errors; both have a grade under the run's rubric.  ``table``,
``json``, ``markdown`` and ``html`` are the reports of ``hw2check.report`` with the bad
sheets listed among them; ``gradescope`` (one sheet), ``csv`` and ``junit`` are made here.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hw2check.errors import visible
from hw2check.grading import (
    NOT_CHECKED,
    Grade,
    Graded,
    Rubric,
    is_theorem,
    points_json,
    points_text,
    summary,
)
from hw2check.ledger import SCHEMA, Ledger, Row, Verdict
from hw2check.report import (
    WIDTH,
    _text,
    grade_lines,
    json_escaped,
    json_line,
    markdown,
    markdown_grade_lines,
    table,
)

if TYPE_CHECKING:
    from hw2check.intake import Entry
    from hw2check.sheet import Sheet

CHECKED, INPUT_ERROR = "checked", "input error"


@dataclass(frozen=True)
class Result:
    """One sheet of a run: checked (``ledger``) or not (``grade.errors``)."""

    path: str
    title: str
    grade: Grade
    ledger: Ledger | None = None
    sheet: Sheet | None = None

    @property
    def errors(self) -> tuple[str, ...]:
        return self.grade.errors


def results(
    entries: Sequence[Entry],
    ledgers: Sequence[Ledger],
    rubric: Rubric,
    only: Sequence[str] | None = None,
) -> list[Result]:
    """The sheets of a run in the order given; ``ledgers`` are those of the entries that
    have a sheet to check, in the same order."""
    from hw2check.grading import grade

    checked = iter(ledgers)
    out = []
    for entry in entries:
        if entry.sheet is None:
            out.append(Result(entry.path, "", grade(rubric, None, None, entry.errors, only)))
        else:
            ledger = next(checked)
            scored = grade(rubric, ledger, entry.sheet, entry.errors, only)
            out.append(Result(ledger.path, ledger.title, scored, ledger, entry.sheet))
    return out


def render(
    ledgers: Sequence[Ledger],
    fmt: str,
    sheets: Sequence[Sheet] | None = None,
    grades: Sequence[Grade | None] | None = None,
    scored: bool = False,
    *,
    width: int = WIDTH,
) -> str:
    """The ledgers in a format; ``sheets`` (same order as ``ledgers``) lets Markdown and HTML
    typeset the sheets' formulas and draw their figures, and ``grades`` (same order) adds
    the stated precision, the unanswered claims and, when ``scored``, the score; ``width``
    is the table's."""
    paired: Sequence[Sheet | None] = (
        sheets if sheets is not None and len(sheets) == len(ledgers) else [None] * len(ledgers)
    )
    graded: Sequence[Grade | None] = (
        grades if grades is not None and len(grades) == len(ledgers) else [None] * len(ledgers)
    )
    if fmt == "json":
        return "".join(
            json_line(ledger, g, scored) for ledger, g in zip(ledgers, graded, strict=True)
        )
    if fmt == "markdown":
        return "\n".join(
            markdown(ledger, sheet, g, scored)
            for ledger, sheet, g in zip(ledgers, paired, graded, strict=True)
        )
    if fmt == "html":
        from hw2check.html import html

        return html(ledgers, sheets, graded, scored)
    return "\n".join(
        table(ledger, g, scored, width) for ledger, g in zip(ledgers, graded, strict=True)
    )


def render_results(results: Sequence[Result], fmt: str, scored: bool, *, width: int = WIDTH) -> str:
    """The results in ``fmt``; ``scored``: a rubric was given, so scores are shown;
    ``width``: the table's."""
    if fmt == "gradescope":
        return gradescope(results[0])
    if fmt == "csv":
        return class_csv(results)
    if fmt == "junit":
        return junit(results)
    if fmt == "html":
        from hw2check.html import html

        good = [result for result in results if result.ledger is not None]
        return html(
            [result.ledger for result in good if result.ledger is not None],
            [result.sheet for result in good if result.sheet is not None] or None,
            [result.grade for result in good],
            scored,
            [(result.path, result.errors) for result in results if result.ledger is None],
            [
                grade_lines(result.grade, scored)[0]
                for result in results
                if result.ledger is None and scored
            ],
            [result.errors for result in good],
        )
    parts = []
    for result in results:
        if result.ledger is None:
            parts.append(_bad(result, fmt, scored))
        else:
            sheets = [result.sheet] if result.sheet is not None else None
            text = render([result.ledger], fmt, sheets, [result.grade], scored, width=width)
            parts.append(_with_errors(text, result, fmt) if result.errors else text)
    return ("" if fmt == "json" else "\n").join(parts)


def _with_errors(text: str, result: Result, fmt: str) -> str:
    """The report of a sheet checked in spite of its errors (``--keep-going``), with them."""
    if fmt == "json":
        data = json.loads(text)
        data["errors"] = list(result.errors)
        return json_escaped(json.dumps(data, ensure_ascii=False)) + "\n"
    if fmt == "markdown":
        lines = ["", "Input errors (their keys were not checked):", ""]
        return text + "\n".join([*lines, *(f"- {_text(error)}" for error in result.errors)]) + "\n"
    lines = ["", "Input errors (their keys were not checked):"]
    return text + "\n".join([*lines, *(f"  {visible(error)}" for error in result.errors)]) + "\n"


def _bad(result: Result, fmt: str, scored: bool) -> str:
    """A sheet that could not be checked, with its errors, in table, json or markdown."""
    if fmt == "json":
        data: dict[str, Any] = {
            "schema": SCHEMA,
            "sheet": {"path": result.path, "title": result.title},
            "errors": list(result.errors),
        }
        if scored:
            from hw2check.grading import grade_json

            data["grade"] = grade_json(result.grade)
        return json_escaped(json.dumps(data, ensure_ascii=False)) + "\n"
    lines = grade_lines(result.grade, scored)[:1]
    if fmt == "markdown":
        head = [f"# {_text(result.title or result.path)}", ""]
        head.append(f"Sheet `{_text(result.path)}`: not checked, it has input errors:")
        body = ["", *(f"- {_text(error)}" for error in result.errors)]
        return "\n".join(head + body + markdown_grade_lines(result.grade, scored)[:1]) + "\n"
    head = [visible(result.title or result.path), f"sheet: {visible(result.path)}", ""]
    body = ["Not checked: the sheet has input errors", *(f"  {e}" for e in result.errors)]
    return "\n".join(head + body + ["", *lines] if lines else head + body) + "\n"


# --- Gradescope's results.json


def _claim_output(claim: Graded) -> str:
    """A test's Markdown: statement, verdict, evidence, witness, and why points were lost."""
    row = claim.row
    lines = []
    if row is not None:
        lines.append(f"**Claim:** {_text(row.statement)}")
        lines.append(f"**Verdict:** {row.verdict.mark} {row.verdict} ({_text(row.method)})")
        lines.append(f"**Evidence:** {_text(row.evidence)}")
        if row.witness:
            pairs = ", ".join(f"{_text(k)} = {_text(v)}" for k, v in row.witness.items())
            lines.append(f"**Witness:** {pairs}")
    else:
        lines.append(f"**Verdict:** {claim.verdict}")
    points = f"**Points:** {points_text(claim.earned)} / {points_text(claim.points)}"
    lines.append(points if claim.lost is None else f"{points}: {_text(claim.lost)}")
    return "\n\n".join(lines)


def _summary_output(result: Result) -> str:
    grade = result.grade
    lines = [f"**{_text(result.title or result.path)}**: sheet `{_text(result.path)}`"]
    lines.append(f"Score: {grade.score_text} (rubric: {_text(grade.rubric.name)})")
    if result.ledger is not None:
        lines.append(_text(summary(result.ledger, grade)))
    if result.errors:
        errors = "\n".join(f"- {_text(error)}" for error in result.errors)
        lines.append(f"Not checked: the sheet has input errors:\n\n{errors}")
    lines += [_text(line) for line in grade_lines(grade, False)]
    return "\n\n".join(lines)


def gradescope_json(result: Result) -> dict[str, Any]:
    """The Gradescope autograder ``results.json`` of one sheet."""
    grade = result.grade
    tests = [
        {
            "name": f"{claim.question} {claim.id}",
            "number": claim.question,
            "score": points_json(claim.earned),
            "max_score": points_json(claim.points),
            "status": "passed" if claim.passed else "failed",
            "output": _claim_output(claim),
            "output_format": "md",
            "visibility": claim.visibility,
        }
        for claim in grade.claims
    ]
    # The tests' scores added as a reader of the file adds them (floats, in order), so that
    # ``score`` equals their sum exactly: 0.1 + 0.1 + 0.1 is 0.30000000000000004 there.
    total = sum((test["score"] for test in tests), 0)
    return {
        "score": total,
        "output": _summary_output(result),
        "output_format": "md",
        "tests": tests,
    }


def gradescope(result: Result) -> str:
    text = json.dumps(gradescope_json(result), ensure_ascii=False, indent=2)
    # Line by line: the indentation's line breaks are JSON's own, outside every string.
    return "\n".join(json_escaped(line) for line in text.split("\n")) + "\n"


# --- the class table


def class_csv(results: Sequence[Result]) -> str:
    """One row per sheet: path, title, status, score, max_score, then verdict and points of
    every graded claim."""
    graded = [claim.id for claim in results[0].grade.claims] if results else []
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["path", "title", "status", "score", "max_score"]
    writer.writerow(header + [column for i in graded for column in (i, f"{i} points")])
    for result in results:
        grade = result.grade
        status = INPUT_ERROR if result.errors else CHECKED
        # Free text in a cell shows hidden characters as escapes, as every format does.
        row = [visible(result.path), visible(result.title), status, points_text(grade.score)]
        row.append(points_text(grade.max_score))
        for claim in grade.claims:
            row += [claim.verdict, points_text(claim.earned)]
        writer.writerow(row)
    return out.getvalue()


# --- JUnit XML


# Characters XML 1.0 does not allow even escaped, that ``visible`` leaves: the noncharacters
# U+FFFE and U+FFFF and lone surrogates (a path of undecodable bytes holds them).
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    """Free text for an XML attribute or element: one line, every hidden character and every
    character XML cannot hold written as an escape."""
    return _NOT_XML.sub(lambda match: f"\\u{ord(match.group(0)):04x}", visible(text))


def _testcase(suite: ET.Element, row: Row) -> ET.Element:
    case = ET.SubElement(
        suite,
        "testcase",
        classname=f"hw2check.q{row.question}",
        name=row.id,
        time=f"{row.seconds:.3f}",
    )
    if row.verdict is Verdict.REFUTED:
        failure = ET.SubElement(case, "failure", message=_xml(row.evidence), type="refuted")
        witness = ", ".join(f"{k} = {v}" for k, v in (row.witness or {}).items())
        failure.text = _xml(f"claim: {row.statement}; witness: {witness}")
    elif row.verdict is Verdict.UNDECIDED:
        ET.SubElement(case, "skipped", message=_xml(row.evidence))
    return case


def _error_case(suite: ET.Element, errors: Sequence[str]) -> None:
    """The testcase that lists a sheet's input errors."""
    case = ET.SubElement(suite, "testcase", classname="hw2check.sheet", name=NOT_CHECKED)
    case.set("time", "0.000")
    error = ET.SubElement(case, "error", message="input error", type="input error")
    error.text = "\n".join(_xml(e) for e in errors)


def _suite(root: ET.Element, result: Result) -> None:
    suite = ET.SubElement(root, "testsuite", name=_xml(result.path))
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="title", value=_xml(result.title))
    if result.ledger is None:
        _error_case(suite, result.errors)
        counts = {"tests": 1, "failures": 0, "errors": 1, "skipped": 0}
        seconds = 0.0
    else:
        rows = [row for row in result.ledger.claims if not is_theorem(row)]
        for row in rows:
            _testcase(suite, row)
        verdicts = [row.verdict for row in rows]
        errors = 1 if result.errors else 0  # checked in spite of its errors (--keep-going)
        if errors:
            _error_case(suite, result.errors)
        counts = {
            "tests": len(rows) + errors,
            "failures": verdicts.count(Verdict.REFUTED),
            "errors": errors,
            "skipped": verdicts.count(Verdict.UNDECIDED),
        }
        seconds = sum(row.seconds for row in rows)
    for key, count in counts.items():
        suite.set(key, str(count))
    suite.set("time", f"{seconds:.3f}")


def junit(results: Sequence[Result]) -> str:
    """JUnit XML: a testsuite per sheet, a testcase per claim row."""
    root = ET.Element("testsuites", name="hw2check")
    for result in results:
        _suite(root, result)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"
