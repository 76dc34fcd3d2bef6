"""Q5c: shift equivariance of convolutions on exact integer signals."""

from __future__ import annotations

import pytest
from hypothesis import given

from hw2check.ledger import Verdict
from hw2check.topics import Settings
from proofs import circulant as q5
from properties import equivariance as eq
from properties.search import search


@given(eq.signal_cases())
def test_circular_convolution_is_equivariant(case: eq.SignalCase) -> None:
    assert not eq.circular_equivariance_fails(case)


@given(eq.grid_cases())
def test_circular_convolution_2d_is_equivariant(case: eq.GridCase) -> None:
    assert not eq.circular_equivariance_2d_fails(case)


@given(eq.signal_cases())
def test_zero_padding_fails_only_at_the_border(case: eq.SignalCase) -> None:
    assert not eq.same_mismatch_off_border(case)


@given(eq.signal_cases())
def test_cases_are_well_formed(case: eq.SignalCase) -> None:
    kernel, x, s = case
    assert 1 <= len(kernel) <= len(x) <= eq.MAX_LENGTH and 0 <= s < len(x)
    assert all(-9 <= v <= 9 for v in kernel + x)


@given(eq.signal_cases())
def test_convolution_matrix_is_a_circulant_commuting_with_s(case: eq.SignalCase) -> None:
    kernel, x, _ = case
    n = len(x)
    matrix = eq.convolution_matrix(kernel, n)
    assert eq.matrix_times(matrix, x) == eq.circular_convolution(kernel, x)
    assert all(matrix[i][j] == matrix[0][(j - i) % n] for i in range(n) for j in range(n))
    assert not eq.matrix_equivariance_fails((matrix, x))


def test_decode_covers_minus_nine_to_nine() -> None:
    everything = sum(d * eq.BASE**d for d in range(eq.BASE))
    assert sorted(eq.decode(everything, eq.BASE)) == list(range(-9, 10))
    assert eq.decode(0, 4) == (0, 0, 0, 0)
    assert eq.decode_grid(1 + 2 * 19, 1, 2) == ((1, -1),)


def test_same_convolution_matches_the_hand_computed_example() -> None:
    # full convolution of (1, 0, 0, 0) with (1, 2, 3) is (1, 2, 3, 0, 0, 0); "same" keeps 1..4
    assert eq.same_convolution((1, 2, 3), (1, 0, 0, 0)) == (2, 3, 0, 0)
    assert eq.circular_convolution((1, 2, 3), (1, 0, 0, 0)) == (1, 2, 3, 0)


def test_search_finds_a_shrunk_zero_padding_counterexample_at_the_border() -> None:
    found = search(eq.signal_cases(), eq.same_equivariance_fails, examples=200, seed=1)
    assert found.counterexample is not None
    kernel, x, _ = found.counterexample
    assert len(x) <= 3 and all(abs(v) <= 1 for v in kernel + x)  # shrunk: tiny, unit entries
    assert sum(v != 0 for v in kernel) == sum(v != 0 for v in x) == 1
    positions = eq.same_mismatch_positions(found.counterexample)
    assert positions and positions <= eq.border_positions(len(x), len(kernel))


def test_search_finds_a_generic_matrix_that_is_not_equivariant() -> None:
    found = search(eq.matrix_cases(), eq.matrix_equivariance_fails, examples=200, seed=2)
    assert found.counterexample is not None
    matrix, x = found.counterexample
    assert len(x) == 2 and eq.matrix_equivariance_fails((matrix, x))


# --- the properties have teeth


def test_circular_property_catches_zero_padding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eq, "circular_convolution", eq.same_convolution)
    found = search(eq.signal_cases(), eq.circular_equivariance_fails, examples=200, seed=3)
    assert found.found


