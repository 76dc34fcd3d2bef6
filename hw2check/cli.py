"""The command line (docs/ledger-format.md): ``hw2check [check] [SHEET ...] [options]``,
``hw2check init [PATH]`` and the other subcommands of ``hw2check/commands.py``.

Exit status: 0 every sheet checked and nothing refuted; 1 something refuted; 2 an input or
usage error (bad sheets are reported on stderr, the good ones are still checked).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from hw2check import __version__
from hw2check.commands import SUBCOMMANDS_HELP, subcommand
from hw2check.errors import FORMAT_DOC, LEDGER_DOC, excerpt
from hw2check.guard import (
    MAX_TIMEOUT,
    PATH_EXCERPT,
    Interrupted,
    output_problem,
    overwritten_sheet,
    quiet_signals,
    scratch_folder,
)
from hw2check.ledger import QUESTIONS, Ledger, Row, selected

if TYPE_CHECKING:
    pass

REPORTS = ("table", "json", "markdown", "html")
FORMATS = (*REPORTS, "gradescope", "csv", "junit")
EXIT_OK, EXIT_REFUTED, EXIT_INPUT = 0, 1, 2
# Every worker holds up to 2 GB; more workers than this would only share the same cores.
MAX_JOBS = 64
MAX_WHOLE = 10**18  # --examples and --seed: far past any budget, inside every 64-bit field
QUESTION_ORDER = {question: position for position, question in enumerate(QUESTIONS)}


def _whole(text: str, minimum: int, maximum: int = MAX_WHOLE) -> int:
    try:
        value = int(text) if len(text) <= 100 else None
    except ValueError:
        value = None
    if value is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"'{text}' must be at least {minimum}")
    if value > maximum:
        raise argparse.ArgumentTypeError(f"'{text}' must be at most {maximum}")
    return value


def _positive_int(text: str) -> int:
    return _whole(text, 1)


def _jobs(text: str) -> int:
    return _whole(text, 1, MAX_JOBS)


def _seed(text: str) -> int:
    return _whole(text, 0)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"'{text}' must be a positive number of seconds")
    if value > MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"'{text}' is more than {MAX_TIMEOUT:g} seconds (one day), the largest time limit"
        )
    return value


def _questions(text: str) -> list[str]:
    prefixes = [part.strip() for part in text.split(",") if part.strip()]
    if not prefixes:
        raise argparse.ArgumentTypeError("give at least one question, e.g. --only 3.2,4")
    for prefix in prefixes:
        if not any(question.startswith(prefix) for question in QUESTIONS):
            raise argparse.ArgumentTypeError(
                f"'{prefix}' matches no question; questions are {' '.join(QUESTIONS)}"
            )
    return prefixes


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """A usage error in one line (argparse would print the whole usage first), every
        long word of it (an echoed argument) clipped."""
        message = _LONG_WORD.sub(lambda word: excerpt(word.group(0)), message)
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


_LONG_WORD = re.compile(r"\S{61,}")


def _shown_path(path: str | Path) -> str:
    """A path as a message shows it: escaped, and clipped when it is long."""
    return excerpt(str(path), PATH_EXCERPT)


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="hw2check",
        description=textwrap.fill(
            "Check the mathematical claims of HW2 answer sheets: every claim gets a "
            "verdict (proved, checked, refuted, undecided) with evidence.",
            78,
        ),
        epilog=SUBCOMMANDS_HELP
        + "\n\n"
        + textwrap.fill(
            "Without SHEET the built-in seed sheet is checked. A SHEET may be a directory "
            "(every *.toml file with a [sheet] table under it) or - (standard input); a "
            "sheet named like a subcommand is written ./init. Exit status: 0 nothing "
            "refuted, 1 a claim refuted, 2 input or usage error. The sheet format is "
            f"{FORMAT_DOC}, the output and exit statuses {LEDGER_DOC}.",
            78,
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("sheets", nargs="*", metavar="SHEET", help=f"answer sheets (TOML, {FORMAT_DOC})")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument(
        "--keep-going",
        action="store_true",
        help="check the valid claims of a sheet that has errors (the errors are still "
        "reported, and the exit status is 2)",
    )
    p.add_argument("--format", choices=FORMATS, default="table", help="output format")
    p.add_argument(
        "--only", type=_questions, metavar="Q[,Q...]", help="only these questions (prefixes)"
    )
    p.add_argument(
        "--examples",
        type=_positive_int,
        default=100,
        metavar="N",
        help="property-search budget per property (default 100)",
    )
    p.add_argument("--seed", type=_seed, default=0, metavar="N", help="random seed (default 0)")
    p.add_argument(
        "--jobs",
        type=_jobs,
        default=min(os.cpu_count() or 1, MAX_JOBS),
        metavar="N",
        help="parallel worker processes (default: the number of cores)",
    )
    p.add_argument(
        "--timeout",
        type=_seconds,
        default=20.0,
        metavar="SECONDS",
        help="time limit of each single check (default 20)",
    )
    p.add_argument("--output", type=Path, metavar="PATH", help="write the report here")
    p.add_argument("--quiet", action="store_true", help="print only each sheet's summary line")
    p.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="prove the theorem rows again, not from the proof cache",
    )
    p.add_argument(
        "--rubric", type=Path, metavar="PATH", help="grade with this rubric (docs/grading.md)"
    )
    return p


def _sort(rows: Sequence[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: QUESTION_ORDER[row.question])


def main(argv: Sequence[str] | None = None) -> int:
    try:
        with quiet_signals():
            return _main(argv)
    except Interrupted as stop:
        # The with blocks have unwound: workers stopped, the scratch folder removed.
        print(f"hw2check: stopped by {stop}", file=sys.stderr)
        return stop.status


def _main(argv: Sequence[str] | None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = subcommand(arguments)
    if command is not None:
        return command(arguments[1:])
    if arguments[:1] == ["check"]:
        arguments = arguments[1:]
    args = parser().parse_args(arguments)
    if args.format == "gradescope" and (problem := _not_one_sheet(args.sheets)) is not None:
        print(f"hw2check: error: {problem} (see hw2check --help)", file=sys.stderr)
        return EXIT_INPUT
    if args.output is not None and (problem := output_problem(args.output)) is not None:
        print(f"hw2check: {_shown_path(args.output)}: cannot write ({problem})", file=sys.stderr)
        return EXIT_INPUT
    if args.output is not None and (sheet := overwritten_sheet(args.output, args.sheets)):
        print(
            f"hw2check: {_shown_path(args.output)}: refusing to write the report over the "
            f"sheet {_shown_path(sheet)} (give another --output path)",
            file=sys.stderr,
        )
        return EXIT_INPUT
    # Hypothesis keeps caches in ./.hypothesis even with its example database off; the
    # command must write nothing into the user's folder, so they go to a scratch folder
    # that is removed when the run ends.
    with scratch_folder() as scratch:
        from hypothesis.configuration import set_hypothesis_home_dir

        set_hypothesis_home_dir(scratch)
        return _check(args)


def _not_one_sheet(paths: Sequence[str]) -> str | None:
    """Why these SHEET arguments are not the one sheet that --format gradescope grades."""
    if len(paths) > 1:
        return f"--format gradescope grades exactly one SHEET, not {len(paths)}"
    if paths and Path(paths[0]).is_dir():
        # A directory may hold any number of sheets; the results.json is of one student.
        shown = _shown_path(paths[0])
        return f"--format gradescope grades exactly one SHEET, not a directory ({shown})"
    return None


def _check(args: argparse.Namespace) -> int:
    # Everything heavy (SymPy, z3, hypothesis) is imported only past argument parsing.
    from hw2check.cache import TheoremRows
    from hw2check.grading import reported_rubric
    from hw2check.intake import named_sheets
    from hw2check.runner import Pool
    from hw2check.topics import Settings, topics

    if (rubric := reported_rubric(args.rubric)) is None:
        return EXIT_INPUT
    intake = named_sheets(args.sheets, keep_going=args.keep_going, errors=sys.stderr)
    entries, sheets = intake.entries, intake.sheets
    status = EXIT_INPUT if intake.failed else EXIT_OK

    settings = Settings(examples=args.examples, seed=args.seed, timeout=args.timeout)
    modules = topics()
    theorem_checks = [
        check
        for module in modules
        for check in module.theorem_checks(settings)
        if sheets and selected(check.question, args.only)
    ]
    with Pool(jobs=args.jobs, timeout=args.timeout) as pool:
        # Theorems are queued first; claims are queued as they are built, so they run while
        # the slower theorems finish.  A builder that reads a theorem row waits for it alone.
        # Theorem rows come from the proof cache when it has them (hw2check/cache.py).
        theorems = TheoremRows(theorem_checks, settings, pool.later, read=args.cache)
        claims: list[list[int]] = [[] for _ in sheets]
        for module in reversed(modules):
            for number, sheet in enumerate(sheets):
                for check in module.claim_checks(sheet, settings, theorems):
                    if selected(check.question, args.only):
                        claims[number].append(pool.submit(check))
        theorem_rows = [theorems[check.id] for check in theorem_checks]
        ledgers = [
            Ledger(
                sheet.path,
                sheet.title,
                tuple(_sort([*(pool.result(t) for t in tickets), *theorem_rows])),
            )
            for sheet, tickets in zip(sheets, claims, strict=True)
        ]

    from hw2check.formats import render_results, results
    from hw2check.output import quiet, table_width, wrote

    graded = results(entries, ledgers, rubric, args.only)
    scored = args.rubric is not None
    text = (
        quiet(ledgers)
        if args.quiet
        else render_results(graded, args.format, scored=scored, width=table_width())
    )
    if args.output is not None and not sheets and args.format in REPORTS:
        # Nothing was checked: bad input leaves no file behind.  A grading format is still
        # written, since it records the grade of a bad sheet (an autograder needs it).
        return status
    if args.output is not None:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as error:
            print(
                f"hw2check: {_shown_path(args.output)}: cannot write ({error.strerror})",
                file=sys.stderr,
            )
            return EXIT_INPUT
        print(wrote(str(args.output), ledgers), file=sys.stderr)
    else:
        sys.stdout.write(text)
    if status == EXIT_OK and any(ledger.refuted for ledger in ledgers):
        status = EXIT_REFUTED
    return status


def run() -> None:
    """Console-script entry point."""
    from hw2check.output import quietly_on_closed_pipe

    sys.exit(quietly_on_closed_pipe(main))
