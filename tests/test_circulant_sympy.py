# ruff: noqa: E501
"""Q5a by SymPy for symbolic n: the delta-sum derivation, its helpers, and both engines of the row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sympy

from hw2check.ledger import Verdict
from proofs import circulant as q5
from tests.test_circulant_exact import MAIN_OUTPUT

MS = 5000
Delta, Mod = sympy.KroneckerDelta, sympy.Mod
METHOD = (
    "z3 (index arithmetic mod symbolic n, uninterpreted generator), SymPy (delta sums, "
    "symbolic n) and explicit label maps"
)


def entry(function: Callable[[sympy.Expr, sympy.Expr, sympy.Expr], sympy.Expr]) -> q5.Entry:
    return function


# --- the derivations as printed


@pytest.mark.parametrize(
    "derive", [q5.derive_circulant_shift_commute, q5.derive_shift_commutant_key_step]
)
def test_derivations_hold_and_are_printed_exactly(derive: Callable[[], q5.Derivation]) -> None:
    derivation = derive()
    assert derivation.holds and derivation.failures == []
    assert derivation.text() in MAIN_OUTPUT.split("\n\n")
    assert all(step.holds for step in derivation.steps)


def test_assumptions_are_printed_once() -> None:
    assert MAIN_OUTPUT.count(q5.SYMPY_ASSUMPTIONS) == 1
    assert f"In the SymPy derivations, {q5.SYMPY_ASSUMPTIONS}.\n\n" in MAIN_OUTPUT


def test_derivation_steps_exactly() -> None:
    steps = q5.derive_circulant_shift_commute().steps
    assert [(s.name, s.by) for s in steps] == [
        ("residue rule", "SymPy with m = r, n = r + s + 1"),
        ("(CS)_ij", "SymPy (as_poly)"),
        ("reindex", "SymPy (subs)"),
        ("(CS)_ij", "SymPy (deltasummation)"),
        ("condition", "SymPy with j = r, n = r + s + 1 (j is a residue: by assumption)"),
        ("(SC)_ij", "SymPy (deltasummation)"),
        (
            "condition",
            "SymPy with Mod(i + 1, n) = r, n = r + s + 1 (Mod(i + 1, n) is a residue: a remainder)",
        ),
        ("CS - SC", "SymPy (simplify)"),
    ]
    assert steps[1].result == q5.NOT_ON_K
    assert steps[-1].result == "0"


# --- the SymPy engine has teeth: wrong definitions are not derived


def test_a_noncyclic_shift_leaves_its_range_conditions_unshown() -> None:
    """S_ab = [b = a + 1] without the wrap: the last row of S is zero, CS != SC."""
    derivation = q5.derive_circulant_shift_commute(entry(lambda a, b, n: Delta(b, a + 1)))
    assert not derivation.holds
    assert derivation.failures == [
        "condition: not shown to be True",
        "condition: not shown to be True",
        "CS - SC: Piecewise((0, (i >= -1) & (j >= 1) & (j <= n) & (i - n <= -2)), (-c[Mod(-i + j + n - 1, n)], (i >= -1) & (i - n <= -2)), (c[Mod(-i + j + n - 1, n)], (j >= 1) & (j <= n)), (0, True))",
    ]
    assert [s.given for s in derivation.steps if not s.holds][:2] == [
        "(j >= 1) & (j <= n)",
        "(i >= -1) & (i <= n - 2)",
    ]


@pytest.mark.parametrize(
    ("shift", "failures"),
    [
        (
            entry(lambda a, b, n: Delta(b, Mod(-a, n))),  # the reversal, a permutation
            ["CS - SC: c[Mod(-i - j, n)] - c[Mod(i + j, n)]"],
        ),
        (
            entry(lambda a, b, n: Delta(b, Mod(2 * a, n))),  # a ↦ 2a: no reindexing by ±k
            [
                "reindex: no Kronecker delta on Mod(k + b, n) or Mod(-k + b, n) to reindex by",
                "CS - SC: -c[Mod(-2*i + j, n)] + Sum(KroneckerDelta(j, Mod(2*k, n))*c[Mod(-i + k, n)], (k, 0, n - 1))",
            ],
        ),
        (
            entry(lambda a, b, n: Delta(b, Mod(a + 1, n) / 2)),  # a delta on a non-integer
            [
                "(CS)_ij: not known to be integers",
                "(SC)_ij: not known to be integers",
                "CS - SC: Piecewise((-c[Mod(j - Mod(i + 1, n)/2, n)] + Sum(KroneckerDelta(j, (Mod(k + 1, n))/2)*c[Mod(-i + k, n)], (k, 0, n - 1)), n >= (Mod(i + 1, n))/2 + 1), (Sum(KroneckerDelta(j, (Mod(k + 1, n))/2)*c[Mod(-i + k, n)], (k, 0, n - 1)), True))",
            ],
        ),
    ],
)
def test_wrong_shifts_are_not_derived(shift: q5.Entry, failures: list[str]) -> None:
    derivation = q5.derive_circulant_shift_commute(shift)
    assert not derivation.holds and derivation.failures == failures
    assert derivation.text().endswith("\n  => NOT SHOWN, a step failed: " + derivation.conclusion)


@pytest.mark.parametrize(
    "shift",
    [
        entry(lambda a, b, n: Delta(b, Mod(a - 1, n))),  # S⁻¹
        entry(lambda a, b, n: Delta(b, Mod(a + 2, n))),  # S²
        entry(lambda a, b, n: Delta(b, a)),  # I
        entry(lambda a, b, n: Delta(a, Mod(b + 1, n))),  # S⁻¹ again, the delta the other way
    ],
)
def test_powers_of_the_shift_are_derived_too(shift: q5.Entry) -> None:
    """Circulants commute with every power of S: a wrong-looking shift that is a power of S
    must still be derived (the engine computes, it does not match the definition)."""
    derivation = q5.derive_circulant_shift_commute(shift)
    assert derivation.holds, derivation.failures
    assert derivation.steps[-1].result == "0"


@pytest.mark.parametrize(
    ("circulant", "difference"),
    [
        (
            entry(lambda a, b, n: sympy.IndexedBase("c")[Mod(a + b, n)]),  # anti-circulant
            "-c[Mod(i + j + 1, n)] + c[Mod(i + j + n - 1, n)]",
        ),
        (
            entry(lambda a, b, n: sympy.IndexedBase("c")[b - a]),  # Toeplitz: no wrap
            "c[-i + Mod(j + n - 1, n)] - c[j - Mod(i + 1, n)]",
        ),
        (
            entry(lambda a, b, n: sympy.IndexedBase("c")[Mod(b - a, n + 1)]),  # wrong modulus
            "c[Mod(-i + Mod(j + n - 1, n), n + 1)] - c[Mod(j - Mod(i + 1, n), n + 1)]",
        ),
    ],
)
def test_wrong_circulants_are_not_derived(circulant: q5.Entry, difference: str) -> None:
    derivation = q5.derive_circulant_shift_commute(circulant=circulant)
    assert derivation.failures == [f"CS - SC: {difference}"]


def test_the_transposed_circulant_is_a_circulant_and_is_derived() -> None:
    derivation = q5.derive_circulant_shift_commute(
        circulant=entry(lambda a, b, n: sympy.IndexedBase("c")[Mod(a - b, n)])
    )
    assert derivation.holds
    assert derivation.conclusion == (
        "(CS)_ij = (SC)_ij = c[Mod(i - j + 1, n)] for all residues i, j, every n >= 1 and "
        "every generator c"
    )


def test_the_key_step_of_5b_fails_for_the_reversal() -> None:
    derivation = q5.derive_shift_commutant_key_step(entry(lambda a, b, n: Delta(b, Mod(-a, n))))
    assert derivation.failures == [
        "BS = SB ⇒ invariance: B(i, Mod(-j + n - 1, n)) = B(Mod(-i, n), Mod(j + 1, n))",
        "invariance ⇒ BS = SB: B(i, Mod(j + n - 1, n)) = B(Mod(i + 1, n), j)",
    ]


# --- the helpers, one rule at a time


def test_with_slack_covers_a_residue_and_n() -> None:
    ix = q5.indices()
    r, s = sympy.symbols("r s", integer=True, nonnegative=True)
    assert q5.with_slack(ix.n - ix.i, ix.i, ix.n) == s + 1
    assert q5.with_slack(ix.n, ix.i, ix.n).is_integer  # r, s are integers
    assert q5.with_slack(Mod(ix.i + 1, ix.n) + ix.n, Mod(ix.i + 1, ix.n), ix.n) == 2 * r + s + 1
    assert q5.with_slack(ix.j <= ix.n - 1, ix.j, ix.n) is sympy.true
    assert str(q5.with_slack(ix.j <= ix.n - 2, ix.j, ix.n)) == "r <= r + s - 1"


def test_residue_rule_step() -> None:
    step = q5.residue_rule(q5.indices())
    assert step == q5.Step(
        "residue rule",
        "Eq(Mod(m, n), m) for an integer 0 <= m <= n - 1",
        "SymPy with m = r, n = r + s + 1",
        "True",
        True,
    )


def test_residue_terms_are_the_remainders_mod_n_then_i_and_j() -> None:
    ix = q5.indices()
    n, i, j = ix.n, ix.i, ix.j
    condition = (Mod(j, n) + Mod(i + 1, n) + Mod(i, n + 1) + i + j + ix.k) >= 0
    assert q5.residue_terms(condition, ix) == [Mod(i + 1, n), Mod(j, n), i, j]
    assert q5.residue_terms(ix.k >= 0, ix) == []


def test_condition_step_shows_true_or_fails() -> None:
    ix = q5.indices()
    shown = q5.condition_step(sympy.And(ix.i >= 0, ix.i <= ix.n - 1), ix)
    assert shown == q5.Step(
        "condition",
        "(i >= 0) & (i <= n - 1)",
        "SymPy with i = r, n = r + s + 1 (i is a residue: by assumption)",
        "True",
    )
    # the first residue term, Mod(i + 1, n), does not show it; the last one, j, does
    second = q5.condition_step(sympy.And(ix.j <= ix.n - 1, Mod(ix.i + 1, ix.n) >= ix.j - ix.n), ix)
    assert second.holds and second.by.startswith("SymPy with j = r")
    # one residue at a time: a condition that needs both i and j is not shown
    both = q5.condition_step(sympy.And(ix.j <= ix.n - 1, ix.n >= ix.i + 1), ix)
    assert not both.holds
    failed = q5.condition_step(ix.i <= ix.n - 2, ix)
    assert failed == q5.Step(
        "condition",
        "i <= n - 2",
        "SymPy with each residue in it = r, n = r + s + 1",
        "not shown to be True",
        False,
    )
    assert not q5.condition_step(ix.k <= ix.n - 1, ix).holds  # k is not a residue here


def test_settle_takes_the_first_branch_only_when_its_condition_is_shown() -> None:
    ix = q5.indices()
    c = sympy.IndexedBase("c")
    shown = sympy.Piecewise((c[ix.i], ix.i <= ix.n - 1), (0, True))
    unshown = sympy.Piecewise((c[ix.j], ix.j <= ix.n - 2), (0, True))
    value, steps = q5.settle(shown + unshown, ix)
    assert value == c[ix.i] + unshown
    assert [step.holds for step in steps] == [True, False]
    assert [step.given for step in steps] == ["i <= n - 1", "j <= n - 2"]
    assert q5.settle(c[ix.i], ix) == (c[ix.i], [])


def test_reindexing_picks_a_delta_on_plus_or_minus_k() -> None:
    ix = q5.indices()
    n, j, k, m = ix.n, ix.j, ix.k, ix.m
    c = sympy.IndexedBase("c")
    reindexed = q5.reindexing(c[Mod(k - ix.i, n)] * Delta(j, Mod(3 - k, n)), ix)
    assert reindexed is not None
    summand, step = reindexed
    assert summand == c[Mod(-ix.i - m + 3, n)] * Delta(j, m)
    assert step == q5.Step(
        "reindex",
        "k = Mod(3 - m, n), m = 0..n - 1 (a bijection of 0..n - 1 leaves the sum unchanged)",
        "SymPy (subs)",
        "Mod(3 - k, n) at k = Mod(3 - m, n) is Mod(m, n), Mod(3 - m, n) at m = Mod(3 - k, n) is "
        "Mod(k, n) (inverse maps, by the residue rule); the summand "
        "KroneckerDelta(j, Mod(m, n))*c[Mod(-i - m + 3, n)] is "
        "KroneckerDelta(j, m)*c[Mod(-i - m + 3, n)] by the residue rule",
        True,
    )


def test_reindexing_ignores_what_it_cannot_invert() -> None:
    ix = q5.indices()
    n, j, k = ix.n, ix.j, ix.k
    c = sympy.IndexedBase("c")
    assert q5.reindexing(c[Mod(k + 1, n)] * Delta(j, k * k), ix) is None  # Mod outside the delta
    assert q5.reindexing(Delta(j, Mod(2 * k, n)), ix) is None  # slope 2
    assert q5.reindexing(Delta(j, Mod(k + 1, n + 1)), ix) is None  # another modulus
    # the deltas are tried in printed order: the first (slope 2) is passed over, not the end
    first, second = Delta(ix.i, Mod(2 * k, n)), Delta(j, Mod(k + 1, n))
    assert sorted(map(str, (first, second))) == [str(first), str(second)]
    picked = q5.reindexing(first * second, ix)
    assert picked is not None and picked[1].given.startswith("k = Mod(m + n - 1, n)")


def test_inverse_images() -> None:
    ix = q5.indices()
    n, k, m = ix.n, ix.k, ix.m
    assert q5.inverse_images(Mod(k + 1, n), Mod(m - 1, n), ix) == (Mod(m, n), Mod(k, n))
    assert q5.inverse_images(Mod(k + 1, n), Mod(m + 1, n), ix) == (Mod(m + 2, n), Mod(k + 2, n))
    assert q5.are_inverse((Mod(m, n), Mod(k, n)), ix)
    assert not q5.are_inverse(q5.inverse_images(Mod(k + 1, n), Mod(m + 1, n), ix), ix)
    # one way round only: back(m) = Mod(m - 1, n) + n is not a residue
    one_way = q5.inverse_images(Mod(k + 1, n), Mod(m - 1, n) + n, ix)
    assert one_way[0] == Mod(m, n) and not q5.are_inverse(one_way, ix)
    assert not q5.are_inverse((Mod(k, n), Mod(m, n)), ix)


def test_entry_sum_without_a_reindexing_fails_there() -> None:
    ix = q5.indices()
    summand = Delta(ix.j, Mod(2 * ix.k, ix.n))
    value, steps = q5.entry_sum("(T)_ij", summand, ix)
    assert value == sympy.Sum(summand, (ix.k, 0, ix.n - 1))
    assert [s.text() for s in steps] == [
        "  [ok] (T)_ij: Sum(KroneckerDelta(j, Mod(2*k, n)), (k, 0, n - 1))\n"
        "      SymPy (as_poly): no Kronecker delta's equation is ±k + (terms without k), which "
        "delta summation needs (it solves that equation for k, an integer only when the "
        "coefficient of k is ±1)",
        "  [FAILED] reindex: KroneckerDelta(j, Mod(2*k, n))\n"
        "      rule: no Kronecker delta on Mod(k + b, n) or Mod(-k + b, n) to reindex by",
    ]


def test_on_index_is_a_delta_solved_by_an_integer() -> None:
    ix = q5.indices()
    n, i, j, k = ix.n, ix.i, ix.j, ix.k
    assert q5.on_index(Delta(k, Mod(i + 1, n)), k)
    assert q5.on_index(Delta(j, 1 - k), k)
    assert q5.on_index(Delta(j, k), k)  # the equation j - k: coefficient -1
    assert not q5.on_index(Delta(j, 2 * k), k)  # k = j/2: not an integer for odd j
    assert not q5.on_index(Delta(j, -2 * k), k)  # the equation j + 2k: coefficient +2
    assert not q5.on_index(Delta(j, k**2 + k), k)
    assert not q5.on_index(Delta(j, Mod(k + 1, n)), k)
    assert not q5.on_index(Delta(j, i), k)


def test_a_delta_with_slope_two_is_not_summed() -> None:
    """SymPy's delta summation would put k = i/2, not an integer for odd i: refused."""
    ix = q5.indices()
    summand = Delta(ix.i, 2 * ix.k) * sympy.IndexedBase("c")[ix.k]
    value, steps = q5.entry_sum("(T)_ij", summand, ix)
    assert value == sympy.Sum(summand, (ix.k, 0, ix.n - 1))
    assert [s.holds for s in steps] == [True, False]


