"""Evidence for people: matrices laid out, lines kept, minus signs in HTML; the JSON stays."""

from __future__ import annotations

import json

from hw2check.html import html
from hw2check.ledger import Ledger, Row, Verdict
from hw2check.present import Matrix, lines_of, matrix_of, minus_signs
from hw2check.report import json_line, markdown, table


def test_matrices_are_recognised_with_or_without_a_name() -> None:
    assert matrix_of("[[0, 1], [1, 0]]") == Matrix("", (("0", "1"), ("1", "0")))
    assert matrix_of("B = [[a, b], [b, a]]") == Matrix("B", (("a", "b"), ("b", "a")))
    assert matrix_of(" [[-1/2]] ") == Matrix("", (("-1/2",),))


def test_what_is_not_a_small_plain_matrix_is_left_alone() -> None:
    for value in ("[1, 2]", "[[1, 2], [3]]", '[[1, ["0"]]]', "[[a+b, 1]]", "x", "[[]]"):
        assert matrix_of(value) is None, value
    big = "[[" + "], [".join(", ".join("1" * 13) for _ in range(13)) + "]]"
    assert matrix_of(big) is None
    assert matrix_of("[[" + ", ".join("1" * 12) + "]]") is not None


def test_matrix_text_is_right_aligned() -> None:
    assert Matrix("", (("1", "-10"), ("100", "2"))).text_lines() == ["[  1 -10]", "[100   2]"]


def test_minus_signs_but_not_hyphens() -> None:
    assert minus_signs("w - 2, -3, 1e-6, (-1)**k, x-1") == (
        "w \u2212 2, \u22123, 1e\u22126, (\u22121)**k, x\u22121"
    )
    assert minus_signs("first-order, forward-mode, z3-based") == (
        "first-order, forward-mode, z3-based"
    )


def test_lines_of() -> None:
    assert lines_of("a\n  b") == ["a", "  b"]


ROW = Row(
    "q5.x",
    "5a",
    "claim -1",
    Verdict.REFUTED,
    "exact",
    "first line w - 1\n  [ok] second line",
    {"n": "3", "S": "[[0, 1], [1, 0]]", "B": "B = [[a, b], [b, a]]"},
    0.0,
)
LEDGER = Ledger("s.toml", "T", (ROW,))


def test_the_table_lays_out_lines_and_matrices() -> None:
    text = table(LEDGER)
    assert "    evidence: first line w - 1\n      [ok] second line\n" in text
    assert (
        "    witness: n = 3\n      S = [0 1]\n          [1 0]\n"
        "      B = B = [a b]\n              [b a]\n"
    ) in text


def test_markdown_keeps_lines_and_typesets_matrices() -> None:
    text = markdown(LEDGER)
    assert "*Evidence:* first line w - 1<br>\\[ok\\] second line" in text
    assert "`S` = $\\begin{pmatrix} 0 & 1 \\\\ 1 & 0 \\end{pmatrix}$" in text
    assert "`B` = `B` = $\\begin{pmatrix} a & b \\\\ b & a \\end{pmatrix}$" in text


def test_html_keeps_lines_typesets_matrices_and_minus_signs() -> None:
    page = html([LEDGER])
    assert "<dd>first line w \u2212 1<br/>  [ok] second line</dd>" in page
    assert '= <table class="matrix"><tr><td>0</td><td>1</td></tr><tr><td>1</td><td>0</td>' in page
    assert '= B = <table class="matrix">' in page
    assert '<p class="statement">claim \u22121</p>' in page


def test_the_json_witness_is_as_the_check_wrote_it() -> None:
    claim = json.loads(json_line(LEDGER))["claims"][0]
    assert claim["witness"]["S"] == "[[0, 1], [1, 0]]"
    assert claim["evidence"] == "first line w - 1\n  [ok] second line"
