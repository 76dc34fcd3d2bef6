"""Answer-sheet validation: every rule of SHEET.md, and the messages users see."""

from __future__ import annotations

import locale
import re
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import mpmath
import pytest
import sympy

from hw2check.errors import ExpressionError, InputError, SheetError, SheetErrors
from hw2check.numbers import (
    Match,
    StatedNumber,
    compare,
    decide_match,
    decimal_text,
    read_number,
)
from hw2check.sheet import MAX_SHEET_BYTES, SEED_PATH, load_seed, load_sheet, parse_sheet, seed_text

HEADER = '[sheet]\ntitle = "t"\n'


def sheet(body: str) -> str:
    return HEADER + body


def error_of(text: str) -> InputError:
    with pytest.raises(InputError) as raised:
        parse_sheet(text, "s.toml")
    return raised.value


def test_the_seed_sheet_is_embedded_and_valid() -> None:
    seed = load_seed()
    assert seed.path == SEED_PATH
    assert seed.title.startswith("HW2 solutions")
    assert seed.q4.fd_step is not None and seed.q4.fd_step.value == Fraction(1, 100)
    assert seed.q6.picked == 2
    shared = Path(__file__).resolve().parents[2] / "shared" / "seed-sheet.toml"
    if shared.exists():  # the package data is the contract's seed sheet, byte for byte
        assert shared.read_text("utf-8") == seed_text()


def test_the_seed_is_read_as_utf8_whatever_the_locale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shipped seed is ASCII; a package whose seed had any other character must still read
    # it as UTF-8 under a C (ASCII) locale.
    from hw2check import sheet as sheet_module

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "seed-sheet.toml").write_bytes('title = "café"\n'.encode())
    monkeypatch.setattr(sheet_module, "resources", SimpleNamespace(files=lambda _: tmp_path))
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        text = seed_text()
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert text == 'title = "café"\n'


