"""Q7: a two-layer ReLU network with 2n + d weights fits any labels on n distinct points.

Zhang et al. (2017), "Understanding deep learning requires rethinking generalization",
Theorem 1: for n distinct points x_1, ..., x_n in R^d and any labels y_1, ..., y_n there are
a in R^d, b in R^n and w in R^n such that

    c(x) = sum_j w_j * max(<a, x> - b_j, 0)

satisfies c(x_i) = y_i for every i.  The network has d + n + n = 2n + d weights.

The construction, in exact rational arithmetic:

1. a direction a with pairwise distinct projections z_i = <a, x_i>: a = (1, t, ..., t^(d-1))
   for the first integer t >= 1 that works.  For two distinct points, <a, x - y> is a nonzero
   polynomial in t of degree <= d - 1, so at most d - 1 values of t make them collide and the
   scan stops after at most C(n, 2)(d - 1) + 1 values;
2. sort the projections, z_(1) < ... < z_(n), and interleave biases
   b_1 < z_(1) < b_2 < z_(2) < ... < b_n < z_(n)  (b_1 = z_(1) - 1, b_j the midpoints);
3. the matrix A_ij = max(z_(i) - b_j, 0) is lower triangular with a positive diagonal, so
   forward substitution solves A w = y exactly and uniquely.

Main results:

- ``prove_diagonal_positive``, ``prove_strictly_above_diagonal_vanishes``: for symbolic
  sorted sequences z, b (uninterpreted functions of a symbolic index, z3), interleaving
  gives A_ii = z_i - b_i > 0 and, by induction on j - i, z_i < b_j hence A_ij = 0 for j > i;
  with only b_i <= z_i z3 finds a zero diagonal entry (``strict=False``): strictness matters;
- ``prove_chosen_biases_interleave``: the biases of step 2 interleave any increasing z (z3);
- ``prove_triangular_for_each_size``: the same inequalities without any induction, for each
  n = 1..8 with n symbolic reals per sequence (z3, quantifier free);
- ``prove_triangular_determinant``: det A = prod_i (z_i - b_i) for symbolic z, b, n = 1..4
  (SymPy, division-free Berkowitz); in general forward substitution divides only by A_ii;
- ``fit``: the construction itself, raising ``ConflictingLabelsError`` for equal points with
  different labels (equal points with equal labels are merged);
- ``prove_relu_interpolation``: the general step together with the property search of
  ``properties.interpolation`` (every label reproduced exactly, exactly 2n + d weights).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy
import z3

from hw2check.ledger import Check, Derivation, Outcome, Row, proved, undecided
from hw2check.sheet import Sheet
from hw2check.topics import Settings
from proofs.relu_network import (
    Network,
    Point,
    fit,
    format_point,
)
from properties import interpolation as searches
from properties.interpolation import Dataset
from properties.search import SearchResult

# The sizes the quantifier-free and the determinant checks cover; the symbolic-index proof
# covers every n.
TRIANGULAR_SIZES = range(1, 9)
DETERMINANT_SIZES = range(1, 5)


# --- the general step ------------------------------------------------------------------


def _z3_refutes(negation: z3.BoolRef, hypotheses: Sequence[z3.BoolRef], timeout_ms: int) -> str:
    """z3's answer on hypotheses + negation: ``unsat`` means the claim is proved."""
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(*hypotheses, negation)
    return str(solver.check())


def _step(
    statement: str, claim: z3.BoolRef, hypotheses: Sequence[z3.BoolRef], timeout_ms: int
) -> tuple[str, bool]:
    """One step: the claim holds under the hypotheses when its negation is unsatisfiable."""
    answer = _z3_refutes(z3.Not(claim), hypotheses, timeout_ms)
    return f"{statement} (z3: negation {answer})", answer == "unsat"


@dataclass(frozen=True)
class _Sequences:
    """Symbolic sequences z, b over a symbolic length n, with the interleaving axioms."""

    n: z3.ArithRef
    z: z3.FuncDeclRef
    b: z3.FuncDeclRef

    @classmethod
    def make(cls) -> _Sequences:
        return cls(
            z3.Int("n"),
            z3.Function("z", z3.IntSort(), z3.RealSort()),
            z3.Function("b", z3.IntSort(), z3.RealSort()),
        )

    def index(self, *ks: z3.ArithRef) -> z3.BoolRef:
        return z3.And([z3.And(k >= 1, k <= self.n) for k in ks])

    def interleaved(self, strict: bool = True) -> list[z3.BoolRef]:
        """b_k < z_k < b_{k+1}; with ``strict`` off only b_k <= z_k (a wrong hypothesis)."""
        k = z3.Int("k")
        below = self.b(k) < self.z(k) if strict else self.b(k) <= self.z(k)
        return [
            z3.ForAll([k], z3.Implies(self.index(k), below)),
            z3.ForAll([k], z3.Implies(z3.And(k >= 1, k < self.n), self.z(k) < self.b(k + 1))),
        ]

    def entry(self, i: z3.ArithRef, j: z3.ArithRef) -> z3.ArithRef:
        gap = self.z(i) - self.b(j)
        return z3.If(gap > 0, gap, z3.RealVal(0))


