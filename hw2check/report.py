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
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hw2check.errors import visible
from hw2check.ledger import Ledger, Row, Verdict
from hw2check.present import lines_of, matrix_of

if TYPE_CHECKING:
    from hw2check.sheet import Sheet

WIDTH = 80
MARKS = {
    Verdict.PROVED: "✓",
    Verdict.CHECKED: "~",
    Verdict.REFUTED: "✗",
    Verdict.UNDECIDED: "?",
}


def _columns(ch: str) -> int:
    """Terminal columns of one character: wide East Asian 2, combining marks 0."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _prefix(text: str, width: int) -> int:
    """How many leading characters of ``text`` fit in ``width`` terminal columns."""
    used = 0
    for count, ch in enumerate(text):
        used += _columns(ch)
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


def _wrapped_heading(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, subsequent_indent="  ")


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
            plain.append(f"{visible(key)} = {visible(value)}")
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


def summary_line(ledger: Ledger) -> str:
    return "  ".join(f"{verdict} {count}" for verdict, count in ledger.summary.items())


def table(ledger: Ledger, width: int = WIDTH) -> str:
    """The default output, ``width`` columns wide: one line per row, then the evidence of
    every row not proved, and the whole method of every row whose method was cut short."""
    id_width = max([len(row.id) for row in ledger.claims] + [5])
    method_width = max(10, width - 5 - (id_width + 1) - 12)
    lines = [_clip(f"{ledger.title}", width), _clip(f"sheet: {ledger.path}", width), ""]
    lines.append(f"{'Q':<4} {'claim':<{id_width}} {'verdict':<11} method")
    cut: set[str] = set()
    for row in ledger.claims:
        method = _clip(row.method, method_width)
        if method != visible(row.method):
            cut.add(row.id)
        lines.append(
            f"{row.question:<4} {row.id:<{id_width}} {MARKS[row.verdict]} {row.verdict!s:<9} "
            f"{method}"
        )
    details = [row for row in ledger.claims if row.verdict is not Verdict.PROVED or row.id in cut]
    if details:
        heading = "Evidence for the rows not proved"
        if cut:
            heading += ", and the methods cut short above"
        lines += ["", *_wrapped_heading(heading + ":", width)]
    for row in details:
        lines.append(f"  {MARKS[row.verdict]} {row.id} — {row.verdict}")
        if row.id in cut:
            lines += _wrapped("method", row.method, width)
        if row.verdict is Verdict.PROVED:
            continue
        lines += _wrapped("claim", row.statement, width)
        lines += _paragraphs("evidence", row.evidence, width)
        if row.witness:
            lines += _witness_lines(row, width)
    lines += ["", summary_line(ledger)]
    return "\n".join(lines) + "\n"


def json_line(ledger: Ledger) -> str:
    return json.dumps(ledger.to_json(), ensure_ascii=False) + "\n"


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
        return _code(value)
    body = r" \\ ".join(" & ".join(row) for row in matrix.rows)
    name = f"{_code(matrix.name)} = " if matrix.name else ""
    return f"{name}$\\begin{{pmatrix}} {body} \\end{{pmatrix}}$"


def markdown(ledger: Ledger, sheet: Sheet | None = None) -> str:
    from hw2check.mathml import formulas_of

    formulas = formulas_of(sheet)
    lines = [f"# {_text(ledger.title)}", ""]
    lines += ["| Q | claim | verdict | method |", "|---|---|---|---|"]
    for row in ledger.claims:
        lines.append(
            f"| {_text(row.question)} | {_code(row.id, cell=True)} | "
            f"{MARKS[row.verdict]} {row.verdict} | {_text(row.method)} |"
        )
    lines += ["", f"Sheet {_code(ledger.path)}: {summary_line(ledger)}"]
    current = None
    for row in ledger.claims:
        if row.question != current:
            current = row.question
            lines += ["", f"## Question {_text(current)}"]
        lines += ["", f"### {_code(row.id)} — {MARKS[row.verdict]} {row.verdict}", ""]
        lines.append(f"*Claim:* {_text(row.statement)}")
        for formula in formulas.get(row.id, []):
            lines += ["", f"${formula.latex}$"]
        evidence = "<br>".join(_text(line) for line in lines_of(row.evidence))
        lines += ["", f"*Method:* {_text(row.method)}", "", f"*Evidence:* {evidence}"]
        if row.witness:
            pairs = ", ".join(f"{_code(k)} = {_markdown_value(v)}" for k, v in row.witness.items())
            lines += ["", f"*Witness:* {pairs}"]
    return "\n".join(lines) + "\n"


def render(
    ledgers: Sequence[Ledger],
    fmt: str,
    sheets: Sequence[Sheet] | None = None,
    *,
    width: int = WIDTH,
) -> str:
    """The ledgers in a format; ``sheets`` (same order as ``ledgers``) lets Markdown and HTML
    typeset the sheets' formulas and draw their figures; ``width`` is the table's."""
    paired: Sequence[Sheet | None] = (
        sheets if sheets is not None and len(sheets) == len(ledgers) else [None] * len(ledgers)
    )
    if fmt == "json":
        return "".join(json_line(ledger) for ledger in ledgers)
    if fmt == "markdown":
        return "\n".join(
            markdown(ledger, sheet) for ledger, sheet in zip(ledgers, paired, strict=True)
        )
    if fmt == "html":
        from hw2check.html import html

        return html(ledgers, sheets)
    return "\n".join(table(ledger, width) for ledger in ledgers)
