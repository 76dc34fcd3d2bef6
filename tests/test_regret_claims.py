"""Q3.2 claims: the float bound, candidate order, z3 queries against R and S, the judge."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction

import pytest
import sympy
import z3

from hw2check.expressions import parse_expression
from hw2check.sheet import SYMBOLS
from proofs import regret
from properties.regret import RegretInstance

NAMES = ("eta", "T", "wstar_sq", "sum_v_sq")
R = "wstar_sq/(2*eta) + eta/2*sum_v_sq"


def bound(text: str) -> sympy.Expr:
    return parse_expression(text, {name: SYMBOLS[name] for name in NAMES})


def float_bound(text: str) -> regret.FloatBound:
    return regret.FloatBound(bound(text), regret.BOUND_SYMBOLS)


# --- FloatBound: the bound in floating point, to rank candidates ----------------------------


def test_float_bound_values() -> None:
    value = float_bound("eta*T + wstar_sq - sum_v_sq")(2.0, 3, 1.0, 0.5)
    assert value == 6.5
    whole = float_bound("T")(1.0, 3, 0.0, 0.0)
    assert whole == 3.0 and type(whole) is float


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("sqrt(wstar_sq - 1)", (1.0, 1, 0.0, 0.0)),  # math.sqrt of a negative number
        ("1/(T - 1)", (1.0, 1, 0.0, 0.0)),  # division by zero
        ("(wstar_sq - 1)**(1/3)", (1.0, 1, 0.0, 0.0)),  # a complex power
        ("eta + T", (math.nan, 1, 0.0, 0.0)),  # nan
        ("exp(1000*eta)", (10.0, 1, 0.0, 0.0)),  # beyond floats, not algebraic
        ("eta**1000*sqrt(wstar_sq - 1)", (10.0, 1, 0.0, 0.0)),  # beyond floats, imaginary
        ("eta**1000/(T - 1)", (10.0, 1, 0.0, 0.0)),  # beyond floats, division by zero
        ("eta**1000*sum_v_sq", (10.0, 1, 0.0, math.nan)),  # beyond floats, nan
    ],
)
def test_float_bound_not_a_real_number(text: str, point: tuple[float, ...]) -> None:
    assert float_bound(text)(*point) is None


def test_float_bound_of_a_relation_is_not_a_number() -> None:
    relation: sympy.Expr = sympy.Gt(regret.ETA, 1)
    assert regret.FloatBound(relation, regret.BOUND_SYMBOLS)(2.0, 1, 0.0, 0.0) is None


def test_float_bound_beyond_floats() -> None:
    huge = float_bound("eta**1000")
    assert huge(10.0, 1, 0.0, 0.0) == math.inf
    assert huge(10.0, 1, 0.0, 0.0) == math.inf  # the mpmath function is kept
    assert float_bound("-eta**1001")(10.0, 1, 0.0, 0.0) == -math.inf
    assert float_bound("Abs(eta)**1000")(10.0, 1, 0.0, 0.0) == math.inf
    # beyond floats on the way, but a float in the end: its value, not an infinity
    assert float_bound("eta**400/10**200")(10.0, 1, 0.0, 0.0) == pytest.approx(1e200)
    assert float_bound("5*eta**400/10**100")(10.0, 1, 0.0, 0.0) == math.inf
    assert float_bound("2*eta**400/10**100")(10.0, 1, 0.0, 0.0) == math.inf
    assert float_bound("eta**400/10**100")(10.0, 1, 0.0, 0.0) == pytest.approx(1e300)
    below = float_bound("eta**400/(10**100*(1 + 10**-10))")(10.0, 1, 0.0, 0.0)
    assert below is not None and below < 1e300


def test_float_bound_beyond_floats_complex_with_zero_imaginary_part() -> None:
    # sqrt(-1)*sqrt(-1) is the mpmath complex -1 + 0j: its real part -10**1000, so -inf
    value = float_bound("eta**1000*sqrt(wstar_sq - 1)*sqrt(sum_v_sq - 1)")(10.0, 1, 0.0, 0.0)
    assert value == -math.inf


def test_float_bound_beyond_floats_without_an_imaginary_part() -> None:
    # the mpmath function of a tuple returns a tuple (no ``imag``): not a number, no error
    wide = regret.FloatBound(sympy.Tuple(regret.ETA**1000), regret.BOUND_SYMBOLS)
    assert wide(10.0, 1, 0.0, 0.0) is None


# --- scan: parameters over many scales, then a simpler witness ------------------------------


def test_scan_draws_positive_wstar_sq_and_simplifies_each_parameter() -> None:
    # wrong only where wstar_sq > 0: the scan must draw such points and keep wstar_sq
    found = regret.RegretJudge(bound("eta/2*sum_v_sq")).scan(count=20)
    assert found is not None
    s = found.summary
    assert (s.eta, s.T, s.wstar_sq, s.sum_v_sq) == (
        Fraction(1),
        1,
        Fraction(81829211402499136, 818292114025),
        Fraction(1, 10000),
    )


def test_scan_simplifies_wstar_sq_to_zero() -> None:
    # the point drawn has wstar_sq = 1/25000000: the norms are simplified as rationals (down
    # to 0 here), only T as an integer
    found = regret.RegretJudge(bound("sqrt(T*wstar_sq*sum_v_sq)")).scan(count=50)
    assert found is not None
    s = found.summary
    assert (s.eta, s.T, s.wstar_sq, s.sum_v_sq) == (
        Fraction(1),
        3,
        Fraction(0),
        Fraction(443365544449, 443365544448),
    )


def wrong_only_where(condition: sympy.Basic) -> sympy.Expr:
    """-1 (below every attained regret, which is >= 0) where the condition holds, R + 1 (above
    the supremum) elsewhere."""
    return sympy.Piecewise((-1, condition), (bound(R) + 1, True))


def test_scan_draws_1500_points_by_default() -> None:
    # with seed 0, the 1500th point drawn has T = 78; the 1501st (not drawn) has T = 2423,
    # a horizon no earlier point has
    found = regret.RegretJudge(wrong_only_where(sympy.Eq(regret.T, 78))).scan()
    assert found is not None
    s = found.summary
    assert (s.eta, s.T, s.wstar_sq, s.sum_v_sq) == (Fraction(1), 78, Fraction(0), Fraction(0))
    assert regret.RegretJudge(wrong_only_where(sympy.Eq(regret.T, 2423))).scan() is None


@pytest.mark.parametrize(
    ("symbol", "simplest"),
    [
        (regret.WSTAR_SQ, (1, 1, 0, 1)),  # sum_v_sq simplified from 0 to 1: still wrong there
        (regret.SUM_V_SQ, (1, 1, 0, 0)),
    ],
)
def test_scan_draws_zero_norms(symbol: sympy.Symbol, simplest: tuple[int, ...]) -> None:
    expected = tuple(Fraction(value) for value in simplest)
    # wrong only where the norm is exactly 0: a fifth of the points drawn have it
    found = regret.RegretJudge(wrong_only_where(sympy.Eq(symbol, 0))).scan(count=20)
    assert found is not None
    s = found.summary
    assert (s.eta, Fraction(s.T), s.wstar_sq, s.sum_v_sq) == expected
    assert regret.RegretJudge(wrong_only_where(sympy.Eq(symbol, 1))).scan(count=20) is None


# --- first_verified: clear violations simplest first, then margins near zero -----------------


def test_first_verified_order_and_limits() -> None:
    tried: list[str] = []

    def verify(name: str) -> str | None:
        tried.append(name)
        return None

    def build(name: str) -> Callable[[], Iterable[str]]:
        return lambda: [name]

    candidates: list[regret.Candidate[str]] = [
        (-0.5, (2, 0), build("clear 2")),
        (-0.9, (1, 5), build("clear 1b")),
        (-0.1, (1, 5), build("clear 1c")),
        (-0.2, (1, 0), build("clear 1a")),
        (-regret.CLEAR, (0, 0), build("close -CLEAR")),
        (0.0, (0, 0), build("close 0")),
        (-1e-8, (9, 0), build("close -1e-8 h9")),
        (-1e-8, (3, 0), build("close -1e-8 h3")),
        (regret.NEAR_ZERO, (0, 0), build("fine")),
        (1.0, (0, 0), build("fine 1")),
    ]
    assert regret.first_verified(candidates, verify) is None
    assert tried == [
        "clear 1a",
        "clear 1b",
        "clear 1c",
        "clear 2",
        "close -CLEAR",
        "close -1e-8 h3",
        "close -1e-8 h9",
        "close 0",
    ]
    many = [(-1.0, (i, 0), build(str(i))) for i in range(regret.EXACT_CANDIDATES + 1)]
    tried.clear()
    assert regret.first_verified(many, verify) is None
    assert tried == [str(i) for i in range(regret.EXACT_CANDIDATES)]
    found = regret.first_verified(many, lambda name: name if name in ("3", "5") else None)
    assert found == "3"


# --- the z3 queries: B >= R, and B >= S ------------------------------------------------------


def below_at(text: str, model: Mapping[str, Fraction], target: sympy.Expr) -> bool:
    point = {SYMBOLS[name]: sympy.Rational(model[name]) for name in NAMES}
    return bool(bound(text).xreplace(point) < target.xreplace(point))


def solver_point(
    answer: regret.SolverAnswer, holds: bool, undefined: bool, target: str
) -> dict[str, Fraction] | None:
    """The point z3 reports, after checking the answer's shape and wording (None: unsat)."""
    assert (answer.holds, answer.undefined) == (holds, undefined)
    if holds:
        assert (answer.model, answer.reason) == (None, "unsat")
        return None
    assert answer.model is not None and set(answer.model) == set(NAMES)
    where = ", ".join(f"{name} = {answer.model[name]}" for name in NAMES)
    what = "not a real number" if undefined else f"below {target}"
    assert answer.reason == f"z3: at {where} the bound is {what}"
    assert answer.model["eta"] > 0
    assert answer.model["wstar_sq"] >= 0 and answer.model["sum_v_sq"] >= 0
    return dict(answer.model)


