"""The catalogue of the claims a sheet can make (SHEET.md), in SHEET.md order.

The spine (``hw2check/``) grades claims without naming them: it reads their ids and
questions here, and the stated numbers of a sheet (the rows whose precision a rubric can
ask for) from ``stated_numbers``.  ``tests/test_grading.py`` checks this catalogue against the
checks the topic modules build for a sheet that makes every claim.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hw2check.numbers import StatedNumber
    from hw2check.sheet import Sheet

# The entries of a 2x2 Jacobian and the tables that state one (SHEET.md [q4]).
_ENTRIES = ("f1_w1", "f1_w2", "f2_w1", "f2_w2")
_MATRICES = (("finite_difference", "4b"), ("forward_mode", "4c"), ("reverse_mode", "4d"))

CLAIMS: tuple[tuple[str, str], ...] = (
    ("q3_1.minimizer", "3.1"),
    ("q3_1.step_size", "3.1"),
    ("q3_1.proximity_gradient", "3.1"),
    ("q3_1.gd_converges_for_strictly_convex", "3.1"),
    ("q3_2.bound", "3.2"),
    ("q3_3.bound", "3.3"),
    ("q4.values.f1", "4a"),
    ("q4.values.f2", "4a"),
    *((f"q4.{key}.{entry}", question) for key, question in _MATRICES for entry in _ENTRIES),
    ("q4.methods_agree", "4e"),
    ("q4.graph_f1", "4a"),
    ("q4.graph_f2", "4a"),
    ("q5.circulant_commutes_with_shift", "5a"),
    ("q5.only_circulants_commute_with_shift", "5b"),
    ("q6.sgd_always_decreases", "6"),
    ("q6.counterexample", "6"),
    ("q6.next_iterate", "6"),
    ("q6.next_iterate_sign", "6"),
    ("q6.real_roots", "6"),
    ("q6.nonreal_roots", "6"),
)


def stated_numbers(sheet: Sheet) -> dict[str, StatedNumber]:
    """Claim id -> the number the sheet states, for every claim that is a stated number."""
    claims = sheet.q4
    numbers: dict[str, StatedNumber] = {}
    if claims.values is not None:
        numbers.update(zip(("q4.values.f1", "q4.values.f2"), claims.values, strict=True))
    for key, _ in _MATRICES:
        matrix = getattr(claims, key)
        if matrix is not None:
            flat = [number for row in matrix for number in row]
            numbers.update(zip((f"q4.{key}.{e}" for e in _ENTRIES), flat, strict=True))
    return numbers
