"""Q7: a two-layer ReLU network with 2n + d weights fits any labels (not built yet)."""

from __future__ import annotations

from collections.abc import Mapping

from hw2check.ledger import Check, Row, pending
from hw2check.sheet import Sheet
from hw2check.topics import Settings


def theorem_checks(settings: Settings) -> list[Check]:
    return [pending("theorem.relu_interpolation", "7", "a two-layer ReLU net fits any labels")]


def claim_checks(sheet: Sheet, settings: Settings, theorems: Mapping[str, Row]) -> list[Check]:
    return []
