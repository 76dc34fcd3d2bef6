"""A self-contained HTML report: one file, no network, no JavaScript.

The page holds, per sheet, the ledger table with verdict badges, then one section per
question: its figure (inline SVG, when matplotlib is installed) and every row with its
statement, typeset formulas (MathML, rendered natively by browsers), method, evidence and
witness. All text is escaped: titles, statements and evidence come partly from untrusted
sheets. A Content-Security-Policy forbids every fetch and every script, so the file behaves
the same offline.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hw2check.budget import TOO_LARGE
from hw2check.errors import escape_hidden
from hw2check.grading import is_theorem
from hw2check.ledger import Ledger, Row, Verdict
from hw2check.mathml import Formula, formulas_of, math_element
from hw2check.plots import INSTALL_HINT, Plot, matplotlib_available, plots
from hw2check.present import lines_of, matrix_of, minus_signs, readable
from hw2check.report import grade_lines, method_text, summary_line
from hw2check.sheet import Sheet

if TYPE_CHECKING:
    from hw2check.grading import Grade


def escape(text: str) -> str:
    """Free text for HTML: markup escaped, and every control, bidirectional or zero-width
    character shown as a visible escape (``\\x1b``, ``\\u202e``) instead of raw."""
    return _html.escape(escape_hidden(text, keep="\n\t"))


POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

# Where each figure goes: the first of these questions present in the ledger.
FIGURE_PLACES = {"3.2": ("3.2",), "4": ("4b", "4c", "4d", "4e", "4a"), "6": ("6",)}

STYLE = """
:root { --proved: #1b7a2f; --checked: #1559a8; --refuted: #b3261e; --undecided: #5f6368; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328;
  margin: 1.5rem auto; max-width: 66rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .3rem; }
