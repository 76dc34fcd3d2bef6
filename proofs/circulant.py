"""Q5: circulant matrices and the cyclic shift (not built yet)."""

from __future__ import annotations

from collections.abc import Mapping

from hw2check.ledger import Check, Row, pending
from hw2check.sheet import Sheet
from hw2check.topics import Settings


def theorem_checks(settings: Settings) -> list[Check]:
    return [
        pending("theorem.circulant_shift_commute", "5a", "circulants commute with the shift"),
        pending("theorem.shift_commutant_is_circulant", "5b", "only circulants commute"),
        pending("theorem.conv_shift_equivariance", "5c", "circular convolution is equivariant"),
    ]


def claim_checks(sheet: Sheet, settings: Settings, theorems: Mapping[str, Row]) -> list[Check]:
    claims = sheet.q5
    checks = []
    if claims.circulant_commutes_with_shift is not None:
        checks.append(pending("q5.circulant_commutes_with_shift", "5a", "CS = SC"))
    if claims.only_circulants_commute_with_shift is not None:
        checks.append(
            pending("q5.only_circulants_commute_with_shift", "5b", "BS = SB => circulant")
        )
    return checks
