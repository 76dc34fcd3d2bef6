"""The safe expression parser: what it accepts, exactly, and how it refuses hostile text."""

from __future__ import annotations

import ast
import pickle
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sympy

from hw2check import errors, expressions
from hw2check.expressions import (
    ALLOWED_SYNTAX,
    MAX_DEPTH,
    parse_condition,
    parse_decimal,
    parse_expression,
)

x, y = sympy.symbols("x y", real=True)
XY = {"x": x, "y": y}


def parse(text: str) -> sympy.Expr:
    return parse_expression(text, XY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1", sympy.Rational(1, 10)),
        ("1e-3", sympy.Rational(1, 1000)),
        ("2.5E2", sympy.Integer(250)),
        ("x^2", x**2),
        ("x**2 + 3*y", x**2 + 3 * y),
        ("-x + +y", -x + y),
        ("ln(x)", sympy.log(x)),
        ("log(x)", sympy.log(x)),
        ("abs(x) - Abs(y)", sympy.Abs(x) - sympy.Abs(y)),
        ("sigmoid(x)", 1 / (1 + sympy.exp(-x))),
        ("sqrt(4)", sympy.Integer(2)),
        (
            "exp(x)*sin(y)/cos(x) + tan(y)",
            sympy.exp(x) * sympy.sin(y) / sympy.cos(x) + sympy.tan(y),
        ),
        ("(x + 1)/(y - 2)", (x + 1) / (y - 2)),
        ("10000", sympy.Integer(10000)),
        ("x^-1", 1 / x),
    ],
)
def test_accepted_expressions_are_built_exactly(text: str, expected: sympy.Expr) -> None:
    assert sympy.simplify(parse(text) - expected) == 0


def test_caret_binds_like_power_not_xor() -> None:
    # Python's ^ binds looser than +; as a power it must bind tighter.
    assert parse("x + 1^2") == x + 1


def test_long_flat_sums_are_not_too_deep() -> None:
    text = " + ".join(["x"] * 200)
    assert parse(text) == 200 * x


