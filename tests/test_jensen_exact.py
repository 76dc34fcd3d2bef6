"""Exact tests for Q3.3 (proofs.jensen, properties.jensen, properties.search): the printed
derivation, each family's values, gradients and text, the summary of an instance, the
search's bookkeeping and the evidence of claimed bounds."""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction
from typing import Any

import pytest
import z3
from hypothesis import strategies as st

from hw2check.ledger import Verdict
from hw2check.sheet import parse_sheet, seed_text
from hw2check.topics import Settings
from proofs import jensen
from proofs.regret import SolverUnknown
from properties import jensen as props
from properties.jensen import (
    Affine,
    ExpAffine,
    GapInstance,
    Huber,
    LogSumExp,
    MaxAffine,
    NegativeSquaredNorm,
    PositiveSum,
    Quadratic,
    SineAffine,
    Softplus,
    summarize_gap,
)
from properties.search import search
from tests.test_jensen import claim

F = Fraction


def test_main_prints_every_derivation_exactly(
    recorded_tools: None, capsys: pytest.CaptureFixture[str]
) -> None:
    jensen.main()
    assert capsys.readouterr().out == MAIN_OUTPUT


def test_z3_step_passes_its_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def fake(*constraints: Any, timeout_ms: int) -> bool:
        seen.append(timeout_ms)
        return len(constraints) == 2

    monkeypatch.setattr(jensen, "unsat", fake)
    a = z3.Real("a")
    assert jensen.z3_step("claim", a > 0, a < 0, timeout_ms=123) == (
        "z3: claim [unsat: a > 0; a < 0]",
        True,
    )
    assert seen == [123]


def test_every_solver_step_gets_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def record(*constraints: Any, timeout_ms: int) -> bool:
        seen.append(timeout_ms)
        return True

    monkeypatch.setattr(jensen, "unsat", record)
    assert jensen.prove_convex_average_gap(777).verdict is Verdict.PROVED
    assert jensen.prove_families_convex(777).holds
    assert seen == [777] * 9  # 2 Jensen, 2 first-order, 2 chain, 3 families


def test_teeth_a_wrong_but_positive_softplus_derivative_fails() -> None:
    e = jensen._E
    wrong = jensen.prove_families_convex(softplus_second=e / (1 + e) ** 3)
    assert [ok for _, ok in wrong.steps].count(False) == 1
    assert not wrong.holds


def test_teeth_a_solver_that_cannot_tell_leaves_the_theorem_undecided(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unknown(*constraints: Any, timeout_ms: int) -> bool:
        raise SolverUnknown("timeout")

    monkeypatch.setattr(jensen, "unsat", unknown)
    outcome = jensen.prove_convex_average_gap()
    assert (outcome.verdict, outcome.method, outcome.evidence) == (
        Verdict.UNDECIDED,
        "z3",
        "z3 answered unknown on a lemma of the chain (timeout)",
    )


def test_teeth_a_failed_link_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jensen, "unsat", lambda *c, timeout_ms: False)
    outcome = jensen.prove_convex_average_gap()
    assert (outcome.verdict, outcome.method) == (Verdict.UNDECIDED, "SymPy and z3")
    assert outcome.evidence.startswith("a link of the chain did not verify:\n  [ok] base T = 1")
    assert outcome.evidence.count("[FAILED] z3: ") == 6


# --- the families -------------------------------------------------------------------------------


def test_linear_text() -> None:
    assert Affine((F(1), F(-1, 2), F(0)), F(2)).text() == "w1 - 1/2*w2 + 2"
    assert Affine((F(0),)).text() == "0"
    assert Affine((F(-1), F(3)), F(-2)).text() == "-w1 + 3*w2 - 2"
    assert Affine((F(0), F(-2)), F(-1, 3)).text() == "-2*w2 - 1/3"


def test_quadratic() -> None:
    q = Quadratic(((F(1), F(2)), (F(0), F(-1))), (F(1, 2), F(0)))
    assert q.text() == "((w1 + 2*w2)**2 + (-w2)**2)/2 + 1/2*w1"
    assert Quadratic(((F(1), F(0)),), (F(0), F(0))).text() == "((w1)**2)/2"
    assert q.value((F(1), F(1))) == F(11, 2)
    assert q.value((F(2), F(-1))) == F(3, 2)
    assert q.gradient((F(1), F(1))) == (F(7, 2), F(7))
    assert q.gradient((F(2), F(-1))) == (F(1, 2), F(-1))  # B^T B w + c, B w = (0, 1)


