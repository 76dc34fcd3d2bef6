"""Q7: the Theorem 1 network fits any labels exactly; its checks catch wrong constructions."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings

from hw2check.ledger import Verdict
from hw2check.topics import Settings
from proofs import interpolation
from proofs.interpolation import (
    prove_diagonal_positive,
    prove_general_step,
    prove_relu_interpolation,
    random_sample,
)
from proofs.relu_network import (
    ConflictingLabelsError,
    Network,
    activation_matrix,
    distinct_projection_direction,
    fit,
    hidden_layer,
)
from properties.interpolation import (
    COMMAND_DATASETS,
    FULL_DATASETS,
    Dataset,
    Sizes,
    datasets,
    fewer_units_network,
    fewer_units_violation,
    interpolation_violation,
    network_violation,
    search_datasets,
    search_interpolation,
)

F = Fraction


def points_of(*rows: Sequence[int]) -> list[tuple[Fraction, ...]]:
    return [tuple(F(c) for c in row) for row in rows]


def at_points(z: Sequence[Fraction]) -> list[Fraction]:
    """A wrong bias rule: b_j = z_j, so unit j is off at its own point."""
    return list(z)


def shifted(z: Sequence[Fraction]) -> list[Fraction]:
    """A wrong bias rule: b_j = z_j - 1, not interleaved when two projections are close."""
    return [z_j - 1 for z_j in z]


# --- the construction fits ---------------------------------------------------------------


@settings(max_examples=40)
@given(datasets(FULL_DATASETS))
def test_network_reproduces_every_label_with_2n_plus_d_weights(case: Dataset) -> None:
    assert interpolation_violation(case) is None


def test_random_labels_on_sixty_points_in_six_dimensions() -> None:
    points, labels = random_sample(random.Random(1), 60, 6)
    network = fit(points, labels)
    assert network.weight_count == 2 * 60 + 6
    assert [network(x) for x in points] == labels


def test_search_of_the_ledger_row_finds_nothing_and_counts_cases() -> None:
    result = search_interpolation(COMMAND_DATASETS, examples=50, seed=3)
    assert result.counterexample is None
    assert result.cases == 50


def test_generator_covers_the_sizes_of_the_issue() -> None:
    sizes: set[int] = set()
    dimensions: set[int] = set()

    @settings(max_examples=200, database=None)
    @given(datasets(FULL_DATASETS))
    def record(case: Dataset) -> None:
        sizes.add(len(case.points))
        dimensions.add(case.dimension)
        assert len(set(case.points)) == len(case.points)

    record()
    assert dimensions == set(range(1, 7))
    assert min(sizes) == 1 and max(sizes) > 40


def test_direction_is_rescanned_when_projections_coincide() -> None:
    # <(1, t), x - y> vanishes at t = 1 for (0,0),(1,-1) and at t = 2 for (0,0),(2,-1).
    points = points_of((0, 0), (1, -1), (2, -1))
    assert distinct_projection_direction(points) == (F(1), F(3))
    labels = [F(5), F(-1, 2), F(7)]
    network = fit(points, labels)
    assert [network(x) for x in points] == labels


# --- equal points ------------------------------------------------------------------------


def test_equal_points_with_equal_labels_are_merged() -> None:
    points = points_of((1, 2), (0, 0), (1, 2), (3, 1))
    labels = [F(4), F(1), F(4), F(-2)]
    network = fit(points, labels)
    assert network.weight_count == 2 * 3 + 2
    assert network == fit(points_of((1, 2), (0, 0), (3, 1)), [F(4), F(1), F(-2)])
    assert [network(x) for x in points] == labels


def test_equal_points_with_different_labels_are_an_error_naming_them() -> None:
    points = points_of((0, 0), (1, 1), (0, 0))
    with pytest.raises(ConflictingLabelsError, match=r"points 0 and 2 are both \(0, 0\)") as info:
        fit(points, [F(1), F(2), F(3)])
    assert info.value.labels == (F(1), F(3))
    assert "same label" in str(info.value)


# --- teeth: what the checks catch --------------------------------------------------------


def test_one_unit_fewer_search_finds_a_shrunk_counterexample() -> None:
    result = search_datasets(fewer_units_violation, COMMAND_DATASETS, examples=100, seed=0)
    case = result.counterexample
    assert case is not None
    assert (len(case.points), case.dimension) == (1, 1)
    assert case.labels[0] != 0 and fewer_units_violation(case) is not None


def _column_space_misses(case: Dataset) -> bool:
    """Exact: the labels are outside the span of the n - 1 units' columns."""
    layer = hidden_layer(case.points)
    units = len(case.points) - 1
    matrix = sympy.Matrix(activation_matrix(layer.z, layer.b[:units]))
    y = sympy.Matrix([case.labels[i] for i in layer.order])
    return bool(matrix.row_join(y).rank() > matrix.rank())


