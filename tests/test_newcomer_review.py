"""A newcomer's slips found in review: each gets its own plain message, with its position."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hw2check import cli
from hw2check.errors import InputError
from hw2check.expressions import parse_condition, parse_expression
from hw2check.format import blank_sheet
from hw2check.grading import RubricErrors, parse_rubric
from hw2check.html import html
from hw2check.intake import expand
from hw2check.ledger import Ledger, Row, Verdict
from hw2check.present import readable
from hw2check.report import markdown, table
from hw2check.sheet import SGD_ETA, parse_sheet, read_sheet, symbols


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        # Python's parser would read these as names: a middle dot inside a word, and letters
        # it silently normalizes to others (so the message would name what was not written).
        ("lam\u00b72", "'\u00b7' is not an operator (did you mean '*'?) (at character 4)"),
        ("w\u22c5lam", "'\u22c5' is not an operator (did you mean '*'?) (at character 2)"),
        ("1/\u2113", "the character '\u2113' is not allowed (did you mean 'l'?) (at character 3)"),
        ("1/\uff4c\uff41\uff4d",
         "the character '\uff4c' is not allowed (did you mean 'l'?) (at character 3)"),
        ("\uff11/lam",
         "the character '\uff11' is not allowed (did you mean '1'?) (at character 1)"),
        # e^x is exp(x) in plain text.
        ("e^w", "unknown symbol 'e' (did you mean 'exp(...)'?) (at character 1)"),
        ("2*e**(w)", "unknown symbol 'e' (did you mean 'exp(...)'?) (at character 3)"),
        # The capital Greek letter is the same symbol's other case.
        ("1/\u039b", "unknown symbol '\u039b' (did you mean 'lam'?) (at character 3)"),
    ],
)  # fmt: skip
def test_more_plain_slips_get_plain_words(text: str, problem: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_expression(text, symbols("w", "lam"))
    assert raised.value.problem == problem


def test_mathematical_italic_lambda_is_not_silently_lam() -> None:
    with pytest.raises(InputError) as raised:
        parse_expression("1/\U0001d706", symbols("lam"))
    assert raised.value.problem == (
        "the character '\U0001d706' is not allowed (did you mean '\u03bb'?) (at character 3)"
    )


def test_nothing_a_user_reads_names_a_file_outside_the_repository(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The contracts (SHEET.md, LEDGER.md, ...) and the seed folder are not shipped: what a
    # user reads points to docs/ instead.  (The seed sheet is the contract's file byte for
    # byte, test_sheet.py; its first comment is left as the contract wrote it.)
    root = Path(__file__).resolve().parents[1]
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    texts = {"--help": capsys.readouterr().out}
    shipped = [
        root / "README.md",
        *(root / "docs").glob("*.md"),
        *(root / "hw2check").glob("data/*"),
    ]
    for path in shipped:
        if path.name == "seed-sheet.toml" or path.suffix not in (".md", ".toml"):
            continue
        texts[path.name] = path.read_text(encoding="utf-8")
    outside = re.compile(r"\b(?:SHEET|LEDGER|GRADING|STYLE)\.md|(?<![\w-])seed/|\.\./shared")
    assert {
        name: outside.findall(text) for name, text in texts.items() if outside.search(text)
    } == {}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[q3_1]]\nstep_size = "1/lam"\n',
         "s.toml:3:3: q3_1: [{ step_size = '1/lam' }] is not a table; a [q3_1] table"),
        ('[q3_1]\nstep_size.x = "1/lam"\n',
         "s.toml:4:1: q3_1.step_size: { x = '1/lam' } is not an expression string; a string "
         'such as "lam + 1"'),
        ('[q3_1]\nstep_size = { "a b" = true, c = [false] }\n',
         "s.toml:4:13: q3_1.step_size: { 'a b' = true, c = [false] } is not an expression "
         'string; a string such as "lam + 1"'),
        ("[q6]\nreal_roots = true\n", "s.toml:4:14: q6.real_roots: true is not"),
    ],
)  # fmt: skip
def test_values_in_messages_are_shown_as_toml_not_python(body: str, message: str) -> None:
    _, errors = read_sheet('[sheet]\ntitle = "t"\n' + body, "s.toml")
    assert str(errors[0]).startswith(message)


def test_rubric_values_in_messages_are_shown_as_toml_too() -> None:
    with pytest.raises(RubricErrors) as raised:
        parse_rubric('[points]\nq4 = [{ b = true }]\n"q3_1" = { a = true }\n', "r.toml")
    # (an inline table of numbers spells claim ids: q3_1 = { minimizer = 2 } is q3_1.minimizer)
    assert str(raised.value).splitlines()[:2] == [
        "r.toml: points.q4: [{ b = true }] is not allowed; a number from 0 to 1000000",
        "r.toml: points.q3_1.a: true is not allowed; a number from 0 to 1000000",
    ]


@pytest.mark.parametrize(
    ("value", "command", "escape"),
    [
        (r"$\frac{g}{2}$", r"\frac", r"\f"),
        (r"$w_t - g \times 2$", r"\times", r"\t"),
        (r"$w_t - \nabla f(w_t)$", r"\nabla", r"\n"),
        (r"$(w_t \right)$", r"\right", r"\r"),
        (r"$w_t - \bar{g}$", r"\bar", r"\b"),
    ],
)
def test_latex_in_a_double_quoted_string_that_lost_a_backslash_says_so(
    value: str, command: str, escape: str
) -> None:
    # In a double-quoted TOML string \f \t \n \r \b are escapes: the command's backslash
    # is gone before the LaTeX is read, so the message names that, where it happened.
    text = f'[sheet]\ntitle = "t"\n[q3_1]\nminimizer = "{value}"\n'
    _, errors = read_sheet(text, "s.toml")
    column = 14 + value.index("\\")
    assert str(errors[0]).startswith(
        f"s.toml:4:{column}: q3_1.minimizer: '{command}' lost its backslash: in a "
        f"double-quoted TOML string {escape} is an escape; write LaTeX in single quotes"
    )


def test_an_unknown_escape_in_a_double_quoted_string_suggests_single_quotes() -> None:
    text = '[sheet]\ntitle = "t"\n[q3_1]\nstep_size = "$\\frac{1}{\\lambda}$"\n'
    _, errors = read_sheet(text, "s.toml")
    assert [str(e) for e in errors] == [
        "s.toml:4:24: not valid TOML (unescaped '\\' in a string); in a double-quoted string a "
        "backslash starts an escape: write LaTeX in single quotes, as in "
        "'$\\frac{1}{2}$', or double each backslash"
    ]


def test_every_toml_example_of_the_docs_loads() -> None:
    root = Path(__file__).resolve().parents[1]
    blocks = re.findall(
        r"```toml\n(.*?)```", (root / "docs" / "sheet-format.md").read_text("utf-8"), re.S
    )
    assert blocks
    for block in blocks:
        sheet, errors = read_sheet(block, "example.toml")
        assert errors == [] and sheet is not None


def test_the_latex_example_of_the_blank_sheet_loads_as_written() -> None:
    (example,) = re.findall(r"'\$[^']*\$'", blank_sheet())
    text = f'[sheet]\ntitle = "t"\n[q3_1]\nminimizer = {example}\n'
    sheet, errors = read_sheet(text, "s.toml")
    assert errors == [] and sheet is not None and sheet.q3_1.minimizer is not None


def test_a_narrow_table_wraps_the_title_and_path_instead_of_cutting_them() -> None:
    path = "/a/very/long/folder/name/of/a/course/answers-of-student-number-1234567.toml"
    title = "My answers to HW2 of CS 4644/7643, Deep Learning, written late at night"
    lines = table(Ledger(path, title), width=40).splitlines()
    head = lines[: lines.index("")]
    assert all(len(line) <= 40 for line in head)
    assert "…" not in "".join(head)
    assert " ".join(head[:2]).startswith("My answers to HW2 of CS 4644/7643,")
    assert "".join(line.strip() for line in head).endswith("sheet: " + path)


def test_a_directory_finds_every_way_of_writing_the_sheet_table(tmp_path: Path) -> None:
    kinds = {
        "crlf.toml": b'[sheet]\r\ntitle = "t"\r\n',
        "dotted.toml": b'sheet.title = "t"\n',
        "inline.toml": b'sheet = { title = "t" }\n',
        "quoted.toml": b'[ "sheet" ]\ntitle = "t"\n',
        "unclosed.toml": b'[sheet\ntitle = "t"\n',  # reported as bad TOML, not skipped
    }
    for name, raw in kinds.items():
        (tmp_path / name).write_bytes(raw)
    (tmp_path / "other.toml").write_bytes(b'[sheets]\nx = 1\n[sheet2]\nsheet_name = "x"\n')
    assert expand([str(tmp_path)]) == [str(tmp_path / name) for name in sorted(kinds)]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("eta > 0 or eta < 1", "'or' is not allowed: every comparison must hold (at character 9)"),
        ("0 < eta < 1 and (eta < 2 or eta > 3)",
         "'or' is not allowed: every comparison must hold (at character 26)"),
        ("not eta > 1", "'not' is not allowed: write the opposite comparison (at character 1)"),
    ],
)  # fmt: skip
def test_or_and_not_in_a_condition_are_named(text: str, problem: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_condition(text, {"eta": SGD_ETA})
    assert raised.value.problem == problem


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('[[1, ["1"]], [2, ["-1/2", "0"]]]', "(1) for t = 1, (-1/2, 0) for t = 2..3"),
        ('["-1", "2/3"]', "(-1, 2/3)"),
        ("[[0, 1], [1, 0]]", "[[0, 1], [1, 0]]"),  # a matrix: the reports lay it out
        ("1/2", "1/2"),
        ("[1, [true]]", "[1, [true]]"),
    ],
)
def test_witness_vectors_read_as_mathematics(value: str, shown: str) -> None:
    assert readable(value) == shown


def test_the_reports_show_a_run_length_witness_as_vectors() -> None:
    row = Row("q3_2.bound", "3.2", "a bound", Verdict.REFUTED, "exact instance", "see witness",
              {"v": '[[1, ["1"]], [1, ["-1"]]]', "wstar": '["-1"]'}, 0.0)  # fmt: skip
    ledger = Ledger("s.toml", "t", (row,))
    assert "witness: v = (1) for t = 1, (-1) for t = 2, wstar = (-1)" in table(ledger)
    assert "`v` = `(1) for t = 1, (-1) for t = 2`" in markdown(ledger)
    assert "(\u22121) for t = 2" in html([ledger])


@pytest.mark.parametrize(
    ("line", "column", "problem"),
    [
        ("step_size = 1/lam", 14, "expected newline or end of document after a statement"),
        ("minimizer = w_t - g/lam", 13, "invalid value"),
    ],
)
def test_an_expression_written_without_quotes_is_told_to_quote_it(
    line: str, column: int, problem: str
) -> None:
    with pytest.raises(InputError) as raised:
        parse_sheet(f'[sheet]\ntitle = "t"\n[q3_1]\n{line}\n', "s.toml")
    message = str(raised.value)
    assert message.startswith(f"s.toml:4:{column}: not valid TOML ({problem}); ")
    assert message.endswith('an expression is a string in quotes, as in step_size = "1/lam"')
