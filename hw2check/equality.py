"""Is a claimed expression equal to the reference on the claim's domain?

``decide_equal`` answers with an ``Outcome``:

- ``proved`` when SymPy reduces claim - reference to 0 (under the symbols' assumptions) and
  the claim as written is a number on the whole domain (``surely_defined``: cancel would
  otherwise "prove" (g*w_t - g**2/lam)/g equal to w_t - g/lam, which it is not at g = 0);
- ``refuted`` with the first point of a deterministic grid of small rationals in the domain
  where the two differ (then, failing that, a point of a wide floating-point scan, as an
  exact rational); the difference there is re-verified exactly (a rational) or, for an
  irrational or non-real value, by SymPy's certified evaluation (``evalf(strict=True)``),
  which raises instead of returning digits it cannot guarantee.  A claim that is not a real
  number, or not defined at all (0/0), where the truth is a number differs from it there;
- ``checked`` when every grid point where both are defined agrees (exactly, or to
  ``CERTIFIED_DIGITS`` digits when exactness cannot be certified) but no symbolic proof was
  found;
- ``undecided`` when neither applies.

Symbolic algebra runs only on expressions whose expansion stays small (``affordable``): a
claim such as ``(w_t + 5)**10000`` is judged at points instead of being expanded.  The cheap
rewrites (expand, cancel) come first, then the first grid points (a wrong claim is usually
refuted there at once), and only then ``simplify``, which is slow.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import sympy

from hw2check.domain import (
    Definedness,
    both_definedness,
    condition_at,
    defined_at,
    in_domain,
)
from hw2check.expressions import UNDEFINED, format_rational, side_conditions, strip_guards
from hw2check.ledger import Outcome, checked, proved, refuted, undecided

# Candidate values, small first, so the witness a user reads is as simple as possible.
REALS: tuple[sympy.Rational, ...] = tuple(
    sympy.Rational(v) for v in ("0", "1", "-1", "2", "-2", "1/2", "-1/2", "3", "-3", "1/3", "5")
)
POSITIVES: tuple[sympy.Rational, ...] = tuple(
    sympy.Rational(v) for v in ("1", "2", "1/2", "3", "1/3", "5", "1/5", "7/2")
)
NONNEGATIVES: tuple[sympy.Rational, ...] = (sympy.Integer(0), *POSITIVES)
POSITIVE_INTEGERS: tuple[sympy.Rational, ...] = tuple(sympy.Integer(v) for v in (1, 2, 3, 5, 10))

MAX_POINTS = 4000
ZERO_QUERY_OPS = 40  # largest value (in operations) whose exact zero SymPy is asked about
# Largest exponent a point may give a power with a symbolic exponent (the sheets' limit).
MAX_EXPONENT = 10_000
INHABITED_POINTS = 200  # grid points searched for one where both sides are defined
QUICK_POINTS = 24  # grid points tried before ``simplify``: most wrong claims differ at one
CERTIFIED_DIGITS = 50
# Largest number of terms an expansion may reach before SymPy's rewrites are skipped, and the
# smaller limit for ``simplify``, whose cost grows much faster.
MAX_TERMS = 400
MAX_SIMPLIFY_TERMS = 60
# Largest number of decimal digits of a rational shown in full (Python refuses to print
# integers of more than 4300 digits; a witness must stay readable anyway).
MAX_SHOWN_DIGITS = 60
MAX_SHOWN_LENGTH = 200


def not_real(value: sympy.Expr) -> bool:
    """The value is certainly not a real number: undefined, or known to be non-real."""
    return bool(value.has(*UNDEFINED)) or value.is_extended_real is False


def candidates(symbol: sympy.Symbol) -> Sequence[sympy.Rational]:
    """Grid values that respect the symbol's assumptions (its domain)."""
    if symbol.is_integer and symbol.is_positive:
        return POSITIVE_INTEGERS
    if symbol.is_positive:
        return POSITIVES
    if symbol.is_nonnegative:
        return NONNEGATIVES
    return REALS


