"""The limits of SHEET.md at their exact boundaries, with the exact messages."""

from __future__ import annotations

import pytest

from hw2check.errors import InputError
from hw2check.expressions import parse_condition, parse_decimal, parse_expression, shown
from hw2check.sheet import SGD_ETA, symbols

W = symbols("w")


def outcome(text: str) -> str:
    try:
        parse_expression(text, W)
    except InputError as error:
        return str(error)
    return "accepted"


DEEP = "the expression is nested deeper than 50; nesting depth at most 50"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("w" + " " * 999, "accepted"),
        ("w" + " " * 1000, "the expression has 1001 characters; at most 1000 characters"),
        ("(" * 50 + "w" + ")" * 50, "accepted"),
        ("+".join(["(w)"] * 51), "accepted"),  # a closed parenthesis no longer counts
        (
            "(" * 51 + "w" + ")" * 51,
            "parentheses nested deeper than 50 (at character 51); nesting depth at most 50",
        ),
        ("-" * 50 + "w", "accepted"),
        ("-" * 51 + "w", DEEP),
        ("w**" * 50 + "w", "accepted"),
        ("w**" * 51 + "w", DEEP),
        ("exp(" * 50 + "w" + ")" * 50, "accepted"),
        (
            "exp(" * 51 + "w" + ")" * 51,
            "parentheses nested deeper than 50 (at character 204); nesting depth at most 50",
        ),
        ("exp(" * 25 + "-" * 26 + "w" + ")" * 25, DEEP),
        ("(w*" * 25 + "w" + "+w)" * 25, "accepted"),  # two levels per bracket
        ("(w*" * 26 + "w" + "+w)" * 26, DEEP),
        ("+".join(["w"] * 400), "accepted"),  # one level, however long
        ("10000", "accepted"),
        ("w**10000", "accepted"),
        (
            "-10001",
            "the integer 10001 is too large (at character 2); "
            "integer literals of absolute value at most 10000",
        ),
        (
            " w^ 10001",
            "the integer 10001 is too large (at character 5); "
            "integer literals of absolute value at most 10000",
        ),
        (
            "(w)^(w)^10001",
            "the integer 10001 is too large (at character 9); "
            "integer literals of absolute value at most 10000",
        ),
        (
            "w # c",
            "a comment is not allowed (at character 3); numbers, the listed symbols, "
            "+ - * / ** ^, unary minus, parentheses and the functions "
            "sqrt exp log ln sin cos tan Abs abs sigmoid",
        ),
        (
            "2**9999*2**9999",
            "'2**9999*2**9999' holds a number with too many digits to compute with exactly; "
            "exact numbers of at most 12000 bits",
        ),
        ("2**5999*2**5999", "accepted"),
    ],
)
def test_limits_hold_exactly_at_their_boundary(text: str, message: str) -> None:
    assert outcome(text) == message


def test_a_condition_counts_its_comparison_as_a_level() -> None:
    allowed = {"eta": SGD_ETA}
    assert parse_condition("eta > " + "-" * 49 + "1", allowed)
    with pytest.raises(InputError, match="nested deeper than 50"):
        parse_condition("eta > " + "-" * 50 + "1", allowed)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1e10000", "accepted"),
        ("1e-10000", "accepted"),
        ("0.0001e-9996", "accepted"),  # 1e-10000: the magnitude is within the limit
        (
            "1e10001",
            "the decimal exponent of '1e10001' is too large; "
            "exponents of absolute value at most 10000",
        ),
        (
            "1e-10001",
            "the decimal exponent of '1e-10001' is too large; "
            "exponents of absolute value at most 10000",
        ),
        # A long mantissa does not stretch the limit, either way (1e10002 and 1e-10001).
        (
            "1000e9999",
            "the decimal exponent of '1000e9999' is too large; "
            "exponents of absolute value at most 10000",
        ),
        (
            "0.1e-10000",
            "the decimal exponent of '0.1e-10000' is too large; "
            "exponents of absolute value at most 10000",
        ),
        ("1_0e1_0", "accepted"),
        ("+-1", "'+-1' is not a decimal number; for example 0.25 or 1e-3"),
        ("--1", "'--1' is not a decimal number; for example 0.25 or 1e-3"),
        ("-", "'-' is not a decimal number; for example 0.25 or 1e-3"),
        ("nan", "'nan' is not a decimal number; for example 0.25 or 1e-3"),
        (" +2.5 ", "accepted"),
    ],
)
def test_decimals_at_the_edges(text: str, message: str) -> None:
    try:
        parse_decimal(text)
    except InputError as error:
        assert str(error) == message
    else:
        assert message == "accepted"


def test_untrusted_text_is_clipped_to_forty_characters() -> None:
    assert shown("x" * 40) == repr("x" * 40)
    assert shown("x" * 41) == repr("x" * 37 + "...")
    assert shown("a\nb") == "'a\\nb'"


def test_a_long_flat_sum_is_built_without_deep_recursion() -> None:
    import sys
    from types import FrameType

    depth = 0
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    limit = sys.getrecursionlimit()
    # 300 frames to spare: a tracer or debugger adds frames, so length must not recurse
    # (building a sum by recursion took two frames a term).
    sys.setrecursionlimit(depth + 300)
    try:
        assert parse_expression("+".join(["w"] * 499), W) == 499 * W["w"]
    finally:
        sys.setrecursionlimit(limit)
