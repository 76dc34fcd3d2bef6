"""Guards of the command against hostile or careless use, outside the mathematics.

- ``overwritten_sheet``: an ``--output`` that is one of the sheets being read (the same file
  under another path, through a symbolic link or a hard link) would destroy the sheet;
  the command refuses it before anything runs.
- ``MAX_TIMEOUT``: the largest ``--timeout``; larger values overflow the poll loop's and
  z3's millisecond limits.
- ``quiet_signals``: SIGINT and SIGTERM end the command through ``Interrupted``, so every
  ``with`` block unwinds (workers are stopped, the scratch folder is removed) and the
  command prints one line instead of a traceback.
- ``open_regular``: a sheet is read only from a regular file; a FIFO would block ``open``
  forever and a device can be endless.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import BinaryIO

from hw2check.errors import excerpt

PATH_EXCERPT = 200  # characters of a path a message shows

# One day per single check: far beyond any real check, and far inside every limit that
# counts milliseconds in 31 bits (2**31 ms is about 24.8 days).
MAX_TIMEOUT = 86_400.0

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def _resolved(path: str | os.PathLike[str]) -> Path | None:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError, ValueError):
        return None


def overwritten_sheet(output: Path, sheets: Sequence[str]) -> str | None:
    """The first of ``sheets`` that writing ``output`` would overwrite, or None.

    The same file is found by device and inode (a hard link, a symbolic link, another
    spelling of the path) and, for a path that does not exist yet, by its resolved path.
    """
    target, resolved = _identity(output), _resolved(output)
    for sheet in sheets:
        identity = _identity(sheet)
        if target is not None and identity == target:
            return sheet
        if resolved is not None and _resolved(sheet) == resolved:
            return sheet
    return None


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: the command unwinds and exits with 128 + the number.

    A ``BaseException``, like ``KeyboardInterrupt``, so that no ``except Exception`` on the
    way turns it into a verdict.
    """

    def __init__(self, number: int) -> None:
        self.number = number
        super().__init__(signal.Signals(number).name)

    @property
    def status(self) -> int:
        return 128 + self.number


def _interrupt(number: int, frame: FrameType | None) -> None:
    # A second signal must not break the unwinding the first one started.
    for each in SIGNALS:
        signal.signal(each, signal.SIG_IGN)
    raise Interrupted(number)


@contextmanager
def quiet_signals() -> Iterator[None]:
    """Within the block SIGINT and SIGTERM raise ``Interrupted``; the old handlers after."""
    previous = {number: signal.getsignal(number) for number in SIGNALS}
    for number in SIGNALS:
        signal.signal(number, _interrupt)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block ends: a worker is started within it, so it
    cannot receive one before ``worker_signals`` has set its own handling."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def worker_signals() -> None:
    """In a worker: SIGINT (a Ctrl-C reaches the whole process group) is the command's to
    handle, and SIGTERM ends the worker at once, without a traceback. Then the signals
    held while the worker started are let through."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "an unknown kind of file"


class NotRegular(OSError):
    """The path names something other than a regular file (``kind`` says what)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(kind)


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a regular file for reading without ever blocking; raise ``NotRegular`` for a
    FIFO, a device or a socket, ``IsADirectoryError`` for a folder, ``OSError`` otherwise."""
    if "\0" in os.fspath(path):
        raise OSError(errno.EINVAL, "a NUL character in the path")
    # O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(mode):
            raise NotRegular(_kind(mode))
        os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "rb")


def output_problem(path: Path) -> str | None:
    """Why the report cannot be written at ``path``, found before any check runs."""
    try:
        return _output_obstacle(path)
    except (OSError, ValueError) as error:  # a name too long, a NUL byte in it
        return getattr(error, "strerror", None) or "not a usable path"


def _output_obstacle(path: Path) -> str | None:
    if "\0" in str(path):
        return "a NUL character in the path"
    if path.is_dir():
        return "is a directory"
    folder = path.parent
    if not folder.is_dir():
        return f"no such directory {excerpt(repr(str(folder)), PATH_EXCERPT)}"
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return "not writable"
    return None