def test_a_minimal_sheet_makes_no_claims() -> None:
    parsed = parse_sheet(HEADER, "s.toml")
    assert parsed.title == "t" and parsed.author is None
    assert parsed.q3_1.minimizer is None and parsed.q4.values is None


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("", "sheet", "missing [sheet]"),
        ("[sheet]\n", "sheet.title", "missing title"),
        ("[sheet]\ntitle = 3\n", "sheet.title", "not a string"),
        ('[sheet]\ntitle = "t"\nauthor = 1\n', "sheet.author", "not a string"),
        ('[sheet]\ntitle = "t"\ncourse = "x"\n', "sheet.course", "unknown key"),
        (sheet("[q9]\nx = 1\n"), "q9", "unknown table"),
        (sheet("[q3_1]\nanswer = 1\n"), "q3_1.answer", "unknown key"),
        (sheet("[q3_1]\nminimizer = 3\n"), "q3_1.minimizer", "not an expression"),
        (sheet('[q3_1]\nminimizer = "w_t - g/eta"\n'), "q3_1.minimizer", "unknown symbol 'eta'"),
        (sheet('[q3_1]\nstep_size = "1/lam +"\n'), "q3_1.step_size", "ends with '+'"),
        (sheet("[q3_1]\ngd_converges_for_strictly_convex = 1\n"), "q3_1.gd_converges", "boolean"),
        (sheet('[q3_2]\nbound = "avg_gap"\n'), "q3_2.bound", "unknown symbol 'avg_gap'"),
        (sheet('[q3_3]\nbound = "eta"\n'), "q3_3.bound", "unknown symbol 'eta'"),
        (sheet("[q4]\nvalues = [1.0]\n"), "q4.values", "pair"),
        (sheet('[q4]\nvalues = [1.0, "x"]\n'), "q4.values[1]", "not a decimal"),
        (sheet("[q4]\nvalues = [1.0, true]\n"), "q4.values[1]", "boolean"),
        (sheet("[q4]\nfd_step = 0\n"), "q4.fd_step", "not positive"),
        (sheet("[q4]\nfd_step = -0.01\n"), "q4.fd_step", "not positive"),
        (sheet('[q4]\nfd_scheme = "sideways"\n'), "q4.fd_scheme", '"central"'),
        (sheet("[q4]\nforward_mode = [[1, 2], [3]]\n"), "q4.forward_mode", "2x2"),
        (sheet("[q4]\nreverse_mode = [[1, 2], [3, nan]]\n"), "q4.reverse_mode[1][1]", "finite"),
        (sheet("[q4]\nfinite_difference = [1, 2, 3, 4]\n"), "q4.finite_difference", "2x2"),
        (sheet('[q4]\nmethods_agree = "yes"\n'), "q4.methods_agree", "boolean"),
        (sheet('[q4.graph_f1]\na = "cos(w1)"\nb = "a*z"\n'), "q4.graph_f1.b", "unknown symbol 'z'"),
        (sheet('[q4.graph_f1]\na = "b + 1"\nb = "w1"\n'), "q4.graph_f1.a", "'b' (a later node)"),
        (sheet('[q4.graph_f1]\na = "a + 1"\n'), "q4.graph_f1.a", "'a' (the node itself)"),
        (sheet('[q4.graph_f1]\nw1 = "w2"\n'), "q4.graph_f1.w1", "cannot name a node"),
        (sheet('[q4.graph_f1]\n"a b" = "w2"\n'), "q4.graph_f1.a b", "cannot name a node"),
        (sheet("[q4.graph_f2]\na = 1\n"), "q4.graph_f2.a", "not an expression"),
        (sheet("[q4]\ngraph_f1 = 3\n"), "q4.graph_f1", "table of nodes"),
        (sheet("[q5]\ncirculant_commutes_with_shift = 0\n"), "q5.circulant", "boolean"),
        (sheet('[q6]\ncomponents = ["w"]\n'), "q6.components", "at least 2"),
        (sheet('[q6]\ncomponents = ["w", "x"]\n'), "q6.components[1]", "unknown symbol 'x'"),
        (
            sheet(
                '[q6]\ncomponents = ["w", "w**2"]\nstart = 0\npicked = 3\nstep_sizes = "eta > 0"\n'
            ),
            "q6.picked",
            "names no component",
        ),
        (
            sheet('[q6]\ncomponents = ["w", "w**2"]\npicked = 1\nstep_sizes = "eta > 0"\n'),
            "q6.start",
            "come together",
        ),
        (
            sheet('[q6]\ncomponents = ["w", "w**2"]\nstart = 0\npicked = 1\nstep_sizes = "eta"\n'),
            "q6.step_sizes",
            "not a condition",
        ),
        (sheet('[q6]\nnext_iterate = "-eta"\n'), "q6.next_iterate", "needs"),
        (sheet('[q6]\nnext_iterate_sign = "up"\n'), "q6.next_iterate_sign", '"positive"'),
        (sheet("[q6]\nreal_roots = -1\n"), "q6.real_roots", "integer >= 0"),
        (sheet("[q6]\nnonreal_roots = 1.5\n"), "q6.nonreal_roots", "integer >= 0"),
        (sheet("[q6]\npicked = 0\n"), "q6.picked", "1-based"),
        (sheet('[q6]\nstart = "sqrt(-1)"\n'), "q6.start", "not a real number"),
        (sheet('[q6]\nstart = "w"\n'), "q6.start", "unknown symbol 'w'"),
        ("[sheet\ntitle=1", None, "not valid TOML"),
    ],
)
def test_invalid_sheets_name_file_key_problem_and_what_is_allowed(
    text: str, key: str | None, words: str
) -> None:
    found = error_of(text)
    assert isinstance(found, SheetErrors)
    # A [q6] key alone is also reported as an incomplete setting: pick the key's own error.
    error = next((e for e in found.errors if key and (e.key or "").startswith(key)), found)
    message = str(error)
    assert re.match(r"s\.toml(:\d+:\d+)?: ", message), message
    if key is not None:
        assert error.key is not None and error.key.startswith(key), error.key
        assert f": {error.key}: " in message
    assert words in message, message
    assert error.allowed, "the message says what is allowed"
    assert "\n" not in message


