"""Q6: exact texts and the teeth of the self-checks, where the other tests only look at verdicts."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
import z3

from hw2check.ledger import Outcome, Row, Verdict
from hw2check.sheet import SGD_ETA, SYMBOLS, parse_sheet
from hw2check.topics import Settings
from proofs import sgd
from properties import sgd as properties
from properties.sgd import POSITIVE, ZERO
from tests.test_sgd import SEED_COMPONENTS, setting, z3_answers

ETA, W = SGD_ETA, SYMBOLS["w"]
SETTINGS = Settings(examples=40)
EXAMPLE = "F = (w - 2)**2/2 + (w + 1)**2/2"
THEOREM = "theorem.sgd_step_can_increase_loss"


# --- the theorem -------------------------------------------------------------------------------


def test_the_theorem_with_a_wrong_threshold_fails_and_says_where() -> None:
    outcome = sgd.prove_sgd_step_can_increase_loss(Settings(), sympy.Rational(1, 4))
    assert outcome.verdict is Verdict.UNDECIDED
    assert outcome.method == "z3 nonlinear real arithmetic"
    assert outcome.evidence == (
        f"{EXAMPLE} = w**2 - w + 5/2, w_t = 0. "
        "[ok] component 2: w_t+1 = -eta, F(w_t+1) - F(w_t) = eta**2 + eta > 0 for every "
        "eta > 0: the negation is unsatisfiable. z3: exists eta: eta > 0 and eta**2 + eta <= 0?"
        "  unsat; z3: exists eta: eta > 0?  sat "
        "[FAILED] component 1: w_t+1 = 2*eta; eta > 1/4 implies F(w_t+1) - F(w_t) = "
        "4*eta**2 - 2*eta > 0: fails at eta = 1/3 (z3: sat), where h = -2/9 "
        "[ok] component 1: F(w_t+1) > F(w_t) implies eta > 1/4: the negation is "
        "unsatisfiable. z3: exists eta: eta > 0 and 4*eta**2 - 2*eta > 0 and eta - 1/4 <= 0?"
        "  unsat; z3: exists eta: eta > 0 and 4*eta**2 - 2*eta > 0?  sat"
    )


def test_the_theorem_with_the_true_threshold_is_proved_part_by_part() -> None:
    evidence = sgd.prove_sgd_step_can_increase_loss_parts(Settings())
    assert evidence.holds
    assert [line[: line.index(":")] for line in evidence.lines] == [
        "[ok] component 2",
        "[ok] component 1",
        "[ok] component 1",
    ]
    assert evidence.lines[0].startswith(
        "[ok] component 2: w_t+1 = -eta, F(w_t+1) - F(w_t) = eta**2 + eta > 0 for every "
        "eta > 0: the negation is unsatisfiable."
    )


def test_the_example_setting_is_every_positive_step() -> None:
    example = sgd.example_setting(1)
    assert (example.relations, example.step_text, example.region) == (
        (),
        "eta > 0",
        "every eta > 0",
    )
    assert sympy.expand(example.loss_change) == 4 * ETA**2 - 2 * ETA


# --- "every SGD step decreases F" ------------------------------------------------------------


def test_always_decreases_refuted_by_the_verified_step() -> None:
    outcome = sgd.decide_always_decreases(True, None)
    reason = (
        f"{EXAMPLE}, w_t = 0, component 2, eta = 1: w_t+1 = -1 and F(w_t+1) - F(w_t) = 2 > 0 "
        f"({THEOREM}: every eta > 0 increases F)"
    )
    witness = {"components": "(w - 2)**2/2, (w + 1)**2/2", "start": "0", "picked": "2"}
    assert outcome == Outcome(
        Verdict.REFUTED, "exact counterexample", reason, {**witness, "eta": "1"}
    )
    assert sgd.decide_always_decreases(False, Verdict.PROVED) == Outcome(
        Verdict.PROVED, f"rests on {THEOREM}", reason
    )


def test_always_decreases_with_a_small_increase_is_still_refuted() -> None:
    # component 2, eta = 1/2: F rises by 3/4, less than 1 but more than 0
    outcome = sgd.decide_always_decreases(True, None, 2, Fraction(1, 2))
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.witness is not None and outcome.witness["eta"] == "1/2"
    assert "w_t+1 = -1/2 and F(w_t+1) - F(w_t) = 3/4 > 0" in outcome.evidence


def test_always_decreases_is_not_refuted_by_a_step_that_does_not_increase_f() -> None:
    not_verified = Outcome(
        Verdict.UNDECIDED, "exact arithmetic", "the counterexample did not verify"
    )
    # component 1: F unchanged at eta = 1/2, F decreases at eta = 1/4
    assert sgd.decide_always_decreases(True, None, 1, Fraction(1, 2)) == not_verified
    assert sgd.decide_always_decreases(True, None, 1, Fraction(1, 4)) == not_verified


def test_need_not_decrease_rests_on_the_theorem() -> None:
    for theorem in (None, Verdict.UNDECIDED):
        assert sgd.decide_always_decreases(False, theorem) == Outcome(
            Verdict.UNDECIDED, "rests on a theorem", f"{THEOREM} is not proved in this run"
        )


# --- the z3 translation of real roots ----------------------------------------------------------


def pinned(expr: sympy.Expr, power: int, value: sympy.Expr) -> tuple[str, list[str]]:
    """Is z3's variable for expr pinned by the side conditions to expr**power = value?"""
    builder = sgd._Z3Builder()
    root = builder.build(expr)
    answer = sgd.ask_z3(builder, [root**power != builder.build(value)], "q", 5000)
    return answer.answer, builder.side_text


def test_a_root_with_a_numerator_above_one_is_pinned() -> None:
    assert pinned(sympy.Integer(3) ** sympy.Rational(2, 3), 3, sympy.Integer(9)) == (
        "unsat",
        ["r0 = 3**(2/3)"],
    )


