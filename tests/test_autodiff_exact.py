"""Q4 under mutation: exact texts, the teeth of every self-check, and the generators' bounds.

Each test pins down something a mutant of ``proofs.autodiff`` or ``properties.autodiff``
changes: the printed derivation, the catalogue of slips, the failure branches of the theorem
(driven by wrong statements passed in), and the exact ranges the random graphs are drawn from.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import mpmath
import pytest
import sympy
from hypothesis import find
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import NoSuchExample

from hw2check.expressions import FUNCTIONS
from hw2check.ledger import Outcome, Row, Verdict, proved, refuted, undecided
from hw2check.numbers import read_number
from hw2check.sheet import Graph, load_seed
from hw2check.topics import Settings
from proofs import autodiff
from proofs.autodiff import (
    FUNCTION_TEXTS,
    POINT,
    REFERENCE_FUNCTIONS,
    REFERENCE_GRAPHS,
    REFERENCE_NODES,
    SLOPES,
    STEPS,
    W1,
    W2,
    Finding,
    Localisation,
    fd_errors,
    fitted_slope,
    graph_of,
)
from properties import autodiff as properties
from properties.search import SearchResult

MAIN_OUTPUT = """\
Q4 — evaluation traces (forward tangents, one pass per input; adjoints, one pass):
f1 = cos(w1)*cos(w2) + sigmoid(w2) on the graph a = cos(w1); b = cos(w2); c = a*b; d = sigmoid(w2); f = c + d, at (1, 2):
  node  expression             value         d/dw1         d/dw2       adjoint
  w1    w1                       1.0           1.0           0.0    0.35017549
  w2    w2                       2.0           0.0           1.0   -0.38630191
  a     cos(w1)           0.54030231   -0.84147098           0.0   -0.41614684
  b     cos(w2)          -0.41614684           0.0   -0.90929743    0.54030231
  c     a*b               -0.2248451    0.35017549    -0.4912955           1.0
  d     sigmoid(w2)       0.88079708           0.0    0.10499359           1.0
  f     c + d             0.65595198    0.35017549   -0.38630191           1.0

f2 = log(w1 + w2) + w1**2*w2 on the graph a = w1 + w2; b = log(a); c = w1**2; d = c*w2; f = b + d, at (1, 2):
  node  expression             value         d/dw1         d/dw2       adjoint
  w1    w1                       1.0           1.0           0.0     4.3333333
  w2    w2                       2.0           0.0           1.0     1.3333333
  a     w1 + w2                  3.0           1.0           1.0    0.33333333
  b     log(a)             1.0986123    0.33333333    0.33333333           1.0
  c     w1**2                    1.0           2.0           0.0           2.0
  d     c*w2                     2.0           4.0           1.0           1.0
  f     b + d              3.0986123     4.3333333     1.3333333           1.0

Exact Jacobian (SymPy diff, 30 digits):
  ∂f1/∂w1(1, 2) = 0.350175488374014642275878759411
  ∂f1/∂w2(1, 2) = -0.386301911030375347027999377459
  ∂f2/∂w1(1, 2) = 4.33333333333333333333333333333
  ∂f2/∂w2(1, 2) = 1.33333333333333333333333333333

Finite-difference errors at (1, 2), 50 digits:
  entry   scheme        h=1e-1    h=1e-2    h=1e-3    h=1e-4    h=1e-5    h=1e-6   slope
  f1_w1   forward        0.011    0.0011   0.00011    1.1e-5    1.1e-6    1.1e-7   0.996
  f1_w1   central      0.00058    5.8e-6    5.8e-8   5.8e-10   5.8e-12   5.8e-14   2.000
  f1_w1   backward       0.012    0.0011   0.00011    1.1e-5    1.1e-6    1.1e-7   1.003
  f1_w2   forward       0.0081   0.00073    7.3e-5    7.2e-6    7.2e-7    7.2e-8   1.008
  f1_w2   central      0.00088    8.8e-6    8.8e-8   8.8e-10   8.8e-12   8.8e-14   2.000
  f1_w2   backward      0.0064   0.00072    7.2e-5    7.2e-6    7.2e-7    7.2e-8   0.991
  f2_w1   forward         0.19     0.019    0.0019   0.00019    1.9e-5    1.9e-6   1.000
  f2_w1   central      0.00012    1.2e-6    1.2e-8   1.2e-10   1.2e-12   1.2e-14   2.000
  f2_w1   backward        0.19     0.019    0.0019   0.00019    1.9e-5    1.9e-6   1.000
  f2_w2   forward       0.0054   0.00055    5.6e-5    5.6e-6    5.6e-7    5.6e-8   0.999
  f2_w2   central      0.00012    1.2e-6    1.2e-8   1.2e-10   1.2e-12   1.2e-14   2.000
  f2_w2   backward      0.0057   0.00056    5.6e-5    5.6e-6    5.6e-7    5.6e-8   1.001

