"""Random computation graphs: forward mode, reverse mode and SymPy's diff agree.

A graph is drawn as (name, expression) nodes, each one elementary operation of f1 and f2
(cos, sin, exp, log, sigmoid, square, negation, + - * /) on w1, w2 or an earlier node; a
point is a pair of rationals.  ``disagreement`` measures the largest relative difference
between the two modes on the graph's tape and the exact derivative of the composed function
(SymPy ``diff``), all in 50-digit mpmath.  The command and the tests both call
``violates_agreement`` through ``search`` or ``@given``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from fractions import Fraction

import mpmath
import sympy
from hypothesis import strategies as st

from hw2check.expressions import FUNCTIONS
from hw2check.sheet import Graph, GraphNode
from proofs.graph_ad import (
    AGREEMENT,
    INPUT_NAMES,
    INPUTS,
    Undefined,
    compose,
    mode_disagreement,
    node_values,
)
from properties.search import SearchResult, search

# Each operation: its arity, how a node's text shows it, and the SymPy it builds.
OPERATIONS: dict[str, tuple[int, str, Callable[..., sympy.Expr]]] = {
    "cos": (1, "cos({})", sympy.cos),
    "sin": (1, "sin({})", sympy.sin),
    "exp": (1, "exp({})", sympy.exp),
    "log": (1, "log({})", sympy.log),
    "sigmoid": (1, "sigmoid({})", FUNCTIONS["sigmoid"]),
    "square": (1, "{}**2", lambda x: x**2),
    "neg": (1, "-{}", lambda x: -x),
    "add": (2, "{} + {}", lambda x, y: x + y),
    "sub": (2, "{} - ({})", lambda x, y: x - y),
    "mul": (2, "{}*{}", lambda x, y: x * y),
    "div": (2, "{}/({})", lambda x, y: x / y),
}
DIGITS = 35
# Values beyond this make cos and sin of them need as many digits as the value has.
LARGEST = mpmath.mpf(10) ** 6
MAX_NODES = 6
MAX_BACK = 4

# A node is drawn as (operation, i, j): its operands are the i-th and j-th positions counted
# back from the newest (w1, w2 and earlier nodes), so every drawn graph is valid and small
# draws shrink towards chains.
Spec = tuple[tuple[str, int, int], ...]
Point = tuple[Fraction, Fraction]
Case = tuple[Spec, Point]


# The reference graphs of f1 and f2 in the same notation, so random points reach them too.
REFERENCE_SPECS: dict[str, Spec] = {
    "f1": (("cos", 1, 0), ("cos", 1, 0), ("mul", 1, 0), ("sigmoid", 3, 0), ("add", 1, 0)),
    "f2": (("add", 1, 0), ("log", 0, 0), ("square", 3, 0), ("mul", 0, 3), ("add", 2, 0)),
}


def _node(code: int) -> tuple[str, int, int]:
    operation, rest = divmod(code, (MAX_BACK + 1) ** 2)
    return _NAMES[operation], *divmod(rest, MAX_BACK + 1)


_NAMES = sorted(OPERATIONS)


def node_choices() -> tuple[tuple[str, int, int], ...]:
    """Every node a graph can draw: each operation with operands 0..MAX_BACK back."""
    return tuple(_node(code) for code in range(len(OPERATIONS) * (MAX_BACK + 1) ** 2))


def graphs(max_nodes: int = MAX_NODES) -> st.SearchStrategy[Spec]:
    """The reference graphs, or random graphs of 1..max_nodes nodes.

    A node is one draw from ``node_choices()``, which keeps generation cheap.
    """
    node = st.sampled_from(node_choices())
    random = st.lists(node, min_size=1, max_size=max_nodes).map(tuple)
    return st.one_of(st.sampled_from(tuple(REFERENCE_SPECS.values())), random)


@functools.lru_cache(maxsize=1024)
def graph_of_spec(spec: Spec) -> Graph:
    """The graph a drawn spec describes (nodes n1, n2, ...), built directly in SymPy."""
    positions: list[tuple[str, sympy.Expr]] = list(zip(INPUT_NAMES, INPUTS, strict=True))
    nodes = []
    for k, (operation, i, j) in enumerate(spec):
        arity, template, build = OPERATIONS[operation]
        operands = [positions[-1 - back % len(positions)] for back in (i, j)[:arity]]
        name = f"n{k + 1}"
        symbol = sympy.Symbol(name, real=True)
        expr = build(*(operand for _, operand in operands))
        nodes.append(GraphNode(name, template.format(*(n for n, _ in operands)), expr, symbol))
        positions.append((name, symbol))
    return Graph(tuple(nodes))


def coordinates() -> tuple[Fraction, ...]:
    """The tenths in [-3, 3], nearest 0 first (so a counterexample shrinks towards 0)."""
    return tuple(Fraction(n, 10) for n in sorted(range(-30, 31), key=abs))


def points() -> st.SearchStrategy[Point]:
    coordinate = st.sampled_from(coordinates())
    return st.tuples(coordinate, coordinate)


def in_domain(case: Case) -> bool:
    """Every node is a finite real of moderate size at the point."""
    spec, point = case
    try:
        with mpmath.workdps(15):
            values = node_values(graph_of_spec(spec), point).values()
    except (Undefined, ZeroDivisionError):
        return False
    return all(abs(value) <= LARGEST for value in values)


def cases() -> st.SearchStrategy[Case]:
    return st.tuples(graphs(), points()).filter(in_domain)


@functools.lru_cache(maxsize=1024)
def exact_gradient(spec: Spec) -> tuple[sympy.Expr, ...]:
    """SymPy's diff of the function the graph composes to, by w1 and by w2."""
    function = compose(graph_of_spec(spec))
    return tuple(sympy.diff(function, w) for w in INPUTS)


def disagreement(case: Case) -> mpmath.mpf:
    """max over modes and inputs of |mode - exact| / max(1, |exact|)."""
    spec, point = case
    return mode_disagreement(graph_of_spec(spec), exact_gradient(spec), point, DIGITS)


def violates_agreement(case: Case) -> bool:
    return bool(disagreement(case) > AGREEMENT)


def search_agreement(examples: int, seed: int) -> SearchResult[Case]:
    return search(
        cases(),
        violates_agreement,
        examples=examples,
        seed=seed,
        generator=f"the graphs of f1 and f2 and random graphs of 1-{MAX_NODES} elementary nodes, "
        "at rational points in [-3, 3]²",
    )