def test_a_root_with_a_negative_exponent_is_pinned() -> None:
    # (1 + sqrt(2))**(-2/3) cubed is 1/(1 + sqrt(2))**2 = 1/(3 + 2 sqrt(2))
    value = 1 / (3 + 2 * sympy.sqrt(2))
    answer, side = pinned((1 + sympy.sqrt(2)) ** sympy.Rational(-2, 3), 3, value)
    assert (answer, side) == ("unsat", ["r0 = sqrt(2)", "r1 = (1 + sqrt(2))**(-2/3)"])


def test_two_roots_keep_their_own_names_and_conditions() -> None:
    builder = sgd._Z3Builder()
    first, second = builder.build(sympy.sqrt(2)), builder.build(sympy.sqrt(3))
    assert builder.side_text == ["r0 = sqrt(2)", "r1 = sqrt(3)"]
    assert (str(first), str(second)) == ("r0", "r1")
    assert sgd.ask_z3(builder, [first**2 != 2], "q", 5000).answer == "unsat"
    assert sgd.ask_z3(builder, [second**2 != 3], "q", 5000).answer == "unsat"
    # eta is in no constraint: the model still gives it a value (0)
    unconstrained = sgd.ask_z3(builder, [z3.BoolVal(True)], "q", 5000)
    assert (unconstrained.answer, unconstrained.model_eta) == ("sat", (Fraction(0),))


def test_a_nested_root_below_one_is_satisfiable() -> None:
    builder = sgd._Z3Builder()
    root = builder.build(sympy.sqrt(sympy.sqrt(2) - 1))  # about 0.64
    assert builder.side_text == ["r0 = sqrt(2)", "r1 = sqrt(-1 + sqrt(2))"]
    assert sgd.ask_z3(builder, [root < 1], "q", 5000).answer == "sat"


def test_a_false_claim_about_a_nested_root_is_refuted_not_vacuous() -> None:
    # regression: the outer root took the name r0 before its base named sqrt(2) r0 too, so
    # the side conditions contradicted each other and every claim was "vacuously" proved
    made = setting('["w", "0*w"]', '"sqrt(sqrt(2) - 1)"', 1, "eta > 0")
    outcome = sgd.decide_step(sgd.sign_claim("positive", made), made, SETTINGS)
    assert outcome == Outcome(
        Verdict.REFUTED,
        "z3 nonlinear real arithmetic, exact re-verification of a step size",
        "w_t+1 = -eta + sqrt(-1 + sqrt(2)) is positive for every eta > 0: fails at eta = 1 "
        "(z3: sat), where w_t+1 = -1 + sqrt(-1 + sqrt(2))",
        {"eta": "1"},
    )


def test_a_start_with_a_negative_power_of_a_radical_is_decided() -> None:
    # regression: b**|p| was multiplied into z3 as a SymPy expression, and z3 raised
    start = '"1/sqrt(1 + sqrt(2))"'  # about 0.64, right of the minimizer 1/2 of F
    up = setting(SEED_COMPONENTS, start, 1, "eta > 0")
    outcome = sgd.decide_step(sgd.counterexample_claim(up), up, SETTINGS)
    assert outcome.verdict is Verdict.PROVED
    assert "(with r0 = sqrt(2), r1 = 1/sqrt(1 + sqrt(2)))" in outcome.evidence
    down = setting(SEED_COMPONENTS, start, 2, "eta > 0")
    refuted = sgd.decide_step(sgd.counterexample_claim(down), down, SETTINGS)
    assert refuted.witness == {"eta": "1/8"}


# --- the sheet's step claims ------------------------------------------------------------------


def test_a_wrong_next_iterate_is_shown_as_claim_minus_truth() -> None:
    made = setting(SEED_COMPONENTS, "0", 2, "eta > 0")
    outcome = sgd.decide_step(sgd.next_iterate_claim(ETA, made), made, SETTINGS)
    assert outcome == Outcome(
        Verdict.REFUTED,
        "z3 nonlinear real arithmetic, exact re-verification of a step size",
        "the claim - the true w_t+1 (-eta) = 2*eta vanishes for every eta > 0: fails at "
        "eta = 1 (z3: sat), where the claim - the truth = 2",
        {"eta": "1"},
    )


# --- roots of F ------------------------------------------------------------------------------

COUNT = "SymPy: squarefree part and Sturm root count"


def test_root_count_without_components_is_undecided() -> None:
    assert sgd.decide_root_count(1, False, None) == Outcome(
        Verdict.UNDECIDED, "none", "the sheet gives no components, so F is unknown"
    )


def test_root_count_of_irrational_coefficients_is_decided_from_radicals() -> None:
    assert sgd.decide_root_count(1, False, (sympy.sqrt(2) * W,)) == Outcome(
        Verdict.PROVED,
        COUNT,
        "F = sqrt(2)*w: squarefree part of degree-1 F has 1 distinct real and 0 distinct "
        "non-real roots (0)",
    )


def test_root_count_of_the_zero_loss() -> None:
    assert sgd.decide_root_count(1, False, (W, -W)) == Outcome(
        Verdict.REFUTED,
        COUNT,
        "real roots: infinitely many, not 1. F = 0: every number is a root",
        {"true_count": "infinitely many"},
    )


def test_root_count_evidence_lists_roots_up_to_degree_four() -> None:
    def evidence(*components: sympy.Expr) -> str:
        return sgd.decide_root_count(0, True, components).evidence

    assert evidence(W * 0 + 3) == (
        "F = 3: squarefree part of degree-0 F has 0 distinct real and 0 distinct non-real roots"
    )
    assert evidence(W - 1) == (
        "F = w - 1: squarefree part of degree-1 F has 1 distinct real and 0 distinct non-real "
        "roots (1)"
    )
    assert evidence(W**4, W * 0 - 1).endswith(
        "degree-4 F has 2 distinct real and 2 distinct non-real roots (-1, 1, -I, I)"
    )
    quintic = sgd.count_distinct_roots((W**5, -W - 1))
    assert isinstance(quintic, sgd.RootCount) and quintic.roots == ""
    assert evidence(W**5, -W - 1).endswith(
        "F = w**5 - w - 1: squarefree part of degree-5 F has 1 distinct real and 4 distinct "
        "non-real roots"
    )


