"""Q6: exact answers of the witness search, case by case (what the ledger rows do not pin)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import sympy

from hw2check.ledger import Outcome, refuted
from hw2check.sheet import SGD_ETA, parse_sheet
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


INCREASES = "(SymPy assumptions), so h increases"


def test_monotonicity_arguments_of_each_order() -> None:
    prove = sgd.prove_positive_by_monotonicity
    assert prove(ETA) == "h^(0)(t) > 0 for every t > 0 (SymPy assumptions)"
    assert prove(sympy.exp(ETA) - 1) == (
        f"h^(0)(0) = 0 >= 0, and h^(1)(t) > 0 for every t > 0 {INCREASES}"
    )
    assert prove(sympy.exp(ETA) - ETA) == (
        f"h^(0)(0) = 1 >= 0, h^(1)(0) = 0 >= 0, and h^(2)(t) > 0 for every t > 0 {INCREASES}"
    )
    assert prove(sympy.exp(ETA) - 1 - ETA) == (
        f"h^(0)(0) = 0 >= 0, h^(1)(0) = 0 >= 0, and h^(2)(t) > 0 for every t > 0 {INCREASES}"
    )
    # the third derivative exp(t) > 0 would do, but the argument stops at the second
    assert prove(sympy.exp(ETA) - 1 - ETA - ETA**2 / 2) is None
    assert prove(sympy.exp(ETA) - 2) is None  # h(0) = -1


def test_arguments_from_the_lower_end_of_the_region() -> None:
    prove = sgd.prove_positive_from_lower_end
    h = sympy.exp(ETA) - 2
    assert prove(h, (ETA >= 1,)) == (
        "R starts at eta = 1; with h(eta) = exp(eta) - 2 and eta = 1 + t: h^(0)(0) = -2 + E >= 0, "
        f"and h^(1)(t) > 0 for every t > 0 {INCREASES}, so h > 0 for every eta > 1; "
        "h(1) = -2 + E > 0 (certified)"
    )
    at_e = sympy.exp(ETA) - sympy.E  # 0 at the region's closed end: not positive on R
    assert prove(at_e, (ETA >= 1,)) is None
    assert prove(at_e, (ETA > 1,)) == (
        "R starts at eta = 1; with h(eta) = exp(eta) - E and eta = 1 + t: h^(0)(0) = 0 >= 0, "
        f"and h^(1)(t) > 0 for every t > 0 {INCREASES}, so h > 0 for every eta > 1"
    )
    assert prove(h, (ETA <= 1,)) is None  # R starts at 0
    assert prove(h, (sympy.Or(ETA < 1, ETA > 2),)) is None  # R is not one interval
    assert prove(sympy.exp(ETA) - sympy.exp(2), (ETA >= 1,)) is None


def test_a_step_at_the_jump_of_a_step_function_is_undefined() -> None:
    w = sgd.W
    at_jump = sgd.SgdSetting((sympy.Heaviside(w), w), sympy.Integer(0), 1, (), "eta > 0")
    assert sgd.step_undefined(at_jump) == "f_1 is not differentiable at w_t = 0"
    away = sgd.SgdSetting((w, sympy.Heaviside(w - 1)), sympy.Integer(0), 2, (), "eta > 0")
    assert sgd.step_undefined(away) is None


def test_refutation_texts_say_how_the_witness_was_verified() -> None:
    def evidence(h: sympy.Expr, witness: sgd.Witness, answer: sgd.Z3Answer | None) -> Outcome:
        return sgd._refuted(("h", h), witness, "C", answer)

    exact = "exact re-verification of a step size"
    by_z3 = f"z3 nonlinear real arithmetic, {exact}"
    assert evidence(UNCERTAIN_ZERO * ETA, sgd.Witness(ONE, False), None) == refuted(
        exact,
        "C: fails at eta = 1, where h = -1 + cos(1)**2 + sin(1)**2 = 0 (SymPy simplification)",
        {"eta": "1"},
    )
    not_real = sgd.Witness(ONE, True, real=False)
    assert evidence(sympy.sqrt(1 - 2 * ETA), not_real, None) == refuted(
        exact,
        "C: fails at eta = 1, where h = I, not a real number (the step leaves the domain)",
        {"eta": "1"},
    )
    sat = sgd.Z3Answer("sat", "", (), "q")
    assert evidence(ETA - 1, sgd.Witness(ONE, False), sat) == refuted(
        by_z3, "C: fails at eta = 1 (z3: sat), where h = 0", {"eta": "1"}
    )
    unknown = sgd.Z3Answer("unknown", "r", (), "q")
    assert evidence(ETA - 1, sgd.Witness(HALF, True), unknown) == refuted(
        by_z3, "C: fails at eta = 1/2 (z3: unknown), where h = -1/2", {"eta": "1/2"}
    )


def test_a_setting_needs_all_four_fields() -> None:
    text = (
        '[sheet]\ntitle = "t"\n[q6]\ncomponents = ["w**2", "w"]\nstart = "1"\npicked = 2\n'
        'step_sizes = "eta < 1"\n'
    )
    claims = parse_sheet(text, "t.toml").q6
    assert sgd.setting_of(claims) == sgd.SgdSetting(
        (sgd.W**2, sgd.W), sympy.Integer(1), 2, (ETA < 1,), "eta < 1"
    )
    for field in ("components", "start", "picked", "step_sizes"):
        assert sgd.setting_of(dataclasses.replace(claims, **{field: None})) is None, field
