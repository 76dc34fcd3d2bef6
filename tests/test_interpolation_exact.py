"""Teeth for Q3.1 and Q7: wrong statements fail the self-checks, exact texts of every branch."""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import pytest
import sympy

from hw2check.ledger import Derivation, Verdict, proved, undecided
from proofs import interpolation, relu_network
from proofs import proximal_step as q31
from proofs.interpolation import (
    exact_check_lines,
    prove_general_step,
    random_sample,
)
from proofs.proximal_step import LAM, MINIMIZER, W_T, G, W
from proofs.relu_network import (
    ConflictingLabelsError,
    Network,
    NotLowerTriangularError,
    SingularSystemError,
    activation_matrix,
    distinct_projection_direction,
    fit,
    merge_duplicates,
    solve_lower_triangular,
)
from properties import interpolation as q7_properties
from properties.interpolation import (
    COMMAND_DATASETS,
    Dataset,
    Sizes,
    _decode,
    _rational,
    _zigzag,
    fewer_units_network,
    network_violation,
)
from properties.search import SearchResult, search

# --- Q3.1: the proximal step ---------------------------------------------------------------

WRONG_MINIMIZERS = [W_T + G / LAM, W_T - G * LAM, W_T - G / (2 * LAM)]


@pytest.mark.parametrize("wrong", WRONG_MINIMIZERS)
def test_a_wrong_minimizer_fails_the_coordinate_derivation(wrong: sympy.Expr) -> None:
    derivation = q31.prove_coordinate_minimizer(wrong)
    # phi' and phi'' do not depend on the claim; the root and the completed square do
    assert [ok for _, ok in derivation.steps] == [True, False, True, False]
    assert f"so {wrong} is the unique global minimizer" in derivation.steps[3][0]


@pytest.mark.parametrize("wrong", WRONG_MINIMIZERS)
def test_a_wrong_minimizer_fails_every_explicit_dimension(wrong: sympy.Expr) -> None:
    derivation = q31.prove_hessian_is_lam_identity(2, wrong)
    assert [ok for _, ok in derivation.steps] == [False, False, False, False]


def test_the_explicit_derivation_covers_exactly_the_dimensions_asked() -> None:
    derivation = q31.prove_hessian_is_lam_identity(2)
    assert derivation.steps == (
        (
            "d = 1: Hessian = lam*I_1 (so grad phi, affine, has one root) and "
            "grad phi(-g/lam + w_t) = 0",
            True,
        ),
        ("d = 1: phi(w) = -|g|**2/(2*lam) + (lam/2)|w - (-g/lam + w_t)|**2", True),
        (
            "d = 2: Hessian = lam*I_2 (so grad phi, affine, has one root) and "
            "grad phi(-g/lam + w_t) = 0",
            True,
        ),
        ("d = 2: phi(w) = -|g|**2/(2*lam) + (lam/2)|w - (-g/lam + w_t)|**2", True),
    )


def test_the_coordinate_derivation_texts() -> None:
    assert q31.prove_coordinate_minimizer().text() == "\n".join(
        [
            "  [ok] phi'(w) = g + lam*(2*w - 2*w_t)/2",
            "  [ok] phi'(w) is of degree 1 in w with slope lam != 0: its single root is "
            "w = (-g + lam*w_t)/lam",
            "  [ok] phi''(w) = lam > 0 since lam > 0",
            "  [ok] phi(w) = (lam/2)(w - (-g/lam + w_t))**2 + (-g**2/(2*lam)) identically, "
            "so -g/lam + w_t is the unique global minimizer",
        ]
    )


def test_a_root_is_given_only_for_a_slope_known_to_be_nonzero() -> None:
    y = sympy.Symbol("y")  # no assumptions: y may be 0
    assert q31._linear_root(y * W + 1, W) is None
    assert q31._linear_root(LAM * W + 1, W) == -1 / LAM
    assert q31._linear_root(W**2, W) is None


FAILED = Derivation((("a step", False),))
HOLDS = Derivation((("another step", True),))


