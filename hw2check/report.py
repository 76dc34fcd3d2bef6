"""Ledgers rendered for people and programs: an 80-column table, JSON Lines, Markdown, HTML.

Markdown is GitHub-flavoured: the verdict table first, then one section per question with
every row's statement, formulas in ``$…$`` (from the sheet, when it is given), method,
evidence and witness. Free text (titles, statements, evidence) is escaped so that it shows
as written and cannot start markup of its own.
"""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from typing import TYPE_CHECKING

from hw2check.errors import NOT_PRINTABLE_ASCII, hidden, visible
from hw2check.ledger import Ledger, Row, Verdict
from hw2check.present import lines_of, matrix_of, readable

if TYPE_CHECKING:
    from hw2check.grading import Grade
    from hw2check.sheet import Sheet

WIDTH = 80


def _columns(ch: str) -> int:
    """Terminal columns of one character: wide East Asian 2, combining marks 0."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


# Combining marks on one character that count as taking no column; past them each takes
# one, so a title of thousands of combining marks is clipped like any long title.
MARKS_PER_CHARACTER = 2


def _prefix(text: str, width: int) -> int:
    """How many leading characters of ``text`` fit in ``width`` terminal columns."""
    used = marks = 0
    for count, ch in enumerate(text):
        columns = _columns(ch)
        marks = marks + 1 if columns == 0 else 0
        used += columns if marks <= MARKS_PER_CHARACTER else 1
        if used > width:
            return count
    return len(text)


def _clip(text: str, width: int) -> str:
    """One line of at most ``width`` terminal columns."""
    text = visible(text)
    if _prefix(text, width) == len(text):
        return text
    return text[: _prefix(text, width - 1)] + "…"


INDENT = "      "


def _wrapped(label: str, text: str, width: int = WIDTH) -> list[str]:
    lines = []
    # textwrap counts characters; a line with wide characters is cut again by columns.
    for line in textwrap.wrap(
        visible(text),
        width,
        initial_indent=f"    {label}: ",
        subsequent_indent=INDENT,
        break_on_hyphens=False,
    ):
        while (cut := _prefix(line, width)) < len(line):
            lines.append(line[:cut])
            line = INDENT + line[cut:]
        lines.append(line)
    return lines


# A title or path longer than this many lines of the table is clipped on the last one.
HEADING_LINES = 3


def _wrapped_heading(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns (wide characters count two,
    combining marks as ``_prefix`` says), broken at a blank where there is one; past
    ``HEADING_LINES`` lines the last is clipped with an ellipsis."""
    lines: list[str] = []
    indent = ""
    while text and len(lines) < HEADING_LINES:
        room = width - len(indent)
        end = max(_prefix(text, room), 1)
        if end < len(text) and len(lines) == HEADING_LINES - 1:
            lines.append(indent + text[: max(_prefix(text, room - 1), 1)] + "…")
            return lines
        blank = text.rfind(" ", 1, end + 1) if end < len(text) else -1
        end = blank if blank > end // 2 else end  # a blank early in the line would waste it
        lines.append(indent + text[:end].rstrip(" "))
        text, indent = text[end:].lstrip(" "), "  "
    return lines


def _paragraphs(label: str, text: str, width: int) -> list[str]:
    """Text of several lines, each wrapped on its own under ``label``."""
    first, *rest = lines_of(text)
    lines = _wrapped(label, first, width)
    for line in rest:
        lines += textwrap.wrap(
            visible(line), width, initial_indent=INDENT, subsequent_indent=INDENT + "  "
        ) or [""]
    return lines


def _witness_lines(row: Row, width: int) -> list[str]:
    """The witness: its plain values on wrapped lines, each matrix laid out row by row."""
    plain: list[str] = []
    matrices: list[list[str]] = []
    for key, value in (row.witness or {}).items():
        matrix = matrix_of(value)
        if matrix is None:
            plain.append(f"{visible(key)} = {visible(readable(value))}")
            continue
        name = f"{visible(key)} = " + (f"{matrix.name} = " if matrix.name else "")
        rows = matrix.text_lines()
        matrices.append(
            [INDENT + name + rows[0], *(INDENT + " " * len(name) + r for r in rows[1:])]
        )
    lines = _wrapped("witness", ", ".join(plain), width) if plain else ["    witness:"]
    for block in matrices:
        lines += [line if len(line) <= width else _clip(line, width) for line in block]
    return lines