HOSTILE = [
    ("__import__('os').system('touch /tmp/hw2check-pwned')", errors.ForbiddenSyntax),
    ("x.__class__.__mro__", errors.ForbiddenSyntax),
    ("(lambda: 1)()", errors.ForbiddenSyntax),
    ("lambda: 1", errors.ForbiddenSyntax),
    ("9**9**9**9", errors.NumberTooLarge),
    ("x" * 100_000, errors.ExpressionTooLong),
    ("(" * 5000 + "x" + ")" * 5000, errors.ExpressionTooLong),
    ("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), errors.NestingTooDeep),
    ("-" * 500 + "x", errors.NestingTooDeep),
    ("z + 1", errors.UnknownSymbol),
    ("x; import os", errors.ExpressionSyntaxError),
    ("x = 1", errors.ExpressionSyntaxError),
    ("open('/etc/passwd')", errors.UnknownFunction),
    ("x[0]", errors.ForbiddenSyntax),
    ("'text'", errors.ForbiddenSyntax),
    ("[x for x in y]", errors.ForbiddenSyntax),
    ("x if y else 1", errors.ForbiddenSyntax),
    ("(x := 1)", errors.ForbiddenSyntax),
    ("True", errors.ForbiddenSyntax),
    ("1j", errors.ForbiddenSyntax),
    ("0x10", errors.ForbiddenSyntax),
    ("100001", errors.NumberTooLarge),
    ("x**10001", errors.NumberTooLarge),
    ("(x**100)**101", errors.NumberTooLarge),
    ("(10000**10000)**2", errors.NumberTooLarge),
    ("10000**1000 * 10000**1000 * 10000**1000", errors.NumberTooLarge),
    ("1e99999", errors.NumberTooLarge),
    ("sqrt(x, y)", errors.WrongArity),
    ("sqrt", errors.ForbiddenSyntax),
    ("1/0", errors.InvalidValue),
    ("x // 2", errors.ForbiddenSyntax),
    ("x % 2", errors.ForbiddenSyntax),
    ("", errors.ExpressionSyntaxError),
    ("x y", errors.ExpressionSyntaxError),
]


@pytest.mark.parametrize(("text", "error"), HOSTILE, ids=[t[:30] for t, _ in HOSTILE])
def test_hostile_text_gets_the_documented_error_fast(text: str, error: type) -> None:
    start = time.perf_counter()
    with pytest.raises(error) as raised:
        parse(text)
    # A generous bound: it catches a hang (the limits run before any algebra), not a speed.
    assert time.perf_counter() - start < 2.0
    assert isinstance(raised.value, errors.InputError)
    assert str(raised.value)  # a message a user can read
    assert "\n" not in str(raised.value)


def test_hostile_text_has_no_side_effect() -> None:
    marker = Path("/tmp/hw2check-pwned")
    marker.unlink(missing_ok=True)
    with pytest.raises(errors.InputError):
        parse("__import__('os').system('touch /tmp/hw2check-pwned')")
    assert not marker.exists()


def test_unknown_symbol_names_the_symbol_and_what_is_allowed() -> None:
    with pytest.raises(errors.UnknownSymbol) as raised:
        parse("x + zeta")
    assert raised.value.symbol == "zeta"
    assert "zeta" in str(raised.value) and "x, y" in str(raised.value)
    assert raised.value.offset == 4


def test_offsets_refer_to_the_text_as_written() -> None:
    with pytest.raises(errors.UnknownSymbol) as raised:
        parse("x^2^2 + q")
    assert raised.value.offset == 8


@pytest.mark.parametrize(
    ("text", "count"),
    [("eta > 0", 1), ("0 < eta < 1", 2), ("eta > 1/2 and eta <= 2", 2), ("eta>=1 and 0<eta<3", 3)],
)
def test_conditions(text: str, count: int) -> None:
    eta = sympy.Symbol("eta", real=True)
    relations = parse_condition(text, {"eta": eta})
    assert len(relations) == count
    assert all(isinstance(r, sympy.core.relational.Relational) for r in relations)


@pytest.mark.parametrize(
    "text", ["eta", "eta > 0 or eta < -1", "eta == 1", "not eta > 0", "eta + 1"]
)
def test_non_conditions_are_refused(text: str) -> None:
    with pytest.raises(errors.ExpressionError):
        parse_condition(text, {"eta": sympy.Symbol("eta", real=True)})


def test_condition_chain_means_each_pair() -> None:
    eta = sympy.Symbol("eta", real=True)
    low, high = parse_condition("0 < eta < 1", {"eta": eta})
    assert low == sympy.StrictLessThan(0, eta)
    assert high == sympy.StrictLessThan(eta, 1)


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.3510", sympy.Rational(351, 1000)), ("-2", -2), ("1e-3", sympy.Rational(1, 1000))],
)
def test_decimals_are_exact(text: str, value: sympy.Rational) -> None:
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["abc", "1.2.3", "--1", "", "nan", "inf", "0x1"])
def test_bad_decimals(text: str) -> None:
    with pytest.raises(errors.ExpressionError):
        parse_decimal(text)


def test_power_errors_name_the_exponent_and_its_place() -> None:
    with pytest.raises(errors.NumberTooLarge) as raised:
        parse("x**10001")
    assert raised.value.offset == 3
    assert "10001" in raised.value.problem and "10000" in raised.value.allowed
    with pytest.raises(errors.NumberTooLarge) as combined:
        parse("(x**100)**101")
    assert "10100" in combined.value.problem and "10000" in combined.value.allowed


def test_condition_errors_say_what_a_condition_is() -> None:
    eta = {"eta": sympy.Symbol("eta", real=True)}
    with pytest.raises(errors.ForbiddenSyntax) as raised:
        parse_condition("eta + 1", eta)
    assert "is not a condition" in raised.value.problem
    assert "0 < eta < 1" in raised.value.allowed
    with pytest.raises(errors.ForbiddenSyntax) as equality:
        parse_condition("eta == 1", eta)
    assert "comparison" in equality.value.problem and "<=" in equality.value.allowed
    with pytest.raises(errors.InvalidValue):
        parse_condition("eta > 1/0", eta)