def test_remainder_names_are_for_the_remainders_in_deltas_without_k_or_m() -> None:
    ix = q5.indices()
    n, i, j, k, m = ix.n, ix.i, ix.j, ix.k, ix.m
    c = sympy.IndexedBase("c")
    summand = (
        Delta(k, Mod(i + 1, n))
        * Delta(j, Mod(i, n))
        * Delta(m, Mod(k + 1, n))
        * Delta(k, Mod(m, n))
        * Delta(j, Mod(i, n + 1))
        * c[Mod(j, n)]
    )
    names = q5.remainder_names(summand, ix)
    assert names == {
        Mod(i + 1, n): sympy.Symbol("p0", integer=True),
        Mod(i, n): sympy.Symbol("p1", integer=True),
    }
    assert q5.remainder_names(c[Mod(j, n)] * Delta(k, j), ix) == {}


def test_delta_sum_names_the_remainder_and_puts_it_back() -> None:
    ix = q5.indices()
    n, i, k = ix.n, ix.i, ix.k
    value, step = q5.delta_sum("(T)_ij", Delta(k, Mod(i + 1, n)) * k, (k, 0, n - 1), ix)
    assert value == sympy.Piecewise((Mod(i + 1, n), n >= Mod(i + 1, n) + 1), (0, True))
    assert step == q5.Step(
        "(T)_ij",
        "Sum(k*KroneckerDelta(k, p0), (k, 0, n - 1)), p0 = Mod(i + 1, n)",
        "SymPy (deltasummation)",
        "Piecewise((p0, (p0 >= 0) & (p0 <= n - 1)), (0, True)), that is "
        "Piecewise((Mod(i + 1, n), n >= Mod(i + 1, n) + 1), (0, True))",
        True,
    )
    left, failed = q5.delta_sum("(T)_ij", Delta(k * k, i), (k, 0, n - 1), ix)
    assert left.has(sympy.Sum) and not failed.holds


