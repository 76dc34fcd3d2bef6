"""Which sheets a command line names, and reading them: files, directories and ``-``.

- a file is a sheet;
- a directory stands for every ``*.toml`` file under it that has a ``[sheet]`` table, in
  sorted order (other TOML files, such as a ``pyproject.toml``, are not sheets);
- ``-`` is a sheet read from standard input, shown as ``<stdin>``.

Every error of every sheet is printed, one per line; with ``keep_going`` a sheet with errors
still has its valid claims checked.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from hw2check.errors import InputError, SheetError, SheetErrors
from hw2check.sheet import (
    MAX_SHEET_BYTES,
    SEED_PATH,
    Sheet,
    load_seed,
    read_sheet,
    sheet_bytes,
    sheet_text,
)

STDIN = "-"
STDIN_NAME = "<stdin>"
# A [sheet] header on a line of its own (blanks and a comment allowed around it).
# A line that starts the [sheet] table in any of TOML's spellings ([sheet], [ "sheet" ],
# sheet.title = ..., sheet = { ... }), with any line ending; an unclosed [sheet too, so that
# a sheet with that slip is reported rather than skipped.
_SHEET_HEADER = re.compile(
    rb"""^[ \t]*(?:\[[ \t]*(?:sheet|"sheet"|'sheet')[ \t]*(?:\]|\r?$)"""
    rb"""|(?:sheet|"sheet"|'sheet')[ \t]*[.=])""",
    re.MULTILINE,
)


def expand(paths: Sequence[str]) -> list[str | InputError]:
    """The sheet paths that ``paths`` name, directories replaced by the sheets under them
    (a directory without one is an error)."""
    found: list[str | InputError] = []
    for path in paths:
        folder = Path(path)
        if path != STDIN and folder.is_dir():
            sheets = [str(file) for file in sorted(folder.rglob("*.toml")) if _is_sheet(file)]
            found.extend(sheets)
            if not sheets:
                found.append(
                    SheetError(
                        "a directory with no answer sheet under it",
                        "a sheet file, or a directory holding *.toml files with a [sheet] table",
                    ).located(file=path)
                )
        else:
            found.append(path)
    return found


def _is_sheet(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            head = file.read(MAX_SHEET_BYTES + 1)
    except OSError:
        return True  # not readable: reported as a sheet that cannot be read
    return path.is_file() and _SHEET_HEADER.search(head) is not None


@dataclass(frozen=True)
class Entry:
    """One sheet of a run: its path, the sheet to check (None when nothing of it can be
    checked) and its errors, each one line."""

    path: str
    sheet: Sheet | None
    errors: tuple[str, ...] = ()


@dataclass
class Intake:
    """Every sheet named, in order, and whether any sheet had an error."""

    entries: list[Entry] = field(default_factory=list)
    failed: bool = False

    @property
    def sheets(self) -> list[Sheet]:
        """The sheets to check."""
        return [entry.sheet for entry in self.entries if entry.sheet is not None]


def read_sheets(paths: Sequence[str], *, keep_going: bool, errors: TextIO) -> Intake:
    """Read every sheet of ``paths``; print each error on ``errors``, one per line."""
    intake = Intake()
    for path in expand(paths):
        sheet, problems = _read(path) if isinstance(path, str) else (None, [path])
        for problem in problems:
            print(problem, file=errors)
        if problems:
            intake.failed = True
        if sheet is not None and problems and not keep_going:
            sheet = None
        shown = path if isinstance(path, str) else str(path.file or "")
        shown = STDIN_NAME if shown == STDIN else shown
        intake.entries.append(Entry(shown, sheet, tuple(str(problem) for problem in problems)))
    return intake


def named_sheets(paths: Sequence[str], *, keep_going: bool, errors: TextIO) -> Intake:
    """The sheets of the command line: those of ``paths``, or the seed sheet without any."""
    if not paths:
        return Intake([Entry(SEED_PATH, load_seed())])
    return read_sheets(paths, keep_going=keep_going, errors=errors)


def _read(path: str) -> tuple[Sheet | None, Sequence[InputError]]:
    try:
        if path == STDIN:
            shown = STDIN_NAME
            text = sheet_text(sys.stdin.buffer.read(MAX_SHEET_BYTES + 1), shown)
        else:
            shown = path
            text = sheet_text(sheet_bytes(path), shown)
    except SheetErrors as error:
        return None, error.errors
    except InputError as error:
        return None, [error]
    sheet, problems = read_sheet(text, shown)
    return sheet, problems
