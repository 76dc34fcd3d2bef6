# ruff: noqa: E501
"""Mutation tests for Q5: exact derivation texts, the self-checks given wrong statements."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import z3

from hw2check.ledger import Verdict
from hw2check.sheet import load_seed, parse_sheet
from hw2check.topics import Settings
from proofs import circulant as q5
from properties import equivariance as eq
from tests.test_circulant import ARGUMENTS

MS = 5000


def masked(text: str) -> str:
    """Hide what depends on the clock or the platform's floating point: timings, residuals."""
    text = re.sub(r"\(\d+\.\d{3} s\)", "(T s)", text)
    return re.sub(r"= \d\.\de-\d\d \(rounding", "= R (rounding", text)


# What ``python -m proofs.circulant`` prints after the conventions (z3 formulas as z3 prints them).
MAIN_OUTPUT = """
In the z3 queries ⊕ and ⊖ are add(a, b) := If(a + b < n, a + b, a + b - n), sub(a, b) := If(a - b >= 0, a - b, a - b + n).
In the SymPy derivations, n is an integer >= 1 and i, j are integers with 0 <= i, j <= n - 1 (residues). SymPy is told that n > 0 and every index is an integer; a bound 0 <= t <= n - 1 is used only by writing t = r, n = r + s + 1 with integers r, s >= 0, which covers every such t and n. Every sum runs over the integers 0..n - 1 and every index is an integer, so each Kronecker delta compares integers and delta summation applies. A remainder Mod(x, n) of an integer x is an integer in 0..n - 1 (the definition of Mod for n >= 1).

Residue arithmetic (symbolic n):
  [ok] a ⊕ b: the case split equals (a + b) mod n
      z3: n >= 1, And(a >= 0, a < n), b >= 0, b <= n ⊢ add(a, b) == (a + b)%n
      negation: unsat
  [ok] a ⊖ b: the case split equals (a - b) mod n
      z3: n >= 1, And(a >= 0, a < n), b >= 0, b <= n ⊢ sub(a, b) == (a - b)%n
      negation: unsat
  => for a residue a and 0 <= b <= n, ⊕ and ⊖ are addition and subtraction mod n

The shift S (S_ab = [b = a ⊕ 1]) multiplies by reindexing:
  [ok] column of S: S_kj = 1, i.e. j = k ⊕ 1, holds for exactly one residue k, namely k = j ⊖ 1 (k ⊕ 1 and j ⊖ 1 are residues)
      z3: n >= 1, And(k >= 0, k < n), And(j >= 0, j < n) ⊢ And(And(add(k, 1) >= 0, add(k, 1) < n),
    And(sub(j, 1) >= 0, sub(j, 1) < n),
    (add(k, 1) == j) == (sub(j, 1) == k))
      negation: unsat
  => (MS)_ij = Σ_k M_ik S_kj = M_{i, j⊖1}; row i of S has its single 1 in column i ⊕ 1, so (SM)_ij = M_{i⊕1, j}

5a: a circulant C_ij = c(j ⊖ i) commutes with S (c uninterpreted):
  [ok] entries of CS and SC: (CS)_ij = C_{i, j⊖1} = c((j ⊖ 1) ⊖ i) equals (SC)_ij = C_{i⊕1, j} = c(j ⊖ (i ⊕ 1))
      z3: n >= 1, And(i >= 0, i < n), And(j >= 0, j < n) ⊢ c(sub(sub(j, 1), i)) == c(sub(j, add(i, 1)))
      negation: unsat
  => CS = SC for every n >= 1 and every generator c

5a by SymPy: C_ab = c[Mod(-a + b, n)], S_ab = KroneckerDelta(b, Mod(a + 1, n)), symbolic n:
  [ok] residue rule: Eq(Mod(m, n), m) for an integer 0 <= m <= n - 1
      SymPy with m = r, n = r + s + 1: True
  [ok] (CS)_ij: Sum(KroneckerDelta(j, Mod(k + 1, n))*c[Mod(-i + k, n)], (k, 0, n - 1))
      SymPy (as_poly): no Kronecker delta's equation is ±k + (terms without k), which delta summation needs (it solves that equation for k, an integer only when the coefficient of k is ±1)
  [ok] reindex: k = Mod(m + n - 1, n), m = 0..n - 1 (a bijection of 0..n - 1 leaves the sum unchanged)
      SymPy (subs): Mod(k + 1, n) at k = Mod(m + n - 1, n) is Mod(m, n), Mod(m + n - 1, n) at m = Mod(k + 1, n) is Mod(k, n) (inverse maps, by the residue rule); the summand KroneckerDelta(j, Mod(m, n))*c[Mod(-i + m + n - 1, n)] is KroneckerDelta(j, m)*c[Mod(-i + m + n - 1, n)] by the residue rule
  [ok] (CS)_ij: Sum(KroneckerDelta(j, m)*c[Mod(-i + m + n - 1, n)], (m, 0, n - 1))
      SymPy (deltasummation): Piecewise((c[Mod(-i + j + n - 1, n)], (j >= 0) & (j <= n - 1)), (0, True))
  [ok] condition: (j >= 0) & (j <= n - 1)
      SymPy with j = r, n = r + s + 1 (j is a residue: by assumption): True
  [ok] (SC)_ij: Sum(KroneckerDelta(k, p0)*c[Mod(j - k, n)], (k, 0, n - 1)), p0 = Mod(i + 1, n)
      SymPy (deltasummation): Piecewise((c[Mod(j - p0, n)], (p0 >= 0) & (p0 <= n - 1)), (0, True)), that is Piecewise((c[Mod(-i + j + n - 1, n)], n >= Mod(i + 1, n) + 1), (0, True))
  [ok] condition: n >= Mod(i + 1, n) + 1
      SymPy with Mod(i + 1, n) = r, n = r + s + 1 (Mod(i + 1, n) is a residue: a remainder): True
  [ok] CS - SC: c[Mod(-i + j + n - 1, n)] - (c[Mod(-i + j + n - 1, n)])
      SymPy (simplify): 0
  => (CS)_ij = (SC)_ij = c[Mod(-i + j + n - 1, n)] for all residues i, j, every n >= 1 and every generator c

5a, second route: C = Σ_k c_k S^k, and powers of S commute with S:
  [ok] S^(k+1) = S^k S: if (S^k)_ab = [b = a ⊕ k] then (S^k S)_ab = (S^k)_{a, b⊖1} = [b = a ⊕ (k+1)]
      z3: n >= 1, And(a >= 0, a < n), And(b >= 0, b < n), And(k >= 0, k < n), k + 1 < n ⊢ (sub(b, 1) == add(a, k)) == (add(a, k + 1) == b)
      negation: unsat
  [ok] one power per entry: b = a ⊕ k holds for exactly one residue k, namely k = b ⊖ a
      z3: n >= 1, And(a >= 0, a < n), And(b >= 0, b < n), And(k >= 0, k < n) ⊢ (add(a, k) == b) == (sub(b, a) == k)
      negation: unsat
  [ok] S S^k = S^k S: (S S^k)_ab = (S^k)_{a⊕1, b} = [b = (a ⊕ 1) ⊕ k] = [b = (a ⊕ k) ⊕ 1] = (S^k S)_ab
      z3: n >= 1, And(a >= 0, a < n), And(b >= 0, b < n), And(k >= 0, k < n) ⊢ (add(add(a, 1), k) == b) == (add(add(a, k), 1) == b)
      negation: unsat
  => by induction on k (S^0 = I), (S^k)_ab = [b = a ⊕ k]; so (Σ_k c_k S^k)_ab = c_{b⊖a} = C_ab, a polynomial in S, and S^k S = S S^k gives CS = SC again

5b: BS = SB forces B_ij = B_{0, j⊖i} (B uninterpreted):
  [ok] BS = SB ⇒ invariance: the entry equation B_{i, j'⊖1} = B_{i⊕1, j'} at j' = j ⊕ 1 gives B_ij = B_{i⊕1, j⊕1}
      z3: n >= 1, And(i >= 0, i < n), And(j >= 0, j < n), B(i, sub(add(j, 1), 1)) == B(add(i, 1), add(j, 1)) ⊢ B(i, j) == B(add(i, 1), add(j, 1))
      negation: unsat
  [ok] invariance ⇒ BS = SB: invariance at (i, j ⊖ 1) gives the entry equation B_{i, j⊖1} = B_{i⊕1, j}
      z3: n >= 1, And(i >= 0, i < n), And(j >= 0, j < n), B(i, sub(j, 1)) == B(add(i, 1), add(sub(j, 1), 1)) ⊢ B(i, sub(j, 1)) == B(add(i, 1), j)
      negation: unsat
  [ok] induction base: B_{i⊕0, j⊕0} = B_ij
      z3: n >= 1, And(i >= 0, i < n), And(j >= 0, j < n) ⊢ B(add(i, 0), add(j, 0)) == B(i, j)
      negation: unsat
  [ok] induction step: B_{i⊕k, j⊕k} = B_ij and invariance at (i ⊕ k, j ⊕ k) give B_{i⊕(k+1), j⊕(k+1)} = B_ij (k + 1 < n)
      z3: n >= 1, And(i >= 0, i < n), And(j >= 0, j < n), And(k >= 0, k < n), k + 1 < n, B(add(i, k), add(j, k)) == B(i, j), B(add(i, k), add(j, k)) ==
B(add(add(i, k), 1), add(add(j, k), 1)) ⊢ B(add(i, k + 1), add(j, k + 1)) == B(i, j)
      negation: unsat
  [ok] closure: k* = 0 ⊖ i is a residue with i ⊕ k* = 0 and j ⊕ k* = j ⊖ i
      z3: n >= 1, And(i >= 0, i < n), And(j >= 0, j < n) ⊢ And(sub(0, i) >= 0,
    sub(0, i) < n,
    add(i, sub(0, i)) == 0,
    add(j, sub(0, i)) == sub(j, i))
      negation: unsat
  => with the entry equation of BS = SB ((MS)_ij = M_{i, j⊖1}, (SM)_ij = M_{i⊕1, j}), BS = SB ⇔ B_ij = B_{i⊕1, j⊕1}; induction on k = 0..n-1 gives B_{i⊕k, j⊕k} = B_ij, and k = k* gives B_ij = B_{0, j⊖i}: B is the circulant with generator b_d = B_{0,d}

5b, key step by SymPy: BS = SB entrywise, B(a, b) an undefined function, symbolic n:
  [ok] residue rule: Eq(Mod(m, n), m) for an integer 0 <= m <= n - 1
      SymPy with m = r, n = r + s + 1: True
  [ok] (BS)_ij: Sum(B(i, k)*KroneckerDelta(j, Mod(k + 1, n)), (k, 0, n - 1))
      SymPy (as_poly): no Kronecker delta's equation is ±k + (terms without k), which delta summation needs (it solves that equation for k, an integer only when the coefficient of k is ±1)
  [ok] reindex: k = Mod(m + n - 1, n), m = 0..n - 1 (a bijection of 0..n - 1 leaves the sum unchanged)
      SymPy (subs): Mod(k + 1, n) at k = Mod(m + n - 1, n) is Mod(m, n), Mod(m + n - 1, n) at m = Mod(k + 1, n) is Mod(k, n) (inverse maps, by the residue rule); the summand B(i, Mod(m + n - 1, n))*KroneckerDelta(j, Mod(m, n)) is B(i, Mod(m + n - 1, n))*KroneckerDelta(j, m) by the residue rule
  [ok] (BS)_ij: Sum(B(i, Mod(m + n - 1, n))*KroneckerDelta(j, m), (m, 0, n - 1))
      SymPy (deltasummation): Piecewise((B(i, Mod(j + n - 1, n)), (j >= 0) & (j <= n - 1)), (0, True))
  [ok] condition: (j >= 0) & (j <= n - 1)
      SymPy with j = r, n = r + s + 1 (j is a residue: by assumption): True
  [ok] (SB)_ij: Sum(B(k, j)*KroneckerDelta(k, p0), (k, 0, n - 1)), p0 = Mod(i + 1, n)
      SymPy (deltasummation): Piecewise((B(p0, j), (p0 >= 0) & (p0 <= n - 1)), (0, True)), that is Piecewise((B(Mod(i + 1, n), j), n >= Mod(i + 1, n) + 1), (0, True))
  [ok] condition: n >= Mod(i + 1, n) + 1
      SymPy with Mod(i + 1, n) = r, n = r + s + 1 (Mod(i + 1, n) is a residue: a remainder): True
  [ok] BS = SB ⇒ invariance: B(i, Mod(j + n - 1, n)) = B(Mod(i + 1, n), j) for every residue j, so for j replaced by Mod(j + 1, n)
      SymPy (subs; then Mod(j, n) = j, the residue rule): B(i, j) = B(Mod(i + 1, n), Mod(j + 1, n))
  [ok] invariance ⇒ BS = SB: B(i, j) = B(Mod(i + 1, n), Mod(j + 1, n)) for every residue j, so for j replaced by Mod(j + n - 1, n)
      SymPy (subs; then Mod(j, n) = j, the residue rule): B(i, Mod(j + n - 1, n)) = B(Mod(i + 1, n), j)
  => BS = SB ⇔ B(i, j) = B(Mod(i + 1, n), Mod(j + 1, n)) for all residues i, j

Circulants commute: (AB)_ij = Σ_k a_{k⊖i} b_{j⊖k}; reindex by k' = (i ⊕ j) ⊖ k:
  [ok] involution: k' is a residue and (i ⊕ j) ⊖ k' = k
      z3: n >= 1, And(i >= 0, i < n), And(j >= 0, j < n), And(k >= 0, k < n) ⊢ And(sub(add(i, j), k) >= 0,
    sub(add(i, j), k) < n,
    sub(add(i, j), sub(add(i, j), k)) == k)
      negation: unsat
  [ok] terms swap: k' ⊖ i = j ⊖ k and j ⊖ k' = k ⊖ i, so a_{k⊖i} b_{j⊖k} = a_{j⊖k'} b_{k'⊖i}
      z3: n >= 1, And(i >= 0, i < n), And(j >= 0, j < n), And(k >= 0, k < n) ⊢ And(a(sub(sub(add(i, j), k), i)) == a(sub(j, k)),
    b(sub(j, sub(add(i, j), k))) == b(sub(k, i)))
      negation: unsat
  => Σ_k a_{k⊖i} b_{j⊖k} = Σ_k' b_{k'⊖i} a_{j⊖k'} = (BA)_ij in any commutative ring: AB = BA

5c: circular convolution (k ⊛ x)_i = Σ_m k_m x_{i⊖m} commutes with S:
  [ok] matrix is circulant: (k ⊛ x)_i = Σ_j k_{i⊖j} x_j and k_{i⊖j} = c_{j⊖i} with c_d = k_{0⊖d}
      z3: n >= 1, And(i >= 0, i < n), And(j >= 0, j < n) ⊢ k(sub(i, j)) == k(sub(0, sub(j, i)))
      negation: unsat
  [ok] termwise: (k ⊛ Sx)_i has the term k_m x_{(i⊖m)⊕1}, (S(k ⊛ x))_i the term k_m x_{(i⊕1)⊖m}
      z3: n >= 1, And(i >= 0, i < n), And(m >= 0, m < n) ⊢ x(add(sub(i, m), 1)) == x(sub(add(i, 1), m))
      negation: unsat
  => circular convolution is a circulant matrix (so 5a applies) and, directly, k ⊛ (Sx) = S(k ⊛ x) for every n; in 2-D the same identity holds along each axis

Explicit verification:
  [ok] CS = SC with symbolic c_0..c_{n-1}, n = 1..64 (T s)
  [ok] solutions of BS = SB: n classes of entries, exactly the diagonals (dimension n), n = 1..64 (T s)
  n = 3: B = [[a, b, c], [c, a, b], [b, c, a]]
  DFT diagonalises the symbolic circulant exactly (Q(ω)) for n = [1, 2, 3, 4, 5, 6, 7, 8]
  numerically, n = 16: largest |C v - λ v| = R (rounding bound 1.6e-12)
  numerically, n = 32: largest |C v - λ v| = R (rounding bound 3.2e-12)
  numerically, n = 64: largest |C v - λ v| = R (rounding bound 6.4e-12)

5c: circular convolution is a circulant matrix (so 5a applies) and, directly, k ⊛ (Sx) = S(k ⊛ x) for every n; in 2-D the same identity holds along each axis. Checked on 100 1-D cases (integer signals of length 1..8, entries -9..9, kernels and shifts; zero-padding mismatches only at the border) and 100 2-D cases (integer grids up to 4x4, entries -9..9, kernels and shifts). Zero-padded ('same') convolution is not equivariant: kernel [1, 0, 0], x = [1, 0, 0], shift 1: k*(S^s x) and S^s(k*x) differ at output [1], at the border (the window there, or the next one, meets the zero padding); nor is a generic matrix: M = [[1, 0], [0, 0]], x = [1, 0]: M(Sx) = [0, 0], S(Mx) = [0, 1]
"""


