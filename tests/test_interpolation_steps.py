"""Q7 and Q3.1: the exact z3 obligations behind each step, and the edges of small helpers."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import pytest
import sympy
import z3

from hw2check.sheet import SYMBOLS, parse_sheet
from hw2check.topics import Settings
from proofs import interpolation
from proofs import proximal_step as q31
from proofs.proximal_step import W
from proofs.relu_network import (
    NotLowerTriangularError,
    distinct_projection_direction,
    solve_lower_triangular,
)
from properties import interpolation as q7_properties
from properties.interpolation import COMMAND_DATASETS, Dataset, Sizes
from properties.search import SearchResult

F = Fraction

Obligation = tuple[str, str, list[str], int]


@pytest.fixture
def recorded_z3() -> None:
    """Skip where another z3 is installed than the one the expected texts were printed by
    (only z3's printer matters here, so other tools' versions do not)."""
    from tests import snapshot

    recorded = snapshot.load()["versions"]["z3-solver"]
    if recorded != snapshot.versions()["z3-solver"]:
        pytest.skip(f"expected text printed by z3 {recorded}")


def _flat(formula: z3.ExprRef) -> str:
    """z3's printed formula on one line (the printer breaks long formulas)."""
    return " ".join(str(formula).split())


@pytest.fixture
def obligations(monkeypatch: pytest.MonkeyPatch) -> list[Obligation]:
    """Every step's statement, claim, hypotheses and time limit, as handed to z3."""
    recorded: list[Obligation] = []
    step = interpolation._step

    def spy(
        statement: str, claim: z3.BoolRef, hypotheses: Sequence[z3.BoolRef], timeout_ms: int
    ) -> tuple[str, bool]:
        recorded.append((statement, _flat(claim), [_flat(h) for h in hypotheses], timeout_ms))
        return step(statement, claim, hypotheses, timeout_ms)

    monkeypatch.setattr(interpolation, "_step", spy)
    return recorded


INTERLEAVED = [
    "ForAll(k, Implies(And(And(k >= 1, k <= n)), b(k) < z(k)))",
    "ForAll(k, Implies(And(k >= 1, k < n), z(k) < b(k + 1)))",
]
DIAGONAL = (
    "Implies(And(And(i >= 1, i <= n)), And(If(z(i) - b(i) > 0, z(i) - b(i), 0) == z(i) - b(i), "
    "If(z(i) - b(i) > 0, z(i) - b(i), 0) > 0))"
)


def test_diagonal_obligation_exactly(recorded_z3: None, obligations: list[Obligation]) -> None:
    assert interpolation.prove_diagonal_positive(1234).holds
    assert not interpolation.prove_diagonal_positive(4321, strict=False).holds
    weak = ["ForAll(k, Implies(And(And(k >= 1, k <= n)), b(k) <= z(k)))", INTERLEAVED[1]]
    statement = "every n, 1 <= i <= n: A_ii = z_i - b_i > 0"
    assert obligations == [
        (statement, DIAGONAL, INTERLEAVED, 1234),
        (statement, DIAGONAL, weak, 4321),
    ]


def test_above_diagonal_obligations_exactly(
    recorded_z3: None, obligations: list[Obligation]
) -> None:
    assert interpolation.prove_strictly_above_diagonal_vanishes(1234).holds
    assert obligations == [
        (
            "base j = i + 1: z_i < b_{i+1}",
            "Implies(And(i >= 1, i < n), z(i) < b(i + 1))",
            INTERLEAVED,
            1234,
        ),
        (
            "step: z_i < b_j and j < n imply z_i < b_{j+1} (z_i < b_j < z_j < b_{j+1})",
            "Implies(And(i >= 1, i < j, j < n, z(i) < b(j)), z(i) < b(j + 1))",
            INTERLEAVED,
            1234,
        ),
        (
            "hence z_i < b_j for all i < j, and then A_ij = 0",
            "Implies(And(And(And(i >= 1, i <= n), And(j >= 1, j <= n)), i < j, z(i) < b(j)), "
            "If(z(i) - b(j) > 0, z(i) - b(j), 0) == 0)",
            INTERLEAVED,
            1234,
        ),
    ]


def test_midpoint_bias_obligations_exactly(
    recorded_z3: None, obligations: list[Obligation]
) -> None:
    assert interpolation.prove_chosen_biases_interleave(1234).holds
    midpoints = [
        "ForAll(k, Implies(And(k >= 1, k < n), z(k) < z(k + 1)))",
        "b(1) == z(1) - 1",
        "ForAll(k, Implies(And(k >= 2, k <= n), 2*b(k) == z(k - 1) + z(k)))",
    ]
    assert obligations == [
        (
            "the midpoint biases satisfy b_i < z_i",
            "Implies(And(And(i >= 1, i <= n)), b(i) < z(i))",
            midpoints,
            1234,
        ),
        (
            "the midpoint biases satisfy z_i < b_{i+1}",
            "Implies(And(i >= 1, i < n), z(i) < b(i + 1))",
            midpoints,
            1234,
        ),
    ]