@pytest.mark.parametrize(
    ("text", "holds", "undefined"),
    [
        (R, True, False),
        ("wstar_sq/(2*eta) + eta*sum_v_sq", True, False),
        (f"{R} + 1/eta**2", True, False),
        (f"{R} - 1", False, False),
        (f"3*({R})/4", False, False),
        ("wstar_sq/(2*eta)", False, False),
        ("sqrt(T*wstar_sq*sum_v_sq) + eta/2*sum_v_sq", False, False),
        (f"{R} + 1/wstar_sq", False, True),
        (f"{R} + 1/sum_v_sq", False, True),
        (f"{R} + 1/(T - 1)", False, True),
        (f"{R} + (T - 1)/(T - 2)", False, True),
    ],
)
def test_z3_reference_query(text: str, holds: bool, undefined: bool) -> None:
    answer = regret.z3_reference_query(bound(text), 10_000)
    point = solver_point(answer, holds, undefined, "R")
    if point is None:
        return
    assert point["T"] >= 1
    if not undefined:
        assert below_at(text, point, regret.REFERENCE)


def test_fraction_of_z3_values() -> None:
    assert regret._fraction(z3.RealVal("-3/4")) == Fraction(-3, 4)
    x = z3.Real("x")
    solver = z3.Solver()
    solver.add(x * x == 2, x > 0)
    assert solver.check() == z3.sat
    root = regret._fraction(solver.model().eval(x))  # algebraic: a rational within 10**-20
    assert abs(root - Fraction("1.41421356237309504880")) < Fraction(1, 10**20)
    with pytest.raises(ValueError, match=r"^not a number: 3$"):
        regret._fraction(z3.IntVal(3))


