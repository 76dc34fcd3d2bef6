"""Q4: computation graphs, finite differences, forward and reverse mode, errors located.

    f1(w1, w2) = cos(w1)·cos(w2) + σ(w2),   f2(w1, w2) = ln(w1 + w2) + w1²·w2,   at (1, 2).

A computation graph is data (``hw2check.sheet.Graph``): ordered nodes, each an expression in
w1, w2 and earlier nodes, the last node the output.  ``tape`` differentiates every node by
each of its inputs once (SymPy ``diff``: the local partials); evaluation, forward mode and
reverse mode then run on the tape with any arithmetic: mpmath numbers at a point, or SymPy
expressions for all points at once.

Main results:

- ``forward_mode``: a tangent per node, one pass per input; ``reverse_mode``: adjoints, one
  backward pass per output.
- ``exact_value``: a SymPy expression (the exact Jacobian is SymPy's ``diff`` of f) evaluated
  in mpmath to any number of digits; ``finite_difference``: the forward, central or backward
  quotient with an exact rational step, evaluated with extra digits for those the step costs.
- ``prove_modes_are_chain_rule``: on a graph composing to f, forward and reverse mode equal
  SymPy's ``diff`` of f identically in (w1, w2).
- ``prove_fd_orders``: the leading error terms h·f''/2, -h·f''/2 and h²·f'''/6 of the forward,
  backward and central quotients are nonzero at (1, 2) (certified), and the fitted log-log
  slopes of the errors over h = 1e-1 .. 1e-6 are 1, 1 and 2.
- ``prove_autodiff_agreement``: the theorem row: the two above, forward = reverse = exact to
  1e-25 at (1, 2), and a search over random graphs and points (``properties.autodiff``).
- ``decide_graph``: a sheet's graph composes to f (proved) or differs at a rational point in
  the domain (refuted, the difference certified).
- ``locate_slips``: the one and two slips from a catalogue of local-derivative mistakes that
  reproduce a wrong AD number, each re-run through the mode in high precision.

Sheet claims (``[q4]``) are judged by ``claim_checks``.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import sympy

from hw2check.domain import Definedness, definedness
from hw2check.equality import (
    certified_sign,
    grid,
    is_symbolically_zero,
    nonzero_points,
    rational_difference,
)
from hw2check.expressions import format_rational, parse_expression, side_conditions
from hw2check.ledger import (
    Check,
    Outcome,
    Row,
    Verdict,
    checked,
    proved,
    refuted,
    undecided,
)
from hw2check.numbers import (
    FIRST_DIGITS,
    Match,
    StatedNumber,
    compare,
    decide_match,
    decimal_text,
    read_number,
)
from hw2check.sheet import SYMBOLS, Graph, Sheet, read_graph
from hw2check.topics import Settings

W1, W2 = SYMBOLS["w1"], SYMBOLS["w2"]
INPUTS = (W1, W2)
INPUT_NAMES = ("w1", "w2")
POINT = (Fraction(1), Fraction(2))
SCHEMES = ("forward", "central", "backward")
ENTRIES = ("f1_w1", "f1_w2", "f2_w1", "f2_w2")
MATRICES = (("finite_difference", "4b"), ("forward_mode", "4c"), ("reverse_mode", "4d"))
DEFAULT_STEP = read_number("0.01")

FUNCTION_TEXTS: Mapping[str, str] = {
    "f1": "cos(w1)*cos(w2) + sigmoid(w2)",
    "f2": "log(w1 + w2) + w1**2*w2",
}
REFERENCE_NODES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "f1": (("a", "cos(w1)"), ("b", "cos(w2)"), ("c", "a*b"), ("d", "sigmoid(w2)"), ("f", "c + d")),
    "f2": (("a", "w1 + w2"), ("b", "log(a)"), ("c", "w1**2"), ("d", "c*w2"), ("f", "b + d")),
}

# Working digits beyond those a result must carry: a few operations on well-conditioned
# values lose far fewer, and ``decide_match`` re-asks with twice the digits when in doubt.
GUARD = 10
AGREEMENT = mpmath.mpf("1e-25")
THEOREM_DIGITS = 50
STEPS = tuple(Fraction(1, 10**k) for k in range(1, 7))
SLOPES = {"forward": 1, "backward": 1, "central": 2}
# A fitted slope within this of the order: the next Taylor term moves the fit by about h·f'''/f''.
SLOPE_TOLERANCE = 0.1


# --- graphs as data -------------------------------------------------------------------------


def graph_of(nodes: Sequence[tuple[str, str]]) -> Graph:
    """A graph from (name, expression) pairs, parsed as a sheet's graph is."""
    return read_graph(dict(nodes))


REFERENCE_FUNCTIONS: Mapping[str, sympy.Expr] = {
    name: parse_expression(text, dict(zip(INPUT_NAMES, INPUTS, strict=True)))
    for name, text in FUNCTION_TEXTS.items()
}
REFERENCE_GRAPHS: Mapping[str, Graph] = {
    name: graph_of(nodes) for name, nodes in REFERENCE_NODES.items()
}


def compose(graph: Graph) -> sympy.Expr:
    """The function a graph computes: each node substituted into the later ones."""
    return composed_nodes(graph)[-1]


