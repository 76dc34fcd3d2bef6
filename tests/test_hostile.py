"""Hostile input, round two (issue 19): every kind of attack, in process, under a wall clock.

Each test bounds the main-process work it runs with ``wall_clock``: past the bound the test
fails instead of hanging (the bound is a guard against hangs, not a speed target).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sympy

from hw2check import budget, cli, guard, runner
from hw2check.budget import OverBudget, time_limit, too_large
from hw2check.errors import InputError, echo, excerpt, hidden
from hw2check.expressions import parse_condition, parse_expression
from hw2check.formats import render
from hw2check.ledger import Check, Ledger, Outcome, Row, Verdict, proved
from hw2check.mathml import TOO_LARGE_FORMULA, expression, formulas_of
from hw2check.numbers import read_number
from hw2check.report import json_escaped, table
from hw2check.sheet import SGD_ETA, SYMBOLS, Sheet, load_sheet, parse_sheet

HEADER = '[sheet]\ntitle = "t"\n'


@contextmanager
def wall_clock(seconds: float) -> Iterator[None]:
    """Fail the test when the block takes longer than ``seconds`` (and stop it there)."""
    started = time.monotonic()
    try:
        with time_limit(seconds):
            yield
    except OverBudget:
        pytest.fail(f"the main-process work took more than {seconds} s")
    assert time.monotonic() - started < seconds


def message(text: str) -> str:
    with pytest.raises(InputError) as raised:
        parse_sheet(HEADER + text, "s.toml")
    return str(raised.value)


# --- kind 1: data loss ---------------------------------------------------------------------


def test_an_output_that_is_a_sheet_is_found_under_every_name(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.toml"
    sheet.write_text(HEADER)
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.toml"
    link.symlink_to(sheet)
    hard = tmp_path / "hard.toml"
    os.link(sheet, hard)
    other = tmp_path / "other.toml"
    other.write_text(HEADER)
    inputs = ["a.toml", str(sheet)]
    for output in (sheet, link, hard, tmp_path / "sub" / ".." / "sheet.toml"):
        assert guard.overwritten_sheet(output, inputs) == str(sheet)
    assert guard.overwritten_sheet(other, inputs) is None
    assert guard.overwritten_sheet(tmp_path / "new.html", inputs) is None
    # A sheet named through a link is found too, and a missing sheet is no obstacle.
    assert guard.overwritten_sheet(sheet, [str(link)]) == str(link)
    assert guard.overwritten_sheet(tmp_path / "gone.toml", [str(tmp_path / "gone.toml")]) == str(
        tmp_path / "gone.toml"
    )


def test_the_command_refuses_to_write_over_a_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "sheet.toml"
    sheet.write_text(HEADER)
    hard = tmp_path / "hard.toml"
    os.link(sheet, hard)
    with wall_clock(10):
        status = cli.main([str(sheet), "--output", str(hard), "--format", "html"])
    assert status == 2
    assert sheet.read_text() == HEADER
    assert capsys.readouterr() == (
        "",
        f"hw2check: {hard}: refusing to write the report over the sheet {sheet} "
        "(give another --output path)\n",
    )


# --- kind 2: tracebacks ---------------------------------------------------------------------


def test_a_toml_integer_past_pythons_digit_limit_is_an_input_error() -> None:
    assert message("[q6]\nreal_roots = " + "9" * 5000 + "\n") == (
        "s.toml: holds an integer of more than 4300 digits, too long to read; "
        "integers of at most 4300 digits"
    )


@pytest.mark.parametrize("text", ["2147484", "1e9", "1e308", "86400.5"])
def test_a_timeout_past_one_day_is_a_usage_error(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as leaving:
        cli.parser().parse_args(["--timeout", text])
    assert leaving.value.code == 2
    assert capsys.readouterr().err == (
        f"hw2check: error: argument --timeout: '{text}' is more than 86400 seconds (one day), "
        "the largest time limit (see hw2check --help)\n"
    )


def test_a_timeout_of_one_day_is_accepted() -> None:
    assert cli.parser().parse_args(["--timeout", "86400"]).timeout == guard.MAX_TIMEOUT == 86400


def test_a_signal_raises_interrupted_and_the_old_handlers_return() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(guard.Interrupted) as raised, guard.quiet_signals():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # not reached: the handler raises first
    assert (raised.value.number, raised.value.status, str(raised.value)) == (15, 143, "SIGTERM")
    assert signal.getsignal(signal.SIGTERM) is before
    assert guard.Interrupted(signal.SIGINT).status == 130


def test_a_second_signal_does_not_break_the_unwinding() -> None:
    previous = {number: signal.getsignal(number) for number in guard.SIGNALS}
    try:
        with pytest.raises(guard.Interrupted):
            guard._interrupt(signal.SIGINT, None)
        assert all(signal.getsignal(n) == signal.SIG_IGN for n in guard.SIGNALS)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def test_the_command_stopped_by_a_signal_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def stopped(argv: object) -> int:
        raise guard.Interrupted(signal.SIGINT)

    monkeypatch.setattr(cli, "_main", stopped)
    assert cli.main([]) == 130
    assert capsys.readouterr() == ("", "hw2check: stopped by SIGINT\n")


def test_workers_leave_sigint_to_the_command() -> None:
    previous = {number: signal.getsignal(number) for number in guard.SIGNALS}
    try:
        guard.worker_signals()
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _sleep(seconds: float) -> Outcome:
    time.sleep(seconds)
    return proved("none", "slept")


def test_a_pool_left_by_an_error_stops_its_busy_workers_at_once() -> None:
    waited: list[float | None] = []
    with pytest.raises(RuntimeError), runner.Pool(jobs=1, timeout=60) as pool:
        pool.submit(Check("s", "3.1", "sleeps", _sleep, (30.0,)))
        pool._dispatch()
        process = pool.workers[0].process
        join = process.join

        def recorded(timeout: float | None = None) -> None:
            waited.append(timeout)
            join(timeout)

        process.join = recorded  # type: ignore[method-assign]
        raise RuntimeError("stop")
    # No second of grace for a worker: it is killed at once, then reaped.
    assert waited == [0.0, None]
    assert process.exitcode == -signal.SIGKILL
    assert pool.workers == []


def test_a_pool_that_ends_normally_gives_its_workers_a_second() -> None:
    waited: list[float | None] = []
    with runner.Pool(jobs=1, timeout=60) as pool:
        assert pool.result(pool.submit(Check("s", "3.1", "sleeps", _sleep, (0.0,)))).evidence
        process = pool.workers[0].process
        join = process.join

        def recorded(timeout: float | None = None) -> None:
            waited.append(timeout)
            join(timeout)

        process.join = recorded  # type: ignore[method-assign]
    assert waited[0] == 1.0 and process.exitcode == 0


# --- kind 3: unbounded main-process work ----------------------------------------------------


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "sheet.toml"
    os.mkfifo(fifo)
    with wall_clock(5), pytest.raises(InputError) as raised:
        load_sheet(fifo)
    assert str(raised.value) == (
        f"{fifo}: is a named pipe (FIFO), not a regular file; "
        "the path of a TOML answer sheet (a file)"
    )


def test_a_device_is_refused() -> None:
    with wall_clock(5), pytest.raises(InputError) as raised:
        load_sheet("/dev/zero")
    assert str(raised.value) == (
        "/dev/zero: is a device, not a regular file; the path of a TOML answer sheet (a file)"
    )


def test_counts_are_refused_before_their_items_are_read() -> None:
    nodes = "".join(f'n{i} = "n{i - 1} + w2"\n' for i in range(1, 30_000))
    with wall_clock(10):
        assert message('[q4.graph_f1]\nn0 = "w1"\n' + nodes) == (
            "s.toml:3:2: q4.graph_f1: 30,000 nodes are too many; a graph of at most 100 nodes"
        )
        components = ", ".join(['"w**2"'] * 1000)
        # every error of the sheet: the count, and the setting it leaves incomplete
        assert message(f"[q6]\ncomponents = [{components}]\n").splitlines() == [
            "s.toml:3:2: q6.start: components given without start, picked, step_sizes; "
            "components, start, picked and step_sizes come together or not at all",
            "s.toml:4:14: q6.components: 1,000 components are too many; at most 50 components",
        ]


def test_a_graph_of_the_most_nodes_is_read_and_one_more_is_not() -> None:
    def graph(count: int) -> str:
        return '[q4.graph_f1]\nn0 = "w1"\n' + "".join(
            f'n{i} = "n{i - 1} + w2"\n' for i in range(1, count)
        )

    with wall_clock(10):
        sheet = parse_sheet(HEADER + graph(100), "s.toml")
    assert sheet.q4.graph_f1 is not None and len(sheet.q4.graph_f1.nodes) == 100
    assert "101 nodes are too many" in message(graph(101))


def test_a_stated_number_of_many_digits_is_refused_before_it_is_converted() -> None:
    with wall_clock(5):
        assert message('[q4]\nfd_step = "0.' + "3" * 300_000 + '"\n') == (
            "s.toml:4:11: q4.fd_step: the number 0.333333333333333333… has 300,002 characters; "
            "numbers of at most 1000 characters"
        )
    assert read_number("0." + "3" * 998).digits == 998
    with pytest.raises(InputError, match="has 1,001 characters"):
        read_number("0." + "3" * 999)
    with pytest.raises(InputError, match="has 1,001 characters"):
        read_number(10**1000)


def test_too_large_stops_at_each_limit() -> None:
    w = SYMBOLS["w"]
    assert not too_large(sympy.Add(*(w**k for k in range(1, 600))))
    assert too_large(sympy.Add(*(w**k for k in range(1, 700))))  # about 2,100 nodes
    deep = w
    for _ in range(budget.MAX_PRINTED_DEPTH - 1):
        deep = sympy.cos(deep)
    assert not too_large(deep)
    assert too_large(sympy.cos(deep))
    assert not too_large(sympy.Integer(10**999) * w)
    assert too_large(sympy.Integer(10**1001) * w)
    assert too_large(w / sympy.Integer(10**1001))


def test_a_doubling_graph_is_walked_in_bounded_time() -> None:
    w1 = SYMBOLS["w1"]
    doubled = w1
    for _ in range(100):  # 2**100 nodes as printed, 100 in memory
        doubled = sympy.sin(doubled) * sympy.cos(doubled)
    with wall_clock(2):
        assert too_large(doubled)
        assert expression(doubled) == TOO_LARGE_FORMULA


def test_budget_stops_a_slow_item_and_leaves_the_outer_limit_running() -> None:
    plan = budget.Budget(item=0.2, total=30)
    started = time.monotonic()
    with wall_clock(20):
        assert plan.run(lambda: _sleep(30)) is None
        assert time.monotonic() - started < 10  # stopped long before the 30 s sleep ends
        assert plan.run(lambda: 7) == 7
        with pytest.raises(OverBudget), time_limit(0.5):
            assert budget.Budget(item=0.1).run(lambda: _sleep(30)) is None
            time.sleep(30)  # the outer limit still rings
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_budget_is_spent_in_total_and_passes_other_errors_on() -> None:
    spent = budget.Budget(item=1, total=0)
    assert spent.run(lambda: 7) is None
    with pytest.raises(ZeroDivisionError):
        budget.Budget().run(lambda: 1 / 0)
    assert budget.Budget().run(lambda: int("9" * 5000)) is None
    assert budget.Budget().run(lambda: sympy.Integer(10) ** 5000 and str(10**5000)) is None


def _rows(sheet: Sheet) -> tuple[Row, ...]:
    """A proved row for every formula of the sheet, so that every formula is rendered."""
    questions = {"q3_1": "3.1", "q3_2": "3.2", "q3_3": "3.3", "q4": "4b", "q5": "5a", "q6": "6"}
    return tuple(
        Row(key, questions.get(key.split(".")[0], "7"), "s", Verdict.PROVED, "m", "e", None, 0)
        for key in formulas_of(sheet)
    )


def rendered(text: str, seconds: float = 60) -> dict[str, str]:
    sheet = parse_sheet(HEADER + text, "s.toml")
    ledgers = [Ledger(sheet.path, sheet.title, _rows(sheet))]
    with wall_clock(seconds):
        return {fmt: render(ledgers, fmt, [sheet]) for fmt in cli.FORMATS}


def test_deep_and_doubling_graphs_render_with_the_whole_too_large_to_show() -> None:
    deep = "".join(f'n{i} = "{"cos(" * 10}n{i - 1}{")" * 10}"\n' for i in range(1, 100))
    doubling = "".join(f'm{i} = "m{i - 1}*sin(m{i - 1}) + m{i - 1}"\n' for i in range(1, 100))
    outputs = rendered(
        f'[q4.graph_f1]\nn0 = "cos(w1)"\n{deep}[q4.graph_f2]\nm0 = "w1 + w2"\n{doubling}'
    )
    assert outputs["markdown"].count(r"\text{(too large to show)}") == 2
    assert outputs["html"].count("<mtext>(too large to show)</mtext>") == 2


def test_nested_sigmoids_and_a_tower_render() -> None:
    nested = "sigmoid(" * 48 + "eta" + ")" * 48
    outputs = rendered(f'[q3_2]\nbound = "{nested}"\n[q3_3]\nbound = "exp(exp(exp(exp(T))))"\n')
    assert "too large to show" not in outputs["markdown"]
    assert "<svg" in outputs["html"] or "needs matplotlib" in outputs["html"]


def test_a_component_of_degree_thousands_with_an_integer_start_renders() -> None:
    outputs = rendered(
        '[q6]\ncomponents = ["w**9999/7", "w**2"]\nstart = 9999\npicked = 1\n'
        'step_sizes = "eta > 0"\nnext_iterate = "eta"\nreal_roots = 1\n'
    )
    assert "Q6" in outputs["html"]


def test_fifty_components_render_in_bounded_time() -> None:
    components = ", ".join(f'"(w - {i})**2*exp(sin(w))"' for i in range(50))
    outputs = rendered(
        f'[q6]\ncomponents = [{components}]\nstart = 0\npicked = 1\nstep_sizes = "eta > 0"\n'
    )
    assert "f50 = (w - 49)**2*exp(sin(w))" in outputs["html"]


# --- kind 4: limits walked around -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "degree"),
    [
        ("*".join(["w**10000"] * 80), "800,000 in w"),
        ("w**10000*w", "10,001 in w"),
        ("w**10000*(w**10000 + 1)", "20,000 in w"),
        ("(1/w)**10000/w", "10,001 in w"),
        ("sqrt(w)**10000*w**5001", "10,001 in w"),
    ],
)
def test_products_of_powers_obey_the_exponent_limit(text: str, degree: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_expression(text, SYMBOLS)
    assert str(raised.value).endswith(
        f"has degree {degree}, too large; a degree of at most 10000 in each symbol "
        "(products of powers add their exponents)"
    )


@pytest.mark.parametrize(
    "text", ["w**10000", "(w*w1)**10000", "w**5000*(w + 1)**5000", "(w + 1)**5000*(w + 1)**5000"]
)
def test_powers_within_the_limit_are_accepted(text: str) -> None:
    assert isinstance(parse_expression(text, SYMBOLS), sympy.Expr)


def test_a_condition_obeys_the_degree_limit_too() -> None:
    with pytest.raises(InputError, match="has degree 10,001 in eta"):
        parse_condition("eta**10000*eta > 0", {"eta": SGD_ETA})


def _allocate() -> Outcome:
    block = bytearray(3 * 2**30)  # past the 2 GB every worker is held to
    return proved("none", f"{len(block)}")


def _int_text() -> Outcome:
    return proved("none", str(10**5000))


def test_a_worker_past_its_memory_is_undecided_with_the_reason() -> None:
    rows = runner.run_checks(
        [Check("m", "3.1", "allocates", _allocate), Check("i", "3.1", "prints", _int_text)],
        jobs=1,
        timeout=30,
    )
    assert [(row.verdict, row.evidence) for row in rows] == [
        (
            Verdict.UNDECIDED,
            "the check needed more than the 1.76 GiB of memory a check may use; the "
            "expressions are too large to decide this way",
        ),
        (
            Verdict.UNDECIDED,
            "a number in this check has more than 4300 digits, too many to convert to or from text",
        ),
    ]


def test_limit_errors_get_reasons_and_other_errors_do_not() -> None:
    assert runner.beyond_limits(RecursionError()) == (
        "the expressions are nested too deeply for this check to compute with"
    )
    assert runner.beyond_limits(OverflowError()) == (
        "a number in this check is too large for floating-point arithmetic"
    )
    assert runner.beyond_limits(ValueError("math domain error")) is None
    assert runner.beyond_limits(ZeroDivisionError()) is None


# --- kind 5: raw control and bidirectional characters ---------------------------------------

HIDDEN = "\x00\x1b[31m\x07\r\x7f\x85\x9f\u200b\u200f\u202a\u202e\u2066\u2069\u2028\U000e0001"


def _toml_string(text: str) -> str:
    """A TOML basic string: C0 controls and DEL escaped (TOML forbids them raw), the rest raw."""
    return (
        '"'
        + "".join(f"\\u{ord(ch):04x}" if ord(ch) < 0x20 or ch in '\x7f"\\' else ch for ch in text)
        + '"'
    )


def test_no_format_shows_a_hidden_character_raw() -> None:
    title, author = _toml_string(f"title {HIDDEN} end"), _toml_string(f"by {HIDDEN}")
    sheet_text = f'[sheet]\ntitle = {title}\nauthor = {author}\n[q3_1]\nstep_size = "1/lam"\n'
    sheet = parse_sheet(sheet_text, f"path{HIDDEN}.toml")
    ledger = Ledger(sheet.path, sheet.title, _rows(sheet))
    with wall_clock(60):
        outputs = {fmt: render([ledger], fmt, [sheet]) for fmt in cli.FORMATS}.items()
    for fmt, text in outputs:
        raw = sorted({ch for ch in text if hidden(ch) and ch not in "\n\t"})
        assert raw == [], fmt
    line = dict(outputs)["json"]
    decoded = json.loads(line)
    assert decoded["sheet"] == {"path": f"path{HIDDEN}.toml", "title": f"title {HIDDEN} end"}
    assert "\\u001b[31m\\u0007\\r\\u007f\\u0085\\u009f\\u200b" in line
    assert "\\udb40\\udc01" in line  # a character past the BMP, as a surrogate pair
    html = dict(outputs)["html"]
    assert "title \\x00\\x1b[31m\\x07\\x0d\\x7f\\x85\\x9f\\u200b\\u200f\\u202a\\u202e" in html


def test_json_escaping_keeps_printable_text() -> None:
    assert json_escaped('{"a": "✓ ‖w‖ é"}') == '{"a": "✓ ‖w‖ é"}'
    assert json_escaped('{"a": "\u202e"}') == '{"a": "\\u202e"}'


# --- kind 6: messages that echo huge values -------------------------------------------------


def test_echoed_values_are_short_and_marked() -> None:
    assert excerpt("x" * 10) == "x" * 10
    assert excerpt("x" * 100_000) == "x" * 59 + "… (100,000 characters)"
    assert excerpt("\u0301" * 5000, 10) == "\u0301" * 9 + "… (5,000 characters)"
    assert echo([1] * 100_000) == "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, ...]"
    assert echo([10**5000]) == "[<an integer of 16,610 bits>]"


def test_a_message_about_a_huge_list_is_one_short_line() -> None:
    items = ", ".join(["1"] * 100_000)
    with wall_clock(10):
        text = message(f"[q4]\nvalues = [[{items}], 1]\n")
    assert text == (
        "s.toml:4:11: q4.values[0]: list value [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, ...] is not a "
        "number; a TOML integer, a TOML float, or a string holding a decimal such as "
        '"0.3510"'
    )


def test_every_part_of_a_message_is_clipped() -> None:
    error = InputError("p" * 10_000, "a" * 10_000).located(file="f" * 10_000, key="k")
    assert len(str(error)) < 4 * 320


def test_a_title_of_combining_marks_is_clipped_in_the_table() -> None:
    ledger = Ledger("s.toml", "a" + "\u0301" * 5000, ())
    lines = table(ledger).splitlines()
    # Two marks on the "a" take no column, each further one takes one: 80 columns a line;
    # the title wraps to at most HEADING_LINES lines, the last clipped.
    assert lines[0] == "a" + "\u0301" * 81
    assert lines[1] == "  " + "\u0301" * 80
    assert lines[2] == "  " + "\u0301" * 79 + "…"
    assert lines[3] == "sheet: s.toml"


# --- kind 7: verdicts lost to internal errors -----------------------------------------------


def test_a_check_past_the_digit_limit_is_undecided_not_an_internal_error() -> None:
    outcome, _ = runner.decide(Check("i", "3.1", "prints", _int_text))
    assert outcome.verdict is Verdict.UNDECIDED
    assert not outcome.evidence.startswith("internal error")


# --- signals, as a user sends them -----------------------------------------------------------


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _gone(pid: int) -> bool:
    """The process has ended (it may linger as a zombie until someone reaps it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


@pytest.mark.subprocess
@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_ends_the_command_quietly_with_its_workers(tmp_path: Path, number: int) -> None:
    if not Path("/proc/self/task").exists():
        pytest.skip("needs /proc to find the workers")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "hw2check", "--jobs", "2", "--examples", "20"],
        env={**os.environ, "TMPDIR": str(scratch)},
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    workers: list[int] = []
    deadline = time.monotonic() + 120
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        workers = _children(process.pid)
    assert len(workers) == 2 and list(scratch.iterdir())  # running, with its scratch folder
    # Ctrl-C reaches the whole process group; a SIGTERM from kill only the command.
    if number == signal.SIGINT:
        os.killpg(process.pid, number)
    else:
        process.send_signal(number)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out) == (128 + number, "")
    assert err == f"hw2check: stopped by {signal.Signals(number).name}\n"
    assert list(scratch.iterdir()) == []
    time.sleep(0.5)
    assert all(_gone(pid) for pid in workers)