def test_entry_sum_of_a_direct_delta() -> None:
    ix = q5.indices()
    value, steps = q5.entry_sum("(T)_ij", Delta(ix.k, ix.i) * ix.k, ix)
    assert value == ix.i
    assert [(s.name, s.given, s.result, s.holds) for s in steps] == [
        (
            "(T)_ij",
            "Sum(k*KroneckerDelta(i, k), (k, 0, n - 1))",
            "Piecewise((i, (i >= 0) & (i <= n - 1)), (0, True))",
            True,
        ),
        ("condition", "(i >= 0) & (i <= n - 1)", "True", True),
    ]


def test_instance_step_compares_with_its_target() -> None:
    ix = q5.indices()
    n, i, j = ix.n, ix.i, ix.j
    b = sympy.Function("B")
    equation = (b(i, Mod(j - 1, n)), b(Mod(i + 1, n), j))
    invariance = (b(i, j), b(Mod(i + 1, n), Mod(j + 1, n)))
    step = q5.instance_step("E", equation, Mod(j + 1, n), invariance, ix)
    assert step == q5.Step(
        "E",
        "B(i, Mod(j + n - 1, n)) = B(Mod(i + 1, n), j) for every residue j, so for j replaced "
        "by Mod(j + 1, n)",
        "SymPy (subs; then Mod(j, n) = j, the residue rule)",
        "B(i, j) = B(Mod(i + 1, n), Mod(j + 1, n))",
        True,
    )
    assert not q5.instance_step("E", equation, Mod(j + 2, n), invariance, ix).holds