"""  # noqa: E501

CATALOGUE = """\
∂z/∂w1: the value of z = 0.0
∂z/∂w1: its negative (sign flipped) = -1.0
∂a/∂w1: the value of a = 3.0
∂a/∂w1: the value of w2 = 2.0
∂a/∂w1: its negative (sign flipped) = -1.0
∂a/∂w1: 0 (the term left out) = 0.0
∂a/∂w2: the value of w2 = 2.0
∂a/∂w2: the value of a = 3.0
∂a/∂w2: its negative (sign flipped) = -1.0
∂a/∂w2: 0 (the term left out) = 0.0
∂b/∂a: 1/w1 = 1.0
∂b/∂a: 1/w2 = 0.5
∂b/∂a: 1/b = 0.910239226627
∂b/∂a: the value of a = 3.0
∂b/∂a: the value of b = 1.09861228867
∂b/∂a: its negative (sign flipped) = -0.333333333333
∂b/∂a: 0 (the term left out) = 0.0
∂c/∂a: a**2 (the factor 3 dropped) = 9.0
∂c/∂a: 3*a**3 (the exponent not lowered) = 81.0
∂c/∂a: 3 (the factor a**2 left out) = 3.0
∂c/∂a: its negative (sign flipped) = -27.0
∂c/∂a: 1 (the factor left out of the chain) = 1.0
∂c/∂a: 0 (the term left out) = 0.0
∂s/∂w1: σ' written as σ times ∂(w1*w2)/∂w1 = 1.76159415596
∂s/∂w1: σ' written as 1 - σ times ∂(w1*w2)/∂w1 = 0.238405844044
∂s/∂w1: σ' written as σ(1 + σ) times ∂(w1*w2)/∂w1 = 3.3132011411
∂s/∂w1: σ' written as σ(1 - σ)² times ∂(w1*w2)/∂w1 = 0.0250310843474
∂s/∂w1: σ' written as σ² times ∂(w1*w2)/∂w1 = 1.55160698515
∂s/∂w1: σ' written as x(1 - x) with x the argument times ∂(w1*w2)/∂w1 = -4.0
∂s/∂w1: exp(-w1*w2)/(1 + exp(-w1*w2))**2 (the factor w2 left out) = 0.104993585404
∂s/∂w1: w2*exp(-w1*w2) (the factor (1 + exp(-w1*w2))**(-2) left out) = 0.270670566473
∂s/∂w1: the value of w1 = 1.0
∂s/∂w1: the value of s = 0.880797077978
∂s/∂w1: the value of w2 = 2.0
∂s/∂w1: its negative (sign flipped) = -0.209987170807
∂s/∂w1: 0 (the term left out) = 0.0
∂s/∂w2: σ' written as σ = 0.880797077978
∂s/∂w2: σ' written as 1 - σ = 0.119202922022
∂s/∂w2: σ' written as σ(1 + σ) = 1.65660057055
∂s/∂w2: σ' written as σ(1 - σ)² = 0.0125155421737
∂s/∂w2: σ' written as σ² = 0.775803492574
∂s/∂w2: σ' written as x(1 - x) with x the argument = -2.0
∂s/∂w2: w1*exp(-w1*w2) (the factor (1 + exp(-w1*w2))**(-2) left out) = 0.135335283237
∂s/∂w2: the value of w2 = 2.0
∂s/∂w2: the value of w1 = 1.0
∂s/∂w2: its negative (sign flipped) = -0.104993585404
∂s/∂w2: 0 (the term left out) = 0.0
∂m/∂a: s (the factor c left out) = 0.880797077978
∂m/∂a: c (the factor s left out) = 27.0
∂m/∂a: the value of a = 3.0
∂m/∂a: the value of m = 71.3445633162
∂m/∂a: its negative (sign flipped) = -23.7815211054
∂m/∂a: 1 (the factor left out of the chain) = 1.0
∂m/∂a: 0 (the term left out) = 0.0
∂m/∂c: s (the factor a left out) = 0.880797077978
∂m/∂c: a (the factor s left out) = 3.0
∂m/∂c: the value of c = 27.0
∂m/∂c: the value of m = 71.3445633162
∂m/∂c: its negative (sign flipped) = -2.64239123393
∂m/∂c: 1 (the factor left out of the chain) = 1.0
∂m/∂c: 0 (the term left out) = 0.0
∂m/∂s: c (the factor a left out) = 27.0
∂m/∂s: a (the factor c left out) = 3.0
∂m/∂s: the value of s = 0.880797077978
∂m/∂s: the value of m = 71.3445633162
∂m/∂s: its negative (sign flipped) = -81.0
∂m/∂s: 1 (the factor left out of the chain) = 1.0
∂m/∂s: 0 (the term left out) = 0.0
∂f/∂z: the value of z = 0.0
∂f/∂z: the value of f = 72.4431756049
∂f/∂z: the value of b = 1.09861228867
∂f/∂z: the value of m = 71.3445633162
∂f/∂z: its negative (sign flipped) = -1.0
∂f/∂b: the value of b = 1.09861228867
∂f/∂b: the value of f = 72.4431756049
∂f/∂b: the value of z = 0.0
∂f/∂b: the value of m = 71.3445633162
∂f/∂b: its negative (sign flipped) = -1.0
∂f/∂m: the value of m = 71.3445633162
∂f/∂m: the value of f = 72.4431756049
∂f/∂m: the value of z = 0.0
∂f/∂m: the value of b = 1.09861228867
∂f/∂m: its negative (sign flipped) = -1.0
"""


# --- python -m proofs.autodiff ---------------------------------------------------------------


def test_main_prints_the_traces_the_jacobian_and_the_fd_table(
    recorded_tools: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, int]] = []

    def theorem(examples: int, seed: int) -> Outcome:
        calls.append((examples, seed))
        return proved("stub", "THE EVIDENCE")

    monkeypatch.setattr(autodiff, "prove_autodiff_agreement", theorem)
    autodiff.main()
    assert capsys.readouterr().out == MAIN_OUTPUT + "THE EVIDENCE\n"
    assert calls == [(100, 0)]


# --- the symbolic proof and the FD orders, given wrong statements ---------------------------


def test_modes_are_chain_rule_names_every_failing_derivative() -> None:
    f1_graph = REFERENCE_GRAPHS["f1"]
    both = REFERENCE_FUNCTIONS["f1"] + W1 * W2
    assert autodiff.prove_modes_are_chain_rule(f1_graph, both) == Finding(
        False,
        "does not reduce to SymPy's diff: forward ∂/∂w1, forward ∂/∂w2, reverse ∂/∂w1, "
        "reverse ∂/∂w2",
    )
    shifted = REFERENCE_FUNCTIONS["f1"] + W2
    assert autodiff.prove_modes_are_chain_rule(f1_graph, shifted) == Finding(
        False, "does not reduce to SymPy's diff: forward ∂/∂w2, reverse ∂/∂w2"
    )
    assert autodiff.prove_modes_are_chain_rule(f1_graph, REFERENCE_FUNCTIONS["f1"]) == Finding(
        True,
        "forward (one pass per input) and reverse (one pass) mode equal SymPy's diff "
        "identically in (w1, w2)",
    )


def test_fd_orders_refuse_wrong_orders_and_the_tolerance_is_inclusive() -> None:
    assert autodiff.prove_fd_orders().holds
    # the first scheme's order wrong, the last ones right: a check that forgets is caught
    assert not autodiff.prove_fd_orders({"forward": 2, "backward": 1, "central": 2}).holds
    assert not autodiff.prove_fd_orders({"forward": 1, "backward": 1, "central": 1}).holds
    deviation = max(
        abs(fitted_slope(STEPS, fd_errors(name, j, scheme)) - order)
        for scheme, order in SLOPES.items()
        for name in FUNCTION_TEXTS
        for j in range(2)
    )
    assert autodiff.prove_fd_orders(tolerance=deviation).holds
    assert not autodiff.prove_fd_orders(tolerance=deviation * 0.999).holds


def test_taylor_coefficients_fail_where_one_vanishes() -> None:
    """At (1/2, 1/2) ∂²f2/∂w1² = -1/(w1 + w2)² + 2·w2 = 0: the third of four entries."""
    finding = autodiff.certify_taylor_coefficients((Fraction(1, 2), Fraction(1, 2)))
    assert not finding.holds
    assert "f2_w1: f''=0, f'''=2.00000" in finding.text
    assert autodiff.certify_taylor_coefficients().holds


def test_taylor_coefficients_need_exactly_two_coordinates() -> None:
    with pytest.raises(ValueError, match="zip"):
        autodiff.certify_taylor_coefficients((Fraction(1), Fraction(2), Fraction(3)))


def test_fitted_slope_of_exact_power_laws() -> None:
    hs = [mpmath.mpf(h.numerator) / h.denominator for h in STEPS]
    assert fitted_slope(STEPS, [7 * h**2 for h in hs]) == pytest.approx(2.0)
    assert fitted_slope(STEPS, [h / 3 for h in hs]) == pytest.approx(1.0)


# --- the theorem row's failure branches -----------------------------------------------------

Recorded = list[tuple[int, int]]


def fake_search(monkeypatch: pytest.MonkeyPatch, counterexample: Any = None) -> Recorded:
    calls: Recorded = []

    def search(examples: int, seed: int) -> SearchResult[Any]:
        calls.append((examples, seed))
        return SearchResult(counterexample, 5, "the stub generator")

    monkeypatch.setattr(properties, "search_agreement", search)
    return calls


def test_a_wrong_graph_makes_the_theorem_undecided(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong f2 graph checked first, the right f1 graph last: the failure is not forgotten."""
    fake_search(monkeypatch)
    nodes = (*REFERENCE_NODES["f2"][:3], ("d", "c + w2"), ("f", "b + d"))
    row = autodiff.prove_autodiff_agreement(
        3, 7, {"f2": graph_of(nodes), "f1": REFERENCE_GRAPHS["f1"]}
    )
    assert row.verdict is Verdict.UNDECIDED and row.method == "SymPy and mpmath"
    assert row.evidence.startswith(
        "a step did not hold: f2 on the graph a = w1 + w2; b = log(a); c = w1**2; d = c + w2; "
        "f = b + d: does not reduce to SymPy's diff: forward ∂/∂w1, forward ∂/∂w2, "
        "reverse ∂/∂w1, reverse ∂/∂w2; at (1, 2) with 50 digits max |mode - exact|/"
        "max(1, |exact|) = 0.46 <= 1e-25 | f1 on the graph"
    )
    assert " <= 1e-25 | Taylor: the quotient errors" in row.evidence


