"""Q5a/5b: circulants and the cyclic shift, the general z3 argument and the explicit range."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
import sympy
import z3

from hw2check.ledger import Row, Verdict
from hw2check.sheet import load_seed, parse_sheet
from hw2check.topics import Settings
from proofs import circulant as q5

MS = 5000


def dense(labels: q5.LabelMatrix, symbols: tuple[sympy.Symbol, ...]) -> sympy.Matrix:
    return sympy.Matrix([[symbols[label] for label in row] for row in labels])


# --- the theorem rows


def test_theorem_rows_are_proved() -> None:
    checks = q5.theorem_checks(Settings())
    assert [(c.id, c.question) for c in checks] == [
        ("theorem.circulant_shift_commute", "5a"),
        ("theorem.shift_commutant_is_circulant", "5b"),
        ("theorem.conv_shift_equivariance", "5c"),
    ]
    for check in checks[:2]:
        outcome = check.decide(*check.args)
        assert outcome.verdict is Verdict.PROVED, outcome.evidence
        assert "n = 1..64" in outcome.evidence


ARGUMENTS: list[Callable[[int], q5.Argument]] = [
    q5.prove_residue_arithmetic,
    q5.prove_shift_product_rule,
    q5.prove_circulant_shift_commute,
    q5.prove_circulant_is_polynomial_in_shift,
    q5.prove_shift_commutant_is_circulant,
    q5.prove_circulants_commute,
    q5.prove_convolution_is_circulant,
]


@pytest.mark.parametrize("argument", ARGUMENTS)
def test_every_z3_step_is_unsat(argument: Callable[[int], q5.Argument]) -> None:
    result = argument(MS)
    assert result.holds, result.failures
    assert all(query.answer == "unsat" for query in result.queries)


# --- the z3 steps have teeth: wrong statements come back sat

I_, J_, K_ = q5.I_, q5.J_, q5.K_
c = z3.Function("c", z3.IntSort(), q5.ENTRY)
B = z3.Function("B", z3.IntSort(), z3.IntSort(), q5.ENTRY)


@pytest.mark.parametrize(
    ("name", "hypotheses", "goal"),
    [
        (
            "an anti-circulant C_ij = c(i ⊕ j) does not commute with S",
            q5.residues(I_, J_),
            c(q5.add_mod(I_, q5.sub_mod(J_, 1))) == c(q5.add_mod(q5.add_mod(I_, 1), J_)),
        ),
        (
            "the wrong product rule (MS)_ij = M_{i, j⊕1}",
            q5.residues(I_, J_),
            c(q5.sub_mod(q5.add_mod(J_, 1), I_)) == c(q5.sub_mod(J_, q5.add_mod(I_, 1))),
        ),
        (
            "the induction step without the invariance",
            [
                *q5.residues(I_, J_, K_),
                K_ + 1 < q5.N,
                B(q5.add_mod(I_, K_), q5.add_mod(J_, K_)) == B(I_, J_),
            ],
            B(q5.add_mod(I_, K_ + 1), q5.add_mod(J_, K_ + 1)) == B(I_, J_),
        ),
        (
            "a wrong closure k* = i",
            q5.residues(I_, J_),
            q5.add_mod(I_, I_) == 0,
        ),
        (
            "add(a, b) without the reduction",
            [*q5.residues(I_), J_ >= 0, J_ <= q5.N],
            I_ + J_ == (I_ + J_) % q5.N,
        ),
    ],
)
def test_wrong_steps_are_not_proved(name: str, hypotheses: list[object], goal: object) -> None:
    answered = q5.ask(q5.Query(name, name, tuple(hypotheses), goal), MS)
    assert answered.answer == "sat"
    assert not answered.holds


# --- explicit label maps


def test_label_products_equal_dense_sympy_products() -> None:
    rng = random.Random(5)
    for n in range(1, 6):
        symbols = sympy.symbols(f"m0:{n * n}")
        general = q5.entry_labels(n)
        for _ in range(3):
            perm = tuple(rng.sample(range(n), n))
            p = sympy.Matrix(q5.permutation_matrix(perm))
            m = dense(general, symbols)
            assert dense(q5.times_permutation(general, perm), symbols) == m * p
            assert dense(q5.permutation_times(perm, general), symbols) == p * m


def test_mutated_product_rule_disagrees_with_sympy() -> None:
    """Composing with π instead of π⁻¹ on the right: the comparison above would catch it."""
    n, symbols = 3, sympy.symbols("m0:9")
    shift = q5.shift_permutation(n)
    wrong = [[row[k] for k in shift] for row in q5.entry_labels(n)]
    s = sympy.Matrix(q5.permutation_matrix(shift))
    assert dense(wrong, symbols) != dense(q5.entry_labels(n), symbols) * s


def test_explicit_circulant_check_passes_for_1_to_64() -> None:
    result = q5.verify_circulant_commutes_explicitly()
    assert result.holds and result.sizes == tuple(range(1, 65))


def anti_circulant(n: int) -> q5.LabelMatrix:
    return [[(i + j) % n for j in range(n)] for i in range(n)]


def reversal(n: int) -> q5.Permutation:
    return tuple(reversed(range(n)))


def test_explicit_check_catches_non_circulant_and_wrong_shift() -> None:
    anti = q5.verify_circulant_commutes_explicitly(range(1, 10), matrix=anti_circulant)
    assert anti.failures == tuple(range(3, 10))  # n = 1, 2: anti-circulants are circulant
    wrong = q5.verify_circulant_commutes_explicitly(range(1, 10), shift=reversal)
    assert wrong.failures == tuple(range(3, 10))


def test_mutated_composition_fails() -> None:
    def wrong_times(matrix: q5.LabelMatrix, perm: q5.Permutation) -> q5.LabelMatrix:
        return [[row[k] for k in perm] for row in matrix]  # π where π⁻¹ belongs

    def commutes(n: int) -> bool:
        c, s = q5.circulant_labels(n), q5.shift_permutation(n)
        return wrong_times(c, s) == q5.permutation_times(s, c)

    assert [n for n in range(1, 9) if not commutes(n)] == list(range(3, 9))


def test_commutant_is_the_circulants_for_1_to_64() -> None:
    result = q5.verify_commutant_explicitly()
    assert result.holds and result.sizes == tuple(range(1, 65))
    assert len(set(q5.commutant_classes(64))) == 64


def test_commutant_of_shift_by_two_is_larger() -> None:
    """S² has two cycles for even n: its commutant has dimension 2n and is not the circulants."""
    result = q5.verify_commutant_explicitly(
        range(1, 13), shift=lambda n: q5.shift_permutation(n, 2)
    )
    assert result.failures == (2, 4, 6, 8, 10, 12)
    assert len(set(q5.commutant_classes(6, lambda n: q5.shift_permutation(n, 2)))) == 12


def test_commutant_matches_sympy_nullspace() -> None:
    for n in range(1, 5):
        symbols = sympy.symbols(f"b0:{n * n}")
        b = dense(q5.entry_labels(n), symbols)
        s = sympy.Matrix(q5.permutation_matrix(q5.shift_permutation(n)))
        system, _ = sympy.linear_eq_to_matrix(list(b * s - s * b), symbols)
        basis = system.nullspace()
        assert len(basis) == n == len(set(q5.commutant_classes(n)))
        for vector in basis:
            matrix = vector.reshape(n, n)
            assert all(matrix[i, j] == matrix[0, (j - i) % n] for i in range(n) for j in range(n))


# --- around the theorems


def test_circulants_commute_with_each_other_and_anti_circulants_do_not() -> None:
    for n in range(1, 5):
        a, b = sympy.symbols(f"a0:{n}"), sympy.symbols(f"b0:{n}")
        left, right = dense(q5.circulant_labels(n), a), dense(q5.circulant_labels(n), b)
        assert (left * right - right * left).expand() == sympy.zeros(n, n)
    left, right = sympy.Matrix(q5.circulant([1, 2, 3])), sympy.Matrix(anti_circulant(3))
    assert left * right != right * left


def test_dft_diagonalises_circulants_exactly_and_numerically() -> None:
    assert all(q5.prove_dft_diagonalises_circulant(n) for n in range(1, 7))
    for n in (8, 16, 32):
        assert q5.dft_residual(n) < q5.dft_tolerance(n)


def test_dft_does_not_diagonalise_an_anti_circulant() -> None:
    def anti(n: int, i: int, j: int) -> int:
        return (i + j) % n

    assert not q5.prove_dft_diagonalises_circulant(3, anti)
    assert q5.dft_residual(16, anti) > 1.0


# --- sheet claims

FALSE_SHEET = """
[sheet]
title = "denies both"
[q5]
circulant_commutes_with_shift = false
only_circulants_commute_with_shift = false
"""


def decided_theorems() -> dict[str, Row]:
    rows = {}
    for check in q5.theorem_checks(Settings())[:2]:
        rows[check.id] = Row.of(check, check.decide(*check.args), 0.0)
    return rows


def test_seed_claims_are_proved() -> None:
    checks = q5.claim_checks(load_seed(), Settings(), decided_theorems())
    assert [c.id for c in checks] == [
        "q5.circulant_commutes_with_shift",
        "q5.only_circulants_commute_with_shift",
    ]
    for check in checks:
        outcome = check.decide(*check.args)
        assert outcome.verdict is Verdict.PROVED, outcome.evidence


def test_denied_claims_are_refuted_with_the_theorem_and_an_instance() -> None:
    sheet = parse_sheet(FALSE_SHEET, "false.toml")
    checks = q5.claim_checks(sheet, Settings(), decided_theorems())
    outcomes = [check.decide(*check.args) for check in checks]
    assert [o.verdict for o in outcomes] == [Verdict.REFUTED, Verdict.REFUTED]
    first, second = (o.witness or {} for o in outcomes)
    assert first["theorem"] == "theorem.circulant_shift_commute"
    assert first["CS"] == first["SC"] == "[[3, 1, 2], [2, 3, 1], [1, 2, 3]]"
    assert second["theorem"] == "theorem.shift_commutant_is_circulant"
    assert second["commutant"] == "B = [[a, b, c], [c, a, b], [b, c, a]]"
    assert second["commutant_dimension"] == "3"


def test_claim_is_undecided_when_its_theorem_is_not_proved() -> None:
    outcome = q5.decide_claim(
        True, "theorem.circulant_shift_commute", "undecided", "time limit", q5.shift_instance()
    )
    assert outcome.verdict is Verdict.UNDECIDED
    assert q5.claim_checks(parse_sheet('[sheet]\ntitle = "t"\n', "t"), Settings(), {}) == []


def test_instances_reverify_and_catch_a_non_circulant() -> None:
    assert q5.shift_instance().holds and q5.commutant_instance().holds
    assert q5.commutant_instance().fields["noncirculant_E00_commutes"] == "False"
