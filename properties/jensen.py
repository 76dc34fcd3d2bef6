"""Convex functions with exact gradients, and the averaged-iterate properties of Q3.3.

An instance is a function f on R^d, points w_1..w_T and a comparator w*; with the average
w_bar = (1/T) sum w_t and avg_gap = (1/T) sum <w_t - w*, grad f(w_t)>:

- ``jensen_holds``: f(w_bar) <= (1/T) sum f(w_t);
- ``first_order_holds``: f(w_t) - f(w*) <= <w_t - w*, grad f(w_t)> for every t;
- ``average_gap_holds``: f(w_bar) - f(w*) <= avg_gap (the two chained).

Families (convex on R^d; their convexity is checked symbolically in ``proofs.jensen``):
affine, PSD quadratic (1/2)||B w||^2 + <c, w> (A = B^T B), max of affines (with a
subgradient: the gradient of a maximal piece), Huber of an affine form, exp of an affine form,
softplus of an affine form, log-sum-exp of affine forms, and positive sums of these.
Nonconvex functions for the teeth tests: -||w||^2 and sin of an affine form.

Arithmetic is exact (``Fraction``) for affine, quadratic, max-affine, Huber, -||w||^2 and
their sums; exp, softplus, log-sum-exp and sin are computed in floating point, and there a
comparison allows ``TOLERANCE`` times the size of the terms compared (see ``exceeds``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

from hypothesis import strategies as st

from properties.regret import RunVectors, Vector, rationals, runs_of, vector_lists, vectors

Number = Fraction | float
Point = tuple[Number, ...]

# Float families: inputs are rationals with |coordinate| <= 60, d <= 6 and inner coefficients
# |c_i| <= 1, so every exponent is below 400 and nothing overflows.  Each float operation has
# relative error <= 2^-53 ~ 1.1e-16 (exp, log1p: within an ulp or two), and a compared
# quantity is a sum of at most T + d + 4 <= 50 such results, so its absolute error is below
# 50 * 2^-52 * (sum of the magnitudes of its terms) < 1.2e-14 * scale.  A tolerance of 1e-9 *
# scale leaves a factor 10^5 of margin; the violations of the nonconvex functions of the teeth
# tests are of order 1.
TOLERANCE = 1e-9


class Function(Protocol):
    """f: R^d -> R with a (sub)gradient; ``exact`` when it computes in Fractions only."""

    @property
    def exact(self) -> bool: ...

    def value(self, w: Point) -> Number: ...

    def gradient(self, w: Point) -> Point: ...

    def text(self) -> str: ...


def _dot(x: Sequence[Number], y: Sequence[Number]) -> Number:
    total: Number = Fraction(0)
    for a, b in zip(x, y, strict=True):
        total += a * b
    return total


def _scaled(vector: Sequence[Number], factor: Number) -> Point:
    return tuple(factor * x for x in vector)


def _linear_text(c: Sequence[Fraction], b: Fraction) -> str:
    """<c, w> + b as an expression in w1..wd: ``w1 - 1/2*w3 + 2``."""
    terms = [(x, f"w{i + 1}") for i, x in enumerate(c) if x != 0]
    if b != 0 or not terms:
        terms.append((b, ""))
    text = ""
    for x, name in terms:
        size, negative = abs(x), x < 0
        shown = str(size) if not name else (name if size == 1 else f"{size}*{name}")
        sign = ("-" if negative else "") if not text else (" - " if negative else " + ")
        text += sign + shown
    return text


@dataclass(frozen=True)
class Affine:
    """<c, w> + b."""

    c: Vector
    b: Fraction = Fraction(0)
    exact = True

    def value(self, w: Point) -> Number:
        return _dot(self.c, w) + self.b

    def gradient(self, w: Point) -> Point:
        return self.c

    def text(self) -> str:
        return _linear_text(self.c, self.b)


@dataclass(frozen=True)
class Quadratic:
    """(1/2)||B w||^2 + <c, w>: Hessian B^T B, positive semidefinite."""

    rows: tuple[Vector, ...]
    c: Vector
    exact = True

    def value(self, w: Point) -> Number:
        return sum((_dot(row, w) ** 2 for row in self.rows), Fraction(0)) / 2 + _dot(self.c, w)

    def gradient(self, w: Point) -> Point:
        bw = [_dot(row, w) for row in self.rows]
        return tuple(
            sum((row[i] * bw[k] for k, row in enumerate(self.rows)), Fraction(0)) + self.c[i]
            for i in range(len(self.c))
        )

    def text(self) -> str:
        squares = " + ".join(f"({_linear_text(row, Fraction(0))})**2" for row in self.rows)
        linear = _linear_text(self.c, Fraction(0))
        return f"({squares})/2" + ("" if linear == "0" else f" + {linear}")


@dataclass(frozen=True)
class MaxAffine:
    """max_k (<a_k, w> + b_k), with the gradient of a maximal piece as subgradient."""

    pieces: tuple[Affine, ...]
    exact = True

    def _top(self, w: Point) -> Affine:
        return max(self.pieces, key=lambda piece: piece.value(w))

    def value(self, w: Point) -> Number:
        return self._top(w).value(w)

    def gradient(self, w: Point) -> Point:
        return self._top(w).c

    def text(self) -> str:
        return "max(" + ", ".join(piece.text() for piece in self.pieces) + ")"


@dataclass(frozen=True)
class Huber:
    """h(z), z = <c, w> + b: z^2/2 for |z| <= delta, else delta (|z| - delta/2)."""

    inner: Affine
    delta: Fraction
    exact = True

    def value(self, w: Point) -> Number:
        z = self.inner.value(w)
        size = max(z, -z)
        return z * z / 2 if size <= self.delta else self.delta * (size - self.delta / 2)

    def gradient(self, w: Point) -> Point:
        z = self.inner.value(w)
        clipped = max(-self.delta, min(self.delta, z))
        return _scaled(self.inner.c, clipped)

    def text(self) -> str:
        return f"huber_{self.delta}({self.inner.text()})"


@dataclass(frozen=True)
class ExpAffine:
    """exp(<c, w> + b) (floating point)."""

    inner: Affine
    exact = False

    def value(self, w: Point) -> Number:
        return math.exp(self.inner.value(w))

    def gradient(self, w: Point) -> Point:
        return _scaled(self.inner.c, math.exp(self.inner.value(w)))

    def text(self) -> str:
        return f"exp({self.inner.text()})"


def _softplus(z: float) -> float:
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


@dataclass(frozen=True)
class Softplus:
    """log(1 + exp(<c, w> + b)) (floating point)."""

    inner: Affine
    exact = False

    def value(self, w: Point) -> Number:
        return _softplus(float(self.inner.value(w)))

    def gradient(self, w: Point) -> Point:
        return _scaled(self.inner.c, _sigmoid(float(self.inner.value(w))))

    def text(self) -> str:
        return f"log(1 + exp({self.inner.text()}))"


@dataclass(frozen=True)
class LogSumExp:
    """log sum_k exp(<a_k, w> + b_k) (floating point, shifted by the maximum)."""

    pieces: tuple[Affine, ...]
    exact = False

    def _weights(self, w: Point) -> tuple[float, list[float]]:
        zs = [float(piece.value(w)) for piece in self.pieces]
        top = max(zs)
        return top, [math.exp(z - top) for z in zs]

    def value(self, w: Point) -> Number:
        top, weights = self._weights(w)
        return top + math.log(math.fsum(weights))

    def gradient(self, w: Point) -> Point:
        _, weights = self._weights(w)
        total = math.fsum(weights)
        d = len(self.pieces[0].c)
        return tuple(
            math.fsum(weights[k] / total * float(piece.c[i]) for k, piece in enumerate(self.pieces))
            for i in range(d)
        )

    def text(self) -> str:
        return "log(" + " + ".join(f"exp({piece.text()})" for piece in self.pieces) + ")"


@dataclass(frozen=True)
class PositiveSum:
    """sum_k a_k f_k with a_k > 0."""

    terms: tuple[tuple[Fraction, Function], ...]

    @property
    def exact(self) -> bool:
        return all(f.exact for _, f in self.terms)

    def value(self, w: Point) -> Number:
        total: Number = Fraction(0)
        for a, f in self.terms:
            total += a * f.value(w)
        return total

    def gradient(self, w: Point) -> Point:
        out: Point = tuple(Fraction(0) for _ in w)
        for a, f in self.terms:
            out = tuple(x + a * y for x, y in zip(out, f.gradient(w), strict=True))
        return out

    def text(self) -> str:
        return " + ".join(f"({a})*({f.text()})" for a, f in self.terms)


@dataclass(frozen=True)
class NegativeSquaredNorm:
    """-||w||^2: concave, for the teeth tests."""

    exact = True

    def value(self, w: Point) -> Number:
        return -_dot(w, w)

    def gradient(self, w: Point) -> Point:
        return _scaled(w, -2)

    def text(self) -> str:
        return "-||w||^2"


@dataclass(frozen=True)
class SineAffine:
    """sin(<c, w> + b): neither convex nor concave, for the teeth tests (floating point)."""

    inner: Affine
    exact = False

    def value(self, w: Point) -> Number:
        return math.sin(self.inner.value(w))

    def gradient(self, w: Point) -> Point:
        return _scaled(self.inner.c, math.cos(self.inner.value(w)))

    def text(self) -> str:
        return f"sin({self.inner.text()})"


# --- instances and properties -----------------------------------------------------------------


@dataclass(frozen=True)
class GapInstance:
    f: Function
    points: tuple[Vector, ...]
    wstar: Vector

    @property
    def T(self) -> int:
        """T (``RunVectors`` may hold more points than ``len`` can return)."""
        return self.points.total if isinstance(self.points, RunVectors) else len(self.points)


@dataclass(frozen=True)
class GapSummary:
    """The quantities of Q3.3 for one instance (exact when ``exact``)."""

    exact: bool
    T: int
    average: Point
    value_at_average: Number
    mean_value: Number
    value_at_wstar: Number
    gaps: tuple[Number, ...]  # f(w_t) - f(w*), one per run of equal points
    slopes: tuple[Number, ...]  # <w_t - w*, grad f(w_t)>, one per run of equal points
    slope_sum: Number  # sum over all T points
    scale: float  # the size of the terms compared, for the float tolerance

    @property
    def lhs(self) -> Number:
        """f(w_bar) - f(w*)."""
        return self.value_at_average - self.value_at_wstar

    @property
    def avg_gap(self) -> Number:
        return self.slope_sum / self.T


def summarize_gap(instance: GapInstance) -> GapSummary:
    """One pass over the points; a run of equal points is evaluated once and counted."""
    f, points, wstar = instance.f, instance.points, instance.wstar
    T, d = instance.T, len(wstar)
    at_wstar = f.value(wstar)
    sums: list[Number] = [Fraction(0)] * d
    value_sum: Number = Fraction(0)
    slopes: list[Number] = []
    gaps: list[Number] = []
    slope_sum: Number = Fraction(0)
    size = abs(float(at_wstar))
    for count, p in runs_of(points):  # in closed form for ``RunVectors``: T may be huge
        value = f.value(p)
        terms = [(a - b) * g for a, b, g in zip(p, wstar, f.gradient(p), strict=True)]
        slope: Number = sum(terms, Fraction(0))
        sums = [total + count * p[i] for i, total in enumerate(sums)]
        value_sum += count * value
        slopes.append(slope)
        gaps.append(value - at_wstar)
        slope_sum += count * slope
        size += count * (abs(float(value)) + sum(abs(float(t)) for t in terms))
    average = tuple(total / T for total in sums)
    at_average = f.value(average)
    return GapSummary(
        exact=f.exact,
        T=T,
        average=average,
        value_at_average=at_average,
        mean_value=value_sum / T,
        value_at_wstar=at_wstar,
        gaps=tuple(gaps),
        slopes=tuple(slopes),
        slope_sum=slope_sum,
        scale=1 + size + abs(float(at_average)),
    )


def exceeds(x: Number, y: Number, summary: GapSummary) -> bool:
    """x > y: exactly for exact functions, beyond the float tolerance otherwise."""
    if summary.exact:
        return x > y
    return float(x) - float(y) > TOLERANCE * summary.scale


def jensen_holds(instance: GapInstance) -> bool:
    s = summarize_gap(instance)
    return not exceeds(s.value_at_average, s.mean_value, s)


def first_order_holds(instance: GapInstance) -> bool:
    s = summarize_gap(instance)
    return not any(exceeds(g, s.slopes[i], s) for i, g in enumerate(s.gaps))


def average_gap_holds(instance: GapInstance) -> bool:
    s = summarize_gap(instance)
    return not exceeds(s.lhs, s.avg_gap, s)


def fails(prop: Callable[[GapInstance], bool]) -> Callable[[GapInstance], bool]:
    """The search predicate of a property."""
    return lambda instance: not prop(instance)


# --- strategies -------------------------------------------------------------------------------

MAX_D = 6
MAX_T = 40


@functools.cache
def coefficients(d: int) -> st.SearchStrategy[Vector]:
    """Inner coefficients |c_i| <= 1 (keeps exp and softplus far from overflow)."""
    return st.tuples(*(rationals(6, 6) for _ in range(d))).map(
        lambda c: tuple(max(Fraction(-1), min(Fraction(1), x)) for x in c)
    )


@functools.cache
def affine(d: int, small: bool = False) -> st.SearchStrategy[Affine]:
    c = coefficients(d) if small else st.tuples(*(rationals(12, 4) for _ in range(d)))
    return st.builds(Affine, c, rationals(8, 4))


@functools.cache
def quadratic(d: int) -> st.SearchStrategy[Quadratic]:
    rows = st.integers(1, d + 1).flatmap(lambda k: vector_lists(k, d, bound=4))
    return st.builds(Quadratic, rows, st.tuples(*(rationals(8, 4) for _ in range(d))))


@functools.cache
def max_affine(d: int) -> st.SearchStrategy[MaxAffine]:
    return st.lists(affine(d), min_size=1, max_size=4).map(lambda ps: MaxAffine(tuple(ps)))


@functools.cache
def huber(d: int) -> st.SearchStrategy[Huber]:
    return st.builds(Huber, affine(d), st.builds(Fraction, st.integers(1, 20), st.integers(1, 4)))


@functools.cache
def exp_affine(d: int) -> st.SearchStrategy[ExpAffine]:
    return st.builds(ExpAffine, affine(d, small=True))


@functools.cache
def softplus(d: int) -> st.SearchStrategy[Softplus]:
    return st.builds(Softplus, affine(d, small=True))


@functools.cache
def log_sum_exp(d: int) -> st.SearchStrategy[LogSumExp]:
    return st.lists(affine(d, small=True), min_size=1, max_size=4).map(
        lambda ps: LogSumExp(tuple(ps))
    )


EXACT_FAMILIES = (affine, quadratic, max_affine, huber)
FLOAT_FAMILIES = (exp_affine, softplus, log_sum_exp)


@functools.cache
def convex_functions(d: int, exact_only: bool = False) -> st.SearchStrategy[Function]:
    """One of the convex families on R^d, or a positive sum of two of them."""
    families = EXACT_FAMILIES if exact_only else EXACT_FAMILIES + FLOAT_FAMILIES
    single: st.SearchStrategy[Function] = st.one_of(*(family(d) for family in families))
    weight = st.builds(Fraction, st.integers(1, 8), st.integers(1, 4))
    pair = st.tuples(st.tuples(weight, single), st.tuples(weight, single)).map(
        lambda terms: PositiveSum(terms)
    )
    return st.one_of(single, pair)


@st.composite
def gap_instances(
    draw: st.DrawFn,
    functions: Callable[[int], st.SearchStrategy[Function]] = convex_functions,
    max_d: int = MAX_D,
    max_t: int = MAX_T,
) -> GapInstance:
    """Random points; w* random (so avg_gap may be negative) or one of the points."""
    d = draw(st.integers(1, max_d))
    T = draw(st.integers(1, max_t))
    f = draw(functions(d))
    points = draw(vector_lists(T, d, bound=60))
    wstar = points[draw(st.integers(0, T - 1))] if draw(st.booleans()) else draw(vectors(d))
    return GapInstance(f, points, wstar)
