"""The building blocks of ``decide_equal``, value by value: grid, cost estimate, definedness,
certified signs and how evidence shows long values."""

from __future__ import annotations

import types

import pytest
import sympy

from hw2check import equality
from hw2check.equality import (
    Sign,
    _digits,
    affordable,
    agrees_numerically,
    candidates,
    certified_nonzero,
    certified_sign,
    decide_equal,
    expanded_terms,
    grid,
    is_symbolically_zero,
    show,
    surely_defined,
)
from hw2check.ledger import Verdict

T = sympy.Symbol("T", integer=True, positive=True)
LAM = sympy.Symbol("lam", positive=True)
X = sympy.Symbol("x", nonnegative=True)
W = sympy.Symbol("w", real=True)
A, B = sympy.symbols("a b")
R = sympy.Rational
HUGE = sympy.exp(sympy.exp(sympy.exp(10000)))


def test_each_domain_has_its_candidates_small_first() -> None:
    assert list(candidates(T)) == [1, 2, 3, 5, 10]
    assert list(candidates(LAM)) == [1, 2, R(1, 2), 3, R(1, 3), 5, R(1, 5), R(7, 2)]
    assert list(candidates(X)) == [0, *candidates(LAM)]
    assert list(candidates(W)) == [0, 1, -1, 2, -2, R(1, 2), R(-1, 2), 3, -3, R(1, 3), 5]


def test_the_grid_takes_small_values_first_and_stops_at_its_limit() -> None:
    assert [list(p.values()) for p in grid([W, LAM], limit=7)] == [
        [0, 1], [0, 2], [1, 1], [1, 2], [0, R(1, 2)], [1, R(1, 2)], [-1, 1]
    ]  # fmt: skip
    assert (len(list(grid([W, LAM]))), len(list(grid([T]))), list(grid([]))) == (88, 5, [{}])
    assert len(list(grid([W, LAM, X, T], limit=30))) == 30


@pytest.mark.parametrize(
    ("expression", "terms"),
    [
        (W, 1),
        (W + 1, 2),
        ((W + 1) ** 2, 3),
        ((W + LAM + 1) ** 3, 10),
        ((W + 1) ** -2, 3),
        ((W + 1) ** 50, 51),
        (W**2000, 1),
        (W**LAM, 2),
        (2**W, 2),
        ((W + 1) * (LAM + 1) * (T + 1), 8),
        (sympy.exp(W + 1), 2),
        ((A + B) ** 10000, 10001),
        ((A + B) ** 10001, 10**10),
        ((A + B + W) ** 27, 406),
        # a product stops at its first partial estimate above 10**9: 2**30, not 2**31
        (sympy.Mul(*(s + 1 for s in sympy.symbols("s0:31"))), 2**30),
        (sum(sympy.symbols("u0:50")) ** 2, 10**10),  # a base of 50 terms or more: 10**10
        (sympy.Function("f")(), 1),  # neither an atom nor with arguments: one term
    ],
)
def test_the_expansion_estimate(expression: sympy.Expr, terms: int) -> None:
    assert expanded_terms(expression) == terms


def test_affordable_is_at_most_400_terms() -> None:
    assert affordable((A + B) ** 399) and not affordable((A + B) ** 400)
    assert affordable((A + B + W) ** 26) and not affordable((A + B + W) ** 27)
    assert affordable((A + B) ** 59, 60) and not affordable((A + B) ** 60, 60)


@pytest.mark.parametrize(
    ("expression", "defined"),
    [
        (1 / W, False),
        (1 / LAM, True),
        (sympy.sqrt(W), False),
        (sympy.sqrt(X), True),
        (1 / sympy.sqrt(X), False),
        (1 / sympy.sqrt(LAM), True),
        (W ** R(1, 3), False),
        (sympy.log(W), False),
        (sympy.log(LAM), True),
        (sympy.tan(W), False),
        (sympy.tan(sympy.Integer(1)), True),
        (W**LAM, False),
        (LAM**W, True),
        (X**W, False),
        (LAM**sympy.I, False),
        (sympy.exp(W) + sympy.sin(W) + sympy.cos(W) + sympy.Abs(W), True),
        (sympy.sign(W), False),
        (sympy.zoo, False),
        (1 / (1 + W**2), True),
    ],
)
def test_surely_defined(expression: sympy.Expr, defined: bool) -> None:
    assert surely_defined(expression) is defined