def grid(
    symbols: Sequence[sympy.Symbol], limit: int = MAX_POINTS
) -> Iterator[dict[sympy.Symbol, sympy.Rational]]:
    """Points of the product grid, those with small values first."""
    values = [candidates(symbol) for symbol in symbols]
    points = itertools.product(*(range(len(v)) for v in values))
    ordered = sorted(
        itertools.islice(points, limit * 4), key=lambda idx: (max(idx, default=0), idx)
    )
    for index in ordered[:limit]:
        yield {
            symbol: values[i][j] for i, (symbol, j) in enumerate(zip(symbols, index, strict=True))
        }


def expanded_terms(expression: sympy.Basic) -> int:
    """An upper estimate of the number of terms of the expression once expanded (numerators
    and denominators alike), growing fast enough to flag ``(a + b)**10000`` without expanding."""
    if expression.is_Atom:
        return 1
    if expression.is_Add:
        return sum(expanded_terms(a) for a in expression.args)
    if expression.is_Mul:
        out = 1
        for a in expression.args:
            out *= expanded_terms(a)
            if out > 10**9:
                return out
        return out
    if expression.is_Pow:
        base = expanded_terms(expression.base)
        exponent = expression.exp
        if exponent.is_Integer:
            n = abs(int(exponent))
            if base == 1:
                return 1
            if n > 10**4:
                return 10**10
            return math.comb(n + base - 1, base - 1) if base < 50 else 10**10
        return base + expanded_terms(exponent)
    return sum(expanded_terms(a) for a in expression.args) or 1


def affordable(expression: sympy.Basic, limit: int = MAX_TERMS) -> bool:
    """SymPy's rewrites may run on the expression: its expansion stays small."""
    return expanded_terms(expression) <= limit


def is_symbolically_zero(expression: sympy.Expr, *, slow: bool = True) -> bool:
    """True only when SymPy shows ``expression`` is identically 0 (``slow``: ``simplify``
    too, for small expressions)."""
    if expression == 0:
        return True
    if not affordable(expression):
        return False
    rewrites: list[Callable[[sympy.Expr], sympy.Expr]] = [sympy.expand, sympy.cancel]
    if slow and affordable(expression, MAX_SIMPLIFY_TERMS):
        rewrites.append(sympy.simplify)
    for simplify in rewrites:
        try:
            if simplify(expression) == 0:
                return True
        except (
            TypeError,
            ValueError,
            NotImplementedError,
            RecursionError,
            ArithmeticError,  # OverflowError on a value such as exp(exp(exp(10000)))
            sympy.polys.polyerrors.BasePolynomialError,
        ):
            continue
    return False


def surely_defined(expression: sympy.Expr) -> bool:
    """True only when SymPy's assumptions show the expression is a real number at every point
    of its symbols' domains: every denominator nonzero, every root of a nonnegative number
    (positive under a negative exponent), every log of a positive number, every tan of a
    point where cos is nonzero.  False when that cannot be shown (not: "undefined somewhere").

    A symbolic proof of claim == reference (or bound >= reference) says nothing about the points
    where the claim as written is not a number: cancel turns (g*w_t - g**2/lam)/g into
    w_t - g/lam, which is defined at g = 0 where the claim is not."""
    if expression.has(*UNDEFINED):
        return False
    for node in sympy.preorder_traversal(expression):
        if node.is_Pow:
            exponent = node.exp
            if not exponent.is_Rational:
                if not (node.base.is_positive and exponent.is_extended_real):
                    return False
                continue
            if exponent.is_negative and not node.base.is_nonzero:
                return False
            if not exponent.is_Integer and not (
                node.base.is_positive if exponent.is_negative else node.base.is_nonnegative
            ):
                return False
        elif isinstance(node, sympy.log):
            if not node.args[0].is_positive:
                return False
        elif isinstance(node, sympy.tan):
            if not sympy.cos(node.args[0]).is_nonzero:
                return False
        elif isinstance(node, sympy.Function) and not isinstance(
            node, sympy.exp | sympy.sin | sympy.cos | sympy.Abs
        ):
            return False
    return True