def summary_line(ledger: Ledger, grade: Grade | None = None) -> str:
    """``claims: proved 3, refuted 1 of 4 made; 27 unanswered · theorems: proved 9``."""
    from hw2check.grading import summary

    return summary(ledger, grade)


def method_text(row: Row, grade: Grade | None) -> str:
    """The method, led by the stated precision on the rows of a stated number."""
    number = grade.numbers.get(row.id) if grade is not None else None
    if number is None:
        return row.method
    verb = "matches" if row.verdict is Verdict.PROVED else "stated"
    places = "decimal" if number.digits == 1 else "decimals"
    return f"{verb} to {number.digits} {places} · {row.method}"


def grade_lines(grade: Grade | None, scored: bool) -> list[str]:
    """The score (with a rubric), the points lost and the graded claims left unanswered."""
    from hw2check.grading import UNANSWERED, points_text

    if grade is None:
        return []
    lines = []
    if scored:
        lines.append(f"score: {grade.score_text} (rubric: {visible(grade.rubric.name)})")
        lost = [
            f"  {claim.id}: {points_text(claim.earned)} / {points_text(claim.points)}, {claim.lost}"
            for claim in grade.claims
            if claim.lost is not None and claim.verdict != UNANSWERED
        ]
        lines += ["points lost:", *lost] if lost else []
    if grade.for_review:
        lines.append("for manual review: " + ", ".join(grade.for_review))
    if grade.unanswered:
        lines.append(f"unanswered ({len(grade.unanswered)}): " + ", ".join(grade.unanswered))
    return lines


def table(
    ledger: Ledger, grade: Grade | None = None, scored: bool = False, width: int = WIDTH
) -> str:
    """The default output, ``width`` columns wide: one line per row, then the evidence of
    every row not proved, and the whole method of every row whose method was cut short."""
    id_width = max([len(row.id) for row in ledger.claims] + [5])
    method_width = max(10, width - 5 - (id_width + 1) - 12)
    # The title and the path are never cut: they are the only place they are shown.
    lines = [*(_wrapped_heading(visible(ledger.title), width) or [""])]
    lines += [*_wrapped_heading(f"sheet: {visible(ledger.path)}", width), ""]
    lines.append(f"{'Q':<4} {'claim':<{id_width}} {'verdict':<11} method")
    cut: set[str] = set()
    for row in ledger.claims:
        method = _clip(method_text(row, grade), method_width)
        if method != visible(method_text(row, grade)):
            cut.add(row.id)
        lines.append(
            f"{row.question:<4} {row.id:<{id_width}} {row.verdict.mark} {row.verdict!s:<9} {method}"
        )
    details = [row for row in ledger.claims if row.verdict is not Verdict.PROVED or row.id in cut]
    if details:
        heading = "Evidence for the rows not proved"
        if cut:
            heading += ", and the methods cut short above"
        lines += ["", *_wrapped_heading(heading + ":", width)]
    for row in details:
        lines.append(f"  {row.verdict.mark} {row.id} — {row.verdict}")
        if row.id in cut:
            lines += _wrapped("method", method_text(row, grade), width)
        if row.verdict is Verdict.PROVED:
            continue
        lines += _wrapped("claim", row.statement, width)
        lines += _paragraphs("evidence", row.evidence, width)
        if row.witness:
            lines += _witness_lines(row, width)
    lines += ["", summary_line(ledger, grade)]
    for line in grade_lines(grade, scored):
        lines += _wrapped_plain(line)
    return "\n".join(lines) + "\n"


def _wrapped_plain(text: str) -> list[str]:
    """A line of the grade, wrapped; a line that starts with blanks keeps them."""
    indent = text[: len(text) - len(text.lstrip())]
    return textwrap.wrap(
        visible(text),
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + INDENT,
        break_on_hyphens=False,
    )


