"""Natural domains: where the expressions of a sheet are defined, decided exactly.

An expression's natural domain is the set of points where every side condition read from the
sheet's own tree holds (``expressions.side_conditions``: each denominator nonzero, each
logarithm's argument positive, each even root's argument nonnegative, each tan off its
poles, each power with a possibly negative base and a non-integer exponent at a nonnegative
base).  ``definedness`` decides whether conditions hold on the whole of a domain:

- ``holds`` (proved) when SymPy's assumptions show them, or when a condition in one variable
  is a rational function (or has finitely many zeros SymPy's ``solveset`` finds): its sign
  is constant between consecutive real roots, so testing every root and one rational point
  between each two consecutive roots, exactly, decides it on the whole line;
- ``point``: a rational point of the domain where a condition fails, re-verified exactly;
- ``irrational``: the condition fails only at irrational points (a root of lam**2 - 3), named;
- none of these: not decided (a condition in several variables with no failing point found).

``defined_at`` decides one point exactly (or by SymPy's certified evaluation).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import sympy

from hw2check.expressions import (
    NONZERO,
    POSITIVE,
    Guard,
    SideCondition,
    format_rational,
    side_conditions,
)
from hw2check.ledger import Outcome, Verdict, checked, undecided

Point = Mapping[sympy.Symbol, sympy.Expr]
# Grid values of the other variables when a condition in several variables is cut to one.
LINE_VALUES = tuple(sympy.Rational(v) for v in ("0", "1", "-1", "2", "1/2", "3", "-2"))
MAX_DEGREE = 60  # polynomials of higher degree are not isolated (too slow to be worth it)
_CERTIFY_DIGITS = 50


def sign_at(value: sympy.Expr) -> int | None:
    """The sign of a closed-form number, exactly or by certified evaluation; None when it
    cannot be certified or the value is not a real number."""
    if value.is_Rational:
        return int(sympy.sign(value))
    if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or value.is_extended_real is False:
        return None
    if value.is_zero:
        return 0
    try:
        approx = value.evalf(_CERTIFY_DIGITS, strict=True)
    except (sympy.core.evalf.PrecisionExhausted, TypeError, ValueError, ArithmeticError):
        return None
    if not approx.is_Number or approx.is_real is False or approx == 0:
        return None
    return 1 if approx > 0 else -1


def condition_at(condition: SideCondition, point: Point) -> bool | None:
    """Whether the condition holds at the point (None: cannot be certified)."""
    try:
        value = condition.expr.xreplace(dict(point))
    except (TypeError, ValueError, ArithmeticError):
        return None
    sign = sign_at(value)
    if sign is None:
        return None
    if condition.kind == NONZERO:
        return sign != 0
    if condition.kind == POSITIVE:
        return sign > 0
    return sign >= 0


def all_hold(conditions: Sequence[SideCondition], point: Point) -> bool | None:
    """Every condition holds (True), one fails (False), or neither is certain (None)."""
    uncertain = False
    for condition in conditions:
        holds = condition_at(condition, point)
        if holds is False:
            return False
        uncertain = uncertain or holds is None
    return None if uncertain else True


def defined_at(expr: sympy.Expr, point: Point) -> bool | None:
    """The expression is defined at the point: every side condition holds there."""
    return all_hold(side_conditions(expr), point)


@dataclass(frozen=True)
class Definedness:
    """What ``definedness`` found (see the module docstring)."""

    holds: bool
    point: dict[sympy.Symbol, sympy.Expr] | None = None
    failing: SideCondition | None = None
    irrational: str | None = None

    def where(self) -> str:
        """The failing point as text."""
        if self.point is not None:
            return ", ".join(f"{s} = {format_rational(v)}" for s, v in self.point.items())
        return self.irrational or ""


UNDECIDED = Definedness(False)


def in_domain(symbol: sympy.Symbol, value: sympy.Expr) -> bool:
    """The (real) value respects the symbol's assumptions."""
    if symbol.is_integer and not value.is_integer:
        return False
    if symbol.is_positive:
        return bool(value > 0)
    if symbol.is_nonnegative:
        return bool(value >= 0)
    return True


def _real_roots(expr: sympy.Expr, symbol: sympy.Symbol) -> tuple[list[sympy.Expr], bool] | None:
    """The distinct real roots of a rational function's numerator and denominator, or of a
    function whose real zeros ``solveset`` lists, and whether that list is complete (for
    cos(u) it is not: a few of infinitely many zeros); None when that is not possible."""
    numerator, denominator = sympy.fraction(sympy.together(expr))
    roots: list[sympy.Expr] = []
    complete = True
    for part in (numerator, denominator):
        found = _zeros(part, symbol)
        if found is None:
            return None
        roots.extend(found[0])
        complete = complete and found[1]
    unique = list(dict.fromkeys(roots))
    try:
        return sorted(unique, key=lambda r: float(sympy.N(r, 30))), complete
    except (TypeError, ValueError):
        return None


