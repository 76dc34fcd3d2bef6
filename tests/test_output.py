"""The command line's output conventions: width, --quiet, --output's summary line, a closed
pipe, and a method cut short in the table always shown whole in the evidence block."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hw2check.ledger import Ledger, Row, Verdict
from hw2check.output import quiet, quietly_on_closed_pipe, table_width, totals, wrote
from hw2check.report import table


def test_the_width_is_columns_else_the_terminal_else_80() -> None:
    assert table_width({"COLUMNS": "132"}, isatty=False) == 132
    assert table_width({"COLUMNS": " 100 "}, isatty=True) == 100
    assert table_width({"COLUMNS": "3"}, isatty=False) == 40
    assert table_width({"COLUMNS": "99999"}, isatty=False) == 1000
    assert table_width({"COLUMNS": "wide"}, isatty=False) == 80
    assert table_width({}, isatty=False) == 80


def test_the_terminal_width_is_asked_only_of_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback: type("S", (), {"columns": 97}))
    assert table_width({}, isatty=True) == 97


def _row(name: str, verdict: Verdict, method: str) -> Row:
    witness = {"x": "1"} if verdict is Verdict.REFUTED else None
    return Row(name, "3.1", f"statement of {name}", verdict, method, "why", witness, 0.0)


LEDGER = Ledger(
    "s.toml",
    "T",
    (
        _row("q3_1.a", Verdict.PROVED, "short"),
        _row("q3_1.b", Verdict.PROVED, "a method with a long description " * 3),
        _row("q3_1.c", Verdict.REFUTED, "exact"),
    ),
)


def test_a_method_cut_short_is_shown_whole_below() -> None:
    text = table(LEDGER, width=60)
    assert "q3_1.b ✓ proved    a method with a long description a …\n" in text
    assert "Evidence for the rows not proved, and the methods cut short\n  above:\n" in text
    block = text[text.index("Evidence") :]
    assert (
        "  ✓ q3_1.b — proved\n    method: a method with a long description a method with" in block
    )
    assert "q3_1.a" not in block and "statement of q3_1.b" not in block
    assert "  ✗ q3_1.c — refuted\n    claim: statement of q3_1.c\n" in block
    assert all(len(line) <= 60 for line in text.splitlines())


def test_a_wide_table_cuts_nothing() -> None:
    text = table(LEDGER, width=200)
    assert "Evidence for the rows not proved:\n" in text and "method:" not in text


def test_summaries() -> None:
    assert totals([LEDGER, LEDGER]) == "2 sheets: claims: proved 4, refuted 2"
    assert totals([LEDGER]) == "1 sheet: claims: proved 2, refuted 1"
    assert totals([]) == "0 sheets: claims: none made"
    theorem = _row("theorem.t", Verdict.PROVED, "z3")
    with_theorem = Ledger("t.toml", "T", (*LEDGER.claims, theorem))
    assert totals([with_theorem, with_theorem]) == (
        "2 sheets: claims: proved 4, refuted 2 · theorems: proved 1"
    )
    assert quiet([LEDGER]) == "s.toml: claims: proved 2, refuted 1 of 3 made\n"
    assert wrote("r.html", [LEDGER]) == (
        "hw2check: wrote r.html (1 sheet: claims: proved 2, refuted 1)"
    )


def test_a_closed_pipe_ends_quietly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sink = (tmp_path / "out").open("w")
    monkeypatch.setattr(sys, "stdout", sink)

    def reader_gone() -> int:
        raise BrokenPipeError

    assert quietly_on_closed_pipe(reader_gone) == 1
    assert quietly_on_closed_pipe(lambda: 0) == 0
    sink.close()