@pytest.mark.parametrize(("coordinate", "explicit"), [(FAILED, HOLDS), (HOLDS, FAILED)])
def test_the_theorem_is_undecided_if_either_derivation_fails(
    coordinate: Derivation, explicit: Derivation
) -> None:
    assert q31.proximal_step_outcome(coordinate, explicit) == undecided(
        "SymPy",
        "a step of the derivation did not simplify:\nper coordinate:\n"
        f"{coordinate.text()}\nexplicit dimensions:\n{explicit.text()}",
    )


def test_the_theorem_row_shows_both_derivations() -> None:
    outcome = q31.prove_proximal_step()
    assert outcome.verdict is Verdict.PROVED
    assert outcome.method == (
        "SymPy: per-coordinate derivation (any dimension) and explicit d = 1..4"
    )
    assert outcome.evidence.endswith(
        "\nper coordinate:\n"
        + q31.prove_coordinate_minimizer().text()
        + "\nexplicit dimensions:\n"
        + q31.prove_hessian_is_lam_identity(4).text()
    )


def test_the_divergence_witness_is_the_step_on_w_squared() -> None:
    witness = q31.gd_divergence_witness()
    assert witness == q31.Divergence(
        W**2, sympy.Rational(1, 2), -3 * W, sympy.Integer(-3), sympy.Integer(1)
    )


NOT_VERIFIED = undecided("SymPy", "the divergence witness did not verify")


@pytest.mark.parametrize(
    ("f", "lam"),
    [
        (-(W**2), sympy.Rational(1, 2)),  # concave, though the step grows: -> 5w
        (W**2, sympy.Integer(4)),  # the step contracts: -> w/2
        (W**2, sympy.Integer(1)),  # |factor| = 1: -> -w, bounded
        (W**2 + W, sympy.Rational(1, 2)),  # the step is affine, not linear
    ],
)
def test_a_witness_that_does_not_diverge_is_not_used(f: sympy.Expr, lam: sympy.Rational) -> None:
    witness = q31.gd_step(f, lam)
    assert q31.decide_gd_claim(True, witness) == NOT_VERIFIED
    assert q31.decide_gd_claim(False, witness) == NOT_VERIFIED


def test_a_slowly_diverging_witness_is_used() -> None:
    witness = q31.gd_step(2 * W**2, sympy.Rational(8, 5))  # w - 4w/(8/5) = -3w/2
    assert q31.decide_gd_claim(False, witness) == proved(
        "SymPy: exact counterexample",
        "f(w) = 2*w**2 is strictly convex (f'' = 4 > 0); with lam = 8/5 the step is "
        "w - f'(w)/lam = -3*w/2, so from w_0 = 1 the iterates are 1, -3/2, 9/4, -27/8, ... "
        "with |w_k| = (3/2)**k: they never reach the minimizer 0",
    )
    refuted = q31.decide_gd_claim(True, witness)
    assert refuted.verdict is Verdict.REFUTED
    assert refuted.witness == {"f": "2*w**2", "lam": "8/5", "w_0": "1", "w_k": "(-3/2)**k"}


def test_the_module_prints_its_derivation_exactly(
    recorded_tools: None, capsys: pytest.CaptureFixture[str]
) -> None:
    q31.main()
    assert capsys.readouterr().out == "\n".join(
        [
            "Q3.1 — the proximal step, one coordinate (the objective separates):",
            q31.prove_coordinate_minimizer().text(),
            "Explicit dimensions:",
            q31.prove_hessian_is_lam_identity(4).text(),
            "SymPy: per-coordinate derivation (any dimension) and explicit d = 1..4",
            "",
            "GD with step 1/lam reaches the minimum of every strictly convex f?",
            "refuted: f(w) = w**2 is strictly convex (f'' = 2 > 0); with lam = 1/2 the step is "
            "w - f'(w)/lam = -3*w, so from w_0 = 1 the iterates are 1, -3, 9, -27, ... with "
            "|w_k| = (3)**k: they never reach the minimizer 0",
            "witness: {'f': 'w**2', 'lam': '1/2', 'w_0': '1', 'w_k': '(-3)**k'}",
            "",
        ]
    )


def test_the_reference_minimizer_is_the_gradient_step() -> None:
    assert sympy.expand(MINIMIZER - (W_T - G * q31.STEP_SIZE)) == 0


