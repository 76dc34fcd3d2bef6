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

The SymPy derivation of 5a for symbolic n (``derive_circulant_shift_commute``): what it adds
to a run, goal under 0.2 s.  CPU time (``time.process_time``, summed over the command's
processes), since the machine may be shared: elapsed time would count the other load too.
    run:   ``hw2check --only 5a --jobs 1`` (the row, its sheet claim, start-up) with the
           derivation, and with it replaced by an empty one, in fresh processes, interleaved;
    row:   in a fresh interpreter, the row's z3 steps and explicit check first, then the
           derivation (cold: it pays SymPy's first use of delta summation, including the
           lazy import of ``sympy.physics.units`` by ``solve``'s ``checksol``, which any
           other check that calls ``solve`` in the same worker shares), then again with
           SymPy's cache cleared (warm).

Run: ``python -m bench.bench_circulant``.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
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


DERIVATION_GOAL = 0.2  # seconds added to a run
PAIRS = 5

# A fresh interpreter: the row's other parts, then the derivation cold and warm (CPU seconds).
ROW_PROBE = """
import json, time, sympy
from proofs import circulant as q5
start = time.process_time()
q5.prove_residue_arithmetic(); q5.prove_shift_product_rule()
q5.prove_circulant_is_polynomial_in_shift(); q5.prove_circulant_shift_commute()
q5.verify_circulant_commutes_explicitly()
rest = time.process_time() - start
start = time.process_time()
holds = q5.derive_circulant_shift_commute().holds
cold = time.process_time() - start
sympy.core.cache.clear_cache()
start = time.process_time()
q5.derive_circulant_shift_commute()
warm = time.process_time() - start
print(json.dumps({"rest": rest, "cold": cold, "warm": warm, "holds": holds}))
"""

# The command with the derivation replaced by an empty one (which holds): the baseline run.
WITHOUT = (
    "from proofs import circulant as q5\n"
    "q5.derive_circulant_shift_commute = lambda *args: q5.Derivation('', (), '')\n"
    "from hw2check.cli import main\n"
    "raise SystemExit(main(['--only', '5a', '--jobs', '1']))\n"
)
WITH = "from hw2check.cli import main\nraise SystemExit(main(['--only', '5a', '--jobs', '1']))\n"


def children_cpu(code: str) -> float:
    """CPU seconds (user + system) of ``python -c code`` and every process it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], check=False, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def derivation_figures() -> None:
    runs: dict[str, list[float]] = {"with": [], "without": []}
    rows = []
    for _ in range(PAIRS):
        runs["with"].append(children_cpu(WITH))
        runs["without"].append(children_cpu(WITHOUT))
        probe = subprocess.run(
            [sys.executable, "-c", ROW_PROBE], check=True, capture_output=True, text=True
        )
        rows.append(json.loads(probe.stdout))
    median = {key: statistics.median(values) for key, values in runs.items()}
    added = statistics.median(w - o for w, o in zip(runs["with"], runs["without"], strict=True))
    part = {key: statistics.median(row[key] for row in rows) for key in ("rest", "cold", "warm")}
    print(f"\nthe SymPy derivation of 5a (median of {PAIRS}, CPU seconds; goal: adds < 0.2 s):")
    print(
        f"  hw2check --only 5a --jobs 1: {median['with']:.3f} s with it, "
        f"{median['without']:.3f} s without: adds {added:.3f} s "
        f"({'within' if added < DERIVATION_GOAL else 'OVER'} the goal)"
    )
    print(
        f"  in a fresh interpreter: the row's z3 steps and explicit check {part['rest']:.3f} s, "
        f"then the derivation {part['cold']:.3f} s cold, {part['warm']:.3f} s warm "
        f"(derived every time: {all(row['holds'] for row in rows)})"
    )


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
    derivation_figures()


if __name__ == "__main__":
    main()
