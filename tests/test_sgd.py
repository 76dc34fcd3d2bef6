"""Q6: the SGD step claims, the z3 decision and its exact witnesses, and root counts."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from hw2check.ledger import Outcome, Verdict
from hw2check.sheet import SGD_ETA, SYMBOLS, parse_sheet
from hw2check.topics import Settings
from proofs import sgd
from properties.sgd import (
    POSITIVE,
    ZERO,
    fails_at,
    in_region,
    search_failure,
    step_sizes,
)

ETA, W = SGD_ETA, SYMBOLS["w"]
SETTINGS = Settings(examples=40)
SEED_COMPONENTS = '["(w - 2)**2/2", "(w + 1)**2/2"]'


def setting(components: str, start: str, picked: int, steps: str) -> sgd.SgdSetting:
    text = (
        f'[sheet]\ntitle = "t"\n[q6]\ncomponents = {components}\nstart = {start}\n'
        f'picked = {picked}\nstep_sizes = "{steps}"\n'
    )
    made = sgd.setting_of(parse_sheet(text, "test.toml").q6)
    assert made is not None
    return made


def counterexample(components: str, start: str, picked: int, steps: str) -> Outcome:
    made = setting(components, start, picked, steps)
    return sgd.decide_step(sgd.counterexample_claim(made), made, SETTINGS)


def witness_eta(outcome: Outcome) -> Fraction:
    assert outcome.verdict is Verdict.REFUTED, outcome.evidence
    assert outcome.witness is not None
    return Fraction(outcome.witness["eta"])


def refuting_eta(components: str, start: str, picked: int, steps: str) -> Fraction:
    """The witness of a refuted counterexample row, re-checked here independently:
    eta > 0 satisfies step_sizes and F(w_t+1) <= F(w_t), in SymPy's exact arithmetic."""
    made = setting(components, start, picked, steps)
    eta = witness_eta(sgd.decide_step(sgd.counterexample_claim(made), made, SETTINGS))
    value = sympy.Rational(eta.numerator, eta.denominator)
    assert eta > 0
    assert all(bool(r.subs(ETA, value)) for r in made.relations)
    assert made.loss.subs(W, made.next_iterate.subs(ETA, value)) <= made.loss.subs(W, made.start)
    return eta


# --- the theorem ---------------------------------------------------------------------------


def test_theorem_is_proved_by_three_unsatisfiable_negations() -> None:
    evidence = sgd.prove_sgd_step_can_increase_loss_parts(Settings())
    assert evidence.holds
    assert all("unsat" in line for line in evidence.lines)
    assert sgd.prove_sgd_step_can_increase_loss(Settings()).verdict is Verdict.PROVED


# --- component 1 of the seed's F: the step increases F exactly when eta > 1/2 ---------------


def test_component_1_for_every_positive_eta_is_refuted_below_one_half() -> None:
    # a strict decrease is preferred to the boundary eta = 1/2
    assert refuting_eta(SEED_COMPONENTS, "0", 1, "eta > 0") < Fraction(1, 2)


def test_component_1_beyond_one_half_is_proved() -> None:
    outcome = counterexample(SEED_COMPONENTS, "0", 1, "eta > 1/2")
    assert outcome.verdict is Verdict.PROVED
    assert "unsat" in outcome.evidence


def test_component_1_from_one_half_is_refuted_at_the_boundary() -> None:
    made = setting(SEED_COMPONENTS, "0", 1, "eta >= 1/2")
    outcome = sgd.decide_step(sgd.counterexample_claim(made), made, SETTINGS)
    assert witness_eta(outcome) == Fraction(1, 2)
    assert "= 0" in outcome.evidence  # the loss is unchanged there


# --- three or more components, bounded ranges of steps --------------------------------------

THREE = '["w**2", "(w - 1)**2", "(w + 3)**4/10"]'


def test_three_components_small_steps_refuted_inside_the_range() -> None:
    assert refuting_eta(THREE, "0", 3, "0 < eta < 1/10") < Fraction(1, 10)


def test_three_components_range_between_one_and_two_proved() -> None:
    assert counterexample(THREE, "0", 2, "eta <= 2 and eta >= 1").verdict is Verdict.PROVED


def test_four_components_window_where_only_the_middle_fails() -> None:
    # F = w**4 + 2w**2 - 2w, picked w**4 - 2w from 1: w_t+1 = u = 1 - 2 eta and
    # F(u) - F(1) = (u - 1)(u**3 + u**2 + 3u + 1) <= 0 exactly for eta in (0, 0.68...]:
    # the window "1/2 <= eta <= 3/2" is refuted inside, "eta >= 2" is proved.
    four = '["w**2", "w**2", "w**4 - 2*w", "0*w"]'
    assert Fraction(1, 2) <= refuting_eta(four, "1", 3, "1/2 <= eta and eta <= 3/2") < 1
    assert counterexample(four, "1", 3, "eta >= 2").verdict is Verdict.PROVED


