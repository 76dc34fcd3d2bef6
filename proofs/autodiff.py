"""Q4: computation graphs, finite differences, forward and reverse mode (not built yet)."""

from __future__ import annotations

from collections.abc import Mapping

from hw2check.ledger import Check, Row, pending
from hw2check.sheet import Sheet
from hw2check.topics import Settings

ENTRIES = ("f1_w1", "f1_w2", "f2_w1", "f2_w2")
MATRICES = (("finite_difference", "4b"), ("forward_mode", "4c"), ("reverse_mode", "4d"))


def theorem_checks(settings: Settings) -> list[Check]:
    return [pending("theorem.autodiff_agreement", "4e", "forward, reverse and exact agree")]


def claim_checks(sheet: Sheet, settings: Settings, theorems: Mapping[str, Row]) -> list[Check]:
    claims = sheet.q4
    checks = []
    if claims.values is not None:
        for name, number in zip(("f1", "f2"), claims.values, strict=True):
            checks.append(pending(f"q4.values.{name}", "4a", f"{name}(1, 2) = {number}"))
    for key, question in MATRICES:
        matrix = getattr(claims, key)
        if matrix is not None:
            numbers = [number for row in matrix for number in row]
            for entry, number in zip(ENTRIES, numbers, strict=True):
                checks.append(pending(f"q4.{key}.{entry}", question, f"{key} {entry} = {number}"))
    if claims.methods_agree is not None:
        checks.append(pending("q4.methods_agree", "4e", "the methods agree"))
    for name in ("graph_f1", "graph_f2"):
        if getattr(claims, name) is not None:
            checks.append(pending(f"q4.{name}", "4a", f"the graph computes {name[-2:]}"))
    return checks
