"""Q6: an SGD step can increase the full loss (not built yet)."""

from __future__ import annotations

from collections.abc import Mapping

from hw2check.ledger import Check, Row, pending
from hw2check.sheet import Sheet
from hw2check.topics import Settings

KEYS = ("sgd_always_decreases", "next_iterate", "next_iterate_sign", "real_roots", "nonreal_roots")


def theorem_checks(settings: Settings) -> list[Check]:
    return [pending("theorem.sgd_step_can_increase_loss", "6", "an SGD step can increase F")]


def claim_checks(sheet: Sheet, settings: Settings, theorems: Mapping[str, Row]) -> list[Check]:
    claims = sheet.q6
    checks = []
    if claims.components is not None:
        checks.append(pending("q6.counterexample", "6", "F(w_{t+1}) > F(w_t)"))
    for key in KEYS:
        if getattr(claims, key) is not None:
            checks.append(pending(f"q6.{key}", "6", key))
    return checks