def test_long_values_are_shown_by_their_leading_digits_or_their_two_ends() -> None:
    assert show(R(10) ** 70) == "1.00000000000000E+70 (a rational of about 71 digits)"
    assert show(R(1, 3) ** 200) == "3.76486194959903E-96 (a rational of about 96 digits)"
    assert show(sympy.Integer(2) ** 199) == "8.03469022129495E+59 (a rational of about 61 digits)"
    assert show(sympy.Integer(2) ** 190) == str(2**190)
    assert show(sympy.sqrt(2) ** 401) == str(sympy.sqrt(2) ** 401)
    long = sum(W**k for k in range(80))
    text = show(long)
    assert text.startswith("w**79 + w**78 + ") and text.endswith("w**2 + w + 1 (621 characters)")
    assert len(text) == 100 + 5 + 100 + len(" (621 characters)")
    number = sympy.sqrt(2) ** 1401  # 211 digits times sqrt(2): 219 characters
    assert show(number) == f"{sympy.N(number, 15)} (exact form of {len(str(number))} characters)"
    assert show(W, lambda v: "described") == "described"
    assert (_digits(R(10) ** 70), _digits(R(1, 7))) == (71, 1)


@pytest.mark.parametrize(
    ("value", "sign"),
    [
        (sympy.Float(0.5), 1),
        (R(-2, 3), -1),
        (sympy.Integer(0), 0),
        (sympy.sqrt(2) - 1, 1),
        (1 - sympy.sqrt(2), -1),
        (sympy.pi - 3, 1),
        (sympy.zoo, None),
        (sympy.I, None),
        (sympy.sin(1) ** 2 + sympy.cos(1) ** 2 - 1, None),
        (HUGE, None),
    ],
)
def test_certified_signs(value: sympy.Expr, sign: int | None) -> None:
    assert certified_sign(value).sign == sign


def test_certified_signs_keep_the_exact_value_and_certify_an_unevaluated_zero() -> None:
    assert certified_sign(sympy.Float(0.5)) == Sign(1, R(1, 2))  # the float read exactly
    assert certified_sign(R(-2, 3)) == Sign(-1, R(-2, 3))
    zero = sympy.Mul(0, sympy.sqrt(2), evaluate=False)  # certified evaluation gives exactly 0
    assert zero.evalf(50, strict=True) == 0 and certified_sign(zero) == Sign(0, zero)


def test_an_exact_zero_from_evaluation_alone_is_no_certified_zero() -> None:
    # 0*tan(pi/2) is 0 times a pole: certified evaluation gives exactly 0, yet SymPy does not
    # know the value is 0 (it is not: tan(pi/2) has no value), so no sign is certified
    pole = sympy.Mul(0, sympy.tan(sympy.pi / 2, evaluate=False), evaluate=False)
    assert pole.evalf(50, strict=True) == 0 and pole.is_zero is not True
    assert certified_sign(pole) == Sign(None, pole)


def test_anything_with_oo_in_it_has_no_certified_sign() -> None:
    # each is a real number SymPy would evaluate (to 0 and to pi/2): oo makes it undefined here
    for value in (
        sympy.Pow(R(1, 2), sympy.oo, evaluate=False),
        sympy.atan(sympy.oo, evaluate=False),
    ):
        assert certified_sign(value) == Sign(None, value)


def test_a_sign_is_certified_to_50_digits_not_merely_to_15() -> None:
    # sin(10**80) is certified to 15 digits within SymPy's working precision, not to 50
    far = sympy.sin(sympy.Integer(10) ** 80)
    assert far.evalf(15, strict=True) != 0
    with pytest.raises(sympy.core.evalf.PrecisionExhausted):
        far.evalf(50, strict=True)
    assert certified_sign(far) == Sign(None, far)


@pytest.mark.parametrize(
    ("value", "nonzero"),
    [
        (R(0), False),
        (R(1, 3), True),
        (sympy.sqrt(2) - 1, True),
        (sympy.I, True),
        (sympy.sqrt(2) - sympy.sqrt(2) * sympy.I, True),
        (sympy.sin(1) ** 2 + sympy.cos(1) ** 2 - 1, None),
        (W, None),
        (sympy.zoo, None),
        (HUGE, None),
    ],
)
def test_certified_nonzero(value: sympy.Expr, nonzero: bool | None) -> None:
    assert certified_nonzero(value) is nonzero


def test_numerical_agreement_is_below_ten_to_the_minus_forty() -> None:
    assert agrees_numerically(sympy.Integer(10) ** -41)
    assert not agrees_numerically(sympy.Integer(10) ** -39)
    assert not agrees_numerically(sympy.zoo) and not agrees_numerically(W)