def test_circular_property_catches_a_position_dependent_filter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = eq.circular_convolution

    def weighted(kernel: eq.Signal, x: eq.Signal) -> eq.Signal:  # not a convolution
        return tuple((i + 1) * y for i, y in enumerate(original(kernel, x)))

    monkeypatch.setattr(eq, "circular_convolution", weighted)
    assert search(eq.signal_cases(), eq.circular_equivariance_fails, examples=200, seed=4).found


def test_2d_property_catches_a_non_circular_row_index(monkeypatch: pytest.MonkeyPatch) -> None:
    def clipped(kernel: eq.Grid, x: eq.Grid) -> eq.Grid:
        n1, n2 = len(x), len(x[0])
        return tuple(
            tuple(
                sum(
                    k * x[i - a][(j - b) % n2]
                    for a, row in enumerate(kernel)
                    for b, k in enumerate(row)
                    if i - a >= 0
                )
                for j in range(n2)
            )
            for i in range(n1)
        )

    monkeypatch.setattr(eq, "circular_convolution_2d", clipped)
    assert search(eq.grid_cases(), eq.circular_equivariance_2d_fails, examples=200, seed=5).found


def test_border_property_catches_a_wrong_border(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eq, "border_positions", lambda n, length: frozenset({0}))
    assert search(eq.signal_cases(), eq.same_mismatch_off_border, examples=200, seed=6).found


# --- the ledger row


def test_conv_theorem_row_is_proved_with_counts_and_witnesses() -> None:
    check = q5.theorem_checks(Settings())[2]
    outcome = check.decide(*check.args)
    assert outcome.verdict is Verdict.PROVED, outcome.evidence
    assert "100 1-D cases" in outcome.evidence and "100 2-D cases" in outcome.evidence
    assert "Zero-padded" in outcome.evidence and "at the border" in outcome.evidence


def test_conv_theorem_row_is_reproducible() -> None:
    first = q5.decide_conv_shift_equivariance(50, 7, 5000)
    again = q5.decide_conv_shift_equivariance(50, 7, 5000)
    assert first == again


# --- exact values of the operations, the case decoding and the strategies


def test_cyclic_shifts_move_entries_towards_the_front() -> None:
    """(S^s x)_i = x_{i+s}: a reversed direction would still be equivariant, so pin it."""
    assert eq.cyclic_shift((1, 2, 3)) == (2, 3, 1)
    assert eq.cyclic_shift((1, 2, 3), 2) == (3, 1, 2)
    assert eq.cyclic_shift_2d(((1, 2, 3), (4, 5, 6)), (1, 2)) == ((6, 4, 5), (3, 1, 2))
    grid = ((1, 2), (3, 4), (5, 6))
    assert eq.cyclic_shift_2d(grid, (0, 1)) == ((2, 1), (4, 3), (6, 5))  # rows stay
    assert eq.cyclic_shift_2d(grid, (2, 0)) == ((5, 6), (1, 2), (3, 4))


def test_circular_convolution_2d_of_unit_impulses() -> None:
    """An impulse at (0, 0) reproduces the kernel; at (2, 2) the kernel wraps round both axes."""
    kernel = ((1, 2), (3, 4))
    at_origin = ((1, 0, 0), (0, 0, 0), (0, 0, 0))
    at_corner = ((0, 0, 0), (0, 0, 0), (0, 0, 1))
    assert eq.circular_convolution_2d(kernel, at_origin) == ((1, 2, 0), (3, 4, 0), (0, 0, 0))
    assert eq.circular_convolution_2d(kernel, at_corner) == ((4, 0, 3), (0, 0, 0), (2, 0, 1))


def test_border_positions_exactly() -> None:
    # length 3 (r = 1): the first window meets the left padding, the last two the right one
    assert eq.border_positions(8, 3) == frozenset({0, 6, 7})
    assert eq.border_positions(5, 1) == frozenset({4})  # only the wrap-around position
    assert eq.border_positions(6, 4) == frozenset({0, 1, 4, 5})
    assert eq.border_positions(3, 3) == frozenset({0, 1, 2})


