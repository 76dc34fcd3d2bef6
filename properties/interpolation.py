"""Q7 properties: the Theorem 1 network fits any labels exactly; one unit fewer does not.

- ``datasets``: n distinct rational points in R^d with rational labels or random class labels
  (the randomized-label experiment of Zhang et al.);
- ``interpolation_violation``: what is wrong with the construction on a data set (a label
  not reproduced, a weight count other than 2n + d, biases not interleaved, a singular
  system), or ``None``;
- ``fewer_units_violation``: the same construction with its last hidden unit dropped
  (n - 1 units); the search finds labels it cannot fit;
- ``search_datasets``: a seeded search for a data set violating one of these;
  ``search_interpolation`` is the one the ledger row reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

from hypothesis import strategies as st

from proofs.relu_network import (
    BiasRule,
    ConstructionError,
    Network,
    Point,
    activation_matrix,
    fit,
    format_point,
    hidden_layer,
    interleaved_biases,
    projection,
    solve_lower_triangular,
)
from properties.search import SearchResult, search


@dataclass(frozen=True)
class Dataset:
    points: tuple[Point, ...]
    labels: tuple[Fraction, ...]

    @property
    def dimension(self) -> int:
        return len(self.points[0])

    def __str__(self) -> str:
        pairs = ", ".join(
            f"{format_point(x)} -> {y}" for x, y in zip(self.points, self.labels, strict=True)
        )
        return f"n = {len(self.points)}, d = {self.dimension}: {pairs}"


@dataclass(frozen=True)
class Sizes:
    """Bounds of a generated data set: number of points, dimension, coordinate size."""

    max_points: int
    max_dimension: int
    min_points: int = 1
    max_numerator: int = 20
    max_denominator: int = 6

    def __post_init__(self) -> None:
        if self.rational_codes > 256:
            raise ValueError("a rational is decoded from one byte: (2p + 1) q <= 256")

    @property
    def rational_codes(self) -> int:
        return (2 * self.max_numerator + 1) * self.max_denominator

    @property
    def record_bytes(self) -> int:
        return (self.max_dimension + 1) * self.max_points

    def describe(self) -> str:
        return (
            f"{self.min_points}-{self.max_points} distinct points in R^1..R^{self.max_dimension}, "
            f"coordinates p/q with |p| <= {self.max_numerator}, q <= {self.max_denominator}; "
            "rational or random class labels"
        )


# Moderate sizes for the ledger command (cheap at 100 examples); tests go up to the issue's.
COMMAND_DATASETS = Sizes(max_points=10, max_dimension=3)
FULL_DATASETS = Sizes(max_points=60, max_dimension=6)


def _zigzag(index: int) -> int:
    """0, -1, 1, -2, 2, ...: small codes are small numbers, so shrinking goes towards 0."""
    return (index + 1) // 2 * (-1 if index % 2 else 1)


def _rational(byte: int, sizes: Sizes) -> Fraction:
    """One byte as p/q, |p| <= max_numerator, q <= max_denominator (codes wrap around)."""
    numerator, denominator = divmod(byte % sizes.rational_codes, sizes.max_denominator)
    return Fraction(_zigzag(numerator), denominator + 1)


def _decode(d: int, n: int, class_labels: bool, data: bytes, sizes: Sizes) -> Dataset:
    """The first n records of d + 1 bytes: a point's coordinates, then its label.  A repeated
    point is dropped (the first one is kept), so the points are distinct."""
    labelled: dict[Point, Fraction] = {}
    for start in range(0, (d + 1) * n, d + 1):
        point = tuple(_rational(byte, sizes) for byte in data[start : start + d])
        label = data[start + d]
        labelled.setdefault(
            point, Fraction(label % 10) if class_labels else _rational(label, sizes)
        )
    return Dataset(tuple(labelled), tuple(labelled.values()))


def datasets(sizes: Sizes) -> st.SearchStrategy[Dataset]:
    """Distinct points with rational labels, or with random class labels 0..9 (the labels of
    a data set shuffled, as in the randomized-label experiment).

    d, n and the choice of labels are drawn, then the points and labels are decoded from one
    byte string: a few draws per case keep a search of 100 cases cheap enough for the ledger
    command, and shrinking goes to fewer points, smaller coordinates and smaller labels.
    """
    return st.builds(
        _decode,
        st.integers(1, sizes.max_dimension),
        st.integers(sizes.min_points, sizes.max_points),
        st.booleans(),
        st.binary(min_size=sizes.record_bytes, max_size=sizes.record_bytes),
        st.just(sizes),
    ).filter(lambda case: len(case.points) >= sizes.min_points)


def _mislabelled(network: Network, case: Dataset) -> str | None:
    wrong = [
        f"c{format_point(x)} = {network(x)} != {y}"
        for x, y in zip(case.points, case.labels, strict=True)
        if network(x) != y
    ]
    return "; ".join(wrong) or None


def network_violation(network: Network, case: Dataset) -> str | None:
    """None when the network has 2n + d weights, biases interleaving the sorted projections
    and reproduces every label exactly."""
    n, d = len(case.points), case.dimension
    if network.weight_count != 2 * n + d:
        return f"{network.weight_count} weights, not 2n + d = {2 * n + d}"
    z = sorted(projection(network.a, x) for x in case.points)
    chain = [x for pair in zip(network.b, z, strict=True) for x in pair]
    if any(left >= right for left, right in pairwise(chain)):
        return f"biases {format_point(network.b)} do not interleave {format_point(z)}"
    return _mislabelled(network, case)


def interpolation_violation(case: Dataset, biases: BiasRule = interleaved_biases) -> str | None:
    """None when the construction (with the given bias rule) meets ``network_violation``."""
    try:
        network = fit(case.points, case.labels, biases)
    except ConstructionError as error:
        return f"{type(error).__name__}: {error}"
    return network_violation(network, case)


def fewer_units_network(case: Dataset) -> Network:
    """The construction with its last hidden unit dropped: n - 1 units fitted on n - 1 rows.

    The first n - 1 rows of A form a lower-triangular block with positive diagonal, so they
    fix w; the n-point system is solvable with these units exactly when this network also
    fits the last point.
    """
    layer = hidden_layer(case.points)
    units = len(case.points) - 1
    y = [case.labels[i] for i in layer.order]
    matrix = activation_matrix(layer.z[:units], layer.b[:units])
    w = solve_lower_triangular(matrix, y[:units])
    return Network(layer.a, tuple(layer.b[:units]), tuple(w))


def fewer_units_violation(case: Dataset) -> str | None:
    """None when the construction with n - 1 units still reproduces every label."""
    return _mislabelled(fewer_units_network(case), case)


def search_datasets(
    violation: Callable[[Dataset], str | None], sizes: Sizes, examples: int, seed: int
) -> SearchResult[Dataset]:
    """The seeded search for a data set on which ``violation`` reports something."""
    return search(
        datasets(sizes),
        lambda case: violation(case) is not None,
        examples=examples,
        seed=seed,
        generator=sizes.describe(),
    )


def search_interpolation(sizes: Sizes, examples: int, seed: int) -> SearchResult[Dataset]:
    return search_datasets(interpolation_violation, sizes, examples, seed)
