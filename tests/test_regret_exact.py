"""Q3.2: exact texts and teeth that pin down the regret derivations (mutation testing)."""

from __future__ import annotations

import collections
import math
import random
import re
from collections.abc import Callable
from fractions import Fraction

import pytest
import sympy
import z3

from hw2check.ledger import Derivation, Row, Verdict, checked, proved, undecided
from hw2check.sheet import Expression, parse_sheet, seed_text
from hw2check.topics import Settings
from proofs import regret
from properties import regret as regret_properties
from tests.test_regret import claim

DERIVATIONS: dict[str, list[str]] = {
    "prove_one_step_identity": [
        "x_{t+1} = x_t - eta v_t, so x_{t+1}^2 = x_t^2 - 2 eta x_t v_t + eta^2 v_t^2",
        "x_t v_t = (x_t^2 - x_{t+1}^2)/(2 eta) + (eta/2) v_t^2",
    ],
    "prove_regret_identity_by_induction": [
        "base T = 1: x_1 v_1 = (x_1^2 - x_2^2)/(2 eta) + (eta/2) v_1^2",
        "step: P(T) and x_{T+2} = x_{T+1} - eta v_{T+1} give P(T + 1)",
        "sum over coordinates with x_1 = -w*_i (w_1 = 0): sum <w_t - w*, v_t> = "
        "||w*||^2/(2 eta) + (eta/2) sum ||v_t||^2 - ||w_{T+1} - w*||^2/(2 eta)",
    ],
    "prove_bound_with_equality": [
        "R - regret = D/(2*eta) with D = ||w_(T+1) - w*||^2",
        "which is >= 0 since D >= 0 and eta > 0",
        "so regret <= R, with equality iff D = 0, i.e. w* = w_(T+1)",
    ],
    "prove_origin_identity": [
        "base T = 1: <w_1, v_1> = 0 = -(eta/2)||v_1||^2 + (eta/2)||v_1||^2",
        "step: w_{T+1} = -eta sum_{t<=T} v_t gives P(T) => P(T + 1)",
        "subtracting <w*, sum v_t> with w_{T+1} = -eta sum v_t gives the regret identity",
    ],
    "prove_explicit_cases": [
        "d = 2, T = 1: identity with symbolic vectors",
        "d = 2, T = 2: identity with symbolic vectors",
        "d = 2, T = 3: identity with symbolic vectors",
    ],
    "prove_supremum": [
        "per coordinate 2 V v <= V^2/T + T v^2, since the difference is (V - T v)^2/T",
        "Cauchy-Schwarz by induction: ||V_T||^2 <= T Q_T and 2<V, v> <= ||V||^2/T + T||v||^2 "
        "give ||V_T + v||^2 <= (T + 1)(Q_T + ||v||^2) (a sum of three nonnegative terms)",
        "z3: for L <= r <= U and s >= 0, (s - r)^2 >= dist(s, [L, U])^2",
        "T = 1, v_1 = c, w* = -s: regret s c = R - (s - eta c)^2/(2 eta) = S",
        "v_t = c for all t, w* = -s with s >= eta T c: regret = S for a >= eta^2 T b",
        "T = 5: v = (mu + e, mu - e, mu, mu, mu) has sum v_t = 5 mu",
        "and sum v_t^2 = 5 mu^2 + 2 e^2",
        "T >= 2: v = (mu + e, mu - e, mu, ...) gives sum v_t = T mu and sum v_t^2 = T mu^2 + "
        "2 e^2, so ||w_(T+1)|| takes any value in [0, U]; w* = w_(T+1): regret = R = S",
    ],
}

SUPREMUM_AGAINST = (
    " >= S(eta, T, wstar_sq, sum_v_sq) = R - dist(sqrt(wstar_sq), [L, eta sqrt(T sum_v_sq)])^2"
    "/(2 eta) (L = eta sqrt(sum_v_sq) if T = 1, else 0) for eta > 0, {}T in {{1}} u [2, oo), "
    "wstar_sq, sum_v_sq >= 0; S bounds the regret (identity, Cauchy-Schwarz, triangle "
    "inequality). The supremum: "
)


@pytest.mark.parametrize("name", list(DERIVATIONS))
def test_derivation_text(name: str) -> None:
    derivation: Derivation = getattr(regret, name)()
    assert derivation.steps == tuple((step, True) for step in DERIVATIONS[name])
    assert derivation.text() == "\n".join(f"  [ok] {step}" for step in DERIVATIONS[name])


def test_explicit_cases_other_sizes() -> None:
    assert regret.prove_explicit_cases(3, 1).steps == (
        ("d = 3, T = 1: identity with symbolic vectors", True),
    )
    assert regret.prove_explicit_cases(1, 2).steps == (
        ("d = 1, T = 1: identity with symbolic vectors", True),
        ("d = 1, T = 2: identity with symbolic vectors", True),
    )