def test_graph_nodes_keep_their_order_and_may_use_earlier_nodes() -> None:
    parsed = parse_sheet(sheet('[q4.graph_f2]\na = "w1 + w2"\nb = "log(a)"\nf = "b*a"\n'), "s")
    graph = parsed.q4.graph_f2
    assert graph is not None
    assert [node.name for node in graph.nodes] == ["a", "b", "f"]
    assert graph.nodes[2].expr == graph.nodes[1].symbol * graph.nodes[0].symbol


def test_sgd_setting_is_read() -> None:
    parsed = parse_sheet(
        sheet(
            '[q6]\ncomponents = ["(w-1)^2", "w**2", "exp(w)"]\nstart = "1/3"\npicked = 3\n'
            'step_sizes = "0 < eta <= 1/2 and eta > 1/10"\nnext_iterate = "1/3 - eta*exp(1/3)"\n'
        ),
        "s",
    )
    q6 = parsed.q6
    assert q6.start is not None and q6.start.expr == sympy.Rational(1, 3)
    assert q6.step_sizes is not None and len(q6.step_sizes.relations) == 3
    assert q6.components is not None and len(q6.components) == 3


def test_missing_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(SheetError, match=r"missing\.toml: no such file"):
        load_sheet(tmp_path / "missing.toml")
    with pytest.raises(SheetError, match="cannot be read"):
        load_sheet(tmp_path)
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\xff\xfe\x00title")
    with pytest.raises(SheetError, match="not UTF-8"):
        load_sheet(binary)


@pytest.mark.parametrize(
    ("raw", "value", "digits"),
    [
        (0.3510, Fraction(351, 1000), 3),
        ("0.3510", Fraction(351, 1000), 4),
        (2, Fraction(2), 0),
        (-0.078735, Fraction(-78735, 1000000), 6),
        (1e-05, Fraction(1, 100000), 5),
        ("1.50e-3", Fraction(15, 10000), 5),
        (0.01, Fraction(1, 100), 2),
    ],
)
def test_stated_numbers_are_exact_decimals_with_their_digits(
    raw: object, value: Fraction, digits: int
) -> None:
    number = read_number(raw)
    assert number.value == value
    assert number.digits == digits


@pytest.mark.parametrize("raw", [True, "x", [1], float("inf"), None])
def test_non_numbers_are_refused(raw: object) -> None:
    with pytest.raises(SheetError):
        read_number(raw)


def matches(stated: StatedNumber, true: mpmath.mpf) -> Match:
    found = compare(stated, true, 30)
    assert found is not None
    return found


def test_matching_is_one_unit_in_the_last_stated_place() -> None:
    true = mpmath.mpf("0.35017548837401463")
    assert matches(read_number("0.3502"), true).matches  # rounding
    assert matches(read_number("0.3501"), true).matches  # truncation
    assert not matches(read_number("0.3503"), true).matches
    assert not matches(read_number("0.35030"), true).matches
    assert not matches(read_number(-0.078735), true).matches


def test_expression_errors_are_input_errors() -> None:
    assert issubclass(ExpressionError, InputError)
    assert issubclass(SheetError, InputError)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("-0.25", "-0.2500000000000000"),
        ("1.5e-5", "0.00001500000000000000"),
        ("1.5e-6", "1.500000000000000e-6"),
        ("1.5e15", "1500000000000000."),
        ("1.5e16", "1.500000000000000e+16"),
    ],
)
def test_true_values_are_shown_with_sixteen_digits_fixed_between_the_limits(
    value: str, shown: str
) -> None:
    assert decimal_text(mpmath.mpf(value)) == shown


def test_fewer_significant_digits_keep_the_fixed_point_limit_of_sixteen() -> None:
    # 8 integer digits stay fixed with 5 significant digits: the limit is 16, not the digits
    assert decimal_text(mpmath.mpf(12345678), 5) == "12346000."
    assert decimal_text(mpmath.mpf("1.5e16"), 5) == "1.5000e+16"