def test_z3_never_below_sets_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    limits: list[tuple[object, ...]] = []

    class Recording(z3.Solver):  # type: ignore[misc]  # z3 ships no types
        def set(self, *args: object, **keys: object) -> None:
            limits.append(args)
            super().set(*args, **keys)

    monkeypatch.setattr(z3, "Solver", Recording)
    assert regret.z3_reference_query(bound(R), 1234).holds
    assert limits == [("timeout", 1234)]


def test_z3_never_below_skips_values_that_are_not_real_numbers() -> None:
    count = sympy.Symbol("count", integer=True)
    env = {count: z3.Int("count"), regret.ETA: z3.Real("eta")}  # an Int model value: skipped
    answer = regret.z3_never_below(
        regret.ETA,
        env,
        [env[regret.ETA] == 1, env[count] == 3],
        lambda value: value < 2,
        1000,
        "two",
    )
    assert answer == regret.SolverAnswer(
        False, {"eta": Fraction(1)}, "z3: at eta = 1 the bound is below two", False
    )


def test_z3_never_below_unknown_does_not_hold() -> None:
    # no positive cubes add up to a cube, but z3 cannot show it within 50 ms
    x, y, z = z3.Ints("x y z")
    answer = regret.z3_never_below(
        regret.ETA,
        {regret.ETA: z3.Real("eta")},
        [x > 0, y > 0, z > 0, x * x * x + y * y * y == z * z * z],
        lambda value: value < 2,
        50,
        "two",
    )
    assert answer == regret.SolverAnswer(False, None, "z3 answered unknown (timeout)")


def test_z3_query_of_an_untranslatable_bound() -> None:
    answer = regret.z3_reference_query(bound("exp(T)"), 1500)
    assert answer == regret.SolverAnswer(False, None, "z3 cannot express the bound (exp)")