# --- Q7: the interpolation network ---------------------------------------------------------

F = Fraction


def test_conflicting_labels_name_both_points_and_labels() -> None:
    error = ConflictingLabelsError(1, 4, (F(1, 2), F(-3)), (F(2), F(5)))
    assert error.indices == (1, 4) and error.point == (F(1, 2), F(-3))
    assert error.labels == (F(2), F(5))
    assert str(error) == (
        "points 1 and 4 are both (1/2, -3) but have labels 2 and 5: no function fits both; "
        "remove one of them or give them the same label"
    )


def test_network_text_lists_every_unit() -> None:
    network = Network((F(1), F(2)), (F(-1), F(1, 2)), (F(3), F(-2, 3)))
    assert network.text() == (
        "a = (1, 2)\nb = (-1, 1/2)\nw = (3, -2/3)\n"
        "c(x) = (3)*max(<a, x> - (-1), 0) + (-2/3)*max(<a, x> - (1/2), 0)"
    )
    assert Network((F(1),), (), ()).text() == "a = (1)\nb = ()\nw = ()\nc(x) = 0"
    with pytest.raises(ValueError, match="zip"):
        Network((F(1),), (F(0),), ()).text()


def test_random_samples_use_every_allowed_value_and_no_other() -> None:
    points, labels = random_sample(random.Random(0), 60, 6)
    assert len(set(points)) == 60 and points == sorted(points)
    coordinates = {c for x in points for c in x}
    assert coordinates == {F(p, q) for p in range(-6, 7) for q in range(1, 4)}
    assert set(labels) == {F(k) for k in range(10)}


def test_exact_check_lines_mark_a_wrong_value() -> None:
    points = [(F(0),), (F(1),)]
    network = fit(points, [F(1), F(2)])
    assert exact_check_lines(network, points, [F(1), F(2)]) == [
        "  (0)  ->  1  1  ok",
        "  (1)  ->  2  2  ok",
        "every label reproduced exactly",
    ]
    assert exact_check_lines(network, points, [F(1), F(3)]) == [
        "  (0)  ->  1  1  ok",
        "  (1)  ->  3  2  WRONG",
        "MISMATCH",
    ]
    with pytest.raises(ValueError, match="zip"):
        exact_check_lines(network, points, [F(1)])


def test_the_q7_demonstration_prints_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    interpolation.main()
    points, labels = random_sample(random.Random(7), 6, 3)
    network = fit(points, labels)
    assert points[0] == (F(-5), F(4, 3), F(3))  # the seed is 7
    assert capsys.readouterr().out == "\n".join(
        [
            "Q7 — Zhang et al. (2017), Theorem 1: the general step",
            prove_general_step(10_000).text(),
            "The strict inequalities are needed; with only b_i <= z_i:",
            "  [FAILED] every n, 1 <= i <= n: A_ii = z_i - b_i > 0 (z3: negation sat)",
            "",
            "Random labels on 6 points in R^3; the network:",
            network.text(),
            "weights: 15 = 2*6 + 3",
            "",
            "exact check  x_i  ->  y_i  c(x_i)",
            *exact_check_lines(network, points, labels),
            "",
        ]
    )


HOLDS_Q7 = Derivation((("a step (z3: negation unsat)", True),))
NOTHING_FOUND: SearchResult[Dataset] = SearchResult(None, 7, "some data sets")


def test_the_q7_row_is_undecided_when_the_general_step_fails() -> None:
    assert interpolation.relu_interpolation_outcome(FAILED, NOTHING_FOUND) == undecided(
        "z3 and SymPy", "a step of the general argument was not proved:\n  [FAILED] a step"
    )


def test_the_q7_row_is_undecided_when_the_construction_fails() -> None:
    case = Dataset(((F(0),),), (F(1),))
    found = SearchResult(case, 3, "some data sets")
    assert interpolation.relu_interpolation_outcome(HOLDS_Q7, found) == undecided(
        "z3 and SymPy; exact property search",
        "the general step holds but the construction failed on n = 1, d = 1: (0) -> 1 "
        "(a defect of the implementation, not of the theorem)",
    )