def test_a_graph_right_only_at_the_point_is_not_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    """f1 + (w1 - 1)² has f1's gradient at (1, 2) but is not f1: the symbolic step fails."""
    fake_search(monkeypatch)
    nodes = (*REFERENCE_NODES["f1"][:-1], ("e", "(w1 - 1)**2"), ("f", "c + d + e"))
    graphs = {"f1": graph_of(nodes), "f2": REFERENCE_GRAPHS["f2"]}
    row = autodiff.prove_autodiff_agreement(3, 7, graphs)
    assert row.verdict is Verdict.UNDECIDED
    assert "at (1, 2) with 50 digits max |mode - exact|/max(1, |exact|) = 0.0" in row.evidence


def test_the_agreement_bound_is_inclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_search(monkeypatch)
    worst = max(
        autodiff.mode_disagreement(
            graph, [autodiff.exact_derivative(name, j) for j in range(2)], POINT, 50
        )
        for name, graph in REFERENCE_GRAPHS.items()
    )
    monkeypatch.setattr(autodiff, "AGREEMENT", worst)
    row = autodiff.prove_autodiff_agreement(3, 7)
    assert row.verdict is Verdict.PROVED
    assert row.evidence.endswith(
        "random graphs and points: forward = reverse = SymPy diff to 1e-25 on all 5 cases "
        "(the stub generator; checked, not proved)"
    )
    assert calls == [(3, 7)]


