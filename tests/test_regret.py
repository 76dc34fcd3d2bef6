"""Q3.2: the regret identity, its properties (with teeth), and claimed bounds."""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction

import pytest
import sympy
from hypothesis import given

from hw2check.expressions import parse_expression
from hw2check.ledger import Verdict, refuted
from hw2check.sheet import SYMBOLS, parse_sheet, seed_text
from hw2check.topics import Settings
from proofs import regret
from properties.regret import (
    RegretInstance,
    RegretSummary,
    bound_holds,
    identity_holds,
    instances,
    origin_identity_holds,
    summarize,
    tight_iff_comparator_is_last_iterate,
    violates_bound,
)
from properties.search import search

NAMES = ("eta", "T", "wstar_sq", "sum_v_sq")
R = "wstar_sq/(2*eta) + eta/2*sum_v_sq"


def claim(text: str, examples: int = 40) -> regret.BoundClaim:
    expr = parse_expression(text, {name: SYMBOLS[name] for name in NAMES})
    return regret.BoundClaim(expr, text, examples, 0, 5000, theorem_proved=True)


def unrun(witness: str) -> list[tuple[int, tuple[Fraction, ...]]]:
    """The runs [[count, vector], ...] of a witness."""
    return [(count, tuple(Fraction(x) for x in vector)) for count, vector in json.loads(witness)]


def recheck(witness: dict[str, str], text: str) -> None:
    """Rebuild the witness instance and confirm that it violates the bound: step by step, or
    for a long run of equal v by the arithmetic series sum_j <w - j eta v - w*, v>."""
    eta, runs = Fraction(witness["eta"]), unrun(witness["v"])
    wstar = tuple(Fraction(x) for x in json.loads(witness["wstar"]))
    assert sum(count for count, _ in runs) == int(witness["T"])
    assert len(wstar) == int(witness["d"])
    w = [Fraction(0)] * len(wstar)
    lhs = Fraction(0)
    for count, v in runs:
        if count <= 1000:
            for _ in range(count):
                lhs += sum((a - b) * c for a, b, c in zip(w, wstar, v, strict=True))
                w = [a - eta * c for a, c in zip(w, v, strict=True)]
        else:
            first = sum((a - b) * c for a, b, c in zip(w, wstar, v, strict=True))
            step = -eta * sum(c * c for c in v)
            lhs += count * first + step * count * (count - 1) / 2
            w = [a - count * eta * c for a, c in zip(w, v, strict=True)]
    vs = [v for _, v in runs]
    counts = [count for count, _ in runs]
    wstar_sq = sum(x * x for x in wstar)
    sum_v_sq = sum(k * x * x for k, v in zip(counts, vs, strict=True) for x in v)
    assert lhs == Fraction(witness["lhs"])
    assert (wstar_sq, sum_v_sq) == (Fraction(witness["wstar_sq"]), Fraction(witness["sum_v_sq"]))
    symbols = {name: SYMBOLS[name] for name in NAMES}
    value = parse_expression(text, symbols).subs(
        {
            symbols["eta"]: sympy.Rational(eta),
            symbols["T"]: sum(counts),
            symbols["wstar_sq"]: sympy.Rational(wstar_sq),
            symbols["sum_v_sq"]: sympy.Rational(sum_v_sq),
        }
    )
    assert bool(sympy.Rational(lhs) > value)


# --- the theorem ------------------------------------------------------------------------------


def test_theorem_row_is_proved() -> None:
    (check,) = regret.theorem_checks(Settings())
    assert check.id == "theorem.regret_identity" and check.question == "3.2"
    assert check.decide(*check.args).verdict is Verdict.PROVED


@pytest.mark.parametrize(
    "derivation",
    [
        regret.prove_one_step_identity,
        regret.prove_regret_identity_by_induction,
        regret.prove_bound_with_equality,
        regret.prove_origin_identity,
        regret.prove_explicit_cases,
        regret.prove_supremum,
    ],
)
def test_every_step_verifies(derivation: object) -> None:
    result = derivation()  # type: ignore[operator]
    assert result.holds, result.text()


# --- properties -------------------------------------------------------------------------------


@given(instances())
def test_identity_and_bound(instance: RegretInstance) -> None:
    assert identity_holds(instance)
    assert bound_holds(instance)
    assert tight_iff_comparator_is_last_iterate(instance)
    assert origin_identity_holds(instance)


@given(instances("scaled"))
def test_supremum_family_attains_the_supremum(instance: RegretInstance) -> None:
    s = summarize(instance)
    sup = regret.supremum(float(s.eta), s.T, float(s.wstar_sq), float(s.sum_v_sq))
    assert float(s.regret) == pytest.approx(sup, rel=1e-9, abs=1e-9)


