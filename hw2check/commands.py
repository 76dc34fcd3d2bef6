"""The subcommands of ``hw2check``, by name.

``hw2check SHEET`` and ``hw2check check SHEET`` are the same command (the checker, in
``cli.py``).  Other first words name a subcommand here; a sheet file that happens to be
called like one is written with a path, ``./init``.  ``rubric`` and ``autograder`` are
reserved for the grading commands: a module that implements one registers it in
``SUBCOMMANDS``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from hw2check.errors import FORMAT_DOC, visible

Command = Callable[[Sequence[str]], int]

EXIT_INPUT = 2
DEFAULT_SHEET = "sheet.toml"

SUBCOMMANDS_HELP = """subcommands:
  check SHEET ...   check sheets (the default: hw2check SHEET ... is the same)
  init [PATH]       write an annotated blank sheet to PATH (default sheet.toml),
                    never overwriting a file
  rubric            print the default rubric, a starting point to edit
                    (docs/grading.md; grade with --rubric PATH)
  autograder        write a Gradescope autograder zip
                    (hw2check autograder --rubric R --output autograder.zip)"""


def _init(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="hw2check init",
        description="Write an annotated blank answer sheet: every table and key, commented, "
        f"with its symbols and an example. The format is {FORMAT_DOC}.",
    )
    parser.add_argument(
        "path", nargs="?", default=DEFAULT_SHEET, metavar="PATH",
        help=f"where to write it (default {DEFAULT_SHEET}); - for standard output",
    )  # fmt: skip
    args = parser.parse_args(argv)
    from hw2check.format import blank_sheet

    text = blank_sheet()
    if args.path == "-":
        sys.stdout.write(text)
        return 0
    try:
        # "x": create the file, and fail if it exists, so nothing of the user's is replaced.
        with Path(args.path).open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        print(
            f"hw2check: {visible(args.path)}: already exists; hw2check init never overwrites "
            "a file (give another PATH)",
            file=sys.stderr,
        )
        return EXIT_INPUT
    except OSError as error:
        print(f"hw2check: {visible(args.path)}: cannot write ({error.strerror})", file=sys.stderr)
        return EXIT_INPUT
    print(f"hw2check: wrote a blank sheet to {visible(args.path)}", file=sys.stderr)
    return 0


def _grading(name: str) -> Command:
    def command(argv: Sequence[str]) -> int:
        from hw2check.autograder import subcommand

        return subcommand([name, *argv])

    return command


SUBCOMMANDS: dict[str, Command] = {
    "init": _init,
    "rubric": _grading("rubric"),
    "autograder": _grading("autograder"),
}


def subcommand(argv: Sequence[str]) -> Command | None:
    """The subcommand that ``argv`` starts with, if any (``check`` is the checker itself)."""
    return SUBCOMMANDS.get(argv[0]) if argv else None