LOW = "(1 - sqrt(wstar_sq) + Abs(1 - sqrt(wstar_sq)))/2"
HIGH = "(eta*sqrt(T*sum_v_sq) - sqrt(wstar_sq) + Abs(eta*sqrt(T*sum_v_sq) - sqrt(wstar_sq)))/2"


def supremum_at(model: Mapping[str, Fraction]) -> Fraction | None:
    """S at a model point when its square roots are rational."""
    roots = [regret.sqrt_near(model[name], None) for name in ("wstar_sq", "sum_v_sq", "T")]
    if any(
        root * root != model[name]
        for root, name in zip(roots, ("wstar_sq", "sum_v_sq", "T"), strict=True)
    ):
        return None
    s, q, u = roots
    eta = model["eta"]
    high, low = eta * u * q, (eta * q if model["T"] == 1 else Fraction(0))
    dist = s - high if s > high else (low - s if s < low else Fraction(0))
    return model["wstar_sq"] / (2 * eta) + eta * model["sum_v_sq"] / 2 - dist * dist / (2 * eta)


@pytest.mark.parametrize(
    ("text", "integer_t", "holds", "undefined"),
    [
        (R, False, True, False),
        ("sqrt(T*wstar_sq*sum_v_sq) + eta/2*sum_v_sq", False, True, False),
        ("sqrt(T*wstar_sq*sum_v_sq) + eta/2*sum_v_sq", True, True, False),
        # S = sqrt(wstar_sq*sum_v_sq) for T = 1 (L = U = eta sqrt(sum_v_sq)), S <= R for T >= 2
        (f"sqrt(wstar_sq*sum_v_sq) + (T - 1)*({R})", False, True, False),
        (f"sqrt(wstar_sq*sum_v_sq) + (T - 1)*({R})", True, True, False),
        ("sqrt(T*wstar_sq*sum_v_sq)", False, False, False),
        ("sqrt(T*wstar_sq*sum_v_sq)", True, False, False),
        (f"{R} + (T - 2)*(T - 3)", False, False, False),  # below S for T in (2, 3)
        (f"{R} + (T - 2)*(T - 3)", True, True, False),
        (f"{R} - 1", False, False, False),
        (f"{R} - 1", True, False, False),
        (f"{R} + sum_v_sq - 1", False, False, False),  # below S only for sum_v_sq < 1
        (f"{R} + sum_v_sq - 1", True, False, False),
        (f"{R} + (T - 1)/(T - 2)", False, False, True),  # T = 2 (T in (1, 2) is no horizon)
        (f"{R} + (T - 1)/(T - 2)", True, False, True),
        (f"{R} + 1/wstar_sq", False, False, True),
        # R - max(0, wstar_sq - U^2)/(2 eta): for sqrt(wstar_sq) > U > 0, (s - U)^2 < s^2 - U^2,
        # so below S = R - (s - U)^2/(2 eta) (it would be >= R - (s + U)^2/(2 eta))
        (
            f"{R} - (wstar_sq - eta**2*T*sum_v_sq + Abs(wstar_sq - eta**2*T*sum_v_sq))/(4*eta)",
            False,
            False,
            False,
        ),
        # R - (T - 1)/T min(max(0, 1 - sqrt(wstar_sq)), max(0, U - sqrt(wstar_sq)))^2/(2 eta):
        # below S = R at wstar_sq = 0, T >= 2; it would be >= S if the lower end L of [L, U]
        # were 1 there, not 0
        (
            f"{R} - (T - 1)/T*(({LOW}) + ({HIGH}) - Abs(({LOW}) - ({HIGH})))**2/(8*eta)",
            False,
            False,
            False,
        ),
    ],
)
def test_z3_supremum_query(text: str, integer_t: bool, holds: bool, undefined: bool) -> None:
    answer = regret.z3_supremum_query(bound(text), 10_000, integer_t)
    point = solver_point(answer, holds, undefined, "S")
    if point is None:
        return
    horizon = point["T"]
    assert horizon == 1 or horizon >= 2
    assert not integer_t or horizon.denominator == 1
    target = supremum_at(point)
    if not undefined and target is not None:
        assert below_at(text, point, sympy.Rational(target))


