"""Q3.2: the regret identity of online gradient descent, its bound, and claimed bounds.

Online gradient descent starts at w_1 = 0 and steps w_{t+1} = w_t - eta*v_t (eta > 0).  With
R = ||w*||^2/(2 eta) + (eta/2) sum_t ||v_t||^2 (the reference bound):

    sum_{t=1..T} <w_t - w*, v_t> = R - ||w_{T+1} - w*||^2/(2 eta).

Norms and inner products are sums over coordinates of the same scalar expressions, so every
step below is checked per coordinate (x_t = w_t,i - w*_i) and holds in every dimension d.

Main results:

- ``prove_one_step_identity``: x_{t+1}^2 = x_t^2 - 2 eta x_t v_t + eta^2 v_t^2 (SymPy).
- ``prove_regret_identity_by_induction``: base case T = 1 and the step T -> T + 1 of the
  identity (SymPy), so it holds for every T; with x_1 = -w*_i it is the identity above.
- ``prove_bound_with_equality``: hence sum <w_t - w*, v_t> <= R, with equality iff
  w* = w_{T+1}.
- ``prove_origin_identity``: for w_1 = 0, sum <w_t, v_t> = -(eta/2)||sum v_t||^2
  + (eta/2) sum ||v_t||^2 (induction, SymPy), and it gives the identity back.
- ``prove_explicit_cases``: the identity with fully symbolic vectors, d = 2, T = 1..3.
- ``prove_supremum``: the exact supremum S(eta, T, a, b) of the regret over all instances
  with ||w*||^2 = a and sum ||v_t||^2 = b: S = R - dist(sqrt(a), [L, eta sqrt(T b)])^2/(2 eta)
  with L = eta sqrt(b) for T = 1 and L = 0 for T >= 2 (Cauchy-Schwarz by induction, the
  distance step by z3, attainment by explicit families).
- ``decide_bound``: a claimed bound B(eta, T, wstar_sq, sum_v_sq) is proved when B >= R, or
  B >= S, on the whole domain (SymPy or z3); refuted by an exact instance whose regret
  exceeds B (found where the bound is tight: candidate parameters where B < S, realized by the
  attaining families, then a hypothesis search); otherwise checked or undecided.

The z3 translation and the exact comparison of a bound at a point are shared with Q3.3.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeVar

import mpmath
import sympy
import z3

from hw2check.domain import within_domain
from hw2check.equality import (
    affordable,
    certified_sign,
    is_symbolically_zero,
    not_real,
    show,
    surely_defined,
)
from hw2check.expressions import UNDEFINED, format_rational
from hw2check.intervals import negative_point
from hw2check.ledger import (
    Check,
    Derivation,
    Outcome,
    Row,
    Verdict,
    checked,
    proved,
    refuted,
    undecided,
)
from hw2check.sheet import SYMBOLS, Expression, Sheet
from hw2check.solver import own_z3_context
from hw2check.topics import Settings
from properties.regret import (
    RegretInstance,
    RegretSummary,
    RunVectors,
    instances,
    runs_of,
    summarize,
)
from properties.search import search

ETA, T, WSTAR_SQ, SUM_V_SQ = (SYMBOLS[name] for name in ("eta", "T", "wstar_sq", "sum_v_sq"))
REFERENCE = WSTAR_SQ / (2 * ETA) + ETA / 2 * SUM_V_SQ


# The limit of each small z3 lemma when no settings are given (``python -m``, tests); the
# command passes ``settings.solver_timeout_ms``.
SOLVER_MS = 5000


# Each z3 query on a claimed bound gets at most this long (and a quarter of the check's
# limit): a claim's row must be decided in a few seconds, and a query z3 cannot settle by
# then is rarely settled at all (the search and the exact instances still run after it).
CLAIM_SOLVER_MS = 1500


def claim_solver_budget(timeout_ms: int) -> int:
    """The limit of one z3 query on a claimed bound (up to three share a check's time)."""
    return max(100, min(timeout_ms // 4, CLAIM_SOLVER_MS))


class SolverUnknown(Exception):
    """z3 answered unknown (or reached its time limit) on a lemma."""


def identically_zero(expression: sympy.Expr) -> bool:
    return bool(sympy.cancel(sympy.expand(expression)) == 0)


def unsat(*constraints: Any, timeout_ms: int = SOLVER_MS) -> bool:
    """The constraints have no solution (z3); ``SolverUnknown`` when z3 cannot tell."""
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(*constraints)
    answer = solver.check()
    if answer == z3.unknown:
        raise SolverUnknown(solver.reason_unknown())
    return bool(answer == z3.unsat)


# --- the identity -------------------------------------------------------------------------

_x, _v, _x1, _Q, _V, _w = sympy.symbols("x v x_1 Q V w_star", real=True)


def prove_one_step_identity() -> Derivation:
    """One coordinate, x = w_t,i - w*_i: the update and the rearranged identity."""
    x_next = _x - ETA * _v
    return Derivation(
        (
            (
                "x_{t+1} = x_t - eta v_t, so x_{t+1}^2 = x_t^2 - 2 eta x_t v_t + eta^2 v_t^2",
                identically_zero(x_next**2 - (_x**2 - 2 * ETA * _x * _v + ETA**2 * _v**2)),
            ),
            (
                "x_t v_t = (x_t^2 - x_{t+1}^2)/(2 eta) + (eta/2) v_t^2",
                identically_zero(_x * _v - ((_x**2 - x_next**2) / (2 * ETA) + ETA / 2 * _v**2)),
            ),
        )
    )


def _regret_rhs(x_last: sympy.Expr, squares: sympy.Expr) -> sympy.Expr:
    """(x_1^2 - x_{T+1}^2)/(2 eta) + (eta/2) sum v_t^2, one coordinate."""
    return (_x1**2 - x_last**2) / (2 * ETA) + ETA / 2 * squares


def prove_regret_identity_by_induction() -> Derivation:
    """P(T): sum_{t<=T} x_t v_t = (x_1^2 - x_{T+1}^2)/(2 eta) + (eta/2) sum_{t<=T} v_t^2."""
    base = identically_zero(_x1 * _v - _regret_rhs(_x1 - ETA * _v, _v**2))
    # Step: L = sum_{t<=T} x_t v_t, Q = sum_{t<=T} v_t^2, x = x_{T+1}; assume P(T), i.e.
    # L = rhs(x, Q), add the term x v and the square v^2, with x_{T+2} = x - eta v.
    step = identically_zero(_regret_rhs(_x, _Q) + _x * _v - _regret_rhs(_x - ETA * _v, _Q + _v**2))
    # Back to vectors: x_1 = -w*_i (w_1 = 0) and x_{T+1} = w_{T+1,i} - w*_i, in every coordinate.
    summed = identically_zero(
        _regret_rhs(_x - _w, _Q).subs(_x1, -_w)
        - (_w**2 / (2 * ETA) + ETA / 2 * _Q - (_x - _w) ** 2 / (2 * ETA))
    )
    return Derivation(
        (
            ("base T = 1: x_1 v_1 = (x_1^2 - x_2^2)/(2 eta) + (eta/2) v_1^2", base),
            ("step: P(T) and x_{T+2} = x_{T+1} - eta v_{T+1} give P(T + 1)", step),
            (
                "sum over coordinates with x_1 = -w*_i (w_1 = 0): sum <w_t - w*, v_t> = "
                "||w*||^2/(2 eta) + (eta/2) sum ||v_t||^2 - ||w_{T+1} - w*||^2/(2 eta)",
                summed,
            ),
        )
    )


def prove_bound_with_equality() -> Derivation:
    """R - regret = ||w_{T+1} - w*||^2/(2 eta) >= 0, zero iff w* = w_{T+1}."""
    distance_sq = sympy.Symbol("D", nonnegative=True)  # ||w_{T+1} - w*||^2
    regret = REFERENCE - distance_sq / (2 * ETA)
    gap = sympy.cancel(REFERENCE - regret)
    return Derivation(
        (
            (
                f"R - regret = {gap} with D = ||w_(T+1) - w*||^2",
                identically_zero(gap - distance_sq / (2 * ETA)),
            ),
            ("which is >= 0 since D >= 0 and eta > 0", bool(gap.is_nonnegative)),
            (
                "so regret <= R, with equality iff D = 0, i.e. w* = w_(T+1)",
                sympy.solve(sympy.Eq(gap, 0), distance_sq) == [0],
            ),
        )
    )


def prove_origin_identity() -> Derivation:
    """For w_1 = 0: sum <w_t, v_t> = -(eta/2)||V||^2 + (eta/2) Q, V = sum v_t, Q = sum ||v_t||^2."""

    def rhs(total: sympy.Expr, squares: sympy.Expr) -> sympy.Expr:
        return -ETA / 2 * total**2 + ETA / 2 * squares

    base = identically_zero(0 * _v - rhs(_v, _v**2))  # w_1 = 0
    # Step: w_{T+1} = -eta V_T per coordinate; add w_{T+1} v, V -> V + v, Q -> Q + v^2.
    step = identically_zero(rhs(_V, _Q) + (-ETA * _V) * _v - rhs(_V + _v, _Q + _v**2))
    # Back to the regret: sum <w_t - w*, v_t> = sum <w_t, v_t> - <w*, V>, w_{T+1} = -eta V.
    back = identically_zero(
        rhs(_V, _Q)
        - _w * _V
        - (_w**2 / (2 * ETA) + ETA / 2 * _Q - (-ETA * _V - _w) ** 2 / (2 * ETA))
    )
    return Derivation(
        (
            ("base T = 1: <w_1, v_1> = 0 = -(eta/2)||v_1||^2 + (eta/2)||v_1||^2", base),
            ("step: w_{T+1} = -eta sum_{t<=T} v_t gives P(T) => P(T + 1)", step),
            (
                "subtracting <w*, sum v_t> with w_{T+1} = -eta sum v_t gives the regret identity",
                back,
            ),
        )
    )


def prove_explicit_cases(dimension: int = 2, max_t: int = 3) -> Derivation:
    """The vector identity with every coordinate symbolic, for small d and T."""
    steps = []
    # A polynomial identity: the symbols need no assumptions (transposes, not conjugates).
    wstar = sympy.Matrix(sympy.symbols(f"ws1:{dimension + 1}"))
    for horizon in range(1, max_t + 1):
        vs = [sympy.Matrix(sympy.symbols(f"v{t}_1:{dimension + 1}")) for t in range(1, horizon + 1)]
        w = sympy.zeros(dimension, 1)
        regret = sympy.Integer(0)
        for v in vs:
            regret += ((w - wstar).T * v)[0]
            w = w - ETA * v
        squares = sympy.Add(*((v.T * v)[0] for v in vs))
        claim = (
            (wstar.T * wstar)[0] / (2 * ETA)
            + ETA / 2 * squares
            - ((w - wstar).T * (w - wstar))[0] / (2 * ETA)
        )
        steps.append(
            (
                f"d = {len(wstar)}, T = {len(vs)}: identity with symbolic vectors",
                identically_zero(regret - claim),
            )
        )
    return Derivation(tuple(steps))


# The parts of the theorem, each with its heading (the row's evidence and ``main``).
THEOREM_PARTS: tuple[tuple[str, Callable[[], Derivation]], ...] = (
    ("One coordinate:", prove_one_step_identity),
    ("Induction on T:", prove_regret_identity_by_induction),
    ("The bound:", prove_bound_with_equality),
    ("The identity from the origin:", prove_origin_identity),
    ("Explicit symbolic vectors:", prove_explicit_cases),
)


def in_one_line(heading: str, derivation: Derivation) -> str:
    return f"{heading} " + "; ".join(step for step, _ in derivation.steps) + "."


def prove_regret_identity(
    parts: Sequence[tuple[str, Callable[[], Derivation]]] = THEOREM_PARTS,
) -> Outcome:
    """The theorem row: every step of every part verified (``parts``: a test may pass others)."""
    derived = [(heading, prove()) for heading, prove in parts]
    if not all(derivation.holds for _, derivation in derived):
        return undecided(
            "SymPy",
            "a step of the derivation did not verify:\n"
            + "\n".join(f"{heading}\n{derivation.text()}" for heading, derivation in derived),
        )
    return proved(
        "SymPy: one-step identity per coordinate, induction on T (base and step)",
        " ".join(in_one_line(heading, derivation) for heading, derivation in derived),
    )


# --- the exact supremum over instances with given parameters --------------------------------

_n, _m, _p, _mu, _e = sympy.symbols("n m p mu e", real=True)
_s, _q, _c = sympy.symbols("s q c", nonnegative=True)
_horizon = sympy.Symbol("T", positive=True)
_t = sympy.Symbol("t", integer=True, positive=True)


def prove_supremum(timeout_ms: int = SOLVER_MS) -> Derivation:
    """sup of the regret over instances with ||w*||^2 = a, sum ||v_t||^2 = b is S(eta, T, a, b).

    By the identity, regret = R - ||w_{T+1} - w*||^2/(2 eta), and ||w_{T+1}|| = eta ||sum v_t||
    lies in [L, U] with U = eta sqrt(T b) (Cauchy-Schwarz) and L = eta sqrt(b) for T = 1, 0 for
    T >= 2; by the reverse triangle inequality ||w_{T+1} - w*|| >= dist(sqrt(a), [L, U]).
    The families of ``realize`` attain it.
    """
    horizon = _horizon
    # Cauchy-Schwarz ||V_T||^2 <= T Q_T by induction: n = ||V||^2, p = <V, v>, m = ||v||^2.
    per_coordinate = identically_zero(
        _V**2 / horizon + horizon * _v**2 - 2 * _V * _v - (_V - horizon * _v) ** 2 / horizon
    )
    step = identically_zero(
        (horizon + 1) * (_Q + _m)
        - (_n + 2 * _p + _m)
        - (
            (horizon * _Q - _n)
            + (_n / horizon + horizon * _m - 2 * _p)
            + (horizon * _Q - _n) / horizon
        )
    )
    s, r, low, high = z3.Reals("s r L U")
    dist = z3.If(s > high, s - high, z3.If(s < low, low - s, 0))
    distance = unsat(
        s >= 0,
        low >= 0,
        low <= r,
        r <= high,
        (s - r) * (s - r) < dist * dist,
        timeout_ms=timeout_ms,
    )
    # Attainment.  T = 1: v_1 = c, w* = -s: regret <0 - w*, v_1> = s c,
    # and S = R - (s - eta c)^2/(2 eta).
    one = identically_zero(
        _s * _c - (_s**2 / (2 * ETA) + ETA / 2 * _c**2 - (_s - ETA * _c) ** 2 / (2 * ETA))
    )
    # v_t = c for every t and w* = -s with s >= eta T c: regret = sum_t (s - eta (t - 1) c) c.
    family = sympy.summation((_s - ETA * (_t - 1) * _c) * _c, (_t, 1, horizon))
    b = horizon * _c**2
    attained = identically_zero(
        family - (_s**2 / (2 * ETA) + ETA / 2 * b - (_s - ETA * horizon * _c) ** 2 / (2 * ETA))
    )
    # T >= 2: v = (mu + e, mu - e, mu, ..., mu) has sum T mu and squares T mu^2 + 2 e^2, so any
    # ||sum v_t|| in [0, sqrt(T b)] is reached; with w* = w_(T+1) the regret is R (the identity).
    mu, e = _mu, _e
    vs = [mu + e, mu - e] + [mu] * 3  # the T - 2 equal entries, checked for T = 5 and in general:
    total = identically_zero(sympy.Add(*vs) - 5 * mu)
    squares = identically_zero(sympy.Add(*(x**2 for x in vs)) - (5 * mu**2 + 2 * e**2))
    general = identically_zero(
        (horizon - 2) * mu**2 + (mu + e) ** 2 + (mu - e) ** 2 - (horizon * mu**2 + 2 * e**2)
    )
    return Derivation(
        (
            (
                "per coordinate 2 V v <= V^2/T + T v^2, since the difference is (V - T v)^2/T",
                per_coordinate,
            ),
            (
                "Cauchy-Schwarz by induction: ||V_T||^2 <= T Q_T and "
                "2<V, v> <= ||V||^2/T + T||v||^2 "
                "give ||V_T + v||^2 <= (T + 1)(Q_T + ||v||^2) (a sum of three nonnegative terms)",
                step,
            ),
            ("z3: for L <= r <= U and s >= 0, (s - r)^2 >= dist(s, [L, U])^2", distance),
            ("T = 1, v_1 = c, w* = -s: regret s c = R - (s - eta c)^2/(2 eta) = S", one),
            (
                "v_t = c for all t, w* = -s with s >= eta T c: regret = S for a >= eta^2 T b",
                attained,
            ),
            ("T = 5: v = (mu + e, mu - e, mu, mu, mu) has sum v_t = 5 mu", total),
            ("and sum v_t^2 = 5 mu^2 + 2 e^2", squares),
            (
                "T >= 2: v = (mu + e, mu - e, mu, ...) gives sum v_t = T mu and sum v_t^2 = "
                "T mu^2 + 2 e^2, so ||w_(T+1)|| takes any value in [0, U]; "
                "w* = w_(T+1): regret = R = S",
                general,
            ),
        )
    )


def supremum(eta: float, horizon: int, a: float, b: float) -> float:
    """S(eta, T, a, b) in floating point (used only to rank candidates, never to decide)."""
    s = math.sqrt(a)
    high = eta * math.sqrt(horizon * b)
    low = eta * math.sqrt(b) if horizon == 1 else 0.0
    dist = s - high if s > high else (low - s if s < low else 0.0)
    return a / (2 * eta) + eta * b / 2 - dist * dist / (2 * eta)


# --- shared machinery for claimed bounds: z3 translation, evaluation, exact comparison ---------


class Untranslatable(Exception):
    """The expression uses something z3's real arithmetic does not have (exp, log, sin...)."""


@dataclass(frozen=True)
class Z3Term:
    """A z3 term for an expression, the definitions of its fresh root variables, and the
    conditions under which the expression is a real number (nonzero denominators, roots of
    nonnegative numbers)."""

    value: Any
    side: tuple[Any, ...]
    defined: tuple[Any, ...]


MAX_Z3_POWER = 32


def to_z3(expression: sympy.Expr, env: Mapping[sympy.Symbol, Any]) -> Z3Term:
    side: list[Any] = []
    defined: list[Any] = []
    fresh = itertools.count()

    def power(base: Any, n: int) -> Any:
        if n > MAX_Z3_POWER:
            raise Untranslatable(f"power {n} too large for z3")
        out: Any = z3.RealVal(1)
        for _ in range(n):
            out = out * base
        return out

    def go(e: sympy.Expr) -> Any:
        if e.is_Symbol:
            if e not in env:
                raise Untranslatable(f"symbol {e}")
            return env[e]
        if e.is_Rational:
            return z3.Q(int(e.p), int(e.q))
        if e.is_Add:
            terms = [go(a) for a in e.args]
            return sum(terms[1:], terms[0])
        if e.is_Mul:
            factors = [go(a) for a in e.args]
            out = factors[0]
            for f in factors[1:]:
                out = out * f
            return out
        if e.is_Pow and e.exp.is_Rational:
            base = go(e.base)
            p, q = int(e.exp.p), int(e.exp.q)
            if q == 1:
                if p >= 0:
                    return power(base, p)
                defined.append(base != 0)
                return 1 / power(base, -p)
            root = z3.Real(f"root{next(fresh)}")
            ok = base > 0 if p < 0 else base >= 0
            defined.append(ok)
            relation = (
                power(root, q) * power(base, -p) == 1 if p < 0 else power(root, q) == power(base, p)
            )
            side.append(z3.Implies(ok, z3.And(root >= 0, relation)))
            return root
        if isinstance(e, sympy.Abs):
            a = go(e.args[0])
            return z3.If(a >= 0, a, -a)
        raise Untranslatable(type(e).__name__)

    return Z3Term(go(expression), tuple(side), tuple(defined))


@dataclass(frozen=True)
class SolverAnswer:
    """``holds``: the negation is unsat; otherwise a model (name -> Fraction) or the reason."""

    holds: bool
    model: Mapping[str, Fraction] | None
    reason: str
    undefined: bool = False  # the model is a point where the bound is not a real number


def _fraction(value: Any) -> Fraction:
    if z3.is_rational_value(value):
        return Fraction(int(value.numerator_as_long()), int(value.denominator_as_long()))
    if z3.is_algebraic_value(value):
        return _fraction(value.approx(20))
    raise ValueError(f"not a number: {value}")


def z3_never_below(
    bound: sympy.Expr,
    env: Mapping[sympy.Symbol, Any],
    domain: Sequence[Any],
    below: Callable[[Any], Any],
    timeout_ms: int,
    target: str,
) -> SolverAnswer:
    """Is there a point of ``domain`` where the bound is undefined or ``below(bound)`` holds?

    unsat means the bound is a real number >= the target on the whole domain.
    """
    try:
        term = to_z3(bound, env)
    except Untranslatable as error:
        return SolverAnswer(False, None, f"z3 cannot express the bound ({error})")
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(*domain, *term.side)
    solver.add(z3.Or(z3.Not(z3.And(True, *term.defined)), below(term.value)))
    answer = solver.check()
    if answer == z3.unsat:
        return SolverAnswer(True, None, "unsat")
    if answer == z3.unknown:
        return SolverAnswer(False, None, f"z3 answered unknown ({solver.reason_unknown()})")
    model = solver.model()
    values = {}
    for symbol, var in env.items():
        try:
            values[symbol.name] = _fraction(model.eval(var, model_completion=True))
        except ValueError:
            continue
    defined = z3.is_true(model.eval(z3.And(True, *term.defined), model_completion=True))
    where = ", ".join(f"{name} = {format_rational(v)}" for name, v in values.items())
    what = f"below {target}" if defined else "not a real number"
    return SolverAnswer(False, values, f"z3: at {where} the bound is {what}", not defined)


class FloatBound:
    """The claimed bound in floating point, to rank candidate points (never to decide)."""

    def __init__(self, bound: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> None:
        self._symbols = tuple(symbols)
        self._bound = bound
        self._function: Callable[..., Any] = sympy.lambdify(self._symbols, bound, modules="math")
        self._wide: Callable[..., Any] | None = None
        # Beyond the float range only algebraic bounds are evaluated (big powers are cheap in
        # mpmath; exp(exp(exp(T))) is not).
        self._algebraic = not (bound.atoms(sympy.Function) - bound.atoms(sympy.Abs))

    def __call__(self, *values: float) -> float | None:
        """The value, +-inf when beyond the float range (``avg_gap*(T + 2)**10000``: such a
        point is still worth an exact check), None where it is not a real number."""
        try:
            value = self._function(*values)
        except OverflowError:
            return self._beyond_floats(values)
        except (ArithmeticError, ValueError, TypeError):
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            return None
        return float(value)

    def _beyond_floats(self, values: Sequence[float]) -> float | None:
        """The sign of a value too large for floats, from mpmath (unbounded exponents)."""
        if not self._algebraic:
            return None
        if self._wide is None:
            self._wide = sympy.lambdify(self._symbols, self._bound, modules="mpmath")
        try:
            value = self._wide(*(mpmath.mpf(v) for v in values))
            if getattr(value, "imag", 0) != 0:
                return None
            real = mpmath.mpf(getattr(value, "real", value))
        except (ArithmeticError, ValueError, TypeError):
            return None
        if mpmath.isnan(real):
            return None
        if abs(real) > 1e300:
            return math.copysign(math.inf, float(mpmath.sign(real)))
        return float(real)


def exact_value(
    bound: sympy.Expr, point: Mapping[sympy.Symbol, Fraction | int]
) -> sympy.Expr | None:
    value = bound.xreplace(
        {
            s: sympy.Rational(Fraction(v).numerator, Fraction(v).denominator)
            for s, v in point.items()
        }
    )
    if value.has(*UNDEFINED, sympy.I):
        return None
    return value


def undefined_points(
    answers: Iterable[SolverAnswer], symbols: Sequence[sympy.Symbol]
) -> list[dict[sympy.Symbol, Fraction | int]]:
    """The points of the claim's domain (T a positive integer, eta > 0, squared norms >= 0) at
    which z3 found the bound not a real number, for ``undefined_at`` to confirm exactly."""
    points: list[dict[sympy.Symbol, Fraction | int]] = []
    for answer in answers:
        if not answer.undefined or answer.model is None:
            continue
        point: dict[sympy.Symbol, Fraction | int] = {}
        for symbol in symbols:
            value = answer.model.get(symbol.name)
            if value is None or not in_claim_domain(symbol, value):
                break
            point[symbol] = int(value) if symbol.is_integer else value
        else:
            points.append(point)
    return points


def in_claim_domain(symbol: sympy.Symbol, value: Fraction) -> bool:
    if symbol.is_integer and value.denominator != 1:
        return False
    if symbol.is_positive:
        return value > 0
    return value >= 0 if symbol.is_nonnegative else True


def undefined_at(
    bound: sympy.Expr, points: Iterable[Mapping[sympy.Symbol, Fraction | int]]
) -> str | None:
    """The first point where the bound is not a real number (division by zero, a root or log of
    a negative number), described; None if it is real at all of them."""
    for point in points:
        value = bound.xreplace({s: sympy.Rational(Fraction(v)) for s, v in point.items()})
        if not_real(value):
            where = ", ".join(f"{s} = {format_rational(Fraction(v))}" for s, v in point.items())
            return f"the bound is not a real number at {where} (it is {value})"
    return None


def certified_below(value: sympy.Expr, target: Fraction) -> bool:
    """value < target, certified exactly (rational) or by certified evaluation."""
    sign = certified_sign(
        sympy.expand(value - sympy.Rational(target.numerator, target.denominator))
    )
    return sign.sign == -1


def show_value(value: sympy.Expr) -> str:
    """An exact value as text (with its decimal value when irrational); one too long to print
    in full is abridged."""
    if value.is_Rational:
        return show(value, format_rational)
    return f"{show(value)} ~ {sympy.N(value, 15)}"


def runs(vectors: Sequence[Sequence[Fraction]]) -> str:
    """The sequence as JSON runs [[count, vector], ...]: each vector repeated count times."""
    out: list[list[Any]] = []
    for count, vector in runs_of(vectors):
        shown = [format_rational(x) for x in vector]
        if out and out[-1][1] == shown:
            out[-1][0] += count
        else:
            out.append([count, shown])
    return json.dumps(out)


# Runs of a sequence shown in evidence; the witness holds them all.
SHOWN_RUNS = 6


def tuple_text(vector: Sequence[Fraction]) -> str:
    """A vector as mathematics: ``(1, -1/2)``."""
    return "(" + ", ".join(format_rational(x) for x in vector) + ")"


def sequence_text(name: str, vectors: Sequence[Sequence[Fraction]]) -> str:
    """The sequence as mathematics, equal neighbours together: ``v_1 = (1), v_2 = v_3 = (-1),
    v_4 = ... = v_9 = (0)`` (after ``SHOWN_RUNS`` runs, how many more)."""
    groups = runs_of(vectors)  # in closed form for ``RunVectors``: T may be huge
    parts, index = [], 1
    for count, vector in groups[:SHOWN_RUNS]:
        last = index + count - 1
        names = {1: f"{name}_{index}", 2: f"{name}_{index} = {name}_{last}"}.get(
            count, f"{name}_{index} = ... = {name}_{last}"
        )
        parts.append(f"{names} = {tuple_text(vector)}")
        index += count
    if len(groups) > SHOWN_RUNS:
        parts.append(f"and {len(groups) - SHOWN_RUNS} more runs (in the witness)")
    return ", ".join(parts)


def vector_text(vector: Sequence[Fraction]) -> str:
    return json.dumps([format_rational(x) for x in vector])


def wide_positive(rng: random.Random) -> Fraction:
    """A positive decimal with a short mantissa, of magnitude 10**-9 to 10**9."""
    return Fraction(f"{10 ** rng.uniform(-9, 9):.{rng.randint(1, 3)}g}")


def wide_horizon(rng: random.Random) -> int:
    """A horizon T: log-uniform in [1, 10**4] seven times in ten, else a small one (1 to 4)."""
    return max(1, int(10 ** rng.uniform(0, 4))) if rng.random() < 0.7 else rng.randint(1, 4)


def simpler_parameters(value: Fraction | int, integer: bool = False) -> Iterable[Fraction]:
    """Values simpler than ``value`` (0, 1, its power of ten, 1 or 2 significant digits), to
    shrink a witness found at an arbitrary point; nonnegative, integers >= 1 for T."""
    approx = float(value)
    out = [Fraction(0), Fraction(1)]
    if approx > 0:
        out.append(Fraction(10) ** math.floor(math.log10(approx)))
        out += [Fraction(f"{approx:.{digits}g}") for digits in (1, 2)]
    for candidate in out:
        if candidate == value or (integer and (candidate < 1 or candidate.denominator != 1)):
            continue
        yield Fraction(int(candidate)) if integer else candidate


def sqrt_near(value: Fraction, max_denominator: int | None) -> Fraction:
    """sqrt(value) exactly when it is rational, else a rational near it."""
    root_n, root_d = math.isqrt(value.numerator), math.isqrt(value.denominator)
    if root_n * root_n == value.numerator and root_d * root_d == value.denominator:
        return Fraction(root_n, root_d)
    near = Fraction(math.sqrt(value))
    return near if max_denominator is None else near.limit_denominator(max_denominator)


# --- judging a claimed bound B(eta, T, wstar_sq, sum_v_sq) ----------------------------------

BOUND_SYMBOLS = (ETA, T, WSTAR_SQ, SUM_V_SQ)

# Parameters of the attaining families, simplest first (so that a witness is as small as can be).
GRID_ETA = tuple(Fraction(x) for x in ("1", "1/2", "2", "1/10", "10"))
GRID_T = (1, 2, 3, 4, 5, 10, 100, 1000)
GRID_SIZES = tuple(Fraction(x) for x in ("0", "1", "2", "1/2", "3", "10", "1/10", "100"))
GRID_SPREADS = tuple(Fraction(x) for x in ("0", "1", "1/2", "2", "10"))
EXACT_CANDIDATES = 12
# Larger T are not realized (an instance of runs has no limit; a z3 model beyond this is
# beyond any bound a sheet can write that needs it)
MAX_T = 10**30
# A float margin (relative) below -CLEAR is a violation beyond rounding; margins in
# [-CLEAR, NEAR_ZERO) are checked exactly too, since a float margin this close to 0 may hide
# a violation that only exact arithmetic sees (R minus a tiny constant).
CLEAR = 1e-6
NEAR_ZERO = 1e-9


# Up to this T an instance holds its vectors as a tuple; beyond, as runs (``RunVectors``).
TUPLE_T = 10**5


def vectors_of_runs(pairs: Sequence[tuple[int, tuple[Fraction, ...]]]) -> Any:
    """v_1..v_T from runs (count, vector): a tuple up to ``TUPLE_T``, ``RunVectors`` beyond."""
    if sum(count for count, _ in pairs) > TUPLE_T:
        return RunVectors(pairs)
    return tuple(vector for count, vector in pairs for _ in range(count))


@dataclass(frozen=True)
class Attaining:
    """An instance of a family on which the regret equals the supremum S (``prove_supremum``).

    ``single``: T = 1, v_1 = c, w* = -s.  ``equal``: v_t = c for all t, w* = -s, s >= eta T c.
    ``tight``: v = (mu + e, mu - e, mu, ..., mu), w* = w_(T+1) (the reference bound is tight).
    """

    kind: str
    eta: Fraction
    horizon: int
    size: Fraction  # s, or mu for ``tight``
    other: Fraction  # c, or e for ``tight``

    def instance(self) -> RegretInstance:
        if self.kind == "tight":
            mu, e = self.size, self.other
            pairs = (
                [(1, (mu + e,)), (1, (mu - e,)), (self.horizon - 2, (mu,))]
                if self.horizon > 1
                else [(1, (mu,))]
            )
            # the entries sum to T mu (closed form: T may be large)
            wstar = (-self.eta * self.horizon * mu,)
            return RegretInstance(self.eta, vectors_of_runs(pairs), wstar)
        vs = vectors_of_runs([(self.horizon, (self.other,))])
        return RegretInstance(self.eta, vs, (-self.size,))

    def instances(self) -> tuple[RegretInstance]:
        return (self.instance(),)

    def parameters(self) -> tuple[float, float, float]:
        """(wstar_sq, sum_v_sq, regret) from the closed forms, in floats, to rank candidates."""
        eta, t, x, y = float(self.eta), self.horizon, float(self.size), float(self.other)
        if self.kind == "tight":
            a, b = (eta * t * x) ** 2, t * x * x + (2 * y * y if t > 1 else 0.0)
            return a, b, a / (2 * eta) + eta * b / 2
        return x * x, t * y * y, t * x * y - eta * y * y * t * (t - 1) / 2

    @property
    def height(self) -> tuple[int, int]:
        numbers = (self.eta, self.size, self.other)
        return self.horizon, sum(abs(n.numerator) + n.denominator for n in numbers)


def attaining_grid() -> Iterable[Attaining]:
    for eta, horizon in itertools.product(GRID_ETA, GRID_T):
        for x, y in itertools.product(GRID_SIZES, GRID_SIZES):
            if horizon == 1:
                yield Attaining("single", eta, 1, x, y)
            elif x >= eta * horizon * y:
                yield Attaining("equal", eta, horizon, x, y)
        if horizon > 1:
            for x, y in itertools.product(GRID_SIZES, GRID_SPREADS):
                yield Attaining("tight", eta, horizon, x, y)


def realize(
    eta: Fraction, horizon: int, a: Fraction, b: Fraction, max_denominator: int | None
) -> RegretInstance:
    """A one-dimensional instance of the attaining families with ||w*||^2 (near) a and
    sum v_t^2 (near) b, so its regret is (near) S(eta, T, a, b); exact when the square roots
    involved are rational."""
    s = sqrt_near(a, max_denominator)
    if horizon == 1:
        return Attaining("single", eta, 1, s, sqrt_near(b, max_denominator)).instance()
    c = sqrt_near(b / horizon, max_denominator)
    if s >= eta * horizon * c:
        return Attaining("equal", eta, horizon, s, c).instance()
    mu = s / (eta * horizon)
    spread = sqrt_near(max(Fraction(0), (b - horizon * mu * mu) / 2), max_denominator)
    return Attaining("tight", eta, horizon, mu, spread).instance()


def realizations(eta: Fraction, horizon: int, a: Fraction, b: Fraction) -> Iterable[RegretInstance]:
    """``realize`` with finer and finer rational square roots."""
    return (realize(eta, horizon, a, b, precision) for precision in (10**6, 10**12, None))


@dataclass(frozen=True)
class Violation:
    instance: RegretInstance
    summary: RegretSummary
    bound: sympy.Expr


X = TypeVar("X")
V = TypeVar("V")
# A candidate: its float margin (bound - lhs, relative), its simplicity, and how to build it.
Candidate = tuple[float, tuple[int, int], Callable[[], Iterable[X]]]


def first_verified(candidates: Iterable[Candidate[X]], verify: Callable[[X], V | None]) -> V | None:
    """Clear violations simplest first, then near-zero margins smallest first, checked exactly."""
    clear: list[tuple[tuple[int, int], float, Callable[[], Iterable[X]]]] = []
    close: list[tuple[float, tuple[int, int], Callable[[], Iterable[X]]]] = []
    for margin, height, build in candidates:
        if margin < -CLEAR:
            clear.append((height, margin, build))
        elif margin < NEAR_ZERO:
            close.append((margin, height, build))
    clear.sort(key=lambda item: (item[0], item[1]))
    close.sort(key=lambda item: (item[0], item[1]))
    ordered = [build for *_, build in clear] + [build for *_, build in close]
    for build in ordered[:EXACT_CANDIDATES]:
        for instance in build():
            found = verify(instance)
            if found is not None:
                return found
    return None


def relative(value: float, target: float) -> float:
    """(value - target), relative to their sizes; -1 (a clear violation, to be verified
    exactly) when the value is -inf, 1 when it is +inf."""
    if math.isinf(value):
        return math.copysign(1.0, value)
    return (value - target) / (1 + abs(value) + abs(target))


class RegretJudge:
    """Finds exact instances whose regret exceeds a claimed bound."""

    def __init__(self, bound: sympy.Expr) -> None:
        self.bound = bound
        self.approx = FloatBound(bound, BOUND_SYMBOLS)

    def verify(self, instance: RegretInstance) -> Violation | None:
        """The instance violates the bound, re-verified in exact arithmetic."""
        s = summarize(instance)
        value = exact_value(
            self.bound, {ETA: s.eta, T: s.T, WSTAR_SQ: s.wstar_sq, SUM_V_SQ: s.sum_v_sq}
        )
        if value is None or not certified_below(value, s.regret):
            return None
        return Violation(instance, s, value)

    def first_verified(self, candidates: Iterable[Candidate[RegretInstance]]) -> Violation | None:
        return first_verified(candidates, self.verify)

    def grid_search(self) -> Violation | None:
        def candidates() -> Iterable[Candidate[RegretInstance]]:
            for item in attaining_grid():
                try:
                    a, b, regret = item.parameters()
                    value = self.approx(float(item.eta), item.horizon, a, b)
                except OverflowError:
                    continue
                if value is not None:
                    yield relative(value, regret), item.height, item.instances

        return self.first_verified(candidates())

    def from_model(self, model: Mapping[str, Fraction]) -> Violation | None:
        """Realize the point a solver found (rounding T to the integers around it)."""
        try:
            eta, horizon = model["eta"], model["T"]
            a, b = model["wstar_sq"], model["sum_v_sq"]
        except KeyError:
            return None
        if eta <= 0 or a < 0 or b < 0:
            return None
        horizons = sorted({max(1, math.floor(horizon)), max(1, math.ceil(horizon))})
        return self.at_points((eta, h, a, b) for h in horizons)

    def at_points(
        self, points: Iterable[tuple[Fraction, int, Fraction, Fraction]]
    ) -> Violation | None:
        """Realize the parameter points (eta, T, wstar_sq, sum_v_sq) where the bound is below
        the supremum in floating point, and verify those instances exactly."""

        def candidates() -> Iterable[Candidate[RegretInstance]]:
            for eta, h, a, b in points:
                if not 1 <= h <= MAX_T or eta <= 0 or a < 0 or b < 0:
                    continue
                try:
                    value = self.approx(float(eta), h, float(a), float(b))
                    target = supremum(float(eta), h, float(a), float(b))
                except OverflowError:
                    continue
                if value is not None and math.isfinite(target):
                    yield (
                        relative(value, target),
                        (h, 0),
                        functools.partial(realizations, eta, h, a, b),
                    )

        return self.first_verified(candidates())

    def windows(self) -> Violation | None:
        """Root isolation (certified interval bisection, ``hw2check.intervals``) on the
        one-variable difference B - S at eta = T = 1 and wstar_sq = sum_v_sq = x, where the
        supremum S is x (tight: w* = w_2): a bound below it only in a narrow window of x is
        found there; the point is realized and verified exactly."""
        x = sympy.Dummy("x", nonnegative=True)
        difference = self.bound.xreplace({ETA: 1, T: 1, WSTAR_SQ: x, SUM_V_SQ: x}) - x
        point = negative_point(difference, x, seconds=1.0, within=(Fraction(0), Fraction(2**40)))
        if point is None:
            return None
        return self.at_points([(Fraction(1), 1, point, point)])

    def scan(self, count: int = 1500, seed: int = 0) -> Violation | None:
        """Parameters over many scales (eta and the norms from 10**-9 to 10**9, T up to
        10**4): bounds wrong only far from the grid (``log(1000*eta)``) are caught here."""
        rng = random.Random(seed)
        points = [
            (
                wide_positive(rng),
                wide_horizon(rng),
                Fraction(0) if rng.random() < 0.2 else wide_positive(rng),
                Fraction(0) if rng.random() < 0.2 else wide_positive(rng),
            )
            for _ in range(count)
        ]
        found = self.at_points(points)
        if found is None:
            return None
        s = found.summary
        point: tuple[Fraction, int, Fraction, Fraction] = (s.eta, s.T, s.wstar_sq, s.sum_v_sq)
        for index in (2, 3, 0, 1):  # simpler parameters first for the norms, then eta and T
            for simpler in simpler_parameters(point[index], integer=index == 1):
                values: list[Fraction] = [Fraction(x) for x in point]
                values[index] = simpler
                trial = (values[0], int(values[1]), values[2], values[3])
                smaller = self.at_points([trial])
                if smaller is not None:
                    point, found = trial, smaller
                    break
        return found

    def violates(self, instance: RegretInstance) -> bool:
        s = summarize(instance)
        value = self.approx(float(s.eta), s.T, float(s.wstar_sq), float(s.sum_v_sq))
        if value is None or relative(value, float(s.regret)) >= NEAR_ZERO:
            return False
        return self.verify(instance) is not None


def _domain(env: Mapping[sympy.Symbol, Any], horizons: Any) -> list[Any]:
    return [env[ETA] > 0, env[WSTAR_SQ] >= 0, env[SUM_V_SQ] >= 0, horizons]


def z3_reference_query(bound: sympy.Expr, timeout_ms: int) -> SolverAnswer:
    """Is B >= R for eta > 0, real T >= 1, wstar_sq, sum_v_sq >= 0?"""
    with own_z3_context():
        env = {symbol: z3.Real(symbol.name) for symbol in BOUND_SYMBOLS}
        eta, a, b = env[ETA], env[WSTAR_SQ], env[SUM_V_SQ]
        return z3_never_below(
            bound,
            env,
            _domain(env, env[T] >= 1),
            lambda value: 2 * eta * value < a + eta * eta * b,
            timeout_ms,
            "R",
        )


def z3_supremum_query(bound: sympy.Expr, timeout_ms: int, integer_t: bool = False) -> SolverAnswer:
    """Is B >= S (the exact supremum) for eta > 0, T in {1} u [2, oo), wstar_sq, sum_v_sq >= 0?"""
    with own_z3_context():
        env: dict[sympy.Symbol, Any] = {symbol: z3.Real(symbol.name) for symbol in BOUND_SYMBOLS}
        horizon: Any = z3.Int("T") if integer_t else env[T]
        if integer_t:
            env[T] = z3.ToReal(horizon)
        eta, a, b, t = env[ETA], env[WSTAR_SQ], env[SUM_V_SQ], env[T]
        s, q, u = z3.Reals("sqrt_a sqrt_b sqrt_T")
        high = eta * u * q
        low = z3.If(t == 1, eta * q, 0)
        dist = z3.If(s > high, s - high, z3.If(s < low, low - s, 0))
        domain = [
            *_domain(env, z3.Or(t == 1, t >= 2)),
            s >= 0,
            s * s == a,
            q >= 0,
            q * q == b,
            u >= 0,
            u * u == t,
        ]
        return z3_never_below(
            bound,
            env,
            domain,
            lambda value: 2 * eta * value < a + eta * eta * b - dist * dist,
            timeout_ms,
            "S",
        )


def _describe(violation: Violation, text: str) -> tuple[str, dict[str, str]]:
    inst, s = violation.instance, violation.summary
    witness = {
        "d": str(inst.d),
        "T": str(inst.T),
        "eta": format_rational(inst.eta),
        "v": runs(inst.vs),
        "wstar": vector_text(inst.wstar),
        "w_next": vector_text(s.last),
        "wstar_sq": format_rational(s.wstar_sq),
        "sum_v_sq": format_rational(s.sum_v_sq),
        "lhs": format_rational(s.regret),
        "bound": show_value(violation.bound),
    }
    tight = (
        "w* = w_(T+1), where the reference bound is tight"
        if inst.wstar == s.last
        else "w* = -sqrt(wstar_sq) along sum v_t"
    )
    evidence = (
        f"d = {inst.d}, T = {inst.T}, eta = {witness['eta']}, "
        f"{sequence_text('v', inst.vs)}, "
        f"w* = {tuple_text(inst.wstar)} ({tight}): sum <w_t - w*, v_t> = {witness['lhs']} > "
        f"{text} = {witness['bound']} at wstar_sq = {witness['wstar_sq']}, "
        f"sum_v_sq = {witness['sum_v_sq']}"
    )
    return evidence, witness


@dataclass(frozen=True)
class BoundClaim:
    """What ``decide_bound`` needs: the claimed bound, budgets, and whether the theorem row the
    reference rests on is proved (``None``: not run in this command, so prove it here)."""

    bound: sympy.Expr
    text: str
    examples: int
    seed: int
    timeout_ms: int
    theorem_proved: bool | None = None


def bound_claim_checks(
    claim_id: str,
    question: str,
    statement: str,
    decide: Callable[[BoundClaim], Outcome],
    bound: Expression | None,
    settings: Settings,
    theorem: Row | None,
) -> list[Check]:
    if bound is None:
        return []
    claim = BoundClaim(
        bound.expr,
        bound.text,
        settings.examples,
        settings.seed,
        settings.solver_timeout_ms,
        None if theorem is None else theorem.verdict is Verdict.PROVED,
    )
    return [Check(claim_id, question, statement.format(bound.text), decide, (claim,))]


def proof_by_sympy(
    claim: BoundClaim, reference: sympy.Expr, reference_text: str, domain: str, theorem: str
) -> Outcome | None:
    """proved when bound - reference is 0 or nonnegative by SymPy (under the symbols' domain);
    not attempted when the expansion would be large (``(1 + 1/T)**10000``), nor when the bound
    as written may fail to be a number somewhere (``avg_gap + (T - 1)/(T**2 - 1)`` at T = 1:
    cancel would hide that; z3 and the exact points judge it instead)."""
    difference = claim.bound - reference
    if not affordable(difference) or not surely_defined(claim.bound):
        return None
    difference = sympy.cancel(difference)
    if difference == 0 or is_symbolically_zero(difference):
        return proved(f"SymPy ({theorem})", f"{claim.text} is the reference bound {reference_text}")
    argument = nonnegative_argument(difference)
    if argument is not None:
        return proved(
            f"SymPy assumptions ({theorem})",
            f"{claim.text} - ({reference_text}) = {difference} >= 0 for {domain}{argument}",
        )
    return None


def nonnegative_argument(difference: sympy.Expr) -> str | None:
    """Why SymPy's assumptions show difference >= 0 ("" when they do at once), or None.

    Two rewrites reach further: T = 1 + t with t a nonnegative integer (T >= 1 is what the
    assumptions of T cannot say), and b**e - 1 >= 0 from e*log(b) >= 0 (b > 0): this proves
    T**(1/(T + 1)) >= 1."""
    if difference.is_nonnegative:
        return ""
    shifted = difference.subs(T, 1 + SHIFT)
    if shifted.is_nonnegative:
        return f" (with T = 1 + t: {shifted} >= 0)"
    constant, rest = shifted.as_coeff_Add()
    if constant == -1 and rest.is_Pow and rest.base.is_positive:
        exponent_log = rest.exp * sympy.log(rest.base)
        if exponent_log.is_nonnegative:
            return f" (with T = 1 + t: {rest} >= 1, as {exponent_log} >= 0)"
    return None


SHIFT = sympy.Symbol("t", nonnegative=True, integer=True)


def resting_on(outcome: Outcome, theorem: str, established: bool) -> Outcome:
    """A proof that uses the reference bound counts only when its theorem row is proved."""
    if outcome.verdict is Verdict.PROVED and not established:
        return undecided(outcome.method, f"{outcome.evidence}; but {theorem} is not proved")
    return outcome


def print_sections(title: str, sections: Sequence[tuple[str, Derivation]], summary: str) -> None:
    print(title)
    for heading, derivation in sections:
        print(heading)
        print(derivation.text())
    print(summary)


def decide_bound(claim: BoundClaim) -> Outcome:
    """Judge the claim: sum <w_t - w*, v_t> <= bound for every instance."""
    established = claim.theorem_proved
    if established is None:
        established = prove_regret_identity().verdict is Verdict.PROVED
    outcome = within_domain(_decide_bound(claim), claim.bound, list(BOUND_SYMBOLS))
    return resting_on(outcome, "theorem.regret_identity", established)


def _supremum_established(
    timeout_ms: int, prove: Callable[[int], Derivation] = prove_supremum
) -> Derivation | None:
    """``prove_supremum`` when every step of it verified within the limit, else None."""
    try:
        derivation = prove(timeout_ms)
    except SolverUnknown:
        return None
    return derivation if derivation.holds else None


def _against_supremum(text: str, integer: str, supremum: Derivation) -> str:
    return (
        f"{text} >= S(eta, T, wstar_sq, sum_v_sq) = "
        "R - dist(sqrt(wstar_sq), [L, eta sqrt(T sum_v_sq)])^2/(2 eta) "
        f"(L = eta sqrt(sum_v_sq) if T = 1, else 0) for eta > 0, {integer}T in {{1}} u [2, oo), "
        "wstar_sq, sum_v_sq >= 0; S bounds the regret (identity, Cauchy-Schwarz, "
        "triangle inequality). " + in_one_line("The supremum:", supremum)
    )


def _decide_bound(claim: BoundClaim) -> Outcome:
    bound, text, timeout_ms = claim.bound, claim.text, claim.timeout_ms
    by_sympy = proof_by_sympy(
        claim,
        REFERENCE,
        "R = ||w*||^2/(2 eta) + (eta/2) sum ||v_t||^2",
        "eta > 0, T >= 1, wstar_sq, sum_v_sq >= 0; R bounds the regret",
        "theorem.regret_identity",
    )
    if by_sympy is not None:
        return by_sympy
    judge = RegretJudge(bound)
    refuting = "exact instance (Fractions; bound by certified evaluation)"
    notes: list[str] = []
    answers: list[SolverAnswer] = []
    found = judge.grid_search()
    if found is None:
        budget = claim_solver_budget(timeout_ms)
        reference = z3_reference_query(bound, budget)
        if reference.holds:
            return proved(
                "z3 (negation unsat; theorem.regret_identity)",
                f"no eta > 0, real T >= 1, wstar_sq, sum_v_sq >= 0 with {text} < R; "
                "R bounds the regret",
            )
        answers += [reference, z3_supremum_query(bound, budget)]
        if answers[-1].holds and (supremum := _supremum_established(timeout_ms)) is not None:
            return proved(
                "z3 (negation unsat) against the exact supremum S",
                _against_supremum(text, "", supremum),
            )
        models = [a.model for a in answers if a.model is not None]
        found = next(filter(None, map(judge.from_model, models)), None)
        if found is None and answers[-1].model is not None:
            answers.append(z3_supremum_query(bound, budget, integer_t=True))
            if answers[-1].holds and (supremum := _supremum_established(timeout_ms)) is not None:
                return proved(
                    "z3 (negation unsat, integer T) against the exact supremum S",
                    _against_supremum(text, "integer ", supremum),
                )
            if answers[-1].model is not None:
                found = judge.from_model(answers[-1].model)
        notes = list(dict.fromkeys(a.reason for a in answers))
    if found is None:
        result = search(
            instances("any"),
            judge.violates,
            examples=claim.examples,
            seed=claim.seed,
            generator="hypothesis: d 1-6, T 1-40, rational v_t, "
            "w* random / w_(T+1) / scaled w_(T+1)",
        )
        if result.counterexample is not None:
            found = judge.verify(result.counterexample)
            refuting = f"hypothesis search (shrunk), {refuting}"
        if found is None:
            found = judge.windows() or judge.scan()
        if found is None:
            canonical: Iterable[Mapping[sympy.Symbol, Fraction | int]] = (
                {ETA: eta, T: t, WSTAR_SQ: a, SUM_V_SQ: b}
                for t in (1, 2, 3)
                for eta, a, b in itertools.product(
                    (Fraction(1), Fraction(1, 2)),
                    (Fraction(0), Fraction(1)),
                    (Fraction(0), Fraction(1)),
                )
            )
            undefined = undefined_at(
                bound,
                itertools.chain(canonical, undefined_points(answers, BOUND_SYMBOLS)),
            )
            if undefined is not None:
                return undecided("exact evaluation", f"{undefined}: the claim says nothing there")
            return checked(
                result.generator,
                f"no violation on {result.cases} random and adversarial instances nor on the "
                f"{sum(1 for _ in attaining_grid())} instances where the supremum is attained; "
                f"not proved: {'; '.join(notes)}",
            )
    evidence, witness = _describe(found, text)
    return refuted(refuting, evidence, witness)


def theorem_checks(settings: Settings) -> list[Check]:
    return [
        Check(
            "theorem.regret_identity",
            "3.2",
            "sum <w_t - w*, v_t> = ||w*||^2/(2 eta) + (eta/2) sum ||v_t||^2 "
            "- ||w_(T+1) - w*||^2/(2 eta) "
            "for every T and d (so the bound holds, with equality iff w* = w_(T+1))",
            prove_regret_identity,
        )
    ]


def claim_checks(sheet: Sheet, settings: Settings, theorems: Mapping[str, Row]) -> list[Check]:
    return bound_claim_checks(
        "q3_2.bound",
        "3.2",
        "sum <w_t - w*, v_t> <= {} for every d, T, eta > 0, v_t and w*",
        decide_bound,
        sheet.q3_2.bound,
        settings,
        theorems.get("theorem.regret_identity"),
    )


def main() -> None:
    print_sections(
        "Q3.2 — online gradient descent, w_1 = 0, w_(t+1) = w_t - eta v_t",
        (
            *((heading, prove()) for heading, prove in THEOREM_PARTS),
            ("The exact supremum used to judge claimed bounds:", prove_supremum()),
        ),
        prove_regret_identity().evidence,
    )


if __name__ == "__main__":
    from hw2check.derivation import module_main

    raise SystemExit(module_main("proofs.regret", __doc__ or "", main))
