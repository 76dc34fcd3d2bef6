"""Exact details of the reports that the snapshot sheets never exercise: terminal columns of
wide and combining characters, the narrowest table columns, code spans around backticks and
bars, and rows with unusual ids and questions."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest
import sympy

from hw2check import html as html_module
from hw2check import plots
from hw2check.formats import render
from hw2check.ledger import Ledger, Row, Verdict
from hw2check.mathml import (
    Formula,
    _call,
    _escaped,
    expression,
    formulas_of,
    math_element,
    number,
)
from hw2check.numbers import read_number
from hw2check.report import _code, _columns, _prefix, json_line, markdown, table
from hw2check.sheet import SGD_ETA, SYMBOLS, parse_sheet


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
    assert "Sheet `a|b.toml`: claims: proved 1 of 1 made" in text.splitlines()
    assert "### `x|y` — ✓ proved" in text.splitlines()


def test_a_row_with_an_empty_question_still_gets_its_section() -> None:
    text = markdown(Ledger("p.toml", "t", (_row("a", question=""),)))
    assert "## Question " in text.splitlines()


# --- the data behind the figures -------------------------------------------------------------


def test_real_values_are_finite_real_floats_or_none() -> None:
    assert plots._real(sympy.Rational(1, 3)) == 1 / 3
    # 20 digits round to the nearest float; 15 (the default) would give the float below.
    assert plots._real(sympy.sqrt(19)) == math.sqrt(19) == 4.358898943540674
    assert plots._real(sympy.Rational(-5, 2)) == -2.5
    assert plots._real(sympy.sqrt(-1)) is None
    assert plots._real(sympy.oo) is None
    assert plots._real(-sympy.oo) is None
    assert plots._real(sympy.zoo) is None
    assert plots._real(SGD_ETA) is None  # not a number at all


def test_vector_helpers_are_exact_and_need_equal_lengths() -> None:
    assert type(plots._dot((), ())) is Fraction  # an empty sum is still exact
    assert plots._dot((Fraction(1, 2), Fraction(3)), (Fraction(4), Fraction(-1))) == -1
    with pytest.raises(ValueError, match="zip"):
        plots._dot((Fraction(1),), (Fraction(1), Fraction(2)))
    with pytest.raises(ValueError, match="zip"):
        plots._minus((Fraction(1), Fraction(2)), (Fraction(1),))
    with pytest.raises(ValueError, match="zip"):
        plots._error([mpmath.mpf(1)], [mpmath.mpf(1), mpmath.mpf(2)])


def test_a_start_beyond_floats_gives_no_loss_changes() -> None:
    # 10**400 is real but no float: F(start) is unknown, so every change is nan, even for a
    # constant F (whose compiled function would ignore its argument).
    sheet = parse_sheet(
        '[sheet]\ntitle = "t"\n[q6]\ncomponents = ["1", "2"]\nstart = "10**400"\n'
        'picked = 1\nstep_sizes = "eta > 0"\n',
        "s.toml",
    )
    data = plots.sgd_changes(sheet.q6, points=3)
    assert data is not None and data.etas == (0.5, 1.0)
    assert all(math.isnan(change) for curve in data.changes for change in curve)


def test_float_functions_give_nan_where_not_real_or_not_finite() -> None:
    w = SYMBOLS["w"]
    cube_root = plots._float_function(w ** sympy.Rational(1, 3), w)
    assert cube_root(8.0) == 2.0
    assert math.isnan(cube_root(-8.0))  # a complex float power
    assert math.isnan(plots._float_function(sympy.log(w), w)(-1.0))  # ValueError
    assert math.isnan(plots._float_function(1 / w, w)(0.0))  # ZeroDivisionError
    assert math.isnan(plots._float_function(sympy.exp(w), w)(1000.0))  # OverflowError
    assert math.isnan(plots._float_function(2 * w, w)(1.7e308))  # inf
    assert plots._float_function(2 * w, w)(1.5) == 3.0


def test_step_size_conditions_hold_exactly_where_they_say() -> None:
    eta = SGD_ETA
    points = [0.5, 1.0, 1.5]
    assert [plots._holds(eta > 1)(x) for x in points] == [False, False, True]
    assert [plots._holds(eta >= 1)(x) for x in points] == [False, True, True]
    assert [plots._holds(eta < 1)(x) for x in points] == [True, False, False]
    assert [plots._holds(eta <= 1)(x) for x in points] == [True, True, False]
    assert [plots._holds(2 * eta <= 3)(x) for x in points] == [True, True, True]
    assert [plots._holds(sympy.true)(x) for x in points] == [True, True, True]
    assert [plots._holds(sympy.false)(x) for x in points] == [False, False, False]


def test_the_eta_axis_reaches_twice_the_largest_positive_constant() -> None:
    eta = SGD_ETA
    assert plots._eta_range([eta < 3]) == 6.0
    assert plots._eta_range([eta > sympy.Rational(1, 4)]) == 1.0  # at least 1
    assert plots._eta_range([eta > -5, eta < 2]) == 4.0
    assert plots._eta_range([eta < 0]) == 1.0
    assert plots._eta_range([eta < 5000]) == 1000.0  # at most 1000
    assert plots._eta_range([sympy.true]) == 1.0


def test_the_eta_grid_excludes_zero_and_ends_at_the_top() -> None:
    sheet = parse_sheet(
        '[sheet]\ntitle = "t"\n[q6]\ncomponents = ["w**2", "(w - 1)**2"]\nstart = 1\n'
        'picked = 1\nstep_sizes = "eta < 3"\n',
        "g.toml",
    )
    data = plots.sgd_changes(sheet.q6, points=7)
    assert data is not None
    assert data.etas == (1.0, 2.0, 3.0, 4.0, 5.0, 6.0)
    assert data.allowed == (True, True, False, False, False, False)
    # F(w) = w^2 + (w-1)^2 from w = 1: the step with f1' goes to 1 - 2 eta.
    assert data.changes[0] == tuple((1 - 2 * e) ** 2 + (2 * e) ** 2 - 1 for e in data.etas)
    assert data.changes[1] == (0.0,) * 6  # f2'(1) = 0: no step
    assert data.picked == 1


def test_no_figure_for_an_unknown_key_and_none_without_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ValueError, match=r"^no figure for 'x'$"):
        plots._figure_of(parse_sheet('[sheet]\ntitle = "t"\n', "e.toml"), "x")
    monkeypatch.setattr(plots, "matplotlib_available", lambda: False)
    empty = parse_sheet('[sheet]\ntitle = "t"\n', "e.toml")
    found = plots.plots(empty, ["6", "3.2"], "s1")  # no Q6 data: skipped, not the end
    assert [(plot.key, plot.svg) for plot in found] == [("3.2", None)]
    assert found[0].caption.startswith("Q3.2 on a sample run (exact arithmetic)")
    assert not found[0].caption.endswith("at the same values.")


def test_the_regret_legend_sits_in_the_upper_left(recorded_tools: None) -> None:
    # _loc is matplotlib's private record of the placement: checked only under the recorded
    # matplotlib (3.11.2), where 2 is "upper left"
    pytest.importorskip("matplotlib")
    series = plots.regret_series(parse_sheet('[sheet]\ntitle = "t"\n', "e.toml").q3_2.bound)
    with plots._figure("legend", 7.0, 3.6) as figure:
        axes = figure.subplots()
        plots._draw_regret(series, axes)
        legend = axes.get_legend()
        assert legend is not None
        assert legend._get_loc() == 2  # type: ignore[attr-defined]  # 2: "upper left"
        assert legend.get_texts()[0].get_text() == r"bound $-$ regret"


# --- HTML ------------------------------------------------------------------------------------


def test_element_ids_keep_only_safe_characters() -> None:
    assert html_module._id("s1", "AZaz09_.-", "a b<c>é") == "s1-AZaz09_.--a_b_c__"


def test_several_ledgers_get_a_contents_list_and_a_counted_title() -> None:
    first = Ledger("a.toml", "A & B", (_row("x"),))
    second = Ledger("c.toml", "C", (_row("y"),))
    text = html_module.html([first, second])
    assert (
        '<nav><h1>hw2check report: 2 sheets</h1><ol><li><a href="#s1">A &amp; B</a> '
        '<code>a.toml</code></li><li><a href="#s2">C</a> <code>c.toml</code></li></ol></nav>'
    ) in text
    assert "<title>hw2check: 2 sheets</title>" in text
    single = html_module.html([second])
    assert "<nav>" not in single and "<title>hw2check: C</title>" in single


def test_sheets_that_do_not_pair_with_the_ledgers_are_not_used() -> None:
    sheet = parse_sheet('[sheet]\ntitle = "t"\n[q3_2]\nbound = "wstar_sq/eta"\n', "b.toml")
    ledger = Ledger("a.toml", "A", (_row("q3_2.bound", question="3.2"),))
    paired = html_module.html([ledger], [sheet])
    unpaired = html_module.html([ledger], [sheet, sheet])
    assert "<math" in paired and "<figure" in paired
    assert "<math" not in unpaired and "<figure" not in unpaired
    assert unpaired == html_module.html([ledger])


def test_without_matplotlib_the_page_says_so_once_and_in_each_figure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(html_module, "matplotlib_available", lambda: False)
    monkeypatch.setattr(plots, "matplotlib_available", lambda: False)
    sheet = parse_sheet('[sheet]\ntitle = "t"\n', "e.toml")
    ledger = Ledger("a.toml", "A", (_row("q3_2.bound", question="3.2"),))
    text = html_module.html([ledger], [sheet])
    hint = "<code>pip install &#x27;hw2check[report]&#x27;</code>"
    assert (
        f'<body>\n<p class="note">The plots need matplotlib, an optional extra: {hint}. '
        "Everything else is below.</p>\n"
    ) in text
    assert (
        '<figure class="plot missing"><p class="note">This plot needs matplotlib: '
        f"{hint}</p><figcaption>Q3.2 on a sample run"
    ) in text
    assert '<p class="note">The plots' not in html_module.html([ledger])  # nothing to draw


# --- several ledgers in one output -----------------------------------------------------------


def test_several_ledgers_are_joined_per_format() -> None:
    first = Ledger("a.toml", "A", (_row("x"),))
    second = Ledger("c.toml", "C", (_row("y"),))
    both = [first, second]
    assert render(both, "json") == json_line(first) + json_line(second)
    assert render(both, "markdown") == markdown(first) + "\n" + markdown(second)
    assert render(both, "table") == table(first) + "\n" + table(second)
    assert render(both, "html") == html_module.html(both)


def test_sheets_that_do_not_pair_are_ignored_in_markdown() -> None:
    sheet = parse_sheet('[sheet]\ntitle = "t"\n[q3_2]\nbound = "wstar_sq/eta"\n', "b.toml")
    ledger = Ledger("a.toml", "A", (_row("q3_2.bound", question="3.2"),))
    paired = render([ledger], "markdown", [sheet])
    assert "$" + r"\sum_{t=1}^{T}" in paired
    assert render([ledger], "markdown", [sheet, sheet]) == markdown(ledger)


# --- formulas -------------------------------------------------------------------------------

MINUS = "<mo>−</mo>"


def _times_ten(power: str) -> str:
    return f"<mo>×</mo><msup><mn>10</mn>{power}</msup>"


@pytest.mark.parametrize(
    ("raw", "latex", "mathml"),
    [
        ("+2.5", "2.5", "<mn>2.5</mn>"),
        ("-7", "-7", f"{MINUS}<mn>7</mn>"),
        ("1E5", r"1 \times 10^{5}", "<mn>1</mn>" + _times_ten("<mn>5</mn>")),
        ("1e0", r"1 \times 10^{0}", "<mn>1</mn>" + _times_ten("<mn>0</mn>")),
        (
            "-2.5e-3",
            r"-2.5 \times 10^{-3}",
            f"{MINUS}<mn>2.5</mn>" + _times_ten(f"<mrow>{MINUS}<mn>3</mn></mrow>"),
        ),
        (1e300, r"1 \times 10^{300}", "<mn>1</mn>" + _times_ten("<mn>300</mn>")),
        ("1_000", "1000", "<mn>1000</mn>"),  # not plain digits: shown by its value
    ],
)
def test_stated_numbers_are_shown_as_written(raw: str | float, latex: str, mathml: str) -> None:
    assert number(read_number(raw)) == Formula(latex, mathml)


def test_entity_references_become_characters_and_text_is_escaped() -> None:
    assert _escaped("a&InvisibleTimes;b&#955;&#x3bb;<c>&") == "a\u2062bλλ&lt;c&gt;&amp;"
    assert _escaped("\"'") == "\"'"  # text, not an attribute: quotes stay as they are


def test_a_call_separates_its_arguments_with_commas() -> None:
    assert _call("<mi>f</mi>", "<mi>a</mi>", "<mi>b</mi>") == (
        "<mrow><mi>f</mi><mo>(</mo><mi>a</mi><mo>,</mo><mi>b</mi><mo>)</mo></mrow>"
    )


def test_e_is_an_italic_letter_and_formulas_join_with_a_space() -> None:
    assert expression(sympy.E).mathml == "<mi>e</mi>"
    assert Formula("a", "<mi>a</mi>") + Formula("b", "<mi>b</mi>") == Formula(
        "a b", "<mi>a</mi><mi>b</mi>"
    )
    assert math_element(Formula("a", "<mi>a</mi>")) == (
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'
        "<mrow><mi>a</mi></mrow></math>"
    )


def test_quotients_without_a_stated_step_show_the_default_h() -> None:
    sheet = parse_sheet(
        '[sheet]\ntitle = "t"\n[q4]\nfinite_difference = [[0.35, -0.39], [4.3, 1.3]]\n', "f.toml"
    )
    (formula,) = formulas_of(sheet)["q4.finite_difference.f2_w1"]
    assert formula.latex == r"\frac{f_2(w + h e_1) - f_2(w)}{h} \approx 4.3 ,\quad h = 0.01"
    assert formula.mathml.endswith(
        '<mo>,</mo><mspace width="1em"/>'
        "<mrow><mrow><mi>h</mi></mrow><mo>=</mo><mrow><mn>0.01</mn></mrow></mrow>"
    )


def test_the_loss_shows_each_component_as_written() -> None:
    sheet = parse_sheet(
        '[sheet]\ntitle = "t"\n[q6]\ncomponents = ["w**2", "w**2"]\nstart = 1\n'
        'picked = 1\nstep_sizes = "eta < 3"\n',
        "c.toml",
    )
    loss = formulas_of(sheet)["q6.counterexample"][1]
    assert loss.latex == "F(w) = w^{2} + w^{2}"  # not collected into 2 w^{2}
    assert loss.mathml.endswith(
        "<mrow><mrow><msup><mi>w</mi><mn>2</mn></msup><mo>+</mo>"
        "<msup><mi>w</mi><mn>2</mn></msup></mrow></mrow></mrow>"
    )