# --- usage errors and the time of reading a sheet --------------------------------------------


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["--seed", "9" * 5000], "argument --seed: '" + "9" * 58 + "… (5,002 characters) is not"),
        (["--format", "x" * 5000], "invalid choice: '" + "x" * 58 + "… (5,002 characters) (choose"),
        (["--jobs", "65"], "argument --jobs: '65' must be at most 64 (see"),
        (["--examples", str(10**18 + 1)], f"'{10**18 + 1}' must be at most {10**18} (see"),
    ],
)
def test_usage_errors_clip_what_they_echo(
    args: list[str], shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli.parser().parse_args(args)
    err = capsys.readouterr().err
    assert shown in err and len(err) < 300 and err.count("\n") == 1


def test_a_long_output_path_is_clipped_in_the_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--output", "/no/such/" + "d" * 5000 + "/r.html"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hw2check: /no/such/ddd") and len(err) < 600


def test_a_sheet_that_takes_too_long_to_read_is_an_input_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import hw2check.sheet

    monkeypatch.setattr(hw2check.sheet, "READ_SECONDS", 0.05)
    terms = "+".join(f"{i}*w**{i}" for i in range(1, 150))[:999]
    components = ", ".join([f'"{terms}"'] * 50)
    with wall_clock(5):
        assert message(f"[q6]\ncomponents = [{components}]\n") == (
            "s.toml: took more than 0.05 s to read: its expressions are too many or too large; "
            "fewer or shorter expressions"
        )