# --- every way decide_for_every_step ends, in full ----------------------------------------------


@pytest.mark.parametrize(
    ("components", "start", "picked", "steps", "claim", "expected"),
    [
        pytest.param(
            SEED_COMPONENTS,
            "0",
            1,
            "eta < 0",
            "counterexample",
            Outcome(
                verdict=Verdict.PROVED,
                method="z3 nonlinear real arithmetic",
                evidence=(
                    "F(w_t+1) - F(w_t) = 4*eta**2 - 2*eta > 0 for every eta > 0 with eta < 0: "
                    "vacuously true: no eta satisfies eta > 0 and eta < 0. z3: exists eta: eta > 0 "
                    "and eta < 0 and 4*eta**2 - 2*eta <= 0?  unsat; "
                    "z3: exists eta: eta > 0 and eta "
                    "< 0?  unsat"
                ),
                witness=None,
            ),
            id="vacuous",
        ),
        pytest.param(
            '["exp(w)", "exp(-w)"]',
            "0",
            1,
            "eta > 0",
            "counterexample",
            Outcome(
                verdict=Verdict.PROVED,
                method="SymPy",
                evidence=(
                    "F(w_t+1) - F(w_t) = exp(eta) - 2 + exp(-eta) > 0 for every eta > 0: with "
                    "h(eta) = exp(eta) - 2 + exp(-eta): h^(0)(0) = 0 >= 0, h^(1)(0) = 0 >= 0, and "
                    "h^(2)(t) > 0 for every t > 0 (SymPy assumptions), so h increases"
                ),
                witness=None,
            ),
            id="monotone",
        ),
        pytest.param(
            '["exp(w)", "-2*w"]',
            "0",
            2,
            "eta >= 1",
            "counterexample",
            Outcome(
                verdict=Verdict.PROVED,
                method="SymPy",
                evidence=(
                    "F(w_t+1) - F(w_t) = -4*eta + exp(2*eta) - 1 > 0 for every eta > 0 with eta >= "
                    "1: R starts at eta = 1; with h(eta) = -4*eta + "
                    "exp(2*eta) - 1 and eta = 1 + t: "
                    "h^(0)(0) = -5 + exp(2) >= 0, h^(1)(0) = -4 + 2*exp(2) >= 0, and h^(2)(t) > 0 "
                    "for every t > 0 (SymPy assumptions), so h increases, so h > 0 for every eta > "
                    "1; h(1) = -5 + exp(2) > 0 (certified)"
                ),
                witness=None,
            ),
            id="lower_closed",
        ),
        pytest.param(
            '["exp(w)", "-2*w"]',
            "0",
            2,
            "eta > 1",
            "counterexample",
            Outcome(
                verdict=Verdict.PROVED,
                method="SymPy",
                evidence=(
                    "F(w_t+1) - F(w_t) = -4*eta + exp(2*eta) - 1 > 0 for every eta > 0 with eta > "
                    "1: R starts at eta = 1; with h(eta) = -4*eta + "
                    "exp(2*eta) - 1 and eta = 1 + t: "
                    "h^(0)(0) = -5 + exp(2) >= 0, h^(1)(0) = -4 + 2*exp(2) >= 0, and h^(2)(t) > 0 "
                    "for every t > 0 (SymPy assumptions), so h "
                    "increases, so h > 0 for every eta > 1"
                ),
                witness=None,
            ),
            id="lower_open",
        ),
        pytest.param(
            '["exp(w)", "exp(-3*w)"]',
            "0",
            2,
            "eta > 0",
            "counterexample",
            Outcome(
                verdict=Verdict.REFUTED,
                method="exact re-verification of a step size",
                evidence=(
                    "F(w_t+1) - F(w_t) = exp(3*eta) - 2 + exp(-9*eta) > 0 for every eta > 0: fails "
                    "at eta = 1/10, where F(w_t+1) - F(w_t) = -2 + exp(-9/10) + exp(3/10)"
                ),
                witness={"eta": "1/10"},
            ),
            id="no_z3_refuted",
        ),
        pytest.param(
            '["log(w + 5)", "(w - 3)**2"]',
            "0",
            1,
            "eta > 0",
            "counterexample",
            Outcome(
                verdict=Verdict.REFUTED,
                method="exact re-verification of a step size",
                evidence=(
                    "F(w_t+1) - F(w_t) = eta**2/25 + 6*eta/5 + log(5 - eta/5) - log(5) > 0 for "
                    "every eta > 0: fails at eta = 25, where F(w_t+1) - F(w_t) = zoo, not a real "
                    "number (the step leaves the domain)"
                ),
                witness={"eta": "25"},
            ),
            id="not_real",
        ),
        pytest.param(
            '["sin(w)**2", "cos(w)**2"]',
            "1",
            2,
            "eta > 0",
            "counterexample",
            Outcome(
                verdict=Verdict.REFUTED,
                method="exact re-verification of a step size",
                evidence=(
                    "F(w_t+1) - F(w_t) = sin(2*eta*sin(1)*cos(1) + 1)**2 + cos(2*eta*sin(1)*cos(1) "
                    "+ 1)**2 - sin(1)**2 - cos(1)**2 > 0 for every "
                    "eta > 0: fails at eta = 1, where "
                    "F(w_t+1) - F(w_t) = -sin(1)**2 - cos(1)**2 + cos(2*sin(1)*cos(1) + 1)**2 + "
                    "sin(2*sin(1)*cos(1) + 1)**2 = 0 (SymPy simplification)"
                ),
                witness={"eta": "1"},
            ),
            id="uncertified_zero",
        ),
        pytest.param(
            SEED_COMPONENTS,
            "0",
            1,
            "eta >= 1/2",
            "counterexample",
            Outcome(
                verdict=Verdict.REFUTED,
                method="z3 nonlinear real arithmetic, exact re-verification of a step size",
                evidence=(
                    "F(w_t+1) - F(w_t) = 4*eta**2 - 2*eta > 0 for every eta > 0 with eta >= 1/2: "
                    "fails at eta = 1/2 (z3: sat), where F(w_t+1) - F(w_t) = 0"
                ),
                witness={"eta": "1/2"},
            ),
            id="boundary",
        ),
        pytest.param(
            SEED_COMPONENTS,
            "0",
            1,
            "eta**2 >= 2 and eta**2 <= 2",
            "zero",
            Outcome(
                verdict=Verdict.UNDECIDED,
                method="z3 nonlinear real arithmetic",
                evidence=(
                    "w_t+1 = 2*eta is zero for every eta > 0 with eta**2 >= 2 and eta**2 <= 2: z3 "
                    "finds it false near eta = "
                    "112045541949572279837463876455/79228162514264337593543950336, but no rational "
                    "step size breaks it (every cell of the roots was tried: it fails only at "
                    "irrational eta, and the ledger's witness is a rational)"
                ),
                witness=None,
            ),
            id="irrational",
        ),
        pytest.param(
            '["exp(w)", "sigmoid(w) + exp(-3*w)"]',
            "0",
            2,
            "eta > 1",
            "counterexample",
            Outcome(
                verdict=Verdict.CHECKED,
                method="search over eta (Fraction(p, q), 1 <= p, q <= 1000), exact re-verification",
                evidence=(
                    "F(w_t+1) - F(w_t) = exp(11*eta/4) - 5/2 + exp(-33*eta/4) + 1/(1 + "
                    "exp(-11*eta/4)) > 0 for every eta > 0 with eta > "
                    "1: holds at 10 of the 10 step "
                    "sizes in the region among 40 searched, and no step size of the grid 1/100, "
                    "1/10, 1/4, 1/3, 1/2, 1, 2, 3, 10 breaks it; z3 "
                    "translation does not cover 1/(1 "
                    "+ exp(-11*eta/4)); no SymPy proof"
                ),
                witness=None,
            ),
            id="checked",
        ),
        pytest.param(
            '["Abs(w)", "w**2"]',
            "0",
            1,
            "eta > 0",
            "counterexample",
            Outcome(
                verdict=Verdict.UNDECIDED,
                method="SymPy",
                evidence="f_1 is not differentiable at w_t = 0",
                witness=None,
            ),
            id="kink",
        ),
        pytest.param(
            '["exp(w)", "sigmoid(w) + exp(-3*w)"]',
            "0",
            2,
            "eta > 2000",
            "counterexample",
            Outcome(
                verdict=Verdict.UNDECIDED,
                method="search over eta",
                evidence=(
                    "F(w_t+1) - F(w_t) = exp(11*eta/4) - 5/2 + exp(-33*eta/4) + 1/(1 + "
                    "exp(-11*eta/4)) > 0 for every eta > 0 with eta > "
                    "2000: z3 translation does not "
                    "cover 1/(1 + exp(-11*eta/4)); no SymPy proof; no step size of the grid or of "
                    "the 40 searched satisfies step_sizes"
                ),
                witness=None,
            ),
            id="empty_search",
        ),
        pytest.param(
            SEED_COMPONENTS,
            '"sqrt(3)"',
            1,
            "eta**2 >= 2 and eta**2 <= 2",
            "zero",
            Outcome(
                verdict=Verdict.UNDECIDED,
                method="z3 nonlinear real arithmetic",
                evidence=(
                    "w_t+1 = -eta*(-2 + sqrt(3)) + sqrt(3) is zero "
                    "for every eta > 0 with eta**2 >= "
                    "2 and eta**2 <= 2: z3 finds it false near eta = "
                    "112045541949572279837463876455/79228162514264337593543950336, but no rational "
                    "step size tried breaks it exactly; a search over eta found no counterexample "
                    "in 40 cases"
                ),
                witness=None,
            ),
            id="sat_not_exhaustive",
        ),
    ],
)
def test_each_ending_of_the_decision_in_full(
    components: str, start: str, picked: int, steps: str, claim: str, expected: Outcome
) -> None:
    made = setting(components, start, picked, steps)
    stated = sgd.counterexample_claim(made) if claim == "counterexample" else None
    assert sgd.decide_step(stated or sgd.sign_claim(claim, made), made, SETTINGS) == expected


