"""Review of Q3.1-Q3.3 on sheets other than the seed: each case here was wrong or crashed.

Every refutation is re-checked with this file's own exact arithmetic (Fractions, SymPy
rationals), not with the project's evaluation code.
"""

from __future__ import annotations

import json
import time
from fractions import Fraction

import pytest
import sympy

from hw2check.ledger import Outcome, Verdict
from hw2check.sheet import SYMBOLS, parse_sheet
from hw2check.topics import Settings
from proofs import jensen, proximal_step, regret

MODULES = {"q3_1": proximal_step, "q3_2": regret, "q3_3": jensen}
TRUTH_3_1 = {
    "minimizer": "w_t - g/lam",
    "step_size": "1/lam",
    "proximity_gradient": "lam*(w - w_t)",
}


def decide(table: str, key: str, text: str) -> Outcome:
    sheet = parse_sheet(f'[sheet]\ntitle = "t"\n[{table}]\n{key} = "{text}"\n', "t.toml")
    (check,) = MODULES[table].claim_checks(sheet, Settings(), {})
    started = time.perf_counter()
    outcome: Outcome = check.decide(*check.args)
    assert time.perf_counter() - started < 5, "a claim must be decided in a few seconds"
    return outcome


def sympy_of(text: str) -> sympy.Expr:
    """The claim's text as SymPy (test-side reading, for re-verification only)."""
    names = {name: SYMBOLS[name] for name in SYMBOLS}
    return sympy.sympify(text, locals=names, rational=True)


def differs(text: str, truth: str, witness: dict[str, str]) -> bool:
    point = {SYMBOLS[k]: sympy.Rational(v) for k, v in witness.items()}
    assert all(point[s] > 0 for s in point if s.is_positive)
    gap = (sympy_of(text) - sympy_of(truth)).xreplace(point)
    return bool(abs(complex(sympy.N(gap, 60))) > 0)


@pytest.mark.parametrize(
    ("key", "text"),
    [
        # non-real claims used to count as "agreeing" at every grid point (checked)
        ("proximity_gradient", "lam*(w - w_t) + sqrt(-1 - w**2)"),
        ("step_size", "1/lam + sqrt(-lam)"),
        # wrong only far from the small grid: found by the wide scan
        ("proximity_gradient", "lam*(w - w_t) + Abs(lam - 1/10) - (lam - 1/10)"),
        ("step_size", "1/lam + Abs(lam - 1/10000) - (lam - 1/10000)"),
        # used to hang in expand/simplify
        ("proximity_gradient", "lam*(w - w_t)*(1 + (w - w_t)**1000)"),
        ("minimizer", "w_t - g/lam + (w_t + 5)**10000"),
        # the seed's answer and its sqrt form
        ("proximity_gradient", "lam*sqrt((w - w_t)**2)"),
    ],
)
def test_wrong_3_1_claims_are_refuted_with_a_verified_point(key: str, text: str) -> None:
    outcome = decide("q3_1", key, text)
    assert outcome.verdict is Verdict.REFUTED, outcome.evidence
    assert outcome.witness is not None
    assert differs(text, TRUTH_3_1[key], dict(outcome.witness))


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("minimizer", "w_t - g/lam + 0*w_t"),
        ("minimizer", "w_t - g/Abs(lam)"),
        ("proximity_gradient", "lam*(w - w_t)*(1 + w**2)**10000/(1 + w**2)**10000"),
        ("proximity_gradient", "lam*(w - w_t) + (w + 1)**2 - w**2 - 2*w - 1"),
    ],
)
def test_equivalent_3_1_claims_are_proved(key: str, text: str) -> None:
    assert decide("q3_1", key, text).verdict is Verdict.PROVED


def runs(text: str) -> list[tuple[Fraction, ...]]:
    out: list[tuple[Fraction, ...]] = []
    for count, vector in json.loads(text):
        out += [tuple(Fraction(x) for x in vector)] * count
    return out


