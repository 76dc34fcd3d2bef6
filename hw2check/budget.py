"""Budgets for the work the main process does on a sheet's behalf: typesetting formulas and
drawing figures for the reports.

A valid sheet can still hold an expression whose printed form is enormous (a computation
graph whose nodes each use the previous node twice doubles in size at every node), nested
too deeply for SymPy's recursive printers, or holding an integer of more digits than Python
converts to text. Such a formula or figure is shown as "too large to show" instead of
hanging the report or ending it in a traceback:

- ``too_large(expr)`` decides it beforehand, deterministically, from the size of the tree
  as it would be printed, its depth and the digits of its numbers;
- ``Budget.run`` computes one item under a time limit (a SIGALRM timer, in the main thread)
  and also stops at recursion, memory and integer-conversion limits; a budget also bounds
  the total time of all the items of one report section.
"""

from __future__ import annotations

import functools
import math
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

import sympy

TOO_LARGE = "too large to show"

# A printed formula of more nodes than this is not read by anyone (the largest formula of
# the seed sheet has under a hundred).
MAX_PRINTED_NODES = 2_000
# SymPy's printers recurse a few frames per level; this depth stays well inside Python's
# recursion limit (50 nested sigmoids are about 200 levels).
MAX_PRINTED_DEPTH = 240
# Digits of the largest integer a formula shows.
MAX_PRINTED_DIGITS = 1_000
# Seconds for one formula, one figure, and all the formulas and figures of one sheet.
FORMULA_SECONDS = 2.0
FIGURE_SECONDS = 10.0
POINT_SECONDS = 0.25  # one value of a sheet's expression at one point of a figure
SHEET_SECONDS = 30.0

T = TypeVar("T")


class OverBudget(Exception):
    """The time of one item ran out."""


def too_large(expr: sympy.Basic) -> bool:
    """Whether ``expr`` printed would exceed the node, depth or digit limits above.

    Walks the tree as printed (a shared subexpression counts every time it appears) and
    stops as soon as a limit is passed, so it takes bounded time whatever the expression.
    """
    visited = 0
    stack: list[tuple[sympy.Basic, int]] = [(expr, 1)]
    digits_bits = MAX_PRINTED_DIGITS * math.log2(10)
    while stack:
        node, depth = stack.pop()
        visited += 1
        if visited > MAX_PRINTED_NODES or depth > MAX_PRINTED_DEPTH:
            return True
        if isinstance(node, sympy.Rational) and (
            int(node.p).bit_length() > digits_bits or int(node.q).bit_length() > digits_bits
        ):
            return True
        stack.extend((child, depth + 1) for child in node.args)
    return False


def _ring(number: int, frame: FrameType | None) -> None:
    raise OverBudget


RING_AGAIN = 0.05  # seconds: how soon a ring that was swallowed rings again


def _quiet_unraisable(hook: Callable[[Any], object], unraisable: Any) -> None:
    if not isinstance(unraisable.exc_value, OverBudget):
        hook(unraisable)
        return
    # The ring landed in a destructor, where Python drops the exception: ring again soon,
    # or the block would go on without a limit (a report hung so in a SymPy evaluation).
    signal.setitimer(signal.ITIMER_REAL, RING_AGAIN)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``OverBudget`` in the block once ``seconds`` have passed (main thread only;
    elsewhere the block runs without a limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _ring)
    # The timer can ring inside a __del__ or a callback, where Python cannot raise and would
    # print the exception with a traceback instead ("Exception ignored in ..."): not for this.
    hook = sys.unraisablehook
    sys.unraisablehook = functools.partial(_quiet_unraisable, hook)
    started = time.monotonic()
    # Within an outer limit (a figure inside a sheet's budget) the nearer one rings first,
    # and the outer one is set again afterwards with the time it has left.
    outer, _ = signal.getitimer(signal.ITIMER_REAL)
    signal.setitimer(signal.ITIMER_REAL, max(min(seconds, outer or seconds), 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.unraisablehook = hook
        if outer:
            left = outer - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))


def _beyond_limits(error: Exception) -> bool:
    if isinstance(error, OverBudget | RecursionError | MemoryError | OverflowError):
        return True
    return isinstance(error, ValueError) and "integer string conversion" in str(error)


class Budget:
    """Time for the items of one report section: ``item`` seconds each, ``total`` in all."""

    def __init__(self, item: float = FORMULA_SECONDS, total: float = SHEET_SECONDS) -> None:
        self.item = item
        self.deadline = time.monotonic() + total

    def run(self, compute: Callable[[], T], item: float | None = None) -> T | None:
        """``compute()``, or None when it ran out of time or past a limit of Python."""
        seconds = min(self.item if item is None else item, self.deadline - time.monotonic())
        if seconds <= 0:
            return None
        try:
            with time_limit(seconds):
                return compute()
        except Exception as error:
            if _beyond_limits(error):
                return None
            raise