def show(value: sympy.Basic, describe: Callable[[sympy.Basic], str] = str) -> str:
    """The value as evidence text: a rational too long to print by its leading digits, a
    long closed-form number by its value, a long expression by its two ends."""
    try:
        if value.is_Rational and _bits(value) > MAX_SHOWN_DIGITS * 3.33:
            return f"{sympy.N(value, 15)} (a rational of about {_digits(value)} digits)"
        text = describe(value)
    except ValueError:  # an integer too long for str() inside a larger expression
        return f"{sympy.N(value, 15)} (exact form too long to print)"
    if len(text) <= MAX_SHOWN_LENGTH:
        return text
    if not value.free_symbols:
        return f"{sympy.N(value, 15)} (exact form of {len(text)} characters)"
    half = MAX_SHOWN_LENGTH // 2
    return f"{text[:half]} ... {text[-half:]} ({len(text)} characters)"


def _gap(difference: sympy.Expr) -> str:
    """``claim - truth ~ 0.25``, or a note when the difference is too large to print."""
    try:
        return f"claim - truth ~ {sympy.N(difference, 3)}"
    except (ValueError, OverflowError):  # an exponent of thousands of digits
        return "claim - truth too large to print"


def _bits(value: sympy.Rational) -> int:
    """Bits of the longer of the numerator and denominator."""
    return max(abs(int(value.p)).bit_length(), int(value.q).bit_length())


def _digits(value: sympy.Rational) -> int:
    return int(_bits(value) * 0.30103) + 1


@dataclass(frozen=True)
class Sign:
    """A certified sign of an exact value: -1, 0 or 1, or None when it cannot be certified."""

    sign: int | None
    value: sympy.Expr


_NOT_CERTIFIED = (sympy.core.evalf.PrecisionExhausted, TypeError, ValueError, ArithmeticError)


def _certified(value: sympy.Expr) -> sympy.Expr | None:
    """The value to ``CERTIFIED_DIGITS`` digits by certified evaluation, None when SymPy
    cannot guarantee them (or overflows: ``exp(exp(exp(10000)))``)."""
    try:
        approx: sympy.Expr = value.evalf(CERTIFIED_DIGITS, strict=True)
    except _NOT_CERTIFIED:
        return None
    return approx


def certified_sign(value: sympy.Expr) -> Sign:
    """The sign of a closed-form real number, exactly or by certified evaluation."""
    value = sympy.nsimplify(value) if value.is_Float else value
    if value.is_Rational:
        return Sign(int(sympy.sign(value)), value)
    if not_real(value):
        return Sign(None, value)
    approx = _certified(value)
    if approx is None or not approx.is_Number or approx.is_real is False:
        return Sign(None, value)
    if approx == 0:
        # strict evalf of an exact zero gives 0 only when it proved the value is 0
        return Sign(0, value) if value.is_zero else Sign(None, value)
    return Sign(1 if approx > 0 else -1, value)


def certified_nonzero(value: sympy.Expr) -> bool | None:
    """value != 0 (True), value == 0 (False), certified exactly or by certified evaluation;
    None when neither can be certified.  A non-real value is nonzero when its certified
    evaluation is (the accuracy is relative to its modulus)."""
    if value.is_Rational:
        return bool(value != 0)
    approx = _certified(value)
    if (
        approx is not None
        and (approx.is_Number or approx.is_Add or approx.is_Mul)
        and not (approx.free_symbols or approx.has(*UNDEFINED))
        and approx != 0
    ):
        return True
    # Not certified nonzero: SymPy's assumptions may still show an exact zero.  They evaluate
    # numerically at rising precision, which is slow on large values and cannot show a zero
    # there anyway, so they are asked only of small ones.
    if sympy.count_ops(value) > ZERO_QUERY_OPS:
        return None
    try:
        return False if value.is_zero else None
    except _NOT_CERTIFIED:
        return None


def agrees_numerically(value: sympy.Expr) -> bool:
    """|value| < 10**-(CERTIFIED_DIGITS - 10) at CERTIFIED_DIGITS digits: numerical agreement,
    used only to count a grid point as agreeing for ``checked`` (never for proved/refuted)."""
    try:
        approx = complex(value.evalf(CERTIFIED_DIGITS))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return False
    return abs(approx) < 10.0 ** (10 - CERTIFIED_DIGITS)