def test_theorem_evidence_is_the_derivation() -> None:
    outcome = regret.prove_regret_identity()
    assert outcome.verdict is Verdict.PROVED
    assert (
        outcome.method == "SymPy: one-step identity per coordinate, induction on T (base and step)"
    )
    headings = [heading for heading, _ in regret.THEOREM_PARTS]
    assert headings == [
        "One coordinate:",
        "Induction on T:",
        "The bound:",
        "The identity from the origin:",
        "Explicit symbolic vectors:",
    ]
    names = list(DERIVATIONS)[:5]
    assert outcome.evidence == " ".join(
        f"{heading} " + "; ".join(DERIVATIONS[name]) + "."
        for heading, name in zip(headings, names, strict=True)
    )


def wrong() -> Derivation:
    return Derivation((("a wrong step", False), ("a right step", True)))


def test_teeth_theorem_with_a_failed_step_is_undecided() -> None:
    parts: tuple[tuple[str, Callable[[], Derivation]], ...] = (
        ("Right:", regret.prove_one_step_identity),
        ("Wrong:", wrong),
    )
    outcome = regret.prove_regret_identity(parts)
    assert outcome.verdict is Verdict.UNDECIDED
    assert outcome.method == "SymPy"
    one_step = "\n".join(f"  [ok] {step}" for step in DERIVATIONS["prove_one_step_identity"])
    assert outcome.evidence == (
        "a step of the derivation did not verify:\nRight:\n"
        + one_step
        + "\nWrong:\n  [FAILED] a wrong step\n  [ok] a right step"
    )


def test_teeth_supremum_not_established_unless_every_step_verified() -> None:
    def unknown(timeout_ms: int) -> Derivation:
        raise regret.SolverUnknown(f"timeout after {timeout_ms} ms")

    assert regret._supremum_established(7, unknown) is None
    assert regret._supremum_established(7, lambda _: wrong()) is None
    established = regret._supremum_established(regret.SOLVER_MS)
    assert established is not None and established.steps == regret.prove_supremum().steps


@pytest.mark.parametrize(
    ("text", "integer"),
    [
        ("sqrt(T*wstar_sq*sum_v_sq) + eta/2*sum_v_sq", ""),
        # below S only for real T in (2, 3): proved for integer T
        ("wstar_sq/(2*eta) + eta/2*sum_v_sq + (T-2)*(T-3)", "integer "),
    ],
)
def test_proved_against_the_supremum(text: str, integer: str) -> None:
    outcome = regret.decide_bound(claim(text, 10))
    assert outcome.verdict is Verdict.PROVED
    where = ", integer T" if integer else ""
    assert outcome.method == f"z3 (negation unsat{where}) against the exact supremum S"
    assert outcome.evidence == (
        text + SUPREMUM_AGAINST.format(integer) + "; ".join(DERIVATIONS["prove_supremum"]) + "."
    )


def test_main_prints_every_section(
    recorded_tools: None, capsys: pytest.CaptureFixture[str]
) -> None:
    regret.main()
    lines = capsys.readouterr().out.splitlines()
    expected = ["Q3.2 — online gradient descent, w_1 = 0, w_(t+1) = w_t - eta v_t"]
    headings = [heading for heading, _ in regret.THEOREM_PARTS]
    headings.append("The exact supremum used to judge claimed bounds:")
    for heading, name in zip(headings, DERIVATIONS, strict=True):
        expected += [heading, *(f"  [ok] {step}" for step in DERIVATIONS[name])]
    expected.append(regret.prove_regret_identity().evidence)
    assert lines == expected


EXACT = "exact instance (Fractions; bound by certified evaluation)"
TIGHT = "w* = w_(T+1), where the reference bound is tight"
ALONG = "w* = -sqrt(wstar_sq) along sum v_t"


def described(
    d: int, t: int, eta: str, v: str, wstar: str, tight: str, lhs: str, bound: str, a: str, b: str
) -> str:
    return (
        f"d = {d}, T = {t}, eta = {eta}, {v}, w* = {wstar} ({tight}): "
        f"sum <w_t - w*, v_t> = {lhs} > {{}} = {bound} at wstar_sq = {a}, sum_v_sq = {b}"
    )


