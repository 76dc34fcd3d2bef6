"""Benchmark of the command as a whole, every figure a ratio to the import floor of this run.

The floor is ``python -c "import sympy, z3, hypothesis"``: what any run pays before it checks
anything.  Runs are interleaved (floor, warm, cold, floor, warm, cold, ...) so that each
figure sees the same machine load, and each figure is the median of its runs divided by the
median floor.  On a machine shared with other work the seconds move a lot from run to run;
the ratios, measured side by side, much less.

- warm: ``hw2check`` on the seed sheet with the proof cache holding its theorem rows;
  goal <= 1.5 x the floor;
- cold: the same with ``--no-cache`` (every theorem proved); goal <= 2.5 x the floor;
- class: ``hw2check`` on a class of distinct generated sheets (300 by default) in one run,
  warm cache; goal: 300 sheets in 60 s on 2 cores;
- suite (unless ``--no-suite``): the test suite as ``.ci/run`` runs it (``CI=true``,
  ``-n 2``), once.

The cache used is a temporary folder of this run, never the user's.

Run: ``python -m bench.bench_cli [--runs N] [--sheets N] [--no-suite]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = [sys.executable, "-c", "import sympy, z3, hypothesis"]
HW2CHECK = [sys.executable, "-m", "hw2check", "--format", "json"]
SUITE = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2"]
GOALS = {"warm": 1.5, "cold": 2.5}


def wall(command: list[str], extra: Mapping[str, str] | None = None, cwd: Path = ROOT) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(extra or {})}
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    return time.perf_counter() - start


def paired(runs: int, cache_home: str) -> dict[str, list[float]]:
    """Seconds of the floor, a warm run and a cold run, interleaved ``runs`` times."""
    cache = {"XDG_CACHE_HOME": cache_home}
    wall(HW2CHECK, cache)  # fills the proof cache and the file cache
    times: dict[str, list[float]] = {"floor": [], "warm": [], "cold": []}
    for _ in range(runs):
        times["floor"].append(wall(IMPORTS))
        times["warm"].append(wall(HW2CHECK, cache))
        times["cold"].append(wall([*HW2CHECK, "--no-cache"], cache))
    return times


def class_of_sheets(folder: Path, count: int) -> list[str]:
    """A class of distinct answer sheets: the seed's answers, a few varied per student.

    Five answers are right or wrong by the bits of the student's number (so many sheets
    share them, as in a real class), and one stated number is the student's own, so no two
    sheets are the same.
    """
    from hw2check.sheet import seed_text

    base = seed_text()
    variants = [
        ('step_size = "1/lam"', 'step_size = "lam"'),
        ('minimizer = "w_t - g/lam"', 'minimizer = "w_t + g/lam"'),
        ("real_roots = 2", "real_roots = 0"),
        ('bound = "avg_gap"', 'bound = "avg_gap/2"'),
        ("forward_mode = [[-0.078735,", "forward_mode = [[-0.078736,"),
    ]
    paths = []
    for student in range(count):
        text = base.replace("values = [0.655952, 3.098612]", f"values = [0.655952, {student}.5]")
        for bit, (old, new) in enumerate(variants):
            if student >> bit & 1:
                text = text.replace(old, new)
        path = folder / f"student{student:03d}.toml"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
        f"load average {load:.2f} at the start"
    )


def row(figure: str, seconds: float, floor: float, goal: str = "") -> None:
    print(f"{figure:<46} {seconds:>9.3f} {seconds / floor:>7.2f}  {goal}")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--runs", type=int, default=5)
    options.add_argument("--sheets", type=int, default=300)
    options.add_argument("--no-suite", action="store_true", help="do not time the test suite")
    args = options.parse_args()

    print(f"hw2check benchmark on {machine()}")
    with tempfile.TemporaryDirectory(prefix="hw2check-bench-") as scratch:
        times = paired(args.runs, scratch)
        sheets = Path(scratch) / "class"
        sheets.mkdir()
        paths = class_of_sheets(sheets, args.sheets)
        batch = wall([*HW2CHECK, *paths], {"XDG_CACHE_HOME": scratch})
        floor_after = wall(IMPORTS)
        suite = None
        if not args.no_suite:
            suite = wall([*SUITE, "--dist", "loadfile"], {"CI": "true"})
            floor_after = statistics.median([floor_after, wall(IMPORTS)])

    floor = statistics.median(times["floor"])
    print(f"{'figure':<46} {'seconds':>9} {'x floor':>7}  goal")
    row("import sympy, z3, hypothesis (the floor)", floor, floor)
    for name, label in (
        ("warm", "seed sheet, warm proof cache"),
        ("cold", "seed sheet, --no-cache"),
    ):
        seconds = statistics.median(times[name])
        ratios = [t / f for t, f in zip(times[name], times["floor"], strict=True)]
        row(
            label,
            seconds,
            floor,
            f"<= {GOALS[name]}; paired median {statistics.median(ratios):.2f}",
        )
    print(
        f"{f'class of {args.sheets} distinct sheets, warm':<46} {batch:>9.3f} "
        f"{batch / floor:>7.2f}  {args.sheets / batch:.1f} sheets/s; "
        f"300 sheets in {300 * batch / args.sheets:.1f} s (goal 60)"
    )
    if suite is not None:
        row("test suite, CI=true, -n 2", suite, floor, f"floor then: {floor_after:.3f} s")


if __name__ == "__main__":
    main()