def _explodes(expr: sympy.Expr, point: Mapping[sympy.Symbol, sympy.Expr]) -> bool:
    """Substituting the point would raise a number to an exponent over the sheet's limit
    (a**b at a = 10**9, b = 10**9 is a number of 30 billion bits: SymPy would compute it)."""
    if not isinstance(expr, sympy.Basic):
        return False
    for power in expr.atoms(sympy.Pow):
        if power.exp.free_symbols:
            try:
                exponent = power.exp.xreplace(dict(point))
            except (TypeError, ValueError, ArithmeticError):
                return True
            if exponent.is_Rational and abs(exponent) > MAX_EXPONENT:
                return True
    return False


@dataclass
class _Comparison:
    """Claim and reference compared at points, exactly."""

    claim: sympy.Expr
    reference: sympy.Expr
    agreed: int = 0
    numeric: int = 0
    uncertain: int = 0

    def differs_at(self, point: Mapping[sympy.Symbol, sympy.Expr]) -> tuple[sympy.Expr, ...] | None:
        """(claim value, reference value) when they certainly differ at the point."""
        if _explodes(self.claim, point) or _explodes(self.reference, point):
            self.uncertain += 1
            return None
        try:
            claim_value = self.claim.xreplace(dict(point))
            reference_value = self.reference.xreplace(dict(point))
        except (TypeError, ValueError, ArithmeticError):
            # SymPy could not even substitute (an overflow, in some orders of evaluation):
            # the point is neither an agreement nor a difference
            self.uncertain += 1
            return None
        # Where exactly one side is defined (its natural domain, read from the sheet's tree,
        # or its value a real number), the two differ, whichever side it is; where neither
        # is, there is nothing to compare.
        claim_defined = _defined(self.claim, claim_value, point)
        reference_defined = _defined(self.reference, reference_value, point)
        if claim_defined is False and reference_defined is False:
            return None
        if claim_defined is False or reference_defined is False:
            if claim_defined is None or reference_defined is None:
                self.uncertain += 1
                return None
            return (
                _outside(self.claim, claim_value, point),
                _outside(self.reference, reference_value, point),
            )
        try:
            difference = sympy.expand(claim_value - reference_value)
        except (TypeError, ValueError, ArithmeticError, RecursionError):
            self.uncertain += 1
            return None
        if difference.has(*UNDEFINED):
            self.uncertain += 1
            return None
        if difference != 0 and not difference.is_Rational:
            # the expansion shows an exact 0 when there is one; a value that is not, SymPy
            # evaluates faster in whichever form has fewer operations
            plain = claim_value - reference_value
            if not plain.has(*UNDEFINED) and sympy.count_ops(plain) < sympy.count_ops(difference):
                difference = plain
        nonzero = certified_nonzero(difference)
        if nonzero:
            return claim_value, reference_value
        if nonzero is False:
            self.agreed += 1
        elif agrees_numerically(difference):
            self.numeric += 1
        else:
            self.uncertain += 1
        return None


def _defined(
    expr: sympy.Expr, value: sympy.Expr, point: Mapping[sympy.Symbol, sympy.Expr]
) -> bool | None:
    """The expression is a real number at the point: its side conditions hold there and its
    value is not certainly non-real (None: cannot be certified)."""
    if not_real(value):
        return False
    return defined_at(expr, point)


class OutsideDomain(sympy.Function):  # type: ignore[misc]  # SymPy is untyped
    """The value of an expression at a point outside its natural domain: ``OutsideDomain(v,
    c)`` is what SymPy computes there (v, possibly a real number: sqrt(-1)*sqrt(-1) is -1) and
    the side condition c that fails, for the evidence."""

    nargs = 2


def _outside(
    expr: sympy.Expr, value: sympy.Expr, point: Mapping[sympy.Symbol, sympy.Expr]
) -> sympy.Expr:
    """The value, marked when a side condition fails at the point but SymPy still computes a
    number there (a value that is already undefined or not real speaks for itself)."""
    if not_real(value):
        return value
    for condition in side_conditions(expr):
        if condition_at(condition, point) is False:
            return OutsideDomain(value, sympy.Symbol(condition.describe()))
    return value