def json_line(ledger: Ledger, grade: Grade | None = None, scored: bool = False) -> str:
    """One JSON object; with a rubric (``scored``) it has a ``grade`` object too."""
    data = ledger.to_json()
    if scored and grade is not None:
        from hw2check.grading import grade_json

        data["grade"] = grade_json(grade)
    return json_escaped(json.dumps(data, ensure_ascii=False)) + "\n"


def _json_escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    # json.dumps escapes line breaks and tabs inside strings, so a raw one is layout (indent).
    if ch in "\n\t" or not hidden(ch):
        return ch
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)  # a UTF-16 surrogate pair, as JSON writes it
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def json_escaped(text: str) -> str:
    """JSON text with every hidden character (controls, bidirectional and zero-width
    format characters, line separators) written as a ``\\uXXXX`` escape.

    Outside strings JSON text is printable ASCII and layout (line breaks and tabs, which
    json.dumps escapes inside strings, are kept), so only characters inside strings are
    replaced, and the decoded values are unchanged: a reader of the raw line sees no raw
    control or bidirectional character, a JSON parser sees the same data.
    """
    return NOT_PRINTABLE_ASCII.sub(_json_escape, text)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|$~#!])")


def _text(text: str) -> str:
    """Free text as one line of Markdown that shows exactly these characters."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", visible(text))


def _code(text: str, cell: bool = False) -> str:
    """An inline code span, fenced with more backticks than the text has in a row; in a
    table cell a | is escaped (GFM splits cells on | even inside code)."""
    text = visible(text)
    if cell:
        text = text.replace("|", "\\|")
    fence = "`" * (1 + max((len(run) for run in re.findall("`+", text)), default=0))
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _markdown_value(value: str) -> str:
    """A witness value: a matrix typeset (its cells are plain words and numbers), else code."""
    matrix = matrix_of(value)
    if matrix is None:
        return _code(readable(value))
    body = r" \\ ".join(" & ".join(row) for row in matrix.rows)
    name = f"{_code(matrix.name)} = " if matrix.name else ""
    return f"{name}$\\begin{{pmatrix}} {body} \\end{{pmatrix}}$"


def markdown_grade_lines(grade: Grade | None, scored: bool) -> list[str]:
    """``grade_lines`` as Markdown paragraphs, the indented ones as list items."""
    return [
        f"- {_text(line)}" if line.startswith("  ") else f"\n{_text(line)}"
        for line in grade_lines(grade, scored)
    ]


def markdown(
    ledger: Ledger, sheet: Sheet | None = None, grade: Grade | None = None, scored: bool = False
) -> str:
    from hw2check.mathml import formulas_of

    formulas = formulas_of(sheet)
    lines = [f"# {_text(ledger.title)}", ""]
    lines += ["| Q | claim | verdict | method |", "|---|---|---|---|"]
    for row in ledger.claims:
        lines.append(
            f"| {_text(row.question)} | {_code(row.id, cell=True)} | "
            f"{row.verdict.mark} {row.verdict} | {_text(method_text(row, grade))} |"
        )
    lines += ["", f"Sheet {_code(ledger.path)}: {_text(summary_line(ledger, grade))}"]
    lines += markdown_grade_lines(grade, scored)
    current = None
    for row in ledger.claims:
        if row.question != current:
            current = row.question
            lines += ["", f"## Question {_text(current)}"]
        lines += ["", f"### {_code(row.id)} — {row.verdict.mark} {row.verdict}", ""]
        lines.append(f"*Claim:* {_text(row.statement)}")
        for formula in formulas.get(row.id, []):
            lines += ["", f"${formula.latex}$"]
        evidence = "<br>".join(_text(line) for line in lines_of(row.evidence))
        lines += ["", f"*Method:* {_text(row.method)}", "", f"*Evidence:* {evidence}"]
        if row.witness:
            pairs = ", ".join(f"{_code(k)} = {_markdown_value(v)}" for k, v in row.witness.items())
            lines += ["", f"*Witness:* {pairs}"]
    return "\n".join(lines) + "\n"
