"""``python -m proofs.X [SHEET]``: a question module's derivation, for a person to read.

Without SHEET the module prints the derivation of its reference theorems (its own
``main``). With a SHEET (a path, or ``-`` for standard input) it checks that sheet's claims of
its question, after its theorems, and prints each claim's statement, verdict, method,
evidence and witness. ``--help`` says so; a reader that closes the pipe early
(``| head``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from hw2check.errors import FORMAT_DOC, visible
from hw2check.ledger import Row, Verdict

EXIT_OK, EXIT_REFUTED, EXIT_INPUT = 0, 1, 2


def _parser(name: str, doc: str) -> argparse.ArgumentParser:
    summary = (doc or name).strip().splitlines()[0]
    parser = argparse.ArgumentParser(
        prog=f"python -m {name}",
        description=f"{summary} Without SHEET: the derivation of this question's reference "
        "theorems. With SHEET: that sheet's claims of this question, each with its verdict "
        "and evidence.",
    )
    parser.add_argument(
        "sheet", nargs="?", metavar="SHEET", help=f"an answer sheet ({FORMAT_DOC}), or -"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="time limit of each single check (default 20)",
    )
    return parser


def row_text(row: Row) -> str:
    """One decided row as a few lines of text."""
    lines = [
        f"{row.id} ({row.question}): {row.verdict}",
        f"  claim: {row.statement}",
        f"  method: {row.method}",
        f"  evidence: {row.evidence}",
    ]
    if row.witness:
        lines.append("  witness: " + ", ".join(f"{k} = {v}" for k, v in row.witness.items()))
    return "\n".join(lines)


def _sheet_rows(name: str, path: str, timeout: float) -> tuple[list[Row], list[Row], int]:
    """The module's theorem rows, the sheet's claim rows of its question, and the status."""
    from hw2check.intake import read_sheets
    from hw2check.runner import run_checks
    from hw2check.topics import Settings

    intake = read_sheets([path], keep_going=False, errors=sys.stderr)
    if intake.failed or not intake.sheets:
        return [], [], EXIT_INPUT
    (sheet,) = intake.sheets
    module = importlib.import_module(name)
    settings = Settings(timeout=timeout)
    theorem_rows = run_checks(module.theorem_checks(settings), jobs=1, timeout=timeout)
    theorems = {row.id: row for row in theorem_rows}
    claims = module.claim_checks(sheet, settings, theorems)
    rows = run_checks(claims, jobs=1, timeout=timeout)
    refuted = any(row.verdict is Verdict.REFUTED for row in rows)
    return theorem_rows, rows, EXIT_REFUTED if refuted else EXIT_OK


def module_main(
    name: str, doc: str, derive: Callable[[], None], argv: Sequence[str] | None = None
) -> int:
    """The command of the question module ``name`` (its docstring ``doc``); ``derive``
    prints its theorems' derivation."""
    from hw2check.output import quietly_on_closed_pipe

    args = _parser(name, doc).parse_args(argv)
    if args.sheet is None:

        def derivation() -> int:
            derive()
            return EXIT_OK

        return quietly_on_closed_pipe(derivation)

    def sheet() -> int:
        theorems, claims, status = _sheet_rows(name, args.sheet, args.timeout)
        if status == EXIT_INPUT:
            return status
        for row in theorems:
            print(row_text(row), end="\n\n")
        print(f"Claims of {visible(args.sheet)} on this question:")
        if not claims:
            print("  none: the sheet makes no claim of this question")
        for row in claims:
            print(row_text(row), end="\n\n")
        return status

    return quietly_on_closed_pipe(sheet)