REFUTED = [
    (
        "eta/4*sum_v_sq",
        described(1, 1, "1", "v_1 = (1)", "(-1)", TIGHT, "1", "1/4", "1", "1"),
        {"T": "1", "v": '[[1, ["1"]]]', "wstar": '["-1"]', "w_next": '["-1"]', "bound": "1/4"},
    ),
    (
        "sqrt(wstar_sq*sum_v_sq) + eta*(T-1)/2*sum_v_sq",
        described(
            1,
            2,
            "1/2",
            "v_1 = v_2 = (1)",
            "(-2)",
            ALONG,
            "7/2",
            "1/2 + 2*sqrt(2) ~ 3.32842712474619",
            "4",
            "2",
        ),
        {"T": "2", "v": '[[2, ["1"]]]', "wstar": '["-2"]', "w_next": '["-1"]', "lhs": "7/2"},
    ),
    (  # only for T > 10**6: found by the scan over scales, then simplified
        "wstar_sq/(2*eta) + eta/2*sum_v_sq + 1/T - 1e-6",
        described(
            1,
            1000001,
            "1",
            "v_1 = ... = v_1000001 = (0)",
            "(0)",
            TIGHT,
            "0",
            "-1/1000001000000",
            "0",
            "0",
        ),
        {"T": "1000001", "eta": "1", "wstar_sq": "0", "sum_v_sq": "0", "d": "1"},
    ),
]


@pytest.mark.parametrize(("text", "evidence", "witness"), REFUTED)
def test_refutation_text(text: str, evidence: str, witness: dict[str, str]) -> None:
    outcome = regret.decide_bound(claim(text, 10))
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.method == EXACT
    assert outcome.evidence == evidence.format(text)
    assert outcome.witness is not None
    assert set(outcome.witness) == {
        "d",
        "T",
        "eta",
        "v",
        "wstar",
        "w_next",
        "wstar_sq",
        "sum_v_sq",
        "lhs",
        "bound",
    }
    assert {key: outcome.witness[key] for key in witness} == witness


def test_proved_by_sympy_assumptions_text() -> None:
    outcome = regret.decide_bound(claim(f"2*({R})", 10))
    assert outcome.verdict is Verdict.PROVED
    assert outcome.method == "SymPy assumptions (theorem.regret_identity)"
    assert outcome.evidence == (
        f"2*({R}) - (R = ||w*||^2/(2 eta) + (eta/2) sum ||v_t||^2) = "
        "(eta**2*sum_v_sq + wstar_sq)/(2*eta) >= 0 for eta > 0, T >= 1, wstar_sq, sum_v_sq >= 0; "
        "R bounds the regret"
    )


def test_checked_after_an_integer_t_query_without_a_point(monkeypatch: pytest.MonkeyPatch) -> None:
    # the queries with real T have a point (no violation at T = 2, 3), the one with integer T
    # answers unknown: no point to realize, and every reason is one of the row's notes
    asked: list[bool] = []
    point = {
        "eta": Fraction(1),
        "T": Fraction(5, 2),
        "wstar_sq": Fraction(0),
        "sum_v_sq": Fraction(0),
    }

    def reference(bound: sympy.Expr, timeout_ms: int) -> regret.SolverAnswer:
        return regret.SolverAnswer(False, point, "z3: below R at T = 5/2")

    def supremum(
        bound: sympy.Expr, timeout_ms: int, integer_t: bool = False
    ) -> regret.SolverAnswer:
        asked.append(integer_t)
        if integer_t:
            return regret.SolverAnswer(False, None, "z3 answered unknown (timeout)")
        return regret.SolverAnswer(False, point, "z3: below S at T = 5/2")

    monkeypatch.setattr(regret, "z3_reference_query", reference)
    monkeypatch.setattr(regret, "z3_supremum_query", supremum)
    outcome = regret.decide_bound(claim(f"{R} + (T - 2)*(T - 3)", 10))
    assert asked == [False, True]
    assert outcome.verdict is Verdict.CHECKED
    assert outcome.evidence == (
        "no violation on 10 random and adversarial instances nor on the 2464 instances where "
        "the supremum is attained; not proved: z3: below R at T = 5/2; z3: below S at T = 5/2; "
        "z3 answered unknown (timeout)"
    )


def test_checked_and_undecided_texts() -> None:
    text = "eta/2*sum_v_sq*exp(1/T) + wstar_sq/(2*eta)"
    outcome = regret.decide_bound(claim(text, 10))
    assert outcome.verdict is Verdict.CHECKED
    assert outcome.method == (
        "hypothesis: d 1-6, T 1-40, rational v_t, w* random / w_(T+1) / scaled w_(T+1)"
    )
    assert outcome.evidence == (
        "no violation on 10 random and adversarial instances nor on the 2464 instances where "
        "the supremum is attained; not proved: z3 cannot express the bound (exp)"
    )
    outcome = regret.decide_bound(claim("wstar_sq/(2*eta) + eta/2*sum_v_sq + 1/(T-1)", 10))
    assert outcome.verdict is Verdict.UNDECIDED
    assert (outcome.method, outcome.evidence) == (
        "exact evaluation",
        "the bound is not a real number at eta = 1, T = 1, wstar_sq = 0, sum_v_sq = 0 "
        "(it is zoo): the claim says nothing there",
    )


# --- small helpers, exact values --------------------------------------------------------------


