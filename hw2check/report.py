"""Ledgers rendered for people and programs: an 80-column table, JSON Lines, Markdown."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence

from hw2check.ledger import Ledger, Row, Verdict

WIDTH = 80
MARKS = {
    Verdict.PROVED: "✓",
    Verdict.CHECKED: "~",
    Verdict.REFUTED: "✗",
    Verdict.UNDECIDED: "?",
}


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _wrapped(label: str, text: str) -> list[str]:
    return textwrap.wrap(
        " ".join(text.split()),
        WIDTH,
        initial_indent=f"    {label}: ",
        subsequent_indent="      ",
        break_on_hyphens=False,
    )


def _witness_text(row: Row) -> str:
    return ", ".join(f"{k} = {v}" for k, v in (row.witness or {}).items())


def summary_line(ledger: Ledger) -> str:
    return "  ".join(f"{verdict} {count}" for verdict, count in ledger.summary.items())


def table(ledger: Ledger) -> str:
    """The default output: one line per row, then the evidence of every row not proved."""
    id_width = max([len(row.id) for row in ledger.claims] + [5])
    method_width = max(10, WIDTH - 5 - (id_width + 1) - 12)
    lines = [_clip(f"{ledger.title}", WIDTH), _clip(f"sheet: {ledger.path}", WIDTH), ""]
    lines.append(f"{'Q':<4} {'claim':<{id_width}} {'verdict':<11} method")
    for row in ledger.claims:
        lines.append(
            f"{row.question:<4} {row.id:<{id_width}} {MARKS[row.verdict]} {row.verdict!s:<9} "
            f"{_clip(row.method, method_width)}"
        )
    details = [row for row in ledger.claims if row.verdict is not Verdict.PROVED]
    if details:
        lines += ["", "Evidence for the rows not proved:"]
    for row in details:
        lines.append(f"  {MARKS[row.verdict]} {row.id} — {row.verdict}")
        lines += _wrapped("claim", row.statement)
        lines += _wrapped("evidence", row.evidence)
        if row.witness:
            lines += _wrapped("witness", _witness_text(row))
    lines += ["", summary_line(ledger)]
    return "\n".join(lines) + "\n"


def json_line(ledger: Ledger) -> str:
    return json.dumps(ledger.to_json(), ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def markdown(ledger: Ledger) -> str:
    lines = [
        f"# {_cell(ledger.title)}",
        "",
        f"Sheet: `{ledger.path}`",
        "",
        summary_line(ledger),
        "",
    ]
    lines += ["| Q | claim | verdict | method |", "|---|---|---|---|"]
    for row in ledger.claims:
        lines.append(
            f"| {row.question} | `{row.id}` | {MARKS[row.verdict]} {row.verdict} | "
            f"{_cell(row.method)} |"
        )
    current = None
    for row in ledger.claims:
        if row.question != current:
            current = row.question
            lines += ["", f"## Question {current}"]
        lines += ["", f"### `{row.id}` — {row.verdict}", "", f"*Claim:* {_cell(row.statement)}"]
        lines += ["", f"*Evidence:* {_cell(row.evidence)}"]
        if row.witness:
            lines += ["", f"*Witness:* {_cell(_witness_text(row))}"]
    return "\n".join(lines) + "\n"


def render(ledgers: Sequence[Ledger], fmt: str) -> str:
    if fmt == "json":
        return "".join(json_line(ledger) for ledger in ledgers)
    if fmt == "markdown":
        return "\n".join(markdown(ledger) for ledger in ledgers)
    if fmt == "html":
        from hw2check.html import html

        return html(ledgers)
    return "\n".join(table(ledger) for ledger in ledgers)