def test_main_prints_every_argument_the_explicit_checks_and_5c(
    recorded_tools: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    q5.main()
    conventions = (q5.__doc__ or "").split("Main results")[0].strip()
    out = capsys.readouterr().out
    assert out.startswith(conventions + "\n") and not out.startswith(q5.__doc__ or "")
    assert masked(out.removeprefix(conventions + "\n")) == MAIN_OUTPUT


@pytest.mark.parametrize("argument", ARGUMENTS)
def test_every_argument_states_its_steps_exactly(argument: Callable[[int], q5.Argument]) -> None:
    """Title, each step's statement and z3 formula, and the conclusion: one block of the output."""
    assert argument(MS).text() in MAIN_OUTPUT.split("\n\n")


# --- the solver wrapper


WRONG = q5.Query("wrong", "a wrong step", tuple(q5.residues(q5.I_)), q5.add_mod(q5.I_, q5.I_) == 0)


def test_a_failed_step_is_shown_as_failed() -> None:
    answered = q5.ask(WRONG, MS)
    assert answered.text() == (
        "  [FAILED] wrong: a wrong step\n"
        "      z3: n >= 1, And(i >= 0, i < n) ⊢ add(i, i) == 0\n"
        "      negation: sat"
    )
    argument = q5.Argument("T", (answered,), "C")
    assert not argument.holds and argument.failures == ["wrong: sat"]
    assert argument.text() == f"T\n{answered.text()}\n  => C"


def test_ask_assumes_exactly_n_at_least_one() -> None:
    """n = 1 is a case of every argument: a goal false only there must come back sat."""
    assert q5.ask(q5.Query("n >= 2", "", (), q5.N >= 2), MS).answer == "sat"
    assert q5.ask(q5.Query("n >= 1", "", (), q5.N >= 1), MS).answer == "unsat"


def test_ask_gives_up_at_the_timeout_and_says_why() -> None:
    x, y, z = z3.Ints("x y z")
    cubes = q5.Query("cubes", "", (x > 0, y > 0, z > 0), x * x * x + y * y * y != z * z * z)
    answered = q5.ask(cubes, 1)
    assert answered.answer == "unknown (timeout)" and not answered.holds


# --- the theorem rows: a failed step or explicit check is undecided, never proved


def test_a_failed_step_makes_the_row_undecided() -> None:
    failed = q5.Argument("T", (q5.ask(WRONG, MS),), "C")
    outcome = q5._explicit_outcome(
        (q5.prove_shift_product_rule(MS), failed), q5.verify_commutant_explicitly(range(1, 3)), "m"
    )
    assert (outcome.verdict, outcome.method, outcome.evidence) == (
        Verdict.UNDECIDED,
        "m",
        "a z3 step was not proved: wrong: sat",
    )


def test_a_failed_explicit_check_makes_the_row_undecided() -> None:
    wrong_shift = q5.verify_commutant_explicitly(
        range(1, 5), shift=lambda n: q5.shift_permutation(n, 2)
    )
    outcome = q5._explicit_outcome((q5.prove_shift_product_rule(MS),), wrong_shift, "m")
    assert (outcome.verdict, outcome.evidence) == (
        Verdict.UNDECIDED,
        "explicit check failed at n = [2, 4]",
    )


def test_a_proved_row_counts_steps_and_names_the_explicit_range() -> None:
    outcome = q5._explicit_outcome(
        (q5.prove_residue_arithmetic(MS), q5.prove_shift_product_rule(MS)),
        q5.verify_circulant_commutes_explicitly(range(2, 6)),
        "m",
    )
    assert (outcome.verdict, outcome.method) == (Verdict.PROVED, "m")
    assert outcome.evidence == (
        "(MS)_ij = Σ_k M_ik S_kj = M_{i, j⊖1}; row i of S has its single 1 in column i ⊕ 1, "
        "so (SM)_ij = M_{i⊕1, j} (3 z3 steps over symbolic n, each negation unsat); "
        "explicitly: CS = SC with symbolic c_0..c_{n-1} for n = 2..5"
    )


def test_explicit_check_text_and_time() -> None:
    def anti(n: int) -> q5.LabelMatrix:
        return [[(i + j) % n for j in range(n)] for i in range(n)]

    result = q5.verify_circulant_commutes_explicitly(range(1, 5), matrix=anti)
    assert 0 <= result.seconds < 10
    assert masked(result.text()) == (
        "  [FAILED at n = [3, 4]] CS = SC with symbolic c_0..c_{n-1}, n = 1..4 (T s)"
    )
    commutant = q5.verify_commutant_explicitly(range(3, 4))
    assert 0 <= commutant.seconds < 10 and commutant.failures == ()


# --- 5c: each way the row can fail to be proved


def test_conv_row_with_a_single_example_falls_back_to_the_small_cases() -> None:
    outcome = q5.decide_conv_shift_equivariance(1, 0, MS)
    assert outcome.verdict is Verdict.PROVED
    assert "Checked on 1 1-D cases" in outcome.evidence  # the search found no witness
    assert outcome.evidence.split("Zero-padded")[1] == (
        " ('same') convolution is not equivariant: kernel [0, 1], x = [0, 1], shift 1: "
        "k*(S^s x) and S^s(k*x) differ at output [1], at the border (the window there, or "
        "the next one, meets the zero padding); nor is a generic matrix: M = [[0, 0], [0, 1]], "
        "x = [0, 1]: M(Sx) = [0, 0], S(Mx) = [1, 0]"
    )


def test_conv_row_is_undecided_on_an_equivariance_counterexample(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(eq, "circular_or_border_fails", lambda case: len(case[1]) > 1)
    outcome = q5.decide_conv_shift_equivariance(20, 0, MS)
    assert outcome.verdict is Verdict.UNDECIDED
    assert outcome.evidence.startswith("1-D search: counterexample (")
    monkeypatch.undo()
    monkeypatch.setattr(eq, "circular_equivariance_2d_fails", lambda case: True)
    outcome = q5.decide_conv_shift_equivariance(20, 0, MS)
    assert outcome.evidence == "2-D search: counterexample (((0,),), ((0,),), (0, 0))"


def test_conv_row_is_undecided_without_its_counterexamples(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(eq, "same_equivariance_fails", lambda case: False)
    outcome = q5.decide_conv_shift_equivariance(20, 0, MS)
    assert (outcome.verdict, outcome.evidence) == (
        Verdict.UNDECIDED,
        "no zero-padding counterexample in 20 cases",
    )
    monkeypatch.undo()
    monkeypatch.setattr(eq, "matrix_equivariance_fails", lambda case: False)
    outcome = q5.decide_conv_shift_equivariance(20, 0, MS)
    assert outcome.evidence == "no dense-matrix counterexample in 20 cases"


def test_conv_row_is_undecided_when_a_z3_step_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        q5, "prove_convolution_is_circulant", lambda ms: q5.Argument("T", (q5.ask(WRONG, ms),), "C")
    )
    outcome = q5.decide_conv_shift_equivariance(1, 0, MS)
    assert (outcome.verdict, outcome.method, outcome.evidence) == (
        Verdict.UNDECIDED,
        "z3 (index identity mod symbolic n), hypothesis on integer signals, exact witnesses",
        "a z3 step was not proved: wrong: sat",
    )


# --- sheet claims


def test_claim_without_its_theorem_row_is_undecided() -> None:
    checks = q5.claim_checks(load_seed(), Settings(), {})
    outcomes = [check.decide(*check.args) for check in checks]
    assert [(o.verdict, o.method, o.evidence) for o in outcomes] == [
        (
            Verdict.UNDECIDED,
            "rests on theorem.circulant_shift_commute",
            "theorem.circulant_shift_commute is absent: not run",
        ),
        (
            Verdict.UNDECIDED,
            "rests on theorem.shift_commutant_is_circulant",
            "theorem.shift_commutant_is_circulant is absent: not run",
        ),
    ]


def test_a_claim_left_out_skips_only_itself() -> None:
    sheet = parse_sheet(
        '[sheet]\ntitle = "t"\n[q5]\nonly_circulants_commute_with_shift = true\n', "t.toml"
    )
    checks = q5.claim_checks(sheet, Settings(), {})
    assert [(c.id, c.question, c.statement) for c in checks] == [
        (
            "q5.only_circulants_commute_with_shift",
            "5b",
            "every matrix B with BS = SB is circulant",
        )
    ]


def test_claim_with_an_instance_that_fails_is_undecided() -> None:
    broken = q5.Instance({"n": "3"}, holds=False)
    outcome = q5.decide_claim(True, "theorem.x", "proved", "", broken)
    assert (outcome.verdict, outcome.evidence) == (
        Verdict.UNDECIDED,
        "the concrete instance did not re-verify",
    )


# --- DFT


def test_dft_gram_check_has_teeth() -> None:
    """F F* = n I; the unnormalised claim F F* = I is caught (for n > 1)."""
    assert q5.prove_dft_diagonalises_circulant(3, gram=3)
    assert not q5.prove_dft_diagonalises_circulant(3, gram=1)
    assert not q5.prove_dft_diagonalises_circulant(2, gram=0)


def test_random_generator_is_reproducible_and_spans_minus_nine_to_nine() -> None:
    assert q5.random_generator(6) == q5.random_generator(6, 0) != q5.random_generator(6, 1)
    assert set(q5.random_generator(400, 3)) == set(range(-9, 10))
    assert q5.dft_residual(16) == q5.dft_residual(16, seed=0) != q5.dft_residual(16, seed=1)


def test_dft_tolerance_is_rounding_sized() -> None:
    """n · 1e-13: far below the order-1 residual of a wrong eigenpair, above rounding."""
    assert q5.dft_tolerance(10) == pytest.approx(1e-12)
    assert q5.dft_residual(64) < q5.dft_tolerance(64) < 1e-10


# --- the exhaustive small cases


def test_small_signal_cases_are_every_zero_one_case_small_first() -> None:
    cases = list(eq.small_signal_cases())
    # n = 1..3, kernel length 1..n, 2^length kernels, 2^n signals, n shifts
    assert len(cases) == sum(2**length * 2**n * n for n in (1, 2, 3) for length in range(1, n + 1))
    assert cases[:4] == [((0,), (0,), 0), ((0,), (1,), 0), ((1,), (0,), 0), ((1,), (1,), 0)]
    assert cases[-1] == ((1, 1, 1), (1, 1, 1), 2)
    assert {v for kernel, x, _ in cases for v in kernel + x} == {0, 1}
    assert len(set(cases)) == len(cases)
    assert len(list(eq.small_signal_cases(1))) == 4


def test_small_matrix_cases_are_every_zero_one_case_small_first() -> None:
    cases = list(eq.small_matrix_cases())
    assert len(cases) == 2 * 2 + 2**4 * 2**2
    assert cases[:4] == [(((0,),), (0,)), (((0,),), (1,)), (((1,),), (0,)), (((1,),), (1,))]
    assert cases[-1] == (((1, 1), (1, 1)), (1, 1))
    assert {v for m, x in cases for v in [*x, *(e for row in m for e in row)]} == {0, 1}
    assert len(set(cases)) == len(cases)
    assert len(list(eq.small_matrix_cases(1))) == 4


# --- exact statements, joins and shapes


def test_theorem_statements_exactly() -> None:
    checks = q5.theorem_checks(Settings(examples=7, seed=3))
    assert [(c.statement, c.decide, c.args) for c in checks] == [
        (
            "every circulant C_ij = c_{(j-i) mod n} commutes with the cyclic shift S, every n >= 1",
            q5.decide_circulant_shift_commute,
            (Settings().solver_timeout_ms,),
        ),
        (
            "every n x n matrix B with BS = SB is circulant, every n >= 1",
            q5.decide_shift_commutant_is_circulant,
            (Settings().solver_timeout_ms,),
        ),
        (
            "circular convolution commutes with the cyclic shift (1-D and 2-D); "
            "zero-padded convolution and a generic matrix do not",
            q5.decide_conv_shift_equivariance,
            (7, 3, Settings().solver_timeout_ms),
        ),
    ]


def test_every_failed_step_is_named() -> None:
    failed = q5.Argument("T", (q5.ask(WRONG, MS), q5.ask(WRONG, MS)), "C")
    outcome = q5._unproved((failed, q5.prove_shift_product_rule(MS)), "m")
    assert outcome is not None
    assert outcome.evidence == "a z3 step was not proved: wrong: sat; wrong: sat"
    assert q5._unproved((q5.prove_shift_product_rule(MS),), "m") is None


def test_products_reject_mismatched_shapes() -> None:
    assert q5.int_product([[1, 2]], [[3], [4]]) == [[11]]
    with pytest.raises(ValueError):
        q5.int_product([[1, 2]], [[1]])
    with pytest.raises(ValueError):
        q5.int_product([[1]], [[1, 2], [3]])


def test_inverse_permutation() -> None:
    assert q5.inverse((2, 0, 1)) == (1, 2, 0)
    assert q5.shift_permutation(4) == (1, 2, 3, 0)
    assert q5.shift_permutation(4, 3) == (3, 0, 1, 2)


def test_instances_at_other_sizes() -> None:
    """At n = 1 the unit matrix E00 is circulant and commutes: no instance of 5b there."""
    one = q5.commutant_instance(1)
    assert not one.holds and one.fields["noncirculant_E00_commutes"] == "True"
    four = q5.commutant_instance(4)
    assert four.holds and four.fields == {
        "n": "4",
        "S": "[[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0]]",
        "commutant_dimension": "4",
        "commutant": "B = [[a, b, c, d], [d, a, b, c], [c, d, a, b], [b, c, d, a]]",
        "noncirculant_E00_commutes": "False",
    }
    pair = q5.shift_instance((5, 7))
    assert pair.holds and pair.fields == {
        "n": "2",
        "S": "[[0, 1], [1, 0]]",
        "C": "[[5, 7], [7, 5]]",
        "CS": "[[7, 5], [5, 7]]",
        "SC": "[[7, 5], [5, 7]]",
    }


def test_the_searches_report_their_budget_and_generators() -> None:
    found = q5.run_equivariance_searches(3, 0)
    results = (found.circular_1d, found.circular_2d, found.same, found.matrix)
    assert [r.generator for r in results] == [
        eq.GENERATORS["1-D"],
        eq.GENERATORS["2-D"],
        eq.GENERATORS["1-D"],
        eq.GENERATORS["matrix"],
    ]
    assert [r.cases for r in results[:2]] == [3, 3]
    assert found.circular_1d.counterexample is None and found.circular_2d.counterexample is None