def composed_nodes(graph: Graph) -> tuple[sympy.Expr, ...]:
    """Every node as an expression in w1, w2."""
    env: dict[sympy.Symbol, sympy.Expr] = {}
    for node in graph.nodes:
        env[node.symbol] = node.expr.xreplace(env)
    return tuple(env.values())


def graph_text(graph: Graph) -> str:
    return "; ".join(f"{node.name} = {node.text}" for node in graph.nodes)


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


@functools.lru_cache(maxsize=8)
def exact_derivative(name: str, input: int) -> sympy.Expr:
    """∂f/∂w_j by SymPy's ``diff`` (the exact Jacobian entry)."""
    return sympy.diff(REFERENCE_FUNCTIONS[name], INPUTS[input])


def exact_value(expr: sympy.Expr, point: Sequence[Fraction], digits: int) -> mpmath.mpf:
    """``expr`` at ``point``, correct to about ``digits`` digits."""
    with mpmath.workdps(digits + GUARD):
        return +mp_value(expr, mp_point(point))


def step_digits(step: Fraction) -> int:
    """Digits the quotient loses to cancellation: about the digits of h = p/q."""
    # from the bit lengths: str() of an integer of more than 4,300 digits is refused (h = 1e-9000)
    return _decimal_digits(step.numerator) + _decimal_digits(step.denominator)


def _decimal_digits(n: int) -> int:
    """The number of decimal digits of |n| (at least 1), without printing it."""
    n = abs(n)
    digits = max(1, int(n.bit_length() * 0.30102999566398120))
    return digits + 1 if 10**digits <= n else digits


def finite_difference(
    function: sympy.Expr,
    point: Sequence[Fraction],
    input: int,
    step: Fraction,
    scheme: str,
    digits: int,
) -> mpmath.mpf:
    """The ``scheme`` quotient of ``function`` along w_input, correct to about ``digits`` digits."""
    ahead = list(point)
    behind = list(point)
    ahead[input] += step
    behind[input] -= step
    with mpmath.workdps(digits + GUARD + step_digits(step)):
        h = mpmath.mpf(step.numerator) / step.denominator
        if scheme == "forward":
            quotient = (
                mp_value(function, mp_point(ahead)) - mp_value(function, mp_point(point))
            ) / h
        elif scheme == "backward":
            quotient = (
                mp_value(function, mp_point(point)) - mp_value(function, mp_point(behind))
            ) / h
        else:
            quotient = (
                mp_value(function, mp_point(ahead)) - mp_value(function, mp_point(behind))
            ) / (2 * h)
        return +quotient


# --- the theorem ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A named result: whether it holds and what it says."""

    holds: bool
    text: str


def prove_modes_are_chain_rule(graph: Graph, function: sympy.Expr) -> Finding:
    """Symbolically: forward and reverse mode on ``graph`` give ``diff(function)`` for all w."""
    run = tape(graph)
    env = dict(zip(run.symbols[len(INPUTS) :], composed_nodes(graph), strict=True))
    partials = [
        [(e.input, e.partial.xreplace(env)) for e in node_edges] for node_edges in run.edges
    ]
    failures = []
    for mode in ("forward", "reverse"):
        for j, derivative in enumerate(jacobian_row(partials, mode)):
            if not is_symbolically_zero(sympy.expand(derivative - sympy.diff(function, INPUTS[j]))):
                failures.append(f"{mode} ∂/∂{INPUT_NAMES[j]}")
    if failures:
        return Finding(False, "does not reduce to SymPy's diff: " + ", ".join(failures))
    return Finding(
        True,
        "forward (one pass per input) and reverse (one pass) mode equal SymPy's diff "
        "identically in (w1, w2)",
    )


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


def fitted_slope(steps: Sequence[Fraction], errors: Sequence[mpmath.mpf]) -> float:
    """Least-squares slope of log10(error) against log10(h)."""
    xs = [math.log10(step) for step in steps]
    ys = [float(mpmath.log10(error)) for error in errors]
    mean_x = sum(xs) / len(xs)
    # Σ(x - x̄)(y - ȳ) = Σ(x - x̄)·y, since Σ(x - x̄) = 0: the mean of y is not needed
    covariance = sum((x - mean_x) * y for x, y in zip(xs, ys, strict=True))
    return covariance / sum((x - mean_x) ** 2 for x in xs)


def fd_errors(
    name: str, input: int, scheme: str, steps: Sequence[Fraction] = STEPS
) -> list[mpmath.mpf]:
    """|quotient - exact derivative| at (1, 2) for each step, at high precision."""
    with mpmath.workdps(THEOREM_DIGITS):
        exact = mp_value(exact_derivative(name, input), mp_point(POINT))
        return [
            abs(
                finite_difference(
                    REFERENCE_FUNCTIONS[name], POINT, input, h, scheme, THEOREM_DIGITS
                )
                - exact
            )
            for h in steps
        ]