def test_step_and_derivation_texts() -> None:
    ok = q5.Step("a", "x", "SymPy", "y")
    bad = q5.Step("b", "u", "rule", "v", False)
    assert ok.text() == "  [ok] a: x\n      SymPy: y"
    assert bad.text() == "  [FAILED] b: u\n      rule: v"
    good = q5.Derivation("T", (ok,), "C")
    assert good.holds and good.failures == [] and good.text() == f"T\n{ok.text()}\n  => C"
    mixed = q5.Derivation("T", (ok, bad, bad), "C")
    assert not mixed.holds and mixed.failures == ["b: v", "b: v"]
    assert mixed.text().endswith("\n  => NOT SHOWN, a step failed: C")


def test_definitions() -> None:
    a, b, n = sympy.symbols("a b n", integer=True)
    assert q5.shift_entry(a, b, n) == Delta(b, Mod(a + 1, n))
    assert q5.circulant_entry(a, b, n) == sympy.IndexedBase("c")[Mod(b - a, n)]
    assert q5.general_entry(a, b, n) == sympy.Function("B")(a, b)
    ix = q5.indices()
    assert [str(x) for x in (ix.n, ix.i, ix.j, ix.k, ix.m)] == ["n", "i", "j", "k", "m"]
    assert ix.n.is_positive and ix.n.is_integer
    assert all(x.is_integer and x.is_nonnegative is None for x in (ix.i, ix.j, ix.k, ix.m))


