"""The search for a counterexample to an equality: domains, scan points, shrinking."""

from __future__ import annotations

import sympy

from hw2check.domain import in_domain
from hw2check.equality import _Comparison, scan, scan_points, shrink, simpler_values

T = sympy.Symbol("T", integer=True, positive=True)
LAM = sympy.Symbol("lam", positive=True)
X = sympy.Symbol("x", nonnegative=True)
N = sympy.Symbol("n", integer=True, nonnegative=True)
W = sympy.Symbol("w", real=True)
R = sympy.Rational


def test_values_are_in_a_domain_exactly_when_they_meet_its_assumptions() -> None:
    table = [
        (T, R(2), True), (T, R(1, 2), False), (T, R(0), False), (T, R(-1), False),
        (LAM, R(1, 3), True), (LAM, R(0), False), (LAM, R(-1, 3), False),
        (X, R(0), True), (X, R(1, 2), True), (X, R(-1, 2), False),
        (N, R(0), True), (N, R(1, 2), False), (N, R(3), True),
        (W, R(-5, 2), True), (W, R(0), True),
    ]  # fmt: skip
    assert [in_domain(symbol, value) for symbol, value, _ in table] == [ok for *_, ok in table]


def test_scan_points_are_reproducible_from_the_seed() -> None:
    assert list(scan_points([T, LAM, X, W], count=4)) == [
        {T: 116555, LAM: R(93, 2500), X: R(279, 500), W: R(7, 2500)},
        {T: 1066, LAM: 40200, X: R(39, 10), W: -13700},
        {T: 680, LAM: R(13, 200), X: R(193, 500), W: -30000000},
        {T: 3, LAM: 6000, X: 804000, W: R(-7, 10000)},
    ]
    assert list(scan_points([W], count=3, seed=1)) != list(scan_points([W], count=3))


def test_scan_points_cover_both_signs_zero_and_nine_decades_each_way() -> None:
    points = list(scan_points([T, X, W]))
    assert len(points) == 2000
    assert all(in_domain(s, v) for point in points for s, v in point.items())
    steps = [point[T] for point in points]
    assert min(steps) == 1 and 10**5 < max(steps) <= 10**6
    assert 100 < sum(point[X] == 0 for point in points) < 300  # about one in ten
    reals = [point[W] for point in points]
    assert 800 < sum(bool(v < 0) for v in reals) < 1200  # about half
    sizes = [abs(v) for v in reals if v != 0]
    assert R(1, 10**9) <= min(sizes) < R(1, 10**8) and 10**8 < max(sizes) <= 10**9

    def digits(v: sympy.Rational) -> int:  # significant digits needed to write v
        return next(d for d in range(1, 20) if R(f"{float(v):.{d}g}") == v)

    assert {digits(v) for v in sizes} == {1, 2, 3, 4}


def test_simpler_values_go_from_small_integers_to_the_value_s_leading_digits() -> None:
    assert list(simpler_values(R(-12345, 1000))) == [0, 1, -1, 2, -2, -10, -10, -12, R(-123, 10)]
    assert list(simpler_values(R(345, 1000))) == [0, 1, -1, 2, -2, R(1, 10), R(3, 10),
                                                   R(34, 100), R(345, 1000)]  # fmt: skip
    assert list(simpler_values(R(0))) == [0, 1, -1, 2, -2, 0, 0, 0]


def test_shrinking_keeps_a_difference_and_takes_the_simplest_value_in_the_domain() -> None:
    everywhere = _Comparison(W + LAM + 1, W + LAM)  # differ by 1 at every point
    assert shrink(everywhere, {W: R(123456, 1000), LAM: R(55, 10)}) == {W: 0, LAM: 1}
    assert shrink(everywhere, {W: R(0), LAM: R(1)}) == {W: 0, LAM: 1}
    # claim and reference differ only where w > 100: each step keeps a differing point
    only_large = _Comparison(sympy.Max(W, 100), sympy.Integer(100))
    assert shrink(only_large, {W: R(123456, 1000)}) == {W: 120}
    positive_only = _Comparison(sympy.Abs(W), W)  # differ where w < 0
    assert shrink(positive_only, {W: R(-5, 3)}) == {W: -1}


def test_the_scan_tries_exactly_20_points_and_counts_each_exact_agreement() -> None:
    # equal, but floating point sees differences at large x: each tried point agrees exactly
    comparison = _Comparison((W + 1) ** 2, W**2 + 2 * W + 1)
    assert scan(comparison, [W]) is None
    assert (comparison.agreed, comparison.numeric, comparison.uncertain) == (20, 0, 0)


def test_the_scan_tries_no_point_where_floating_point_sees_no_difference() -> None:
    comparison = _Comparison(W, W)
    assert scan(comparison, [W]) is None
    assert comparison.agreed == 0


def test_the_scan_goes_on_past_a_point_where_floating_point_fails() -> None:
    first = next(iter(scan_points([W])))[W]  # 1/(x - first) divides by zero there
    comparison = _Comparison(1 / (W - first), sympy.Integer(0))
    assert scan(comparison, [W]) == ({W: 0}, (-1 / first, 0))


def test_a_claim_of_minus_infinity_differs_from_a_number() -> None:
    p = sympy.Symbol("p", positive=True)
    assert _Comparison(-sympy.oo * p, p).differs_at({p: sympy.Integer(1)}) == (-sympy.oo, 1)