def certify_taylor_coefficients(point: Sequence[Fraction] = POINT) -> Finding:
    """f'' and f''' along each input, certified nonzero at ``point`` (the leading error terms)."""
    holds = True
    coefficients = []
    at = {w: sympy.Rational(v.numerator, v.denominator) for w, v in zip(INPUTS, point, strict=True)}
    for name in FUNCTION_TEXTS:
        for j, w in enumerate(INPUTS):
            second = sympy.diff(REFERENCE_FUNCTIONS[name], w, 2).xreplace(at)
            third = sympy.diff(REFERENCE_FUNCTIONS[name], w, 3).xreplace(at)
            nonzero = all(certified_sign(c).sign not in (None, 0) for c in (second, third))
            holds &= nonzero
            coefficients.append(
                f"{name}_{INPUT_NAMES[j]}: f''={sympy.N(second, 6)}, f'''={sympy.N(third, 6)}"
            )
    return Finding(holds, "; ".join(coefficients))


def prove_fd_orders(
    orders: Mapping[str, int] = SLOPES, tolerance: float = SLOPE_TOLERANCE
) -> Finding:
    """Leading error coefficients certified nonzero, and measured slopes ``orders`` (1, 1, 2)."""
    notes = []
    holds = True
    for scheme, order in orders.items():
        slopes = []
        for name in FUNCTION_TEXTS:
            for j in range(len(INPUTS)):
                slope = fitted_slope(STEPS, fd_errors(name, j, scheme))
                holds &= abs(slope - order) <= tolerance
                slopes.append(f"{slope:.3f}")
        notes.append(f"{scheme} {', '.join(slopes)}")
    coefficients = certify_taylor_coefficients()
    return Finding(
        holds and coefficients.holds,
        "Taylor: the quotient errors are h·f''/2, -h·f''/2 (forward, backward) and h²·f'''/6 "
        f"(central) plus higher order, with certified nonzero coefficients ({coefficients.text})"
        "; fitted log-log slopes of the errors over h = 1e-1..1e-6 (50 digits, order "
        "f1_w1, f1_w2, f2_w1, f2_w2): " + "; ".join(notes),
    )


def prove_autodiff_agreement(
    examples: int, seed: int, graphs: Mapping[str, Graph] | None = None
) -> Outcome:
    """Theorem row: forward = reverse = exact at (1, 2); FD errors O(h) and O(h²).

    ``graphs`` (default: the reference graphs) are the graphs claimed to compute f1 and f2.
    """
    from properties import autodiff as properties

    parts = []
    holds = True
    for name, graph in (REFERENCE_GRAPHS if graphs is None else graphs).items():
        symbolic = prove_modes_are_chain_rule(graph, REFERENCE_FUNCTIONS[name])
        gradient = [exact_derivative(name, j) for j in range(len(INPUTS))]
        worst = mode_disagreement(graph, gradient, POINT, THEOREM_DIGITS)
        holds &= symbolic.holds and worst <= AGREEMENT
        parts.append(
            f"{name} on the graph {graph_text(graph)}: {symbolic.text}; at (1, 2) with 50 "
            f"digits max |mode - exact|/max(1, |exact|) = {mpmath.nstr(worst, 2)} <= 1e-25"
        )
    orders = prove_fd_orders()
    parts.append(orders.text)
    if not holds or not orders.holds:
        return undecided("SymPy and mpmath", "a step did not hold: " + " | ".join(parts))
    result = properties.search_agreement(examples=examples, seed=seed)
    if result.found:
        return undecided(
            "hypothesis search",
            f"forward, reverse and exact disagree on {result.counterexample} "
            "(an implementation defect, not mathematics): " + " | ".join(parts),
        )
    parts.append(
        f"random graphs and points: forward = reverse = SymPy diff to 1e-25 on all "
        f"{result.cases} cases ({result.generator}; checked, not proved)"
    )
    return proved(
        "SymPy (modes = diff identically), Taylor coefficients certified, mpmath 50 digits",
        "; ".join(parts),
    )


# --- graph claims ---------------------------------------------------------------------------

WITNESS_POINTS = 60


def _exact_at(expr: sympy.Expr, point: Mapping[sympy.Symbol, sympy.Rational]) -> sympy.Expr | None:
    value = expr.xreplace(point)
    # SymPy's is_real means a finite real number: zoo, nan, ±oo and complex values are not
    return value if value.is_real is True else None


def _decimal(value: sympy.Expr) -> str:
    return format_rational(value) if value.is_Rational else str(sympy.N(value, 20))


def _shown(value: sympy.Expr) -> str:
    return str(value) if value.is_Rational else f"{value} = {sympy.N(value, 20)}"


def witness_points() -> Iterator[dict[sympy.Symbol, sympy.Rational]]:
    yield {W1: sympy.Integer(1), W2: sympy.Integer(2)}
    yield from grid(list(INPUTS), limit=WITNESS_POINTS)


def _graph_domain(nodes: Sequence[sympy.Expr], reference: sympy.Expr) -> Definedness:
    """Is every node defined wherever f is (side conditions read from each node's tree)?"""
    conditions = list(dict.fromkeys(c for node in nodes for c in side_conditions(node)))
    return definedness(conditions, list(INPUTS), side_conditions(reference))