def test_max_affine_takes_the_first_maximal_piece() -> None:
    m = MaxAffine((Affine((F(1),)), Affine((F(-1),), F(1))))
    assert m.text() == "max(w1, -w1 + 1)"
    assert (m.value((F(2),)), m.gradient((F(2),))) == (2, (1,))
    assert (m.value((F(0),)), m.gradient((F(0),))) == (1, (-1,))
    assert (m.value((F(1, 2),)), m.gradient((F(1, 2),))) == (F(1, 2), (1,))


@pytest.mark.parametrize(
    ("w", "value", "slope"),
    [
        (F(1), 2, 4),
        (F(3, 2), F(9, 2), 6),
        (F(2), F(15, 2), 6),
        (F(-3, 2), F(9, 2), -6),
        (F(-2), F(15, 2), -6),
        (F(-1), 2, -4),
    ],
)
def test_huber(w: Fraction, value: Fraction, slope: Fraction) -> None:
    h = Huber(Affine((F(2),)), F(3))
    assert h.text() == "huber_3(2*w1)"
    assert h.value((w,)) == value
    assert h.gradient((w,)) == (slope,)


def test_float_families() -> None:
    inner = Affine((F(2),), F(-1))
    assert ExpAffine(inner).text() == "exp(2*w1 - 1)"
    assert ExpAffine(inner).value((F(1),)) == math.e
    assert ExpAffine(inner).gradient((F(1),)) == (2 * math.e,)
    assert Softplus(inner).text() == "log(1 + exp(2*w1 - 1))"
    assert Softplus(inner).value((F(1, 2),)) == math.log(2)
    assert Softplus(inner).gradient((F(1, 2),)) == (1.0,)
    assert SineAffine(inner).text() == "sin(2*w1 - 1)"
    assert SineAffine(inner).value((F(1, 2),)) == 0.0
    assert SineAffine(inner).gradient((F(1, 2),)) == (2.0,)
    assert not (ExpAffine(inner).exact or Softplus(inner).exact or SineAffine(inner).exact)


@pytest.mark.parametrize("z", [-30.0, -2.0, -0.5, 0.0, 0.5, 2.0, 30.0])
def test_softplus_and_sigmoid(z: float) -> None:
    assert props._softplus(z) == pytest.approx(math.log1p(math.exp(z)), rel=1e-15, abs=0)
    assert props._sigmoid(z) == pytest.approx(1 / (1 + math.exp(-z)), rel=1e-15, abs=0)
    assert props._sigmoid(z) + props._sigmoid(-z) == pytest.approx(1, rel=1e-15)


def test_softplus_and_sigmoid_do_not_overflow() -> None:
    assert (props._sigmoid(-800.0), props._sigmoid(800.0)) == (0.0, 1.0)
    assert (props._softplus(-800.0), props._softplus(800.0)) == (0.0, 800.0)


def test_log_sum_exp() -> None:
    lse = LogSumExp((Affine((F(1), F(0))), Affine((F(-1), F(2)), F(1))))
    assert lse.text() == "log(exp(w1) + exp(-w1 + 2*w2 + 1))"
    w = (F(1, 2), F(-1))
    z1, z2 = 0.5, -1.5
    assert lse.value(w) == pytest.approx(math.log(math.exp(z1) + math.exp(z2)), rel=1e-15)
    p1, p2 = (
        math.exp(z1) / (math.exp(z1) + math.exp(z2)),
        math.exp(z2) / (math.exp(z1) + math.exp(z2)),
    )
    g = lse.gradient(w)
    assert g[0] == pytest.approx(p1 - p2, rel=1e-14)
    assert g[1] == pytest.approx(2 * p2, rel=1e-14)
    single = LogSumExp((Affine((F(1), F(2))),))
    assert (single.value(w), single.gradient(w)) == (-1.5, (1.0, 2.0))
    # Shifted by the maximum: no overflow far out.
    assert lse.value((F(800), F(0))) == pytest.approx(800, rel=1e-15)