def refusal(read: Callable[[str], object], text: str) -> str:
    with pytest.raises(errors.InputError) as raised:
        read(text)
    return str(raised.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "eta == 1",
            "the comparison '==' is not allowed (at character 8); comparisons < <= > >=",
        ),
        (
            "eta > 0/0",
            "'eta > 0/0' compares 'nan', which is not a real number (at character 7); "
            "comparisons of real values, such as 0 < eta < 1",
        ),
        (
            "1/0 < eta",
            "'1/0 < eta' compares 'zoo', which is not a real number (at character 1); "
            "comparisons of real values, such as 0 < eta < 1",
        ),
        # sin(oo) is SymPy's AccumBounds(-1, 1): bounds, not a value.
        (
            "sqrt(eta) < sin(abs(1/0))",
            "'sqrt(eta) < sin(abs(1/0))' compares 'AccumBounds(-1, 1)', which is not a real "
            "number (at character 13); comparisons of real values, such as 0 < eta < 1",
        ),
        (
            "-abs(1/0) < eta",
            "'-abs(1/0) < eta' compares '-oo', which is not a real number (at character 1); "
            "comparisons of real values, such as 0 < eta < 1",
        ),
        # Both sides are the same object (oo): the message points at the first.
        (
            "abs(1/0) < abs(1/0)",
            "'abs(1/0) < abs(1/0)' compares 'oo', which is not a real number (at character 1); "
            "comparisons of real values, such as 0 < eta < 1",
        ),
        (
            "0 < eta < 1/0",
            "'0 < eta < 1/0' compares 'zoo', which is not a real number (at character 11); "
            "comparisons of real values, such as 0 < eta < 1",
        ),
    ],
)
def test_condition_refusals_are_exact(text: str, message: str) -> None:
    eta = {"eta": sympy.Symbol("eta", real=True)}
    assert refusal(lambda t: parse_condition(t, eta), text) == message


def test_a_comparison_sympy_refuses_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # No sheet value is known to reach this guard now that sides without a value are refused
    # first; it stays so that a SymPy refusal can never surface as an internal error.
    def refuse(left: sympy.Expr, right: sympy.Expr) -> sympy.Basic:
        raise TypeError("Invalid comparison")

    monkeypatch.setattr(expressions, "_COMPARISONS", {ast.Lt: refuse})
    eta = {"eta": sympy.Symbol("eta", real=True)}
    assert refusal(lambda t: parse_condition(t, eta), "0 < eta < 1") == (
        "'0 < eta < 1' compares values that cannot be ordered (at character 5); "
        "comparisons of real values, such as 0 < eta < 1"
    )


@pytest.mark.parametrize("text", ["sin(abs(1/0))", "cos(-abs(1/0)) + x", "x*sin(exp(abs(1/0)))"])
def test_values_with_only_bounds_have_no_finite_value(text: str) -> None:
    assert refusal(parse, text) == (
        f"{text!r} has no finite value (division by zero?); expressions with a finite value"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "-abs(1/0)",
            "'-abs(1/0)' has no finite value (division by zero?); expressions with a finite value",
        ),
        (
            "x + exp",
            "the function 'exp' must be called with one argument (at character 5); "
            "for example exp(x)",
        ),
        (
            "^x",
            "'^x' starts with '^', which needs a value before it (at character 1); "
            + ALLOWED_SYNTAX,
        ),
        (
            "x^^2",
            "two operators in a row before '^' (at character 3); " + ALLOWED_SYNTAX,
        ),
        (
            "x + (x+1)(2)",
            "a value directly followed by '(' (did you mean '(x+1)*(2)'?) (at character 5); "
            "write products with *",
        ),
        (
            "(x**100)**101",
            "the combined exponent 10100 is too large (at character 11); "
            "exponents of absolute value at most 10000",
        ),
    ],
)
def test_expression_refusals_are_exact(text: str, message: str) -> None:
    assert refusal(parse, text) == message