def test_a_search_counterexample_makes_the_theorem_undecided(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = fake_search(monkeypatch, counterexample="CASE")
    row = autodiff.prove_autodiff_agreement(3, 7)
    assert row.verdict is Verdict.UNDECIDED and row.method == "hypothesis search"
    assert row.evidence.startswith(
        "forward, reverse and exact disagree on CASE (an implementation defect, not "
        "mathematics): f1 on the graph a = cos(w1)"
    )
    assert " | f2 on the graph a = w1 + w2" in row.evidence
    assert " | Taylor: " in row.evidence
    assert calls == [(3, 7)]


def test_search_agreement_passes_its_budget_on(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int, str]] = []

    def search(strategy: object, violates: object, **options: Any) -> SearchResult[Any]:
        assert violates is properties.violates_agreement
        seen.append((options["examples"], options["seed"], options["generator"]))
        return SearchResult(None, options["examples"], options["generator"])

    monkeypatch.setattr(properties, "search", search)
    properties.search_agreement(4, 9)
    assert seen == [
        (
            4,
            9,
            "the graphs of f1 and f2 and random graphs of 1-6 elementary nodes, at rational "
            "points in [-3, 3]²",
        )
    ]


# --- the methods_agree claim ----------------------------------------------------------------


def test_methods_agree_rests_on_the_theorem_row() -> None:
    row = autodiff.decide_methods_agree(True, ("undecided", "x"), None, None, Settings())
    assert row == undecided(
        "rests on theorem.autodiff_agreement",
        "that row is undecided; the sheet does not give both its forward and reverse numbers",
    )


def test_methods_agree_decides_the_theorem_itself_when_absent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: Recorded = []

    def theorem(examples: int, seed: int) -> Outcome:
        calls.append((examples, seed))
        return proved("stub", "E")

    monkeypatch.setattr(autodiff, "prove_autodiff_agreement", theorem)
    row = autodiff.decide_methods_agree(True, None, None, None, Settings(seed=5))
    assert row.verdict is Verdict.PROVED
    assert calls == [(0, 5)]


