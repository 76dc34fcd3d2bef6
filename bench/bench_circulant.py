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
to a run, goal under 0.2 s.  CPU time (user + system, summed over the command's processes),
since the machine may be shared and elapsed time would count the other load too.  The command
runs in fresh processes with the derivation and with it replaced by an empty one, interleaved:
    ``hw2check --jobs 1``: the seed sheet, a whole run (the goal's figure);
    ``hw2check --only 5a --jobs 1``: the row alone, where the derivation is the first SymPy
        work of its worker and also pays what SymPy imports on first use (e.g.
        ``sympy.tensor.tensor``, imported by the first ``Add``); in a whole run the other
        SymPy checks pay for that anyway;
    and in a fresh interpreter after one unrelated ``simplify``, the derivation beside the
    row's z3 steps and explicit check, and again with SymPy's cache cleared.
(The derivation names a remainder in a delta by a symbol while SymPy sums: otherwise
``solve``, inside delta summation, simplifies the solution Mod(i + 1, n), and the first
``simplify`` of a process imports ``sympy.physics.units``, about 0.1 s more.)

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

# A fresh interpreter: one unrelated simplify first (it loads what SymPy imports lazily on first
# use, as the other checks of a run do), the row's other parts, then the derivation, then the
# derivation again with SymPy's cache cleared.  CPU seconds.
ROW_PROBE = """
import json, time, sympy
from proofs import circulant as q5
x = sympy.Symbol("x")
sympy.simplify(sympy.sin(x) ** 2 + sympy.cos(x) ** 2 + x)
start = time.process_time()
q5.prove_residue_arithmetic(); q5.prove_shift_product_rule()
q5.prove_circulant_is_polynomial_in_shift(); q5.prove_circulant_shift_commute()
q5.verify_circulant_commutes_explicitly()
rest = time.process_time() - start
start = time.process_time()
holds = q5.derive_circulant_shift_commute().holds
first = time.process_time() - start
sympy.core.cache.clear_cache()
start = time.process_time()
q5.derive_circulant_shift_commute()
again = time.process_time() - start
print(json.dumps({"rest": rest, "first": first, "again": again, "holds": holds}))
"""

# The command, and the command with the derivation replaced by an empty one (which holds).
COMMAND = "from hw2check.cli import main\nraise SystemExit(main({args!r}))\n"
EMPTY = (
    "from proofs import circulant as q5\n"
    "q5.derive_circulant_shift_commute = lambda *args: q5.Derivation('', (), '')\n"
)


def children_cpu(code: str) -> float:
    """CPU seconds (user + system) of ``python -c code`` and every process it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], check=False, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def paired(args: list[str]) -> tuple[float, float, float]:
    """Median CPU of the command with the derivation and without, and of their differences."""
    command = COMMAND.format(args=args)
    runs = [(children_cpu(command), children_cpu(EMPTY + command)) for _ in range(PAIRS)]
    return (
        statistics.median(w for w, _ in runs),
        statistics.median(o for _, o in runs),
        statistics.median(w - o for w, o in runs),
    )


def derivation_figures() -> None:
    print(f"\nthe SymPy derivation of 5a (CPU seconds, median of {PAIRS}; goal: adds < 0.2 s):")
    for args, note in (
        (["--jobs", "1"], "the seed sheet: the goal"),
        (["--only", "5a", "--jobs", "1"], "the row alone: SymPy's first use too"),
    ):
        with_it, without, added = paired(args)
        verdict = "within" if added < DERIVATION_GOAL else "OVER"
        print(
            f"  hw2check {' '.join(args)}: {with_it:.3f} s with it, {without:.3f} s with an "
            f"empty one: adds {added:.3f} s ({note}; {verdict} 0.2 s)"
        )
    rows = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", ROW_PROBE], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(PAIRS)
    ]
    part = {key: statistics.median(row[key] for row in rows) for key in ("rest", "first", "again")}
    print(
        f"  fresh interpreter after one simplify: the row's z3 steps and explicit check "
        f"{part['rest']:.3f} s, the derivation {part['first']:.3f} s, again with SymPy's cache "
        f"cleared {part['again']:.3f} s (derived every time: {all(row['holds'] for row in rows)})"
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