def test_positive_sum_and_negative_norm() -> None:
    a = Affine((F(1), F(-1, 2), F(0)), F(2))
    s = PositiveSum(((F(2), a), (F(1, 2), NegativeSquaredNorm())))
    w = (F(1), F(1), F(1))
    assert s.text() == "(2)*(w1 - 1/2*w2 + 2) + (1/2)*(-||w||^2)"
    assert (s.value(w), s.gradient(w), s.exact) == (F(7, 2), (1, -2, -1), True)
    assert not PositiveSum(((F(1), a), (F(1), ExpAffine(Affine((F(1), F(0), F(0))))))).exact
    assert NegativeSquaredNorm().text() == "-||w||^2"
    assert NegativeSquaredNorm().value((F(1), F(-2))) == -5
    assert NegativeSquaredNorm().gradient((F(1), F(-2))) == (-2, 4)


def test_a_dimension_mismatch_is_an_error_not_a_truncation() -> None:
    with pytest.raises(ValueError):
        Affine((F(1),)).value((F(1), F(2)))
    with pytest.raises(ValueError):
        PositiveSum(((F(1), Affine((F(1),))),)).gradient((F(1), F(2)))
    with pytest.raises(ValueError):
        summarize_gap(GapInstance(NegativeSquaredNorm(), ((F(1), F(2)),), (F(0),)))


# --- the summary of an instance and the properties ----------------------------------------------


def test_summary_of_an_exact_instance() -> None:
    f = Affine((F(1), F(-1)))
    points = ((F(1), F(1)), (F(1), F(1)), (F(2), F(0)))
    s = summarize_gap(GapInstance(f, points, (F(0), F(-1))))
    assert s == props.GapSummary(
        exact=True,
        T=3,
        average=(F(4, 3), F(2, 3)),
        value_at_average=F(2, 3),
        mean_value=F(2, 3),
        value_at_wstar=F(1),
        gaps=(F(-1), F(1)),  # one per run of equal points
        slopes=(F(-1), F(1)),
        slope_sum=F(-1),
        scale=1 + 12.0 + 2 / 3,  # 1 + |f(w*)| + 2 (|0| + |1| + |-2|) + (|2| + |2| + |-1|)
    )
    assert (s.lhs, s.avg_gap) == (F(-1, 3), F(-1, 3))


def test_summary_of_a_quadratic_instance() -> None:
    f = Quadratic(((F(1),),), (F(0),))  # w^2/2
    s = summarize_gap(GapInstance(f, ((F(1),), (F(1),), (F(3),)), (F(0),)))
    assert (s.T, s.average, s.value_at_average, s.mean_value) == (
        3,
        (F(5, 3),),
        F(25, 18),
        F(11, 6),
    )
    assert (s.gaps, s.slopes, s.slope_sum, s.lhs, s.avg_gap) == (
        (F(1, 2), F(9, 2)),
        (F(1), F(9)),
        F(11),
        F(25, 18),
        F(11, 3),
    )
    assert s.scale == 1 + 16.5 + 25 / 18


def test_exceeds_is_exact_for_exact_functions_and_tolerant_for_floats() -> None:
    f = Affine((F(1),))
    s = summarize_gap(GapInstance(f, ((F(0),),), (F(0),)))
    assert props.exceeds(F(1, 10**30), F(0), s) and not props.exceeds(F(0), F(0), s)
    floaty = dataclasses.replace(s, exact=False, scale=1000.0)  # tolerance 1e-6
    assert props.exceeds(1 + 2e-6, 1.0, floaty)
    assert not props.exceeds(1 + 5e-7, 1.0, floaty)
    assert not props.exceeds(1.0, 1 + 2e-6, floaty)
    tie = dataclasses.replace(s, exact=False, scale=1e9)  # tolerance 1e-9 * 1e9 == 1.0
    assert not props.exceeds(2.0, 1.0, tie) and props.exceeds(2.5, 1.0, tie)


def test_the_properties_on_a_concave_function() -> None:
    bad = GapInstance(NegativeSquaredNorm(), ((F(1),), (F(-1),)), (F(0),))
    assert not props.jensen_holds(bad)  # f(0) = 0 > -1
    assert not props.first_order_holds(bad)  # -1 - 0 > <1, -2> = -2
    assert not props.average_gap_holds(bad)  # 0 > -2
    assert props.fails(props.jensen_holds)(bad)
    # Only the last point violates first-order convexity here (w* = w_1).
    one = GapInstance(NegativeSquaredNorm(), ((F(0),), (F(1),)), (F(0),))
    assert props.jensen_holds(GapInstance(NegativeSquaredNorm(), ((F(1),),), (F(0),)))
    assert not props.first_order_holds(one)
    good = GapInstance(Affine((F(1),)), ((F(1),), (F(-1),)), (F(2),))
    assert props.jensen_holds(good) and props.first_order_holds(good)
    assert props.average_gap_holds(good) and not props.fails(props.jensen_holds)(good)