# --- the theorem row rests on both engines


def test_the_row_is_proved_by_both_engines() -> None:
    outcome = q5.decide_circulant_shift_commute(MS)
    assert (outcome.verdict, outcome.method) == (Verdict.PROVED, METHOD)
    assert outcome.evidence == (
        "CS = SC for every n >= 1 and every generator c (7 z3 steps over symbolic n, each "
        "negation unsat); by SymPy (8 steps, delta summation): (CS)_ij = (SC)_ij = "
        "c[Mod(-i + j + n - 1, n)] for all residues i, j, every n >= 1 and every generator c; "
        "explicitly: CS = SC with symbolic c_0..c_{n-1} for n = 1..64"
    )


def reversal(a: Any) -> Any:
    """a ↦ n - 1 - a: a permutation of the residues, its own inverse, not a power of S."""
    return q5.N - 1 - a


def test_a_wrong_z3_shift_makes_the_row_undecided_and_names_z3() -> None:
    outcome = q5.decide_circulant_shift_commute(MS, reversal, reversal)
    assert (outcome.verdict, outcome.method, outcome.evidence) == (
        Verdict.UNDECIDED,
        METHOD,
        "a z3 step was not proved: entries of CS and SC: sat",
    )
    noncyclic = q5.decide_circulant_shift_commute(MS, lambda a: a + 1, lambda b: b - 1)
    assert noncyclic.evidence == "a z3 step was not proved: column of S: sat"


