"""Q4 costs, measured side by side in one run (CPU seconds: the first call, and best of 3).

- the theorem row ``theorem.autodiff_agreement`` with the default budget (100 examples);
- every [q4] claim of the seed sheet, decided one after the other;
- the slip search on the 8 refuted seed entries: the multilinear float screen of
  ``locate_slips`` against re-running the mode in mpmath for every one- and two-slip
  candidate (what the screen saves; both find the same explanations).

The budget it is measured against: theorem + claims well under 0.4 s CPU, slip search for
the seed under 0.2 s.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

import hypothesis  # noqa: F401  (loaded before the workers fork, as the other topics do)
import mpmath

from hw2check.numbers import StatedNumber, compare
from hw2check.sheet import load_seed
from hw2check.topics import Settings
from proofs.autodiff import (
    ENTRIES,
    POINT,
    REFERENCE_GRAPHS,
    Slip,
    _with_slips,
    catalogue,
    claim_checks,
    locate_slips,
    prove_autodiff_agreement,
)
from proofs.graph_ad import (
    GUARD,
    INPUT_NAMES,
    jacobian_row,
    trace,
)


def best_of(run: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def seed_entries() -> list[tuple[str, int, str, StatedNumber]]:
    q4 = load_seed().q4
    assert q4.forward_mode is not None and q4.reverse_mode is not None
    entries = []
    for mode, matrix in (("forward", q4.forward_mode), ("reverse", q4.reverse_mode)):
        numbers = [n for row in matrix for n in row]
        for entry, number in zip(ENTRIES, numbers, strict=True):
            entries.append((entry[:2], INPUT_NAMES.index(entry[3:]), mode, number))
    return entries


def screened() -> int:
    found = 0
    for name, j, mode, stated in seed_entries():
        found += len(locate_slips(REFERENCE_GRAPHS[name], "g", stated, mode, j).explanations)
    return found


def naive() -> int:
    """Every single slip, then every pair on distinct edges, re-run in mpmath."""
    found = 0
    for name, j, mode, stated in seed_entries():
        with mpmath.workdps(30 + GUARD):
            run = trace(REFERENCE_GRAPHS[name], POINT)
            slips = catalogue(run)
            singles: list[tuple[Slip, ...]] = [(s,) for s in slips]
            pairs: list[tuple[Slip, ...]] = [
                (a, b) for a, b in itertools.combinations(slips, 2) if a.edge != b.edge
            ]
            for candidates in (singles, pairs):
                hits = 0
                for chosen in candidates:
                    value = jacobian_row(_with_slips(run, chosen), mode)[j]
                    verdict = compare(stated, value, 30)
                    hits += verdict is not None and verdict.matches
                if hits:
                    found += hits
                    break
    return found


def main() -> None:
    settings = Settings()
    checks = claim_checks(load_seed(), settings, {})
    rows = [
        ("theorem.autodiff_agreement, 100 examples", lambda: prove_autodiff_agreement(100, 0)),
        (f"seed [q4] claims ({len(checks)} rows)", lambda: [c.decide(*c.args) for c in checks]),
        ("slip search, 8 seed entries: float screen", screened),
        ("slip search, 8 seed entries: naive mpmath", naive),
    ]
    print(f"{'measured (CPU seconds)':<48}{'first call':>12}{'best of 3':>12}")
    for label, run in rows:
        # The first call pays for the per-process caches (SymPy diff, tapes), as a worker does.
        first = best_of(run, repeat=1)
        print(f"{label:<48}{first:>12.3f}{best_of(run):>12.3f}")
    print(f"explanations found: screen {screened()}, naive {naive()}")


if __name__ == "__main__":
    main()
