"""Q6: a stochastic gradient step can increase the full loss.

The full loss is F = f_1 + ... + f_n; one SGD step from w_t with the picked component f_p is
w_{t+1} = w_t - eta * f_p'(w_t).  Every [q6] claim is a statement about all step sizes in a
region R = {eta > 0} ∩ {step_sizes}: "h(eta) > 0 for every eta in R" or "h(eta) = 0 for
every eta in R", with h closed-form in eta (F(w_{t+1}) - F(w_t), the next iterate, or the
difference between a claimed iterate and the true one).  ``decide_for_every_step`` decides
such a statement:

1. h and the relations of R translated to z3 (polynomials in eta whose coefficients are
   built from rationals and real roots of positive constants, e.g. sqrt(2)): z3's nonlinear real
   arithmetic decides the negation "some eta in R breaks it"; unsat proves the claim, an
   answer unknown (or z3's time-out, ``settings.solver_timeout_ms``) leaves it undecided;
2. otherwise a SymPy proof where its assumptions reach: h(t) > 0 for a positive symbol t,
   or h(0) >= 0 and h'(t) > 0, or h(0), h'(0) >= 0 and h''(t) > 0 (monotonicity; used only
   for expressions without Abs, whose derivatives SymPy writes with sign());
3. a counterexample is a RATIONAL eta re-verified exactly (SymPy rationals, or certified
   evaluation for irrational values, ``properties.sgd.fails_at``).  For rational polynomials
   the candidates are the rational roots and the simplest rational of every cell between the
   real roots of h and of the relations, which is complete: if any rational eta breaks the
   claim, one of them does.  A strict failure (F decreases) is preferred to a boundary one
   (F unchanged).  Other cases try z3's model, a fixed grid, and a seeded search.

Choices: a claim that fails only at irrational step sizes (z3 finds one, no rational eta
does) is undecided, because LEDGER.md's witness is a rational.  A region that no eta > 0
satisfies makes "for every eta" vacuously true: proved, and the evidence says "vacuously".
A picked component that is not differentiable at w_t, or an F that is not real there, leaves
the step undefined: those rows are undecided.

Main results:

- ``prove_sgd_step_can_increase_loss``: for F = (w - 2)**2/2 + (w + 1)**2/2 and w_t = 0,
  z3 proves that the step with component 2 (w_{t+1} = -eta) increases F for every eta > 0,
  and that the step with component 1 (w_{t+1} = 2 eta) increases F exactly when eta > 1/2.
- ``decide_for_every_step``: the decision above, with the z3 queries it asked.
- ``counterexample_claim``, ``next_iterate_claim``, ``sign_claim``: a sheet's claims about
  its step as such statements (F(w_{t+1}) - F(w_t) > 0; claim - (w_t - eta f_p'(w_t)) = 0;
  ±w_{t+1} > 0 or w_{t+1} = 0), decided by ``decide_step``.
- ``decide_always_decreases``: "every SGD step decreases F" is false, by the theorem.
- ``count_distinct_roots``: distinct real and non-real roots of a rational polynomial F
  (squarefree part, Sturm count); other F are not counted.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy
import z3

from hw2check.domain import all_hold
from hw2check.equality import certified_sign, is_symbolically_zero, show
from hw2check.expressions import format_rational, side_conditions, strip_guards
from hw2check.intervals import negative_point
from hw2check.ledger import (
    Check,
    Outcome,
    Row,
    Verdict,
    checked,
    proved,
    refuted,
    undecided,
)
from hw2check.sheet import SGD_ETA, SYMBOLS, SgdClaims, Sheet, load_seed
from hw2check.solver import own_z3_context
from hw2check.topics import Settings
from properties.sgd import (
    NOT_REAL,
    POSITIVE,
    ZERO,
    StepSearch,
    as_rational,
    claim_sign,
    failure_sign,
    in_region,
    search_failure,
)

W = SYMBOLS["w"]
ETA = SGD_ETA
THEOREM_ID = "theorem.sgd_step_can_increase_loss"

# Step sizes tried first when no exact cell decomposition applies: small and simple.
GRID = tuple(Fraction(v) for v in ("1/100", "1/10", "1/4", "1/3", "1/2", "1", "2", "3", "10"))
ENDPOINT_DIGITS = 12  # the ends of R are probed from inside at 10**-1 ... 10**-12
# Functions whose SymPy derivatives use sign(): no derivative argument for those.
_KINKS = (sympy.Abs, sympy.sign, sympy.Heaviside, sympy.DiracDelta, sympy.Piecewise)


# --- the SGD step ------------------------------------------------------------------------


@dataclass(frozen=True)
class SgdSetting:
    """Components in w, a real start, the 1-based picked component, the step-size relations."""

    components: tuple[sympy.Expr, ...]
    start: sympy.Expr
    picked: int
    relations: tuple[sympy.Basic, ...]
    step_text: str

    @property
    def loss(self) -> sympy.Expr:
        return sympy.Add(*self.components)

    @property
    def gradient(self) -> sympy.Expr:
        """f_picked'(w_t)."""
        return sympy.diff(self.components[self.picked - 1], W).subs(W, self.start)

    @property
    def next_iterate(self) -> sympy.Expr:
        return self.start - ETA * self.gradient

    @property
    def loss_change(self) -> sympy.Expr:
        """F(w_{t+1}) - F(w_t) as a function of eta."""
        return self.loss.subs(W, self.next_iterate) - self.loss.subs(W, self.start)

    @property
    def region(self) -> str:
        return "every eta > 0" + ("" if self.step_text == "eta > 0" else f" with {self.step_text}")


def setting_of(claims: SgdClaims) -> SgdSetting | None:
    if (
        claims.components is None
        or claims.start is None
        or claims.picked is None
        or claims.step_sizes is None
    ):
        return None
    return SgdSetting(
        tuple(c.expr for c in claims.components),
        claims.start.expr,
        claims.picked,
        claims.step_sizes.relations,
        claims.step_sizes.text,
    )