def test_claim_solver_budget() -> None:
    budgets = [regret.claim_solver_budget(ms) for ms in (100_000, 6000, 5996, 4000, 400, 100)]
    assert budgets == [1500, 1500, 1499, 1000, 100, 100]


def test_relative_margin() -> None:
    assert regret.relative(math.inf, 0.0) == 1.0
    assert regret.relative(-math.inf, 5.0) == -1.0
    assert regret.relative(3.0, 1.0) == 0.4
    assert regret.relative(-1.0, 1.0) == -2 / 3


def test_sqrt_near() -> None:
    assert regret.sqrt_near(Fraction(9, 4), None) == Fraction(3, 2)
    assert regret.sqrt_near(Fraction(9, 4), 1) == Fraction(3, 2)
    assert regret.sqrt_near(Fraction(2), None) == Fraction(math.sqrt(2))
    assert regret.sqrt_near(Fraction(2), 100) == Fraction(140, 99)
    assert regret.sqrt_near(Fraction(9, 2), 10) == Fraction(17, 8)
    assert regret.sqrt_near(Fraction(4, 3), 10) == Fraction(8, 7)


def test_simpler_parameters() -> None:
    assert list(regret.simpler_parameters(Fraction(345, 100))) == [0, 1, 1, 3, Fraction(7, 2)]
    assert list(regret.simpler_parameters(Fraction(1234567))) == [0, 1, 10**6, 10**6, 1200000]
    assert list(regret.simpler_parameters(Fraction(0))) == [1]
    assert list(regret.simpler_parameters(7, integer=True)) == [1, 1]
    assert list(regret.simpler_parameters(Fraction(1, 3), integer=True)) == [1]
    assert list(regret.simpler_parameters(Fraction(57), integer=True)) == [1, 10, 60]
    assert list(regret.simpler_parameters(Fraction(1, 3))) == [
        0,
        1,
        Fraction(1, 10),
        Fraction(3, 10),
        Fraction(33, 100),
    ]


def test_wide_horizon_small_unless_below_seven_tenths() -> None:
    class Fixed(random.Random):
        """random() is always ``value``; randint then uses it too (no getrandbits)."""

        def __init__(self, value: float) -> None:
            super().__init__(0)
            self.value = value

        def random(self) -> float:
            return self.value

    # 0.7 is not below 0.7: a small horizon, int(4*0.7) + 1 = 3 (not 10**2.8)
    assert regret.wide_horizon(Fixed(0.7)) == 3
    assert regret.wide_horizon(Fixed(0.5)) == 100  # 10**(4*0.5)
    assert regret.wide_horizon(Fixed(0.0)) == 1


def test_wide_positive() -> None:
    rng = random.Random(3)
    assert [regret.wide_positive(rng) for _ in range(4)] == [
        Fraction(3, 156250),
        Fraction(223, 1000000000),
        Fraction(341, 1000),
        Fraction(1, 50000000),
    ]


def test_runs_and_vector_text() -> None:
    half = (Fraction(1), Fraction(1, 2))
    assert regret.runs([half, half, (Fraction(0), Fraction(-3)), half]) == (
        '[[2, ["1", "1/2"]], [1, ["0", "-3"]], [1, ["1", "1/2"]]]'
    )
    assert regret.runs([]) == "[]"
    assert regret.vector_text((Fraction(1, 2), Fraction(-3))) == '["1/2", "-3"]'


def test_show_value() -> None:
    assert regret.show_value(sympy.Rational(3, 4)) == "3/4"
    assert regret.show_value(sympy.sqrt(2) + 1) == "1 + sqrt(2) ~ 2.41421356237309"


@pytest.mark.parametrize(
    ("eta", "horizon", "a", "b", "value"),
    [
        (1.0, 1, 4.0, 1.0, 2.0),  # above the interval [eta sqrt(b), eta sqrt(b)]
        (1.0, 1, 0.25, 4.0, 1.0),  # below it
        (1.0, 1, 1.0, 1.0, 1.0),  # on it
        (0.5, 4, 1.0, 1.0, 1.25),  # T >= 2: anywhere in [0, eta sqrt(T b)]
        (2.0, 3, 100.0, 3.0, 24.0),  # above eta sqrt(T b) = 6
        (1.0, 2, 1.0, 1.0, 1.0),
        (1.0, 2, 0.0, 4.0, 2.0),  # T >= 2: the lower end is 0
    ],
)
def test_supremum_values(eta: float, horizon: int, a: float, b: float, value: float) -> None:
    assert regret.supremum(eta, horizon, a, b) == value


# --- the z3 translation -------------------------------------------------------------------

ETA, T, A, B = regret.BOUND_SYMBOLS