def decide_graph(graph: Graph, name: str) -> Outcome:
    """Proved when the graph composes to f and every node is defined wherever f is; refuted at
    a rational point where f is defined and the graph gives another value or is undefined."""
    nodes = composed_nodes(graph)
    reference = REFERENCE_FUNCTIONS[name]
    domain = _graph_domain(nodes, reference)
    if domain.point is not None and domain.failing is not None:
        at = {str(s): format_rational(domain.point.get(s, 0)) for s in INPUTS}
        truth = _exact_at(reference, {s: domain.point.get(s, sympy.Integer(0)) for s in INPUTS})
        return refuted(
            "exact root isolation of the nodes' side conditions",
            f"at (w1, w2) = ({at['w1']}, {at['w2']}) a node is not defined "
            f"({domain.failing.describe()} fails), but {name} is"
            + ("" if truth is None else f" ({_shown(truth)})"),
            {**at, "graph_value": "undefined"},
        )
    difference = nodes[-1] - reference
    proof = f"composing the nodes gives {nodes[-1]}; minus {FUNCTION_TEXTS[name]} it expands to 0"
    if domain.holds and sympy.expand(difference) == 0:
        return proved("SymPy: the composed graph equals the function", proof)
    cancelled = rational_difference(difference, list(INPUTS))
    extra = [] if cancelled in (None, 0) else list(nonzero_points(cancelled, list(INPUTS)))
    found = _graph_points(nodes, reference, name, itertools.chain(witness_points(), extra))
    if isinstance(found, Outcome):
        return found
    if domain.holds and is_symbolically_zero(difference):
        return proved(
            "SymPy: the composed graph equals the function", proof.replace("expands", "simplifies")
        )
    if domain.irrational is not None and domain.failing is not None:
        return undecided(
            "exact root isolation of the nodes' side conditions",
            f"a node is not defined where {domain.failing.describe()} fails, at "
            f"{domain.irrational} (not a rational point), where {name} is",
        )
    if found:
        return checked(
            "exact values on a grid of rationals",
            f"the graph and {name} agree at {found} points of the domain; no symbolic proof",
        )
    return undecided("SymPy", "no symbolic proof and no point of the domain where both are defined")


def _graph_points(
    nodes: Sequence[sympy.Expr],
    reference: sympy.Expr,
    name: str,
    points: Iterable[dict[sympy.Symbol, sympy.Rational]],
) -> Outcome | int:
    """A refutation at the first point where f is defined and the graph differs from it or is
    undefined; else the number of points where both are defined and agree."""
    tried = 0
    for point in points:
        values = [_exact_at(node, point) for node in nodes]
        truth = _exact_at(reference, point)
        if truth is None or any(value is None for value in values):
            continue  # outside the domain of the graph or of f
        tried += 1
        claimed = values[-1]
        assert claimed is not None
        sign = certified_sign(sympy.expand(claimed - truth))
        if sign.sign not in (None, 0):
            at = {str(s): format_rational(v) for s, v in point.items()}
            return refuted(
                "SymPy exact values, difference certified (evalf strict)",
                f"at (w1, w2) = ({at['w1']}, {at['w2']}) the graph gives {_shown(claimed)}, "
                f"but {name} = {_shown(truth)}",
                {**at, "graph_value": _decimal(claimed), "true_value": _decimal(truth)},
            )
    return tried


# --- error localisation ---------------------------------------------------------------------


@dataclass(frozen=True)
class Slip:
    """A local partial ∂node/∂input replaced by a wrong value: what was written instead."""

    edge: Edge
    label: str
    truth: mpmath.mpf
    what: str
    value: mpmath.mpf

    @property
    def description(self) -> str:
        return (
            f"{self.label} taken as {self.what} = {_num(self.value)} instead of "
            f"{self.edge.partial}"
            + ("" if self.edge.partial.is_Number else f" = {_num(self.truth)}")
        )


@dataclass(frozen=True)
class Localisation:
    """The explanations found (fewest slips first) and how many combinations were tried."""

    graph_label: str
    explanations: tuple[tuple[tuple[Slip, ...], mpmath.mpf], ...]
    searched: int
    unchecked: int = 0  # further candidates of the same size, not re-verified (time bound)
    edges: int = 0

    def text(self) -> str:
        reduced = (
            f" (no extra-factor slips on a graph of {self.edges} edges)"
            if self.edges > EXTRA_FACTOR_EDGES
            else ""
        )
        return self._text() + reduced

    def _text(self) -> str:
        if not self.explanations and self.unchecked:
            return (
                f"no slip re-verified on {self.graph_label} reproduces it ({self.searched} "
                f"combinations screened; {self.unchecked} candidates not re-verified)"
            )
        if not self.explanations:
            return (
                f"no one or two slips of the catalogue on {self.graph_label} reproduce it "
                f"({self.searched} combinations tried)"
            )
        shown = []
        for slips, value in self.explanations:
            what = (
                " and ".join(slip.description for slip in slips)
                if slips
                else "no slip: AD on that graph, which does not compute the function"
            )
            shown.append(f"{what} (gives {mpmath.nstr(value, 10)})")
        count = len(self.explanations)
        size = ("", "one slip", "two slips")[len(self.explanations[0][0])]
        head = "explained" if count == 1 else f"{count} explanations"
        if size:
            head += f" by {size}" if count == 1 else f" of {size} each"
        more = (
            f"; {self.unchecked} more candidates of that size not re-verified"
            if self.unchecked
            else ""
        )
        return f"{head} on {self.graph_label}: " + "; ".join(shown) + more