def test_runs_are_summed_exactly() -> None:
    """The closed form for a run of equal vectors agrees with stepping through it."""
    vs = ((Fraction(1), Fraction(-2)),) * 5 + ((Fraction(1, 3), Fraction(0)),) * 3
    instance = RegretInstance(Fraction(3, 7), vs, (Fraction(2), Fraction(-1, 2)))
    w = instance.iterates()
    direct = sum(
        sum((a - b) * c for a, b, c in zip(w[t], instance.wstar, v, strict=True))
        for t, v in enumerate(vs)
    )
    assert summarize(instance).regret == direct
    assert summarize(instance).last == w[-1]


MUTANTS: dict[str, Callable[[RegretSummary], bool]] = {
    "bound 0.1% too small": lambda s: s.regret <= Fraction(999, 1000) * s.reference,
    "identity without the 1/2": lambda s: s.regret == s.reference - s.distance_sq / s.eta,
    "tight iff w* = 0": lambda s: (s.regret == s.reference) == (s.wstar_sq == 0),
    "origin identity, sign flipped": lambda s: (
        s.origin_sum == s.eta / 2 * s.sum_v_norm_sq - s.eta / 2 * s.sum_v_sq
    ),
}


@pytest.mark.parametrize("mutant", list(MUTANTS))
def test_teeth_the_search_catches_a_mutated_statement(mutant: str) -> None:
    statement = MUTANTS[mutant]
    result = search(instances(), violates_bound(statement), examples=200, seed=0)
    assert result.counterexample is not None, mutant
    assert not statement(summarize(result.counterexample))


# --- claimed bounds ---------------------------------------------------------------------------

EXPECTED = [
    (R, Verdict.PROVED),
    (f"2*({R})", Verdict.PROVED),
    ("wstar_sq/eta + eta*sum_v_sq", Verdict.PROVED),
    (f"({R}) + (wstar_sq - eta**2*sum_v_sq)**2", Verdict.PROVED),  # z3, against R
    ("sqrt(T*wstar_sq*sum_v_sq) + eta/2*sum_v_sq", Verdict.PROVED),  # z3, against S only
    (f"0.999*({R})", Verdict.REFUTED),
    ("eta/4*sum_v_sq", Verdict.REFUTED),
    ("sqrt(wstar_sq*sum_v_sq)", Verdict.REFUTED),
    ("sqrt(T*wstar_sq*sum_v_sq)", Verdict.REFUTED),
    ("10*sqrt(wstar_sq*sum_v_sq)", Verdict.REFUTED),
    (f"{R} - 1e-20", Verdict.REFUTED),
    (f"({R})*(1 - 1/(1000*T))", Verdict.REFUTED),
    ("sqrt(wstar_sq*sum_v_sq) + eta*(T-1)/2*sum_v_sq", Verdict.REFUTED),
    (f"{R} + sin(T)", Verdict.REFUTED),
    (f"{R} + 1/T - 1e-6", Verdict.REFUTED),  # only for T > 10^6
    ("eta/2*sum_v_sq*exp(1/T) + wstar_sq/(2*eta)", Verdict.CHECKED),  # valid, beyond z3
    (f"{R} + 1/(T-1)", Verdict.UNDECIDED),  # not a real number at T = 1
]


@pytest.mark.parametrize(("text", "verdict"), EXPECTED)
def test_claimed_bound(text: str, verdict: Verdict) -> None:
    outcome = regret.decide_bound(claim(text))
    assert outcome.verdict is verdict, outcome.evidence
    if verdict is Verdict.REFUTED:
        assert outcome.witness is not None
        recheck(dict(outcome.witness), text)


def test_sqrt_bound_holds_for_one_step() -> None:
    """sqrt(wstar_sq sum_v_sq) is exactly the supremum when T = 1, so every T = 1 instance obeys
    it: the refutation needs T >= 2, and the witness has it."""
    outcome = regret.decide_bound(claim("sqrt(wstar_sq*sum_v_sq)"))
    assert outcome.witness is not None and int(outcome.witness["T"]) >= 2


def test_proof_resting_on_an_unproved_theorem_is_not_proved() -> None:
    expr = parse_expression(R, {name: SYMBOLS[name] for name in NAMES})
    unproved = regret.BoundClaim(expr, R, 10, 0, 5000, theorem_proved=False)
    assert regret.decide_bound(unproved).verdict is Verdict.UNDECIDED
    wrong = regret.BoundClaim(expr / 2, "R/2", 10, 0, 5000, theorem_proved=False)
    assert regret.decide_bound(wrong).verdict is Verdict.REFUTED
    assert regret.resting_on(refuted("m", "e", {"k": "v"}), "t", False).verdict is Verdict.REFUTED


def test_seed_sheet_rows() -> None:
    sheet = parse_sheet(seed_text(), "seed")
    (check,) = regret.claim_checks(sheet, Settings(), {})
    assert check.id == "q3_2.bound" and check.question == "3.2"
    assert check.decide(*check.args).verdict is Verdict.PROVED
