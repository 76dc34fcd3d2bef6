"""Grading a class: sheets per second for a class of DISTINCT sheets, graded to a CSV.

Every generated sheet differs from every other in several answers (numbers, expressions and
a bound), so the checks of one student are not the checks of another: the run cannot lean
on deciding identical checks once.  One sheet in ``BAD_EVERY`` has an input error, as a
real class has.  ``python -m bench.bench_grading [--sheets N] [--jobs N]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BAD_EVERY = 20


def distinct_sheet(student: int) -> str:
    """The seed's answers with this student's own numbers, expressions and bound."""
    from hw2check.sheet import seed_text

    text = seed_text()
    replacements = [
        ('minimizer = "w_t - g/lam"', f'minimizer = "w_t - g/lam + g*{student % 7}/{student + 1}"'),
        (
            'bound = "wstar_sq/(2*eta) + eta/2*sum_v_sq"',
            f'bound = "wstar_sq/(2*eta) + eta/2*sum_v_sq + {student}/100"',
        ),
        ("values = [0.655952, 3.098612]", f'values = ["0.65{student:04d}", 3.098612]'),
        ("[-0.078735, -0.045439]", f'["{0.350175 + student * 1e-7:.7f}", -0.045439]'),
        ("start = 0", f"start = {student % 5}"),
    ]
    if student % BAD_EVERY == BAD_EVERY - 1:
        replacements.append(('step_size = "1/lam"', 'step_size = "1/"'))
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def write_class(folder: Path, count: int) -> list[str]:
    """``count`` distinct sheets in ``folder``; their paths, in order."""
    paths = []
    for student in range(count):
        path = folder / f"student{student:03d}.toml"
        path.write_text(distinct_sheet(student), encoding="utf-8")
        paths.append(str(path))
    return paths


def grade_class(paths: list[str], jobs: int) -> tuple[float, str]:
    """Wall seconds of ``hw2check --format csv --jobs N`` over the class, and the CSV."""
    command = [sys.executable, "-m", "hw2check", *paths, "--format", "csv", "--jobs", str(jobs)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done.stdout


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--sheets", type=int, default=300)
    options.add_argument("--jobs", type=int, default=2)
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = write_class(Path(folder), args.sheets)
        seconds, table = grade_class(paths, args.jobs)
    rows = len(table.splitlines()) - 1
    print(f"grading a class on {os.cpu_count()} cores, --jobs {args.jobs}")
    print(f"{'figure':<44} {'value':>12}")
    print(f"{f'class of {args.sheets} distinct sheets, wall (s)':<44} {seconds:>12.1f}")
    print(f"{'CSV rows (one per sheet)':<44} {rows:>12d}")
    print(f"{'sheets per second':<44} {args.sheets / seconds:>12.2f}")


if __name__ == "__main__":
    main()