def regret_of(witness: dict[str, str]) -> tuple[Fraction, dict[str, Fraction]]:
    """Run online gradient descent on the witness, from scratch."""
    eta, vs = Fraction(witness["eta"]), runs(witness["v"])
    wstar = [Fraction(x) for x in json.loads(witness["wstar"])]
    w = [Fraction(0)] * len(wstar)
    total = Fraction(0)
    for v in vs:
        total += sum((a - b) * c for a, b, c in zip(w, wstar, v, strict=True))
        w = [a - eta * c for a, c in zip(w, v, strict=True)]
    params = {
        "eta": eta,
        "T": Fraction(len(vs)),
        "wstar_sq": sum((x * x for x in wstar), Fraction(0)),
        "sum_v_sq": sum((x * x for v in vs for x in v), Fraction(0)),
    }
    return total, params


def exceeds(lhs: Fraction, text: str, params: dict[str, Fraction]) -> bool:
    bound = sympy_of(text).xreplace({SYMBOLS[k]: sympy.Rational(v) for k, v in params.items()})
    gap = sympy.Rational(lhs) - bound
    if gap.is_Rational:
        return bool(gap > 0)
    value = sympy.N(gap, 60)
    return bool(value.is_real and value > 0)


R = "wstar_sq/(2*eta) + eta/2*sum_v_sq"


@pytest.mark.parametrize(
    "text",
    [
        f"{R} + log(eta*1000)",  # below R only for eta < 1/1000: beyond the grid
        f"{R} + log(1 + 1000*wstar_sq - 1000*sum_v_sq)",  # used to be undecided
        "wstar_sq**10000",  # used to crash printing the witness's bound
        f"{R} - (T + 1)**10000",
    ],
)
def test_wrong_3_2_bounds_are_refuted_by_a_verified_instance(text: str) -> None:
    outcome = decide("q3_2", "bound", text)
    assert outcome.verdict is Verdict.REFUTED, outcome.evidence
    assert outcome.witness is not None
    lhs, params = regret_of(dict(outcome.witness))
    assert params["eta"] > 0
    assert exceeds(lhs, text, params)


@pytest.mark.parametrize(
    "text",
    [
        f"({R})*(1 + 1/T)**10000",  # used to hang in cancel
        f"{R} + eta - log(1 + eta)",  # used to hang building an instance with T = 10**6
        "sqrt(T*wstar_sq*sum_v_sq) + eta*sum_v_sq/2",  # valid below R: the supremum
    ],
)
def test_valid_3_2_bounds_are_not_refuted(text: str) -> None:
    assert decide("q3_2", "bound", text).verdict in (Verdict.PROVED, Verdict.CHECKED)


def gap_instance(witness: dict[str, str]) -> tuple[Fraction, dict[str, Fraction]]:
    """f(w) = w1 on the witness's points: f(w_bar) - f(w*) and avg_gap, from scratch."""
    assert witness["f"] == "w1"
    points = runs(witness["points"])
    wstar = [Fraction(x) for x in json.loads(witness["wstar"])]
    horizon = len(points)
    mean = sum((p[0] for p in points), Fraction(0)) / horizon
    gap = sum((p[0] - wstar[0] for p in points), Fraction(0)) / horizon
    return mean - wstar[0], {"T": Fraction(horizon), "avg_gap": gap}


@pytest.mark.parametrize(
    "text",
    [
        "avg_gap + log(1 + 1000*avg_gap)",  # used to be undecided
        "avg_gap*(T + 2)**10000",  # beyond floats: used to be checked, slowly
    ],
)
def test_wrong_3_3_bounds_are_refuted_by_a_verified_instance(text: str) -> None:
    outcome = decide("q3_3", "bound", text)
    assert outcome.verdict is Verdict.REFUTED, outcome.evidence
    assert outcome.witness is not None
    lhs, params = gap_instance(dict(outcome.witness))
    assert exceeds(lhs, text, params)


@pytest.mark.parametrize("text", ["avg_gap*(1 + 1/T)**0 + exp(-T)", "Abs(avg_gap)*T"])
def test_valid_3_3_bounds_are_not_refuted(text: str) -> None:
    assert decide("q3_3", "bound", text).verdict in (Verdict.PROVED, Verdict.CHECKED)