def _num(value: mpmath.mpf) -> str:
    return str(int(value)) if value == int(value) else str(mpmath.nstr(value, 6))


def _sigmoid_argument(expr: sympy.Expr) -> sympy.Expr | None:
    """x when ``expr`` is σ(x) = 1/(1 + exp(-x)) (how the sheet's ``sigmoid`` reads), else None."""
    if not (expr.is_Pow and expr.exp == -1 and expr.base.is_Add):
        return None
    terms = expr.base.args
    if len(terms) != 2 or 1 not in terms:
        return None
    (rest,) = (term for term in terms if term != 1)
    if not isinstance(rest, sympy.exp):
        return None
    # 1/(1 + exp(y)) is σ(-y): SymPy's -(-y) is y again, so no further check is needed
    return -rest.args[0]


def _wrong_partials(run: Trace, edge: Edge, truth: mpmath.mpf) -> Iterator[tuple[str, Any]]:
    """The catalogue of mistakes for one local partial: (what was written, its value).

    The mistakes tied to an operation come first, so when two give the same value the more
    telling description is the one kept.
    """
    names, values, symbols = run.tape.names, run.values, run.tape.symbols
    node = edge.node - len(INPUTS)
    expr = run.tape.exprs[node]
    if expr.is_Pow and expr.base == symbols[edge.input] and expr.exp.is_Number:
        n, base, u = expr.exp, values[edge.input], names[edge.input]
        power = mp_value(n, {})
        lowered = u if n - 1 == 1 else f"{u}**{n - 1}"
        yield f"{lowered} (the factor {n} dropped)", base ** (power - 1)
        yield f"{n}*{u}**{n} (the exponent not lowered)", power * base**power
    argument = _sigmoid_argument(expr)
    if argument is not None:
        env = dict(zip(symbols, values, strict=True))
        s, x = values[edge.node], mp_value(argument, env)
        inner = mp_value(local_partial(argument, symbols[edge.input]), env)
        chain = "" if inner == 1 else f" times ∂({argument})/∂{names[edge.input]}"
        for form, wrong in (
            ("σ", s),
            ("1 - σ", 1 - s),
            ("σ(1 + σ)", s * (1 + s)),
            ("σ(1 - σ)²", s * (1 - s) ** 2),
            ("σ²", s * s),
            ("x(1 - x) with x the argument", x * (1 - x)),
        ):
            yield f"σ' written as {form}{chain}", wrong * inner
    # One factor of a product partial left out: on a merged node a = cos(w1)*cos(w2) the
    # chain factor cos(w2) of ∂a/∂w1 = -sin(w1)*cos(w2) is forgotten (a sign is a sign flip).
    factors = [f for f in edge.partial.args if f != -1] if edge.partial.is_Mul else []
    if len(factors) >= 2:
        env = dict(zip(symbols, values, strict=True))
        for factor in factors:
            rest = edge.partial / factor
            yield f"{rest} (the factor {factor} left out)", mp_value(rest, env)
    # The reciprocal of the wrong node, e.g. 1/b for d ln(a)/da = 1/a.
    if edge.partial.is_Pow and edge.partial.exp == -1:
        for position in range(edge.node + 1):
            if values[position] != 0 and symbols[position] != edge.partial.base:
                yield f"1/{names[position]}", 1 / values[position]
    # A node's value used as the local partial: the input's, the node's own, another operand's.
    operands = [edge.input, edge.node] + [e.input for e in run.tape.edges[node] if e != edge]
    for position in operands:
        yield f"the value of {names[position]}", values[position]
    yield "its negative (sign flipped)", -truth
    yield "1 (the factor left out of the chain)", 1
    yield "0 (the term left out)", 0
    # An extra chain factor: the right partial times another local partial of the graph
    # (quadratic in the edges: only on graphs of a size written by hand).
    if len(run.tape.all_edges) > EXTRA_FACTOR_EDGES:
        return
    for other, partial in zip(run.tape.all_edges, _flat(run.partials), strict=True):
        if other != edge and partial not in (0, 1, -1):
            factor = f"∂{names[other.node]}/∂{names[other.input]}"
            yield f"{edge.partial} times an extra factor {factor}", truth * partial


# Graphs with more edges than this get no "extra chain factor" slips: that family alone has
# one slip per pair of edges, and on a 150-node graph it outran the check's time limit.
EXTRA_FACTOR_EDGES = 60
# Each explanation is re-verified by a full AD pass in mpmath; at most this many are, so a
# long graph where hundreds of single slips fit a coarse number stays fast.
MAX_EXPLANATIONS = 8
# ... and at most this many screened candidates of one size are re-verified.
VERIFIED_CANDIDATES = 4 * MAX_EXPLANATIONS


def _flat(partials: Partials) -> list[Any]:
    return [value for node in partials for _, value in node]


def catalogue(run: Trace) -> list[Slip]:
    """Every slip of the catalogue on every edge that changes the local partial's value."""
    slips: list[Slip] = []
    for edge, truth in zip(run.tape.all_edges, _flat(run.partials), strict=True):
        label = f"∂{run.tape.names[edge.node]}/∂{run.tape.names[edge.input]}"
        seen = [truth]
        for what, wrong in _wrong_partials(run, edge, truth):
            value = mpmath.mpf(wrong)
            if all(abs(value - earlier) > 1e-30 * max(1, abs(earlier)) for earlier in seen):
                seen.append(value)
                slips.append(Slip(edge, label, truth, what, value))
    return slips