def translate(expression: sympy.Expr) -> tuple[str, list[str], list[str]]:
    env = {symbol: z3.Real(symbol.name) for symbol in regret.BOUND_SYMBOLS}
    term = regret.to_z3(expression, env)
    return str(term.value), [str(x) for x in term.side], [str(x) for x in term.defined]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_to_z3_polynomials_and_abs() -> None:
    value, side, defined = translate(ETA**2 * A + 3 * B / 7 - T)
    assert (value, side, defined) == ("-1*T + 3/7*sum_v_sq + wstar_sq*1*eta*eta", [], [])
    value, side, defined = translate(sympy.Abs(ETA - B))
    assert flat(value) == "If(eta + -1*sum_v_sq >= 0, eta + -1*sum_v_sq, -(eta + -1*sum_v_sq))"
    assert (side, defined) == ([], [])
    assert translate(A**-2) == ("1/(1*wstar_sq*wstar_sq)", [], ["wstar_sq != 0"])


def test_to_z3_roots() -> None:
    value, side, defined = translate(sympy.sqrt(A * B))
    assert value == "root0*root1"
    assert [flat(x) for x in side] == [
        "Implies(sum_v_sq >= 0, And(root0 >= 0, 1*root0*root0 == 1*sum_v_sq))",
        "Implies(wstar_sq >= 0, And(root1 >= 0, 1*root1*root1 == 1*wstar_sq))",
    ]
    assert defined == ["sum_v_sq >= 0", "wstar_sq >= 0"]
    value, side, defined = translate(A ** sympy.Rational(-2, 3))
    assert value == "root0"
    assert [flat(x) for x in side] == [
        "Implies(wstar_sq > 0, And(root0 >= 0, 1*root0*root0*root0*1*wstar_sq*wstar_sq == 1))"
    ]
    assert defined == ["wstar_sq > 0"]
    value, side, defined = translate(A ** sympy.Rational(3, 2))
    assert [flat(x) for x in side] == [
        "Implies(wstar_sq >= 0, And(root0 >= 0, 1*root0*root0 == 1*wstar_sq*wstar_sq*wstar_sq))"
    ]


def test_to_z3_zeroth_power_has_no_condition() -> None:
    # x**0 is 1 everywhere (SymPy: 0**0 = 1), so no nonzero base is required
    assert translate(sympy.Pow(A - T, 0, evaluate=False)) == ("1", [], [])
    assert translate(sympy.Pow(A, -1, evaluate=False)) == ("1/(1*wstar_sq)", [], ["wstar_sq != 0"])


def test_to_z3_limits() -> None:
    env = {symbol: z3.Real(symbol.name) for symbol in regret.BOUND_SYMBOLS}
    term = regret.to_z3(T**regret.MAX_Z3_POWER, env)
    two = z3.substitute(term.value, (env[T], z3.RealVal(2)))
    assert z3.simplify(two) == z3.RealVal(2**32)
    for expression, message in [
        (T**33, "power 33 too large for z3"),
        (1 / T**33, "power 33 too large for z3"),
        (sympy.exp(T), "exp"),
        (sympy.Symbol("x") + T, "symbol x"),
    ]:
        with pytest.raises(regret.Untranslatable, match=f"^{re.escape(message)}$"):
            regret.to_z3(expression, env)


# --- properties/regret.py -----------------------------------------------------------------


def test_strategy_ranges() -> None:
    """The ranges the generator text of the search promises."""
    assert repr(regret_properties.step_sizes()) == (
        "builds(Fraction, integers(min_value=1, max_value=100), sampled_from((1, 2, 4, 10, 100)))"
    )
    assert repr(regret_properties.rationals()) == (
        "builds(Fraction, integers(min_value=-60, max_value=60), "
        "integers(min_value=1, max_value=6))"
    )
    assert (regret_properties.MAX_D, regret_properties.MAX_T) == (6, 40)


def test_signed_bytes() -> None:
    assert [regret_properties.signed(byte) for byte in range(7)] == [0, 1, -1, 2, -2, 3, -3]
    assert regret_properties.signed(255) == 128


def test_vector_arithmetic() -> None:
    x, y = (Fraction(1), Fraction(-2, 3)), (Fraction(3), Fraction(3, 4))
    assert regret_properties.dot(x, y) == Fraction(5, 2)
    assert regret_properties.dot((), ()) == 0
    assert regret_properties.norm_sq(x) == Fraction(13, 9)
    assert regret_properties.scaled(x, Fraction(-3)) == (Fraction(-3), Fraction(2))
    with pytest.raises(ValueError):
        regret_properties.dot(x, (Fraction(1),))


def test_iterates_reject_a_vector_of_another_dimension() -> None:
    instance = regret_properties.RegretInstance(
        Fraction(1), ((Fraction(1),),), (Fraction(0), Fraction(0))
    )
    with pytest.raises(ValueError, match=r"^zip\(\) argument 2 is shorter than argument 1$"):
        instance.iterates()


