"""Running checks: in worker processes, across cores, each under a time limit.

Every check runs in a worker process, so a check that exceeds ``timeout`` can be stopped
(its worker is killed and replaced) and becomes ``undecided`` while the others finish.  A
check that raises, or whose worker dies, is ``undecided`` with the reason; nothing a check
does can crash the command.  Rows come back in the order of the checks, whatever ``jobs``.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import multiprocessing
import os
import pickle
import resource
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from hw2check.guard import signals_held, worker_signals
from hw2check.ledger import Check, Outcome, Row, undecided

PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends
# A check that tries to allocate without bound is stopped by the kernel instead of the machine:
# every worker stays under 2 GB of address space (a worker starts at about 300 MB).
WORKER_MEMORY_BYTES = 1800 * 2**20


def decide(check: Check) -> tuple[Outcome, float]:
    """Run one check here, turning any exception into an undecided outcome."""
    start = time.perf_counter()
    try:
        outcome = check.decide(*check.args)
    except Exception as error:  # a defect in a check must not take the run down
        reason = beyond_limits(error)
        outcome = _internal(error) if reason is None else undecided("none", reason)
    return outcome, time.perf_counter() - start


def beyond_limits(error: BaseException) -> str | None:
    """What a user should read when a check on valid input ran past a limit of the machine
    or of Python rather than into a defect; None for any other error."""
    if isinstance(error, MemoryError):
        return (
            f"the check needed more than the {WORKER_MEMORY_BYTES / 2**30:.2f} GiB of memory a "
            "check may use; the expressions are too large to decide this way"
        )
    if isinstance(error, RecursionError):
        return "the expressions are nested too deeply for this check to compute with"
    if isinstance(error, OverflowError):
        return "a number in this check is too large for floating-point arithmetic"
    if isinstance(error, ValueError) and "integer string conversion" in str(error):
        return (
            f"a number in this check has more than {sys.get_int_max_str_digits()} digits, "
            "too many to convert to or from text"
        )
    return None


def _internal(error: Exception) -> Outcome:
    last = traceback.extract_tb(error.__traceback__)[-1]
    return undecided(
        "none",
        f"internal error {type(error).__name__}: {error} "
        f"({last.filename.rsplit('/', 1)[-1]}:{last.lineno})",
    )


def _limit_memory() -> None:
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = (
            WORKER_MEMORY_BYTES
            if hard == resource.RLIM_INFINITY
            else min(hard, WORKER_MEMORY_BYTES)
        )
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # not permitted here: run without the limit
        pass


def _die_with(parent: int) -> None:
    """End this worker when the command that started it ends, even mid-check (Linux).

    Without this, a worker busy in a long check would outlive a command that was killed.
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the request above took effect
        os._exit(0)


def _serve(connection: Connection, parent: int) -> None:
    worker_signals()
    _die_with(parent)
    _limit_memory()
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, check = message
        outcome, seconds = decide(check)
        try:
            connection.send((index, outcome, seconds))
        except Exception as error:  # an outcome that cannot be pickled
            connection.send(
                (
                    index,
                    undecided("none", f"internal error: result not sendable ({error})"),
                    seconds,
                )
            )


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    index: int | None = None
    started: float = 0.0


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _start_worker() -> _Worker:
    parent, child = _context().Pipe()
    process = _context().Process(target=_serve, args=(child, os.getpid()), daemon=True)
    with signals_held():
        process.start()
    child.close()
    return _Worker(process, parent)


def _stop(worker: _Worker) -> None:
    worker.process.kill()
    worker.process.join()
    worker.connection.close()