def _with_slips(run: Trace, slips: Sequence[Slip]) -> list[list[tuple[int, Any]]]:
    replaced = {slip.edge: slip.value for slip in slips}
    return [
        [(i, replaced.get(edge, value)) for edge, (i, value) in zip(edges, node, strict=True)]
        for edges, node in zip(run.tape.edges, run.partials, strict=True)
    ]


# Candidates are screened in floats (about 16 digits) with this relative margin beyond the
# stated tolerance, so rounding cannot drop one; each survivor is then re-run through the
# mode in mpmath and kept only if it matches by the exact rule of ``hw2check.numbers``.
SCREEN_MARGIN = 1e-9
# A slip must move the entry by more than float noise to count as part of an explanation.
EFFECT_FLOOR = 1e-12
# Beyond this many single slips the pairs (quadratic in number) are not searched.
MAX_PAIR_SLIPS = 600


def locate_slips(
    graph: Graph, label: str, stated: StatedNumber, mode: str, input: int
) -> Localisation:
    """The fewest catalogue slips (none, one, else two) on ``graph`` reproducing ``stated``.

    The entry is multilinear in the local partials (a sum over paths of products), so with
    T the tangents of ``input``, A the adjoints of the output and P[x][y] = ∂y/∂x along the
    graph, a slip changing edge u→v by d moves the entry by d·T[u]·A[v], and two slips by the
    sum of those plus d1·d2·(T[u1]·P[v1][u2]·A[v2] + T[u2]·P[v2][u1]·A[v1]).
    """
    with mpmath.workdps(30 + GUARD):
        run = trace(graph, POINT)
        floats = [[(i, float(p)) for i, p in node] for node in run.partials]
        tangents = forward_mode(floats, input)
        adjoints = reverse_mode(floats)
        paths = [forward_mode(floats, x) for x in range(run.tape.size)]
        entry = tangents[-1]
        target = float(stated.value)
        width = float(stated.tolerance) + SCREEN_MARGIN * max(1.0, abs(target))

        slips: list[Slip] = []
        deltas: list[float] = []
        effects: list[float] = []
        for slip in catalogue(run):
            delta = float(slip.value) - float(slip.truth)
            effect = delta * tangents[slip.edge.input] * adjoints[slip.edge.node]
            if abs(effect) > EFFECT_FLOOR:
                slips.append(slip)
                deltas.append(delta)
                effects.append(effect)
        searched = 1 + len(slips)
        edges = len(run.tape.all_edges)
        # each candidate with its predicted distance from the stated number
        rounds: list[list[tuple[float, tuple[Slip, ...]]]] = [
            [(abs(entry - target), ())] if abs(entry - target) <= width else [],
            [
                (abs(entry + e - target), (slip,))
                for slip, e in zip(slips, effects, strict=True)
                if abs(entry + e - target) <= width
            ],
        ]
        if len(slips) <= MAX_PAIR_SLIPS:
            searched += len(slips) * (len(slips) - 1) // 2
            pairs: list[tuple[float, tuple[Slip, ...]]] = []
            for i, j in itertools.combinations(range(len(slips)), 2):
                e1, e2 = slips[i].edge, slips[j].edge
                if e1 == e2:
                    continue
                cross = (
                    deltas[i]
                    * deltas[j]
                    * (
                        tangents[e1.input] * paths[e1.node][e2.input] * adjoints[e2.node]
                        + tangents[e2.input] * paths[e2.node][e1.input] * adjoints[e1.node]
                    )
                )
                distance = abs(entry + effects[i] + effects[j] + cross - target)
                if (
                    distance <= width
                    and abs(effects[i] + cross) > EFFECT_FLOOR
                    and abs(effects[j] + cross) > EFFECT_FLOOR
                ):
                    pairs.append((distance, (slips[i], slips[j])))
            rounds.append(pairs)
        unchecked = 0
        for screened in rounds:
            if len(screened) > VERIFIED_CANDIDATES:  # too many to re-verify: the closest first
                screened.sort(key=lambda candidate: candidate[0])
            candidates = [chosen for _, chosen in screened]
            explanations: list[tuple[tuple[Slip, ...], mpmath.mpf]] = []
            tried = 0
            for chosen in candidates[:VERIFIED_CANDIDATES]:
                if len(explanations) == MAX_EXPLANATIONS:
                    break
                tried += 1
                value = jacobian_row(_with_slips(run, chosen), mode)[input]
                verdict = compare(stated, value, 30)
                if verdict is not None and verdict.matches:
                    explanations.append((chosen, +value))
            if explanations:
                unchecked = len(candidates) - tried
                return Localisation(label, tuple(explanations), searched, unchecked, edges)
            unchecked += len(candidates) - tried
        return Localisation(label, (), searched, unchecked, edges)


# --- sheet claims ---------------------------------------------------------------------------


DIGITS_TEXT = f"{FIRST_DIGITS}+ digits"


def _entry(name: str, input: int) -> str:
    return f"∂{name}/∂{INPUT_NAMES[input]}(1, 2)"