def test_an_open_answer_is_recomputed_with_the_digits_doubled_up_to_the_maximum() -> None:
    # |1 - 2| is exactly the tolerance 1 of the integer 1: no number of digits settles it
    asked: list[int] = []

    def value_at(digits: int) -> mpmath.mpf:
        asked.append(digits)
        return mpmath.mpf(2)

    assert decide_match(read_number(1), value_at) is None
    assert asked == [40, 80, 160, 320, 640, 1280]


def test_integers_have_no_digits_after_the_point() -> None:
    assert [read_number(raw).digits for raw in ("3", "1E+2", 7, "2.50", 2.5)] == [0, 0, 0, 2, 1]


def test_match_text_names_the_difference_and_the_unit() -> None:
    on = compare(read_number("0.5"), mpmath.mpf(0.5), 1)
    assert on is not None
    assert (
        on.text(read_number("0.5")) == "true value 0.5000000000000000 (|stated - true| = 0 <= 1e-1)"
    )
    off = compare(read_number("3"), mpmath.mpf(0.5), 9)
    assert off is not None
    assert off.text(read_number("3")) == "true value 0.5000000000000000 (|stated - true| = 2.5 > 1)"
    # within 1e-3 (the error at 3 digits) of the boundary: not decided at that precision
    assert compare(read_number("0.01"), mpmath.mpf(0.0009), 3) is None


def message_of(path: Path) -> str:
    with pytest.raises(SheetError) as raised:
        load_sheet(path)
    return str(raised.value)


def test_file_problems_have_exact_messages(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    assert message_of(missing) == f"{missing}: no such file; the path of a TOML answer sheet"
    assert message_of(tmp_path) == (
        f"{tmp_path}: cannot be read (Is a directory); a readable TOML answer sheet"
    )
    binary = tmp_path / "b.toml"
    binary.write_bytes(b'[sheet]\ntitle = "\xff"\n')
    assert message_of(binary) == (
        f"{binary}:2:10: not UTF-8 text (the byte 0xff is not UTF-8 here); "
        "a UTF-8 TOML file"
    )
    # The column counts characters, not bytes: é is one.
    binary.write_bytes(b'[sheet]\ntitle = "\xc3\xa9\xe9"\n')
    assert message_of(binary) == (
        f"{binary}:2:11: not UTF-8 text (the byte 0xe9 is not UTF-8 here); a UTF-8 TOML file"
    )


def test_a_sheet_of_exactly_the_size_limit_is_read_and_one_byte_more_is_not(
    tmp_path: Path,
) -> None:
    exact = tmp_path / "exact.toml"
    text = HEADER + "#" + "x" * (MAX_SHEET_BYTES - len(HEADER) - 2) + "\n"
    assert len(text.encode()) == MAX_SHEET_BYTES
    exact.write_text(text)
    assert load_sheet(exact).title == "t"
    exact.write_text(text + "\n")
    assert message_of(exact) == (
        f"{exact}: larger than 1,000,000 bytes; "
        "an answer sheet of at most 1 MB (a sheet is a few kilobytes)"
    )
    with_mark = tmp_path / "bom.toml"
    with_mark.write_bytes(b"\xef\xbb\xbf" + HEADER.encode())
    assert load_sheet(with_mark).title == "t"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("q3_1 = 1\n" + HEADER, "s.toml:1:8: q3_1: 1 is not a table; a [q3_1] table"),
        ("[sheet]\n", 's.toml:1:2: sheet.title: missing title; title = "..." (a string)'),
        (
            HEADER + "[q3_1]\nminimizer = " + str(list(range(30))) + "\n",
            "s.toml:4:13: q3_1.minimizer: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11... is not an "
            'expression string; a string such as "w_t + 1"',
        ),
        (
            "x = " + "[" * 3000 + "]" * 3000 + "\n",
            "s.toml: arrays or inline tables nested too deeply to read; "
            "a TOML document per docs/sheet-format.md (its values nest at most two levels)",
        ),
        (
            sheet('[q6]\nnext_iterate = "-eta"\n'),
            "s.toml:4:16: q6.next_iterate: next_iterate needs the SGD setting; "
            "give components, start, picked and step_sizes with it",
        ),
    ],
)
def test_whole_messages_of_rarer_sheet_errors(text: str, message: str) -> None:
    assert str(error_of(text)) == message
