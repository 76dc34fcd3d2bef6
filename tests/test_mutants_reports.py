"""Exact details of the reports that the snapshot sheets never exercise: terminal columns of
wide and combining characters, the narrowest table columns, code spans around backticks and
bars, and rows with unusual ids and questions."""

from __future__ import annotations

from hw2check.ledger import Ledger, Row, Verdict
from hw2check.report import _code, _columns, _prefix, markdown, table


def _row(
    row_id: str, question: str = "3.1", verdict: Verdict = Verdict.PROVED, method: str = "m"
) -> Row:
    return Row(row_id, question, "s", verdict, method, "e", None, 0.0)


# --- the 80-column table -----------------------------------------------------------------------


def test_columns_of_narrow_wide_fullwidth_and_combining_characters() -> None:
    assert _columns("a") == 1
    assert _columns("漢") == 2  # East Asian Wide
    assert _columns("Ａ") == 2  # FULLWIDTH LATIN CAPITAL LETTER A: East Asian Fullwidth
    assert _columns("\u0301") == 0  # COMBINING ACUTE ACCENT
    assert _prefix("ab漢c", 3) == 2
    assert _prefix("e\u0301e\u0301x", 2) == 4


def test_short_ids_still_get_a_claim_column_five_wide() -> None:
    text = table(Ledger("p.toml", "t", (_row("ab"),)))
    lines = text.splitlines()
    assert lines[3] == "Q    claim verdict     method"
    assert lines[4] == "3.1  ab    ✓ proved    m"


def test_a_very_long_id_leaves_the_method_ten_columns() -> None:
    long_id = "x" * 60
    text = table(Ledger("p.toml", "t", (_row(long_id, method="abcdefghijklmnop"),)))
    assert text.splitlines()[4] == f"3.1  {long_id} ✓ proved    abcdefghi…"


def test_wide_characters_are_cut_by_columns_in_the_evidence() -> None:
    row = Row("q", "3.1", "s", Verdict.REFUTED, "m", "漢" * 50, None, 0.0)
    lines = table(Ledger("p.toml", "t", (row,))).splitlines()
    evidence = [line for line in lines if "漢" in line]
    assert evidence == [
        "    evidence: " + "漢" * 33,
        "      " + "漢" * 17,
    ]


# --- Markdown --------------------------------------------------------------------------------


def test_code_spans_fence_and_pad_around_backticks() -> None:
    assert _code("plain") == "`plain`"
    assert _code("a``b") == "```a``b```"
    assert _code("`x") == "`` `x ``"
    assert _code("x`") == "`` x` ``"
    assert _code("`") == "`` ` ``"


def test_a_bar_is_escaped_in_table_cells_only() -> None:
    assert _code("a|b") == "`a|b`"
    assert _code("a|b", cell=True) == "`a\\|b`"


def test_markdown_keeps_the_bar_of_a_path_outside_the_table() -> None:
    text = markdown(Ledger("a|b.toml", "t", (_row("x|y"),)))
    assert "| 3.1 | `x\\|y` | ✓ proved | m |" in text.splitlines()
    assert "Sheet `a|b.toml`: proved 1  checked 0  refuted 0  undecided 0" in text.splitlines()
    assert "### `x|y` — ✓ proved" in text.splitlines()


def test_a_row_with_an_empty_question_still_gets_its_section() -> None:
    text = markdown(Ledger("p.toml", "t", (_row("a", question=""),)))
    assert "## Question " in text.splitlines()