def test_zero_padding_mismatch_positions_depend_on_the_shift() -> None:
    """The border property looks at shift 1 whatever the case's shift: at shift 2 the
    mismatch of this case is interior (position 2, border {0, 3, 4})."""
    shifted_twice = ((1, 0, 0), (1, 0, 0, 0, 0), 2)
    assert eq.same_mismatch_positions(shifted_twice) == frozenset({2})
    assert eq.same_mismatch_positions(((1, 0, 0), (1, 0, 0, 0, 0), 1)) == frozenset({3})
    assert not eq.same_mismatch_off_border(shifted_twice)
    assert eq.same_equivariance_fails(shifted_twice)


def test_either_failure_fails_the_combined_property(monkeypatch: pytest.MonkeyPatch) -> None:
    case = ((1, 0, 0), (1, 0, 0), 1)
    assert not eq.circular_or_border_fails(case)
    monkeypatch.setattr(eq, "circular_convolution", eq.same_convolution)
    assert eq.circular_equivariance_fails(case) and not eq.same_mismatch_off_border(case)
    assert eq.circular_or_border_fails(case)
    monkeypatch.undo()
    monkeypatch.setattr(eq, "border_positions", lambda n, length: frozenset())
    assert not eq.circular_equivariance_fails(case) and eq.same_mismatch_off_border(case)
    assert eq.circular_or_border_fails(case)


def test_matrix_times_rejects_a_signal_of_the_wrong_length() -> None:
    assert eq.matrix_times(((1, 2), (3, 4)), (1, 1)) == (3, 7)
    with pytest.raises(ValueError):
        eq.matrix_times(((1, 2),), (1,))


def digits(*values: int) -> int:
    return sum(d * eq.BASE**i for i, d in enumerate(values))


def test_decode_maps_digits_to_alternating_signs() -> None:
    assert eq.decode(digits(*range(eq.BASE)), eq.BASE) == (
        0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8, 9, -9,
    )  # fmt: skip


def test_drawn_tuples_are_reduced_to_fit() -> None:
    """Kernels no larger than the signal, shifts mod the size, entries read from the codes."""
    assert eq._signal_case((3, digits(1, 2), 5, digits(2), 7)) == ((-1, 0, 0), (1, -1, 0), 1)
    assert eq._grid_case((2, 3, digits(1, 2, 3, 4, 5, 6), 5, 1, digits(3, 4), 3, 5)) == (
        ((2,), (-2,)),
        ((1, -1, 2), (-2, 3, -3)),
        (1, 2),
    )
    assert eq._matrix_case((2, digits(1, 2, 3, 4), digits(5, 6))) == (((1, -1), (2, -2)), (3, -3))


def test_strategies_draw_from_the_documented_ranges() -> None:
    signal_codes = f"integers(min_value=0, max_value={19**8 - 1:_})"
    grid_codes = f"integers(min_value=0, max_value={19**16 - 1:_})"
    assert repr(eq._codes(2)) == "integers(min_value=0, max_value=360)"
    assert repr(eq._sizes(3)) == "integers(min_value=1, max_value=3)"
    assert repr(eq.signal_cases()) == (
        f"tuples(integers(min_value=1, max_value=8), {signal_codes}, "
        f"integers(min_value=1, max_value=8), {signal_codes}, "
        "integers(min_value=0, max_value=7)).map(_signal_case)"
    )
    assert repr(eq.grid_cases()) == (
        f"tuples(integers(min_value=1, max_value=4), integers(min_value=1, max_value=4), "
        f"{grid_codes}, integers(min_value=1, max_value=4), integers(min_value=1, max_value=4), "
        f"{grid_codes}, integers(min_value=0, max_value=3), "
        "integers(min_value=0, max_value=3)).map(_grid_case)"
    )
    assert repr(eq.matrix_cases()) == (
        f"tuples(integers(min_value=1, max_value=4), {grid_codes}, "
        "integers(min_value=0, max_value=130320)).map(_matrix_case)"
    )
