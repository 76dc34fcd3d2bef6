"""Examples per second of the property searches the ledger's theorem rows run.

Every search goes through ``properties.search.search`` exactly as the command runs it
(hypothesis, seeded, database off) with the same budget, so the figures are the command's.
The Q3.2/Q3.3 properties are measured by ``bench.bench_bounds``.

Run: ``python -m bench.bench_properties [--examples N]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from properties import autodiff, equivariance, interpolation
from properties.search import search

SEARCHES: list[tuple[str, Callable[[], Any], Callable[[Any], bool]]] = [
    ("4e forward = reverse = exact, random graphs", autodiff.cases, autodiff.violates_agreement),
    (
        "5c circular convolution, 1-D",
        equivariance.signal_cases,
        equivariance.circular_equivariance_fails,
    ),
    (
        "5c circular convolution, 2-D",
        equivariance.grid_cases,
        equivariance.circular_equivariance_2d_fails,
    ),
    (
        "7 interpolation, <= 10 points in R^1..3",
        lambda: interpolation.datasets(interpolation.COMMAND_DATASETS),
        lambda case: interpolation.interpolation_violation(case) is not None,
    ),
    (
        "7 interpolation, <= 60 points in R^1..6",
        lambda: interpolation.datasets(interpolation.FULL_DATASETS),
        lambda case: interpolation.interpolation_violation(case) is not None,
    ),
]


def measure(examples: int, seed: int = 0) -> list[tuple[str, int, float]]:
    figures = []
    for name, strategy, violates in SEARCHES:
        start = time.perf_counter()
        result = search(strategy(), violates, examples=examples, seed=seed)
        seconds = time.perf_counter() - start
        assert not result.found, f"{name}: a counterexample {result.counterexample!r}"
        figures.append((name, result.cases, seconds))
    return figures


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--examples", type=int, default=200)
    args = options.parse_args()
    print(f"property searches, {args.examples} examples each (hypothesis, seed 0)")
    print(f"{'property':<46} {'cases':>6} {'seconds':>8} {'cases/s':>8}")
    for name, cases, seconds in measure(args.examples):
        print(f"{name:<46} {cases:>6} {seconds:>8.3f} {cases / seconds:>8.0f}")


if __name__ == "__main__":
    main()