def _number_outcome(
    stated: StatedNumber, found: Match | None, method: str, extra: str = ""
) -> Outcome:
    if found is None:
        return undecided(
            method, "the true value lies too close to the tolerance boundary to decide"
        )
    evidence = found.text(stated) + (f"; {extra}" if extra else "")
    if found.matches:
        return proved(method, evidence)
    return refuted(method, evidence, {"true_value": decimal_text(found.true_value, 20)})


def decide_value(name: str, stated: StatedNumber) -> Outcome:
    found = decide_match(stated, lambda d: exact_value(REFERENCE_FUNCTIONS[name], POINT, d))
    return _number_outcome(stated, found, f"exact value (SymPy expression, mpmath {DIGITS_TEXT})")


def decide_finite_difference(
    name: str, input: int, step: StatedNumber, scheme: str, stated: StatedNumber
) -> Outcome:
    function = REFERENCE_FUNCTIONS[name]
    try:
        found = decide_match(
            stated, lambda d: finite_difference(function, POINT, input, step.value, scheme, d)
        )
    except Undefined as error:
        return undecided("mpmath", f"the quotient is not defined with h = {step.text}: {error}")
    with mpmath.workdps(THEOREM_DIGITS):
        exact = mp_value(exact_derivative(name, input), mp_point(POINT))
    return _number_outcome(
        stated,
        found,
        f"{scheme}-difference quotient in exact-step high precision (mpmath, "
        f"{DIGITS_TEXT} + {step_digits(step.value)} for the step)",
        f"the exact derivative is {decimal_text(exact)}",
    )


def graph_for(name: str, graph: Graph | None) -> tuple[Graph, str]:
    """The graph to run AD on: the sheet's when given and defined at (1, 2), else the reference."""
    if graph is None:
        return REFERENCE_GRAPHS[name], "the reference graph"
    try:
        with mpmath.workdps(THEOREM_DIGITS):
            trace(graph, POINT)
    except Undefined:
        return REFERENCE_GRAPHS[name], "the reference graph (the sheet's is undefined at (1, 2))"
    return graph, "the sheet's graph"


def decide_ad_entry(
    name: str, input: int, mode: str, stated: StatedNumber, sheet_graph: Graph | None
) -> Outcome:
    graph, label = graph_for(name, sheet_graph)
    derivative = exact_derivative(name, input)
    found = decide_match(stated, lambda d: exact_value(derivative, POINT, d))
    with mpmath.workdps(THEOREM_DIGITS + GUARD):
        on_graph = jacobian_row(trace(graph, POINT).partials, mode)[input]
    extra = f"{mode}-mode AD on {label} gives {decimal_text(on_graph)}"
    if found is not None and not found.matches:
        extra += "; " + locate_slips(graph, label, stated, mode, input).text()
    method = f"exact derivative (SymPy, {DIGITS_TEXT}) and {mode}-mode AD on the graph"
    return _number_outcome(stated, found, method, extra)


def _sheet_modes_agree(
    forward: Sequence[Sequence[StatedNumber]] | None,
    reverse: Sequence[Sequence[StatedNumber]] | None,
) -> str:
    if forward is None or reverse is None:
        return "the sheet does not give both its forward and reverse numbers"
    differ = []
    for entry, f, r in zip(
        ENTRIES,
        (n for row in forward for n in row),
        (n for row in reverse for n in row),
        strict=True,
    ):
        if abs(f.value - r.value) > max(f.tolerance, r.tolerance):
            differ.append(f"{entry} ({f.text} vs {r.text})")
    if differ:
        return "the sheet's own forward and reverse numbers disagree at " + ", ".join(differ)
    return "the sheet's own forward and reverse numbers agree with each other"


def decide_methods_agree(
    claimed: bool,
    theorem: tuple[str, str] | None,
    forward: Sequence[Sequence[StatedNumber]] | None,
    reverse: Sequence[Sequence[StatedNumber]] | None,
    settings: Settings,
) -> Outcome:
    if theorem is None:
        result = prove_autodiff_agreement(0, settings.seed)
        theorem = (str(result.verdict), result.evidence)
    verdict = theorem[0]
    own = _sheet_modes_agree(forward, reverse)
    if verdict != str(Verdict.PROVED):
        return undecided("rests on theorem.autodiff_agreement", f"that row is {verdict}; {own}")
    reason = (
        "theorem.autodiff_agreement is proved: forward = reverse = SymPy's diff identically "
        f"and to 1e-25 at (1, 2), FD errors O(h) and O(h²) (see that row); {own}"
    )
    if claimed:
        return proved("theorem.autodiff_agreement", reason)
    with mpmath.workdps(THEOREM_DIGITS):
        values = {
            f"{name}_{INPUT_NAMES[j]}": decimal_text(
                mp_value(exact_derivative(name, j), mp_point(POINT)), 20
            )
            for name in FUNCTION_TEXTS
            for j in range(len(INPUTS))
        }
    return refuted(
        "theorem.autodiff_agreement", reason, {**values, "theorem": "theorem.autodiff_agreement"}
    )


def theorem_checks(settings: Settings) -> list[Check]:
    return [
        Check(
            "theorem.autodiff_agreement",
            "4e",
            "forward mode, reverse mode and the exact Jacobian agree at (1, 2); the "
            "forward-difference error is O(h) and the central O(h²)",
            prove_autodiff_agreement,
            (settings.examples, settings.seed),
        )
    ]