def test_one_unit_fewer_fails_on_several_points_and_no_weights_could_help() -> None:
    sizes = replace(COMMAND_DATASETS, min_points=3, max_points=6)
    case = search_datasets(fewer_units_violation, sizes, examples=100, seed=0).counterexample
    assert case is not None and len(case.points) == 3
    # not an artefact of solving the first n - 1 rows: no weights on those units fit
    assert _column_space_misses(case)


@settings(max_examples=30)
@given(datasets(replace(COMMAND_DATASETS, min_points=2)))
def test_a_label_at_the_last_point_alone_defeats_one_unit_fewer(case: Dataset) -> None:
    last = hidden_layer(case.points).order[-1]
    labels = tuple(F(int(i == last)) for i in range(len(case.points)))
    spike = Dataset(case.points, labels)
    assert fewer_units_violation(spike) is not None
    assert interpolation_violation(spike) is None


def test_biases_at_the_points_give_a_singular_system() -> None:
    result = search_datasets(
        lambda case: interpolation_violation(case, at_points), COMMAND_DATASETS, 50, seed=0
    )
    case = result.counterexample
    assert case is not None
    assert "SingularSystemError" in str(interpolation_violation(case, at_points))
    points, _ = random_sample(random.Random(2), 5, 2)
    layer = hidden_layer(points, at_points)
    assert sympy.Matrix(activation_matrix(layer.z, layer.b)).det() == 0


def test_biases_not_interleaved_are_caught() -> None:
    far = Dataset(tuple(points_of((0,), (2,))), (F(1), F(2)))
    assert interpolation_violation(far, shifted) is None  # z = 0, 2 and b = -1, 1 interleave
    touching = Dataset(tuple(points_of((0,), (1,))), (F(1), F(2)))
    assert "do not interleave" in str(interpolation_violation(touching, shifted))  # b_2 = z_1
    near = Dataset(((F(0),), (F(1, 2),)), (F(1), F(2)))
    # z = 0, 1/2 and b = -1, -1/2: the second unit is already on at the first point
    assert "NotLowerTriangularError" in str(interpolation_violation(near, shifted))


def test_network_check_catches_wrong_weight_count_biases_and_labels() -> None:
    points, labels = random_sample(random.Random(4), 5, 2)
    case = Dataset(tuple(points), tuple(labels))
    good = fit(points, labels)
    assert network_violation(good, case) is None
    extra = Network(good.a, (*good.b, good.b[-1] + 1000), (*good.w, F(0)))
    assert "not 2n + d" in str(network_violation(extra, case))
    swapped = Network(good.a, tuple(reversed(good.b)), good.w)
    assert "do not interleave" in str(network_violation(swapped, case))
    nudged = Network(good.a, good.b, (good.w[0] + F(1, 1000), *good.w[1:]))
    assert "!=" in str(network_violation(nudged, case))
    short = fewer_units_network(case)
    assert short.weight_count == 2 * 5 + 2 - 2


# --- the general step and the ledger row -------------------------------------------------


def test_general_step_is_proved() -> None:
    derivation = prove_general_step(10_000)
    assert derivation.holds, derivation.text()


def test_strict_interleaving_is_needed_for_a_positive_diagonal() -> None:
    assert not prove_diagonal_positive(10_000, strict=False).holds


def test_ledger_row_is_proved_with_the_case_count() -> None:
    outcome = prove_relu_interpolation(Settings(examples=40, seed=1))
    assert outcome.verdict is Verdict.PROVED
    assert "on 40 cases" in outcome.evidence


def test_topic_functions() -> None:
    checks = interpolation.theorem_checks(Settings())
    assert [(c.id, c.question) for c in checks] == [("theorem.relu_interpolation", "7")]
    assert interpolation.claim_checks(None, Settings(), {}) == []  # type: ignore[arg-type]


def test_demonstration_prints_the_exact_check(capsys: pytest.CaptureFixture[str]) -> None:
    interpolation.main()
    out = capsys.readouterr().out
    assert "every label reproduced exactly" in out and "WRONG" not in out
    assert "weights: 15 = 2*6 + 3" in out


def test_sizes_reject_codes_beyond_one_byte() -> None:
    with pytest.raises(ValueError, match="one byte"):
        Sizes(max_points=2, max_dimension=1, max_numerator=200)