@pytest.mark.parametrize(
    ("text", "integer_t", "reason"),
    [
        (f"{R} - 1", True, "eta = 1, T = 1, wstar_sq = 4, sum_v_sq = 4 the bound is below S"),
        (
            "eta*sqrt(T*sum_v_sq)*sqrt(wstar_sq) - 1",
            True,
            "eta = 1, T = 1, wstar_sq = 0, sum_v_sq = 0 the bound is below S",
        ),
        (
            f"({R} + 1/wstar_sq)/2",
            True,
            "eta = 1/18, T = 1, wstar_sq = 1/4, sum_v_sq = 81 the bound is below S",
        ),
        (
            f"{R} + (T - 1)/(T - 2)",
            False,
            "eta = 1, T = 2, wstar_sq = 0, sum_v_sq = 0 the bound is not a real number",
        ),
        (
            f"{R} + (T - 1)/(T - 2)",
            True,
            "eta = 1, T = 2, wstar_sq = 0, sum_v_sq = 0 the bound is not a real number",
        ),
    ],
)
def test_z3_supremum_query_points(
    recorded_tools: None, text: str, integer_t: bool, reason: str
) -> None:
    """The point z3 reports (it shows in a row's evidence) for the query exactly as posed."""
    answer = regret.z3_supremum_query(bound(text), 10_000, integer_t)
    assert answer.reason == f"z3: at {reason}"


# --- the judge: solver points and parameter points realized exactly ---------------------------


def test_from_model_rounds_the_horizon_both_ways() -> None:
    judge = regret.RegretJudge(bound(f"{R} - 1/2"))
    point = {"eta": Fraction(1), "T": Fraction(5, 2), "wstar_sq": Fraction(0)}
    assert judge.from_model(point) is None  # no sum_v_sq
    for name, value in (("eta", 0), ("wstar_sq", -1), ("sum_v_sq", -1)):
        wrong = {**point, "sum_v_sq": Fraction(1), name: Fraction(value)}
        assert judge.from_model(wrong) is None
    found = judge.from_model({**point, "sum_v_sq": Fraction(0)})
    assert found is not None
    assert (found.instance.T, found.instance.eta) == (2, Fraction(1))
    assert found.summary.regret == 0
    found = judge.from_model({**point, "T": Fraction(1, 2), "sum_v_sq": Fraction(0)})
    assert found is not None and found.instance.T == 1


def test_at_points_skips_points_outside_the_domain() -> None:
    judge = regret.RegretJudge(bound(f"{R} - 1/2"))
    one, zero = Fraction(1), Fraction(0)
    for point in (
        (one, 0, zero, zero),
        (one, regret.MAX_T + 1, zero, zero),
        (zero, 1, zero, zero),
        (one, 1, -one, zero),
        (one, 1, zero, -one),
    ):
        assert judge.at_points([point]) is None
    # a point outside the domain, or too large for floats, is skipped: the next one is tried
    huge = Fraction(10**400)
    for skipped in ((one, 0, zero, zero), (one, 1, huge, zero), (huge, 1, zero, zero)):
        found = judge.at_points([skipped, (one, 2, zero, zero)])
        assert found is not None
        assert (found.instance.T, found.summary.wstar_sq) == (2, Fraction(0))
    found = judge.at_points([(one, regret.MAX_T, zero, zero)])
    assert found is not None and found.instance.T == regret.MAX_T
    found = judge.at_points([(Fraction(1, 2), 1, one, one)])
    assert found is not None
    assert (found.instance.eta, found.summary.wstar_sq, found.summary.sum_v_sq) == (
        Fraction(1, 2),
        Fraction(1),
        Fraction(1),
    )


def test_violates_only_beyond_the_bound() -> None:
    tight = RegretInstance(Fraction(1), ((Fraction(1),),), (Fraction(-1),))  # regret 1 = R
    assert not regret.RegretJudge(bound(R)).violates(tight)
    assert regret.RegretJudge(bound(f"{R} - 1/10**12")).violates(tight)
    assert not regret.RegretJudge(bound(f"{R} + 1/10**12")).violates(tight)
    assert not regret.RegretJudge(bound(f"{R} + 1/(T - 1)")).violates(tight)
    assert not regret.RegretJudge(bound(f"{R} - 1 + 1/(T - 1)")).violates(tight)


def test_from_model_at_one_tries_only_one() -> None:
    judge = regret.RegretJudge(bound(f"{R} + 1 - T"))  # R at T = 1, below R for T >= 2
    point = {"eta": Fraction(1), "T": Fraction(1), "wstar_sq": Fraction(0), "sum_v_sq": Fraction(0)}
    assert judge.from_model(point) is None
    assert judge.from_model({**point, "T": Fraction(1, 2)}) is None
    found = judge.from_model({**point, "T": Fraction(3, 2)})
    assert found is not None and found.instance.T == 2