def step_undefined(setting: SgdSetting) -> str | None:
    """Why the SGD step from w_t is not defined, or None when it is."""
    derivative = sympy.diff(setting.components[setting.picked - 1], W)
    for kink in derivative.atoms(sympy.sign, sympy.Heaviside, sympy.DiracDelta):
        if certified_sign(kink.args[0].subs(W, setting.start)).sign in (0, None):
            return f"f_{setting.picked} is not differentiable at w_t = {setting.start}"
    if certified_sign(setting.gradient).sign is None:
        return f"f_{setting.picked}'(w_t) = {setting.gradient} is not a certified real number"
    if certified_sign(setting.loss.subs(W, setting.start)).sign is None:
        return f"F(w_t) = {setting.loss.subs(W, setting.start)} is not a certified real number"
    return None


# --- z3: translation and queries -----------------------------------------------------------


class Untranslatable(Exception):
    """The expression is outside what the z3 translation covers."""


class _Z3Builder:
    """SymPy -> z3 reals: polynomials in eta with rational or real-radical coefficients.

    A root c = b**(p/q) of a positive constant b becomes a fresh variable r > 0 with
    r**q = b**p, which pins r to the real value c.
    """

    def __init__(self) -> None:
        self.eta = z3.Real("eta")
        self.side: list[z3.BoolRef] = []
        self.side_text: list[str] = []
        self._roots: dict[sympy.Expr, z3.ArithRef] = {}

    def build(self, expr: sympy.Basic) -> z3.ArithRef:
        if expr == ETA:
            return self.eta
        if isinstance(expr, sympy.Rational):
            return z3.Q(int(expr.p), int(expr.q))
        if isinstance(expr, sympy.Add):
            return z3.Sum([self.build(arg) for arg in expr.args])
        if isinstance(expr, sympy.Mul):
            return z3.Product([self.build(arg) for arg in expr.args])
        if isinstance(expr, sympy.Pow) and isinstance(expr.exp, sympy.Rational):
            base, exponent = expr.base, expr.exp
            if exponent.is_Integer and exponent > 0:
                return self.build(base) ** int(exponent)
            if base.free_symbols or certified_sign(base).sign != 1:
                raise Untranslatable(str(expr))
            if exponent.is_Integer:
                return 1 / self.build(base) ** int(-exponent)
            return self._root(base, exponent)
        raise Untranslatable(str(expr))

    def _root(self, base: sympy.Expr, exponent: sympy.Rational) -> z3.ArithRef:
        key = base**exponent
        if key not in self._roots:
            # the base first: a nested root in it takes its own name before this one
            power = self.build(base ** abs(int(exponent.p)))
            name = f"r{len(self._roots)}"
            root = z3.Real(name)
            # r**q = b**p, or r**q * b**|p| = 1 for a negative exponent
            pinned = root ** int(exponent.q) * power if exponent < 0 else root ** int(exponent.q)
            self.side += [root > 0, pinned == (1 if exponent < 0 else power)]
            self.side_text.append(f"{name} = {key}")
            self._roots[key] = root
        return self._roots[key]

    def relation(self, relation: sympy.Basic) -> z3.BoolRef:
        if relation is sympy.true:
            return z3.BoolVal(True)
        if relation is sympy.false:
            return z3.BoolVal(False)
        if not isinstance(relation, sympy.core.relational.Relational):
            raise Untranslatable(str(relation))
        left, right = self.build(relation.lhs), self.build(relation.rhs)
        compare = {">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}
        if relation.rel_op not in compare:
            raise Untranslatable(str(relation))
        return compare[relation.rel_op]


@dataclass(frozen=True)
class Z3Answer:
    answer: str  # "sat", "unsat" or "unknown"
    reason: str
    model_eta: tuple[Fraction, ...]  # rational values of / near eta in z3's model
    query: str

    def line(self) -> str:
        detail = f" ({self.reason})" if self.answer == "unknown" else ""
        return f"z3: exists eta: {self.query}?  {self.answer}{detail}"


def ask_z3(builder: _Z3Builder, constraints: Sequence[z3.BoolRef], text: str, ms: int) -> Z3Answer:
    solver = z3.Solver()
    solver.set("timeout", ms)
    solver.add(*builder.side, *constraints)
    try:
        answer = solver.check()
    except z3.Z3Exception as error:
        return Z3Answer("unknown", f"z3 error: {error}", (), text)
    if answer == z3.unknown:
        return Z3Answer("unknown", solver.reason_unknown() or "no reason given", (), text)
    if answer == z3.unsat:
        return Z3Answer("unsat", "", (), text)
    value = solver.model().eval(builder.eta, model_completion=True)
    return Z3Answer("sat", "", _rationals_near(value), text)


def _rationals_near(value: z3.ExprRef) -> tuple[Fraction, ...]:
    """The model's eta if rational, else rational approximations of the algebraic number."""
    if z3.is_rational_value(value):
        return (Fraction(value.numerator_as_long(), value.denominator_as_long()),)
    if z3.is_algebraic_value(value):
        approximations = (value.approx(digits) for digits in (3, 6, 12, 24))
        return tuple(
            Fraction(a.numerator_as_long(), a.denominator_as_long()) for a in approximations
        )
    return ()


# --- exact witnesses -------------------------------------------------------------------------


def simplest_between(lo: Fraction, hi: Fraction) -> Fraction:
    """The rational with the smallest denominator strictly between lo < hi."""
    n = math.floor(lo)
    if n + 1 < hi:  # an integer lies inside: the one nearest 0
        if lo < 0 < hi:
            return Fraction(0)
        return Fraction(math.ceil(hi) - 1) if hi <= 0 else Fraction(n + 1)
    # n <= lo < hi <= n + 1: x = n + 1/y with 1/(hi - n) < y < 1/(lo - n)
    low = 1 / (hi - n)
    inner = Fraction(math.floor(low) + 1) if lo == n else simplest_between(low, 1 / (lo - n))
    return n + 1 / inner


def rational_poly(expr: sympy.Expr) -> sympy.Poly | None:
    """expr as a polynomial in eta with rational coefficients, or None."""
    try:
        poly = sympy.Poly(expr, ETA)
    except sympy.PolynomialError:
        return None
    return poly if poly.domain.is_ZZ or poly.domain.is_QQ else None


def cell_candidates(polys: Sequence[sympy.Poly]) -> list[Fraction]:
    """A rational point of every cell right of 0 on which all polys keep their signs.

    The cells are the real roots of eta times the polys and the open intervals between them;
    the rational roots are taken exactly, each open interval gets its simplest rational, and
    the cell beyond the largest root an integer.  (Points left of 0 are never step sizes.)
    """
    product = sympy.Poly(ETA)
    for poly in polys:
        product *= poly
    if product.is_zero:
        return [Fraction(1)]
    roots = sympy.real_roots(product.sqf_part())  # 0 among them
    points = [Fraction(int(r.p), int(r.q)) for r in roots if r.is_Rational]
    # 30 digits separate the distinct roots of any polynomial a sheet can state; every point
    # is re-verified exactly, so a poor separation can only lose a candidate, never mislead.
    approx = [Fraction(str(r.evalf(30))) for r in roots]
    points.append(Fraction(math.floor(approx[-1]) + 1))
    for left, right in itertools.pairwise(approx):
        quarter = (right - left) / 4
        if quarter > 0:
            points.append(simplest_between(left + quarter, right - quarter))
    return points


@dataclass(frozen=True)
class Witness:
    eta: Fraction
    strict: bool  # the claim fails with room (F decreases), not just at a boundary
    real: bool = True  # False: the quantity is not a real number there (outside F's domain)


def find_witness(
    h: sympy.Expr, kind: str, relations: Sequence[sympy.Basic], candidates: Sequence[Fraction]
) -> Witness | None:
    """The simplest candidate that exactly breaks the claim: strict failures first, then a
    boundary one (F unchanged), then one where the quantity is not a real number.

    A value that evaluation cannot certify (an exact zero such as sin(1)**2 + cos(1)**2 - 1)
    is tried by simplification at the first such candidate only: that costs up to a second.
    """
    fallback: dict[int, Witness] = {}
    ordered = sorted(set(candidates), key=lambda f: (f.denominator, abs(f.numerator)))
    uncertain: list[Fraction] = []
    for eta in (c for c in ordered if c > 0):
        sign = failure_sign(h, kind, relations, eta)
        if sign is None:
            if not uncertain and in_region(relations, eta) and claim_sign(h, eta) is None:
                uncertain.append(eta)
            continue
        if sign == NOT_REAL:
            fallback.setdefault(2, Witness(eta, True, real=False))
        elif kind == ZERO or sign < 0:
            return Witness(eta, True)
        else:
            fallback.setdefault(1, Witness(eta, False))
    for eta in uncertain if not fallback else ():
        if failure_sign(h, kind, relations, eta, prove_zero=True) is not None:
            fallback[1] = Witness(eta, kind == ZERO)
    return fallback[min(fallback)] if fallback else None


# --- SymPy proofs for expressions z3 does not take ---------------------------------------------


def prove_positive_by_monotonicity(h: sympy.Expr) -> str | None:
    """A SymPy argument that h(eta) > 0 for every eta > 0, or None."""
    t = sympy.Symbol("t", positive=True)
    ht = h.subs(ETA, t)
    orders = 1 if ht.has(*_KINKS) else 3
    known: list[str] = []
    for order in range(orders):
        try:
            derivative = sympy.diff(ht, t, order)
            if derivative.is_positive:
                premises = "".join(f"{k}, " for k in known)
                step = f"h^({order})(t) > 0 for every t > 0 (SymPy assumptions)"
                return f"{premises}and {step}, so h increases" if known else step
            at_zero = sympy.expand(derivative.subs(t, 0))
        except (TypeError, ValueError, RecursionError):
            return None
        if certified_sign(at_zero).sign not in (0, 1):
            return None
        known.append(f"h^({order})(0) = {show(at_zero)} >= 0")
    return None


# --- the decision ----------------------------------------------------------------------------


def _region_text(relations: Sequence[sympy.Basic]) -> str:
    return " and ".join(["eta > 0", *(show(r) for r in relations if r is not sympy.true)])


def _negation_text(h: sympy.Expr, kind: str, relations: Sequence[sympy.Basic]) -> str:
    return f"{_region_text(relations)} and {show(h)} {'<=' if kind == POSITIVE else '!='} 0"


@dataclass(frozen=True)
class StepDecision:
    outcome: Outcome
    queries: tuple[str, ...]


def decide_for_every_step(
    h: sympy.Expr,
    kind: str,
    relations: Sequence[sympy.Basic],
    settings: Settings,
    claim: str,
    shown: tuple[str, sympy.Expr] | None = None,
) -> StepDecision:
    """Decide "h(eta) > 0" (kind positive) or "h(eta) = 0" (kind zero) for every eta in R."""
    with own_z3_context():
        return _decide_for_every_step(h, kind, relations, settings, claim, shown)


def _decide_for_every_step(
    h: sympy.Expr,
    kind: str,
    relations: Sequence[sympy.Basic],
    settings: Settings,
    claim: str,
    shown: tuple[str, sympy.Expr] | None,
) -> StepDecision:
    queries: list[str] = []
    relations = tuple(dict.fromkeys(r for r in relations if r != (ETA > 0)))
    if kind == ZERO and h == 0:
        return StepDecision(proved("SymPy", f"{claim}: it expands to 0 identically"), ())
    builder = _Z3Builder()
    answer: Z3Answer | None = None
    untranslatable = ""
    try:
        constraints = [builder.relation(r) for r in (ETA > 0, *relations)]
        z3_h = builder.build(sympy.expand(h))
    except Untranslatable as error:
        untranslatable = f"z3 translation does not cover {error}"
    else:
        ms = settings.solver_timeout_ms
        negation = z3_h <= 0 if kind == POSITIVE else z3_h != 0
        answer = ask_z3(builder, [*constraints, negation], _negation_text(h, kind, relations), ms)
        queries.append(answer.line())
        if answer.answer == "unsat":
            return StepDecision(
                _proved_by_z3(builder, constraints, relations, ms, queries, claim),
                tuple(queries),
            )

    def done(outcome: Outcome) -> StepDecision:
        return StepDecision(outcome, tuple(queries))

    if answer is None or answer.answer == "unknown":
        # The argument from the region's lower end is for what z3 cannot take at all; a
        # polynomial z3 answered unknown on stays undecided with z3's reason.
        proof = _sympy_proof(h, kind, relations if answer is None else ())
        if proof is not None:
            return done(proved("SymPy", f"{claim}: {proof}"))
    candidates: list[Fraction] = list(GRID)
    if answer is not None:
        candidates += answer.model_eta
    # Once z3 says a counterexample exists, the cells of rational polynomials find a rational
    # one if there is any; otherwise (untranslatable, or z3 unknown) a seeded search looks.
    polys = [rational_poly(h), *(_relation_poly(r) for r in relations)]
    exhaustive = answer is not None and answer.answer == "sat" and None not in polys
    if exhaustive:
        candidates += cell_candidates([p for p in polys if p is not None])
    region = region_set(relations)
    candidates += endpoint_candidates(region)
    zeros = zeros_in(h, region) if kind == POSITIVE and not exhaustive else None
    if zeros is not None:
        candidates += between_candidates(zeros, region)
    elif kind == POSITIVE and not exhaustive:
        candidates += isolated_candidates(h, region)
    witness = find_witness(h, kind, relations, candidates)
    # What z3 cannot take at all, SymPy may: the region's set and h's zeros on it.  (An
    # answer unknown stays undecided with z3's reason, as above.)
    if witness is None and answer is None:
        decided = decide_by_zeros(h, region, zeros, claim)
        if decided is not None:
            return done(decided)
    found: StepSearch | None = None
    if witness is None and not exhaustive:
        found = search_failure(h, kind, relations, examples=settings.examples, seed=settings.seed)
        if found.counterexample is not None:
            witness = find_witness(h, kind, relations, [found.counterexample])
    if witness is not None:
        return done(_refuted(shown or ("h", h), witness, claim, answer))
    searched = (
        ""
        if found is None
        else f"; a search over eta found no counterexample in {found.cases} cases"
    )
    if answer is not None and answer.answer == "sat":
        near = format_rational(answer.model_eta[-1]) if answer.model_eta else "?"
        return done(
            undecided(
                "z3 nonlinear real arithmetic",
                f"{claim}: z3 finds it false near eta = {near}, but "
                + (
                    "no rational step size breaks it (every cell of the roots was tried: it "
                    "fails only at irrational eta, and the ledger's witness is a rational)"
                    if exhaustive
                    else f"no rational step size tried breaks it exactly{searched}"
                ),
            )
        )
    if answer is not None:
        return done(
            undecided(
                "z3 nonlinear real arithmetic",
                f"{claim}: z3 answered unknown ({answer.reason}); no SymPy proof{searched}",
            )
        )
    if found is None or found.held == 0:
        inside = 0 if found is None else found.in_region
        why = (
            f"no step size of the grid or of the {0 if found is None else found.cases} "
            "searched satisfies step_sizes"
            if inside == 0
            else f"the sign of h could not be certified at any of the {inside} step sizes "
            "searched in the region"
        )
        return done(
            undecided("search over eta", f"{claim}: {untranslatable}; no SymPy proof; {why}")
        )
    unknown = found.in_region - found.held
    return done(
        checked(
            f"search over eta ({found.generator}), exact re-verification",
            f"{claim}: holds at {found.held} of the {found.in_region} step sizes in the region "
            f"among {found.cases} searched"
            + (f" (at {unknown} the sign of h could not be certified)" if unknown else "")
            + f", and no step size of the grid {', '.join(map(str, GRID))} breaks it; "
            f"{untranslatable}; no SymPy proof",
        )
    )


def _sympy_proof(h: sympy.Expr, kind: str, relations: Sequence[sympy.Basic] = ()) -> str | None:
    if kind == ZERO:
        return f"{show(h)} simplifies to 0" if is_symbolically_zero(h) else None
    argument = prove_positive_by_monotonicity(h)
    if argument is not None:
        return f"with h(eta) = {show(h)}: {argument}"
    return prove_positive_from_lower_end(h, relations)


def region_set(relations: Sequence[sympy.Basic]) -> sympy.Set | None:
    """R = {eta > 0} ∩ relations as a set of reals (SymPy ``as_set``: exact, also for
    relations z3 does not take, such as exp(eta) < 1/2), or None."""
    try:
        region = sympy.And(ETA > 0, *relations).as_set()
    except (NotImplementedError, TypeError, ValueError, RecursionError):
        return None
    return region if isinstance(region, sympy.Set) else None


def _inside(value: sympy.Expr, k: int, upward: bool) -> Fraction | None:
    """A rational within 10**-k of the value, on the side given (for probing an end of R)."""
    scale = 10**k
    approx = sympy.floor(value * scale) if upward else sympy.ceiling(value * scale)
    if not approx.is_Integer:
        return None
    step = 1 if upward else -1
    rational = Fraction(int(approx) + step, scale)
    return rational if rational > 0 else None


def intervals_of(region: sympy.Set | None) -> list[sympy.Interval]:
    """The intervals R is the union of (none when R is not known as a set)."""
    if region is None:
        return []
    pieces = region.args if isinstance(region, sympy.Union) else (region,)
    return [piece for piece in pieces if isinstance(piece, sympy.Interval)]


def endpoint_candidates(region: sympy.Set | None) -> list[Fraction]:
    """Rationals inside R next to each finite end of each of its intervals, from 10**-1 to
    10**-12 away: a claim that fails only in a narrow window at an end is found there."""
    out: list[Fraction] = []
    for piece in intervals_of(region):
        for k in range(1, ENDPOINT_DIGITS + 1):
            for end, upward in ((piece.start, True), (piece.end, False)):
                if end.is_finite:
                    rational = _inside(end, k, upward)
                    if rational is not None:
                        out.append(rational)
    return out


# Bounds of the bisection for a step size where h < 0 (``isolated_candidates``).
ISOLATION_BOXES = 4000
ISOLATION_SECONDS = 1.0


def isolated_candidates(h: sympy.Expr, region: sympy.Set | None) -> list[Fraction]:
    """Where solveset cannot list h's zeros: a step size in R where h < 0, found by certified
    interval bisection (``hw2check.intervals``) on each interval of R, its ends taken from
    inside (within 10**-12); the caller re-verifies it exactly."""
    out: list[Fraction] = []
    for piece in intervals_of(region):
        low = _inside(piece.start, ENDPOINT_DIGITS, True) if piece.start.is_finite else None
        high = (
            _inside(piece.end, ENDPOINT_DIGITS, False) if piece.end.is_finite else Fraction(2**40)
        )
        if low is None or high is None or low > high:
            continue
        point = negative_point(h, ETA, ISOLATION_BOXES, ISOLATION_SECONDS, within=(low, high))
        if point is not None:
            out.append(point)
    return out


def zeros_in(h: sympy.Expr, region: sympy.Set | None) -> list[sympy.Expr] | None:
    """Every zero of h in R, sorted, when SymPy's ``solveset`` lists them (a finite set);
    None otherwise.  Only for h without side conditions (continuous on R)."""
    if region is None or region is sympy.S.EmptySet or side_conditions(h):
        return None
    try:
        zeros = sympy.solveset(h, ETA, region)
    except (NotImplementedError, TypeError, ValueError, RecursionError, ArithmeticError):
        return None
    if zeros is sympy.S.EmptySet:
        return []
    if not isinstance(zeros, sympy.FiniteSet) or not all(z.is_real for z in zeros):
        return None
    try:
        return sorted(zeros, key=lambda z: float(sympy.N(z, 30)))
    except (TypeError, ValueError):
        return None


def _cells(
    zeros: Sequence[sympy.Expr], region: sympy.Interval
) -> list[tuple[sympy.Expr, sympy.Expr]]:
    ends = [region.start, *zeros, region.end]
    return list(itertools.pairwise(ends))


def between_candidates(zeros: Sequence[sympy.Expr], region: sympy.Set | None) -> list[Fraction]:
    """The rational zeros and a rational inside each cell between consecutive zeros."""
    if not isinstance(region, sympy.Interval):
        return []
    out = [Fraction(int(z.p), int(z.q)) for z in zeros if z.is_Rational]
    for low, high in _cells(zeros, region):
        point = _rational_between(low, high)
        if point is not None:
            out.append(point)
    return out


def _rational_between(low: sympy.Expr, high: sympy.Expr) -> Fraction | None:
    if high is sympy.oo:
        return Fraction(int(sympy.floor(low)) + 1)
    for k in range(0, 40):
        rational = _inside(low, k, True)
        if rational is not None and certified_sign(as_rational(rational) - high).sign == -1:
            return rational
    return None


def decide_by_zeros(
    h: sympy.Expr, region: sympy.Set | None, zeros: list[sympy.Expr] | None, claim: str
) -> Outcome | None:
    """ "h > 0 on R" by its zeros: vacuous when R is empty; proved when h has no zero in R
    (``solveset``, exact) and is positive at a rational of R (certified): h is continuous on
    R, so its sign is constant there; undecided naming an irrational zero in R (h = 0
    there, a boundary failure no rational witnesses)."""
    if region is sympy.S.EmptySet:
        return proved("SymPy (as_set)", f"{claim}: vacuously true: no eta > 0 satisfies step_sizes")
    if zeros is None or not isinstance(region, sympy.Interval):
        return None
    if zeros:
        irrational = [z for z in zeros if not z.is_Rational]
        if not irrational:
            return None
        return undecided(
            "SymPy solveset",
            f"{claim}: h = {show(h)} is 0 at eta = {irrational[0]} in the region (an "
            "irrational step size: the ledger's witness is a rational)",
        )
    point = _rational_between(region.start, region.end)
    if point is None or certified_sign(h.subs(ETA, as_rational(point))).sign != 1:
        return None
    return proved(
        "SymPy solveset and certified evaluation",
        f"{claim}: h = {show(h)} has no zero in {region} (solveset) and is positive at "
        f"eta = {format_rational(point)}; being continuous there, it is positive throughout",
    )


def region_interval(relations: Sequence[sympy.Basic]) -> sympy.Interval | None:
    """R = {eta > 0} ∩ relations as one interval (SymPy ``as_set``), or None."""
    try:
        region = sympy.And(ETA > 0, *relations).as_set()
    except (NotImplementedError, TypeError, ValueError, RecursionError):
        return None
    return region if isinstance(region, sympy.Interval) else None


def prove_positive_from_lower_end(h: sympy.Expr, relations: Sequence[sympy.Basic]) -> str | None:
    """h > 0 on R when R starts at a > 0: h(a + t) > 0 for every t > 0 by monotonicity
    (``prove_positive_by_monotonicity``), and h(a) > 0 certified when R contains a.

    A region such as eta >= 1 excludes the small steps where h may be negative, so the
    argument from 0 cannot apply, but the same argument from the region's lower end can.
    """
    region = region_interval(relations)
    if region is None or certified_sign(region.start).sign != 1:
        return None
    start = region.start
    argument = prove_positive_by_monotonicity(h.subs(ETA, ETA + start))
    if argument is None:
        return None
    closed = ""
    if not region.left_open:
        at_start = h.subs(ETA, start)
        if certified_sign(at_start).sign != 1:
            return None
        closed = f"; h({start}) = {show(at_start)} > 0 (certified)"
    return (
        f"R starts at eta = {start}; with h(eta) = {show(h)} and eta = {start} + t: "
        f"{argument}, so h > 0 for every eta > {start}{closed}"
    )


def _relation_poly(relation: sympy.Basic) -> sympy.Poly | None:
    if relation is sympy.true or relation is sympy.false:
        return sympy.Poly(1, ETA)
    if not isinstance(relation, sympy.core.relational.Relational):
        return None
    return rational_poly(relation.lhs - relation.rhs)


def _proved_by_z3(
    builder: _Z3Builder,
    constraints: Sequence[z3.BoolRef],
    relations: Sequence[sympy.Basic],
    ms: int,
    queries: list[str],
    claim: str,
) -> Outcome:
    region_text = _region_text(relations)
    nonempty = ask_z3(builder, constraints, region_text, ms)
    queries.append(nonempty.line())
    side = f" (with {', '.join(builder.side_text)})" if builder.side_text else ""
    if nonempty.answer == "unsat":
        evidence = f"vacuously true: no eta satisfies {region_text}{side}"
    else:
        evidence = f"the negation is unsatisfiable{side}"
    return proved("z3 nonlinear real arithmetic", f"{claim}: {evidence}. " + "; ".join(queries))


def _refuted(
    shown: tuple[str, sympy.Expr], witness: Witness, claim: str, answer: Z3Answer | None
) -> Outcome:
    name, quantity = shown
    eta = format_rational(witness.eta)
    value = sympy.expand(quantity.subs(ETA, as_rational(witness.eta)))
    how = "" if answer is None else f" (z3: {answer.answer})"
    method = "exact re-verification of a step size"
    if answer is not None:
        method = f"z3 nonlinear real arithmetic, {method}"
    return refuted(
        method,
        f"{claim}: fails at eta = {eta}{how}, where {name} = {show(value)}"
        + ("" if witness.real else ", not a real number (the step leaves the domain)")
        + ("" if witness.strict or value == 0 else " = 0 (SymPy simplification)"),
        {"eta": eta},
    )


# --- the theorem ------------------------------------------------------------------------------


EXAMPLE_COMPONENTS = ((W - 2) ** 2 / 2, (W + 1) ** 2 / 2)
EXAMPLE_TEXT = "F = (w - 2)**2/2 + (w + 1)**2/2"
# component 1 of the example increases F exactly when eta > THRESHOLD
THRESHOLD = sympy.Rational(1, 2)


def example_setting(picked: int) -> SgdSetting:
    """F = (w - 2)**2/2 + (w + 1)**2/2 from w_t = 0, every eta > 0."""
    return SgdSetting(EXAMPLE_COMPONENTS, sympy.Integer(0), picked, (), "eta > 0")


@dataclass(frozen=True)
class TheoremEvidence:
    holds: bool
    lines: tuple[str, ...]


def prove_sgd_step_can_increase_loss_parts(
    settings: Settings, threshold: sympy.Rational = THRESHOLD
) -> TheoremEvidence:
    """Three z3 proofs for F = (w - 2)**2/2 + (w + 1)**2/2 from w_t = 0: component 2
    increases F for every eta > 0, component 1 exactly when eta > ``threshold`` (1/2; a
    wrong threshold makes a part fail)."""
    second = example_setting(2)
    first = example_setting(1)
    first_change = sympy.expand(first.loss_change)
    parts = (
        (
            f"component 2: w_t+1 = {second.next_iterate}, F(w_t+1) - F(w_t) = "
            f"{sympy.expand(second.loss_change)} > 0 for {second.region}",
            sympy.expand(second.loss_change),
            second.relations,
        ),
        (
            f"component 1: w_t+1 = {first.next_iterate}; eta > {threshold} implies "
            f"F(w_t+1) - F(w_t) = {first_change} > 0",
            first_change,
            (*first.relations, sympy.Gt(ETA, threshold)),
        ),
        (
            f"component 1: F(w_t+1) > F(w_t) implies eta > {threshold}",
            ETA - threshold,
            (*first.relations, first_change > 0),
        ),
    )
    decisions = [
        decide_for_every_step(h, POSITIVE, relations, settings, text)
        for text, h, relations in parts
    ]
    lines = tuple(
        f"[{'ok' if d.outcome.verdict is Verdict.PROVED else 'FAILED'}] {d.outcome.evidence}"
        for d in decisions
    )
    holds = all(d.outcome.verdict is Verdict.PROVED for d in decisions)
    return TheoremEvidence(holds, lines)


def prove_sgd_step_can_increase_loss(
    settings: Settings, threshold: sympy.Rational = THRESHOLD
) -> Outcome:
    evidence = prove_sgd_step_can_increase_loss_parts(settings, threshold)
    loss = sympy.expand(sympy.Add(*EXAMPLE_COMPONENTS))
    text = f"{EXAMPLE_TEXT} = {loss}, w_t = 0. " + " ".join(evidence.lines)
    if not evidence.holds:
        return undecided("z3 nonlinear real arithmetic", text)
    return proved("z3 nonlinear real arithmetic (negations unsatisfiable)", text)


def theorem_checks(settings: Settings) -> list[Check]:
    return [
        Check(
            THEOREM_ID,
            "6",
            "an SGD step can increase the full loss: for F = (w - 2)**2/2 + (w + 1)**2/2 and "
            "w_t = 0 the step with component 2 increases F for every eta > 0, and the step "
            "with component 1 increases F exactly when eta > 1/2",
            prove_sgd_step_can_increase_loss,
            (settings,),
        )
    ]


# --- the sheet's claims --------------------------------------------------------------------------


def decide_always_decreases(
    claimed: bool, theorem: Verdict | None, picked: int = 2, eta: Fraction = Fraction(1)
) -> Outcome:
    """ "Every SGD step decreases F": the step with component ``picked`` (2) and ``eta`` (1)
    from w_t = 0 on the theorem's F is the counterexample, re-verified exactly."""
    example = example_setting(picked)
    step = as_rational(eta)
    change = sympy.expand(example.loss_change.subs(ETA, step))
    verified = change.is_Rational and change > 0
    shown = format_rational(eta)
    reason = (
        f"{EXAMPLE_TEXT}, w_t = 0, component {picked}, eta = {shown}: w_t+1 = "
        f"{example.next_iterate.subs(ETA, step)} and F(w_t+1) - F(w_t) = {change} > 0 "
        f"({THEOREM_ID}: every eta > 0 increases F)"
    )
    if claimed:
        if not verified:
            return undecided("exact arithmetic", "the counterexample did not verify")
        witness = {
            "components": "(w - 2)**2/2, (w + 1)**2/2",
            "start": "0",
            "picked": str(picked),
            "eta": shown,
        }
        return refuted("exact counterexample", reason, witness)
    if theorem is not Verdict.PROVED:
        return undecided("rests on a theorem", f"{THEOREM_ID} is not proved in this run")
    return proved(f"rests on {THEOREM_ID}", reason)


@dataclass(frozen=True)
class StepClaim:
    """A sheet claim as "h(eta) > 0 (or = 0) for every eta in R", with its wording."""

    h: sympy.Expr
    kind: str
    claim: str
    shown: tuple[str, sympy.Expr]  # the quantity a witness is shown by


def counterexample_claim(setting: SgdSetting) -> StepClaim:
    h = sympy.expand(setting.loss_change)
    return StepClaim(
        h,
        POSITIVE,
        f"F(w_t+1) - F(w_t) = {show(h)} > 0 for {setting.region}",
        ("F(w_t+1) - F(w_t)", h),
    )


def next_iterate_claim(claimed: sympy.Expr, setting: SgdSetting) -> StepClaim:
    truth = setting.next_iterate
    h = sympy.expand(claimed - truth)
    return StepClaim(
        h,
        ZERO,
        f"the claim - the true w_t+1 ({show(truth)}) = {show(h)} vanishes for {setting.region}",
        ("the claim - the truth", h),
    )


_SIGNS: Mapping[str, tuple[int, str]] = {
    "positive": (1, POSITIVE),
    "negative": (-1, POSITIVE),
    "zero": (1, ZERO),
}


def sign_claim(sign: str, setting: SgdSetting) -> StepClaim:
    factor, kind = _SIGNS[sign]
    return StepClaim(
        sympy.expand(factor * setting.next_iterate),
        kind,
        f"w_t+1 = {show(setting.next_iterate)} is {sign} for {setting.region}",
        ("w_t+1", setting.next_iterate),
    )


def decide_step_claim(claim: StepClaim, setting: SgdSetting, settings: Settings) -> StepDecision:
    reason = step_undefined(setting)
    if reason is not None:
        return StepDecision(undecided("SymPy", reason), ())
    return decide_for_every_step(
        claim.h, claim.kind, setting.relations, settings, claim.claim, claim.shown
    )


def decide_step(claim: StepClaim, setting: SgdSetting, settings: Settings) -> Outcome:
    return decide_step_claim(claim, setting, settings).outcome


# --- roots of F ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RootCount:
    real: int | None  # None: infinitely many (F = 0)
    nonreal: int | None
    loss: sympy.Expr
    roots: str  # the distinct roots in closed form when short, else ""


def count_distinct_roots(components: Sequence[sympy.Expr]) -> RootCount | str:
    """Distinct real and non-real roots of F, or why they are not counted.

    A side condition of a component (a division SymPy cancelled, a root) makes F undefined
    where it fails: a real root of the polynomial there is no root of F.  Coefficients
    outside the rationals (w**2 - sqrt(3)*w) are counted from the roots in radicals, each
    decided real or not exactly."""
    loss = sympy.expand(sympy.Add(*components))
    plain = sympy.expand(strip_guards(loss))
    try:
        poly = sympy.Poly(plain, W)
    except sympy.PolynomialError:
        return f"F = {show(loss)} is not a polynomial in w; root counts cover polynomials"
    if poly.is_zero:
        return RootCount(None, None, loss, "F = 0: every number is a root")
    roots = _distinct_roots(poly)
    if roots is None:
        return f"F = {show(loss)} has coefficients outside the rationals ({poly.domain})"
    conditions = side_conditions(loss)
    real = [r for r in roots if r.is_extended_real]
    kept = [r for r in real if all_hold(conditions, {W: r}) is not False]
    if any(all_hold(conditions, {W: r}) is None for r in real):
        return f"F = {show(loss)}: whether F is defined at each root cannot be certified"
    shown = ", ".join(str(r) for r in roots) if 0 < len(roots) <= 4 else ""
    return RootCount(len(kept), len(roots) - len(real), loss, shown)


def _distinct_roots(poly: sympy.Poly) -> list[sympy.Expr] | None:
    """Every distinct complex root of the polynomial, exactly (CRootOf over the rationals,
    radicals otherwise); None when some root's reality cannot be decided."""
    if poly.domain.is_ZZ or poly.domain.is_QQ:
        return list(poly.sqf_part().all_roots())
    try:
        found = sympy.roots(poly)
    except (NotImplementedError, sympy.polys.polyerrors.PolynomialError):
        return None
    if sum(found.values()) != poly.degree():
        return None
    roots = list(found)
    if any(r.is_extended_real is None for r in roots):
        return None
    return roots


def decide_root_count(
    claimed: int, nonreal: bool, components: tuple[sympy.Expr, ...] | None
) -> Outcome:
    kind = "non-real" if nonreal else "real"
    if components is None:
        return undecided("none", "the sheet gives no components, so F is unknown")
    count = count_distinct_roots(components)
    if isinstance(count, str):
        real = None if nonreal else real_zeros(components)
        if real is None:
            return undecided("SymPy", count)
        return _real_count_outcome(claimed, real, sympy.Add(*components))
    true = count.nonreal if nonreal else count.real
    text = "infinitely many" if true is None else str(true)
    degree = sympy.Poly(strip_guards(count.loss), W).degree()
    evidence = (
        f"F = {show(count.loss)}: squarefree part of degree-{degree} F "
        f"has {count.real} distinct real and {count.nonreal} distinct non-real roots"
        + (f" ({count.roots})" if count.roots else "")
        if true is not None
        else count.roots
    )
    method = "SymPy: squarefree part and Sturm root count"
    if true == claimed:
        return proved(method, evidence)
    return refuted(method, f"{kind} roots: {text}, not {claimed}. {evidence}", {"true_count": text})


def real_zeros(components: Sequence[sympy.Expr]) -> list[sympy.Expr] | None:
    """The real roots of an F that is not a polynomial, where SymPy's ``solveset`` over the
    reals lists them all (|w| + (w + 2)**2/3 has none); roots where F is undefined dropped."""
    loss = sympy.Add(*components)
    try:
        zeros = sympy.solveset(strip_guards(loss), W, sympy.S.Reals)
    except (NotImplementedError, TypeError, ValueError, RecursionError, ArithmeticError):
        return None
    if zeros is sympy.S.EmptySet:
        return []
    if not isinstance(zeros, sympy.FiniteSet):
        return None
    conditions = side_conditions(loss)
    verdicts = [all_hold(conditions, {W: z}) for z in zeros]
    if None in verdicts:
        return None
    return [z for z, holds in zip(zeros, verdicts, strict=True) if holds]


def _real_count_outcome(claimed: int, zeros: Sequence[sympy.Expr], loss: sympy.Expr) -> Outcome:
    method = "SymPy solveset over the reals"
    shown = ", ".join(str(z) for z in zeros) if zeros else "none"
    evidence = f"F = {show(loss)} has {len(zeros)} distinct real roots ({shown})"
    if len(zeros) == claimed:
        return proved(method, evidence)
    return refuted(
        method,
        f"real roots: {len(zeros)}, not {claimed}. {evidence}",
        {"true_count": str(len(zeros))},
    )


def step_claims(claims: SgdClaims) -> dict[str, sympy.Expr | str | None]:
    """The sheet's claims about the step, by id: what each states (nothing built yet)."""
    found: dict[str, sympy.Expr | str | None] = {"q6.counterexample": None}
    if claims.next_iterate is not None:
        found["q6.next_iterate"] = claims.next_iterate.expr
    if claims.next_iterate_sign is not None:
        found["q6.next_iterate_sign"] = claims.next_iterate_sign
    return found


def step_claim(key: str, stated: sympy.Expr | str | None, setting: SgdSetting) -> StepClaim:
    """The claim ``key`` of a sheet as a statement about h(eta)."""
    if isinstance(stated, str):
        return sign_claim(stated, setting)
    if stated is not None:
        return next_iterate_claim(stated, setting)
    return counterexample_claim(setting)


def decide_sheet_step(
    key: str, stated: sympy.Expr | str | None, setting: SgdSetting, settings: Settings
) -> Outcome:
    """A sheet's step claim, built and decided in the worker: expanding h alone can be heavy
    (F of degree 10,000), so it must run under the check's time limit, not while listing."""
    return decide_step(step_claim(key, stated, setting), setting, settings)


def claim_checks(sheet: Sheet, settings: Settings, theorems: Mapping[str, Row]) -> list[Check]:
    claims = sheet.q6
    setting = setting_of(claims)
    checks: list[Check] = []
    if claims.sgd_always_decreases is not None:
        theorem = theorems.get(THEOREM_ID)
        says = "decreases" if claims.sgd_always_decreases else "need not decrease"
        checks.append(
            Check(
                "q6.sgd_always_decreases",
                "6",
                f"every SGD step {says} the full loss F",
                decide_always_decreases,
                (
                    claims.sgd_always_decreases,
                    None if theorem is None else theorem.verdict,
                ),
            )
        )
    if setting is not None:
        setup = f"F = {show(setting.loss)}, w_t = {setting.start}, component {setting.picked}"
        iterate = "" if claims.next_iterate is None else claims.next_iterate.text
        statements = {
            "q6.counterexample": f"F(w_t+1) > F(w_t) for {setting.region} ({setup})",
            "q6.next_iterate": f"w_t+1 = {iterate} for {setting.region} ({setup})",
            "q6.next_iterate_sign": (
                f"w_t+1 is {claims.next_iterate_sign} for {setting.region} ({setup})"
            ),
        }
        for key, stated in step_claims(claims).items():
            args = (key, stated, setting, settings)
            checks.append(Check(key, "6", statements[key], decide_sheet_step, args))
    components = None if setting is None else setting.components
    for key, nonreal in (("real_roots", False), ("nonreal_roots", True)):
        claimed: int | None = getattr(claims, key)
        if claimed is not None:
            kind = "non-real" if nonreal else "real"
            checks.append(
                Check(
                    f"q6.{key}",
                    "6",
                    f"F has {claimed} distinct {kind} roots",
                    decide_root_count,
                    (claimed, nonreal, components),
                )
            )
    return checks


def main() -> None:
    settings = Settings()
    print("Q6 — theorem: an SGD step can increase the full loss")
    for line in prove_sgd_step_can_increase_loss_parts(settings).lines:
        print(" ", line)
    sheet = load_seed()
    setting = setting_of(sheet.q6)
    if setting is None:
        return
    print(
        f"\nThe seed sheet: F = {sympy.expand(setting.loss)}, w_t = {setting.start}, "
        f"component {setting.picked}, {setting.step_text}"
    )
    for key, stated in step_claims(sheet.q6).items():
        claim = step_claim(key, stated, setting)
        decision = decide_step_claim(claim, setting, settings)
        print(f"  {key}: {claim.claim}")
        for query in decision.queries:
            print(f"    {query}")
        print(f"    -> {decision.outcome.verdict}: {decision.outcome.evidence}")
    for check in claim_checks(sheet, settings, {}):
        if check.id.endswith("roots"):
            outcome = check.decide(*check.args)
            print(f"  {check.id}: {outcome.verdict}: {outcome.evidence}")


if __name__ == "__main__":
    from hw2check.derivation import module_main

    raise SystemExit(module_main("proofs.sgd", __doc__ or "", main))