def test_methods_agree_takes_the_decided_theorem_row(monkeypatch: pytest.MonkeyPatch) -> None:
    def theorem(examples: int, seed: int) -> Outcome:
        raise AssertionError("the theorem was decided again")

    monkeypatch.setattr(autodiff, "prove_autodiff_agreement", theorem)
    (check,) = autodiff.theorem_checks(Settings())
    rows = {check.id: Row.of(check, undecided("m", "time limit"), 1.0)}
    (claim,) = (
        c
        for c in autodiff.claim_checks(load_seed(), Settings(), rows)
        if c.id == "q4.methods_agree"
    )
    assert claim.args[1] == ("undecided", "time limit")
    assert claim.decide(*claim.args) == undecided(
        "rests on theorem.autodiff_agreement",
        "that row is undecided; the sheet's own forward and reverse numbers disagree at f1_w2 "
        "(-0.045439 vs -0.456338), f2_w1 (4.910239 vs 5.820478), f2_w2 (2.910239 vs 7.820478)",
    )


def matrix(first: str) -> list[list[Any]]:
    return [[read_number(first), read_number("-0.386302")], [read_number(4), read_number(1)]]


def test_sheet_modes_agree_within_the_tolerance_inclusive() -> None:
    one, other = matrix("0.35"), matrix("0.36")
    assert other[0][0].value - one[0][0].value == one[0][0].tolerance
    agree = "the sheet's own forward and reverse numbers agree with each other"
    assert autodiff._sheet_modes_agree(one, other) == agree
    assert autodiff._sheet_modes_agree(one, matrix("0.37")) == (
        "the sheet's own forward and reverse numbers disagree at f1_w1 (0.35 vs 0.37)"
    )
    missing = "the sheet does not give both its forward and reverse numbers"
    assert autodiff._sheet_modes_agree(one, None) == missing
    assert autodiff._sheet_modes_agree(None, one) == missing


# --- numbers and graphs ---------------------------------------------------------------------


def test_a_step_outside_the_domain_says_why() -> None:
    row = autodiff.decide_finite_difference("f2", 0, read_number(5), "backward", read_number(2))
    assert row == undecided("mpmath", "the quotient is not defined with h = 5: log of -2.0")


def test_graph_of_builds_the_reference_graphs() -> None:
    for name, nodes in REFERENCE_NODES.items():
        assert graph_of(nodes) == REFERENCE_GRAPHS[name]


def test_a_rational_graph_value_is_shown_exactly() -> None:
    row = autodiff.decide_graph(graph_of([("d", "w1**2*w2"), ("f", "d")]), "f2")
    assert row.evidence == (
        "at (w1, w2) = (1, 2) the graph gives 2, but f2 = log(3) + 2 = 3.0986122886681096914"
    )
    assert row.witness == {
        "w1": "1",
        "w2": "2",
        "graph_value": "2",
        "true_value": "3.0986122886681096914",
    }


def test_exact_values_outside_the_domain_are_none() -> None:
    at = {W1: sympy.Integer(1), W2: sympy.Integer(2)}
    assert autodiff._exact_at(W1 / W2, at) == sympy.Rational(1, 2)
    for expr in (sympy.log(W1 - 1), 1 / (W1 - 1), sympy.sqrt(W1 - W2), sympy.exp(1 / (W1 - 1))):
        assert autodiff._exact_at(expr, at) is None


def test_sigmoid_is_recognised_only_in_its_own_shape() -> None:
    sigmoid = FUNCTIONS["sigmoid"]
    assert autodiff._sigmoid_argument(sigmoid(W1 * W2)) == W1 * W2
    assert autodiff._sigmoid_argument(1 / (1 + sympy.exp(W2))) == -W2
    for expr in (
        1 / (1 + W1 + sympy.exp(-W2)),
        1 / (2 + sympy.exp(-W2)),
        1 / (1 + W1),
        (1 + sympy.exp(-W2)) ** -2,
        sympy.exp(-W2),
    ):
        assert autodiff._sigmoid_argument(expr) is None


# --- the catalogue of slips -----------------------------------------------------------------

RICH = (
    ("z", "w1 - 1"),
    ("a", "w1 + w2"),
    ("b", "log(a)"),
    ("c", "a**3"),
    ("s", "sigmoid(w1*w2)"),
    ("m", "a*c*s"),
    ("f", "b + m + z"),
)