def test_the_q7_row_shows_the_general_step() -> None:
    outcome = interpolation.relu_interpolation_outcome(HOLDS_Q7, NOTHING_FOUND)
    assert outcome.verdict is Verdict.PROVED
    assert outcome.evidence.endswith(
        " on 7 cases (some data sets)\n  [ok] a step (z3: negation unsat)"
    )
    assert "quantifier free for n = 1..8); SymPy: det A = prod (z_i - b_i) > 0 for n = 1..4" in (
        outcome.evidence
    )


def test_the_construction_on_three_points_exactly() -> None:
    points = [(F(0),), (F(2),), (F(3),)]
    network = fit(points, [F(1), F(5), F(2)])
    # b_1 = z_1 - 1, then midpoints; w by forward substitution on A = [[1,0,0],[3,1,0],[4,2,1/2]]
    assert network == Network((F(1),), (F(-1), F(1), F(5, 2)), (F(1), F(2), F(-12)))
    assert activation_matrix([F(0), F(2), F(3)], list(network.b)) == [
        [F(1), F(0), F(0)],
        [F(3), F(1), F(0)],
        [F(4), F(2), F(1, 2)],
    ]
    assert network((F(5, 2),)) == F(7, 2) + 3  # 1*(7/2) + 2*(3/2) + (-12)*0
    short = fewer_units_network(Dataset(tuple(points), (F(1), F(5), F(2))))
    assert short == Network((F(1),), (F(-1), F(1)), (F(1), F(2)))


def test_the_direction_scan_reaches_its_bound() -> None:
    # n = 2, d = 2: bound C(2, 2)(2 - 1) + 1 = 2, and t = 1 makes (0, 0) and (1, -1) collide
    assert distinct_projection_direction([(F(0), F(0)), (F(1), F(-1))]) == (F(1), F(2))


def test_the_direction_scan_refuses_repeated_points() -> None:
    with pytest.raises(AssertionError) as raised:
        distinct_projection_direction([(F(1),), (F(1),)])
    assert str(raised.value) == "unreachable for distinct points: some t <= bound separates them"


@pytest.mark.parametrize(
    ("points", "labels", "message"),
    [
        ([(1,)], [], "1 points but 0 labels: give one label each"),
        ([], [], "no points: give at least one point with its label"),
        (
            [(1,), (1, 2)],
            [1, 2],
            "point 1 has 2 coordinates, point 0 has 1: all points need the same dimension d >= 1",
        ),
        (
            [(), ()],
            [1, 2],
            "point 0 has 0 coordinates, point 0 has 0: all points need the same dimension d >= 1",
        ),
    ],
)
def test_bad_data_sets_are_rejected_with_exact_messages(
    points: list[tuple[int, ...]], labels: list[int], message: str
) -> None:
    with pytest.raises(ValueError) as info:
        merge_duplicates([tuple(F(c) for c in x) for x in points], [F(y) for y in labels])
    assert str(info.value) == message


def test_a_projection_needs_a_point_of_the_direction_s_dimension() -> None:
    assert relu_network.projection((F(1), F(2)), (F(3), F(1, 2))) == F(4)
    with pytest.raises(ValueError, match="zip"):
        relu_network.projection((F(1), F(2)), (F(3),))
    with pytest.raises(ValueError, match="zip"):
        Network((F(1), F(2)), (F(0),), (F(1),))((F(3),))


def test_forward_substitution_names_the_offending_entry() -> None:
    with pytest.raises(NotLowerTriangularError) as above:
        solve_lower_triangular([[F(1), F(0), F(1)], [F(0), F(1), F(0)], [F(0)] * 3], [F(1)] * 3)
    assert str(above.value) == "A[0][2] = 1 above the diagonal"
    with pytest.raises(SingularSystemError) as singular:
        solve_lower_triangular([[F(1), F(0)], [F(1), F(0)]], [F(1), F(1)])
    assert str(singular.value) == "zero pivot A[1][1]: the system is singular"
    assert solve_lower_triangular([[F(2), F(0)], [F(1), F(4)]], [F(2), F(9)]) == [F(1), F(2)]
    # integers are rationals too: the solution is still exact
    whole: Any = ([[3, 0], [1, 3]], [1, 1])
    solved = solve_lower_triangular(*whole)
    assert solved == [F(1, 3), F(2, 9)]
    assert [type(value) for value in solved] == [Fraction, Fraction]


