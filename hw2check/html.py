"""A self-contained HTML report: no network, no JavaScript."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from hw2check.ledger import Ledger

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .5rem; text-align: left; }
.badge { border-radius: .6rem; padding: .1rem .5rem; color: #fff; font-size: .85rem; }
.proved { background: #2e7d32; } .checked { background: #1565c0; }
.refuted { background: #c62828; } .undecided { background: #6d6d6d; }
.claim { margin: 1rem 0; padding: .5rem 1rem; border-left: 4px solid #ddd; }
code { background: #f4f4f4; padding: 0 .2rem; }
"""


def _ledger_section(ledger: Ledger) -> str:
    rows = "\n".join(
        f"<tr><td>{escape(row.question)}</td><td><code>{escape(row.id)}</code></td>"
        f'<td><span class="badge {row.verdict}">{row.verdict}</span></td>'
        f"<td>{escape(row.method)}</td></tr>"
        for row in ledger.claims
    )
    details = "\n".join(
        f'<div class="claim" id="{escape(row.id)}"><h3><code>{escape(row.id)}</code> '
        f'<span class="badge {row.verdict}">{row.verdict}</span></h3>'
        f"<p><b>Claim:</b> {escape(row.statement)}</p>"
        f"<p><b>Evidence:</b> {escape(row.evidence)}</p>"
        + (
            "<p><b>Witness:</b> "
            + escape(", ".join(f"{k} = {v}" for k, v in row.witness.items()))
            + "</p>"
            if row.witness
            else ""
        )
        + "</div>"
        for row in ledger.claims
    )
    summary = ", ".join(f"{count} {verdict}" for verdict, count in ledger.summary.items())
    return (
        f"<section><h1>{escape(ledger.title)}</h1><p>Sheet: <code>{escape(ledger.path)}</code>"
        f" — {escape(summary)}</p>\n<table><thead><tr><th>Q</th><th>claim</th><th>verdict</th>"
        f"<th>method</th></tr></thead><tbody>\n{rows}\n</tbody></table>\n{details}</section>"
    )


def html(ledgers: Sequence[Ledger]) -> str:
    body = "\n".join(_ledger_section(ledger) for ledger in ledgers)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>hw2check report</title>"
        f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n"
    )