def test_z3_unknown_in_full(monkeypatch: pytest.MonkeyPatch) -> None:
    z3_answers(monkeypatch, "unknown", "timeout")
    made = setting(SEED_COMPONENTS, "0", 1, "eta > 1/2")
    assert sgd.decide_step(sgd.counterexample_claim(made), made, SETTINGS) == Outcome(
        Verdict.UNDECIDED,
        "z3 nonlinear real arithmetic",
        "F(w_t+1) - F(w_t) = 4*eta**2 - 2*eta > 0 for every eta > 0 with eta > 1/2: z3 answered "
        "unknown (timeout); no SymPy proof; a search over eta found no counterexample in 40 "
        "cases",
    )


def test_z3_unknown_still_tries_the_sympy_proof(monkeypatch: pytest.MonkeyPatch) -> None:
    z3_answers(monkeypatch, "unknown", "timeout")
    decision = sgd.decide_for_every_step(ETA**2 + ETA, POSITIVE, (), SETTINGS, "C")
    assert decision == sgd.StepDecision(
        Outcome(
            Verdict.PROVED,
            "SymPy",
            "C: with h(eta) = eta**2 + eta: h^(0)(t) > 0 for every t > 0 (SymPy assumptions)",
        ),
        ("z3: exists eta: eta > 0 and eta**2 + eta <= 0?  unknown (timeout)",),
    )