def test_empty_range_is_vacuously_proved() -> None:
    outcome = counterexample(SEED_COMPONENTS, "0", 1, "eta < 0")
    assert outcome.verdict is Verdict.PROVED
    assert "vacuously" in outcome.evidence


# --- irrational start and non-polynomial components ------------------------------------------


def test_irrational_start_decided_by_z3_with_a_radical() -> None:
    proved = counterexample(SEED_COMPONENTS, '"sqrt(2)"', 1, "eta > 0")
    assert proved.verdict is Verdict.PROVED
    assert "r0 = sqrt(2)" in proved.evidence
    refuting_eta(SEED_COMPONENTS, '"sqrt(2)"', 2, "eta > 0")


def test_non_polynomial_components_that_increase_the_loss_are_proved() -> None:
    # F(w_t+1) - F(w_t) = 2 cosh(eta) - 2: h(0) = h'(0) = 0 and h'' > 0.
    outcome = counterexample('["exp(w)", "exp(-w)"]', "0", 1, "eta > 0")
    assert outcome.verdict is Verdict.PROVED
    assert outcome.method == "SymPy"


def test_non_polynomial_components_that_decrease_the_loss_are_refuted() -> None:
    made = setting('["exp(w)", "exp(-3*w)"]', "0", 2, "eta > 0")
    outcome = sgd.decide_step(sgd.counterexample_claim(made), made, SETTINGS)
    eta = witness_eta(outcome)
    # exp(3 eta) + exp(-9 eta) - 2 < 0, certified with 30 digits independently of the module
    value = sympy.Rational(eta.numerator, eta.denominator)
    assert (sympy.exp(3 * value) + sympy.exp(-9 * value) - 2).evalf(30, strict=True) < 0


def test_non_polynomial_claim_true_only_on_the_range_is_checked() -> None:
    # Decreases for small eta, increases for eta > 1: no SymPy proof, a search finds nothing.
    outcome = counterexample('["exp(w)", "sigmoid(w) + exp(-3*w)"]', "0", 2, "eta > 1")
    assert outcome.verdict is Verdict.CHECKED
    assert "searched" in outcome.evidence


def test_step_through_a_kink_is_undecided() -> None:
    outcome = counterexample('["Abs(w)", "w**2"]', "0", 1, "eta > 0")
    assert outcome.verdict is Verdict.UNDECIDED
    assert "not differentiable" in outcome.evidence


# --- next_iterate and next_iterate_sign ----------------------------------------------------------


def test_next_iterate_wrong_sign_refuted_with_eta() -> None:
    made = setting(SEED_COMPONENTS, "0", 2, "eta > 0")
    outcome = sgd.decide_step(sgd.next_iterate_claim(ETA, made), made, SETTINGS)
    eta = witness_eta(outcome)
    assert eta != -eta  # eta and -eta differ at the witness
    right = sgd.decide_step(sgd.next_iterate_claim(-ETA, made), made, SETTINGS)
    assert right.verdict is Verdict.PROVED


def test_next_iterate_equal_only_for_positive_eta_is_not_refuted() -> None:
    made = setting(SEED_COMPONENTS, "0", 2, "eta > 0")
    claim = sgd.next_iterate_claim(-sympy.sqrt(ETA**2), made)  # -|eta|
    assert sgd.decide_step(claim, made, SETTINGS).verdict is Verdict.CHECKED


@pytest.mark.parametrize(
    ("picked", "steps", "sign", "verdict"),
    [
        (2, "eta > 0", "negative", Verdict.PROVED),
        (2, "eta > 0", "positive", Verdict.REFUTED),
        (2, "eta > 0", "zero", Verdict.REFUTED),
        (1, "eta > 0", "positive", Verdict.PROVED),
    ],
)
def test_next_iterate_sign(picked: int, steps: str, sign: str, verdict: Verdict) -> None:
    made = setting(SEED_COMPONENTS, "0", picked, steps)
    assert sgd.decide_step(sgd.sign_claim(sign, made), made, SETTINGS).verdict is verdict


def test_sign_failing_only_at_an_irrational_eta_is_undecided() -> None:
    made = setting(SEED_COMPONENTS, "0", 1, "eta**2 >= 2 and eta**2 <= 2")  # eta = sqrt(2)
    outcome = sgd.decide_step(sgd.sign_claim("zero", made), made, SETTINGS)
    assert outcome.verdict is Verdict.UNDECIDED
    assert "irrational" in outcome.evidence


# --- z3 answering unknown ---------------------------------------------------------------------


def test_z3_time_out_answers_unknown() -> None:
    builder = sgd._Z3Builder()
    eta = builder.eta
    hard = sum((-1) ** k * (k * 7919 % 101 + 1) * eta**k for k in range(60))
    answer = sgd.ask_z3(builder, [eta > 0, hard <= 0], "a degree-59 polynomial", 1)
    assert answer.answer == "unknown"
    assert answer.reason