def test_numerical_agreement_is_judged_at_fifty_digits_not_fifteen() -> None:
    # exactly 0, as 10**100*sin(1)**2 + 10**100*cos(1)**2 - 10**100: at 15 digits the
    # cancellation of 100 digits leaves about 1e-24, at 50 digits less than 1e-40
    zero = sympy.expand(sympy.Integer(10) ** 100 * (sympy.sin(1) ** 2 + sympy.cos(1) ** 2 - 1))
    assert abs(complex(zero.evalf(15))) > 1e-30
    assert agrees_numerically(zero)


def test_symbolic_zero_uses_simplify_only_when_asked_and_affordable() -> None:
    trig = sympy.sin(W) ** 2 + sympy.cos(W) ** 2 - 1
    assert is_symbolically_zero(trig) and not is_symbolically_zero(trig, slow=False)
    assert is_symbolically_zero((W + 1) ** 2 - W**2 - 2 * W - 1, slow=False)
    assert is_symbolically_zero(sympy.Integer(0))
    assert not is_symbolically_zero((A + B) ** 1000 - (A + B) ** 1000 + 1)
    assert not is_symbolically_zero(W)


def test_certified_nonzero_leaves_nan_uncertified() -> None:
    assert certified_nonzero(sympy.nan) is None


def test_decide_equal_evidence_word_for_word() -> None:
    shown = decide_equal(W + 1, W + 1, symbols=[W], describe=lambda e: f"<{e}>")
    assert (shown.verdict, shown.method, shown.evidence) == (
        Verdict.PROVED,
        "SymPy simplification",
        "<w + 1> - (<w + 1>) simplifies to 0",
    )
    p = sympy.Symbol("p", positive=True)
    infinite = decide_equal(sympy.oo * p, p, symbols=[p])
    assert infinite.evidence == (
        "at p = 1: the claim is not defined (it evaluates to oo: a division by zero or the "
        "like), the truth is 1"
    )
    far = decide_equal(sympy.Max(W, 1000), sympy.Max(W, 1000) + sympy.Max(W - 2000, 0), symbols=[W])
    assert (far.method, far.witness) == (
        "floating-point scan, difference re-verified by exact substitution",
        {"w": "100000000"},
    )
    nowhere = decide_equal(sympy.log(-(W**2) - 1), sympy.log(-(W**2) - 1), symbols=[W])
    assert (nowhere.verdict, nowhere.method, nowhere.evidence) == (
        Verdict.UNDECIDED,
        "SymPy simplification",
        "no symbolic proof and no point where both are defined",
    )


def test_a_refutation_describes_the_truth_as_it_describes_the_claim() -> None:
    wrong = decide_equal(W + 1, W, symbols=[W], describe=lambda e: f"<{e}>")
    assert (wrong.verdict, wrong.method, wrong.evidence) == (
        Verdict.REFUTED,
        "SymPy exact substitution",
        "at w = 0: the claim gives <1>, the truth is <0> (claim - truth ~ 1.00)",
    )


def test_points_that_agree_only_numerically_are_counted_word_for_word() -> None:
    # sin(1)**2 + cos(1)**2 - 1 is 0, but SymPy cannot certify it: sign(w) makes the claim
    # not surely defined (so no simplify), exactly w at w = 0 and agreeing to 50 digits at
    # the 10 other grid points
    tiny = sympy.sin(1) ** 2 + sympy.cos(1) ** 2 - 1
    some = decide_equal(W + tiny * sympy.sign(W), W, symbols=[W])
    assert (some.verdict, some.method, some.evidence) == (
        Verdict.CHECKED,
        "exact substitution on a grid of rationals",
        "claim and reference agree at 11 grid points (10 of them to 50 digits, not exactly); "
        "no symbolic proof found",
    )
    comparison = equality._Comparison(W + tiny, W)
    assert comparison.differs_at({W: sympy.Integer(1)}) is None
    assert (comparison.agreed, comparison.numeric, comparison.uncertain) == (0, 1, 0)


def test_a_wrong_claim_is_refuted_before_simplify_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(expression: sympy.Expr) -> sympy.Expr:
        raise AssertionError("simplify ran")

    monkeypatch.setattr(sympy, "simplify", refuse)
    wrong = decide_equal(W + 1, W, symbols=[W])
    assert (wrong.verdict, wrong.witness) == (Verdict.REFUTED, {"w": "0"})


def test_a_difference_too_large_to_print_is_named_not_printed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hw2check.equality import _gap, decide_equal

    assert _gap(R(1, 4)) == "claim - truth ~ 0.250"
    small = decide_equal(W + R(1, 4), W, symbols=[W])
    assert small.evidence.endswith("(claim - truth ~ 0.250)")

    def too_long(value: object, digits: int) -> str:  # as str() of an exponent of 10**9565
        raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")

    monkeypatch.setattr(sympy, "N", too_long)
    assert _gap(R(1, 4)) == "claim - truth too large to print"