def test_every_case_decodes_from_exactly_one_record_per_possible_point(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lengths: list[int] = []

    def spy(d: int, n: int, classes: bool, data: bytes, sizes: Sizes) -> Dataset:
        lengths.append(len(data))
        return _decode(d, n, classes, data, sizes)

    monkeypatch.setattr(q7_properties, "_decode", spy)
    result = search(q7_properties.datasets(COMMAND_DATASETS), lambda _: False, examples=30, seed=0)
    assert result.cases == 30
    assert set(lengths) == {COMMAND_DATASETS.record_bytes} == {40}


def test_bytes_decode_to_exact_rationals_and_data_sets() -> None:
    sizes = COMMAND_DATASETS
    assert sizes.rational_codes == 246 and sizes.record_bytes == 40
    assert [_zigzag(i) for i in range(5)] == [0, -1, 1, -2, 2]
    assert [_rational(byte, sizes) for byte in (0, 5, 6, 7, 12, 245, 246)] == [
        F(0),
        F(0),
        F(-1),
        F(-1, 2),
        F(1),
        F(10, 3),
        F(0),
    ]
    data = bytes([0, 6, 7, 0, 6, 9, 13, 1, 250, 4, 4, 4])  # the second point repeats the first
    assert str(_decode(2, 3, False, data, sizes)) == "n = 2, d = 2: (0, -1) -> -1/2, (1/2, 0) -> 0"
    classes = _decode(1, 2, True, bytes([6, 25, 12, 13, 1, 1]), sizes)
    assert classes == Dataset(((F(-1),), (F(1),)), (F(5), F(3)))


def test_sizes_accept_exactly_one_byte_of_codes() -> None:
    assert Sizes(max_points=1, max_dimension=1, max_numerator=0, max_denominator=256)
    with pytest.raises(ValueError, match=r"one byte: \(2p \+ 1\) q <= 256"):
        Sizes(max_points=1, max_dimension=1, max_numerator=0, max_denominator=257)
    assert COMMAND_DATASETS.describe() == (
        "1-10 distinct points in R^1..R^3, coordinates p/q with |p| <= 20, q <= 6; "
        "rational or random class labels"
    )


def test_violations_are_reported_exactly() -> None:
    case = Dataset(((F(0),), (F(2),)), (F(1), F(5)))
    one = (F(1),)
    assert network_violation(Network(one, (F(-1), F(1)), (F(2), F(0))), case) == (
        "c(0) = 2 != 1; c(2) = 6 != 5"
    )
    assert network_violation(Network(one, (F(-1), F(1)), (F(1), F(1))), case) == "c(2) = 4 != 5"
    assert network_violation(Network(one, (F(-1),), (F(1),)), case) == ("3 weights, not 2n + d = 5")
    assert network_violation(Network(one, (F(1), F(-1)), (F(1), F(1))), case) == (
        "biases (1, -1) do not interleave (0, 2)"
    )
    # b_2 = z_1: touching is not interleaving
    assert network_violation(Network(one, (F(-1), F(0)), (F(1), F(1))), case) == (
        "biases (-1, 0) do not interleave (0, 2)"
    )
    assert network_violation(Network(one, (F(-1), F(1)), (F(1), F(2))), case) is None


def test_violations_refuse_mismatched_lengths() -> None:
    one = (F(1),)
    case = Dataset(((F(0),), (F(2),)), (F(1), F(5)))
    # 2n + d weights, but three biases for two points: not cut to the first two
    with pytest.raises(ValueError, match=r"^zip\(\) argument 2 is shorter than argument 1$"):
        network_violation(Network(one, (F(5), F(0), F(0)), (F(1),)), case)
    # a third label without its point: not dropped
    extra = Dataset(case.points, (F(1), F(5), F(7)))
    with pytest.raises(ValueError, match=r"^zip\(\) argument 2 is longer than argument 1$"):
        network_violation(Network(one, (F(-1), F(1)), (F(1), F(2))), extra)
