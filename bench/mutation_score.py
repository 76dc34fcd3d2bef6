"""The mutation score from mutmut's last run (``mutmut run`` first; see the README).

Killed counts every mutant the tests catch: a failing test, a time-out or a crash of the
mutated code.  Survivors and mutants no test reaches are not killed.  Skipped mutants are
left out of the total.  The goal is at least 90%.

Run: ``python -m bench.mutation_score``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

GOAL = 0.90
STATS = Path("mutants/mutmut-cicd-stats.json")


def score(stats: dict[str, int]) -> tuple[int, int, float]:
    caught = stats["killed"] + stats["timeout"] + stats["segfault"]
    considered = stats["total"] - stats["skipped"]
    return caught, considered, caught / considered if considered else 0.0


def main() -> None:
    subprocess.run(["mutmut", "export-cicd-stats"], check=True, capture_output=True)
    stats = json.loads(STATS.read_text())
    caught, considered, fraction = score(stats)
    for key in ("killed", "timeout", "segfault", "survived", "no_tests", "suspicious", "skipped"):
        print(f"{key:<12} {stats[key]:>6}")
    print(f"mutation score: {caught}/{considered} = {fraction:.1%} (goal {GOAL:.0%})")


if __name__ == "__main__":
    main()
