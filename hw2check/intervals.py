"""Certified interval arithmetic (mpmath.iv, outward rounding) over SymPy trees, and a
branch-and-bound search for a point where a one-variable expression is negative.

``enclose`` gives an interval holding every value of an expression over a box of its symbols,
or None when it cannot say (an unsupported function, or a log, root or power whose argument
may leave its domain in the box).  ``negative_point`` splits the line into boxes, lowest
value at the midpoint first, drops a box whose enclosure is above 0, and returns a midpoint
whose (point) enclosure is below 0: certified negative there; the caller re-verifies the
point exactly anyway.  Both are bounded: a number of boxes and a time limit.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import sympy
from mpmath import iv

# Functions defined on the whole real line, enclosed by mpmath's interval versions.
_EVERYWHERE: dict[type, Callable[[Any], Any]] = {
    sympy.exp: iv.exp,
    sympy.sin: iv.sin,
    sympy.cos: iv.cos,
    sympy.Abs: abs,
}


def _rational(x: Fraction) -> Any:
    return iv.mpf(x.numerator) / iv.mpf(x.denominator)


def _positive(x: Any) -> bool:
    return bool(x.a > 0)


def _power(base: Any, exponent: sympy.Expr, box: Mapping[sympy.Symbol, Any]) -> Any:
    if exponent.is_Integer:
        return base ** int(exponent)
    power = enclose(exponent, box)
    if power is None or not _positive(base):
        return None  # a possibly nonpositive base with a non-integer exponent
    return iv.exp(iv.log(base) * power)


def enclose(expr: sympy.Expr, box: Mapping[sympy.Symbol, Any]) -> Any:
    """An interval holding expr over the box (symbol -> interval), or None."""
    if expr.is_Rational:
        return _rational(Fraction(int(expr.p), int(expr.q)))
    if expr is sympy.pi:
        return iv.pi
    if expr is sympy.E:
        return iv.e
    if expr.is_Symbol:
        return box.get(expr)
    if expr.is_Pow:
        base = enclose(expr.base, box)
        return None if base is None else _power(base, expr.exp, box)
    parts = [enclose(arg, box) for arg in expr.args]
    if any(part is None for part in parts):
        return None
    if expr.is_Add:
        return sum(parts[1:], parts[0])
    if expr.is_Mul:
        product = parts[0]
        for part in parts[1:]:
            product = product * part
        return product
    if isinstance(expr, sympy.log) and _positive(parts[0]):
        return iv.log(parts[0])
    function = _EVERYWHERE.get(type(expr))
    return None if function is None or len(parts) != 1 else function(parts[0])


def _shells(reach: int) -> list[tuple[Fraction, Fraction]]:
    """[-1, 1] and the dyadic shells +-[2**k, 2**(k+1)] out to 2**reach."""
    out = [(Fraction(-1), Fraction(1))]
    for k in range(reach):
        out += [
            (Fraction(2**k), Fraction(2 ** (k + 1))),
            (-Fraction(2 ** (k + 1)), -Fraction(2**k)),
        ]
    return out


def _at(expr: sympy.Expr, symbol: sympy.Symbol, low: Fraction, high: Fraction) -> Any:
    return enclose(expr, {symbol: iv.mpf([_rational(low).a, _rational(high).b])})


def negative_point(
    expr: sympy.Expr,
    symbol: sympy.Symbol,
    boxes: int = 4000,
    seconds: float = 2.0,
    reach: int = 40,
    within: tuple[Fraction, Fraction] | None = None,
) -> Fraction | None:
    """A rational x in [-2**reach, 2**reach] (or in the closed interval ``within``) with
    expr(x) certified < 0, found by bisection: the boxes are taken lowest value at the
    midpoint first, and a box whose enclosure is above 0 is dropped; None when none is found
    within the budgets."""
    deadline = time.monotonic() + seconds
    queue: list[tuple[float, int, Fraction, Fraction]] = []
    count = 0
    for low, high in _shells(reach) if within is None else [within]:
        heapq.heappush(queue, (0.0, count, low, high))
        count += 1
    while queue and count < boxes and time.monotonic() < deadline:
        _, _, low, high = heapq.heappop(queue)
        middle = (low + high) / 2
        at_middle = _at(expr, symbol, middle, middle)
        if at_middle is not None and at_middle.b < 0:
            return middle
        whole = _at(expr, symbol, low, high)
        count += 1
        if whole is not None and whole.a > 0:
            continue  # positive on the whole box
        for part in ((low, middle), (middle, high)):
            value = _at(expr, symbol, (part[0] + part[1]) / 2, (part[0] + part[1]) / 2)
            rank = float("inf") if value is None else float(value.b)
            heapq.heappush(queue, (rank, count, *part))
            count += 1
    return None
