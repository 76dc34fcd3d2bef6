"""The runner: time limits, failures and parallelism never change what a row says."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import resource
import signal
import time
from multiprocessing.connection import Connection, wait
from pathlib import Path
from types import SimpleNamespace

import pytest

from hw2check import runner
from hw2check.ledger import Check, Outcome, Verdict, proved
from hw2check.runner import run_checks

ROOT = Path(__file__).resolve().parents[1]


def fast(value: int) -> Outcome:
    return proved("arithmetic", f"{value} + {value} = {2 * value}")


def slow() -> Outcome:
    time.sleep(60)
    return proved("patience", "never reached")


def broken() -> Outcome:
    raise ZeroDivisionError("a defect in a check")


def dies() -> Outcome:
    import os

    os._exit(3)


def checks() -> list[Check]:
    return [Check(f"c{n}", "3.1", f"check {n}", fast, (n,)) for n in range(7)]


def test_rows_come_back_in_order_whatever_the_jobs() -> None:
    one = run_checks(checks(), jobs=1, timeout=10)
    two = run_checks(checks(), jobs=2, timeout=10)
    assert [row.id for row in one] == [f"c{n}" for n in range(7)]
    strip = [(r.id, r.verdict, r.evidence) for r in one]
    assert strip == [(r.id, r.verdict, r.evidence) for r in two]
    assert all(row.verdict is Verdict.PROVED for row in one)


def test_a_check_over_its_time_limit_is_undecided_and_the_others_finish() -> None:
    batch = [Check("slow", "3.1", "s", slow), *checks()[:2]]
    start = time.perf_counter()
    rows = run_checks(batch, jobs=2, timeout=0.5)
    assert time.perf_counter() - start < 10
    assert rows[0].verdict is Verdict.UNDECIDED
    assert "time limit" in rows[0].evidence
    assert [row.verdict for row in rows[1:]] == [Verdict.PROVED, Verdict.PROVED]


def test_exceptions_and_dead_workers_become_undecided_rows() -> None:
    batch = [Check("broken", "3.1", "b", broken), Check("dies", "3.1", "d", dies), *checks()[:1]]
    start = time.perf_counter()
    rows = run_checks(batch, jobs=1, timeout=10)
    took = time.perf_counter() - start
    assert rows[0].verdict is Verdict.UNDECIDED and "ZeroDivisionError" in rows[0].evidence
    assert rows[1].verdict is Verdict.UNDECIDED and "died" in rows[1].evidence
    assert 0 <= rows[1].seconds <= took  # the time the dead worker had spent on it
    assert rows[2].verdict is Verdict.PROVED


def test_no_checks_no_workers() -> None:
    assert run_checks([], jobs=4, timeout=1) == []


def test_identical_work_is_decided_once_but_reported_under_every_id() -> None:
    batch = [Check("a", "3.1", "first", fast, (4,)), Check("b", "3.2", "second", fast, (4,))]
    rows = run_checks([*batch, Check("c", "3.3", "third", fast, (5,))], jobs=2, timeout=10)
    assert [(row.id, row.question, row.statement) for row in rows] == [
        ("a", "3.1", "first"),
        ("b", "3.2", "second"),
        ("c", "3.3", "third"),
    ]
    assert rows[0].evidence == rows[1].evidence != rows[2].evidence


def nap(seconds: float) -> Outcome:
    time.sleep(seconds)
    return proved("sleep", f"slept {seconds}")


def test_a_row_that_is_waited_for_jumps_the_queue() -> None:
    from hw2check.runner import Pool

    with Pool(jobs=1, timeout=10) as pool:
        first = pool.submit(Check("first", "3.1", "a", nap, (0.2,)))
        second = pool.submit(Check("second", "3.1", "b", nap, (0.4,)))
        wanted = pool.later(Check("wanted", "3.1", "c", fast, (1,)))
        assert wanted().evidence == "1 + 1 = 2" and wanted().id == "wanted"
        # the one worker was busy with the first check; the wanted one went before the second
        assert not pool.done(second)
        assert pool.result(first).id == "first" and pool.result(second).id == "second"


@pytest.mark.subprocess
def test_workers_end_with_the_command() -> None:
    import os
    import signal
    import subprocess
    import sys

    # The command is killed while a check runs; its worker must not outlive it.
    code = (
        "import time\n"
        "from hw2check.ledger import Check\n"
        "from hw2check.runner import Pool\n"
        "from tests.test_runner import slow\n"
        "with Pool(jobs=1, timeout=60) as pool:\n"
        "    pool.submit(Check('slow', '3.1', 's', slow))\n"
        "    pool._dispatch()\n"
        "    print(pool.workers[0].process.pid, flush=True)\n"
        "    time.sleep(60)\n"
    )
    command = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert command.stdout is not None
    worker = int(command.stdout.readline())
    command.send_signal(signal.SIGKILL)
    command.wait()
    deadline = time.perf_counter() + 5
    while time.perf_counter() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(worker, signal.SIGKILL)
    raise AssertionError("the worker outlived the command")


# --- the worker side, run in this process so that what it does can be compared exactly ---


def unsendable() -> Outcome:
    return Outcome(Verdict.PROVED, lambda: "no pickle", "fine")  # type: ignore[arg-type]


def test_a_defect_in_a_check_is_an_undecided_row_naming_it() -> None:
    outcome, seconds = runner.decide(Check("b", "3.1", "broken", broken))
    assert outcome.verdict is Verdict.UNDECIDED and outcome.method == "none"
    line = broken.__code__.co_firstlineno + 1
    assert outcome.evidence == (
        f"internal error ZeroDivisionError: a defect in a check (test_runner.py:{line})"
    )
    assert 0 <= seconds < 5
    assert runner.decide(Check("f", "3.1", "fast", fast, (2,)))[0] == fast(2)


def test_a_worker_answers_each_check_and_stops_when_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner, "_die_with", lambda parent: None)
    monkeypatch.setattr(runner, "_limit_memory", lambda: None)
    monkeypatch.setattr(runner, "worker_signals", lambda: None)  # keep pytest's Ctrl-C
    here, there = multiprocessing.Pipe()
    here.send((4, Check("f", "3.1", "fast", fast, (3,))))
    here.send((7, Check("u", "3.1", "unsendable", unsendable)))
    here.send(None)
    here.send((9, Check("late", "3.1", "never run", fast, (1,))))
    runner._serve(there, os.getppid())
    assert here.recv()[:2] == (4, fast(3))
    index, outcome, _ = here.recv()
    assert index == 7 and outcome.verdict is Verdict.UNDECIDED and outcome.method == "none"
    assert outcome.evidence.startswith("internal error: result not sendable (")
    assert not here.poll(0.1)


def test_a_worker_stops_when_its_pipe_closes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "_die_with", lambda parent: None)
    monkeypatch.setattr(runner, "_limit_memory", lambda: None)
    monkeypatch.setattr(runner, "worker_signals", lambda: None)  # keep pytest's Ctrl-C
    here, there = multiprocessing.Pipe()
    here.close()
    runner._serve(there, os.getppid())  # returns instead of raising EOFError


def test_workers_limit_their_memory() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        runner._limit_memory()
        limited, same_hard = resource.getrlimit(resource.RLIMIT_AS)
        assert same_hard == hard
        wanted = runner.WORKER_MEMORY_BYTES
        assert limited == (wanted if hard == resource.RLIM_INFINITY else min(hard, wanted))
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    assert runner.WORKER_MEMORY_BYTES == 1800 * 2**20 < 2 * 10**9  # under 2 GB


def test_a_worker_asks_to_die_with_its_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    asked = ctypes.c_int(-1)
    # Here too (its parent is alive, so it returns), then the request is withdrawn.
    runner._die_with(os.getppid())
    libc.prctl(2, ctypes.byref(asked))  # PR_GET_PDEATHSIG
    libc.prctl(runner.PR_SET_PDEATHSIG, 0)
    assert asked.value == signal.SIGKILL
    asked = ctypes.c_int(-1)
    pid = os.fork()
    if pid == 0:  # the child reports the signal it asked for in its exit status
        runner._die_with(os.getppid())
        libc.prctl(2, ctypes.byref(asked))  # PR_GET_PDEATHSIG
        os._exit(asked.value)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == signal.SIGKILL


def test_a_worker_whose_parent_is_gone_ends_at_once() -> None:
    pid = os.fork()
    if pid == 0:
        runner._die_with(-1)  # not its parent: as if the parent had already ended
        os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_check_that_cannot_be_sent_is_an_undecided_row() -> None:
    local = Check("l", "3.1", "unpicklable argument", fast, (lambda: 1,))
    with runner.Pool(jobs=1, timeout=30) as pool:
        first = pool.submit(local)
        second = pool.submit(Check("f", "3.1", "fine", fast, (4,)))
        assert not pool.done(first)
        row = pool.result(first)
        assert pool.done(first)
        assert row.verdict is Verdict.UNDECIDED and row.method == "none"
        assert row.evidence.startswith("internal error: check not sendable (")
        assert row.seconds == 0  # it never ran
        assert pool.result(second).evidence == "4 + 4 = 8"


def test_a_row_for_later_is_decided_when_asked_for() -> None:
    with runner.Pool(jobs=1, timeout=30) as pool:
        rows = [pool.later(check) for check in checks()[:3]]
        assert not pool.done(2)
        assert rows[2]().evidence == "2 + 2 = 4" and rows[2]().id == "c2"
        assert pool.done(2)


def test_work_that_cannot_be_pickled_is_never_shared() -> None:
    local = Check("l", "3.1", "s", fast, (lambda: 1,))
    assert runner._same_work(local) != runner._same_work(local)
    same = Check("a", "3.1", "s", fast, (1,)), Check("b", "3.2", "t", fast, (1,))
    assert runner._same_work(same[0]) == runner._same_work(same[1])
    assert runner._context().get_start_method() == "fork"


def deeper() -> Outcome:
    return broken()


# A check defined in code without a file path (as from a notebook or exec).
_NO_PATH: dict[str, object] = {"Outcome": Outcome}
exec(compile("def pathless():\n    raise ValueError('no path')\n", "<string>", "exec"), _NO_PATH)


def test_the_row_names_the_innermost_frame_of_a_defect() -> None:
    outcome, _ = runner.decide(Check("d", "3.1", "deeper", deeper))
    line = broken.__code__.co_firstlineno + 1
    assert outcome.evidence == (
        f"internal error ZeroDivisionError: a defect in a check (test_runner.py:{line})"
    )
    pathless = _NO_PATH["pathless"]
    assert callable(pathless)
    outcome, _ = runner.decide(Check("p", "3.1", "pathless", pathless))
    assert outcome.evidence == "internal error ValueError: no path (<string>:2)"


def test_a_finite_hard_memory_limit_is_kept() -> None:
    pid = os.fork()
    if pid == 0:  # lower the hard limit in a child only: it cannot be raised again
        code = 1
        try:
            hard = 2**30  # under the limit the worker asks for, so it is kept
            resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
            runner._limit_memory()
            code = 0 if resource.getrlimit(resource.RLIMIT_AS) == (hard, hard) else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_worker_whose_parent_is_gone_exits_with_status_0_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same as above, in this process: os._exit and prctl are stand-ins."""

    class Exited(Exception):
        pass

    def exit_(status: int) -> None:
        raise Exited(status)

    monkeypatch.setattr(runner, "ctypes", SimpleNamespace())  # no prctl: AttributeError
    monkeypatch.setattr(runner, "os", SimpleNamespace(getppid=lambda: 41, _exit=exit_))
    runner._die_with(41)  # the parent is alive: it returns
    with pytest.raises(Exited) as exited:
        runner._die_with(40)
    assert exited.value.args == (0,)


