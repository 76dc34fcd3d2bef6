"""Certified interval enclosures and the bisection for a negative point (hw2check.intervals)."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from mpmath import iv

from hw2check.intervals import enclose, negative_point

X = sympy.Symbol("x", real=True)
BOX = {X: iv.mpf([1, 2])}


@pytest.mark.parametrize(
    ("expr", "low", "high"),
    [
        (X**2 - 3 * X, -5, 1),  # [1, 4] - [3, 6]: the dependency widens [-9/4, -2]
        (sympy.Rational(1, 2) * X, 0.5, 1),
        (sympy.exp(X) - sympy.E, 0, float(sympy.exp(2) - sympy.exp(1))),
        (sympy.log(X), 0, float(sympy.log(2))),
        (sympy.sqrt(X), 1, float(sympy.sqrt(2))),
        (sympy.Abs(-X) + sympy.pi, 1 + float(sympy.pi), 2 + float(sympy.pi)),
        (X ** (X - 1), 1, 2),
    ],
)
def test_an_enclosure_holds_the_range(expr: sympy.Expr, low: float, high: float) -> None:
    value = enclose(expr, BOX)
    assert value is not None
    assert float(value.a) == pytest.approx(low) and float(value.b) == pytest.approx(high)
    assert value.a <= low and high <= value.b  # outward rounding


@pytest.mark.parametrize(
    "expr",
    [
        sympy.log(X - 2),
        sympy.sqrt(X - 2),
        (X - 2) ** sympy.Rational(1, 3),
        sympy.tan(X),
        sympy.Symbol("y"),
    ],
)
def test_an_enclosure_it_cannot_certify_is_none(expr: sympy.Expr) -> None:
    assert enclose(expr, BOX) is None


def test_the_point_found_is_in_the_narrow_window() -> None:
    window = (X - sympy.Rational(43212, 10)) * (X - sympy.Rational(43213, 10))
    point = negative_point(sympy.exp(window) - 1, X)
    assert point == Fraction(17285, 4)
    assert sympy.exp(window).xreplace({X: sympy.Rational(point)}) < 1
    assert negative_point(10**20 - X, X) is None  # negative only beyond 2**40
    assert negative_point(X**2 + 1, X) is None
    assert negative_point(sympy.log(X**2 + 1) - sympy.Rational(1, 1000), X) == 0
    assert negative_point(sympy.exp(window) - 1, X, boxes=50) is None  # the box budget
    assert negative_point(sympy.exp(window) - 1, X, seconds=0) is None  # the time limit