def test_a_long_expression_is_read_without_quadratic_slicing() -> None:
    text = "+".join(["1.5"] * 333)[:999]  # 250 numbers, each sliced from the text
    assert parse_expression(text, SYMBOLS) == sympy.Rational(3, 2) * 250


def test_paths_no_file_can_have_are_input_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--output", "a\0b"]) == 2
    assert capsys.readouterr().err == (
        "hw2check: a\\x00b: cannot write (a NUL character in the path)\n"
    )
    assert guard.output_problem(Path("d" * 5000)) == "File name too long"
    with pytest.raises(InputError) as raised:
        load_sheet("a\0b")
    assert str(raised.value) == (
        "a\\x00b: cannot be read (a NUL character in the path); a readable TOML answer sheet"
    )


def test_the_scratch_folder_is_removed_even_when_a_signal_comes_during_removal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    real_rmtree = shutil.rmtree

    def interrupted_rmtree(path: str, ignore_errors: bool = False) -> None:
        os.kill(os.getpid(), signal.SIGHUP)  # held until the folder is gone
        real_rmtree(path, ignore_errors=ignore_errors)

    monkeypatch.setattr(shutil, "rmtree", interrupted_rmtree)
    with pytest.raises(guard.Interrupted), guard.quiet_signals(), guard.scratch_folder() as folder:
        (Path(folder) / "cache").mkdir()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["gradescope", "csv", "junit"])
