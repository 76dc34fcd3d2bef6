"""Benchmark of the command as a whole, every figure measured side by side in this one run.

- the seed sheet: median wall time of ``hw2check`` against the median of
  ``python -c "import sympy, z3, hypothesis"`` (the floor any run pays), runs interleaved so
  both see the same machine load; goal: ratio <= 3;
- batch grading: ``hw2check`` on a class of generated sheets, in sheets per second;
- optionally (``--suite``) the wall time of the full test suite.

Run: ``python -m bench.bench_cli [--runs N] [--sheets N] [--suite]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = [sys.executable, "-c", "import sympy, z3, hypothesis"]
HW2CHECK = [sys.executable, "-m", "hw2check", "--format", "json"]


def wall(command: list[str], cwd: Path = ROOT) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    return time.perf_counter() - start


def seed_ratio(runs: int) -> tuple[float, float]:
    """Median seconds of the seed run and of the bare imports, measured alternately."""
    wall(HW2CHECK)  # warm the file cache for both
    seed, imports = [], []
    for _ in range(runs):
        imports.append(wall(IMPORTS))
        seed.append(wall(HW2CHECK))
    return statistics.median(seed), statistics.median(imports)


def class_of_sheets(folder: Path, count: int) -> list[str]:
    """A class of answer sheets: the seed's answers with a few of them varied per student."""
    from hw2check.sheet import seed_text

    base = seed_text()
    variants = [
        ('step_size = "1/lam"', 'step_size = "lam"'),
        ('minimizer = "w_t - g/lam"', 'minimizer = "w_t + g/lam"'),
        ("real_roots = 2", "real_roots = 0"),
        ('bound = "avg_gap"', 'bound = "avg_gap/2"'),
        ("values = [0.655952, 3.098612]", "values = [0.655952, 3.1]"),
    ]
    paths = []
    for student in range(count):
        text = base
        for bit, (old, new) in enumerate(variants):
            if student >> bit & 1:
                text = text.replace(old, new)
        path = folder / f"student{student:03d}.toml"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--runs", type=int, default=5)
    options.add_argument("--sheets", type=int, default=200)
    options.add_argument("--suite", action="store_true", help="also time the test suite")
    args = options.parse_args()

    seed, imports = seed_ratio(args.runs)
    with tempfile.TemporaryDirectory() as folder:
        paths = class_of_sheets(Path(folder), args.sheets)
        batch = wall([*HW2CHECK, *paths])

    print(f"hw2check benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{'figure':<44} {'value':>12}")
    print(f"{'seed sheet, median wall (s)':<44} {seed:>12.3f}")
    print(f"{'import sympy, z3, hypothesis, median (s)':<44} {imports:>12.3f}")
    print(f"{'ratio (goal <= 3)':<44} {seed / imports:>12.2f}")
    print(f"{f'batch of {args.sheets} sheets, wall (s)':<44} {batch:>12.3f}")
    print(f"{'batch throughput (sheets/s)':<44} {args.sheets / batch:>12.1f}")
    if args.suite:
        suite = wall([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"])
        print(f"{'full test suite, wall (s)':<44} {suite:>12.1f}")


if __name__ == "__main__":
    main()
