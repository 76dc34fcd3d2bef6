"""Exact tests aimed at behaviour the other Q3.3 tests leave open: the generator named by a
search that finds something, how a solver's point is realized, and the scan's draws of T."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import strategies as st

from proofs import jensen
from properties.jensen import Quadratic
from properties.search import search
from tests.test_jensen import claim

F = Fraction


def test_a_search_that_finds_a_counterexample_names_its_strategy() -> None:
    found = search(st.integers(0, 1000), lambda x: x >= 17, examples=50, seed=3)
    assert (found.counterexample, found.generator) == (
        17,
        "integers(min_value=0, max_value=1000)",
    )


def test_a_solver_point_below_1_is_realized_at_t_1_only() -> None:
    # Wrong only at T = 2: z3's T = 1/2 rounds to T = 1 (both ways), where the bound holds.
    only_two = jensen.GapJudge(claim("avg_gap + (T-2)**2 - 1/10").bound)
    assert only_two.from_model({"T": F(1, 2), "avg_gap": F(1)}) is None
    found = only_two.from_model({"T": F(3, 2), "avg_gap": F(1)})
    assert found is not None and (found.summary.T, found.summary.avg_gap) == (2, 1)


def test_a_solver_point_is_tried_at_a_nearby_rational_with_denominator_up_to_a_million() -> None:
    judge = jensen.GapJudge(claim("avg_gap/2").bound)
    found = judge.from_model({"T": F(1, 2), "avg_gap": F(1234567, 10**9)})
    assert found is not None and (found.summary.T, found.summary.avg_gap) == (1, F(1234, 999541))


def test_the_scan_draws_t_1_from_both_of_its_ranges() -> None:
    points = jensen.scan_points(1500, 0)
    assert (len(points), sum(t == 1 for t, _ in points), len(set(points))) == (1500, 192, 1406)


def test_the_canonical_points_include_t_3() -> None:
    # exp keeps z3 out; the bound is undefined only at T = 3.
    outcome = jensen.decide_bound(claim("avg_gap + exp(1/(T-3)**2) - 1"))
    assert outcome.evidence == (
        "the bound is not a real number at T = 3, avg_gap = 0 (it is nan): the claim says "
        "nothing there"
    )


def test_shrink_moves_a_witness_to_a_simpler_avg_gap_of_the_same_sign() -> None:
    below_one = jensen.GapJudge(claim("avg_gap - 1").bound)  # wrong everywhere
    found = below_one.shrink(below_one.candidates([(1, F(1))]))
    assert found is not None and (found.summary.T, found.summary.avg_gap) == (1, 0)
    negative = jensen.GapJudge(claim("2*avg_gap").bound)  # wrong exactly where avg_gap < 0
    found = negative.shrink(negative.candidates([(7, F(-2))]))
    assert found is not None and (found.summary.T, found.summary.avg_gap) == (1, -1)
    assert negative.shrink(None) is None


def test_candidates_skip_a_horizon_out_of_range_and_go_on() -> None:
    judge = jensen.GapJudge(claim("avg_gap/2").bound)
    found = judge.candidates([(0, F(1)), (jensen.MAX_T + 1, F(1)), (3, F(1))])
    assert found is not None and (found.summary.T, found.summary.avg_gap) == (3, 1)


def test_an_integer_solver_point_is_realized_when_the_real_one_is_not() -> None:
    # Wrong near T = 3/2 (no integer there) and at T = 7, only for avg_gap near 1/3: the real
    # query's point T = 3/2 rounds to T = 1 and 2, where the bound holds; the integer query's
    # point T = 7 is the witness.
    text = "avg_gap + (T-7)**2*((2*T-3)**2 - 1/10**4) + (3*avg_gap-1)**2 - 1/10**6"
    outcome = jensen.decide_bound(claim(text))
    witness = dict(outcome.witness or {})
    assert (witness["T"], witness["avg_gap"], witness["bound"]) == ("7", "1/3", "999997/3000000")


def test_a_quadratic_without_rows_is_computed_exactly() -> None:
    value = Quadratic((), (F(1), F(-1, 2))).value((F(2), F(1)))
    assert (value, type(value)) == (F(3, 2), Fraction)


def test_the_judge_evaluates_a_bound_in_t_at_the_instance_horizon() -> None:
    judge = jensen.GapJudge(claim("avg_gap + 1/T - 1/2").bound)  # wrong exactly for T > 2
    assert judge.violates(jensen.affine_instance(3, F(1)))
    assert not judge.violates(jensen.affine_instance(2, F(1)))


def test_the_scan_draws_1500_points_with_seed_0(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[int, int]] = []

    def record(count: int, seed: int) -> list[tuple[int, Fraction]]:
        asked.append((count, seed))
        return [(2, F(1))]

    monkeypatch.setattr(jensen, "scan_points", record)
    found = jensen.GapJudge(claim("avg_gap/2").bound).scan()
    assert asked == [(1500, 0)]
    assert found is not None and (found.summary.T, found.summary.avg_gap) == (1, 1)