def prove_diagonal_positive(timeout_ms: int, strict: bool = True) -> Derivation:
    """A_ii = z_i - b_i > 0; ``strict=False`` (b_i <= z_i) shows the strictness is needed."""
    s, i = _Sequences.make(), z3.Int("i")
    claim = z3.And(s.entry(i, i) == s.z(i) - s.b(i), s.entry(i, i) > 0)
    statement = "every n, 1 <= i <= n: A_ii = z_i - b_i > 0"
    hypotheses = s.interleaved(strict)
    return Derivation((_step(statement, z3.Implies(s.index(i), claim), hypotheses, timeout_ms),))


def prove_strictly_above_diagonal_vanishes(timeout_ms: int) -> Derivation:
    """z_i < b_j for all i < j by induction on j - i, then A_ij = max(z_i - b_j, 0) = 0."""
    s, i, j = _Sequences.make(), z3.Int("i"), z3.Int("j")
    axioms = s.interleaved()
    base = z3.Implies(z3.And(i >= 1, i < s.n), s.z(i) < s.b(i + 1))
    induction = z3.Implies(z3.And(i >= 1, i < j, j < s.n, s.z(i) < s.b(j)), s.z(i) < s.b(j + 1))
    vanishes = z3.Implies(z3.And(s.index(i, j), i < j, s.z(i) < s.b(j)), s.entry(i, j) == 0)
    return Derivation(
        (
            _step("base j = i + 1: z_i < b_{i+1}", base, axioms, timeout_ms),
            _step(
                "step: z_i < b_j and j < n imply z_i < b_{j+1} (z_i < b_j < z_j < b_{j+1})",
                induction,
                axioms,
                timeout_ms,
            ),
            _step("hence z_i < b_j for all i < j, and then A_ij = 0", vanishes, axioms, timeout_ms),
        )
    )


def prove_chosen_biases_interleave(timeout_ms: int) -> Derivation:
    """b_1 = z_1 - 1, b_k = (z_{k-1} + z_k)/2 interleave every strictly increasing z."""
    s, k = _Sequences.make(), z3.Int("k")
    hypotheses = [
        z3.ForAll([k], z3.Implies(z3.And(k >= 1, k < s.n), s.z(k) < s.z(k + 1))),
        s.b(1) == s.z(1) - 1,
        z3.ForAll([k], z3.Implies(z3.And(k >= 2, k <= s.n), 2 * s.b(k) == s.z(k - 1) + s.z(k))),
    ]
    i = z3.Int("i")
    below = z3.Implies(s.index(i), s.b(i) < s.z(i))
    above = z3.Implies(z3.And(i >= 1, i < s.n), s.z(i) < s.b(i + 1))
    return Derivation(
        (
            _step("the midpoint biases satisfy b_i < z_i", below, hypotheses, timeout_ms),
            _step("the midpoint biases satisfy z_i < b_{i+1}", above, hypotheses, timeout_ms),
        )
    )


def prove_triangular_for_each_size(timeout_ms: int, sizes: range = TRIANGULAR_SIZES) -> Derivation:
    """Quantifier free, one n at a time: interleaving gives triangular, positive diagonal."""
    steps = []
    for n in sizes:
        z = z3.Reals(" ".join(f"z{i}" for i in range(n)))
        b = z3.Reals(" ".join(f"b{i}" for i in range(n)))
        chain = [b[i] < z[i] for i in range(n)] + [z[i] < b[i + 1] for i in range(n - 1)]

        entry = [
            [z3.If(z[i] > b[j], z[i] - b[j], z3.RealVal(0)) for j in range(n)] for i in range(n)
        ]
        shape = [entry[i][i] > 0 for i in range(n)] + [
            entry[i][j] == 0 for i in range(n) for j in range(i + 1, n)
        ]
        statement = f"n = {n}: A lower triangular with positive diagonal"
        steps.append(_step(statement, z3.And(shape), chain, timeout_ms))
    return Derivation(tuple(steps))


def prove_triangular_determinant(sizes: range = DETERMINANT_SIZES) -> Derivation:
    """det of the symbolic A (z_i - b_j on and below the diagonal) is prod (z_i - b_i)."""
    steps = []
    for n in sizes:
        z = sympy.symbols(f"z1:{n + 1}")
        b = sympy.symbols(f"b1:{n + 1}")
        matrix = sympy.Matrix([[z[i] - b[j] if j <= i else 0 for j in range(n)] for i in range(n)])
        determinant = matrix.det(method="berkowitz")
        diagonal = sympy.Mul(*(z[i] - b[i] for i in range(n)))
        steps.append(
            (
                f"n = {n}: det A = prod_i (z_i - b_i)",
                sympy.expand(determinant - diagonal) == 0,
            )
        )
    return Derivation(tuple(steps))