def claim_checks(sheet: Sheet, settings: Settings, theorems: Mapping[str, Row]) -> list[Check]:
    claims = sheet.q4
    checks = []
    if claims.values is not None:
        for name, number in zip(FUNCTION_TEXTS, claims.values, strict=True):
            checks.append(
                Check(
                    f"q4.values.{name}",
                    "4a",
                    f"{name}(1, 2) = {number}",
                    decide_value,
                    (name, number),
                )
            )
    step = claims.fd_step or DEFAULT_STEP
    graphs = {"f1": claims.graph_f1, "f2": claims.graph_f2}
    for key, question in MATRICES:
        matrix = getattr(claims, key)
        if matrix is None:
            continue
        numbers = [number for row in matrix for number in row]
        for entry, number in zip(ENTRIES, numbers, strict=True):
            name, input = entry[:2], INPUT_NAMES.index(entry[3:])
            if key == "finite_difference":
                statement = (
                    f"the {claims.fd_scheme} difference with h = {step} gives "
                    f"{_entry(name, input)} = {number}"
                )
                args: tuple[Any, ...] = (name, input, step, claims.fd_scheme, number)
                decide: Callable[..., Outcome] = decide_finite_difference
            else:
                mode = key.split("_")[0]
                statement = f"{mode}-mode AD gives {_entry(name, input)} = {number}"
                args = (name, input, mode, number, graphs[name])
                decide = decide_ad_entry
            checks.append(Check(f"q4.{key}.{entry}", question, statement, decide, args))
    if claims.methods_agree is not None:
        row = theorems.get("theorem.autodiff_agreement")
        theorem = None if row is None else (str(row.verdict), row.evidence)
        checks.append(
            Check(
                "q4.methods_agree",
                "4e",
                "forward and reverse mode give the same Jacobian and finite differences "
                "approach it as h → 0"
                if claims.methods_agree
                else "it is not the case that forward and reverse mode give the same Jacobian and "
                "finite differences approach it as h → 0",
                decide_methods_agree,
                (claims.methods_agree, theorem, claims.forward_mode, claims.reverse_mode, settings),
            )
        )
    for name in FUNCTION_TEXTS:
        graph = graphs[name]
        if graph is not None:
            checks.append(
                Check(
                    f"q4.graph_{name}",
                    "4a",
                    f"the graph {graph_text(graph)} computes {name} = {FUNCTION_TEXTS[name]}",
                    decide_graph,
                    (graph, name),
                )
            )
    return checks


# --- python -m proofs.autodiff --------------------------------------------------------------


def trace_table(name: str, graph: Graph) -> str:
    """Node, value, tangents (one forward pass per input) and adjoint (one backward pass)."""
    with mpmath.workdps(THEOREM_DIGITS):
        run = trace(graph, POINT)
        tangents = [forward_mode(run.partials, j) for j in range(len(INPUTS))]
        adjoints = reverse_mode(run.partials)
    exprs = [*INPUT_NAMES, *(node.text for node in graph.nodes)]
    lines = [f"{name} = {FUNCTION_TEXTS[name]} on the graph {graph_text(graph)}, at (1, 2):"]
    lines.append(
        f"  {'node':<6}{'expression':<14}{'value':>14}{'d/dw1':>14}{'d/dw2':>14}{'adjoint':>14}"
    )
    for i, node in enumerate(run.tape.names):
        cells = [run.values[i], tangents[0][i], tangents[1][i], adjoints[i]]
        lines.append(
            f"  {node:<6}{exprs[i]:<14}"
            + "".join(f"{mpmath.nstr(mpmath.mpf(c), 8):>14}" for c in cells)
        )
    return "\n".join(lines)


def main() -> None:
    print("Q4 — evaluation traces (forward tangents, one pass per input; adjoints, one pass):")
    for name, graph in REFERENCE_GRAPHS.items():
        print(trace_table(name, graph))
        print()
    print("Exact Jacobian (SymPy diff, 30 digits):")
    for name in FUNCTION_TEXTS:
        for j in range(len(INPUTS)):
            value = exact_value(exact_derivative(name, j), POINT, 30)
            print(f"  {_entry(name, j)} = {mpmath.nstr(value, 30)}")
    print("\nFinite-difference errors at (1, 2), 50 digits:")
    print(
        f"  {'entry':<8}{'scheme':<10}"
        + "".join(f"{'h=1e-' + str(k):>10}" for k in range(1, 7))
        + f"{'slope':>8}"
    )
    for name in FUNCTION_TEXTS:
        for j in range(len(INPUTS)):
            for scheme in SCHEMES:
                errors = fd_errors(name, j, scheme)
                row = "".join(f"{mpmath.nstr(e, 2):>10}" for e in errors)
                slope = fitted_slope(STEPS, errors)
                print(f"  {name}_{INPUT_NAMES[j]:<5}{scheme:<10}{row}{slope:>8.3f}")
    print()
    print(prove_autodiff_agreement(100, 0).evidence)


if __name__ == "__main__":
    from hw2check.derivation import module_main

    raise SystemExit(module_main("proofs.autodiff", __doc__ or "", main))
