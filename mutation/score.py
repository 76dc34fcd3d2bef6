"""The mutation score of mutmut's last run, per module, and the survivors file.

Run ``mutmut run --max-children 2`` first (README), then ``python -m mutation.score``.
Caught counts every mutant the checks of ``.ci/run`` reject: a failing test, a time-out, a
crash, or the strict type check (``tests/test_types.py``; mutmut runs it first, as
``type_check_command``).  Survivors, mutants no test reaches and mutants not run are not
caught.  Skipped mutants are left out of the total.  The goal is at least 90%.

``--survivors PATH`` writes every survivor with its diff and the reason it is not killed, read
from the files ``mutation/equivalent-*.txt`` (a reason is matched by function and diff, so it
survives renumbering); a survivor nobody has examined is listed as ``not killed yet``.

A full run takes hours on 2 cores.  ``--sample N`` writes a uniform random sample of N mutant
names (``--seed``) to ``mutation/sample.txt``; run just those (``mutmut run $(cat
mutation/sample.txt)``) and score them with ``--names mutation/sample.txt``: the score of the
sample estimates the whole tree's, and its 95% interval is printed.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

GOAL = 0.90
CAUGHT = ("killed", "timeout", "segfault", "caught by type check")
REASONS = Path("mutation")
SAMPLE = REASONS / "sample.txt"
_NUMBER = re.compile(r"__mutmut_\d+$")


def statuses() -> dict[str, str]:
    """Each mutant's status in mutmut's last run (mutmut's own files under mutants/)."""
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.file_utils import walk_mutatable_files

    found: dict[str, str] = {}
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for name, code in data.exit_code_by_key.items():
            found[name] = status_by_exit_code[code]
    return found


_MUTANT = re.compile(r"^(?P<module>.*)\.x[_ǁ][^.]*$")


def all_mutant_names(roots: Iterable[str] = ("hw2check", "proofs", "properties")) -> list[str]:
    """Every mutant mutmut makes of the current source, computed without running anything."""
    from mutmut.mutation.file_mutation import mutate_file_contents
    from mutmut.utils.format_utils import get_mutant_name

    names = []
    for root in roots:
        for path in sorted(Path(root).rglob("*.py")):
            mutated = mutate_file_contents(str(path), path.read_text("utf-8"))
            names += [get_mutant_name(path, name) for name in mutated.mutant_names]
    return sorted(names)


def module_of(name: str) -> str:
    """The module of a mutant name (``module.x_function__mutmut_N`` or ``module.xǁClassǁ...``)."""
    found = _MUTANT.match(name)
    return found.group("module") if found else name


def score(found: dict[str, str]) -> tuple[int, int]:
    considered = [status for status in found.values() if status != "skipped"]
    return sum(status in CAUGHT for status in considered), len(considered)


def diff_lines(name: str) -> list[str]:
    from mutmut.mutation.diff_apply import find_mutant, get_diff_for_mutant

    diff = get_diff_for_mutant(name, path=find_mutant(name).path)
    return [
        line
        for line in diff.splitlines()
        if line[:1] in "-+" and not line.startswith(("---", "+++"))
    ]


def key(name: str, lines: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    """A survivor's identity across runs: its function and its diff, spaces normalised."""
    return _NUMBER.sub("", name), tuple(" ".join(line.split()) for line in lines)


def recorded_reasons() -> dict[tuple[str, tuple[str, ...]], str]:
    reasons: dict[tuple[str, tuple[str, ...]], str] = {}
    for path in sorted(REASONS.glob("equivalent-*.txt")):
        for name, lines, reason in blocks(path.read_text("utf-8").splitlines()):
            reasons[key(name, lines)] = reason
    return reasons


def blocks(lines: list[str]) -> Iterator[tuple[str, list[str], str]]:
    """The ``## name`` / diff lines / ``reason: ...`` blocks of a reasons file."""
    name: str | None = None
    diff: list[str] = []
    for line in lines:
        if line.startswith("## "):
            name, diff = line[3:].strip(), []
        elif line.startswith(("- ", "+ ", "-", "+")) and name is not None:
            diff.append(line)
        elif line.startswith("reason:") and name is not None:
            yield name, diff, line.removeprefix("reason:").strip()
            name = None


def write_survivors(found: dict[str, str], target: Path) -> Counter[str]:
    reasons = recorded_reasons()
    kinds: Counter[str] = Counter()
    out = [
        "# Survivors (and mutants no test reaches) of the mutants scored in mutmut's last run,",
        "# each with its diff and the reason it is not killed.  Written by",
        "# `python -m mutation.score [--names FILE] --survivors mutation/survivors.txt`.",
        "",
    ]
    for name in sorted(n for n, status in found.items() if status in ("survived", "no tests")):
        lines = diff_lines(name)
        unseen = "no test reaches it in the test process" if found[name] == "no tests" else ""
        reason = reasons.get(key(name, lines), unseen or "not killed yet")
        kinds[reason.split(":", 1)[0].split(" by ")[0]] += 1
        out += [f"## {name}", *lines, f"reason: {reason}", ""]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(out), "utf-8")
    return kinds


def wilson(caught: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson interval of a proportion observed as caught/total."""
    if total == 0:
        return 0.0, 1.0
    p = caught / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return centre - half, centre + half


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mutation.score")
    parser.add_argument("--survivors", type=Path, help="write the survivors file here")
    parser.add_argument("--sample", type=int, help="write a random sample of N mutant names")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample (default 0)")
    parser.add_argument("--names", type=Path, help="score only the mutants named in this file")
    args = parser.parse_args(argv)
    sys.path.insert(0, os.getcwd())
    if args.sample is not None:
        every = all_mutant_names()
        chosen = sorted(random.Random(args.seed).sample(every, args.sample))
        SAMPLE.parent.mkdir(parents=True, exist_ok=True)
        SAMPLE.write_text("".join(f"{name}\n" for name in chosen), "utf-8")
        print(f"wrote {len(chosen)} of {len(every)} mutant names to {SAMPLE}")
        return
    if not Path("mutants").is_dir():
        sys.exit("no mutants/ folder: run `mutmut run` first (README)")
    found = statuses()
    if args.names is not None:
        wanted = set(args.names.read_text("utf-8").split())
        print(f"scoring the {len(wanted)} mutants named in {args.names} of {len(found)}")
        found = {name: status for name, status in found.items() if name in wanted}
        if len(found) < len(wanted):
            # a function changed since the sample was drawn and now has fewer mutants
            print(f"{len(wanted) - len(found)} of the named mutants no longer exist")
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for name, status in found.items():
        by_module[module_of(name)][status] += 1
    print(
        f"{'module':<26} {'mutants':>7} {'caught':>7} {'survived':>8} {'no tests':>8} {'score':>6}"
    )
    for module in sorted(by_module):
        counts = by_module[module]
        caught = sum(counts[s] for s in CAUGHT)
        total = sum(counts.values()) - counts["skipped"]
        print(
            f"{module:<26} {total:>7} {caught:>7} {counts['survived']:>8} "
            f"{counts['no tests']:>8} {caught / total if total else 0:>6.1%}"
        )
    overall = Counter(found.values())
    print()
    for status, count in sorted(overall.items()):
        print(f"{status:<22} {count:>6}")
    caught, considered = score(found)
    fraction = caught / considered if considered else 0.0
    print(f"mutation score: {caught}/{considered} = {fraction:.1%} (goal {GOAL:.0%})")
    if args.names is not None:
        low, high = wilson(caught, considered)
        print(f"95% interval for the whole tree: {low:.1%} to {high:.1%}")
    typed = overall["caught by type check"]
    if considered > typed:
        # the same score without the type check's share, for those who count only tests
        print(
            f"caught by the tests among the {considered - typed} the type check lets through: "
            f"{caught - typed} = {(caught - typed) / (considered - typed):.1%}"
        )
    if args.survivors is not None:
        kinds = write_survivors(found, args.survivors)
        print(f"wrote {args.survivors}: " + ", ".join(f"{k} {n}" for k, n in kinds.items()))


if __name__ == "__main__":
    main()
