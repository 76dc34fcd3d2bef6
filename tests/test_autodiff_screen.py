"""Q4 slip search at its exact bounds: the screen's width, the effect floor, the cross term.

Graphs with integer partials keep every float of the screen exact, so a candidate can sit
exactly on a bound; with ``VERIFIED_CANDIDATES = 0`` every screened candidate is counted as
not re-verified, which shows how many the screen let through.
"""

from __future__ import annotations

import mpmath
import pytest

from hw2check.ledger import undecided
from hw2check.numbers import read_number
from hw2check.sheet import Graph
from proofs import autodiff
from proofs.autodiff import graph_of

PRODUCT = graph_of([("f", "w1*w2")])  # ∂f/∂w1 = w2 = 2 at (1, 2)
CHAIN = graph_of([("a", "w1*w2"), ("f", "a*w2")])  # ∂f/∂w1 = w2² = 4 at (1, 2)


def screened(
    monkeypatch: pytest.MonkeyPatch, graph: Graph, stated: str, floor: float = 1e-12
) -> autodiff.Localisation:
    monkeypatch.setattr(autodiff, "VERIFIED_CANDIDATES", 0)
    monkeypatch.setattr(autodiff, "SCREEN_MARGIN", 0.0)
    monkeypatch.setattr(autodiff, "EFFECT_FLOOR", floor)
    return autodiff.locate_slips(graph, "G", read_number(stated), "forward", 0)


def test_no_slip_at_exactly_the_width_is_screened_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """AD gives 2; the stated 3 is exactly the tolerance 1 away."""
    found = screened(monkeypatch, PRODUCT, "3")
    assert (found.searched, found.unchecked) == (7, 1)


def test_one_slip_at_exactly_the_width_is_screened_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stated 2 (1 + 3 singles + 3 pairs searched): no slip (distance 0) and ∂f/∂w1 taken
    as w1 = 1 (distance exactly 1)."""
    found = screened(monkeypatch, PRODUCT, "2")
    assert (found.searched, found.unchecked) == (7, 2)


def test_two_slips_at_exactly_the_width_are_screened_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stated 17: only the pair giving 4·4 = 16 lies within 1 (exactly at it)."""
    found = screened(monkeypatch, CHAIN, "17")
    assert found.unchecked == 1


def test_a_pair_needs_each_slip_to_move_the_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the floor 0 a slip must still change the entry: a pair where the other slip zeroes
    the path (either way round) is not screened in, nor is a slip on a w2 edge (no effect)."""
    found = screened(monkeypatch, CHAIN, "0", floor=0.0)
    assert (found.searched, found.unchecked) == (1 + 8 + 28, 3)


def test_the_cross_term_of_a_pair_uses_the_adjoint() -> None:
    """Two slips on one path below a node with adjoint 2: 2·(1/b)·a + 4 with a = 3."""
    graph = graph_of(
        [("a", "w1 + w2"), ("b", "log(a)"), ("c", "2*b"), ("d", "w1**2*w2"), ("f", "c + d")]
    )
    with mpmath.workdps(40):
        stated = read_number(mpmath.nstr(6 / mpmath.log(3) + 4, 20))
    found = autodiff.locate_slips(graph, "G", stated, "forward", 0)
    assert found.text().startswith("explained by two slips on G: ")
    assert "∂a/∂w1 taken as the value of a = 3" in found.text()
    assert "∂b/∂a taken as 1/b" in found.text()


@pytest.mark.parametrize(("stated", "unchecked"), [("0.5", 2), ("4", 3)])
def test_the_screen_margin_scales_with_the_stated_number(
    monkeypatch: pytest.MonkeyPatch, stated: str, unchecked: int
) -> None:
    """Margin 1: the width is the tolerance + max(1, |stated|); AD 2, slips 1, -2 and 0."""
    monkeypatch.setattr(autodiff, "VERIFIED_CANDIDATES", 0)
    monkeypatch.setattr(autodiff, "SCREEN_MARGIN", 1.0)
    found = autodiff.locate_slips(PRODUCT, "G", read_number(stated), "forward", 0)
    assert found.unchecked == unchecked


def test_a_rejected_candidate_is_not_counted_as_unchecked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The no-slip 2 is re-verified against the stated 3 (exactly on the boundary) and left."""
    monkeypatch.setattr(autodiff, "SCREEN_MARGIN", 0.0)
    found = autodiff.locate_slips(PRODUCT, "G", read_number("3"), "forward", 0)
    assert found.unchecked == 0
    assert (
        found.text()
        == "no one or two slips of the catalogue on G reproduce it (7 combinations tried)"
    )


def test_an_undecidable_match_is_undecided() -> None:
    assert autodiff._number_outcome(read_number("3"), None, "m", "extra") == undecided(
        "m", "the true value lies too close to the tolerance boundary to decide"
    )
