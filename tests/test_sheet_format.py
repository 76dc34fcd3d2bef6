"""The sheet format as a newcomer meets it: the shipped docs, ``init``, every error at once
with its line and column, "did you mean", and the command-line conventions."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from hw2check import __version__, cli
from hw2check.errors import InputError, SheetErrors
from hw2check.expressions import parse_condition, parse_expression
from hw2check.format import DOC, blank_sheet, render_doc
from hw2check.intake import expand
from hw2check.positions import value_places
from hw2check.sheet import SGD_ETA, parse_sheet, read_sheet, symbols, tables


def test_the_committed_format_doc_is_rendered_from_the_table_definitions() -> None:
    text = DOC.read_text("utf-8")
    assert render_doc(text) == text, "run: python -m hw2check.format"
    for name, table in tables().items():
        assert f"### `[{name}]`" in text
        for key in table.keys:
            assert f"| `{key}` |" in text


def test_the_doc_drift_check_catches_a_stale_table() -> None:
    text = DOC.read_text("utf-8")
    stale = text.replace("| `minimizer` |", "| `minimiser` |")
    assert render_doc(stale) != stale


def test_the_blank_sheet_makes_no_claim() -> None:
    sheet = parse_sheet(blank_sheet(), "blank.toml")
    assert sheet.title == "My answers to HW2"
    assert sheet.q3_1.minimizer is None and sheet.q4.values is None and sheet.q6.picked is None


def _uncommented(text: str) -> str:
    return re.sub(r"^# ", "", text, flags=re.MULTILINE)


def test_the_blank_sheet_with_its_examples_uncommented_is_a_full_sheet() -> None:
    sheet = parse_sheet(_uncommented(blank_sheet()), "examples.toml")
    assert sheet.author == "Your name"
    assert sheet.q3_1.minimizer is not None and sheet.q3_1.minimizer.text == "w_t - g/lam"
    assert sheet.q4.graph_f1 is not None and [n.name for n in sheet.q4.graph_f1.nodes] == ["a", "f"]
    assert sheet.q6.picked == 1 and sheet.q6.next_iterate is not None
    assert sheet.q5.only_circulants_commute_with_shift is True


def test_every_key_of_every_table_is_in_the_blank_sheet() -> None:
    text = blank_sheet()
    for name, table in tables().items():
        assert f"\n[{name}]\n" in text
        for key, spec in table.keys.items():
            assert f"\n# {key} = {spec.example}\n" in text


def test_init_writes_the_blank_sheet_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "mine.toml"
    assert cli.main(["init", str(target)]) == 0
    assert target.read_text("utf-8") == blank_sheet()
    assert capsys.readouterr().err == f"hw2check: wrote a blank sheet to {target}\n"
    target.write_text("mine", encoding="utf-8")
    assert cli.main(["init", str(target)]) == 2
    assert target.read_text("utf-8") == "mine"
    assert capsys.readouterr().err == (
        f"hw2check: {target}: already exists; hw2check init never overwrites a file "
        "(give another PATH)\n"
    )
    assert cli.main(["init", "-"]) == 0
    assert capsys.readouterr().out == blank_sheet()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"hw2check {__version__}\n"


def test_subcommands_are_dispatched(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["rubric"]) == 0
    assert capsys.readouterr().out.startswith("# ")


def test_subcommands_are_dispatched_by_their_first_word() -> None:
    from hw2check.commands import SUBCOMMANDS, subcommand

    assert subcommand(["init", "x"]) is SUBCOMMANDS["init"]
    assert set(SUBCOMMANDS) == {"init", "rubric", "autograder"}
    assert subcommand(["check", "s.toml"]) is None and subcommand(["./init"]) is None
    assert subcommand([]) is None


THREE_MISTAKES = """\
[sheet]
title = "t"

[q3.1]
minimizer = "w_t"

[q3_1]
step_size = "1/lambda"
minimiser = "w_t - g/lam"

