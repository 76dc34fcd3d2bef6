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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

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
        except (TypeError, ValueError, NotImplementedError, RecursionError):
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
    except (sympy.core.evalf.PrecisionExhausted, TypeError, ValueError, ZeroDivisionError):
        return Sign(None, value)
    if not approx.is_Number or approx.is_real is False:
        return Sign(None, value)
    if approx == 0:
        # strict evalf of an exact zero gives 0 only when it proved the value is 0
        return Sign(0, value) if value.is_zero else Sign(None, value)
    return Sign(1 if approx > 0 else -1, value)


def decide_equal(
    claim: sympy.Expr,
    reference: sympy.Expr,
    *,
    symbols: Sequence[sympy.Symbol],
    describe: Callable[[sympy.Expr], str] = str,
    witness_names: Mapping[sympy.Symbol, str] | None = None,
) -> Outcome:
    """Decide claim == reference for all values of ``symbols`` in their domains."""
    difference = claim - reference
    if is_symbolically_zero(difference):
        return proved(
            "SymPy simplification",
            f"{describe(claim)} - ({describe(reference)}) simplifies to 0",
        )
    names = witness_names or {symbol: symbol.name for symbol in symbols}
    tried = 0
    for point in grid(symbols):
        try:
            claim_value = claim.subs(point)
            reference_value = reference.subs(point)
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if any(
            v.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) for v in (claim_value, reference_value)
        ):
            continue  # outside where both sides are defined
        tried += 1
        sign = certified_sign(sympy.expand(claim_value - reference_value))
        if sign.sign is not None and sign.sign != 0:
            at = ", ".join(f"{names[s]} = {format_rational(v)}" for s, v in point.items())
            return refuted(
                "SymPy exact substitution",
                f"at {at}: the claim gives {describe(claim_value)}, "
                f"the truth is {describe(reference_value)}",
                {names[s]: format_rational(v) for s, v in point.items()},
            )
    if tried:
        return checked(
            "exact substitution on a grid of rationals",
            f"claim and reference agree at {tried} grid points; no symbolic proof found",
        )
    return undecided(
        "SymPy simplification", "no symbolic proof and no point where both are defined"
    )
