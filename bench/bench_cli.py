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
import json
import os
import platform
import resource
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


# Set by main(): where the children keep compiled bytecode, as an installed package has it
# (pip compiles it on install), even where PYTHONDONTWRITEBYTECODE is set.
BYTECODE: dict[str, str] = {}


def measure(command: list[str], extra: Mapping[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds of ``command`` and the CPU seconds it and its children used."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **BYTECODE, **(extra or {})}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def wall(command: list[str], extra: Mapping[str, str] | None = None) -> float:
    return measure(command, extra)[0]


def suite_run() -> tuple[float, str]:
    """Seconds of the test suite as .ci/run runs it, and pytest's summary line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **BYTECODE, "CI": "true"}
    start = time.perf_counter()
    done = subprocess.run(
        [*SUITE, "--dist", "loadfile"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    lines = done.stdout.strip().splitlines()
    return time.perf_counter() - start, lines[-1] if lines else f"exit status {done.returncode}"


def paired(runs: int, cache_home: str) -> dict[str, list[float]]:
    """Wall and CPU seconds of the floor, a warm and a cold run, interleaved ``runs`` times."""
    cache = {"XDG_CACHE_HOME": cache_home}
    wall(HW2CHECK, cache)  # fills the proof cache, the bytecode and the file cache
    times: dict[str, list[float]] = {}
    for _ in range(runs):
        for name, command in (
            ("floor", IMPORTS),
            ("warm", HW2CHECK),
            ("cold", [*HW2CHECK, "--no-cache"]),
        ):
            seconds, cpu = measure(command, cache)
            times.setdefault(name, []).append(seconds)
            times.setdefault(f"{name} cpu", []).append(cpu)
    return times


# Run in a child process: where the time of one run goes, part by part (seconds).
PARTS = """
import contextlib, io, json, sys, time
marks = [time.perf_counter()]
import sympy, z3, hypothesis
marks.append(time.perf_counter())
import hw2check.cli, hw2check.runner, hw2check.sheet, hw2check.topics, hw2check.cache
hw2check.topics.topics()
marks.append(time.perf_counter())
hw2check.sheet.load_seed()
marks.append(time.perf_counter())
hw2check.cache.fingerprint()
marks.append(time.perf_counter())
out = io.StringIO()
with contextlib.redirect_stdout(out):
    hw2check.cli.main(["--format", "json", *sys.argv[1:]])
marks.append(time.perf_counter())
rows = json.loads(out.getvalue())["claims"]
spent = [b - a for a, b in zip(marks, marks[1:])]
fresh = [r for r in rows if "(cached proof of " not in r["method"]]
theorems = sum(r["seconds"] for r in fresh if r["id"].startswith("theorem."))
claims = sum(r["seconds"] for r in rows if not r["id"].startswith("theorem."))
print(json.dumps([*spent, theorems, claims]))
"""
PART_NAMES = (
    "import sympy, z3, hypothesis",
    "import hw2check, proofs, properties",
    "parse the seed sheet",
    "proof cache key (source hash, versions)",
    "check and render (wall)",
    "  theorem rows proved (sum of their seconds)",
    "  31 claims (sum of their seconds)",
)


def parts(runs: int, cache_home: str, *options: str) -> list[float]:
    """Median seconds of each part of a run, measured inside a child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **BYTECODE, "XDG_CACHE_HOME": cache_home}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-c", PARTS, *options]
    samples = [
        json.loads(subprocess.run(command, cwd=ROOT, env=env, capture_output=True).stdout)
        for _ in range(runs)
    ]
    return [statistics.median(column) for column in zip(*samples, strict=True)]


def class_of_sheets(folder: Path, count: int) -> list[str]:
    """A class of distinct answer sheets: the seed's answers, a few varied per student.

    Five answers are right or wrong by the bits of the student's number (so many sheets
    share them, as in a real class), and two are the student's own, so no two sheets are
    the same: a stated number (Q4) and a bound (Q3.3, proved or refuted by SymPy and z3).
    """
    from hw2check.sheet import seed_text

    base = seed_text()
    variants = [
        ('step_size = "1/lam"', 'step_size = "lam"'),
        ('minimizer = "w_t - g/lam"', 'minimizer = "w_t + g/lam"'),
        ("real_roots = 2", "real_roots = 0"),
        ("start = 0", "start = 1"),
        ("forward_mode = [[-0.078735,", "forward_mode = [[-0.078736,"),
    ]
    paths = []
    for student in range(count):
        text = base.replace("values = [0.655952, 3.098612]", f"values = [0.655952, {student}.5]")
        text = text.replace('bound = "avg_gap"', f'bound = "avg_gap + ({student} - 150)/1000"')
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


def ratio(times: dict[str, list[float]], name: str) -> str:
    """The paired median ratio of wall and of CPU seconds (each run over the floor before it)."""
    walls = [t / f for t, f in zip(times[name], times["floor"], strict=True)]
    cpus = [t / f for t, f in zip(times[f"{name} cpu"], times["floor cpu"], strict=True)]
    return f"paired {statistics.median(walls):.2f}, CPU {statistics.median(cpus):.2f}"


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--runs", type=int, default=5)
    options.add_argument("--sheets", type=int, default=300)
    options.add_argument("--no-suite", action="store_true", help="do not time the test suite")
    args = options.parse_args()

    print(f"hw2check benchmark on {machine()}")
    with tempfile.TemporaryDirectory(prefix="hw2check-bench-") as scratch:
        BYTECODE["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "bytecode")
        times = paired(args.runs, scratch)
        sheets = Path(scratch) / "class"
        sheets.mkdir()
        paths = class_of_sheets(sheets, args.sheets)
        batch = wall([*HW2CHECK, *paths], {"XDG_CACHE_HOME": scratch})
        warm_parts = parts(args.runs, scratch)
        cold_parts = parts(args.runs, scratch, "--no-cache")
        start = wall([sys.executable, "-c", "pass"])
        floor_after = wall(IMPORTS)
        suite = None
        if not args.no_suite:
            suite, outcome = suite_run()
            floor_after = statistics.median([floor_after, wall(IMPORTS)])

    floor = statistics.median(times["floor"])
    print(f"{'figure':<46} {'seconds':>9} {'x floor':>7}  goal")
    floor_cpu = statistics.median(times["floor cpu"])
    row("import sympy, z3, hypothesis (the floor)", floor, floor, f"CPU {floor_cpu:.3f} s")
    labels = {"warm": "seed sheet, warm proof cache", "cold": "seed sheet, --no-cache"}
    for name, label in labels.items():
        goal = f"<= {GOALS[name]}; {ratio(times, name)}"
        row(label, statistics.median(times[name]), floor, goal)
    print(
        f"{f'class of {args.sheets} distinct sheets, warm':<46} {batch:>9.3f} "
        f"{batch / floor:>7.2f}  {args.sheets / batch:.1f} sheets/s (goal: 300 sheets in 60 s)"
    )
    if suite is not None:
        row("test suite, CI=true, -n 2", suite, floor, f"floor then: {floor_after:.3f} s")
        print(f"  {outcome}")
    print("\nwhere the time of one run goes (median seconds, inside the process)")
    print(f"{'part':<46} {'warm':>9} {'cold':>9}")
    print(f"{'python -c pass (start-up, whole process)':<46} {start:>9.3f} {start:>9.3f}")
    for name, warm, cold in zip(PART_NAMES, warm_parts, cold_parts, strict=True):
        print(f"{name:<46} {warm:>9.3f} {cold:>9.3f}")


if __name__ == "__main__":
    main()
