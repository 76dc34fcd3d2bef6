"""Where the report goes and how wide it is: the terminal's width, ``--quiet``, the summary
line of ``--output``, and a reader that closes the pipe early (``hw2check | head``)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Sequence

from hw2check.errors import visible
from hw2check.ledger import Ledger
from hw2check.report import WIDTH, summary_line

# A table narrower than this cannot show a row; wider than this is no terminal.
MIN_WIDTH, MAX_WIDTH = 40, 1000


def table_width(environ: dict[str, str] | None = None, *, isatty: bool | None = None) -> int:
    """``COLUMNS`` when set, else the terminal's width, else 80 (not a terminal)."""
    environ = dict(os.environ) if environ is None else environ
    text = environ.get("COLUMNS", "").strip()
    if text.isdigit():
        return min(max(int(text), MIN_WIDTH), MAX_WIDTH)
    if isatty is None:
        isatty = sys.stdout.isatty()
    if not isatty:
        return WIDTH
    return min(max(shutil.get_terminal_size((WIDTH, 24)).columns, MIN_WIDTH), MAX_WIDTH)


def totals(ledgers: Sequence[Ledger]) -> str:
    """One line for a batch: how many sheets, the verdicts of all their claims, and those of
    the theorem rows (established once per run, the same in every ledger)."""
    from hw2check.grading import is_theorem, verdict_counts

    claims = [row for ledger in ledgers for row in ledger.claims if not is_theorem(row)]
    theorems = [row for row in ledgers[0].claims if is_theorem(row)] if ledgers else []
    sheets = "1 sheet" if len(ledgers) == 1 else f"{len(ledgers)} sheets"
    text = f"{sheets}: claims: {verdict_counts(claims) or 'none made'}"
    return f"{text} · theorems: {verdict_counts(theorems)}" if theorems else text


def quiet(ledgers: Sequence[Ledger]) -> str:
    """``--quiet``: each sheet's summary line only."""
    return "".join(f"{visible(ledger.path)}: {summary_line(ledger)}\n" for ledger in ledgers)


def wrote(path: str, ledgers: Sequence[Ledger]) -> str:
    """The line on standard error after a report is written to ``--output``."""
    return f"hw2check: wrote {visible(path)} ({totals(ledgers)})"


def quietly_on_closed_pipe(main: Callable[[], int]) -> int:
    """Run ``main``; when the reader of standard output has gone, end without a traceback
    (status 1: the output is incomplete)."""
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes standard output again at exit; point it at nothing first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return status