h2 { margin-top: 2rem; border-bottom: 2px solid #d0d7de; }
h3 { font-size: 1rem; margin: 0 0 .4rem; }
.meta { color: #57606a; margin: 0 0 .6rem; }
table { border-collapse: collapse; }
section.sheet > table { width: 100%; font-size: .9rem; }
section.sheet > table :is(th, td) { border-bottom: 1px solid #e4e7eb; padding: .18rem .5rem;
  text-align: left; vertical-align: top; }
section.sheet > table th { background: #f6f8fa; }
section.sheet > table a { color: inherit; }
.badge { display: inline-block; border-radius: .7rem; padding: 0 .55rem; color: #fff;
  font-size: .82rem; white-space: nowrap; }
.proved { background: var(--proved); } .checked { background: var(--checked); }
.refuted { background: var(--refuted); } .undecided { background: var(--undecided); }
.summary .badge { margin-right: .3rem; }
article { margin: .8rem 0; padding: .5rem .9rem; border-left: 4px solid var(--undecided);
  background: #fafbfc; }
article.v-proved { border-color: var(--proved); }
article.v-checked { border-color: var(--checked); }
article.v-refuted { border-color: var(--refuted); }
.statement { margin: .2rem 0 .4rem; }
.formulas math { margin: .35rem 0; font-size: 1.08rem; }
dl { display: grid; grid-template-columns: 6.5rem 1fr; gap: .15rem .6rem; margin: .3rem 0 0; }
dt { color: #57606a; } dd { margin: 0; overflow-wrap: anywhere; }
table.witness td { padding: 0 .6rem 0 0; font-family: ui-monospace, monospace; font-size: .88rem; }
table.matrix { display: inline-table; border-left: 1px solid; border-right: 1px solid;
  border-collapse: separate; border-spacing: .5rem 0; vertical-align: middle; }
table.matrix td { padding: 0; text-align: right; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .88em; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
figcaption { color: #57606a; font-size: .88rem; }
.note { background: #fff8c5; border: 1px solid #e3d27a; padding: .4rem .7rem; }
math { font-family: "STIX Two Math", "Latin Modern Math", "Cambria Math", math; }
"""


def _id(*parts: str) -> str:
    """An element id from free text: letters, digits, '.', '_' and '-' only."""
    return "-".join(re.sub(r"[^A-Za-z0-9_.-]", "_", part) for part in parts)


def _badge(verdict: Verdict, text: str | None = None) -> str:
    shown = text if text is not None else f"{verdict.mark} {verdict}"
    return f'<span class="badge {verdict}">{escape(shown)}</span>'


def _formulas_html(row: Row, formulas: dict[str, list[Formula]]) -> str:
    found = formulas.get(row.id, [])
    if not found:
        return ""
    return '<div class="formulas">' + "".join(math_element(f) for f in found) + "</div>"


def _math_text(text: str) -> str:
    """Free text as HTML: escaped, its line breaks kept, its minus signs typeset."""
    return "<br/>".join(minus_signs(escape(line)) for line in lines_of(text))


def _value_html(value: str) -> str:
    matrix = matrix_of(value)
    if matrix is None:
        return _math_text(readable(value))
    rows = "".join(
        "<tr>" + "".join(f"<td>{_math_text(cell)}</td>" for cell in row) + "</tr>"
        for row in matrix.rows
    )
    name = f"{escape(matrix.name)} = " if matrix.name else ""
    return f'{name}<table class="matrix">{rows}</table>'


def _witness_html(row: Row) -> str:
    if not row.witness:
        return ""
    cells = "".join(
        f"<tr><td>{escape(key)}</td><td>= {_value_html(value)}</td></tr>"
        for key, value in row.witness.items()
    )
    return f'<dt>Witness</dt><dd><table class="witness">{cells}</table></dd>'


def _row_html(row: Row, anchor: str, formulas: dict[str, list[Formula]]) -> str:
    return (
        f'<article class="v-{row.verdict}" id="{anchor}">'
        f"<h3><code>{escape(row.id)}</code> {_badge(row.verdict)}</h3>"
        f'<p class="statement">{_math_text(row.statement)}</p>'
        f"{_formulas_html(row, formulas)}"
        f"<dl><dt>Method</dt><dd>{_math_text(row.method)}</dd>"
        f"<dt>Evidence</dt><dd>{_math_text(row.evidence)}</dd>"
        f"{_witness_html(row)}"
        f"<dt>Time</dt><dd>{row.seconds:.3f} s</dd></dl></article>"
    )


def _figure_html(plot: Plot) -> str:
    caption = f"<figcaption>{escape(plot.caption)}</figcaption>"
    if plot.svg is None and plot.missing == TOO_LARGE:
        return (
            '<figure class="plot missing"><p class="note">This figure is too large to show: '
            "computing or drawing it for this sheet took longer than its budget.</p>"
            f"{caption}</figure>"
        )
    if plot.svg is None:
        return (
            '<figure class="plot missing"><p class="note">This plot needs matplotlib: '
            f"<code>{escape(INSTALL_HINT)}</code></p>{caption}</figure>"
        )
    return f'<figure class="plot">{plot.svg}{caption}</figure>'


def _plots(ledger: Ledger, sheet: Sheet | None, prefix: str) -> dict[str, Plot]:
    """Question -> the figure shown at the top of its section."""
    if sheet is None:
        return {}
    present = {row.question for row in ledger.claims}
    places = {
        key: next(question for question in questions if question in present)
        for key, questions in FIGURE_PLACES.items()
        if present.intersection(questions)
    }
    return {places[plot.key]: plot for plot in plots(sheet, list(places), prefix)}


def _ledger_section(
    ledger: Ledger,
    sheet: Sheet | None,
    number: int,
    grade: Grade | None = None,
    scored: bool = False,
) -> str:
    prefix = f"s{number}"
    formulas = formulas_of(sheet)
    figures = _plots(ledger, sheet, prefix)
    rows = "\n".join(
        f"<tr><td>{escape(row.question)}</td>"
        f'<td><a href="#{_id(prefix, row.id)}"><code>{escape(row.id)}</code></a></td>'
        f"<td>{_badge(row.verdict)}</td><td>{escape(method_text(row, grade))}</td></tr>"
        for row in ledger.claims
    )
    # The badges count the sheet's claims; the theorem rows are counted apart after them.
    claims = Ledger(ledger.path, ledger.title, [r for r in ledger.claims if not is_theorem(r)])
    summary = "".join(
        _badge(Verdict(verdict), f"{count} {verdict}") for verdict, count in claims.summary.items()
    )
    summary += f" {escape(summary_line(ledger, grade))}"
    grading = "".join(f'<p class="grade">{escape(line)}</p>' for line in grade_lines(grade, scored))
    author = f" by {escape(sheet.author)}" if sheet is not None and sheet.author else ""
    parts = [
        f'<section class="sheet" id="{prefix}"><h1>{escape(ledger.title)}</h1>',
        f'<p class="meta">Sheet <code>{escape(ledger.path)}</code>{author}</p>',
        f'<p class="summary">{summary}</p>{grading}',
        "<table><thead><tr><th>Q</th><th>claim</th><th>verdict</th>"
        f"<th>method</th></tr></thead><tbody>\n{rows}\n</tbody></table>",
    ]
    current = None
    for row in ledger.claims:
        if row.question != current:
            if current is not None:
                parts.append("</section>")
            current = row.question
            parts.append(
                f'<section class="question" id="{_id(prefix, "q" + current)}">'
                f"<h2>Question {escape(current)}</h2>"
            )
            if current in figures:
                parts.append(_figure_html(figures[current]))
        parts.append(_row_html(row, _id(prefix, row.id), formulas))
    if current is not None:
        parts.append("</section>")
    parts.append("</section>")
    return "\n".join(parts)


def _with_errors(section: str, errors: Sequence[str]) -> str:
    """A sheet's section with the input errors it was checked in spite of, at its end."""
    if not errors:
        return section
    items = "".join(f"<li>{escape(error)}</li>" for error in errors)
    head, _, tail = section.rpartition("</section>")
    note = '<p class="note">Input errors (their keys were not checked):</p>'
    return f"{head}{note}<ul>{items}</ul></section>{tail}"


def _bad_section(path: str, errors: Sequence[str], score: str | None = None) -> str:
    items = "".join(f"<li>{escape(error)}</li>" for error in errors)
    grading = f'<p class="grade">{escape(score)}</p>' if score is not None else ""
    return (
        f'<section class="sheet bad"><h1>Not checked: <code>{escape(path)}</code></h1>'
        f'<p class="note">This sheet has input errors; none of its claims was checked.</p>'
        f"{grading}<ul>{items}</ul></section>"
    )


def html(
    ledgers: Sequence[Ledger],
    sheets: Sequence[Sheet] | None = None,
    grades: Sequence[Grade | None] | None = None,
    scored: bool = False,
    bad: Sequence[tuple[str, Sequence[str]]] = (),
    bad_scores: Sequence[str] = (),
    kept: Sequence[Sequence[str]] = (),
) -> str:
    """The report of these ledgers; ``sheets`` (same order) adds formulas and figures,
    ``grades`` (same order) the score and unanswered claims, and ``bad`` lists the sheets
    that could not be checked (path, errors) first, with their score lines ``bad_scores``
    (same order as ``bad``; none without a rubric); ``kept`` (same order as ``ledgers``) the
    errors of sheets checked in spite of them (``--keep-going``)."""
    paired: list[Sheet | None] = (
        list(sheets)
        if sheets is not None and len(sheets) == len(ledgers)
        else [None] * len(ledgers)
    )
    body = []
    if any(sheet is not None for sheet in paired) and not matplotlib_available():
        body.append(
            '<p class="note">The plots need matplotlib, an optional extra: '
            f"<code>{escape(INSTALL_HINT)}</code>. Everything else is below.</p>"
        )
    if len(ledgers) > 1:
        links = "".join(
            f'<li><a href="#s{n}">{escape(ledger.title)}</a> '
            f"<code>{escape(ledger.path)}</code></li>"
            for n, ledger in enumerate(ledgers, start=1)
        )
        body.append(f"<nav><h1>hw2check report: {len(ledgers)} sheets</h1><ol>{links}</ol></nav>")
    graded: list[Grade | None] = (
        list(grades)
        if grades is not None and len(grades) == len(ledgers)
        else [None] * len(ledgers)
    )
    scores: list[str | None] = [*bad_scores, *[None] * (len(bad) - len(bad_scores))]
    body += [
        _bad_section(path, errors, score) for (path, errors), score in zip(bad, scores, strict=True)
    ]
    errors: list[Sequence[str]] = [*kept, *[()] * (len(ledgers) - len(kept))]
    body += [
        _with_errors(_ledger_section(ledger, sheet, n, grade, scored), errors[n - 1])
        for n, (ledger, sheet, grade) in enumerate(zip(ledgers, paired, graded, strict=True), 1)
    ]
    title = ledgers[0].title if len(ledgers) == 1 else f"{len(ledgers)} sheets"
    if bad:
        title = f"{len(ledgers) + len(bad)} sheets, {len(bad)} not checked"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}"/>'
        f"<title>hw2check: {escape(title)}</title><style>{STYLE}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