def test_a_worker_without_a_c_library_still_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_library(name: object, use_errno: bool = False) -> None:
        raise OSError("no C library here")

    monkeypatch.setattr(runner, "ctypes", SimpleNamespace(CDLL=no_library))
    monkeypatch.setattr(runner, "os", SimpleNamespace(getppid=lambda: 41))
    runner._die_with(41)  # OSError ignored; the parent is alive: it returns, raising nothing


def test_the_pool_waits_no_longer_than_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    waited: list[float] = []

    def recorded(connections: list[Connection], timeout: float) -> list[object]:
        waited.append(timeout)
        return list(wait(connections, timeout))

    monkeypatch.setattr(runner, "wait", recorded)
    with runner.Pool(jobs=1, timeout=0.3) as pool:
        assert pool.result(pool.submit(Check("f", "3.1", "fast", fast, (1,)))).evidence == (
            "1 + 1 = 2"
        )
    assert waited and all(0 <= timeout <= 0.3 for timeout in waited)


def test_a_check_still_running_within_its_limit_is_left_to_finish() -> None:
    # Two workers: the fast check answers first; the napping one, not yet ready and well
    # within its limit, must be waited for, not stopped.
    batch = [Check("nap", "3.1", "n", nap, (0.5,)), Check("f", "3.1", "fast", fast, (2,))]
    rows = run_checks(batch, jobs=2, timeout=30)
    assert [(row.verdict, row.evidence) for row in rows] == [
        (Verdict.PROVED, "slept 0.5"),
        (Verdict.PROVED, "2 + 2 = 4"),
    ]