def test_a_wrong_sympy_shift_makes_the_row_undecided_and_names_sympy() -> None:
    outcome = q5.decide_circulant_shift_commute(
        MS, shift=entry(lambda a, b, n: Delta(b, Mod(-a, n)))
    )
    assert (outcome.verdict, outcome.method, outcome.evidence) == (
        Verdict.UNDECIDED,
        METHOD,
        "a SymPy step did not hold: CS - SC: c[Mod(-i - j, n)] - c[Mod(i + j, n)]",
    )


def test_both_engines_wrong_names_both() -> None:
    outcome = q5.decide_circulant_shift_commute(
        MS, reversal, reversal, entry(lambda a, b, n: Delta(b, Mod(-a, n)))
    )
    assert outcome.evidence == (
        "a z3 step was not proved: entries of CS and SC: sat; and a SymPy step did not hold: "
        "CS - SC: c[Mod(-i - j, n)] - c[Mod(i + j, n)]"
    )


def test_unproved_without_derivations_is_as_before() -> None:
    assert q5._unproved((q5.prove_shift_product_rule(MS),), "m") is None
    failed = q5.Derivation("T", (q5.Step("b", "u", "rule", "v", False),), "C")
    outcome = q5._unproved((), "m", (failed,))
    assert outcome is not None
    assert (outcome.verdict, outcome.method, outcome.evidence) == (
        Verdict.UNDECIDED,
        "m",
        "a SymPy step did not hold: b: v",
    )