def test_fixed_size_obligations_exactly(recorded_z3: None, obligations: list[Obligation]) -> None:
    assert interpolation.prove_triangular_for_each_size(1234, range(1, 4)).holds
    assert obligations == [
        (
            "n = 1: A lower triangular with positive diagonal",
            "And(If(z0 > b0, z0 - b0, 0) > 0)",
            ["b0 < z0"],
            1234,
        ),
        (
            "n = 2: A lower triangular with positive diagonal",
            "And(If(z0 > b0, z0 - b0, 0) > 0, If(z1 > b1, z1 - b1, 0) > 0, "
            "If(z0 > b1, z0 - b1, 0) == 0)",
            ["b0 < z0", "b1 < z1", "z0 < b1"],
            1234,
        ),
        (
            "n = 3: A lower triangular with positive diagonal",
            "And(If(z0 > b0, z0 - b0, 0) > 0, If(z1 > b1, z1 - b1, 0) > 0, "
            "If(z2 > b2, z2 - b2, 0) > 0, If(z0 > b1, z0 - b1, 0) == 0, "
            "If(z0 > b2, z0 - b2, 0) == 0, If(z1 > b2, z1 - b2, 0) == 0)",
            ["b0 < z0", "b1 < z1", "b2 < z2", "z0 < b1", "z1 < b2"],
            1234,
        ),
    ]


def _pigeonhole(pigeons: int) -> list[z3.BoolRef]:
    """``pigeons`` pigeons in one hole fewer: unsat, but z3 needs a while (seconds for 10)."""
    holes = range(pigeons - 1)
    sits = [[z3.Bool(f"p{i}_{h}") for h in holes] for i in range(pigeons)]
    clauses = [z3.Or(row) for row in sits]
    clauses += [
        z3.Not(z3.And(sits[i][h], sits[k][h]))
        for h in holes
        for i in range(pigeons)
        for k in range(i + 1, pigeons)
    ]
    return clauses


def test_the_time_limit_reaches_z3() -> None:
    # With a 100 ms limit z3 gives up on the pigeonhole problem: not proved, and said so.
    assert interpolation._z3_refutes(z3.BoolVal(True), _pigeonhole(10), 100) == "unknown"
    assert interpolation._step("a hard step", z3.BoolVal(False), _pigeonhole(10), 100) == (
        "a hard step (z3: negation unknown)",
        False,
    )


# --- the searches are seeded as asked -----------------------------------------------------


def test_the_ledger_search_passes_its_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, ...]] = []
    nothing: SearchResult[Dataset] = SearchResult(None, 5, "data sets")

    def spy(*args: object) -> SearchResult[Dataset]:
        calls.append(args)
        return nothing

    monkeypatch.setattr(q7_properties, "search_datasets", spy)
    assert q7_properties.search_interpolation(COMMAND_DATASETS, 5, 17) is nothing
    assert calls == [(q7_properties.interpolation_violation, COMMAND_DATASETS, 5, 17)]


def test_the_theorem_row_searches_with_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Sizes, int, int]] = []

    def spy(sizes: Sizes, examples: int, seed: int) -> SearchResult[Dataset]:
        calls.append((sizes, examples, seed))
        return SearchResult(None, examples, "data sets")

    monkeypatch.setattr(q7_properties, "search_interpolation", spy)
    outcome = interpolation.prove_relu_interpolation(Settings(examples=3, seed=29))
    assert calls == [(COMMAND_DATASETS, 3, 29)]
    assert "on 3 cases (data sets)" in outcome.evidence


# --- small helpers ------------------------------------------------------------------------


def test_a_data_set_with_a_missing_label_is_not_printed() -> None:
    with pytest.raises(ValueError, match="zip"):
        str(Dataset(((F(0),), (F(1),)), (F(1),)))


def test_sizes_beyond_one_byte_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError) as error:
        Sizes(max_points=1, max_dimension=1, max_numerator=1, max_denominator=86)
    assert str(error.value) == "a rational is decoded from one byte: (2p + 1) q <= 256"


def test_the_gd_step_differentiates_in_w_even_with_a_symbolic_constant() -> None:
    # f(w) = w**2 + c: the constant c does not move the step, w - 2w/(1/2) = -3w
    c = sympy.Symbol("c")
    step = q31.gd_step(W**2 + c, sympy.Rational(1, 2))
    assert step == q31.Divergence(
        W**2 + c, sympy.Rational(1, 2), -3 * W, sympy.Integer(-3), sympy.Integer(1)
    )


