"""All benchmarks in one run: ``python -m bench`` (``--no-suite``: without timing the tests).

Each section prints its own table; every figure in a table is measured side by side in this
run, on this machine, so ratios compare like with like.
"""

from __future__ import annotations

import sys

from bench import (
    bench_autodiff,
    bench_bounds,
    bench_circulant,
    bench_cli,
    bench_grading,
    bench_properties,
)


def main() -> None:
    no_suite = "--no-suite" in sys.argv[1:]
    sections = (bench_cli, bench_grading, bench_bounds, bench_properties, bench_circulant)
    for section in (*sections, bench_autodiff):
        print(f"\n== {section.__name__}")
        flags = ["--no-suite"] if no_suite and section is bench_cli else []
        sys.argv = [section.__name__, *flags]
        section.main()


if __name__ == "__main__":
    main()
