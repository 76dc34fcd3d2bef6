"""Running checks: in worker processes, across cores, each under a time limit.

Every check runs in a worker process, so a check that exceeds ``timeout`` can be stopped
(its worker is killed and replaced) and becomes ``undecided`` while the others finish.  A
check that raises, or whose worker dies, is ``undecided`` with the reason; nothing a check
does can crash the command.  Rows come back in the order of the checks, whatever ``jobs``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import resource
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from hw2check.ledger import Check, Outcome, Row, undecided

# A check that tries to allocate without bound is stopped by the kernel instead of the machine.
WORKER_MEMORY_BYTES = 6 * 2**30


def decide(check: Check) -> tuple[Outcome, float]:
    """Run one check here, turning any exception into an undecided outcome."""
    start = time.perf_counter()
    try:
        outcome = check.decide(*check.args)
    except Exception as error:  # a defect in a check must not take the run down
        last = traceback.extract_tb(error.__traceback__)[-1]
        outcome = undecided(
            "none",
            f"internal error {type(error).__name__}: {error} "
            f"({last.filename.rsplit('/', 1)[-1]}:{last.lineno})",
        )
    return outcome, time.perf_counter() - start


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


def _serve(connection: Connection) -> None:
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
    process = _context().Process(target=_serve, args=(child,), daemon=True)
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
    """Decide ``checks`` in a pool of its own (see ``Pool.run``)."""
    with Pool(jobs=jobs, timeout=timeout) as pool:
        return pool.run(checks)


class Pool:
    """Up to ``jobs`` worker processes, kept across batches so their imports stay warm."""

    def __init__(self, *, jobs: int, timeout: float) -> None:
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.workers: list[_Worker] = []

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.connection.send(None)
            worker.process.join(timeout=1)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.connection.close()
        self.workers = []

    def run(self, checks: Sequence[Check]) -> list[Row]:
        """Decide every check once per distinct work; rows come back in the order of ``checks``.

        A class of sheets repeats many answers: identical checks are decided once and every
        row that asks for the same work gets that outcome under its own id and statement.
        """
        first: dict[object, int] = {}
        unique: list[Check] = []
        position = []
        for check in checks:
            key = _same_work(check)
            if key not in first:
                first[key] = len(unique)
                unique.append(check)
            position.append(first[key])
        decided = self._run_unique(unique)
        return [
            replace(decided[index], id=check.id, question=check.question, statement=check.statement)
            for check, index in zip(checks, position, strict=True)
        ]

    def _replace(self, position: int) -> None:
        _stop(self.workers[position])
        self.workers[position] = _start_worker()

    def _run_unique(self, checks: Sequence[Check]) -> list[Row]:
        timeout = self.timeout
        results: list[Row | None] = [None] * len(checks)
        pending = list(range(len(checks)))
        pending.reverse()
        while len(self.workers) < min(self.jobs, len(checks)):
            self.workers.append(_start_worker())
        workers = self.workers
        while pending or any(worker.index is not None for worker in workers):
            for worker in workers:
                if worker.index is None and pending:
                    worker.index = pending.pop()
                    worker.started = time.perf_counter()
                    try:
                        worker.connection.send((worker.index, checks[worker.index]))
                    except Exception as error:  # a check that cannot be pickled
                        results[worker.index] = Row.of(
                            checks[worker.index],
                            undecided("none", f"internal error: check not sendable ({error})"),
                            0.0,
                        )
                        worker.index = None
            busy = [worker for worker in workers if worker.index is not None]
            if not busy:
                continue
            nearest = min(worker.started + timeout for worker in busy)
            ready = wait(
                [worker.connection for worker in busy], max(0.0, nearest - time.perf_counter())
            )
            for position, worker in enumerate(workers):
                if worker.index is None:
                    continue
                check = checks[worker.index]
                if worker.connection in ready:
                    try:
                        index, outcome, seconds = worker.connection.recv()
                    except (EOFError, OSError):
                        results[worker.index] = Row.of(
                            check,
                            undecided("none", "the worker process died (out of memory?)"),
                            time.perf_counter() - worker.started,
                        )
                        self._replace(position)
                        continue
                    results[index] = Row.of(check, outcome, seconds)
                    worker.index = None
                elif time.perf_counter() - worker.started >= timeout:
                    results[worker.index] = Row.of(
                        check,
                        undecided("time limit", f"time limit of {timeout:g} s reached"),
                        timeout,
                    )
                    self._replace(position)
        return [row for row in results if row is not None]