def test_the_search_is_asked_with_its_budget_seed_and_generator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[Any, dict[str, Any]]] = []
    nothing: SearchResult[Dataset] = SearchResult(None, 4, "data sets")

    def spy(strategy: Any, violates: Any, **options: Any) -> SearchResult[Dataset]:
        calls.append((violates, options))
        return nothing

    monkeypatch.setattr(q7_properties, "search", spy)
    flagged = Dataset(((F(0),),), (F(1),))
    clean = Dataset(((F(1),),), (F(1),))

    def violation(case: Dataset) -> str | None:
        return "flagged" if case == flagged else None

    assert q7_properties.search_datasets(violation, COMMAND_DATASETS, 4, 11) is nothing
    ((violates, options),) = calls
    assert options == {"examples": 4, "seed": 11, "generator": COMMAND_DATASETS.describe()}
    assert (violates(flagged), violates(clean)) == (True, False)


def test_the_direction_starts_at_t_1_and_uses_powers_of_t() -> None:
    assert distinct_projection_direction([(F(0), F(0), F(0)), (F(1), F(0), F(0))]) == (
        F(1),
        F(1),
        F(1),
    )
    # t = 1 makes (0, 0, 0) and (1, -1, 0) collide; t = 2 gives a = (1, 2, 4)
    assert distinct_projection_direction([(F(0), F(0), F(0)), (F(1), F(-1), F(0))]) == (
        F(1),
        F(2),
        F(4),
    )


def test_an_entry_just_above_the_diagonal_is_caught() -> None:
    with pytest.raises(NotLowerTriangularError) as above:
        solve_lower_triangular([[F(1), F(3)], [F(0), F(1)]], [F(1), F(1)])
    assert str(above.value) == "A[0][1] = 3 above the diagonal"


def test_the_q3_1_claims_state_what_the_sheet_says() -> None:
    sheet = parse_sheet(
        '[sheet]\ntitle = "t"\n[q3_1]\nminimizer = "w_t - g/lam"\nstep_size = "1/lam"\n'
        'proximity_gradient = "lam*(w - w_t)"\ngd_converges_for_strictly_convex = false\n',
        "t.toml",
    )
    checks = q31.claim_checks(sheet, Settings(), {})
    assert [(c.id, c.question, c.statement) for c in checks] == [
        ("q3_1.minimizer", "3.1", "the argmin of the proximal objective is w_t - g/lam"),
        ("q3_1.step_size", "3.1", "the proximal step is a gradient step with eta = 1/lam"),
        ("q3_1.proximity_gradient", "3.1", "d/dw (lam/2)(w - w_t)**2 = lam*(w - w_t)"),
        (
            "q3_1.gd_converges_for_strictly_convex",
            "3.1",
            "GD with step 1/lam need not reach the minimum of every strictly convex f, "
            "for every lam > 0",
        ),
    ]
    assert [c.decide for c in checks] == [q31.decide_expression] * 3 + [q31.decide_gd_claim]
    assert checks[3].args == (False,)
    lam, w, w_t, g = (SYMBOLS[name] for name in ("lam", "w", "w_t", "g"))
    assert [c.args[1:] for c in checks[:3]] == [
        (w_t - g / lam, ("w_t", "g", "lam")),
        (1 / lam, ("lam",)),
        (q31.PROXIMITY_GRADIENT, ("w", "w_t", "lam")),
    ]
    assert sympy.expand(q31.PROXIMITY_GRADIENT - lam * (w - w_t)) == 0
    says = q31.claim_checks(
        parse_sheet(
            '[sheet]\ntitle = "t"\n[q3_1]\ngd_converges_for_strictly_convex = true\n', "t.toml"
        ),
        Settings(),
        {},
    )
    assert [c.statement for c in says] == [
        "GD with step 1/lam reaches the minimum of every strictly convex f, for every lam > 0"
    ]


def test_the_theorem_rows_are_named_and_stated() -> None:
    (q31_check,) = q31.theorem_checks(Settings())
    assert (q31_check.id, q31_check.question, q31_check.decide, q31_check.args) == (
        "theorem.proximal_step",
        "3.1",
        q31.prove_proximal_step,
        (),
    )
    assert q31_check.statement == (
        "in every dimension the proximal objective has the unique minimizer "
        "w_t - grad f(w_t)/lam (Hessian lam*I > 0): a gradient step with eta = 1/lam"
    )
    settings = Settings(examples=3)
    (q7_check,) = interpolation.theorem_checks(settings)
    assert (q7_check.decide, q7_check.args) == (interpolation.prove_relu_interpolation, (settings,))
    assert q7_check.statement == (
        "(Zhang et al. 2017, Theorem 1) a two-layer ReLU network with 2n + d weights fits "
        "any labels on any n distinct points in R^d"
    )