def test_z3_sat_without_a_model_value_says_near_an_unknown_eta(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    z3_answers(monkeypatch, "sat")
    decision = sgd.decide_for_every_step(ETA**2 + ETA, POSITIVE, (), SETTINGS, "C")
    assert decision == sgd.StepDecision(
        Outcome(
            Verdict.UNDECIDED,
            "z3 nonlinear real arithmetic",
            "C: z3 finds it false near eta = ?, but no rational step size breaks it (every cell "
            "of the roots was tried: it fails only at irrational eta, and the ledger's witness "
            "is a rational)",
        ),
        ("z3: exists eta: eta > 0 and eta**2 + eta <= 0?  sat",),
    )


def refuted_at(eta: str, h: str) -> Outcome:
    return Outcome(
        Verdict.REFUTED,
        "z3 nonlinear real arithmetic, exact re-verification of a step size",
        f"C: fails at eta = {eta} (z3: sat), where h = {h}",
        {"eta": eta},
    )


def test_the_grid_stays_among_the_candidates_of_the_cells() -> None:
    # the cells of eta*(eta - 5) alone give 2 as the simplest failing step; the grid's 1 is simpler
    decision = sgd.decide_for_every_step(ETA - 5, POSITIVE, (), SETTINGS, "C")
    assert decision.outcome == refuted_at("1", "-4")
    assert sgd.cell_candidates([sympy.Poly(ETA - 5, ETA)]) == [0, 5, 6, 2]


def test_a_relation_that_is_true_or_false_is_the_polynomial_one() -> None:
    assert sgd._relation_poly(sympy.true) == sympy.Poly(1, ETA)
    assert sgd._relation_poly(sympy.false) == sympy.Poly(1, ETA)
    decision = sgd.decide_for_every_step(ETA - 5, POSITIVE, (sympy.true,), SETTINGS, "C")
    assert decision.outcome == refuted_at("1", "-4")


def test_an_unsatisfiable_query_has_no_reason_and_no_model() -> None:
    builder = sgd._Z3Builder()
    answer = sgd.ask_z3(builder, [builder.eta < 0, builder.eta > 0], "q", 5000)
    assert answer == sgd.Z3Answer("unsat", "", (), "q")


def test_no_certified_sign_anywhere_in_the_region_is_undecided() -> None:
    # atan(eta) + atan(1/eta) = pi/2 for eta > 0, but neither evaluation nor simplification
    # certifies it at an eta > 1
    h = sympy.atan(ETA) + sympy.atan(1 / ETA) - sympy.pi / 2
    decision = sgd.decide_for_every_step(h, ZERO, (ETA > 1,), SETTINGS, "C")
    assert decision == sgd.StepDecision(
        Outcome(
            Verdict.UNDECIDED,
            "search over eta",
            "C: z3 translation does not cover pi; no SymPy proof; the sign of h could not be "
            "certified at any of the 10 step sizes searched in the region",
        ),
        (),
    )


def test_a_kink_stops_the_monotonicity_argument_at_h_itself() -> None:
    # h' = 1 or 2 is positive and h(0) = 0, yet h jumps to 2*1 - 5 = -3 at its kink eta = 1
    h = sympy.Piecewise((ETA, ETA < 1), (2 * ETA - 5, True))
    assert sgd.prove_positive_by_monotonicity(h) is None
    assert sgd.prove_positive_by_monotonicity(h + 1) is None
    assert sgd.prove_positive_by_monotonicity(sympy.Abs(ETA - 1) + 1) == (
        "h^(0)(t) > 0 for every t > 0 (SymPy assumptions)"
    )


MAIN_OUTPUT = [
    "Q6 — theorem: an SGD step can increase the full loss",
    (
        "  [ok] component 2: w_t+1 = -eta, F(w_t+1) - F(w_t) = eta**2 + eta > 0 for every eta > 0: "
        "the negation is unsatisfiable. z3: exists eta: eta > 0 and eta**2 + eta <= 0?  unsat; z3: "
        "exists eta: eta > 0?  sat"
    ),
    (
        "  [ok] component 1: w_t+1 = 2*eta; eta > 1/2 implies F(w_t+1) - F(w_t) = 4*eta**2 - 2*eta "
        "> 0: the negation is unsatisfiable. z3: exists eta: eta > 0 and eta > 1/2 and 4*eta**2 - "
        "2*eta <= 0?  unsat; z3: exists eta: eta > 0 and eta > 1/2?  sat"
    ),
    (
        "  [ok] component 1: F(w_t+1) > F(w_t) implies eta > 1/2: the negation is unsatisfiable. "
        "z3: exists eta: eta > 0 and 4*eta**2 - 2*eta > 0 and eta - 1/2 <= 0?  unsat; z3: exists "
        "eta: eta > 0 and 4*eta**2 - 2*eta > 0?  sat"
    ),
    "",
    "The seed sheet: F = w**2 - w + 5/2, w_t = 0, component 2, eta > 0",
    "  q6.counterexample: F(w_t+1) - F(w_t) = eta**2 + eta > 0 for every eta > 0",
    "    z3: exists eta: eta > 0 and eta**2 + eta <= 0?  unsat",
    "    z3: exists eta: eta > 0?  sat",
    (
        "    -> proved: F(w_t+1) - F(w_t) = eta**2 + eta > 0 for every eta > 0: the negation is "
        "unsatisfiable. z3: exists eta: eta > 0 and eta**2 + eta <= 0?  unsat; z3: exists eta: eta "
        "> 0?  sat"
    ),
    "  q6.next_iterate: the claim - the true w_t+1 (-eta) = 0 vanishes for every eta > 0",
    (
        "    -> proved: the claim - the true w_t+1 (-eta) = 0 vanishes for every eta > 0: it "
        "expands to 0 identically"
    ),
    "  q6.next_iterate_sign: w_t+1 = -eta is positive for every eta > 0",
    "    z3: exists eta: eta > 0 and -eta <= 0?  sat",
    (
        "    -> refuted: w_t+1 = -eta is positive for every eta > 0: fails at eta = 1 (z3: sat), "
        "where w_t+1 = -1"
    ),
    (
        "  q6.real_roots: refuted: real roots: 0, not 2. F = w**2 - w + 5/2: squarefree part of "
        "degree-2 F has 0 distinct real and 2 distinct non-real roots (1/2 - 3*I/2, 1/2 + 3*I/2)"
    ),
    (
        "  q6.nonreal_roots: proved: F = w**2 - w + 5/2: squarefree part of degree-2 F has 0 "
        "distinct real and 2 distinct non-real roots (1/2 - 3*I/2, 1/2 + 3*I/2)"
    ),
]


def test_main_prints_the_theorem_and_the_seed_sheet(
    recorded_tools: None, capsys: pytest.CaptureFixture[str]
) -> None:
    sgd.main()
    assert capsys.readouterr().out.split("\n") == [*MAIN_OUTPUT, ""]


# --- the rows a sheet's [q6] makes -----------------------------------------------------------

FULL_Q6 = """[sheet]
title = "t"
[q6]
sgd_always_decreases = false
components = ["w**2", "(w - 1)**2", "exp(w)"]
start = "1/2"
picked = 1
step_sizes = "0 < eta <= 2 and eta < 3"
next_iterate = "1/2 - eta"
next_iterate_sign = "zero"
real_roots = 0
nonreal_roots = 3
"""


def test_claim_checks_of_a_full_section() -> None:
    sheet = parse_sheet(FULL_Q6, "t.toml")
    theorem = Row(THEOREM, "6", "s", Verdict.PROVED, "m", "e", None, 0.0)
    settings = Settings(examples=7)
    checks = sgd.claim_checks(sheet, settings, {THEOREM: theorem})
    made = sgd.setting_of(sheet.q6)
    assert made is not None
    components = made.components
    setup = "(F = w**2 + (w - 1)**2 + exp(w), w_t = 1/2, component 1)"
    region = "for every eta > 0 with 0 < eta <= 2 and eta < 3"
    step = sgd.decide_sheet_step
    assert [(c.id, c.question, c.statement, c.decide, c.args) for c in checks] == [
        (
            "q6.sgd_always_decreases",
            "6",
            "every SGD step need not decrease the full loss F",
            sgd.decide_always_decreases,
            (False, Verdict.PROVED),
        ),
        (
            "q6.counterexample",
            "6",
            f"F(w_t+1) > F(w_t) {region} {setup}",
            step,
            ("q6.counterexample", None, made, settings),
        ),
        (
            "q6.next_iterate",
            "6",
            f"w_t+1 = 1/2 - eta {region} {setup}",
            step,
            ("q6.next_iterate", sympy.Rational(1, 2) - ETA, made, settings),
        ),
        (
            "q6.next_iterate_sign",
            "6",
            f"w_t+1 is zero {region} {setup}",
            step,
            ("q6.next_iterate_sign", "zero", made, settings),
        ),
        (
            "q6.real_roots",
            "6",
            "F has 0 distinct real roots",
            sgd.decide_root_count,
            (0, False, components),
        ),
        (
            "q6.nonreal_roots",
            "6",
            "F has 3 distinct non-real roots",
            sgd.decide_root_count,
            (3, True, components),
        ),
    ]


def test_claim_checks_without_a_step() -> None:
    text = '[sheet]\ntitle = "t"\n[q6]\nsgd_always_decreases = true\nreal_roots = 1\n'
    checks = sgd.claim_checks(parse_sheet(text, "t.toml"), Settings(), {})
    assert [(c.id, c.statement, c.args) for c in checks] == [
        ("q6.sgd_always_decreases", "every SGD step decreases the full loss F", (True, None)),
        ("q6.real_roots", "F has 1 distinct real roots", (1, False, None)),
    ]


@pytest.mark.parametrize(
    ("components", "start", "picked", "why"),
    [
        ('["sqrt(w)", "w"]', '"-1"', 1, "f_1'(w_t) = -I/2 is not a certified real number"),
        ('["log(w)", "w**2"]', '"-1"', 2, "F(w_t) = 1 + I*pi is not a certified real number"),
        ('["w**2", "Abs(w - 1)"]', '"1"', 2, "f_2 is not differentiable at w_t = 1"),
    ],
)
def test_an_undefined_step_is_undecided_and_says_why(
    components: str, start: str, picked: int, why: str
) -> None:
    made = setting(components, start, picked, "eta > 0")
    assert sgd.step_undefined(made) == why
    claim = sgd.counterexample_claim(made)
    assert sgd.decide_step(claim, made, SETTINGS) == Outcome(Verdict.UNDECIDED, "SymPy", why)


def test_a_kink_away_from_the_start_leaves_the_step_defined() -> None:
    made = setting('["Abs(w - 1)", "w**2"]', '"2"', 1, "eta > 0")
    assert sgd.step_undefined(made) is None
    assert sgd.decide_step(sgd.counterexample_claim(made), made, SETTINGS) == Outcome(
        Verdict.REFUTED,
        "exact re-verification of a step size",
        "F(w_t+1) - F(w_t) = eta**2 - 4*eta + Abs(eta - 1) - 1 > 0 for every eta > 0: fails at "
        "eta = 1, where F(w_t+1) - F(w_t) = -4",
        {"eta": "1"},
    )


def test_a_heaviside_kink_at_the_start_leaves_the_step_undefined() -> None:
    """The sheet's functions give only sign() kinks; Max(w, 0) differentiates to Heaviside(w),
    whose SymPy value 1/2 at 0 would otherwise pass for a gradient."""
    made = sgd.SgdSetting((sympy.Max(W, 0), W**2), sympy.Integer(0), 1, (), "eta > 0")
    assert made.gradient == sympy.Rational(1, 2)
    assert sgd.step_undefined(made) == "f_1 is not differentiable at w_t = 0"


# --- properties.sgd at one step size -----------------------------------------------------------

UNCERTAIN_ZERO = sympy.sin(1) ** 2 + sympy.cos(1) ** 2 - 1  # 0, but evaluation cannot tell


def test_relations_hold_exactly_or_are_not_shown() -> None:
    one = Fraction(1)
    assert [
        properties.relation_holds(relation, one)
        for relation in (sympy.true, sympy.false, ETA >= 1, ETA <= 1, ETA < 1, ETA > 1)
    ] == [True, False, True, True, False, False]
    for unknown in (sympy.Eq(ETA, 1), sympy.Ne(ETA, 2), ETA + UNCERTAIN_ZERO > 1):
        assert properties.relation_holds(unknown, one) is None
    assert properties.in_region((ETA > 0, ETA < 2), one)
    assert not properties.in_region((ETA + UNCERTAIN_ZERO > 1,), Fraction(1))
    assert properties.as_rational(Fraction(-3, 4)) == sympy.Rational(-3, 4)


def test_exact_sign_of_values_that_are_not_real_numbers() -> None:
    not_real = properties.NOT_REAL
    for value in (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.log(-1), sympy.sqrt(-2)):
        assert properties.exact_sign(value) == not_real
    # no sign certified, but known not real: zoo inside, or a certified imaginary part
    third = sympy.Rational(1, 3)
    for value in (
        sympy.zoo * UNCERTAIN_ZERO,
        (-1) ** (UNCERTAIN_ZERO - third),
        (-1) ** (UNCERTAIN_ZERO + third),
    ):
        assert value.is_extended_real is None
        assert properties.exact_sign(value) == not_real
    assert properties.exact_sign(sympy.Integer(-3)) == -1
    assert properties.exact_sign(UNCERTAIN_ZERO) is None
    assert properties.exact_sign(UNCERTAIN_ZERO, prove_zero=True) == 0


def test_claim_sign_and_failure_at_one_step_size() -> None:
    one = Fraction(1)
    assert properties.claim_sign(UNCERTAIN_ZERO * ETA, one) is None
    assert properties.claim_sign(UNCERTAIN_ZERO * ETA, one, prove_zero=True) == 0
    # by default a zero is not proved, so an uncertain sign is no failure
    assert properties.failure_sign(UNCERTAIN_ZERO * ETA, POSITIVE, (), one) is None
    assert not properties.fails_at(UNCERTAIN_ZERO * ETA, POSITIVE, (), one)
    assert properties.claim_sign(ETA - 3, Fraction(2)) == -1
    assert properties.failure_sign(ETA - 1, ZERO, (), Fraction(3)) == 1
    assert properties.failure_sign(ETA - 1, ZERO, (), one) is None
    assert properties.failure_sign(UNCERTAIN_ZERO * ETA, ZERO, (), one, True) is None
    assert properties.failure_sign(UNCERTAIN_ZERO * ETA, POSITIVE, (), one, True) == 0
    assert properties.failure_sign(ETA - 3, POSITIVE, (ETA > 2,), one) is None


def test_which_signs_break_which_claims() -> None:
    signs = (-1, 0, 1, properties.NOT_REAL, None)
    assert [properties.breaks(POSITIVE, s) for s in signs] == [True, True, False, True, False]
    assert [properties.breaks(ZERO, s) for s in signs] == [True, False, True, True, False]


def test_search_failure_counts_its_cases() -> None:
    found = properties.search_failure(
        ETA - sympy.Rational(1, 2), POSITIVE, (ETA < 3,), examples=20, seed=0
    )
    assert found == properties.StepSearch(Fraction(1, 2), 14, 11, properties.STEP_SIZES, 2)
    held = properties.search_failure(ETA + UNCERTAIN_ZERO, POSITIVE, (), examples=20, seed=0)
    assert held == properties.StepSearch(None, 20, 20, properties.STEP_SIZES, 20)
    assert properties.STEP_SIZES == "Fraction(p, q), 1 <= p, q <= 1000"


def test_step_sizes_range_over_the_stated_fractions() -> None:
    assert repr(properties.step_sizes()) == (
        "builds(Fraction, integers(min_value=1, max_value=1000), "
        "integers(min_value=1, max_value=1000))"
    )


# --- z3: translation, answers and models -------------------------------------------------------


def test_what_the_z3_translation_does_not_cover() -> None:
    builder = sgd._Z3Builder()
    uncovered = (
        1 / (ETA + 1),
        sympy.sqrt(ETA),
        sympy.I,
        sympy.pi,
        (1 - sympy.sqrt(2)) ** sympy.Rational(1, 3),
        sympy.sin(ETA),
    )
    for expr in uncovered:
        with pytest.raises(sgd.Untranslatable) as error:
            builder.build(expr)
        assert str(error.value) == str(expr)
    for relation in (sympy.Eq(ETA, 1), sympy.Ne(ETA, 1), sympy.And(ETA > 1, ETA < 2)):
        with pytest.raises(sgd.Untranslatable) as error:
            builder.relation(relation)
        assert str(error.value) == str(relation)


def test_integer_powers_from_one_up_are_z3_powers_and_the_rest_need_a_positive_base() -> None:
    """Unevaluated powers (SymPy folds eta**1 and eta**0 itself, a caller may not)."""
    builder = sgd._Z3Builder()
    assert str(builder.build(sympy.Pow(ETA, 1, evaluate=False))) == "eta**1"
    assert str(builder.build(sympy.Pow(-2, 1, evaluate=False))) == "-2**1"
    assert str(builder.build(sympy.Pow(2, 0, evaluate=False))) == "1/2**0"
    for power in (sympy.Pow(ETA, 0, evaluate=False), sympy.Pow(-2, 0, evaluate=False)):
        with pytest.raises(sgd.Untranslatable) as error:
            builder.build(power)
        assert str(error.value) == str(power)
    assert builder.side_text == []


def test_relations_in_z3() -> None:
    builder = sgd._Z3Builder()
    relations = (sympy.true, sympy.false, ETA >= 1, ETA <= 1, ETA < 1, ETA > 1)
    assert [str(builder.relation(r)) for r in relations] == [
        "True",
        "False",
        "1 <= eta",
        "1 >= eta",
        "1 > eta",
        "1 < eta",
    ]
    inverse = builder.build((1 + sympy.sqrt(2)) ** -2)
    assert (str(inverse), builder.side_text) == ("1/(1 + r0)**2", ["r0 = sqrt(2)"])


def test_an_irrational_model_gives_rational_approximations() -> None:
    builder = sgd._Z3Builder()
    eta = builder.eta
    answer = sgd.ask_z3(builder, [eta * eta == 2, eta > 0], "eta**2 = 2", 5000)
    assert answer == sgd.Z3Answer(
        "sat",
        "",
        (
            Fraction(5793, 4096),
            Fraction(47453133, 33554432),
            Fraction(398065729532861, 281474976710656),
            Fraction(112045541949572279837463876455, 79228162514264337593543950336),
        ),
        "eta**2 = 2",
    )
    assert answer.line() == "z3: exists eta: eta**2 = 2?  sat"
    rational = sgd.ask_z3(builder, [eta * 3 == 2], "3 eta = 2", 5000)
    assert rational.model_eta == (Fraction(2, 3),)


def test_z3_answer_lines() -> None:
    assert sgd.Z3Answer("unknown", "timeout", (), "q").line() == (
        "z3: exists eta: q?  unknown (timeout)"
    )
    assert sgd.Z3Answer("unsat", "", (), "q").line() == "z3: exists eta: q?  unsat"


# --- exact witnesses -------------------------------------------------------------------------


def test_cell_candidates_in_full() -> None:
    def cells(*polys: sympy.Expr) -> list[Fraction]:
        return sgd.cell_candidates([sympy.Poly(p, ETA) for p in polys])

    # roots 0 and 1/2: both, the simplest in (1/8, 3/8), and 1 beyond
    assert cells(4 * ETA**2 - 2 * ETA) == [Fraction(0), Fraction(1, 2), Fraction(1), Fraction(1, 3)]
    # roots 0 and 1/3: the simplest in (1/12, 1/4) is 1/5 (1/4 is the end, not inside)
    assert cells(3 * ETA**2 - ETA) == [Fraction(0), Fraction(1, 3), Fraction(1), Fraction(1, 5)]
    # roots -sqrt(2), 0, sqrt(2), 3
    assert cells(ETA**2 - 2, ETA - 3) == [Fraction(v) for v in (0, 3, 4, -1, 1, 2)]
    # roots 1 and 1 + 10**-40 agree to 30 digits: the cell between them gets no point
    tiny = Fraction(1, 10**40)
    near = cells((ETA - 1) * (ETA - 1 - sympy.Rational(1, 10**40)))
    assert near == [Fraction(0), Fraction(1), 1 + tiny, Fraction(2), Fraction(1, 2)]
    assert cells(ETA * 0) == [Fraction(1)]
    assert cells() == [Fraction(0), Fraction(1)]


def test_simplest_between_examples() -> None:
    cases = [
        ((Fraction(1, 8), Fraction(3, 8)), Fraction(1, 3)),
        ((Fraction(-3, 2), Fraction(-1, 2)), Fraction(-1)),
        ((Fraction(-5, 2), Fraction(-2)), Fraction(-7, 3)),
        ((Fraction(-1, 2), Fraction(1, 2)), Fraction(0)),
        ((Fraction(-7, 2), Fraction(-3, 2)), Fraction(-2)),  # of -3 and -2, the one nearer 0
        ((Fraction(-5, 2), Fraction(0)), Fraction(-1)),
        ((Fraction(0), Fraction(1)), Fraction(1, 2)),
        ((Fraction(3, 2), Fraction(7, 2)), Fraction(2)),
        ((Fraction(2), Fraction(5, 2)), Fraction(7, 3)),
    ]
    assert [sgd.simplest_between(*bounds) for bounds, _ in cases] == [x for _, x in cases]


class _FakeSolver:
    """A z3 solver that fails in the ways z3 can: an exception, or unknown without a reason."""

    def __init__(self, raises: bool) -> None:
        self.raises = raises

    def set(self, key: str, value: int) -> None:
        assert (key, value) == ("timeout", 7)

    def add(self, *constraints: object) -> None:
        pass

    def check(self) -> object:
        if self.raises:
            raise z3.Z3Exception("boom")
        return z3.unknown

    def reason_unknown(self) -> str:
        return ""


@pytest.mark.parametrize(
    ("raises", "reason"),
    [(True, f"z3 error: {z3.Z3Exception('boom')}"), (False, "no reason given")],
)
def test_z3_failures_are_unknown_answers(
    monkeypatch: pytest.MonkeyPatch, raises: bool, reason: str
) -> None:
    monkeypatch.setattr(z3, "Solver", lambda: _FakeSolver(raises))
    answer = sgd.ask_z3(sgd._Z3Builder(), [], "q", 7)
    assert answer == sgd.Z3Answer("unknown", reason, (), "q")


def test_a_next_iterate_right_only_on_the_region_is_proved_by_z3() -> None:
    made = setting(SEED_COMPONENTS, "0", 2, "eta >= 1 and eta <= 1")
    outcome = sgd.decide_step(sgd.next_iterate_claim(sympy.Integer(-1), made), made, SETTINGS)
    assert outcome.evidence == (
        "the claim - the true w_t+1 (-eta) = eta - 1 vanishes for every eta > 0 with eta >= 1 "
        "and eta <= 1: the negation is unsatisfiable. z3: exists eta: eta > 0 and eta >= 1 and "
        "eta <= 1 and eta - 1 != 0?  unsat; z3: exists eta: eta > 0 and eta >= 1 and eta <= 1?  "
        "sat"
    )