def test_the_catalogue_on_a_graph_with_every_kind_of_node() -> None:
    """A zero node (no 1/z), a power 3, σ with a chain factor (and with 1), a triple product."""
    with mpmath.workdps(30):
        slips = autodiff.catalogue(autodiff.trace(graph_of(RICH), POINT))
    shown = [
        f"{slip.label}: {slip.what} = {mpmath.nstr(slip.value, 12)}"
        for slip in slips
        if "extra factor" not in slip.what
    ]
    assert shown == CATALOGUE.splitlines()
    assert len(slips) - len(shown) == 80


def doubling_chain(edges: int) -> Graph:
    return graph_of([("x1", "2*w1"), *((f"x{i}", f"2*x{i - 1}") for i in range(2, edges + 1))])


@pytest.mark.parametrize(("edges", "extra"), [(autodiff.EXTRA_FACTOR_EDGES, True), (61, False)])
def test_extra_factor_slips_stop_beyond_the_edge_limit(edges: int, extra: bool) -> None:
    with mpmath.workdps(30):
        slips = autodiff.catalogue(autodiff.trace(doubling_chain(edges), POINT))
    assert any("extra factor" in slip.what for slip in slips) is extra


def test_localisation_texts() -> None:
    none = "no one or two slips of the catalogue on G reproduce it (10 combinations tried)"
    assert Localisation("G", (), 10, 0, 60).text() == none
    assert Localisation("G", (), 10, 0, 61).text() == (
        none + " (no extra-factor slips on a graph of 61 edges)"
    )
    graph_only = Localisation("G", (((), mpmath.mpf(2)),), 1)
    assert graph_only.text() == (
        "explained on G: no slip: AD on that graph, which does not compute the function (gives 2.0)"
    )


# --- the generators -------------------------------------------------------------------------

FIND = hypothesis_settings(max_examples=100, database=None)


def first(strategy: Any, condition: Callable[[Any], bool]) -> Any:
    return find(strategy, condition, settings=FIND, random=random.Random(0))


def test_node_choices_are_every_operation_with_every_pair_of_operands() -> None:
    choices = properties.node_choices()
    backs = range(properties.MAX_BACK + 1)
    expected = {(op, i, j) for op in properties.OPERATIONS for i in backs for j in backs}
    assert len(choices) == len(expected) and set(choices) == expected
    assert choices[0] == ("add", 0, 0)


def test_coordinates_are_the_tenths_of_minus_3_to_3_nearest_zero_first() -> None:
    coordinates = properties.coordinates()
    assert sorted(coordinates) == [Fraction(n, 10) for n in range(-30, 31)]
    assert coordinates[:3] == (Fraction(0), Fraction(-1, 10), Fraction(1, 10))


def test_graphs_draw_the_references_and_random_graphs_of_1_to_6_nodes() -> None:
    assert first(properties.graphs(), lambda s: s == properties.REFERENCE_SPECS["f2"])
    references = tuple(properties.REFERENCE_SPECS.values())
    assert first(properties.graphs(), lambda s: s not in references) == (("add", 0, 0),)
    assert len(first(properties.graphs(), lambda s: len(s) == 6)) == 6
    with pytest.raises(NoSuchExample):
        first(properties.graphs(), lambda s: len(s) > 6)
    with pytest.raises(NoSuchExample):
        first(properties.graphs(2), lambda s: 2 < len(s) < 5)


def test_points_draw_both_coordinates_from_the_tenths() -> None:
    point = first(properties.points(), lambda p: p[0] < 0 < p[1])
    assert point == (Fraction(-1, 10), Fraction(1, 10))  # shrunk towards 0


# --- graph claims: the other branches -------------------------------------------------------


def test_a_graph_equal_only_after_simplification_is_proved() -> None:
    graph = graph_of([("a", "cos(w1)*cos(w2)"), ("d", "exp(w2)/(1 + exp(w2))"), ("f", "a + d")])
    assert autodiff.decide_graph(graph, "f1") == proved(
        "SymPy: the composed graph equals the function",
        "composing the nodes gives cos(w1)*cos(w2) + exp(w2)/(exp(w2) + 1); minus "
        "cos(w1)*cos(w2) + sigmoid(w2) it simplifies to 0",
    )


def test_a_graph_defined_nowhere_is_refuted_where_f_is_defined() -> None:
    graph = graph_of([("a", "log(-w1**2 - 1)"), ("f", "a + w2")])
    assert autodiff.decide_graph(graph, "f2") == refuted(
        "exact root isolation of the nodes' side conditions",
        "at (w1, w2) = (0, 1) a node is not defined (-w1**2 - 1 > 0 fails), but f2 is (0)",
        {"w1": "0", "w2": "1", "graph_value": "undefined"},
    )
    # the witness, re-verified exactly: f2 = log(w1 + w2) + w1**2*w2 is 0 there, the node not
    assert -(0**2) - 1 <= 0 and 0 + 1 > 0