def test_iterates_and_summary() -> None:
    vs = ((Fraction(1), Fraction(-2)), (Fraction(1, 3), Fraction(0)))
    instance = regret_properties.RegretInstance(Fraction(3, 2), vs, (Fraction(2), Fraction(1)))
    assert (instance.d, instance.T) == (2, 2)
    assert instance.iterates() == [
        (Fraction(0), Fraction(0)),
        (Fraction(-3, 2), Fraction(3)),
        (Fraction(-2), Fraction(3)),
    ]
    s = regret_properties.summarize(instance)
    # <0 - w*, v_1> + <w_2 - w*, v_2> = 0 + (-7/2)(1/3) + 0
    assert s == regret_properties.RegretSummary(
        eta=Fraction(3, 2),
        T=2,
        wstar_sq=Fraction(5),
        sum_v_sq=Fraction(46, 9),
        regret=Fraction(-7, 6),
        origin_sum=Fraction(-1, 2),
        sum_v_norm_sq=Fraction(52, 9),
        distance_sq=Fraction(20),
        last=(Fraction(-2), Fraction(3)),
    )
    assert s.reference == Fraction(5, 3) + Fraction(23, 6)
    assert regret_properties.violates_bound(lambda s: s.regret <= -2)(instance)
    assert not regret_properties.violates_bound(lambda s: s.regret <= -1)(instance)


R = "wstar_sq/(2*eta) + eta/2*sum_v_sq"


@pytest.mark.parametrize(
    ("text", "where"),
    [  # valid wherever defined, beyond z3 (log): only the exact points find where it is not
        (f"{R} + 1/log(2*eta)**2", "eta = 1/2, T = 1, wstar_sq = 0, sum_v_sq = 0"),
        (f"{R} + 1/log(T/3)**2", "eta = 1, T = 3, wstar_sq = 0, sum_v_sq = 0"),
        (f"{R} + 1/log(T/2)**2", "eta = 1, T = 2, wstar_sq = 0, sum_v_sq = 0"),
        (f"{R} + 1/log(sum_v_sq)**2", "eta = 1, T = 1, wstar_sq = 0, sum_v_sq = 1"),
    ],
)
def test_undefined_at_a_canonical_point(text: str, where: str) -> None:
    outcome = regret.decide_bound(claim(text, 10))
    assert outcome.verdict is Verdict.UNDECIDED
    assert outcome.evidence == (
        f"the bound is not a real number at {where} (it is zoo): the claim says nothing there"
    )


def test_unsat_and_unknown() -> None:
    x, y, z = z3.Ints("x y z")
    assert regret.unsat(x > 0, x < 0)
    assert not regret.unsat(x > 0, x < 2)
    # no positive cubes add up to a cube, but z3 cannot show it: unknown when the limit is hit
    with pytest.raises(regret.SolverUnknown, match=r"^timeout$"):
        regret.unsat(x > 0, y > 0, z > 0, x * x * x + y * y * y == z * z * z, timeout_ms=50)


def test_resting_on() -> None:
    outcome = regret.resting_on(proved("m", "e"), "theorem.t", False)
    assert outcome == undecided("m", "e; but theorem.t is not proved")
    assert regret.resting_on(proved("m", "e"), "theorem.t", True) == proved("m", "e")
    assert regret.resting_on(checked("m", "e"), "theorem.t", False) == checked("m", "e")


def test_in_claim_domain() -> None:
    assert regret.in_claim_domain(T, Fraction(2))
    assert not regret.in_claim_domain(T, Fraction(3, 2))
    assert not regret.in_claim_domain(T, Fraction(0))
    assert regret.in_claim_domain(ETA, Fraction(1, 2))
    assert not regret.in_claim_domain(ETA, Fraction(0))
    assert regret.in_claim_domain(A, Fraction(0))
    assert regret.in_claim_domain(A, Fraction(1, 2))
    assert not regret.in_claim_domain(A, Fraction(-1, 2))
    assert regret.in_claim_domain(sympy.Symbol("x", real=True), Fraction(-1, 2))