def z3_answers(monkeypatch: pytest.MonkeyPatch, answer: str, reason: str = "") -> None:
    """Every z3 query of sgd answers ``answer`` (with no model value)."""

    def fixed(builder: object, constraints: object, text: str, ms: int) -> sgd.Z3Answer:
        return sgd.Z3Answer(answer, reason, (), text)

    monkeypatch.setattr(sgd, "ask_z3", fixed)


def test_z3_unknown_gives_undecided_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    z3_answers(monkeypatch, "unknown", "timeout")
    outcome = counterexample(SEED_COMPONENTS, "0", 1, "eta > 1/2")
    assert outcome.verdict is Verdict.UNDECIDED
    assert "timeout" in outcome.evidence
    # a witness still refutes when one exists
    assert counterexample(SEED_COMPONENTS, "0", 1, "eta > 0").verdict is Verdict.REFUTED


# --- root counts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("components", "real", "nonreal"),
    [
        ((W**2 - W, W * 0 + sympy.Rational(5, 2)), 0, 2),
        ((W**3, -(W**2)), 2, 0),  # w**2 (w - 1): the double root counts once
        ((W**4, W * 0 - 1), 2, 2),
        ((W**2 * (W**2 + 1) ** 2, W * 0), 1, 2),
    ],
)
def test_distinct_root_counts(components: tuple[sympy.Expr, ...], real: int, nonreal: int) -> None:
    count = sgd.count_distinct_roots(components)
    assert isinstance(count, sgd.RootCount)
    assert (count.real, count.nonreal) == (real, nonreal)
    assert sgd.decide_root_count(real, False, components).verdict is Verdict.PROVED
    wrong = sgd.decide_root_count(real + 1, False, components)
    assert wrong.verdict is Verdict.REFUTED and wrong.witness == {"true_count": str(real)}
    assert sgd.decide_root_count(nonreal, True, components).verdict is Verdict.PROVED


def test_root_counts_of_non_polynomial_or_zero_loss() -> None:
    assert sgd.decide_root_count(0, False, (sympy.exp(W), W)).verdict is Verdict.UNDECIDED
    zero = sgd.decide_root_count(1, False, (W, -W))
    assert zero.witness == {"true_count": "infinitely many"}


# --- exact witnesses and the properties behind them -------------------------------------------


@given(st.fractions(-50, 50, max_denominator=60), st.fractions(-50, 50, max_denominator=60))
def test_simplest_between_is_inside_and_simplest(a: Fraction, b: Fraction) -> None:
    if a == b:
        return
    lo, hi = min(a, b), max(a, b)
    x = sgd.simplest_between(lo, hi)
    assert lo < x < hi
    for q in range(1, x.denominator):  # no smaller denominator fits
        assert not any(lo < Fraction(p, q) < hi for p in range(int(lo * q) - 1, int(hi * q) + 2))


@given(st.lists(st.integers(-6, 6), min_size=2, max_size=5), st.fractions(0, 4, max_denominator=20))
def test_cell_candidates_find_a_rational_failure_when_one_exists(
    coefficients: list[int], probe: Fraction
) -> None:
    """If some rational eta > 0 breaks "p(eta) > 0", the cell candidates contain one."""
    p = sum(c * ETA**k for k, c in enumerate(coefficients))
    poly = sympy.Poly(p, ETA)
    if probe > 0 and fails_at(p, POSITIVE, (), probe):
        candidates = sgd.cell_candidates([poly])
        assert sgd.find_witness(p, POSITIVE, (), candidates) is not None


def test_fails_at_catches_wrong_claims_and_respects_the_region() -> None:
    h = 4 * ETA**2 - 2 * ETA  # the loss change of component 1
    assert fails_at(h, POSITIVE, (), Fraction(1, 3))  # F decreases
    assert fails_at(h, POSITIVE, (), Fraction(1, 2))  # F unchanged
    assert not fails_at(h, POSITIVE, (), Fraction(1))  # F increases
    assert not fails_at(h, POSITIVE, (sympy.Gt(ETA, sympy.Rational(1, 2)),), Fraction(1, 3))
    assert not in_region((ETA >= 1,), Fraction(1, 2)) and in_region((ETA >= 1,), Fraction(1))
    assert not in_region((), Fraction(0))
    assert fails_at(ETA - 1, ZERO, (), Fraction(2)) and not fails_at(ETA - 1, ZERO, (), Fraction(1))
    assert fails_at(sympy.exp(ETA) - 3, POSITIVE, (), Fraction(1))  # e - 3 < 0, certified


def test_search_failure_finds_a_false_claim_and_not_a_true_one() -> None:
    wrong = search_failure(ETA - sympy.Rational(1, 2), POSITIVE, (), examples=50, seed=0)
    assert wrong.counterexample is not None and wrong.counterexample <= Fraction(1, 2)
    right = search_failure(sympy.exp(ETA) - 1, POSITIVE, (), examples=50, seed=0)
    assert right.counterexample is None and right.in_region == right.cases > 0


@given(step_sizes())
def test_step_sizes_are_positive(eta: Fraction) -> None:
    assert eta > 0
