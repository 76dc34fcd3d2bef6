"""Speed of the Q3.2 / Q3.3 properties and of judging claimed bounds.

``python -m bench.bench_bounds`` prints two tables measured in one run:

1. examples per second of each property under the command's search (``properties.search``:
   hypothesis, seeded, database off), on the strategies the claims and tests use;
2. the wall time of ``decide_bound`` on each bound of issue 3 with the default budget
   (``Settings()``: 100 examples), against the aim of under 2 s per refutation.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from hw2check.expressions import parse_expression
from hw2check.ledger import Outcome
from hw2check.sheet import SYMBOLS
from hw2check.topics import Settings
from proofs import jensen, regret
from properties import jensen as gap
from properties import regret as ogd
from properties.search import search

EXAMPLES = 200
AIM_SECONDS = 2.0
R = "wstar_sq/(2*eta) + eta/2*sum_v_sq"

PROPERTIES: list[tuple[str, Any, Callable[[Any], bool]]] = [
    ("regret identity (exact)", ogd.instances(), ogd.identity_holds),
    ("regret bound (exact)", ogd.instances(), ogd.bound_holds),
    ("tight iff w* = w_(T+1)", ogd.instances(), ogd.tight_iff_comparator_is_last_iterate),
    ("origin identity (exact)", ogd.instances(), ogd.origin_identity_holds),
    ("Jensen, all families", gap.gap_instances(), gap.jensen_holds),
    ("first-order, all families", gap.gap_instances(), gap.first_order_holds),
    ("average gap, all families", gap.gap_instances(), gap.average_gap_holds),
    (
        "average gap, exact families",
        gap.gap_instances(lambda d: gap.convex_functions(d, exact_only=True)),
        gap.average_gap_holds,
    ),
]

BOUNDS: list[tuple[Callable[[regret.BoundClaim], Outcome], tuple[str, ...], str, str]] = [
    (regret.decide_bound, ("eta", "T", "wstar_sq", "sum_v_sq"), f"0.999*({R})", "refuted"),
    (regret.decide_bound, ("eta", "T", "wstar_sq", "sum_v_sq"), "eta/4*sum_v_sq", "refuted"),
    (
        regret.decide_bound,
        ("eta", "T", "wstar_sq", "sum_v_sq"),
        "sqrt(wstar_sq*sum_v_sq)",
        "refuted",
    ),
    (regret.decide_bound, ("eta", "T", "wstar_sq", "sum_v_sq"), f"{R} + 1/T - 1e-6", "refuted"),
    (regret.decide_bound, ("eta", "T", "wstar_sq", "sum_v_sq"), f"2*({R})", "proved"),
    (
        regret.decide_bound,
        ("eta", "T", "wstar_sq", "sum_v_sq"),
        "sqrt(T*wstar_sq*sum_v_sq) + eta/2*sum_v_sq",
        "proved",
    ),
    (jensen.decide_bound, ("T", "avg_gap"), "avg_gap/2", "refuted"),
    (jensen.decide_bound, ("T", "avg_gap"), "avg_gap + 1/T - 1e-6", "refuted"),
    (jensen.decide_bound, ("T", "avg_gap"), "avg_gap + 1/T", "proved"),
    (jensen.decide_bound, ("T", "avg_gap"), "avg_gap + (T-1)*(T-2)", "proved"),
]


def examples_per_second(strategy: Any, prop: Callable[[Any], bool]) -> tuple[int, float]:
    start = time.perf_counter()
    result = search(strategy, lambda x: not prop(x), examples=EXAMPLES, seed=0)
    seconds = time.perf_counter() - start
    if result.found:
        raise AssertionError(f"property failed on {result.counterexample}")
    return result.cases, result.cases / seconds


def main() -> None:
    settings = Settings()
    print(f"Properties: hypothesis search of {EXAMPLES} examples each (d 1-6, T 1-40)")
    print(f"{'property':32} {'cases':>6} {'examples/s':>11}")
    for name, strategy, prop in PROPERTIES:
        cases, rate = examples_per_second(strategy, prop)
        print(f"{name:32} {cases:6d} {rate:11.0f}")
    print()
    print(
        f"Claimed bounds: decide_bound with the default budget ({settings.examples} examples, "
        f"z3 limit {settings.solver_timeout_ms} ms); aim < {AIM_SECONDS:g} s per refutation"
    )
    print(f"{'claim':8} {'bound':48} {'verdict':9} {'expected':9} {'seconds':>8}")
    for decide, names, text, expected in BOUNDS:
        expr = parse_expression(text, {name: SYMBOLS[name] for name in names})
        claim = regret.BoundClaim(
            expr, text, settings.examples, settings.seed, settings.solver_timeout_ms, True
        )
        start = time.perf_counter()
        outcome = decide(claim)
        seconds = time.perf_counter() - start
        table = "q3_2" if decide is regret.decide_bound else "q3_3"
        flag = "" if str(outcome.verdict) == expected else "  <-- unexpected"
        slow = "  <-- over the aim" if expected == "refuted" and seconds > AIM_SECONDS else ""
        print(f"{table:8} {text:48} {outcome.verdict!s:9} {expected:9} {seconds:8.3f}{flag}{slow}")


if __name__ == "__main__":
    main()