def _zeros(part: sympy.Expr, symbol: sympy.Symbol) -> tuple[list[sympy.Expr], bool] | None:
    if symbol not in part.free_symbols:
        return [], True
    if part.is_polynomial(symbol):
        poly = sympy.Poly(part, symbol)
        if poly.degree() > MAX_DEGREE:
            return None
        if poly.domain.is_QQ or poly.domain.is_ZZ:
            return list(dict.fromkeys(sympy.real_roots(poly))), True
        try:  # irrational coefficients (w**2 - sqrt(3)*w): roots in radicals
            found = sympy.roots(poly)
        except (NotImplementedError, sympy.polys.polyerrors.PolynomialError):
            return None
        if sum(found.values()) != poly.degree():
            return None
        return [r for r in found if r.is_extended_real], True
    try:
        solutions = sympy.solveset(part, symbol, sympy.S.Reals)
    except (NotImplementedError, ValueError, TypeError):
        return None
    if isinstance(solutions, sympy.FiniteSet):
        return list(solutions), True
    samples = list(_samples(solutions))
    return (samples, False) if samples else None


def _samples(solutions: sympy.Set) -> Iterator[sympy.Expr]:
    """A few members of an infinite solution set (the n = 0, 1, -1 members of its ImageSets)."""
    for node in sympy.preorder_traversal(solutions):
        if isinstance(node, sympy.ImageSet) and node.base_sets == (sympy.S.Integers,):
            for n in (0, 1, -1):
                yield node.lamda(n)


def _between(low: sympy.Expr | None, high: sympy.Expr | None) -> sympy.Rational:
    """A simple rational strictly between two reals (either end may be open: None)."""
    if low is None and high is None:
        return sympy.Integer(0)
    if low is None:
        return sympy.floor(high) - 1
    if high is None:
        return sympy.floor(low) + 1
    for denominator in itertools.chain((1, 2, 4, 10), (10**k for k in range(2, 40))):
        candidate = sympy.floor(low * denominator) + 1
        value = sympy.Rational(candidate, denominator)
        if sign_at(value - low) == 1 and sign_at(high - value) == 1:
            return value
    raise ValueError("no rational found between two close roots")


def _line_points(symbol: sympy.Symbol, roots: Sequence[sympy.Expr]) -> Iterator[sympy.Expr]:
    """Every root, and a rational point in each open interval the roots cut the line into."""
    ends: list[sympy.Expr | None] = [None, *roots, None]
    for low, high in itertools.pairwise(ends):
        yield _between(low, high)
        if high is not None:
            yield high
    if symbol.is_nonnegative:
        yield sympy.Integer(0)


def _integer_points(symbol: sympy.Symbol, roots: Sequence[sympy.Expr]) -> Iterator[sympy.Expr]:
    """For an integer symbol: integers next to each root and past the last."""
    start = 0 if symbol.is_nonnegative else None
    for root in roots:
        base = sympy.floor(root)
        yield from (base - 1, base, base + 1, base + 2)
    last = max((sympy.ceiling(r) for r in roots), default=start or 0)
    yield from (last + 1, last + 2)
    if start is not None:
        yield sympy.Integer(1) if symbol.is_positive else sympy.Integer(0)


def _completed(
    at: Point, within: Sequence[SideCondition], symbols: Sequence[sympy.Symbol]
) -> dict[sympy.Symbol, sympy.Expr] | None:
    """The point with every other symbol given a grid value, such that ``within`` holds
    there (the other side is defined); None when no grid value does."""
    missing = [s for s in symbols if s not in at]
    choices = [[v for v in LINE_VALUES if in_domain(s, v)] for s in missing]
    for values in itertools.product(*choices):
        point = {**at, **dict(zip(missing, values, strict=True))}
        if all_hold(within, point) is not False:
            return {s: point[s] for s in symbols if s in point} | {
                s: v for s, v in point.items() if s not in symbols
            }
    return None


def _one_variable(
    condition: SideCondition,
    symbol: sympy.Symbol,
    fixed: Point,
    within: Sequence[SideCondition],
    symbols: Sequence[sympy.Symbol],
) -> Definedness:
    """Decide one condition in one free variable (the others ``fixed``)."""
    expr = condition.expr.xreplace(dict(fixed))
    found = _real_roots(expr, symbol)
    if found is None:
        return UNDECIDED
    roots, complete = found
    points = _integer_points(symbol, roots) if symbol.is_integer else _line_points(symbol, roots)
    local = SideCondition(condition.kind, expr)
    irrational: tuple[float, bool, str] | None = None  # the failing point nearest 0, named
    for value in points:
        if not value.is_real or not in_domain(symbol, value):
            continue
        if condition_at(local, {symbol: value}) is not False:
            continue
        at = _completed({**fixed, symbol: value}, within, symbols)
        if at is None:
            continue  # the other side is not defined there either
        if value.is_Rational:
            return Definedness(False, at, condition)
        named = ", ".join(
            f"{s} = {format_rational(v) if v.is_Rational else v}" for s, v in at.items()
        )
        key = (abs(float(sympy.N(value))), bool(value.is_negative), named)
        irrational = key if irrational is None else min(irrational, key)
    if irrational is not None:
        return Definedness(False, None, condition, irrational[2])
    return Definedness(complete and not fixed)