def scan_points(
    symbols: Sequence[sympy.Symbol], count: int = 2000, seed: int = 0
) -> Iterator[dict[sympy.Symbol, sympy.Rational]]:
    """Points far from the small grid: magnitudes from 10**-9 to 10**9, random mantissas,
    as exact rationals in the symbols' domains."""
    rng = random.Random(seed)

    def value(symbol: sympy.Symbol) -> sympy.Rational:
        if symbol.is_integer and symbol.is_positive:
            return sympy.Integer(max(1, int(10 ** rng.uniform(0, 6))))
        if symbol.is_nonnegative and rng.random() < 0.1:
            return sympy.Integer(0)
        sign = -1 if not symbol.is_nonnegative and rng.random() < 0.5 else 1
        magnitude = 10 ** rng.uniform(-9, 9)
        digits = rng.randint(1, 4)  # short mantissas, so that a witness stays readable
        return sympy.Rational(f"{sign * magnitude:.{digits}g}")

    for _ in range(count):
        point = {symbol: value(symbol) for symbol in symbols}
        if all(in_domain(symbol, v) for symbol, v in point.items()):
            yield point


def simpler_values(value: sympy.Rational) -> Iterator[sympy.Rational]:
    """Rationals simpler than ``value``: small integers, its power of ten, then ``value`` to
    1, 2, 3 significant digits (decimals, exact)."""
    yield from (sympy.Integer(v) for v in (0, 1, -1, 2, -2))
    approx = float(value)
    if approx != 0:
        yield sympy.Rational(f"{math.copysign(1, approx)}e{math.floor(math.log10(abs(approx)))}")
    for digits in (1, 2, 3):
        yield sympy.Rational(f"{approx:.{digits}g}")


def shrink(
    comparison: _Comparison, point: dict[sympy.Symbol, sympy.Rational]
) -> dict[sympy.Symbol, sympy.Rational]:
    """Greedily replace each coordinate by a simpler value while claim and truth still
    certainly differ there (so that the witness a user reads is short)."""
    for symbol in list(point):
        for candidate in simpler_values(point[symbol]):
            if candidate == point[symbol]:
                break  # already this simple: the candidates after it are not simpler
            if not in_domain(symbol, candidate):
                continue
            trial = {**point, symbol: candidate}
            if comparison.differs_at(trial) is not None:
                point = trial
                break
    return point


def scan(
    comparison: _Comparison, symbols: Sequence[sympy.Symbol], exact_tries: int = 20
) -> tuple[dict[sympy.Symbol, sympy.Rational], tuple[sympy.Expr, ...]] | None:
    """A wide floating-point scan for points where claim and reference seem to differ, each
    then compared exactly (floats only choose where to look)."""
    try:
        function = sympy.lambdify(
            list(symbols), comparison.claim - comparison.reference, modules="mpmath"
        )
    except (TypeError, ValueError, SyntaxError, RecursionError, ArithmeticError):
        return None
    scored: list[tuple[float, dict[sympy.Symbol, sympy.Rational]]] = []
    for point in scan_points(symbols):
        try:
            value = complex(function(*(float(v) for v in point.values())))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError, ArithmeticError):
            continue
        if math.isfinite(value.real) and math.isfinite(value.imag) and abs(value) > 1e-12:
            scored.append((abs(value), point))
    scored.sort(key=lambda item: -item[0])
    for _, point in scored[:exact_tries]:
        if comparison.differs_at(point) is not None:
            point = shrink(comparison, point)
            values = comparison.differs_at(point)
            if values is not None:
                return point, values
    return None


def _describe_value(value: sympy.Expr, describe: Callable[[sympy.Basic], str]) -> str:
    if isinstance(value, OutsideDomain):
        return f"not defined ({value.args[1]} fails there)"
    if value.has(*UNDEFINED):
        return f"not defined (it evaluates to {value}: a division by zero or the like)"
    real = "" if value.is_extended_real is not False else " (not a real number)"
    return f"{show(value, describe)}{real}"