def prove_general_step(timeout_ms: int) -> Derivation:
    parts = (
        prove_chosen_biases_interleave(timeout_ms),
        prove_diagonal_positive(timeout_ms),
        prove_strictly_above_diagonal_vanishes(timeout_ms),
        prove_triangular_for_each_size(timeout_ms),
        prove_triangular_determinant(),
    )
    return Derivation(tuple(step for part in parts for step in part.steps))


def relu_interpolation_outcome(general: Derivation, result: SearchResult[Dataset]) -> Outcome:
    """The theorem row from the general step and the property search of the construction."""
    if not general.holds:
        return undecided(
            "z3 and SymPy", "a step of the general argument was not proved:\n" + general.text()
        )
    if result.counterexample is not None:
        return undecided(
            "z3 and SymPy; exact property search",
            f"the general step holds but the construction failed on {result.counterexample} "
            "(a defect of the implementation, not of the theorem)",
        )
    return proved(
        "z3 (symbolic indices, induction on j - i) and SymPy; exact construction",
        "with a = (1, t, ..., t^(d-1)) separating the points, sorted projections z and biases "
        "b_1 < z_1 < b_2 < ... < b_n < z_n, z3 proves (negations unsat, for symbolic n, z, b) "
        "that the midpoint biases interleave, A_ii = z_i - b_i > 0 and, by induction on "
        "j - i, z_i < b_j so A_ij = max(z_i - b_j, 0) = 0 for j > i (and again quantifier "
        f"free for n = {TRIANGULAR_SIZES.start}..{TRIANGULAR_SIZES.stop - 1}); SymPy: det A = "
        f"prod (z_i - b_i) > 0 for n = {DETERMINANT_SIZES.start}..{DETERMINANT_SIZES.stop - 1}; "
        "so forward substitution gives the unique w with c(x_i) = y_i, using d + n + n = "
        f"2n + d weights; the exact construction reproduced every label with 2n + d weights "
        f"on {result.cases} cases ({result.generator})\n" + general.text(),
    )


def prove_relu_interpolation(settings: Settings) -> Outcome:
    return relu_interpolation_outcome(
        prove_general_step(settings.solver_timeout_ms),
        searches.search_interpolation(searches.COMMAND_DATASETS, settings.examples, settings.seed),
    )


def theorem_checks(settings: Settings) -> list[Check]:
    return [
        Check(
            "theorem.relu_interpolation",
            "7",
            "(Zhang et al. 2017, Theorem 1) a two-layer ReLU network with 2n + d weights fits "
            "any labels on any n distinct points in R^d",
            prove_relu_interpolation,
            (settings,),
        )
    ]


def claim_checks(sheet: Sheet, settings: Settings, theorems: Mapping[str, Row]) -> list[Check]:
    """No sheet table for Q7: only the theorem row."""
    return []


def random_sample(rng: random.Random, n: int, d: int) -> tuple[list[Point], list[Fraction]]:
    """n distinct small rational points in R^d and random class labels 0..9."""
    points: set[Point] = set()
    while len(points) < n:
        points.add(tuple(Fraction(rng.randint(-6, 6), rng.randint(1, 3)) for _ in range(d)))
    return sorted(points), [Fraction(rng.randint(0, 9)) for _ in range(n)]


def exact_check_lines(
    network: Network, points: Sequence[Point], labels: Sequence[Fraction]
) -> list[str]:
    """One line per point, x -> y and c(x) with ok or WRONG, then the conclusion."""
    values = [network(x) for x in points]
    checks = list(zip(points, labels, values, strict=True))
    lines = [
        f"  {format_point(x)}  ->  {y}  {value}  {'ok' if value == y else 'WRONG'}"
        for x, y, value in checks
    ]
    fits = all(value == y for _, y, value in checks)
    return [*lines, "every label reproduced exactly" if fits else "MISMATCH"]


def main() -> None:
    print("Q7 — Zhang et al. (2017), Theorem 1: the general step")
    print(prove_general_step(10_000).text())
    print("The strict inequalities are needed; with only b_i <= z_i:")
    print(prove_diagonal_positive(10_000, strict=False).text())
    points, labels = random_sample(random.Random(7), 6, 3)
    network = fit(points, labels)
    print(f"\nRandom labels on {len(points)} points in R^3; the network:")
    print(network.text())
    print(f"weights: {network.weight_count} = 2*{len(points)} + 3")
    print("\nexact check  x_i  ->  y_i  c(x_i)")
    print("\n".join(exact_check_lines(network, points, labels)))


if __name__ == "__main__":
    from hw2check.derivation import module_main

    raise SystemExit(module_main("proofs.interpolation", __doc__ or "", main))
