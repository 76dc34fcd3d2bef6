"""The network of Theorem 1 (Q7), built in exact rational arithmetic.

The construction that ``proofs.interpolation`` proves correct and ``properties.interpolation``
searches: a direction with pairwise distinct projections, biases interleaved with the sorted
projections, and forward substitution through the lower-triangular activation matrix.  Both
modules import it from here, so neither imports the other's construction.

- ``fit``: the network through labelled points (``ConflictingLabelsError`` for equal points
  with different labels; equal points with equal labels are merged);
- ``hidden_layer``, ``distinct_projection_direction``, ``interleaved_biases``: its steps;
- ``activation_matrix``, ``solve_lower_triangular``: the linear system and its exact solution.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

Point = tuple[Fraction, ...]
Matrix = list[list[Fraction]]
BiasRule = Callable[[Sequence[Fraction]], list[Fraction]]


class ConflictingLabelsError(ValueError):
    """Two equal points carry different labels: no function, let alone a network, fits both."""

    def __init__(self, first: int, second: int, point: Point, labels: tuple[Fraction, Fraction]):
        self.indices = (first, second)
        self.point = point
        self.labels = labels
        super().__init__(
            f"points {first} and {second} are both {format_point(point)} but have labels "
            f"{labels[0]} and {labels[1]}: no function fits both; remove one of them or give "
            "them the same label"
        )


class ConstructionError(ArithmeticError):
    """The biases given do not make the activation matrix lower triangular and invertible."""


class NotLowerTriangularError(ConstructionError):
    """A hidden unit is active at a point before its own: A_ij != 0 for some j > i."""


class SingularSystemError(ConstructionError):
    """Forward substitution met a zero pivot: the activation matrix is singular."""


def format_point(point: Sequence[Fraction]) -> str:
    return "(" + ", ".join(str(c) for c in point) + ")"


@dataclass(frozen=True)
class Network:
    """c(x) = sum_j w_j max(<a, x> - b_j, 0): d + n + n weights."""

    a: tuple[Fraction, ...]
    b: tuple[Fraction, ...]
    w: tuple[Fraction, ...]

    @property
    def weight_count(self) -> int:
        return len(self.a) + len(self.b) + len(self.w)

    def __call__(self, x: Sequence[Fraction]) -> Fraction:
        z = projection(self.a, x)
        return sum(
            (w_j * (z - b_j) for w_j, b_j in zip(self.w, self.b, strict=True) if z > b_j),
            Fraction(0),
        )

    def text(self) -> str:
        units = " + ".join(
            f"({w_j})*max(<a, x> - ({b_j}), 0)" for w_j, b_j in zip(self.w, self.b, strict=True)
        )
        return (
            f"a = {format_point(self.a)}\nb = {format_point(self.b)}\n"
            f"w = {format_point(self.w)}\nc(x) = {units or '0'}"
        )


def projection(a: Sequence[Fraction], x: Sequence[Fraction]) -> Fraction:
    return sum((a_k * x_k for a_k, x_k in zip(a, x, strict=True)), Fraction(0))


def merge_duplicates(
    points: Sequence[Sequence[Fraction]], labels: Sequence[Fraction]
) -> tuple[list[Point], list[Fraction]]:
    """Distinct points with their labels; equal points must carry equal labels."""
    if len(points) != len(labels):
        raise ValueError(f"{len(points)} points but {len(labels)} labels: give one label each")
    if not points:
        raise ValueError("no points: give at least one point with its label")
    dimension = len(points[0])
    first_seen: dict[Point, int] = {}
    distinct: list[Point] = []
    kept: list[Fraction] = []
    for index, (raw, label) in enumerate(zip(points, labels, strict=True)):
        point = tuple(Fraction(c) for c in raw)
        if len(point) != dimension or dimension == 0:
            raise ValueError(
                f"point {index} has {len(point)} coordinates, point 0 has {dimension}: "
                "all points need the same dimension d >= 1"
            )
        label = Fraction(label)
        if point in first_seen:
            seen = first_seen[point]
            if labels[seen] != label:
                raise ConflictingLabelsError(seen, index, point, (Fraction(labels[seen]), label))
            continue
        first_seen[point] = index
        distinct.append(point)
        kept.append(label)
    return distinct, kept


def distinct_projection_direction(points: Sequence[Point]) -> tuple[Fraction, ...]:
    """a = (1, t, ..., t^(d-1)) for the first t >= 1 giving n distinct values <a, x_i>."""
    n, d = len(points), len(points[0])
    # Each pair of distinct points collides for at most d - 1 values of t (roots of a nonzero
    # polynomial of degree <= d - 1), so this many values always contain a good one.
    bound = n * (n - 1) // 2 * (d - 1) + 1
    for t in range(1, bound + 1):
        a = tuple(Fraction(t**k) for k in range(d))
        if len({projection(a, x) for x in points}) == n:
            return a
    raise AssertionError("unreachable for distinct points: some t <= bound separates them")


def interleaved_biases(z: Sequence[Fraction]) -> list[Fraction]:
    """b_1 = z_1 - 1 and b_j = (z_{j-1} + z_j)/2: b_1 < z_1 < b_2 < ... < b_n < z_n."""
    return [z[0] - 1] + [(left + right) / 2 for left, right in pairwise(z)]


def activation_matrix(z: Sequence[Fraction], b: Sequence[Fraction]) -> Matrix:
    """A_ij = max(z_i - b_j, 0): row i holds the hidden units' outputs at the i-th point."""
    return [[max(z_i - b_j, Fraction(0)) for b_j in b] for z_i in z]


def solve_lower_triangular(matrix: Matrix, y: Sequence[Fraction]) -> list[Fraction]:
    """The unique w with matrix w = y, by forward substitution (exact)."""
    n = len(matrix)
    above = [(i, j) for i in range(n) for j in range(i + 1, n) if matrix[i][j] != 0]
    if above:
        i, j = above[0]
        raise NotLowerTriangularError(f"A[{i}][{j}] = {matrix[i][j]} above the diagonal")
    w: list[Fraction] = []
    for i, row in enumerate(matrix):
        if row[i] == 0:
            raise SingularSystemError(f"zero pivot A[{i}][{i}]: the system is singular")
        w.append((y[i] - sum((row[j] * w[j] for j in range(i)), Fraction(0))) / row[i])
    return w


@dataclass(frozen=True)
class HiddenLayer:
    """The shared direction, the points' order along it, their projections and the biases."""

    a: tuple[Fraction, ...]
    order: list[int]
    z: list[Fraction]
    b: list[Fraction]


def hidden_layer(points: Sequence[Point], biases: BiasRule = interleaved_biases) -> HiddenLayer:
    a = distinct_projection_direction(points)
    projections = [projection(a, x) for x in points]
    order = sorted(range(len(points)), key=projections.__getitem__)
    z = [projections[i] for i in order]
    return HiddenLayer(a, order, z, biases(z))


def fit(
    points: Sequence[Sequence[Fraction]],
    labels: Sequence[Fraction],
    biases: BiasRule = interleaved_biases,
) -> Network:
    """The network of Theorem 1 through the given labelled points (exact)."""
    distinct, kept = merge_duplicates(points, labels)
    layer = hidden_layer(distinct, biases)
    y = [kept[i] for i in layer.order]
    w = solve_lower_triangular(activation_matrix(layer.z, layer.b), y)
    return Network(layer.a, tuple(layer.b), tuple(w))