def _same_work(check: Check) -> object:
    """A key equal for checks that would compute the same outcome (same function and args)."""
    try:
        return pickle.dumps((check.decide, check.args), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # not picklable: never shared
        return object()


def run_checks(checks: Sequence[Check], *, jobs: int, timeout: float) -> list[Row]:
    """Decide ``checks`` in a pool of its own; rows come back in the order of ``checks``."""
    with Pool(jobs=jobs, timeout=timeout) as pool:
        tickets = [pool.submit(check) for check in checks]
        return [pool.result(ticket) for ticket in tickets]


class Pool:
    """Up to ``jobs`` worker processes deciding submitted checks, first come first served.

    ``submit`` queues a check and returns a ticket; ``result`` drives the workers until that
    ticket's row is decided, dispatching and collecting everything else meanwhile.  So a
    caller can keep submitting work while earlier checks run, and wait for one row only when
    it needs it.  Identical work (same function and arguments) is decided once: a class of
    sheets repeats many answers; every ticket gets the outcome under its own id and statement.
    All of this runs in one thread: workers are forked from a process with no other threads.
    """

    def __init__(self, *, jobs: int, timeout: float) -> None:
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.workers: list[_Worker] = []
        self._work: list[Check] = []
        self._by_key: dict[object, int] = {}
        self._decided: dict[int, Row] = {}
        self._queue: deque[int] = deque()
        self._tickets: list[tuple[int, Check]] = []

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        # Unwinding from an error or a signal: the workers' results are not wanted.
        patience = 1.0 if kind is None else 0.0
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.connection.send(None)
            worker.process.join(timeout=patience)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.connection.close()
        self.workers = []

    def submit(self, check: Check) -> int:
        key = _same_work(check)
        index = self._by_key.get(key)
        if index is None:
            index = self._by_key[key] = len(self._work)
            self._work.append(check)
            self._queue.append(index)
        self._tickets.append((index, check))
        return len(self._tickets) - 1

    def later(self, check: Check) -> Callable[[], Row]:
        """Submit ``check``; calling what is returned waits for its row (and that row only)."""
        return functools.partial(self.result, self.submit(check))

    def done(self, ticket: int) -> bool:
        """Whether the ticket's row is decided (without waiting)."""
        return self._tickets[ticket][0] in self._decided

    def result(self, ticket: int) -> Row:
        index, check = self._tickets[ticket]
        if index in self._queue:  # wanted now: it goes first
            self._queue.remove(index)
            self._queue.appendleft(index)
        while index not in self._decided:
            self._step()
        row = self._decided[index]
        return replace(row, id=check.id, question=check.question, statement=check.statement)

    def _dispatch(self) -> None:
        while len(self.workers) < min(self.jobs, len(self._work)):
            self.workers.append(_start_worker())
        for worker in self.workers:
            while worker.index is None and self._queue:
                index = self._queue.popleft()
                worker.index = index
                worker.started = time.perf_counter()
                try:
                    worker.connection.send((index, self._work[index]))
                except Exception as error:  # a check that cannot be pickled
                    reason = f"internal error: check not sendable ({error})"
                    self._decided[index] = Row.of(self._work[index], undecided("none", reason), 0)
                    worker.index = None

    def _step(self) -> None:
        """Dispatch what is queued, then wait for one result or the nearest time limit."""
        self._dispatch()
        busy = [worker for worker in self.workers if worker.index is not None]
        if not busy:
            return
        nearest = min(worker.started + self.timeout for worker in busy)
        ready = wait(
            [worker.connection for worker in busy], max(0.0, nearest - time.perf_counter())
        )
        for position, worker in enumerate(self.workers):
            if worker.index is None:
                continue
            check = self._work[worker.index]
            if worker.connection in ready:
                try:
                    index, outcome, seconds = worker.connection.recv()
                except (EOFError, OSError):
                    self._decided[worker.index] = Row.of(
                        check,
                        undecided("none", "the worker process died (out of memory?)"),
                        time.perf_counter() - worker.started,
                    )
                    self._replace(position)
                    continue
                self._decided[index] = Row.of(check, outcome, seconds)
                worker.index = None
            elif time.perf_counter() - worker.started >= self.timeout:
                self._decided[worker.index] = Row.of(
                    check,
                    undecided("time limit", f"time limit of {self.timeout:g} s reached"),
                    self.timeout,
                )
                self._replace(position)

    def _replace(self, position: int) -> None:
        _stop(self.workers[position])
        self.workers[position] = _start_worker()
