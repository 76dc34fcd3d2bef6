"""Q3.2: the online-gradient-descent regret identity and bound (not built yet)."""

from __future__ import annotations

from collections.abc import Mapping

from hw2check.ledger import Check, Row, pending
from hw2check.sheet import Sheet
from hw2check.topics import Settings


def theorem_checks(settings: Settings) -> list[Check]:
    return [
        pending("theorem.regret_identity", "3.2", "the online gradient descent regret identity")
    ]


def claim_checks(sheet: Sheet, settings: Settings, theorems: Mapping[str, Row]) -> list[Check]:
    bound = sheet.q3_2.bound
    if bound is None:
        return []
    return [pending("q3_2.bound", "3.2", f"sum <w_t - w*, v_t> <= {bound.text}")]
