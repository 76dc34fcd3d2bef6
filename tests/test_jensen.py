"""Q3.3: the averaged-iterate chain, convex families (with teeth), and claimed bounds."""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from hw2check.expressions import parse_expression
from hw2check.ledger import Verdict
from hw2check.sheet import SYMBOLS, parse_sheet, seed_text
from hw2check.topics import Settings
from proofs import jensen
from proofs.regret import BoundClaim
from properties.jensen import (
    EXACT_FAMILIES,
    FLOAT_FAMILIES,
    Affine,
    Function,
    GapInstance,
    NegativeSquaredNorm,
    SineAffine,
    average_gap_holds,
    fails,
    first_order_holds,
    gap_instances,
    jensen_holds,
    summarize_gap,
)
from properties.search import search

NAMES = ("T", "avg_gap")
PROPERTIES = (jensen_holds, first_order_holds, average_gap_holds)


def claim(text: str, examples: int = 40) -> BoundClaim:
    expr = parse_expression(text, {name: SYMBOLS[name] for name in NAMES})
    return BoundClaim(expr, text, examples, 0, 5000, theorem_proved=True)


def recheck(witness: dict[str, str], text: str) -> None:
    """Rebuild the affine witness and confirm f(w_bar) - f(w*) > bound(T, avg_gap) exactly."""
    runs = [(count, [Fraction(x) for x in p]) for count, p in json.loads(witness["points"])]
    wstar = [Fraction(x) for x in json.loads(witness["wstar"])]
    T = sum(count for count, _ in runs)
    assert int(witness["T"]) == T and witness["f"] == "w1"  # f(w) = w1, gradient 1
    average = sum(count * p[0] for count, p in runs) / T
    lhs = average - wstar[0]
    avg_gap = sum(count * (p[0] - wstar[0]) for count, p in runs) / T
    assert (lhs, avg_gap) == (Fraction(witness["lhs"]), Fraction(witness["avg_gap"]))
    symbols = {name: SYMBOLS[name] for name in NAMES}
    value = parse_expression(text, symbols).subs(
        {symbols["T"]: T, symbols["avg_gap"]: sympy.Rational(avg_gap)}
    )
    assert bool(sympy.Rational(lhs) > value)


# --- the theorem ------------------------------------------------------------------------------


def test_theorem_row_is_proved() -> None:
    (check,) = jensen.theorem_checks(Settings())
    assert check.id == "theorem.convex_average_gap" and check.question == "3.3"
    assert check.decide(*check.args).verdict is Verdict.PROVED


@pytest.mark.parametrize(
    "derivation",
    [
        jensen.prove_jensen_by_induction,
        jensen.prove_first_order_condition,
        jensen.prove_chain,
        jensen.prove_tight_for_affine,
        jensen.prove_families_convex,
    ],
)
def test_every_link_verifies(derivation: object) -> None:
    result = derivation()  # type: ignore[operator]
    assert result.holds, result.text()


# --- properties on the convex families --------------------------------------------------------


@given(gap_instances())
def test_chain_holds_on_convex_families(instance: GapInstance) -> None:
    for prop in PROPERTIES:
        assert prop(instance), prop.__name__


@pytest.mark.parametrize("family", EXACT_FAMILIES + FLOAT_FAMILIES, ids=lambda f: f.__name__)
def test_each_family_satisfies_the_chain(
    family: Callable[[int], st.SearchStrategy[Function]],
) -> None:
    for prop in PROPERTIES:
        result = search(gap_instances(family, max_t=10), fails(prop), examples=25, seed=1)
        assert result.counterexample is None, (family.__name__, prop.__name__)


def test_affine_makes_the_chain_tight() -> None:
    f = Affine((Fraction(2), Fraction(-1)), Fraction(3))
    points = ((Fraction(1), Fraction(0)), (Fraction(-3, 2), Fraction(5)))
    s = summarize_gap(GapInstance(f, points, (Fraction(7), Fraction(1, 3))))
    assert s.lhs == s.avg_gap < 0  # w* is not a minimiser: the gap is negative


# --- teeth: the same search catches nonconvex functions ---------------------------------------

NONCONVEX: dict[str, Callable[[int], st.SearchStrategy[Function]]] = {
    "-||w||^2": lambda d: st.just(NegativeSquaredNorm()),
    "sin": lambda d: st.builds(
        SineAffine, st.builds(Affine, st.tuples(*[st.just(Fraction(1))] * d))
    ),
}


@pytest.mark.parametrize("name", list(NONCONVEX))
@pytest.mark.parametrize("prop", PROPERTIES, ids=lambda p: p.__name__)
def test_teeth_nonconvex_function_gives_a_shrunk_counterexample(
    name: str, prop: Callable[[GapInstance], bool]
) -> None:
    # The strategy of the convex tests with fewer points, so that shrinking stays quick.
    strategy = gap_instances(NONCONVEX[name], max_d=3, max_t=8)
    result = search(strategy, fails(prop), examples=300, seed=0)
    found = result.counterexample
    assert found is not None, (name, prop.__name__)
    assert not prop(found)
    assert found.T <= 2 and len(found.wstar) <= 2  # shrunk to a tiny instance


# --- claimed bounds ---------------------------------------------------------------------------

EXPECTED = [
    ("avg_gap", Verdict.PROVED),
    ("avg_gap + 1/T", Verdict.PROVED),
    ("avg_gap - 1/T**2 + 1/T", Verdict.PROVED),
    ("Abs(avg_gap)", Verdict.PROVED),  # z3
    ("avg_gap**2 + 1/4", Verdict.PROVED),  # z3
    ("avg_gap + (T-1)*(T-2)", Verdict.PROVED),  # z3, only for integer T
    ("avg_gap/2", Verdict.REFUTED),
    ("2*avg_gap", Verdict.REFUTED),  # avg_gap < 0 when w* is not a minimiser
    ("avg_gap*(1+1/T)", Verdict.REFUTED),
    ("avg_gap**2", Verdict.REFUTED),
    ("avg_gap + sin(T)", Verdict.REFUTED),
    ("avg_gap + 1/T - 1e-6", Verdict.REFUTED),  # only for T > 10^6
    ("avg_gap - 1/10**9", Verdict.REFUTED),
    ("avg_gap + 1/(T-1)", Verdict.UNDECIDED),  # not a real number at T = 1
]


@pytest.mark.parametrize(("text", "verdict"), EXPECTED)
def test_claimed_bound(text: str, verdict: Verdict) -> None:
    outcome = jensen.decide_bound(claim(text))
    assert outcome.verdict is verdict, outcome.evidence
    if verdict is Verdict.REFUTED:
        assert outcome.witness is not None
        recheck(dict(outcome.witness), text)


def test_a_valid_bound_beyond_the_solvers_is_only_checked() -> None:
    outcome = jensen.decide_bound(claim("avg_gap + exp(1/T) - 1"))
    assert outcome.verdict is Verdict.CHECKED, outcome.evidence
    assert "instances" in outcome.evidence


def test_seed_sheet_rows() -> None:
    sheet = parse_sheet(seed_text(), "seed")
    (check,) = jensen.claim_checks(sheet, Settings(), {})
    assert check.id == "q3_3.bound" and check.question == "3.3"
    assert check.decide(*check.args).verdict is Verdict.PROVED
