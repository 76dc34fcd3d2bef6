"""Explicit verification of Q5a and Q5b against n: label maps vs dense SymPy, one run.

5a: CS = SC for the symbolic circulant C_ij = c_{(j-i) mod n}.
    project: permutation products as reindexing of entry labels (``proofs.circulant``);
    SymPy:   C*S - S*C with dense symbolic matrices, then ``is_zero_matrix``.
5b: the solution space of BS = SB is the circulants (dimension n).
    project: union-find over the n² entries, classes compared with the diagonals;
    SymPy:   B*S - S*B with n² symbols, the n²×n² system, ``nullspace()`` (capped at n = 64,
             where it already takes about a second; "-" beyond).

Times are the best of a few repeats (one repeat for SymPy above n = 32), wall clock, one core.
``per entry`` is the project's time divided by n²: flat means growth no faster than n².

Run: ``python -m bench.bench_circulant``.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable

import sympy

from proofs import circulant as q5

SIZES = (8, 16, 32, 64, 128, 256)
SYMPY_5B_CAP = 64


def best_of(task: Callable[[int], None], n: int, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        task(n)
        best = min(best, time.perf_counter() - start)
    return best


def shift_matrix(n: int) -> sympy.Matrix:
    return sympy.Matrix(q5.permutation_matrix(q5.shift_permutation(n)))


def sympy_5a(n: int) -> None:
    c = sympy.symbols(f"c0:{n}")
    circulant = sympy.Matrix(n, n, lambda i, j: c[(j - i) % n])
    s = shift_matrix(n)
    assert (circulant * s - s * circulant).is_zero_matrix


def sympy_5b(n: int) -> None:
    symbols = sympy.symbols(f"b0:{n * n}")
    b, s = sympy.Matrix(n, n, symbols), shift_matrix(n)
    system, _ = sympy.linear_eq_to_matrix(list(b * s - s * b), symbols)
    assert len(system.nullspace()) == n


def project_5a(n: int) -> None:
    assert q5.commutes_with_shift(n)


def project_5b(n: int) -> None:
    assert q5.classes_are_diagonals(n, q5.commutant_classes(n))


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value * 1e3:.2f} ms" if value < 1 else f"{value:.2f} s"


def ratio(slow: float | None, fast: float) -> str:
    return "-" if slow is None else f"{slow / fast:.0f}x"


def main() -> None:
    print(__doc__.split("\n\n")[0])
    print(
        f"python {platform.python_version()}, sympy {sympy.__version__}, "
        f"{os.cpu_count()} cores available\n"
    )
    header = (
        f"{'n':>4} | {'5a project':>10} {'5a SymPy':>10} {'ratio':>7} | "
        f"{'5b project':>10} {'5b SymPy':>10} {'ratio':>7} | {'per entry 5a/5b':>17}"
    )
    print(header)
    print("-" * len(header))
    for n in SIZES:
        repeats = 5 if n <= 32 else 1
        fast_a = best_of(project_5a, n, 5)
        slow_a = best_of(sympy_5a, n, repeats)
        fast_b = best_of(project_5b, n, 5)
        slow_b = best_of(sympy_5b, n, repeats) if n <= SYMPY_5B_CAP else None
        per_entry = f"{fast_a / n**2 * 1e9:.0f} / {fast_b / n**2 * 1e9:.0f} ns"
        print(
            f"{n:>4} | {seconds(fast_a):>10} {seconds(slow_a):>10} {ratio(slow_a, fast_a):>7} | "
            f"{seconds(fast_b):>10} {seconds(slow_b):>10} {ratio(slow_b, fast_b):>7} | "
            f"{per_entry:>17}"
        )
    start = time.perf_counter()
    q5.verify_circulant_commutes_explicitly()
    q5.verify_commutant_explicitly()
    print(
        f"\nthe ledger's explicit range, n = 1..64 for 5a and 5b together: "
        f"{seconds(time.perf_counter() - start)}"
    )


if __name__ == "__main__":
    main()
