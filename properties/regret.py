"""Online gradient descent in exact arithmetic: instances, strategies and regret properties.

An instance is a step size eta > 0, vectors v_1..v_T in Q^d and a comparator w*; the iterates
are w_1 = 0, w_{t+1} = w_t - eta*v_t.  Everything is a ``Fraction``, so the properties below
hold or fail exactly, with no tolerance.

Properties (each a plain function of an instance):

- ``identity_holds``: sum <w_t - w*, v_t> = ||w*||^2/(2 eta) + (eta/2) sum ||v_t||^2
  - ||w_{T+1} - w*||^2/(2 eta);
- ``bound_holds``: the sum is at most ||w*||^2/(2 eta) + (eta/2) sum ||v_t||^2, with equality
  exactly when w* = w_{T+1} (``tight_iff_comparator_is_last_iterate``);
- ``origin_identity_holds``: sum <w_t, v_t> = -(eta/2)||sum v_t||^2 + (eta/2) sum ||v_t||^2.

Strategies draw d in 1..6 and T in 1..40, with the comparator random or adversarial:
w* = w_{T+1} (where the bound is tight) or w* = lam*w_{T+1} with lam >= 1 and every v_t equal
(where the exact supremum for a large ||w*|| is attained).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

from hypothesis import strategies as st

Vector = tuple[Fraction, ...]


class RunVectors(Sequence[Vector]):
    """v_1..v_T held as runs (count, vector): an instance at any T (10**8 and beyond) without
    T references.  It is a sequence like the tuple it stands for."""

    def __init__(self, pairs: Sequence[tuple[int, Vector]]) -> None:
        self.pairs = tuple((count, vector) for count, vector in pairs if count > 0)

    @property
    def total(self) -> int:
        """T (which may exceed what ``len`` can return)."""
        return sum(count for count, _ in self.pairs)

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index: int) -> Vector:  # type: ignore[override]
        if index < 0:
            index += len(self)
        for count, vector in self.pairs:
            if index < count:
                return vector
            index -= count
        raise IndexError(index)

    def __iter__(self) -> Iterator[Vector]:
        for count, vector in self.pairs:
            yield from itertools.repeat(vector, count)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RunVectors):
            return runs_of(self) == runs_of(other)
        return isinstance(other, Sequence) and runs_of(self) == runs_of(other)

    def __hash__(self) -> int:
        return hash(tuple(runs_of(self)))


def runs_of(vectors: Sequence[Sequence[Fraction]]) -> list[tuple[int, Vector]]:
    """The sequence as maximal runs (count, vector), in closed form for ``RunVectors``."""
    pairs = (
        vectors.pairs
        if isinstance(vectors, RunVectors)
        else [(sum(1 for _ in run), tuple(v)) for v, run in itertools.groupby(vectors)]
    )
    merged: list[tuple[int, Vector]] = []
    for count, vector in pairs:
        if merged and merged[-1][1] == vector:
            merged[-1] = (merged[-1][0] + count, vector)
        else:
            merged.append((count, vector))
    return merged


def dot(x: Sequence[Fraction], y: Sequence[Fraction]) -> Fraction:
    return sum((a * b for a, b in zip(x, y, strict=True)), Fraction(0))


def norm_sq(x: Sequence[Fraction]) -> Fraction:
    return dot(x, x)


@dataclass(frozen=True)
class RegretInstance:
    """eta > 0, the vectors v_1..v_T (all of dimension d) and the comparator w*."""

    eta: Fraction
    vs: tuple[Vector, ...]
    wstar: Vector

    @property
    def d(self) -> int:
        return len(self.wstar)

    @property
    def T(self) -> int:
        return self.vs.total if isinstance(self.vs, RunVectors) else len(self.vs)

    def iterates(self) -> list[Vector]:
        """w_1 = 0, ..., w_{T+1}."""
        w: Vector = tuple(Fraction(0) for _ in range(self.d))
        out = [w]
        for v in self.vs:
            w = tuple(wi - self.eta * vi for wi, vi in zip(w, v, strict=True))
            out.append(w)
        return out


@dataclass(frozen=True)
class RegretSummary:
    """The exact quantities of one instance that the identity and the bounds speak about."""

    eta: Fraction
    T: int
    wstar_sq: Fraction
    sum_v_sq: Fraction
    regret: Fraction  # sum_t <w_t - w*, v_t>
    origin_sum: Fraction  # sum_t <w_t, v_t>
    sum_v_norm_sq: Fraction  # ||sum_t v_t||^2
    distance_sq: Fraction  # ||w_{T+1} - w*||^2
    last: Vector  # w_{T+1}

    @property
    def reference(self) -> Fraction:
        """||w*||^2/(2 eta) + (eta/2) sum ||v_t||^2."""
        return self.wstar_sq / (2 * self.eta) + self.eta / 2 * self.sum_v_sq


def summarize(instance: RegretInstance) -> RegretSummary:
    """One pass over v_1..v_T; a run of k equal vectors v starting at w is summed in closed
    form: sum_{j<k} <w - j eta v, v> = k <w, v> - eta ||v||^2 k (k - 1)/2 (so T may be huge)."""
    eta, wstar = instance.eta, instance.wstar
    w: Vector = tuple(Fraction(0) for _ in range(instance.d))
    total = w
    origin_sum = regret = sum_v_sq = Fraction(0)
    for k, v in runs_of(instance.vs):
        square = norm_sq(v)
        along = k * dot(w, v) - eta * square * k * (k - 1) / 2
        origin_sum += along
        regret += along - k * dot(wstar, v)
        sum_v_sq += k * square
        total = tuple(a + k * b for a, b in zip(total, v, strict=True))
        w = tuple(a - k * eta * b for a, b in zip(w, v, strict=True))
    return RegretSummary(
        eta=eta,
        T=instance.T,
        wstar_sq=norm_sq(wstar),
        sum_v_sq=sum_v_sq,
        regret=regret,
        origin_sum=origin_sum,
        sum_v_norm_sq=norm_sq(total),
        distance_sq=norm_sq(tuple(a - b for a, b in zip(w, wstar, strict=True))),
        last=w,
    )


# --- properties -------------------------------------------------------------------------


def identity_holds(instance: RegretInstance) -> bool:
    s = summarize(instance)
    return s.regret == s.reference - s.distance_sq / (2 * s.eta)


def bound_holds(instance: RegretInstance) -> bool:
    s = summarize(instance)
    return s.regret <= s.reference


def tight_iff_comparator_is_last_iterate(instance: RegretInstance) -> bool:
    s = summarize(instance)
    return (s.regret == s.reference) == (instance.wstar == s.last)


def origin_identity_holds(instance: RegretInstance) -> bool:
    s = summarize(instance)
    return s.origin_sum == -s.eta / 2 * s.sum_v_norm_sq + s.eta / 2 * s.sum_v_sq


def violates_bound(
    bound: Callable[[RegretSummary], bool],
) -> Callable[[RegretInstance], bool]:
    """A search predicate from ``bound(summary)`` (true when the regret is within the bound)."""

    def violates(instance: RegretInstance) -> bool:
        return not bound(summarize(instance))

    return violates


# --- strategies ---------------------------------------------------------------------------

MAX_D = 6
MAX_T = 40


def rationals(bound: int = 60, denominators: int = 6) -> st.SearchStrategy[Fraction]:
    """n/k with |n| <= bound, 1 <= k <= denominators (cheaper to draw than ``st.fractions``)."""
    return st.builds(Fraction, st.integers(-bound, bound), st.integers(1, denominators))


def step_sizes() -> st.SearchStrategy[Fraction]:
    return st.builds(Fraction, st.integers(1, 100), st.sampled_from((1, 2, 4, 10, 100)))


def signed(byte: int) -> int:
    """0, 1, -1, 2, -2, ...: a byte that shrinks towards 0 gives an integer that does too."""
    return (byte + 1) // 2 if byte % 2 else -(byte // 2)


@st.composite
def vector_lists(draw: st.DrawFn, count: int, d: int, bound: int = 60) -> tuple[Vector, ...]:
    """``count`` vectors in Q^d: numerators |n| <= bound over one denominator 1..6 per vector.

    Drawn as two byte strings, not count*d integers: one choice each keeps generation fast
    (T*d up to 240) and still shrinks towards small numerators and denominators.
    """
    numerators = draw(st.binary(min_size=count * d, max_size=count * d))
    denominators = draw(st.binary(min_size=count, max_size=count))
    return tuple(
        tuple(
            Fraction(max(-bound, min(bound, signed(n))), 1 + k % 6)
            for n in numerators[i * d : (i + 1) * d]
        )
        for i, k in enumerate(denominators)
    )


@functools.cache
def vectors(d: int) -> st.SearchStrategy[Vector]:
    return vector_lists(1, d).map(lambda vs: vs[0])


def scaled(vector: Vector, factor: Fraction) -> Vector:
    return tuple(factor * x for x in vector)


@st.composite
def instances(
    draw: st.DrawFn,
    comparator: str = "any",
    max_d: int = MAX_D,
    max_t: int = MAX_T,
) -> RegretInstance:
    """comparator: ``random``, ``last`` (w* = w_{T+1}), ``scaled`` (v_t all equal and
    w* = lam*w_{T+1}, lam >= 1), or ``any`` (one of the three)."""
    d = draw(st.integers(1, max_d))
    T = draw(st.integers(1, max_t))
    eta = draw(step_sizes())
    kind = (
        draw(st.sampled_from(("random", "last", "scaled"))) if comparator == "any" else comparator
    )
    vs = (draw(vectors(d)),) * T if kind == "scaled" else draw(vector_lists(T, d))
    if kind == "random":
        return RegretInstance(eta, vs, draw(vectors(d)))
    last = RegretInstance(eta, vs, vs[0]).iterates()[-1]
    if kind == "last":
        return RegretInstance(eta, vs, last)
    lam = 1 + Fraction(draw(st.integers(0, 80)), 8)
    return RegretInstance(eta, vs, scaled(last, lam))