def test_exact_values_and_undefined_points() -> None:
    assert regret.exact_value(A / ETA + T, {ETA: Fraction(1, 2), T: 3, A: Fraction(1, 3)}) == (
        sympy.Rational(11, 3)
    )
    for bound in (1 / A, sympy.sqrt(A - 1), sympy.log(A)):
        assert regret.exact_value(bound, {A: Fraction(0)}) is None
    assert regret.undefined_at(
        sympy.sqrt(A - 1), [{A: Fraction(2)}, {A: Fraction(1, 2), T: 1}]
    ) == ("the bound is not a real number at wstar_sq = 1/2, T = 1 (it is sqrt(2)*I/2)")
    assert regret.undefined_at(1 / (T - 2), [{T: 1}, {T: 3}]) is None
    assert regret.exact_value(A / sympy.sin(A), {A: Fraction(0)}) is None  # 0/0: nan
    assert regret.undefined_at(A / sympy.sin(A), [{A: Fraction(0)}]) == (
        "the bound is not a real number at wstar_sq = 0 (it is nan)"
    )
    for infinite, shown in ((sympy.oo, "oo"), (-sympy.oo, "-oo")):
        assert regret.exact_value(infinite * A, {A: Fraction(1)}) is None
        assert regret.undefined_at(infinite * A, [{A: Fraction(1)}]) == (
            f"the bound is not a real number at wstar_sq = 1 (it is {shown})"
        )
    assert regret.certified_below(sympy.sqrt(2), Fraction(3, 2))
    assert not regret.certified_below(sympy.Rational(3, 2), Fraction(3, 2))
    model = {"eta": Fraction(1), "T": Fraction(2), "wstar_sq": Fraction(0), "sum_v_sq": Fraction(1)}
    answers = [
        regret.SolverAnswer(False, model, "undefined", True),
        regret.SolverAnswer(False, {**model, "T": Fraction(3, 2)}, "T not an integer", True),
        regret.SolverAnswer(False, {**model, "T": Fraction(3)}, "below R", False),
        regret.SolverAnswer(False, None, "no model", True),
        regret.SolverAnswer(False, {**model, "eta": Fraction(0)}, "eta = 0", True),
        regret.SolverAnswer(False, {"eta": Fraction(1), "T": Fraction(1)}, "partial", True),
        regret.SolverAnswer(False, {**model, "sum_v_sq": Fraction(-1)}, "negative", True),
    ]
    points = regret.undefined_points(answers, regret.BOUND_SYMBOLS)
    assert points == [{ETA: Fraction(1), T: 2, A: Fraction(0), B: Fraction(1)}]
    assert type(points[0][T]) is int


def test_attaining_families() -> None:
    half = Fraction(1, 2)
    cases = [
        (regret.Attaining("single", half, 1, Fraction(3), Fraction(2)), (9.0, 4.0, 6.0), (1, 10)),
        (regret.Attaining("equal", half, 3, Fraction(5), Fraction(1)), (25.0, 3.0, 13.5), (3, 11)),
        (regret.Attaining("tight", half, 3, Fraction(2), Fraction(1)), (9.0, 14.0, 12.5), (3, 8)),
        # T = 2: both spread entries mu + e, mu - e, so sum_v_sq = 2 mu^2 + 2 e^2
        (regret.Attaining("tight", half, 2, Fraction(2), Fraction(1)), (4.0, 10.0, 6.5), (2, 8)),
        (
            regret.Attaining("tight", Fraction(2), 1, Fraction(3), Fraction(1)),
            (36.0, 9.0, 18.0),
            (1, 9),
        ),
    ]
    for item, parameters, height in cases:
        assert item.parameters() == parameters
        assert item.height == height
        (instance,) = item.instances()
        assert instance == item.instance()
        s = regret_properties.summarize(instance)
        assert (float(s.wstar_sq), float(s.sum_v_sq), float(s.regret)) == parameters
    tight = regret.Attaining("tight", half, 3, Fraction(2), Fraction(1)).instance()
    assert tight.vs == ((Fraction(3),), (Fraction(1),), (Fraction(2),))
    assert tight.wstar == (Fraction(-3),)
    assert sum(1 for _ in regret.attaining_grid()) == 2464


def test_attaining_grid_kinds() -> None:
    grid = list(regret.attaining_grid())
    kinds = collections.Counter((item.kind, item.horizon == 1) for item in grid)
    assert kinds == {("single", True): 320, ("equal", False): 744, ("tight", False): 1400}
    assert grid[0] == regret.Attaining("single", Fraction(1), 1, Fraction(0), Fraction(0))
    assert grid[-1] == regret.Attaining("tight", Fraction(10), 1000, Fraction(100), Fraction(10))


def test_realize() -> None:
    half = Fraction(1, 2)
    single = regret.realize(half, 1, Fraction(9), Fraction(4), None)
    assert single == regret_properties.RegretInstance(half, ((Fraction(2),),), (Fraction(-3),))
    equal = regret.realize(half, 3, Fraction(25), Fraction(3), None)
    assert equal == regret_properties.RegretInstance(half, ((Fraction(1),),) * 3, (Fraction(-5),))
    # T = 1, sum_v_sq = 2: v_1 = sqrt(2) to the given denominator
    rounded = regret.realize(Fraction(1), 1, Fraction(1), Fraction(2), 10)
    assert rounded == regret_properties.RegretInstance(
        Fraction(1), ((Fraction(7, 5),),), (Fraction(-1),)
    )
    tight = regret.realize(half, 3, Fraction(1), Fraction(2), 10)
    assert tight.vs == ((Fraction(26, 21),), (Fraction(2, 21),), (Fraction(2, 3),))
    assert tight.wstar == (Fraction(-1),)
    near = [item.wstar[0] for item in regret.realizations(Fraction(1), 2, Fraction(2), Fraction(1))]
    assert near == [
        Fraction(-665857, 470832),
        Fraction(-898735282112, 635501812473),
        -Fraction(math.sqrt(2)),
    ]


