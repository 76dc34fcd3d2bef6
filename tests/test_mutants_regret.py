"""Q3.2: exact texts and teeth that pin down the regret derivations (mutation testing)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hw2check.ledger import Derivation, Verdict
from proofs import regret
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


def test_main_prints_every_section(capsys: pytest.CaptureFixture[str]) -> None:
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
        f"d = {d}, T = {t}, eta = {eta}, v (runs [count, v_t]) = {v}, w* = {wstar} ({tight}): "
        f"sum <w_t - w*, v_t> = {lhs} > {{}} = {bound} at wstar_sq = {a}, sum_v_sq = {b}"
    )


REFUTED = [
    (
        "eta/4*sum_v_sq",
        described(1, 1, "1", '[[1, ["1"]]]', '["-1"]', TIGHT, "1", "1/4", "1", "1"),
        {"T": "1", "v": '[[1, ["1"]]]', "wstar": '["-1"]', "w_next": '["-1"]', "bound": "1/4"},
    ),
    (
        "sqrt(wstar_sq*sum_v_sq) + eta*(T-1)/2*sum_v_sq",
        described(
            1,
            2,
            "1/2",
            '[[2, ["1"]]]',
            '["-2"]',
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
            '[[1000001, ["0"]]]',
            '["0"]',
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