def test_points_that_cannot_be_evaluated_are_counted_word_for_word() -> None:
    # HUGE overflows every evaluation: the claim is exactly w at the 8 grid points w <= 1, and
    # at w = 2, 3, 5 the difference cannot be certified (a Piecewise, so that no arithmetic on
    # HUGE happens during substitution, which SymPy may try to order by evaluating it)
    some = decide_equal(sympy.Piecewise((W, W <= 1), (HUGE, True)), W, symbols=[W])
    assert (some.verdict, some.method, some.evidence) == (
        Verdict.CHECKED,
        "exact substitution on a grid of rationals",
        "claim and reference agree at 8 grid points; at 3 more the difference could not be "
        "evaluated reliably; no symbolic proof found",
    )
    none = decide_equal(HUGE, W, symbols=[W])
    assert (none.verdict, none.method, none.evidence) == (
        Verdict.UNDECIDED,
        "SymPy simplification and certified evaluation",
        "no symbolic proof, and at all 11 grid points where both are defined the difference "
        "could not be certified (a value too large or too close to zero to evaluate)",
    )


class _Unsubstitutable:
    """A claim whose substitution fails, as SymPy's can overflow in some evaluation orders."""

    def xreplace(self, rule: object) -> sympy.Basic:
        raise OverflowError("int too large to convert to float")


def test_a_point_where_substitution_fails_is_counted_as_uncertain() -> None:
    w = sympy.Symbol("w", real=True)
    comparison = equality._Comparison(_Unsubstitutable(), w)
    assert comparison.differs_at({w: sympy.Integer(0)}) is None
    assert (comparison.agreed, comparison.numeric, comparison.uncertain) == (0, 0, 1)


def test_a_point_where_the_difference_has_no_value_is_counted_as_uncertain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No claim is known to get here (both values are finite), but if expanding their
    # difference ever gave nan, the point would be neither an agreement nor a difference.
    monkeypatch.setattr(sympy, "expand", lambda value: sympy.nan)
    w = sympy.Symbol("w", real=True)
    comparison = equality._Comparison(w + 1, w)
    assert comparison.differs_at({w: sympy.Integer(0)}) is None
    assert (comparison.agreed, comparison.numeric, comparison.uncertain) == (0, 0, 1)


def test_a_value_with_a_symbol_left_in_it_has_no_certified_sign() -> None:
    # certified evaluation of w + 1 leaves w + 1.0, a real value but no number: no sign
    assert certified_sign(W + 1) == Sign(None, W + 1)


def test_a_product_is_estimated_past_exactly_ten_to_the_nine() -> None:
    # ten factors of ten terms: after nine the estimate is exactly 10**9, not above it, so
    # the tenth factor still counts
    factors = [sum(sympy.symbols(f"s{i}_0:10")) for i in range(10)]
    assert expanded_terms(sympy.Mul(*factors)) == 10**10


def test_simplify_runs_only_up_to_60_terms_not_400() -> None:
    # 3 * 21 = 63 estimated terms: affordable for expand and cancel, which do not see the
    # zero, and too many for simplify, which would
    trig = sympy.sin(W) ** 2 + sympy.cos(W) ** 2 - 1
    wide = trig * sum(sympy.symbols("u0:21"))
    assert expanded_terms(wide) == 63 and sympy.simplify(wide) == 0
    assert not is_symbolically_zero(wide)


def test_a_defined_power_does_not_end_the_definedness_check() -> None:
    # lam**w is a number everywhere; the log(w) after it in the traversal is not
    assert list(sympy.preorder_traversal(LAM**W + sympy.log(W)))[1] == LAM**W
    assert surely_defined(LAM**W + sympy.log(W)) is False


def test_a_value_whose_exact_form_cannot_be_printed_is_shown_to_15_digits() -> None:
    value = sympy.Integer(3) ** 10000 + W  # str() refuses an integer of 4,772 digits
    assert show(value) == "w + 1.63135018534263e+4771 (exact form too long to print)"


def test_a_scan_value_is_negative_only_when_the_draw_is_below_one_half(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Half:
        """A generator whose every draw is exactly 1/2 (uniform: 0, so magnitude 1)."""

        def __init__(self, seed: int) -> None:
            pass

        def random(self) -> float:
            return 0.5

        def uniform(self, low: float, high: float) -> float:
            return 0.0

        def randint(self, low: int, high: int) -> int:
            return 1

    monkeypatch.setattr(equality, "random", types.SimpleNamespace(Random=Half))
    assert list(equality.scan_points([W], count=1)) == [{W: 1}]