def _refutation(
    point: Mapping[sympy.Symbol, sympy.Expr],
    values: tuple[sympy.Expr, ...],
    method: str,
    names: Mapping[sympy.Symbol, str],
    describe: Callable[[sympy.Basic], str],
) -> Outcome:
    at = ", ".join(f"{names[s]} = {format_rational(v)}" for s, v in point.items())
    claim_value, reference_value = values
    truth = _describe_value(reference_value, describe)
    gap = ""
    if claim_value.has(*UNDEFINED) or isinstance(claim_value, OutsideDomain):
        said = f"the claim is {_describe_value(claim_value, describe)}"
    else:
        said = f"the claim gives {_describe_value(claim_value, describe)}"
        if not (reference_value.has(*UNDEFINED) or isinstance(reference_value, OutsideDomain)):
            gap = f" ({_gap(claim_value - reference_value)})"
    evidence = f"{'at ' + at + ': ' if at else ''}{said}, the truth is {truth}{gap}"
    witness = {names[s]: format_rational(v) for s, v in point.items()}
    if not witness:  # no symbols: the two numbers are the witness
        witness = {"claim": show(claim_value, describe), "truth": show(reference_value, describe)}
    return refuted(method, evidence, witness)


def _domain_undecided(domain: Definedness) -> Outcome:
    assert domain.failing is not None
    return undecided(
        "exact root isolation of the side conditions",
        f"the two sides have different natural domains: {domain.failing.describe()} fails at "
        f"{domain.where()} only (not a rational point), where one side is not defined and "
        "the other is",
    )


def decide_equal(
    claim: sympy.Expr,
    reference: sympy.Expr,
    *,
    symbols: Sequence[sympy.Symbol],
    describe: Callable[[sympy.Expr], str] = str,
    witness_names: Mapping[sympy.Symbol, str] | None = None,
) -> Outcome:
    """Decide claim == reference for all values of ``symbols`` in their domains.

    The two must have the same natural domain (``both_definedness``: side conditions read
    from the sheet's tree) and agree on it; the decision does not depend on which side is
    the claim, apart from the wording of the evidence."""
    difference = claim - reference
    names = witness_names or {symbol: symbol.name for symbol in symbols}

    def proof() -> Outcome:
        return proved(
            "SymPy simplification",
            f"{show(claim, describe)} - ({show(reference, describe)}) simplifies to 0",
        )

    def refutation(
        point: Mapping[sympy.Symbol, sympy.Expr], values: tuple[sympy.Expr, ...], method: str
    ) -> Outcome:
        return _refutation(point, values, method, names, describe)

    # A proof by rewriting holds only where both are numbers: it counts when their natural
    # domains are the same on the symbols' domain; otherwise the points decide.
    domain = both_definedness(claim, reference, symbols)
    comparison = _Comparison(claim, reference)
    if domain.point is not None:
        found = comparison.differs_at(domain.point)
        if found is not None:
            return refutation(
                domain.point,
                found,
                "exact root isolation of the side conditions, values by exact substitution",
            )
    points, cancelled = _exact_points(difference, symbols)
    provable = domain.holds and _inhabited(claim, reference, points)
    if provable and (cancelled == 0 or is_symbolically_zero(difference, slow=False)):
        return proof()
    hit = _first_difference(comparison, points[:QUICK_POINTS])
    slow = provable and affordable(difference, MAX_SIMPLIFY_TERMS)
    if hit is None and slow and is_symbolically_zero(difference):
        return proof()
    hit = hit or _first_difference(comparison, points[QUICK_POINTS:])
    if hit is not None:
        return refutation(*hit, "SymPy exact substitution")
    scanned = scan(comparison, symbols)
    if scanned is not None:
        return refutation(
            *scanned, "floating-point scan, difference re-verified by exact substitution"
        )
    if domain.irrational is not None:
        return _domain_undecided(domain)
    return _no_difference(comparison)


Point = dict[sympy.Symbol, sympy.Rational]


def _exact_points(
    difference: sympy.Expr, symbols: Sequence[sympy.Symbol]
) -> tuple[list[Point], sympy.Expr | None]:
    """The grid, and the difference cancelled when it is a rational function: one that
    cancel shows nonzero is nonzero at a point of a grid fine enough for its degree, which is
    added (exact, never sampled)."""
    points = list(grid(symbols))
    cancelled = rational_difference(difference, symbols)
    if cancelled is not None and cancelled != 0:
        points += list(itertools.islice(nonzero_points(cancelled, symbols), MAX_POINTS))
    return points, cancelled


def _first_difference(
    comparison: _Comparison, points: Sequence[Point]
) -> tuple[Point, tuple[sympy.Expr, ...]] | None:
    for point in points:
        found = comparison.differs_at(point)
        if found is not None:
            return point, found
    return None