# --- the search ---------------------------------------------------------------------------------


def test_search_counts_cases_and_shrinks() -> None:
    found = search(st.integers(0, 1000), lambda x: x >= 17, examples=50, seed=3, generator="g")
    assert (found.counterexample, found.cases, found.generator, found.found) == (17, 15, "g", True)
    for examples, cases in ((0, 1), (1, 1), (5, 5), (30, 30)):
        none = search(st.integers(0, 1000), lambda x: False, examples=examples, seed=3)
        assert (none.counterexample, none.cases, none.found) == (None, cases, False)
        assert none.generator == "integers(min_value=0, max_value=1000)"
    unshrunk = search(st.integers(0, 1000), lambda x: x >= 17, examples=50, seed=3, shrink=False)
    assert (unshrunk.counterexample, unshrunk.cases) == (373, 3)
    impossible = search(st.integers().filter(lambda x: False), bool, examples=10, seed=3)
    assert (impossible.counterexample, impossible.cases) == (None, 0)


# --- judging claimed bounds ---------------------------------------------------------------------


def test_refuted_bound_evidence_and_witness() -> None:
    outcome = jensen.decide_bound(claim("avg_gap/2"))
    assert outcome.method == "exact instance (Fractions; bound by certified evaluation)"
    assert outcome.evidence == (
        "f(w) = w1 (affine: Jensen and first-order convexity are equalities), T = 1, "
        "w_1 = (0), w* = (-1): f(w_bar) - f(w*) = 1 > avg_gap/2 = "
        "1/2 at avg_gap = 1"
    )
    assert dict(outcome.witness or {}) == {
        "f": "w1",
        "d": "1",
        "T": "1",
        "points": '[[1, ["0"]]]',
        "wstar": '["-1"]',
        "w_bar": '["0"]',
        "lhs": "1",
        "avg_gap": "1",
        "bound": "1/2",
    }


def test_a_bound_wrong_off_the_grid_is_found_by_the_scan_and_shrunk() -> None:
    outcome = jensen.decide_bound(claim("avg_gap + log(1 + 1000*avg_gap)"))
    assert outcome.verdict is Verdict.REFUTED
    assert dict(outcome.witness or {}) == {
        "f": "w1",
        "d": "1",
        "T": "1",
        "points": '[[1, ["0"]]]',
        "wstar": '["1/100000"]',
        "w_bar": '["0"]',
        "lhs": "-1/100000",
        "avg_gap": "-1/100000",
        "bound": "log(99/100) - 1/100000 ~ -0.0100603358535014",
    }


NARROW = "(exp(1/100) - exp((avg_gap - 1/5)**2))"
WRONG_NEAR_ONE_FIFTH = f"avg_gap - ({NARROW} + Abs({NARROW}))/2"  # < avg_gap for |gap-1/5| < 1/10


