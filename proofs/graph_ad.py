"""Computation graphs of Q4 evaluated at a point: composition, forward and reverse mode.

Pure constructions that both ``proofs.autodiff`` (the ledger's checks and derivations) and
``properties.autodiff`` (the property search over random graphs) use; neither imports the
other's.

- ``compose``, ``composed_nodes``: the function a graph computes, node by node in w1, w2;
- ``tape``, ``local_partial``: the graph's edges with their symbolic local derivatives;
- ``trace``, ``node_values``, ``mp_value``: every node's value and local partial at a point,
  in mpmath at the caller's precision (``Undefined`` where a value is not a real number);
- ``forward_mode``, ``reverse_mode``, ``jacobian_row``: the two modes on a trace;
- ``mode_disagreement``: the largest relative gap between either mode and an exact gradient.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import sympy

from hw2check.sheet import SYMBOLS, Graph

W1, W2 = SYMBOLS["w1"], SYMBOLS["w2"]
INPUTS = (W1, W2)
INPUT_NAMES = ("w1", "w2")

# Working digits beyond those a result must carry: a few operations on well-conditioned
# values lose far fewer, and ``decide_match`` re-asks with twice the digits when in doubt.
GUARD = 10
AGREEMENT = mpmath.mpf("1e-25")


def compose(graph: Graph) -> sympy.Expr:
    """The function a graph computes: each node substituted into the later ones."""
    return composed_nodes(graph)[-1]


def composed_nodes(graph: Graph) -> tuple[sympy.Expr, ...]:
    """Every node as an expression in w1, w2."""
    env: dict[sympy.Symbol, sympy.Expr] = {}
    for node in graph.nodes:
        env[node.symbol] = node.expr.xreplace(env)
    return tuple(env.values())


@dataclass(frozen=True)
class Edge:
    """Node ``node`` uses position ``input`` with local partial ``partial`` (SymPy)."""

    node: int
    input: int
    partial: sympy.Expr


@dataclass(frozen=True)
class Tape:
    """A graph ready to run: positions 0, 1 are w1, w2, then the nodes; the last is output."""

    names: tuple[str, ...]
    symbols: tuple[sympy.Symbol, ...]
    exprs: tuple[sympy.Expr, ...]
    edges: tuple[tuple[Edge, ...], ...]

    @property
    def size(self) -> int:
        return len(self.names)

    @property
    def all_edges(self) -> tuple[Edge, ...]:
        return tuple(edge for node_edges in self.edges for edge in node_edges)


@functools.lru_cache(maxsize=4096)
def local_partial(expr: sympy.Expr, symbol: sympy.Symbol) -> sympy.Expr:
    """∂expr/∂symbol (SymPy ``diff``); the same node recurs across graphs, so it is kept."""
    return sympy.diff(expr, symbol)


@functools.lru_cache(maxsize=256)
def tape(graph: Graph) -> Tape:
    """Local partials of every node by each of its inputs (SymPy ``diff``, once per graph)."""
    symbols = (*INPUTS, *(node.symbol for node in graph.nodes))
    position = {symbol: i for i, symbol in enumerate(symbols)}
    edges = []
    for k, node in enumerate(graph.nodes):
        used = sorted(position[s] for s in node.expr.free_symbols if s in position)
        edges.append(
            tuple(Edge(len(INPUTS) + k, i, local_partial(node.expr, symbols[i])) for i in used)
        )
    return Tape(
        (*INPUT_NAMES, *(node.name for node in graph.nodes)),
        symbols,
        tuple(node.expr for node in graph.nodes),
        tuple(edges),
    )


# --- numbers at a point ---------------------------------------------------------------------


class Undefined(ValueError):
    """An expression has no finite real value at the point (outside its domain)."""


def _log(x: mpmath.mpf) -> mpmath.mpf:
    if x <= 0:
        raise Undefined(f"log of {mpmath.nstr(x, 6)}")
    return mpmath.log(x)


_MP_FUNCTIONS: Mapping[Any, Callable[[mpmath.mpf], mpmath.mpf]] = {
    sympy.cos: mpmath.cos,
    sympy.sin: mpmath.sin,
    sympy.tan: mpmath.tan,
    sympy.exp: mpmath.exp,
    sympy.log: _log,
    sympy.Abs: abs,
    sympy.sign: mpmath.sign,
}


def mp_value(expr: sympy.Expr, env: Mapping[sympy.Symbol, mpmath.mpf]) -> mpmath.mpf:
    """``expr`` at ``env`` in mpmath at the current precision; ``Undefined`` outside its domain."""
    if expr.is_Symbol:
        return env[expr]
    if expr.is_Rational:
        return mpmath.mpf(int(expr.p)) / int(expr.q)
    if expr.is_Add:
        total = mpmath.mpf(0)
        for term in expr.args:
            total += mp_value(term, env)
        return total
    if expr.is_Mul:
        product = mpmath.mpf(1)
        for factor in expr.args:
            product *= mp_value(factor, env)
        return product
    if expr.is_Pow:
        return _power(mp_value(expr.base, env), expr.exp, env)
    function = _MP_FUNCTIONS.get(expr.func)
    if function is not None:
        value = function(mp_value(expr.args[0], env))
    elif expr.is_number:  # E, pi, a Float: SymPy evaluates it to the working digits
        value = mpmath.mpf(sympy.Float(expr.evalf(mpmath.mp.dps + GUARD)))
    else:
        raise Undefined(f"no numeric rule for {expr.func}")
    if not (isinstance(value, mpmath.mpf) and mpmath.isfinite(value)):
        raise Undefined(f"{expr} is not a finite real number")
    return value


def _power(
    base: mpmath.mpf, exponent: sympy.Expr, env: Mapping[sympy.Symbol, mpmath.mpf]
) -> mpmath.mpf:
    if exponent.is_Integer:
        if base == 0 and exponent < 0:
            raise Undefined("division by zero")
        return base ** int(exponent)
    power = mp_value(exponent, env)
    if base < 0 or (base == 0 and power <= 0):
        raise Undefined(f"{mpmath.nstr(base, 6)} to the power {mpmath.nstr(power, 6)}")
    return base**power


def mp_point(point: Sequence[Fraction]) -> dict[sympy.Symbol, mpmath.mpf]:
    return {s: mpmath.mpf(v.numerator) / v.denominator for s, v in zip(INPUTS, point, strict=True)}


@dataclass(frozen=True)
class Trace:
    """A tape at a point: every value and every local partial (mpmath numbers)."""

    tape: Tape
    values: tuple[mpmath.mpf, ...]
    partials: tuple[tuple[tuple[int, Any], ...], ...]


def node_values(graph: Graph, point: Sequence[Fraction]) -> dict[sympy.Symbol, mpmath.mpf]:
    """Every position's value at ``point`` (at the caller's mpmath precision)."""
    env = mp_point(point)
    for node in graph.nodes:
        env[node.symbol] = mp_value(node.expr, env)
    return env


def trace(graph: Graph, point: Sequence[Fraction]) -> Trace:
    """Values and local partials at ``point`` (at the caller's mpmath precision)."""
    run = tape(graph)
    env = node_values(graph, point)
    partials = tuple(
        tuple((edge.input, mp_value(edge.partial, env)) for edge in node_edges)
        for node_edges in run.edges
    )
    return Trace(run, tuple(env[s] for s in run.symbols), partials)


# Forward and reverse mode take the local partials as (input position, value) per node, in any
# arithmetic with + and * (mpmath, float, SymPy): one engine serves numbers, proofs and slips.
Partials = Sequence[Sequence[tuple[int, Any]]]


def forward_mode(partials: Partials, seed: int) -> list[Any]:
    """Tangents d(node)/d(position ``seed``) for every position, in one forward pass."""
    tangents: list[Any] = [1 if i == seed else 0 for i in range(len(INPUTS))]
    for k, node_partials in enumerate(partials):
        if len(INPUTS) + k == seed:
            tangents.append(1)
            continue
        total: Any = 0
        for i, partial in node_partials:
            total = total + partial * tangents[i]
        tangents.append(total)
    return tangents


def reverse_mode(partials: Partials, output: int | None = None) -> list[Any]:
    """Adjoints d(output)/d(node) for every position, in one backward pass."""
    size = len(INPUTS) + len(partials)
    output = size - 1 if output is None else output
    adjoints: list[Any] = [0] * size
    adjoints[output] = 1
    for k in reversed(range(len(partials))):
        adjoint = adjoints[len(INPUTS) + k]
        if adjoint == 0:
            continue
        for i, partial in partials[k]:
            adjoints[i] = adjoints[i] + adjoint * partial
    return adjoints


def jacobian_row(partials: Partials, mode: str) -> tuple[Any, Any]:
    """(∂f/∂w1, ∂f/∂w2) of the output: two forward passes, or one reverse pass."""
    if mode == "forward":
        return forward_mode(partials, 0)[-1], forward_mode(partials, 1)[-1]
    adjoints = reverse_mode(partials)
    return adjoints[0], adjoints[1]


def mode_disagreement(
    graph: Graph, gradient: Sequence[sympy.Expr], point: Sequence[Fraction], digits: int
) -> mpmath.mpf:
    """max over modes and inputs of |mode - exact| / max(1, |exact|) at ``point``."""
    with mpmath.workdps(digits + GUARD):
        partials = trace(graph, point).partials
        env = mp_point(point)
        exact = [mp_value(derivative, env) for derivative in gradient]
        worst = mpmath.mpf(0)
        for mode in ("forward", "reverse"):
            for value, truth in zip(jacobian_row(partials, mode), exact, strict=True):
                worst = max(worst, abs(value - truth) / max(1, abs(truth)))
        return worst
