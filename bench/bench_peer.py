"""A peer's equivalence suite through the project's equality decision.

``python -m bench.bench_peer PATH [--timeout SECONDS] [--jobs N]`` reads a JSON file of
expression pairs (``cases``: ``id``, ``a``, ``b``, ``variables``, ``equal``, ``note``; the
pairs stay in that file, none is kept in this project) and decides each pair both ways round
(``a`` against ``b`` and ``b`` against ``a``) with ``decide_equal``, the decision the sheets'
expression claims use, each in a worker process under the time limit of the command.  Every
variable is a real symbol.  It prints one line per pair that is not simply agreed, then the
counts:

- agreed: proved or checked where the suite says equal, refuted where it says not equal;
- disagreed: the other way, with the verdict's evidence and the project rule that explains it
  (see "Where the decision differs from STACK's" in the README);
- refused: a side the sheet parser refuses (a literal over the limits, an unknown function);
- timed out: the time limit was reached;
- crashed: the decision raised (an internal error);
- asymmetric: the two orders gave different verdicts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sympy

from hw2check.equality import decide_equal
from hw2check.errors import ExpressionError
from hw2check.expressions import parse_expression
from hw2check.ledger import Check, Outcome, Row, Verdict, undecided
from hw2check.runner import run_checks

# The rules of the project's decision that give another answer than STACK's, by the words the
# evidence of the verdict uses: the README's section names each and says why.
RULES: tuple[tuple[str, str], ...] = (
    ("different natural domains", "domain: the natural domains differ (at an irrational point)"),
    ("not defined", "domain: a side undefined where the other is a number"),
    ("not a real number", "domain: a side not real where the other is real"),
    ("agree at", "equal on the common natural domain (real powers and logarithms)"),
)
DECIMALS = "decimals are exact rationals (4.52*10**2 is 452)"


def decide_pair(a: str, b: str, names: tuple[str, ...]) -> Outcome:
    """``a`` against the reference ``b``, over real symbols ``names``."""
    symbols = {name: sympy.Symbol(name, real=True) for name in names}
    try:
        claim = parse_expression(a, symbols)
        reference = parse_expression(b, symbols)
    except ExpressionError as error:
        return undecided("refused", f"refused by the sheet parser: {error}")
    ordered = [symbols[name] for name in names]
    return decide_equal(claim, reference, symbols=ordered)


@dataclass(frozen=True)
class Result:
    case: str
    expected: bool
    forward: Row
    backward: Row
    decimal: bool = False

    @property
    def kind(self) -> str:
        rows = (self.forward, self.backward)
        if any(row.method == "refused" for row in rows):
            return "refused"
        if any(row.method == "none" and "internal error" in row.evidence for row in rows):
            return "crashed"
        if any(row.method == "time limit" for row in rows):
            return "timed out"
        if all(agrees(row.verdict, self.expected) for row in rows):
            return "agreed"
        return "disagreed"


def agrees(verdict: Verdict, expected: bool) -> bool:
    if expected:
        return verdict in (Verdict.PROVED, Verdict.CHECKED)
    return verdict is Verdict.REFUTED


def rule_of(row: Row, decimal: bool = False) -> str:
    if decimal and row.verdict is Verdict.PROVED:
        return DECIMALS
    for words, rule in RULES:
        if words in row.evidence:
            return rule
    return "no documented rule"


def checks(cases: Sequence[Mapping[str, Any]]) -> list[Check]:
    out: list[Check] = []
    for case in cases:
        names = tuple(case["variables"])
        for a, b, side in ((case["a"], case["b"], "ab"), (case["b"], case["a"], "ba")):
            out.append(
                Check(f"{case['id']}:{side}", "3.1", f"{a} = {b}", decide_pair, (a, b, names))
            )
    return out


def run(path: Path, *, timeout: float, jobs: int) -> list[Result]:
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    rows = run_checks(checks(cases), jobs=jobs, timeout=timeout)
    return [
        Result(
            case["id"],
            bool(case["equal"]),
            rows[2 * i],
            rows[2 * i + 1],
            bool(case.get("decimal_literal", False)),
        )
        for i, case in enumerate(cases)
    ]


def describe(result: Result) -> str:
    row = result.forward if not agrees(result.forward.verdict, result.expected) else result.backward
    said = "equal" if result.expected else "not equal"
    text = (
        f"{result.case} ({said}): {result.forward.verdict.value} / "
        f"{result.backward.verdict.value}: {row.evidence}"
    )
    if result.kind == "disagreed":
        text += f" [rule: {rule_of(row, result.decimal)}]"
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_peer")
    parser.add_argument("path", type=Path)
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    results = run(args.path, timeout=args.timeout, jobs=args.jobs)
    kinds: Counter[str] = Counter()
    for result in results:
        kinds[result.kind] += 1
        if result.kind != "agreed":
            print(f"{result.kind}: {describe(result)}")
    asymmetric = sum(r.forward.verdict is not r.backward.verdict for r in results)
    print(
        f"{len(results)} pairs, each both ways round: "
        + ", ".join(
            f"{kinds[k]} {k}" for k in ("agreed", "disagreed", "refused", "timed out", "crashed")
        )
        + f"; {asymmetric} asymmetric"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
