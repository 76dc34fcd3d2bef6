"""Is a claimed expression equal to the reference on the claim's domain?

``decide_equal`` answers with an ``Outcome``:

- ``proved`` when SymPy reduces claim - reference to 0 (under the symbols' assumptions);
- ``refuted`` with the first point of a deterministic grid of small rationals in the domain
  where the two differ; the difference there is re-verified exactly (a rational) or, for an
  irrational value, by SymPy's certified evaluation (``evalf(strict=True)``), which raises
  instead of returning digits it cannot guarantee;
- ``checked`` when every grid point agrees but no symbolic proof was found;
- ``undecided`` when neither applies.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

import sympy

from hw2check.expressions import format_rational
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
CERTIFIED_DIGITS = 50


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


def is_symbolically_zero(expression: sympy.Expr) -> bool:
    """True only when SymPy shows ``expression`` is identically 0."""
    if expression == 0:
        return True
    for simplify in (sympy.expand, sympy.cancel, sympy.simplify):
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


@dataclass(frozen=True)
class Sign:
    """A certified sign of an exact value: -1, 0 or 1, or None when it cannot be certified."""

    sign: int | None
    value: sympy.Expr


def certified_sign(value: sympy.Expr) -> Sign:
    """The sign of a closed-form real number, exactly or by certified evaluation."""
    value = sympy.nsimplify(value) if value.is_Float else value
    if value.is_Rational:
        return Sign(int(sympy.sign(value)), value)
    if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or value.is_extended_real is False:
        return Sign(None, value)
    try:
        approx = value.evalf(CERTIFIED_DIGITS, strict=True)
    except (sympy.core.evalf.PrecisionExhausted, TypeError, ValueError, ArithmeticError):
        # ArithmeticError: OverflowError for a value such as exp(exp(exp(10000))).
        return Sign(None, value)
    if not approx.is_Number or approx.is_real is False:
        return Sign(None, value)
    if approx == 0:
        # strict evalf of an exact zero gives 0 only when it proved the value is 0
        return Sign(0, value) if value.is_zero else Sign(None, value)
    return Sign(1 if approx > 0 else -1, value)


# Evidence shows an expression in full up to this many characters, abridged beyond.
SHOWN_CHARACTERS = 240
# Grid points tried before any symbolic simplification: a wrong claim is usually refuted at
# one of the first points in milliseconds, while expanding, say, (1 + w_t)**10000 or
# simplifying a large trigonometric power can take longer than any time limit.
PROBE_POINTS = 8


def abridged(expr: sympy.Basic | str) -> str:
    """An expression as evidence text, abridged when it is long."""
    text = str(expr)
    if len(text) <= SHOWN_CHARACTERS:
        return text
    half = SHOWN_CHARACTERS // 2
    return f"{text[:half]} ... {text[-half:]} ({len(text)} characters)"


@dataclass(frozen=True)
class _Difference:
    """Where claim and reference were compared on the grid, and the first point they differ."""

    agreed: int
    uncertain: int
    point: dict[sympy.Symbol, sympy.Rational] | None = None
    claim_value: sympy.Expr | None = None
    reference_value: sympy.Expr | None = None


def _first_difference(
    claim: sympy.Expr, reference: sympy.Expr, points: Iterable[dict[sympy.Symbol, sympy.Rational]]
) -> _Difference:
    agreed = uncertain = 0
    for point in points:
        try:
            claim_value = claim.subs(point)
            reference_value = reference.subs(point)
        except (TypeError, ValueError, ArithmeticError):
            continue
        if any(
            v.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) for v in (claim_value, reference_value)
        ):
            continue  # outside where both sides are defined
        sign = certified_sign(sympy.expand(claim_value - reference_value))
        if sign.sign is None:
            uncertain += 1  # neither agreement nor a witness
        elif sign.sign == 0:
            agreed += 1
        else:
            return _Difference(agreed, uncertain, point, claim_value, reference_value)
    return _Difference(agreed, uncertain)


def decide_equal(
    claim: sympy.Expr,
    reference: sympy.Expr,
    *,
    symbols: Sequence[sympy.Symbol],
    describe: Callable[[sympy.Expr], str] = abridged,
    witness_names: Mapping[sympy.Symbol, str] | None = None,
) -> Outcome:
    """Decide claim == reference for all values of ``symbols`` in their domains."""
    names = witness_names or {symbol: symbol.name for symbol in symbols}
    points = grid(symbols)
    found = _first_difference(claim, reference, itertools.islice(points, PROBE_POINTS))
    if found.point is None:
        if is_symbolically_zero(claim - reference):
            return proved(
                "SymPy simplification",
                f"{describe(claim)} - ({describe(reference)}) simplifies to 0",
            )
        rest = _first_difference(claim, reference, points)
        found = replace(
            rest, agreed=found.agreed + rest.agreed, uncertain=found.uncertain + rest.uncertain
        )
    if found.point is not None:
        at = ", ".join(f"{names[s]} = {format_rational(v)}" for s, v in found.point.items())
        return refuted(
            "SymPy exact substitution",
            f"at {at}: the claim gives {describe(found.claim_value)}, "
            f"the truth is {describe(found.reference_value)}",
            {names[s]: format_rational(v) for s, v in found.point.items()},
        )
    unsure = (
        f"; at {found.uncertain} more the difference could not be certified"
        if found.uncertain
        else ""
    )
    if found.agreed:
        return checked(
            "exact substitution on a grid of rationals",
            f"claim and reference agree at {found.agreed} grid points{unsure}; "
            "no symbolic proof found",
        )
    if found.uncertain:
        return undecided(
            "SymPy simplification and certified evaluation",
            f"no symbolic proof, and at all {found.uncertain} grid points where both are "
            "defined the difference could not be certified (a value too large or too close "
            "to zero to evaluate)",
        )
    return undecided(
        "SymPy simplification", "no symbolic proof and no point where both are defined"
    )