def test_bound_claim_checks_carry_the_theorem_verdict() -> None:
    settings = Settings(examples=7, seed=3, timeout=2.0)
    expression = Expression("2*eta", 2 * ETA)

    def theorem(verdict: Verdict) -> Row:
        return Row("theorem.regret_identity", "3.2", "s", verdict, "m", "e", None, 0.5)

    for row, established in (
        (theorem(Verdict.PROVED), True),
        (theorem(Verdict.UNDECIDED), False),
        (None, None),
    ):
        (check,) = regret.bound_claim_checks(
            "q.bound", "3.2", "B = {} bounds it", regret.decide_bound, expression, settings, row
        )
        assert (check.id, check.question, check.statement, check.decide) == (
            "q.bound",
            "3.2",
            "B = 2*eta bounds it",
            regret.decide_bound,
        )
        assert check.args == (regret.BoundClaim(2 * ETA, "2*eta", 7, 3, 1600, established),)
    assert (
        regret.bound_claim_checks("q", "3.2", "{}", regret.decide_bound, None, settings, None) == []
    )


def test_claim_checks_carry_the_theorem_row() -> None:
    sheet = parse_sheet(seed_text(), "seed")

    def theorem(verdict: Verdict) -> Row:
        return Row("theorem.regret_identity", "3.2", "s", verdict, "m", "e", None, 0.5)

    for verdict, established in ((Verdict.PROVED, True), (Verdict.UNDECIDED, False)):
        theorems = {"theorem.regret_identity": theorem(verdict)}
        (check,) = regret.claim_checks(sheet, Settings(), theorems)
        assert check.args[0].theorem_proved is established
    (check,) = regret.claim_checks(sheet, Settings(), {"theorem.other": theorem(Verdict.PROVED)})
    assert check.args[0].theorem_proved is None


def test_proof_resting_on_the_unproved_theorem_names_it() -> None:
    expr = claim(R).bound
    outcome = regret.decide_bound(regret.BoundClaim(expr, R, 10, 0, 5000, theorem_proved=False))
    assert outcome == undecided(
        "SymPy (theorem.regret_identity)",
        f"{R} is the reference bound R = ||w*||^2/(2 eta) + (eta/2) sum ||v_t||^2; "
        "but theorem.regret_identity is not proved",
    )


# Both are below R only for 10 < T < 100, where the grid has no horizon, and beyond z3 (exp):
# the hypothesis search finds them, and its shrunk instance (what the recorded hypothesis
# release finds) is the witness.  In the second, wstar_sq > 0 is needed too: the witness has
# v_t = 0 and a random w* (an instance with w* a multiple of w_(T+1) would need some v_t != 0).
@pytest.mark.parametrize(
    ("text", "bound", "wstar", "family", "wstar_sq"),
    [
        (
            f"{R} + exp((T - 10)*(T - 100)/1000) - 1",
            "-1 + exp(-89/1000) ~ -0.0851544264255480",
            "(0)",
            TIGHT,
            "0",
        ),
        (
            f"{R} + 1000*(exp((T - 10)*(T - 100)/1000) - 1)*wstar_sq",
            "-1999/2 + 1000*exp(-89/1000) ~ -84.6544264255480",
            "(1)",
            ALONG,
            "1",
        ),
    ],
    ids=["tight", "random comparator"],
)
def test_refuted_by_the_hypothesis_search(
    recorded_tools: None, text: str, bound: str, wstar: str, family: str, wstar_sq: str
) -> None:
    outcome = regret.decide_bound(claim(text, 10))
    assert outcome.verdict is Verdict.REFUTED
    assert outcome.method == f"hypothesis search (shrunk), {EXACT}"
    assert outcome.evidence == described(
        1, 11, "1", "v_1 = ... = v_11 = (0)", wstar, family, "0", bound, wstar_sq, "0"
    ).format(text)


def test_sequences_read_as_mathematics() -> None:
    one, half = Fraction(1), Fraction(1, 2)
    assert regret.sequence_text("v", [(one,), (-one,)]) == "v_1 = (1), v_2 = (-1)"
    assert regret.sequence_text("v", [(one, half)] * 2 + [(-one, half)] * 3) == (
        "v_1 = v_2 = (1, 1/2), v_3 = ... = v_5 = (-1, 1/2)"
    )
    alternating = [(Fraction(t % 2),) for t in range(9)]
    assert regret.sequence_text("w", alternating) == (
        "w_1 = (0), w_2 = (1), w_3 = (0), w_4 = (1), w_5 = (0), w_6 = (1), "
        "and 3 more runs (in the witness)"
    )
    assert regret.tuple_text([one, -half]) == "(1, -1/2)"
