"""Q6: exact answers of the witness search, case by case (what the ledger rows do not pin)."""

from __future__ import annotations

from fractions import Fraction

import sympy

from hw2check.sheet import SGD_ETA
from proofs import sgd
from properties.sgd import POSITIVE, ZERO

ETA = SGD_ETA
UNCERTAIN_ZERO = sympy.sin(1) ** 2 + sympy.cos(1) ** 2 - 1  # 0, but evaluation cannot tell
HALF, ONE, TWO, THREE = Fraction(1, 2), Fraction(1), Fraction(2), Fraction(3)


def test_a_strict_failure_beats_an_earlier_boundary_one() -> None:
    # order: 0 (not a step size), 1 (h = 0: boundary), 2 (h > 0: holds), 1/2 (h < 0: strict)
    candidates = [TWO, ONE, HALF, Fraction(0)]
    assert sgd.find_witness(ETA - 1, POSITIVE, (), candidates) == sgd.Witness(HALF, True)
    assert sgd.find_witness(ETA - 1, POSITIVE, (), [TWO, ONE]) == sgd.Witness(ONE, False)
    assert sgd.find_witness(ETA - 1, POSITIVE, (), [TWO, Fraction(0)]) is None
    # a claim "= 0" fails at any nonzero value, with room
    assert sgd.find_witness(ETA - 1, ZERO, (), [ONE, TWO]) == sgd.Witness(TWO, True)


def test_a_boundary_failure_beats_a_value_that_is_not_real() -> None:
    h = sympy.sqrt(1 - 2 * ETA)  # sqrt(-1) at eta = 1 (not real), 0 at eta = 1/2
    assert sgd.find_witness(h, POSITIVE, (), [ONE, HALF]) == sgd.Witness(HALF, False)
    assert sgd.find_witness(h, POSITIVE, (), [ONE]) == sgd.Witness(ONE, True, real=False)
    assert sgd.find_witness(h, ZERO, (), [ONE]) == sgd.Witness(ONE, True, real=False)


def test_an_uncertain_zero_is_simplified_at_the_first_such_step_only() -> None:
    h = UNCERTAIN_ZERO * ETA
    assert sgd.find_witness(h, POSITIVE, (), [THREE, TWO]) == sgd.Witness(TWO, False)
    # outside the region it is not tried
    assert sgd.find_witness(h, POSITIVE, (ETA > 5,), [TWO]) is None
    # "= 0" is not broken by a value shown to be 0
    assert sgd.find_witness(h, ZERO, (), [TWO]) is None


def test_an_uncertain_value_is_not_simplified_once_a_failure_is_found() -> None:
    # at 1: exactly 0 (boundary failure); at 2: UNCERTAIN_ZERO, not simplified
    h = (ETA - 1) * (ETA - 2) + UNCERTAIN_ZERO * (ETA - 1)
    assert sgd.find_witness(h, POSITIVE, (), [TWO, ONE]) == sgd.Witness(ONE, False)