def test_a_sheet_graph_undefined_at_the_point_is_replaced() -> None:
    graph = graph_of([("a", "log(w1 - 1)"), ("f", "a + w2")])
    assert autodiff.graph_for("f1", graph) == (
        REFERENCE_GRAPHS["f1"],
        "the reference graph (the sheet's is undefined at (1, 2))",
    )


# --- precision and the relative measure -----------------------------------------------------


def test_mode_disagreement_is_relative_to_at_least_one() -> None:
    """Off by 1 from a claimed -0.65 gives 1; from a claimed 10/3 it gives 3/10."""
    for name, expected in (("f1", 1), ("f2", Fraction(3, 10))):
        gradient = [autodiff.exact_derivative(name, 0) - 1, autodiff.exact_derivative(name, 1)]
        found = autodiff.mode_disagreement(REFERENCE_GRAPHS[name], gradient, POINT, 35)
        with mpmath.workdps(60):
            assert abs(found - mpmath.mpf(expected.numerator) / expected.denominator) < 1e-40


def test_finite_difference_keeps_the_digits_the_step_costs() -> None:
    step = Fraction(1, 10**6)
    function = REFERENCE_FUNCTIONS["f1"]
    coarse = autodiff.finite_difference(function, POINT, 1, step, "central", 40)
    fine = autodiff.finite_difference(function, POINT, 1, step, "central", 80)
    assert abs(coarse - fine) < mpmath.mpf(10) ** -40


# --- the property's predicates at their bounds ----------------------------------------------

CASE = ((("mul", 0, 1),), (Fraction(3), Fraction(2)))  # n1 = w1·w2 = 6


def test_violates_agreement_compares_strictly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(properties, "AGREEMENT", properties.disagreement(CASE))
    assert not properties.violates_agreement(CASE)
    monkeypatch.setattr(properties, "AGREEMENT", mpmath.mpf(-1))
    assert properties.violates_agreement(CASE)


def test_in_domain_bound_is_inclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(properties, "LARGEST", mpmath.mpf(6))
    assert properties.in_domain(CASE)
    monkeypatch.setattr(properties, "LARGEST", mpmath.mpf(5))
    assert not properties.in_domain(CASE)


# --- slip search: the pair bound and the edge note ------------------------------------------


def seed_reverse_f1_w2() -> Any:
    matrix = load_seed().q4.reverse_mode
    assert matrix is not None
    return matrix[0][1]


