"""Properties of one SGD step as functions of the step size eta.

A claim of ``[q6]`` has the shape "for every eta > 0 satisfying the step-size relations,
h(eta) > 0" (kind ``"positive"``) or "h(eta) = 0" (kind ``"zero"``), with h a closed-form
SymPy expression in ``SGD_ETA``.  The functions here decide, at ONE exact rational eta,
whether eta lies in the region and whether the claim fails there.  Every answer is exact or
certified (``certified_sign``; an exact zero that evaluation cannot certify is shown by SymPy
simplification where asked), and a sign that cannot be certified counts as "not shown":
never as a failure, and never as a case where the claim held.  A value certified NOT to be
a real number (the step left the domain of F: log of a negative number, division by zero)
breaks the claim: "F(w_t+1) > F(w_t)" and "the claim equals the real w_t+1" are false
there.  The proofs module re-verifies its witnesses with ``fails_at``, and
``search_failure`` is the command's seeded search over eta when no proof applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy
from hypothesis import strategies as st

from hw2check.equality import certified_sign, is_symbolically_zero, not_real
from hw2check.sheet import SGD_ETA
from properties.search import search

POSITIVE, ZERO = "positive", "zero"

# The sign a relation lhs - rhs must have for the relation to hold.
_HOLDS: dict[str, frozenset[int]] = {
    ">": frozenset({1}),
    ">=": frozenset({0, 1}),
    "<": frozenset({-1}),
    "<=": frozenset({-1, 0}),
}


def as_rational(value: Fraction) -> sympy.Rational:
    return sympy.Rational(value.numerator, value.denominator)


def relation_holds(relation: sympy.Basic, eta: Fraction) -> bool | None:
    """Does the relation hold at eta?  None when its sign cannot be certified."""
    if relation is sympy.true:
        return True
    if relation is sympy.false:
        return False
    if not isinstance(relation, sympy.core.relational.Relational) or relation.rel_op not in _HOLDS:
        return None
    at = {SGD_ETA: as_rational(eta)}
    difference = sympy.expand(relation.lhs.subs(at) - relation.rhs.subs(at))
    sign = certified_sign(difference).sign
    return None if sign is None else sign in _HOLDS[relation.rel_op]


def in_region(relations: Sequence[sympy.Basic], eta: Fraction) -> bool:
    """eta > 0 and every relation certified to hold at eta."""
    return eta > 0 and all(relation_holds(relation, eta) is True for relation in relations)


# The "sign" of a value certified not to be a (finite) real number.
NOT_REAL = 2


def exact_sign(value: sympy.Expr, prove_zero: bool = False) -> int | None:
    """-1, 0 or 1 certified, ``NOT_REAL`` when certified not a finite real number, else None.

    With ``prove_zero``, a value evaluation cannot certify is also tried by SymPy
    simplification (slow on trigonometric values: the callers ask for it sparingly).
    """
    sign = certified_sign(value).sign
    if sign is not None:
        return sign
    if not_real(value):
        return NOT_REAL
    if certified_sign(sympy.im(value)).sign in (-1, 1):
        return NOT_REAL
    # evaluation cannot certify an exact zero (sin(1)**2 + cos(1)**2 - 1): simplification can
    return 0 if prove_zero and is_symbolically_zero(value) else None


def claim_sign(h: sympy.Expr, eta: Fraction, prove_zero: bool = False) -> int | None:
    """The certified sign of h(eta) (or ``NOT_REAL``), or None."""
    return exact_sign(sympy.expand(h.subs(SGD_ETA, as_rational(eta))), prove_zero)


def breaks(kind: str, sign: int | None) -> bool:
    """A certified sign of h breaks the claim: h <= 0 for ``positive``, h != 0 for ``zero``,
    and a value that is not a real number breaks both."""
    if sign is None:
        return False
    if sign == NOT_REAL:
        return True
    return sign <= 0 if kind == POSITIVE else sign != 0


def failure_sign(
    h: sympy.Expr,
    kind: str,
    relations: Sequence[sympy.Basic],
    eta: Fraction,
    prove_zero: bool = False,
) -> int | None:
    """The certified sign of h(eta) when eta is an exactly re-verified counterexample: in the
    region, and the claim fails there; None otherwise."""
    if not in_region(relations, eta):
        return None
    sign = claim_sign(h, eta, prove_zero)
    return sign if breaks(kind, sign) else None


def fails_at(h: sympy.Expr, kind: str, relations: Sequence[sympy.Basic], eta: Fraction) -> bool:
    """eta is an exactly re-verified counterexample to the claim."""
    return failure_sign(h, kind, relations, eta) is not None


def step_sizes() -> st.SearchStrategy[Fraction]:
    """Positive rationals from 1/1000 to 1000; shrinking moves toward small integers."""
    return st.builds(Fraction, st.integers(1, 1000), st.integers(1, 1000))


STEP_SIZES = "Fraction(p, q), 1 <= p, q <= 1000"


@dataclass(frozen=True)
class StepSearch:
    """The smallest counterexample found (or None), cases tried, how many were in the region,
    and of those how many the claim was certified to hold at (the rest: sign not certified)."""

    counterexample: Fraction | None
    cases: int
    in_region: int
    generator: str
    held: int = 0


def search_failure(
    h: sympy.Expr, kind: str, relations: Sequence[sympy.Basic], *, examples: int, seed: int
) -> StepSearch:
    """A seeded search over step sizes for an exactly verified failure of the claim."""
    inside = held = 0

    def violates(eta: Fraction) -> bool:
        nonlocal inside, held
        if not in_region(relations, eta):
            return False
        inside += 1
        sign = claim_sign(h, eta)
        held += sign is not None and not breaks(kind, sign)
        return breaks(kind, sign)

    result = search(step_sizes(), violates, examples=examples, seed=seed, generator=STEP_SIZES)
    return StepSearch(result.counterexample, result.cases, inside, result.generator, held)
