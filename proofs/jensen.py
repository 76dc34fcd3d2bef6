"""Q3.3: the averaged-iterate bound for convex f (not built yet)."""

from __future__ import annotations

from collections.abc import Mapping

from hw2check.ledger import Check, Row, pending
from hw2check.sheet import Sheet
from hw2check.topics import Settings


def theorem_checks(settings: Settings) -> list[Check]:
    return [pending("theorem.convex_average_gap", "3.3", "f(w_bar) - f(w*) <= avg_gap")]


def claim_checks(sheet: Sheet, settings: Settings, theorems: Mapping[str, Row]) -> list[Check]:
    bound = sheet.q3_3.bound
    if bound is None:
        return []
    return [pending("q3_3.bound", "3.3", f"f(w_bar) - f(w*) <= {bound.text}")]