def _search(
    condition: SideCondition, symbols: Sequence[sympy.Symbol], within: Sequence[SideCondition]
) -> Definedness:
    """A condition in several variables: each variable in turn free, the others on a grid."""
    free = [s for s in symbols if s in condition.expr.free_symbols]
    irrational: Definedness | None = None
    for symbol in free:
        others = [s for s in free if s is not symbol]
        for values in itertools.product(LINE_VALUES, repeat=len(others)):
            fixed = dict(zip(others, values, strict=True))
            if not all(in_domain(s, v) for s, v in fixed.items()):
                continue
            found = _one_variable(condition, symbol, fixed, within, symbols)
            if found.point is not None:
                return found
            if found.irrational is not None and irrational is None:
                irrational = found
    return irrational or UNDECIDED


def definedness(
    conditions: Sequence[SideCondition],
    symbols: Sequence[sympy.Symbol],
    within: Sequence[SideCondition] = (),
) -> Definedness:
    """Do the conditions hold on the whole domain of ``symbols`` (where ``within`` holds)?"""
    known = {(c.kind, c.expr) for c in within}
    outcome = Definedness(True)
    for condition in conditions:
        if (condition.kind, condition.expr) in known or condition.holds():
            continue
        free = [s for s in symbols if s in condition.expr.free_symbols]
        if not condition.expr.free_symbols - set(symbols) and len(free) == 1:
            found = _one_variable(condition, free[0], {}, within, symbols)
        elif not free:
            holds = condition_at(condition, {})
            found = Definedness(True) if holds else UNDECIDED
            if holds is False:
                found = Definedness(False, {}, condition)
        else:
            found = _search(condition, symbols, within)
        if found.point is not None:
            return found
        if outcome.holds or (outcome.irrational is None and found.irrational is not None):
            outcome = found
    return outcome


# The functions whose side conditions ``side_conditions`` knows (none, for most of them).
_KNOWN = (sympy.exp, sympy.log, sympy.sin, sympy.cos, sympy.tan, sympy.Abs, Guard)


def only_known_functions(expr: sympy.Basic) -> bool:
    """Every function in the expression is one whose natural domain is known."""
    return all(isinstance(f, _KNOWN) for f in expr.atoms(sympy.Function))


def both_definedness(
    first: sympy.Expr, second: sympy.Expr, symbols: Sequence[sympy.Symbol]
) -> Definedness:
    """Do the two expressions have the same natural domain on the symbols' domain?  Holds
    when each one's conditions hold wherever the other's do (the same conditions, or all of
    them everywhere); a point where only one of them is defined otherwise."""
    if not (only_known_functions(first) and only_known_functions(second)):
        return UNDECIDED
    one, two = side_conditions(first), side_conditions(second)
    ahead = definedness(one, symbols, two)
    if ahead.point is not None:
        return ahead
    back = definedness(two, symbols, one)
    if back.point is not None or (ahead.holds and back.holds):
        return back
    if ahead.irrational is not None:
        return ahead
    return back if back.irrational is not None else UNDECIDED


def within_domain(
    outcome: Outcome, expr: sympy.Expr, symbols: Sequence[sympy.Symbol], what: str = "bound"
) -> Outcome:
    """An outcome for a claim about ``expr`` on the whole domain, made honest about where
    ``expr`` is defined: a refutation stands (it is at a point where the claim is defined and
    false); where a side condition fails at some point of the domain, rational or not, the
    claim says nothing there (``undecided``, naming the point); a proof stands only when every
    side condition is shown to hold on the whole domain."""
    if outcome.verdict is Verdict.REFUTED:
        return outcome
    domain = definedness(side_conditions(expr), symbols)
    if domain.failing is not None and (domain.point is not None or domain.irrational):
        if outcome.verdict is Verdict.UNDECIDED:
            return outcome  # already undecided (it names a point where the value is not real)
        kind = "" if domain.point is not None else " (an irrational point)"
        return undecided(
            "exact root isolation of the side conditions",
            f"the {what} is not defined at {domain.where()}{kind}: "
            f"{domain.failing.describe()} fails there, so the claim says nothing there",
        )
    if outcome.verdict is Verdict.PROVED and not domain.holds:
        return checked(
            outcome.method,
            f"{outcome.evidence}; not proved on the whole domain: where the {what} is defined "
            "(its side conditions) is not decided",
        )
    return outcome