[q4]
values = [0.65, "x"]
"""


def test_every_error_of_a_sheet_at_once_in_file_order() -> None:
    with pytest.raises(SheetErrors) as raised:
        parse_sheet(THREE_MISTAKES, "s.toml")
    assert str(raised.value).splitlines() == [
        "s.toml:4:2: q3: unknown table ['q3'] (did you mean [q3_1]? a dot in a table name "
        "nests tables); tables allowed: sheet, q3_1, q3_2, q3_3, q4, q5, q6",
        "s.toml:8:16: q3_1.step_size: 'lambda' is a reserved word, not a symbol (did you "
        "mean 'lam'?) (at character 3); numbers, the listed symbols, + - * / ** ^, unary "
        "minus, parentheses and the functions sqrt exp log ln sin cos tan Abs abs sigmoid",
        "s.toml:9:13: q3_1.minimiser: unknown key 'minimiser' (did you mean 'minimizer'?); "
        "keys allowed here: minimizer, step_size, proximity_gradient, "
        "gd_converges_for_strictly_convex",
        "s.toml:12:17: q4.values[1]: 'x' is not a decimal number; a TOML integer, a TOML "
        'float, or a string holding a decimal such as "0.3510"',
    ]


def test_keep_going_checks_the_valid_claims_and_reports_the_bad_ones() -> None:
    sheet, errors = read_sheet(THREE_MISTAKES, "s.toml")
    assert sheet is not None and len(errors) == 4
    assert sheet.q3_1.step_size is None and sheet.q3_1.minimizer is None
    assert sheet.q4.values is None


def test_an_incomplete_q6_setting_is_dropped_and_reported() -> None:
    text = '[sheet]\ntitle = "t"\n[q6]\ncomponents = ["w", "w^2"]\nnext_iterate = "eta"\n'
    sheet, errors = read_sheet(text, "s.toml")
    assert sheet is not None and sheet.q6.components is None and sheet.q6.next_iterate is None
    assert [str(e) for e in errors] == [
        "s.toml:3:2: q6.start: components given without start, picked, step_sizes; "
        "components, start, picked and step_sizes come together or not at all"
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1/lambda", "'lambda' is a reserved word, not a symbol (did you mean 'lam'?)"),
        ("2lam", "'2lam' is a number directly followed by a name (did you mean '2*lam'?)"),
        ("np.cos(w)", "'np.cos' is not allowed (did you mean 'cos'?)"),
        ("lamda*w", "unknown symbol 'lamda' (did you mean 'lam'?)"),
        ("Sin(w)", "unknown function 'Sin' (did you mean 'sin'?)"),
        ("sigma(w)", "unknown function 'sigma' (did you mean 'sigmoid'?)"),
        ("\\frac{1}{\\lambda}", "a LaTeX command outside $...$ (write LaTeX between $ signs, "
         "such as '$\\frac{1}{\\lambda}$')"),
        ("w \u2212 1", "'\u2212' is not an operator (did you mean '-'?)"),
        ("(w + 1", "this '(' is never closed"),
        ("w)", "this ')' closes no '('"),
        ("w = 1", "'=' is not allowed: a value is an expression, not an equation"),
        ("w +", "'w +' ends with '+', which needs a value after it"),
        ("w [1]", "indexing with square brackets is not allowed"),
        ("2(w)", "a value directly followed by '(' (did you mean '2*(w)'?)"),
        ("w // 2", "the operator '//' is not allowed"),
        ("lam lam", "'lam lam' cannot be read as arithmetic from here (an operator missing, "
         "or one too many?)"),
    ],
)  # fmt: skip
def test_plain_mistakes_get_plain_words(text: str, problem: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_expression(text, symbols("w", "lam"))
    assert re.sub(r" \(at character \d+\)$", "", raised.value.problem) == problem


def test_conditions_suggest_and() -> None:
    with pytest.raises(InputError) as raised:
        parse_condition("0 < eta && eta < 1", {"eta": SGD_ETA})
    assert raised.value.problem == "'&&' is not an operator (did you mean 'and'?) (at character 9)"


def test_ln_and_greek_letters_are_fine() -> None:
    lam = symbols("lam")["lam"]
    assert parse_expression("ln(1/λ)", symbols("lam")) == parse_expression(
        "log(1/lam)", symbols("lam")
    )
    assert parse_expression("1/λ", symbols("lam")) == 1 / lam
    assert parse_condition("0 < η < 1", {"eta": SGD_ETA}) == parse_condition(
        "0 < eta < 1", {"eta": SGD_ETA}
    )


JARGON = ("invalid syntax", "decimal literal", "line continuation", "EOF", "token", "Name",
          "Attribute", "BinOp", "unexpected", "was never closed", "Perhaps")  # fmt: skip


@pytest.mark.parametrize(
    "text",
    ["1/lambda", "2lam", "\\frac{1}{\\lambda}", "w +", "w ++", "(w", "w)", "w = 1", "w;w",
     "if w", "w w", "lam lam", "1..2", "0x10", "1_", "w,", "w .5", "  ", "", "w**", "*w",
     "w!", "w ~ 1", "{w}", "w'", "w²", "w\\\\", "not", "w.real", "w @ w", "w[0]", "λλ"],
)  # fmt: skip
def test_no_python_parser_jargon_in_any_message(text: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_expression(text, symbols("w", "lam"))
    message = str(raised.value)
    assert not any(word in message for word in JARGON), message


def test_positions_of_values_items_nodes_and_expression_characters() -> None:
    text = (
        '[sheet]\ntitle = "t"\n[q4]\nvalues = [1,\n  2]\n'
        "graph_f2 = { a = 'w1', f = \"a\" }\n[q4.graph_f1]\n\"b\" = 'cos(w1)'\n"
    )
    places = value_places(text)
    assert places.position("q4.values") == (4, 10)
    assert places.position("q4.values[1]") == (5, 3)
    assert places.position("q4.graph_f2.f") == (6, 28)
    assert places.position("q4.graph_f1") == (7, 2)
    assert places.position("q4.graph_f1.b") == (8, 7)
    assert places.position("q4.graph_f1.b", 4) == (8, 12)
    assert "q9" not in places


def test_a_directory_means_the_sheets_under_it(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.toml").write_text('[sheet]\ntitle = "2"\n')
    (tmp_path / "one.toml").write_text('# a comment\n[sheet]\ntitle = "1"\n')
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "notes.txt").write_text("[sheet]\n")
    assert expand([str(tmp_path)]) == [str(tmp_path / "b" / "two.toml"), str(tmp_path / "one.toml")]
    (empty := tmp_path / "empty").mkdir()
    (error,) = expand([str(empty)])
    assert str(error) == (
        f"{empty}: a directory with no answer sheet under it; a sheet file, or a directory "
        "holding *.toml files with a [sheet] table"
    )


def test_a_sheet_from_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = b'[sheet]\ntitle = "piped"\n[q3_1]\nstep_size = "1/lambda"\n'
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert cli.main(["-"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("<stdin>:4:16: q3_1.step_size: 'lambda' is a reserved word")


def test_errors_past_the_limit_are_counted_not_listed() -> None:
    text = '[sheet]\ntitle = "t"\n[q3_1]\n' + "".join(f"k{i} = 1\n" for i in range(60))
    _, errors = read_sheet(text, "s.toml")
    assert len(errors) == 51
    assert str(errors[49]).startswith("s.toml:53:7: q3_1.k49: unknown key 'k49'")
    assert str(errors[50]) == "s.toml: and 10 more errors; fix these first, then run again"


def test_positions_inside_strings_with_escapes() -> None:
    text = (
        '[sheet]\ntitle = "t"\n[q3_1]\n'
        'step_size = "$\\\\frac{1}{\\\\lambdaa}$"\n'
        "minimizer = '$\\frac{g}{\\lambdaa}$'\n"
        'proximity_gradient = """\nlam *\\\n   (w - zeta)"""\n'
        'gd_converges_for_strictly_convex = "\\u00e9"\n'
    )
    _, errors = read_sheet(text, "s.toml")
    assert [str(e).split(": ")[0] for e in errors] == [
        "s.toml:4:25",  # the backslash of \\lambdaa, written as \\\\ in a basic string
        "s.toml:5:24",  # the same in a literal string, where \\ is one character
        "s.toml:8:9",  # zeta, after a line-ending backslash that swallows the blanks
        "s.toml:9:36",  # not an expression: the value itself
    ]
    places = value_places(text)
    assert places.position("q3_1.proximity_gradient", 0) == (7, 1)
    assert places.position("q3_1.proximity_gradient", 99) == (6, 22)


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"$\mathrm{sigmoid}(w)$", "sigmoid(w)"),
        (r"$\operatorname{abs}(w) + |w - |w||$", "abs(w) + abs(w - abs(w))"),
        (r"$e^w + e^{2w}$", "exp(w) + exp(2*w)"),
        (r"$w^23$", "w**2*3"),
        (r"$\frac12 w$", "w/2"),
        (r"$.5w$", "0.5*w"),
        (r"$\left|w\right|$", "abs(w)"),
    ],
)
def test_more_latex_reads_as_plain(latex: str, plain: str) -> None:
    names = symbols("w")
    assert parse_expression(latex, names) == parse_expression(plain, names)


def test_positions_inside_multi_line_strings_with_windows_line_endings() -> None:
    # TOML reads a CRLF inside a multi-line string as one line break: the position of a
    # character after it must not slip one column left.
    text = (
        '[sheet]\r\ntitle = "t"\r\n[q3_1]\r\n'
        'minimizer = """\r\nw_t -\r\n  g/Lam"""\r\n'
        "proximity_gradient = '''lam *\r\n  (w - zeta)'''\r\n"
    )
    _, errors = read_sheet(text, "s.toml")
    assert [str(e).split(": ")[0] for e in errors] == ["s.toml:6:5", "s.toml:8:8"]
