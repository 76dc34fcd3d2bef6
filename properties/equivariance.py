"""Shift equivariance of convolutions, on exact integer signals (Q5c).

Conventions (the same as ``proofs.circulant``): indices run over 0..n-1, the cyclic shift by s
is ``(S^s x)_i = x_{(i + s) mod n}``, and a kernel k of length L <= n acts by

- circular convolution: ``(k ⊛ x)_i = sum_m k_m x_{(i - m) mod n}``;
- zero-padded ("same") convolution: ``(k * x)_i = sum_m k_m x_{i + r - m}`` with r = (L - 1)//2
  and x = 0 outside 0..n-1 (output length n, kernel centred).

2-D signals are grids (tuples of rows) with the same rules along each axis.

Every property is a plain function ``..._fails(case) -> bool`` that is true on a case that
*violates* the statement, so ``properties.search.search`` can look for one and tests can call
it under ``@given``.  Everything is integer arithmetic: no tolerance anywhere.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from hypothesis import strategies as st

Signal = tuple[int, ...]
Grid = tuple[tuple[int, ...], ...]
SignalCase = tuple[Signal, Signal, int]  # kernel, signal, shift
GridCase = tuple[Grid, Grid, tuple[int, int]]  # kernel, signal, (row shift, column shift)
MatrixCase = tuple[Grid, Signal]  # square matrix, signal


# --- operations


def cyclic_shift(x: Signal, s: int = 1) -> Signal:
    n = len(x)
    return tuple(x[(i + s) % n] for i in range(n))


def circular_convolution(kernel: Signal, x: Signal) -> Signal:
    n = len(x)
    return tuple(sum(k * x[(i - m) % n] for m, k in enumerate(kernel)) for i in range(n))


def same_convolution(kernel: Signal, x: Signal) -> Signal:
    n, r = len(x), (len(kernel) - 1) // 2
    return tuple(
        sum(k * x[i + r - m] for m, k in enumerate(kernel) if 0 <= i + r - m < n) for i in range(n)
    )


def cyclic_shift_2d(x: Grid, s: tuple[int, int]) -> Grid:
    rows = cyclic_shift(tuple(range(len(x))), s[0])
    return tuple(cyclic_shift(x[row], s[1]) for row in rows)


def circular_convolution_2d(kernel: Grid, x: Grid) -> Grid:
    n1, n2 = len(x), len(x[0])
    return tuple(
        tuple(
            sum(
                k * x[(i - a) % n1][(j - b) % n2]
                for a, kernel_row in enumerate(kernel)
                for b, k in enumerate(kernel_row)
            )
            for j in range(n2)
        )
        for i in range(n1)
    )


def matrix_times(matrix: Grid, x: Signal) -> Signal:
    return tuple(sum(a * b for a, b in zip(row, x, strict=True)) for row in matrix)


def convolution_matrix(kernel: Signal, n: int) -> Grid:
    """The matrix of x -> k ⊛ x: entry (i, j) is k_{(i - j) mod n} (k padded with zeros to n)."""
    padded = kernel + (0,) * (n - len(kernel))
    return tuple(tuple(padded[(i - j) % n] for j in range(n)) for i in range(n))


def border_positions(n: int, kernel_length: int) -> frozenset[int]:
    """Outputs i of a "same" convolution whose window, or the next one, leaves 0..n-1.

    Elsewhere ``(k * S x)_i`` and ``(S (k * x))_i`` are both sum_m k_m x_{i + 1 + r - m}: zero
    padding can break shift equivariance only at these positions (and at i = n - 1, where S
    wraps the output around).
    """
    r = (kernel_length - 1) // 2
    return frozenset(i for i in range(n) if i + r - (kernel_length - 1) < 0 or i + 1 + r >= n)


def same_mismatch_positions(case: SignalCase) -> frozenset[int]:
    kernel, x, s = case
    left = same_convolution(kernel, cyclic_shift(x, s))
    right = cyclic_shift(same_convolution(kernel, x), s)
    return frozenset(i for i, (a, b) in enumerate(zip(left, right, strict=True)) if a != b)


# --- properties: true on a case that violates the statement


def circular_equivariance_fails(case: SignalCase) -> bool:
    """k ⊛ (S^s x) != S^s (k ⊛ x)."""
    kernel, x, s = case
    return circular_convolution(kernel, cyclic_shift(x, s)) != cyclic_shift(
        circular_convolution(kernel, x), s
    )


def circular_equivariance_2d_fails(case: GridCase) -> bool:
    kernel, x, s = case
    return circular_convolution_2d(kernel, cyclic_shift_2d(x, s)) != cyclic_shift_2d(
        circular_convolution_2d(kernel, x), s
    )


def same_equivariance_fails(case: SignalCase) -> bool:
    """k * (S^s x) != S^s (k * x) for the zero-padded convolution."""
    return bool(same_mismatch_positions(case))


def same_mismatch_off_border(case: SignalCase) -> bool:
    """A zero-padding mismatch at an interior position (for shift s = 1, the cyclic shift)."""
    kernel, x, _ = case
    return not same_mismatch_positions((kernel, x, 1)) <= border_positions(len(x), len(kernel))


def circular_or_border_fails(case: SignalCase) -> bool:
    """Either circular convolution is not equivariant or zero padding fails off the border."""
    return circular_equivariance_fails(case) or same_mismatch_off_border(case)


def matrix_equivariance_fails(case: MatrixCase) -> bool:
    """M (S x) != S (M x)."""
    matrix, x = case
    return matrix_times(matrix, cyclic_shift(x)) != cyclic_shift(matrix_times(matrix, x))


# --- strategies
#
# A signal or grid is drawn as ONE integer and read as base-19 digits mapped to 0, 1, -1, 2,
# -2, ..., -9: one choice per signal instead of one per entry keeps a search near half a
# millisecond a case (the command runs several within its time budget), and shrinking the
# integer towards 0 shrinks the entries towards 0.  Sizes, kernel shapes and shifts are drawn
# up to the maximum and reduced to fit (kernel no larger than the signal, shift mod n).

BASE = 19
MAX_LENGTH = 8
MAX_SIDE = 4


def decode(code: int, length: int) -> Signal:
    digits = []
    for _ in range(length):
        code, digit = divmod(code, BASE)
        digits.append((digit + 1) // 2 * (1 if digit % 2 else -1))
    return tuple(digits)


def decode_grid(code: int, rows: int, columns: int) -> Grid:
    flat = decode(code, rows * columns)
    return tuple(flat[r * columns : (r + 1) * columns] for r in range(rows))


def _codes(entries: int) -> st.SearchStrategy[int]:
    return st.integers(0, BASE**entries - 1)


def _sizes(largest: int) -> st.SearchStrategy[int]:
    return st.integers(1, largest)


def _signal_case(drawn: tuple[int, int, int, int, int]) -> SignalCase:
    n, signal, kernel_length, kernel, shift = drawn
    return decode(kernel, min(kernel_length, n)), decode(signal, n), shift % n


def _grid_case(drawn: tuple[int, int, int, int, int, int, int, int]) -> GridCase:
    n1, n2, signal, k1, k2, kernel, s1, s2 = drawn
    return (
        decode_grid(kernel, min(k1, n1), min(k2, n2)),
        decode_grid(signal, n1, n2),
        (s1 % n1, s2 % n2),
    )


def _matrix_case(drawn: tuple[int, int, int]) -> MatrixCase:
    n, matrix, signal = drawn
    return decode_grid(matrix, n, n), decode(signal, n)


def signal_cases(max_length: int = MAX_LENGTH) -> st.SearchStrategy[SignalCase]:
    """A signal of length 1..max_length, a kernel no longer than it, and a shift."""
    codes, sizes = _codes(max_length), _sizes(max_length)
    shifts = st.integers(0, max_length - 1)
    return st.tuples(sizes, codes, sizes, codes, shifts).map(_signal_case)


def grid_cases(max_side: int = MAX_SIDE) -> st.SearchStrategy[GridCase]:
    """A grid up to max_side x max_side, a kernel no larger, and a shift along each axis."""
    codes, sizes = _codes(max_side * max_side), _sizes(max_side)
    shifts = st.integers(0, max_side - 1)
    return st.tuples(sizes, sizes, codes, sizes, sizes, codes, shifts, shifts).map(_grid_case)


def matrix_cases(max_side: int = MAX_SIDE) -> st.SearchStrategy[MatrixCase]:
    """A square integer matrix of size 1..max_side and a signal."""
    drawn = st.tuples(_sizes(max_side), _codes(max_side * max_side), _codes(max_side))
    return drawn.map(_matrix_case)


GENERATORS = {
    "1-D": f"integer signals of length 1..{MAX_LENGTH}, entries -9..9, kernels and shifts",
    "2-D": f"integer grids up to {MAX_SIDE}x{MAX_SIDE}, entries -9..9, kernels and shifts",
    "matrix": f"integer n x n matrices, n = 1..{MAX_SIDE}, entries -9..9, and signals",
}


# --- exhaustive small cases: a deterministic fallback when a small search budget finds no
# counterexample (the searches above are seeded and shrunk, but may be given a single example)


def small_signal_cases(max_length: int = 3) -> Iterator[SignalCase]:
    """Every 0/1 signal of length 1..max_length with every 0/1 kernel and shift, small first."""
    for n in range(1, max_length + 1):
        for length in range(1, n + 1):
            for kernel in itertools.product((0, 1), repeat=length):
                for x in itertools.product((0, 1), repeat=n):
                    for s in range(n):
                        yield kernel, x, s


def small_matrix_cases(max_side: int = 2) -> Iterator[MatrixCase]:
    """Every 0/1 square matrix of size 1..max_side with every 0/1 signal, small first."""
    for n in range(1, max_side + 1):
        for flat in itertools.product((0, 1), repeat=n * n):
            matrix = tuple(flat[r * n : (r + 1) * n] for r in range(n))
            for x in itertools.product((0, 1), repeat=n):
                yield matrix, x