def test_a_violation_found_by_the_search_becomes_a_simple_affine_witness(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without the scan, the hypothesis search finds a violating instance (d = 4, T = 38); the
    # tight affine instance at its (T, avg_gap) is shrunk to T = 1, avg_gap = 1/5.  (Shrinking
    # with hypothesis took 40 s here.)
    # Root isolation finds it first (avg_gap = 1/4, inside the window): take it out too.
    windowed = jensen.decide_bound(claim(WRONG_NEAR_ONE_FIFTH, 1))
    assert windowed.verdict is Verdict.REFUTED and windowed.witness is not None
    assert windowed.witness["avg_gap"] == "1/4"
    monkeypatch.setattr(jensen.GapJudge, "windows", lambda self: None)
    monkeypatch.setattr(jensen.GapJudge, "scan", lambda self: None)
    assert jensen.decide_bound(claim(WRONG_NEAR_ONE_FIFTH, 40)).verdict is Verdict.CHECKED
    outcome = jensen.decide_bound(claim(WRONG_NEAR_ONE_FIFTH, 100))
    assert outcome.verdict is Verdict.REFUTED
    witness = dict(outcome.witness or {})
    assert (witness["f"], witness["T"], witness["wstar"], witness["avg_gap"]) == (
        "w1",
        "1",
        '["-1/5"]',
        "1/5",
    )
    assert witness["bound"] == "6/5 - exp(1/100) ~ 0.189949832915832"


def test_scan_points_are_fixed_by_the_seed() -> None:
    assert jensen.scan_points(12, 0) == SCAN_POINTS
    assert jensen.GapJudge(claim("avg_gap").bound).scan() is None


def test_a_witness_at_avg_gap_0_stays_there() -> None:
    # Wrong only at T = 7 (off the grid; exp keeps z3 out): the scan finds T = 7, avg_gap = 0.
    outcome = jensen.decide_bound(claim("avg_gap + (T-7)**2 - exp(-avg_gap**2)/10**9"))
    witness = dict(outcome.witness or {})
    assert (witness["T"], witness["avg_gap"], witness["bound"]) == ("7", "0", "-1/1000000000")


def test_the_checks_and_a_proof_resting_on_the_theorem() -> None:
    settings = Settings()
    (theorem,) = jensen.theorem_checks(settings)
    assert (theorem.statement, theorem.decide, theorem.args) == (
        "f(w_bar) - f(w*) <= (1/T) sum <w_t - w*, grad f(w_t)> for convex differentiable f",
        jensen.prove_convex_average_gap,
        (settings.solver_timeout_ms,),
    )
    (bound,) = jensen.claim_checks(parse_sheet(seed_text(), "seed"), settings, {})
    assert (bound.id, bound.statement) == (
        "q3_3.bound",
        "f(w_bar) - f(w*) <= avg_gap for every convex differentiable f, points and w*",
    )
    base = claim("avg_gap + 1/T")
    evidence = "avg_gap + 1/T - (avg_gap) = 1/T >= 0 for every integer T >= 1 and real avg_gap"
    for established, verdict, tail in (
        (None, Verdict.PROVED, ""),  # the theorem is proved on the spot
        (False, Verdict.UNDECIDED, "; but theorem.convex_average_gap is not proved"),
    ):
        outcome = jensen.decide_bound(dataclasses.replace(base, theorem_proved=established))
        assert (outcome.verdict, outcome.method, outcome.evidence) == (
            verdict,
            "SymPy assumptions (theorem.convex_average_gap)",
            evidence + tail,
        )


def test_other_outcomes_say_exactly_why() -> None:
    checked = jensen.decide_bound(claim("avg_gap + exp(1/T) - 1"))
    assert (checked.verdict, checked.method, checked.evidence) == (
        Verdict.CHECKED,
        "hypothesis: d 1-6, T 1-40, exact convex families (affine, PSD quadratic, max-affine, "
        "Huber, positive sums), w* random or a point",
        "no violation on 40 instances nor on 135 tight affine instances; not proved: z3 cannot "
        "express the bound (exp)",
    )
    undefined = jensen.decide_bound(claim("avg_gap + 1/(T-1)"))
    assert (undefined.verdict, undefined.method, undefined.evidence) == (
        Verdict.UNDECIDED,
        "exact evaluation",
        "the bound is not a real number at T = 1, avg_gap = 0 (it is zoo): the claim says "
        "nothing there",
    )
    # Wrong only for T > 10**8: z3's point becomes a witness held as runs.
    huge = jensen.decide_bound(claim("avg_gap + 1/T - 1/10**8"))
    assert (huge.verdict, huge.evidence) == (
        Verdict.REFUTED,
        "f(w) = w1 (affine: Jensen and first-order convexity are equalities), T = 100000001, "
        "w_1 = ... = w_100000001 = (0), w* = (0): f(w_bar) - f(w*) = 0 > avg_gap + 1/T - "
        "1/10**8 = -1/10000000100000000 at avg_gap = 0",
    )
    assert huge.witness is not None and huge.witness["points"] == '[[100000001, ["0"]]]'
    assert Fraction(1, 100000001) - Fraction(1, 10**8) < 0
    at_three = jensen.decide_bound(claim("avg_gap + 1/(T-3)**2"))
    assert (at_three.verdict, at_three.evidence) == (
        Verdict.UNDECIDED,
        "the bound is not a real number at T = 3, avg_gap = 0 (it is zoo): the claim says "
        "nothing there",
    )
    # exp keeps z3 out: the canonical points find where the bound is undefined.
    for text, where in (
        ("avg_gap + exp(1/(T-2)**2) - 1", "T = 2, avg_gap = 0"),
        ("avg_gap + exp(1/(avg_gap-1)**2) - 1", "T = 1, avg_gap = 1"),
        ("avg_gap + exp(1/(avg_gap+1)**2) - 1", "T = 1, avg_gap = -1"),
    ):
        outcome = jensen.decide_bound(claim(text))
        assert outcome.evidence == (
            f"the bound is not a real number at {where} (it is nan): the claim says nothing there"
        )
    real = jensen.decide_bound(claim("Abs(avg_gap)"))
    assert (real.method, real.evidence) == (
        "z3 (negation unsat; theorem.convex_average_gap)",
        "no real T >= 1 and real avg_gap with Abs(avg_gap) < avg_gap",
    )
    integer = jensen.decide_bound(claim("avg_gap + (T-1)*(T-2)"))
    assert (integer.method, integer.evidence) == (
        "z3 (negation unsat, integer T; theorem.convex_average_gap)",
        "no integer T >= 1 and real avg_gap with avg_gap + (T-1)*(T-2) < avg_gap",
    )


def test_the_judge_on_given_points() -> None:
    judge = jensen.GapJudge(claim("avg_gap/2").bound)
    assert judge.violates(jensen.affine_instance(3, F(1)))
    assert not judge.violates(jensen.affine_instance(3, F(-1)))
    assert not jensen.GapJudge(claim("avg_gap").bound).violates(jensen.affine_instance(2, F(5)))
    assert judge.candidates([(0, F(1)), (jensen.MAX_T + 1, F(1))]) is None
    overflow = judge.candidates([(1, F(10**400)), (2, F(3))])  # float(10**400) overflows
    assert overflow is not None and (overflow.summary.T, overflow.summary.avg_gap) == (2, 3)
    # exp(w) at w_1 = 0, w* = -1: f(w_bar) - f(w*) = 1 - 1/e > 1/2 = avg_gap/2, but in floats.
    floats = GapInstance(ExpAffine(Affine((F(1),))), ((F(0),),), (F(-1),))
    assert judge.verify(floats) is None and not judge.violates(floats)
    undefined = jensen.GapJudge(claim("avg_gap + 1/(T-1)").bound)
    assert not undefined.violates(jensen.affine_instance(1, F(1)))
    assert undefined.candidates([(1, F(1))]) is None
    found = judge.candidates([(jensen.MAX_T, F(1))])
    assert found is not None and found.summary.T == jensen.MAX_T
    assert judge.from_model({}) is None and judge.from_model({"T": F(2)}) is None
    model = judge.from_model({"T": F(5, 2), "avg_gap": F(1, 3)})
    assert model is not None and (model.summary.T, model.summary.avg_gap) == (2, F(1, 3))
    near = judge.from_model({"T": F(1, 2), "avg_gap": F(10**7 + 1, 10**7)})
    assert near is not None and (near.summary.T, near.summary.avg_gap) == (1, F(1))


MAIN_OUTPUT = (
    "Q3.3 — the averaged iterate of a convex function\n"
    "Jensen by induction on T:\n"
    "  [ok] base T = 1: w_bar = w_1, so f(w_bar) = (1/1) f(w_1) [SymPy: 0 = 0]\n"
    "  [ok] w_bar_(T+1) = theta w_bar_T + (1 - theta) w_(T+1), theta = T/(T+1) (per coordinat"
    "e m of w_bar_T, x of w_(T+1)) [SymPy: -T*m/(T + 1) - x*(-T/(T + 1) + 1) + (T*m + x)/(T +"
    " 1) = 0]\n"
    "  [ok] z3: theta = T/(T+1) lies in [0, 1] for T >= 1 [unsat: T >= 1; theta*(T + 1) == T;"
    " Or(theta < 0, theta > 1)]\n"
    "  [ok] z3: T f(w_bar_T) <= S_T and convexity at theta give (T+1) f(w_bar_(T+1)) <= S_T +"
    " f(w_(T+1)) [unsat: T >= 1; T*F <= S; (T + 1)*G <= T*F + y; (T + 1)*G > S + y]\n"
    "First-order convexity:\n"
    "  [ok] z3: g(s) <= (1 - s) g(0) + s g(1), 0 < s <= 1 imply (g(s) - g(0))/s <= g(1) - g(0"
    ") [unsat: s > 0; s <= 1; gs <= (1 - s)*g0 + s*g1; s*q == gs - g0; q > g1 - g0]\n"
    "  [ok] z3: so the limit g'(0) of those quotients is <= g(1) - g(0) [unsat: D > c; delta "
    "> 0; And(If(delta < 1, delta/2, 1/2) > 0, If(delta < 1, delta/2, 1/2) < delta, If(delta "
    "< 1, delta/2, 1/2) <= 1); Implies(And(If(delta < 1, delta/2, 1/2) > 0, If(delta < 1, del"
    "ta/2, 1/2) < delta), And(q - D < D - c, D - q < D - c)); q <= c]\n"
    "  [ok] SymPy: g'(0) = (-x1 + y1)*Derivative(f(x1, x2), x1) + (-x2 + y2)*Derivative(f(x1,"
    " x2), x2) = <grad f(x), y - x> = (-x1 + y1)*Derivative(f(x1, x2), x1) + (-x2 + y2)*Deriv"
    "ative(f(x1, x2), x2) (chain rule, generic f)\n"
    "The chain:\n"
    "  [ok] z3: A <= B and a <= b give A + a <= B + b (summing T inequalities) [unsat: A <= B"
    "; a <= b; A + a > B + b]\n"
    "  [ok] z3: T f(w_bar) <= sum f(w_t) and sum (f(w_t) - f(w*)) <= T avg_gap give f(w_bar) "
    "- f(w*) <= avg_gap [unsat: T >= 1; T*F <= S; S - T*fstar <= G; T*(F - fstar) > G]\n"
    "Tight for affine f:\n"
    "  [ok] affine f, d = 2, T = 1: f(w_bar) - f(w*) = avg_gap [SymPy: -c1*u1 + c1*w0_1 - c1*"
    "(-u1 + w0_1) - c2*u2 + c2*w0_2 - c2*(-u2 + w0_2) = 0]\n"
    "  [ok] affine f, d = 2, T = 2: f(w_bar) - f(w*) = avg_gap [SymPy: -c1*u1 - c1*(-u1 + w0_"
    "1)/2 - c1*(-u1 + w1_1)/2 + c1*(w0_1/2 + w1_1/2) - c2*u2 - c2*(-u2 + w0_2)/2 - c2*(-u2 + "
    "w1_2)/2 + c2*(w0_2/2 + w1_2/2) = 0]\n"
    "  [ok] affine f, d = 2, T = 3: f(w_bar) - f(w*) = avg_gap [SymPy: -c1*u1 - c1*(-u1 + w0_"
    "1)/3 - c1*(-u1 + w1_1)/3 - c1*(-u1 + w2_1)/3 + c1*(w0_1/3 + w1_1/3 + w2_1/3) - c2*u2 - c"
    "2*(-u2 + w0_2)/3 - c2*(-u2 + w1_2)/3 - c2*(-u2 + w2_2)/3 + c2*(w0_2/3 + w1_2/3 + w2_2/3)"
    " = 0]\n"
    "  [ok] affine f, d = 2, T = 4: f(w_bar) - f(w*) = avg_gap [SymPy: -c1*u1 - c1*(-u1 + w0_"
    "1)/4 - c1*(-u1 + w1_1)/4 - c1*(-u1 + w2_1)/4 - c1*(-u1 + w3_1)/4 + c1*(w0_1/4 + w1_1/4 +"
    " w2_1/4 + w3_1/4) - c2*u2 - c2*(-u2 + w0_2)/4 - c2*(-u2 + w1_2)/4 - c2*(-u2 + w2_2)/4 - "
    "c2*(-u2 + w3_2)/4 + c2*(w0_2/4 + w1_2/4 + w2_2/4 + w3_2/4) = 0]\n"
    "The convex families used by the property tests:\n"
    "  [ok] affine b + c1*w1 + c2*w2: Hessian [[0, 0], [0, 0]]\n"
    "  [ok] the affine form b + c1*w1 + c2*w2 commutes with convex combinations (h(affine) st"
    "ays convex) [SymPy: b + c1*(theta*u1 + w1*(1 - theta)) + c2*(theta*u2 + w2*(1 - theta)) "
    "- theta*(b + c1*u1 + c2*u2) - (1 - theta)*(b + c1*w1 + c2*w2) = 0]\n"
    "  [ok] quadratic (1/2)||B w||^2 + <c, w> = c1*w1 + c2*w2 + (B11*w1 + B12*w2)**2/2 + (B21"
    "*w1 + B22*w2)**2/2: u^T H u = ||B u||^2 >= 0 [SymPy: u1*(u1*(B11**2 + B21**2) + u2*(B11*"
    "B12 + B21*B22)) + u2*(u1*(B11*B12 + B21*B22) + u2*(B12**2 + B22**2)) - (B11*u1 + B12*u2)"
    "**2 - (B21*u1 + B22*u2)**2 = 0]\n"
    "  [ok] exp(b + c1*w1 + c2*w2): u^T H u = exp(z) <c, u>^2 >= 0 [SymPy: u1*(c1**2*u1*exp(b"
    " + c1*w1 + c2*w2) + c1*c2*u2*exp(b + c1*w1 + c2*w2)) + u2*(c1*c2*u1*exp(b + c1*w1 + c2*w"
    "2) + c2**2*u2*exp(b + c1*w1 + c2*w2)) - (c1*u1 + c2*u2)**2*exp(b + c1*w1 + c2*w2) = 0]\n"
    "  [ok] softplus: (log(1 + e^x))'' = E*(-E/(E + 1) + 1)/(E + 1) = E/(E + 1)**2 > 0 (E = e"
    "^x)\n"
    "  [ok] log-sum-exp: u^T H u = (1/2) sum_ij p_i p_j (u_i - u_j)^2 >= 0, p = softmax(z)\n"
    "  [ok] Huber is C^1 at |z| = delta: the values of x**2/2 and delta*(-delta/2 + x) match "
    "[SymPy: 0 = 0]\n"
    "  [ok] and so do their slopes [SymPy: 0 = 0]\n"
    "  [ok] z3: Huber's derivative clip(z, -delta, delta) is nondecreasing [unsat: delta > 0;"
    " p1 <= p2; If(p1 < -delta, -delta, If(p1 > delta, delta, p1)) > If(p2 < -delta, -delta, "
    "If(p2 > delta, delta, p2))]\n"
    "  [ok] z3: a max of affine functions satisfies the convexity inequality [unsat: theta >="
    " 0; theta <= 1; If(theta*a3 + (1 - theta)*b3 > If(theta*a2 + (1 - theta)*b2 > theta*a1 +"
    " (1 - theta)*b1, theta*a2 + (1 - theta)*b2, theta*a1 + (1 - theta)*b1), theta*a3 + (1 - "
    "theta)*b3, If(theta*a2 + (1 - theta)*b2 > theta*a1 + (1 - theta)*b1, theta*a2 + (1 - the"
    "ta)*b2, theta*a1 + (1 - theta)*b1)) > theta*If(a3 > If(a2 > a1, a2, a1), a3, If(a2 > a1,"
    " a2, a1)) + (1 - theta)* If(b3 > If(b2 > b1, b2, b1), b3, If(b2 > b1, b2, b1))]\n"
    "  [ok] z3: a positive sum of convex functions is convex [unsat: k1 > 0; k2 > 0; theta >="
    " 0; theta <= 1; f1m <= theta*f1x + (1 - theta)*f1y; f2m <= theta*f2x + (1 - theta)*f2y; "
    "k1*f1m + k2*f2m > theta*(k1*f1x + k2*f2x) + (1 - theta)*(k1*f1y + k2*f2y)]\n"
    "Jensen by induction on T from two-point convexity (w_bar_(T+1) = T/(T+1) w_bar_T + 1/(T+"
    "1) w_(T+1)); first-order convexity from chord slopes and the limit g'(0) = <grad f(x), y"
    " - x>; summing the T first-order inequalities and combining with Jensen gives f(w_bar) -"
    " f(w*) <= (1/T) sum <w_t - w*, grad f(w_t)>; affine f attains it\n"
)
SCAN_POINTS = [
    (4, F(0, 1)),
    (4, F(260000000, 1)),
    (4289, F(3, 10000000)),
    (10, F(-383, 1000000)),
    (2522, F(-23, 10000)),
    (4487, F(93, 1000)),
    (1660, F(-3, 62500000)),
    (1, F(1, 40000)),
    (1, F(-1, 50000)),
    (4, F(0, 1)),
    (4, F(5230, 1)),
    (4886, F(51, 500)),
]