# cancel handles products of many small factors cheaply: a looser bound than MAX_TERMS
MAX_RATIONAL_TERMS = 5000
MAX_WITNESS_DEGREE = 24  # degree up to which the exact witness grid of a polynomial is tried


def rational_difference(
    difference: sympy.Expr, symbols: Sequence[sympy.Symbol]
) -> sympy.Expr | None:
    """The difference as one cancelled rational function of the symbols (guards dropped: the
    domains are decided apart), or None when it is not one or is too large."""
    plain = strip_guards(difference)
    try:
        if not affordable(plain, MAX_RATIONAL_TERMS) or not plain.is_rational_function(*symbols):
            return None
        powers = plain.atoms(sympy.Pow)
        if any(abs(p.exp) > MAX_WITNESS_DEGREE for p in powers if p.exp.is_Integer):
            return None  # (w - w_t)**1000: cancel would expand it, and no witness grid is tried
        return sympy.cancel(sympy.together(plain))
    except (sympy.polys.polyerrors.PolynomialError, RecursionError, ValueError, ArithmeticError):
        return None  # ArithmeticError: an overflow such as exp(exp(exp(10000)))


def nonzero_points(
    cancelled: sympy.Expr, symbols: Sequence[sympy.Symbol]
) -> Iterator[dict[sympy.Symbol, sympy.Rational]]:
    """Points of a grid on which a nonzero rational function is certainly nonzero somewhere:
    a nonzero polynomial of degree at most d in each variable does not vanish on every point
    of a product of sets of d + 1 values (the combinatorial Nullstellensatz), and the grid
    skips the denominator's zeros only where that is a number to avoid."""
    numerator, _ = sympy.fraction(cancelled)
    free = [s for s in symbols if s in numerator.free_symbols]
    degree = max((sympy.degree(numerator, s) for s in free), default=0)
    if degree > MAX_WITNESS_DEGREE:
        return
    fixed = {s: _first_value(s) for s in symbols if s not in free}
    # twice the values needed, so that the denominator's zeros and the domains leave enough
    values = [[v for v in _values(s, 2 * int(degree) + 2)] for s in free]
    for combination in itertools.product(*values):
        point = {**fixed, **dict(zip(free, combination, strict=True))}
        yield {symbol: point[symbol] for symbol in symbols}


def _values(symbol: sympy.Symbol, count: int) -> list[sympy.Rational]:
    start = 1 if symbol.is_positive else 0
    return [sympy.Integer(start + k) for k in range(count)]


def _first_value(symbol: sympy.Symbol) -> sympy.Rational:
    return sympy.Integer(1 if symbol.is_positive else 0)


def _inhabited(
    claim: sympy.Expr, reference: sympy.Expr, points: Sequence[Mapping[sympy.Symbol, sympy.Expr]]
) -> bool:
    """Some grid point is in both natural domains (an identity on an empty domain, such as
    log(-w**2 - 1) against itself, is not counted as proved)."""
    if not side_conditions(claim) and not side_conditions(reference):
        return True
    return any(
        defined_at(claim, point) and defined_at(reference, point)
        for point in points[:INHABITED_POINTS]
    )


def _no_difference(comparison: _Comparison) -> Outcome:
    if comparison.agreed or comparison.numeric:
        numeric = (
            f" ({comparison.numeric} of them to {CERTIFIED_DIGITS} digits, not exactly)"
            if comparison.numeric
            else ""
        )
        uncertain = (
            f"; at {comparison.uncertain} more the difference could not be evaluated reliably"
            if comparison.uncertain
            else ""
        )
        return checked(
            "exact substitution on a grid of rationals",
            f"claim and reference agree at {comparison.agreed + comparison.numeric} grid "
            f"points{numeric}{uncertain}; no symbolic proof found",
        )
    if comparison.uncertain:
        return undecided(
            "SymPy simplification and certified evaluation",
            f"no symbolic proof, and at all {comparison.uncertain} grid points where both are "
            "defined the difference could not be certified (a value too large or too close "
            "to zero to evaluate)",
        )
    return undecided(
        "SymPy simplification", "no symbolic proof and no point where both are defined"
    )