def test_pairs_are_searched_up_to_the_bound_inclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed's reverse ∂f1/∂w2 needs two slips: found with exactly as many singles allowed."""
    stated = seed_reverse_f1_w2()
    graph = REFERENCE_GRAPHS["f1"]
    found = autodiff.locate_slips(graph, "G", stated, "reverse", 1)
    assert len(found.explanations[0][0]) == 2
    singles = next(n for n in range(100) if 1 + n + n * (n - 1) // 2 == found.searched)
    monkeypatch.setattr(autodiff, "MAX_PAIR_SLIPS", singles)
    assert autodiff.locate_slips(graph, "G", stated, "reverse", 1) == found
    monkeypatch.setattr(autodiff, "MAX_PAIR_SLIPS", singles - 1)
    assert autodiff.locate_slips(graph, "G", stated, "reverse", 1).text() == (
        f"no one or two slips of the catalogue on G reproduce it ({1 + singles} combinations tried)"
    )


def test_the_edge_count_reaches_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(autodiff, "EXTRA_FACTOR_EDGES", 3)
    graph = REFERENCE_GRAPHS["f1"]
    note = " (no extra-factor slips on a graph of 7 edges)"
    explained = autodiff.locate_slips(graph, "G", seed_reverse_f1_w2(), "reverse", 1)
    assert explained.text().endswith(note)
    unexplained = autodiff.locate_slips(graph, "G", read_number("123.456"), "reverse", 1)
    assert unexplained.text().endswith(note)


def test_slips_are_re_verified_to_30_digits() -> None:
    """A slip value stated to 26 digits (tolerance 1e-26) is matched only by precise AD."""
    with mpmath.workdps(60):
        value = 1 / mpmath.log(3) + 4  # ∂b/∂a taken as 1/b on the reference f2 graph
        stated = read_number(mpmath.nstr(value, 27))
    found = autodiff.locate_slips(REFERENCE_GRAPHS["f2"], "G", stated, "forward", 0)
    assert found.text().startswith("explained by one slip on G: ∂b/∂a taken as 1/b")


def test_candidates_left_unverified_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(autodiff, "VERIFIED_CANDIDATES", 0)
    found = autodiff.locate_slips(REFERENCE_GRAPHS["f1"], "G", read_number(0), "forward", 0)
    assert found.explanations == () and found.unchecked > 1
    assert found.text() == (
        f"no slip re-verified on G reproduces it ({found.searched} combinations screened; "
        f"{found.unchecked} candidates not re-verified)"
    )


def test_a_power_partial_is_not_split_into_factors() -> None:
    """∂(w1**2*w2)/∂w2 = w1**2 is a power, not a product: no "factor left out" slips."""
    with mpmath.workdps(30):
        slips = autodiff.catalogue(autodiff.trace(graph_of([("a", "w1**2*w2"), ("f", "a")]), POINT))
    shown = [
        f"{slip.what} = {mpmath.nstr(slip.value, 12)}"
        for slip in slips
        if slip.label == "∂a/∂w2" and "extra factor" not in slip.what
    ]
    assert shown == [
        "the value of w2 = 2.0",
        "its negative (sign flipped) = -1.0",
        "0 (the term left out) = 0.0",
    ]


def test_undefined_powers_say_which() -> None:
    x, y = sympy.symbols("x y")
    with pytest.raises(autodiff.Undefined) as raised:
        autodiff.mp_value(1 / x, {x: mpmath.mpf(0)})
    assert str(raised.value) == "division by zero"
    third = mpmath.mpf(1) / 3
    with pytest.raises(autodiff.Undefined) as raised:
        autodiff.mp_value(x**y, {x: -third, y: third})
    assert str(raised.value) == "-0.333333 to the power 0.333333"


def test_a_constant_is_evaluated_to_the_working_digits() -> None:
    with mpmath.workdps(30):
        assert autodiff.mp_value(sympy.pi, {}) == mpmath.pi


def test_a_point_has_exactly_one_value_per_input() -> None:
    assert autodiff.mp_point((Fraction(1, 4), Fraction(-3))) == {W1: 0.25, W2: -3}
    for wrong in ((Fraction(1),), (Fraction(1), Fraction(2), Fraction(3))):
        with pytest.raises(ValueError, match="zip"):
            autodiff.mp_point(wrong)


def test_fractional_powers_of_bases_up_to_one_and_the_undefined_ones() -> None:
    """Only a negative base, or 0 to a power <= 0, is undefined; 1/4 and 1 are ordinary bases."""
    x = sympy.Symbol("x")
    quarter, one, zero = mpmath.mpf(1) / 4, mpmath.mpf(1), mpmath.mpf(0)
    assert autodiff.mp_value(sympy.sqrt(x), {x: quarter}) == mpmath.mpf(1) / 2
    assert autodiff.mp_value(sympy.sqrt(x), {x: zero}) == 0
    assert autodiff.mp_value(x ** sympy.Rational(-1, 2), {x: one}) == 1
    with pytest.raises(autodiff.Undefined) as raised:
        autodiff.mp_value(x ** sympy.Rational(-1, 2), {x: zero})
    assert str(raised.value) == "0.0 to the power -0.5"


def test_reverse_mode_seeds_the_output_it_is_given() -> None:
    # a = 2*w1 + 3*w2, f = 5*a: the adjoints of a itself, and of the default output f
    partials = [[(0, 2), (1, 3)], [(2, 5)]]
    assert autodiff.reverse_mode(partials, 2) == [2, 3, 1, 0]
    assert autodiff.reverse_mode(partials) == [10, 15, 5, 1]


def test_jacobian_row_runs_the_mode_it_names() -> None:
    """In floats the two modes add the same three path products in another order:
    forward (0.3 + 0.2) + 0.1 = 0.6, reverse (0.1 + 0.2) + 0.3 = 0.6000000000000001."""
    partials = [[(0, 1.0)], [(0, 1.0)], [(0, 0.3), (2, 0.2), (3, 0.1)]]
    assert autodiff.jacobian_row(partials, "forward") == (0.6, 0.0)
    assert autodiff.jacobian_row(partials, "reverse") == (0.6000000000000001, 0)


def test_the_catalogue_drops_a_slip_exactly_at_the_relative_threshold() -> None:
    """a = w1·t with t exactly the float 1e-30: ∂a/∂w1 = t, and the slips "the value of a"
    (t) and "0" lie within 1e-30·max(1, |t|) = t of it, so neither is a slip of its own."""
    # 178405961588245/2**147 = Fraction(1e-30), written within the parser's integer limit
    tiny = "5*113*179*(17*10**8 + 6403*10**4 + 7787)/2**147"
    graph = graph_of([("a", f"w1*{tiny}")])
    with mpmath.workdps(40):
        slips = autodiff.catalogue(autodiff.trace(graph, POINT))
    assert mpmath.mpf(slips[1].truth) == mpmath.mpf(1e-30)
    assert [(slip.what, slip.value) for slip in slips] == [
        ("the value of w1", 1),
        ("its negative (sign flipped)", -mpmath.mpf(1e-30)),
    ]