def test_the_grading_formats_show_no_hidden_character_raw(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / f"s{HIDDEN[1:3]}\u202e.toml"  # a path may hold them too (not NUL)
    title = _toml_string(f"title {HIDDEN} end")
    sheet.write_text(f'[sheet]\ntitle = {title}\n[q3_1]\nstep_size = "1/lam"\n')
    status = cli.main([str(sheet), "--only", "3.1", "--format", fmt, "--jobs", "1"])
    out = capsys.readouterr().out
    assert status == 0
    assert sorted({ch for ch in out if hidden(ch) and ch not in "\n\t"}) == []
    if fmt == "gradescope":
        assert "title \\\\x00\\\\x1b" in json.loads(out)["output"]  # Markdown text
    if fmt == "csv":
        assert ",title \\x00\\x1b[31m\\x07 \\x7f" in out


def test_json_escaping_keeps_the_layout_of_indented_json() -> None:
    text = json.dumps({"a": "x\u202e\ny"}, indent=2, ensure_ascii=False)
    assert json_escaped(text) == '{\n  "a": "x\\u202e\\ny"\n}'
    assert json.loads(json_escaped(text)) == {"a": "x\u202e\ny"}


class _RingsInDel:
    def __del__(self) -> None:
        time.sleep(5)  # the timer rings here, where Python cannot raise


def test_a_timer_ringing_in_a_destructor_prints_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import gc

    started = time.monotonic()
    with pytest.raises(OverBudget), time_limit(0.1):
        _RingsInDel()
        gc.collect()
        time.sleep(5)  # the ring spent in __del__ rings again, and ends the block here
    assert time.monotonic() - started < 9
    assert capsys.readouterr().err == ""


def test_a_path_that_is_not_utf_8_is_escaped_in_every_json_output() -> None:
    # Python decodes a file name's undecodable bytes to lone surrogates, which UTF-8 cannot
    # write: every format shows them as escapes (JSON as \uXXXX, which a parser reads back).
    path = "caf\udce9.toml"
    assert hidden("\udce9") and excerpt(path) == "caf\\udce9.toml"
    line = json_escaped(json.dumps({"path": path}, ensure_ascii=False))
    line.encode("utf-8")  # writable
    assert line == '{"path": "caf\\udce9.toml"}' and json.loads(line) == {"path": path}


class _SlowToDelete:
    def __del__(self) -> None:
        end = time.monotonic() + 0.3  # long enough for a 0.1 s limit to ring in here
        while time.monotonic() < end:
            pass


def test_a_time_limit_that_rings_in_a_destructor_rings_again() -> None:
    # Python drops an exception raised in a destructor; the limit must still end the block
    # (a report hung in SymPy when its one ring landed in a destructor).
    started = time.monotonic()
    with pytest.raises(OverBudget), time_limit(0.1):
        _SlowToDelete()
        while time.monotonic() < started + 5:
            pass
    assert time.monotonic() - started < 2
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # nothing left armed
