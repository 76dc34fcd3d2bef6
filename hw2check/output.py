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
    """One line for a batch: how many sheets, and the rows of each verdict in all of them."""
    counts: dict[str, int] = {}
    for ledger in ledgers:
        for verdict, count in ledger.summary.items():
            counts[verdict] = counts.get(verdict, 0) + count
    sheets = "1 sheet" if len(ledgers) == 1 else f"{len(ledgers)} sheets"
    return f"{sheets}: " + "  ".join(f"{verdict} {count}" for verdict, count in counts.items())


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