def test_powers_of_powers_and_products_are_bounded_by_their_numbers_only() -> None:
    # A symbolic exponent inside the base adds no bits; a symbol or a sum adds none either:
    # (2*x)**7000 holds 2**7000 (7001 bits), under the 12000-bit limit.
    assert parse("(2^x)^3") == 2 ** (3 * x)
    assert parse("(2*x)^7000") == sympy.Integer(2) ** 7000 * x**7000


@pytest.mark.parametrize(
    ("text", "zero_at"),
    [
        ("x*(y - 1)/(y - 1)", {y: 1}),
        ("x + 0/(y - 1)", {y: 1}),
        ("(1/x)*x", {x: 0}),
        ("1/x - 1/x", {x: 0}),
        ("x/(2*x)", {x: 0}),
        ("(1/x)^0", {x: 0}),  # the power drops the division its base holds
    ],
)
def test_parsing_never_cancels_a_division_by_something_that_can_be_zero(
    text: str, zero_at: dict[sympy.Symbol, int]
) -> None:
    expr = parse(text)
    assert expr.xreplace(zero_at).has(sympy.zoo, sympy.nan)
    # Checks run in worker processes: the expression must survive pickling as it is.
    assert pickle.loads(pickle.dumps(expr)).xreplace(zero_at).has(sympy.zoo, sympy.nan)


def test_a_divisor_the_domain_keeps_from_zero_may_cancel() -> None:
    lam = sympy.Symbol("lam", positive=True)
    assert parse_expression("x*lam/lam", {"x": x, "lam": lam}) == x
    assert parse("x*(1 + y**2)/(1 + y**2)") == x


def test_a_cancelled_division_is_its_value_where_the_divisor_is_a_nonzero_number() -> None:
    # SymPy caches what a function call evaluated to; start from an empty cache so that
    # where_nonzero's own rule is what runs here (a mutation run forks from a process
    # that has already evaluated these calls).
    sympy.core.cache.clear_cache()
    assert expressions.where_nonzero(sympy.Integer(2), x) == x
    assert expressions.where_nonzero(sympy.sqrt(2) - 1, x) == x
    assert parse("x*(y - 1)/(y - 1)").xreplace({y: 3}) == x


@pytest.mark.parametrize("value", [3, None, ["x"]])
def test_a_value_that_is_not_text_is_refused_with_what_is_allowed(value: object) -> None:
    # a caller of the library, not a sheet (the sheet reader checks types first), may pass one
    for read in (parse_expression, parse_condition):
        with pytest.raises(errors.ExpressionError) as raised:
            read(value, XY)  # type: ignore[arg-type]
        assert str(raised.value) == "an expression must be a string; " + ALLOWED_SYNTAX


def test_several_cancelled_divisors_are_each_kept_in_a_fixed_order() -> None:
    # two divisors, x - 1 and y - 1, that SymPy cannot order by value: sorted by their text
    expr = parse("x*(x - 1)*(y - 1)/((x - 1)*(y - 1))")
    assert expr == expressions.where_nonzero(y - 1, expressions.where_nonzero(x - 1, x))


def test_a_division_keeps_the_divisors_of_its_dividend() -> None:
    # (1/x)/(1/x) is 1 once built: the 1/x of the dividend and of the divisor both vanish
    assert parse("(1/x)/(1/x)") == expressions.where_nonzero(x, sympy.Integer(1))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # 10000 * log2(3) bits from the factor 3 of a product: refused before it is computed
        (
            "(3*x)^10000",
            "the power '(3*x)**10000' is too large (at character 7); "
            "exact numbers of at most 12000 bits",
        ),
        # 9999 * log2(7)/2 bits from the power sqrt(7): refused before it is computed
        (
            "sqrt(7)^9999",
            "the power 'sqrt(7)**9999' is too large (at character 9); "
            "exact numbers of at most 12000 bits",
        ),
    ],
)
def test_the_numbers_of_a_raised_product_or_power_count(text: str, message: str) -> None:
    assert refusal(parse, text) == message


@pytest.mark.parametrize("text", [".", ".e5"])
def test_text_the_pattern_admits_but_decimal_refuses_is_not_a_decimal(text: str) -> None:
    assert refusal(parse_decimal, text) == (
        f"{text!r} is not a decimal number; for example 0.25 or 1e-3"
    )
