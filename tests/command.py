"""The command run in the test's own process, answering as a child process would.

``command(*args)`` (the ``command`` fixture of ``tests/conftest.py``) calls ``cli.main`` and
returns a ``subprocess.CompletedProcess`` with the exit status and what was printed, so a test
written against a child process keeps its assertions, runs faster, and mutation testing sees
the code it runs.  Keep child processes for what only a real process shows: start-up, imports,
signals, what a process leaves behind.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from hw2check import cli

Command = Callable[..., subprocess.CompletedProcess[str]]


def outcome(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    """``cli.main(args)`` in this process: its status and what it printed."""
    capsys.readouterr()  # what the test printed before is not the command's
    try:
        status = cli.main(args)
    except SystemExit as leaving:  # argparse leaves this way on a usage error or --help
        status = int(leaving.code or 0)
    finally:
        set_hypothesis_home_dir(None)  # main() pointed it at a scratch folder, now removed
    out, err = capsys.readouterr()
    return status, out, err


def in_process(capsys: pytest.CaptureFixture[str]) -> Command:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        status, out, err = outcome(capsys, list(args))
        return subprocess.CompletedProcess(["hw2check", *args], status, out, err)

    return run
