"""Answer sheets (contract ``hw2check/sheet-1``, docs/sheet-format.md): TOML in, validated
claims out.

Validation is strict and complete before anything is checked, and finds every error of a
sheet at once: an unknown table or key, a value of the wrong type or shape, or an expression
outside the safe language is an ``InputError`` naming the file, the line and column of the
value, ``table.key``, what is wrong and what is allowed.
"""

from __future__ import annotations

import keyword
import re
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import sympy

from hw2check.budget import OverBudget, time_limit
from hw2check.errors import (
    FORMAT_DOC,
    ExpressionError,
    InputError,
    SheetError,
    SheetErrors,
    UnknownSymbol,
    excerpt,
    not_utf8,
    short_repr,
)
from hw2check.expressions import FUNCTIONS, parse_condition, parse_expression, shown
from hw2check.guard import NotRegular, open_regular
from hw2check.numbers import StatedNumber, read_number
from hw2check.positions import Places, value_places
from hw2check.suggest import closest

SEED_PATH = "<built-in seed sheet>"
# A sheet is a few kilobytes; anything much larger is not one, and reading it costs time.
MAX_SHEET_BYTES = 1_000_000
# A sheet's errors are all reported up to this many, so that a file that is no sheet at all
# does not flood the screen.
MAX_ERRORS = 50
# Counts checked before any of their items is read, so that the work of reading a sheet,
# checking it and drawing its report stays bounded (the sheet format has 2 or 3 components and
# graphs of 5 nodes; these are far above any real answer).
MAX_COMPONENTS = 50
READ_SECONDS = 8.0  # the longest a sheet may take to validate
MAX_GRAPH_NODES = 100

# The symbols of every key, with the domain the claim is made on (docs/sheet-format.md).
SYMBOLS: Mapping[str, sympy.Symbol] = MappingProxyType(
    {
        "w_t": sympy.Symbol("w_t", real=True),
        "g": sympy.Symbol("g", real=True),
        "lam": sympy.Symbol("lam", positive=True),
        "w": sympy.Symbol("w", real=True),
        "eta": sympy.Symbol("eta", positive=True),
        "T": sympy.Symbol("T", integer=True, positive=True),
        "wstar_sq": sympy.Symbol("wstar_sq", nonnegative=True),
        "sum_v_sq": sympy.Symbol("sum_v_sq", nonnegative=True),
        "avg_gap": sympy.Symbol("avg_gap", real=True),
        "w1": sympy.Symbol("w1", real=True),
        "w2": sympy.Symbol("w2", real=True),
    }
)


# In [q6] eta is kept free of assumptions, so that a condition such as "eta > 0" stays a
# relation to reason about instead of collapsing to True; the check adds eta > 0 itself.
SGD_ETA = sympy.Symbol("eta", real=True)


def symbols(*names: str) -> dict[str, sympy.Symbol]:
    """The sheet symbols with these names."""
    return {name: SYMBOLS[name] for name in names}


@dataclass(frozen=True)
class Expression:
    """A claimed expression: the text as written and the SymPy expression built from it."""

    text: str
    expr: sympy.Expr


@dataclass(frozen=True)
class Condition:
    """A condition on ``eta``: the text and the relations whose conjunction it is."""

    text: str
    relations: tuple[sympy.Basic, ...]


@dataclass(frozen=True)
class GraphNode:
    name: str
    text: str
    expr: sympy.Expr
    symbol: sympy.Symbol


@dataclass(frozen=True)
class Graph:
    """A computation graph: ordered nodes over ``w1 w2`` and earlier nodes; last is output."""

    nodes: tuple[GraphNode, ...]


@dataclass(frozen=True)
class ProximalClaims:
    minimizer: Expression | None = None
    step_size: Expression | None = None
    proximity_gradient: Expression | None = None
    gd_converges_for_strictly_convex: bool | None = None


@dataclass(frozen=True)
class BoundClaim:
    bound: Expression | None = None


@dataclass(frozen=True)
class AutodiffClaims:
    values: tuple[StatedNumber, StatedNumber] | None = None
    fd_step: StatedNumber | None = None
    fd_scheme: str = "forward"
    finite_difference: tuple[tuple[StatedNumber, ...], ...] | None = None
    forward_mode: tuple[tuple[StatedNumber, ...], ...] | None = None
    reverse_mode: tuple[tuple[StatedNumber, ...], ...] | None = None
    methods_agree: bool | None = None
    graph_f1: Graph | None = None
    graph_f2: Graph | None = None


@dataclass(frozen=True)
class CirculantClaims:
    circulant_commutes_with_shift: bool | None = None
    only_circulants_commute_with_shift: bool | None = None


@dataclass(frozen=True)
class SgdClaims:
    sgd_always_decreases: bool | None = None
    components: tuple[Expression, ...] | None = None
    start: Expression | None = None
    picked: int | None = None
    step_sizes: Condition | None = None
    next_iterate: Expression | None = None
    next_iterate_sign: str | None = None
    real_roots: int | None = None
    nonreal_roots: int | None = None


@dataclass(frozen=True)
class Sheet:
    path: str
    title: str
    author: str | None = None
    q3_1: ProximalClaims = field(default_factory=ProximalClaims)
    q3_2: BoundClaim = field(default_factory=BoundClaim)
    q3_3: BoundClaim = field(default_factory=BoundClaim)
    q4: AutodiffClaims = field(default_factory=AutodiffClaims)
    q5: CirculantClaims = field(default_factory=CirculantClaims)
    q6: SgdClaims = field(default_factory=SgdClaims)


# --- readers: one per kind of value; each raises SheetError/ExpressionError without location

Reader = Callable[[Any], Any]


def _boolean(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise SheetError(f"{_shown(raw)} is not a boolean", "true or false")
    return raw


def _string(raw: Any) -> str:
    if not isinstance(raw, str):
        raise SheetError(f"{_shown(raw)} is not a string", "a string")
    return raw


@dataclass(frozen=True)
class _Expressions:
    """Reads an expression string over ``names`` (and the real eta of [q6] when ``sgd``).

    A reader is an object rather than a closure, so its code runs when a sheet is read.
    """

    names: tuple[str, ...]
    sgd: bool = False
    notation: tuple[tuple[str, str], ...] = ()

    def read(self, raw: Any) -> Expression:
        if not isinstance(raw, str):
            example = f"{self.names[0]} + 1" if self.names else "1/2"
            raise SheetError(
                f"{_shown(raw)} is not an expression string", f'a string such as "{example}"'
            )
        allowed = symbols(*self.names)
        if self.sgd:
            allowed["eta"] = SGD_ETA
        return Expression(raw, parse_expression(raw, allowed, notation=self.notation))


def _condition(raw: Any) -> Condition:
    if not isinstance(raw, str):
        raise SheetError(
            f"{_shown(raw)} is not a condition string", 'a string such as "0 < eta < 1"'
        )
    return Condition(raw, parse_condition(raw, {"eta": SGD_ETA}))


def _positive_number(raw: Any) -> StatedNumber:
    number = read_number(raw)
    if number.value <= 0:
        raise SheetError(f"{excerpt(number.text)} is not positive", "a number greater than 0")
    return number


def _number_pair(raw: Any) -> tuple[StatedNumber, StatedNumber]:
    if not isinstance(raw, list) or len(raw) != 2:
        raise SheetError(f"{_shown(raw)} is not a pair of numbers", "an array of 2 numbers")
    first, second = (_item(read_number, item, f"[{i}]") for i, item in enumerate(raw))
    return first, second


def _number_matrix(raw: Any) -> tuple[tuple[StatedNumber, ...], ...]:
    shape_error = SheetError(
        f"{_shown(raw)} is not a 2x2 array of numbers",
        "[[df1/dw1, df1/dw2], [df2/dw1, df2/dw2]]",
    )
    if not isinstance(raw, list) or len(raw) != 2:
        raise shape_error
    rows = []
    for i, row in enumerate(raw):
        if not isinstance(row, list) or len(row) != 2:
            raise shape_error
        rows.append(tuple(_item(read_number, item, f"[{i}][{j}]") for j, item in enumerate(row)))
    return tuple(rows)


@dataclass(frozen=True)
class _Choice:
    """Reads one of the ``options`` strings."""

    options: tuple[str, ...]

    def read(self, raw: Any) -> str:
        if raw not in self.options or not isinstance(raw, str):
            listed = ", ".join(f'"{option}"' for option in self.options)
            raise SheetError(f"{_shown(raw)} is not allowed", f"one of {listed}")
        return raw


def _count(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise SheetError(f"{_shown(raw)} is not a count", "an integer >= 0")
    return raw


def _index(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise SheetError(f"{_shown(raw)} is not a 1-based index", "an integer >= 1")
    return raw


def _components(raw: Any) -> tuple[Expression, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise SheetError(
            f"{_shown(raw)} is not a list of at least 2 components",
            'an array of 2 or more expression strings in w, e.g. ["(w - 2)**2/2", "w**2"]',
        )
    if len(raw) > MAX_COMPONENTS:
        raise SheetError(
            f"{len(raw):,} components are too many", f"at most {MAX_COMPONENTS} components"
        )
    read = _Expressions(("w",)).read
    return tuple(_item(read, item, f"[{i}]") for i, item in enumerate(raw))


def _start(raw: Any) -> Expression:
    expression: Expression
    if isinstance(raw, str):
        expression = Expression(raw, parse_expression(raw, {}))
    else:
        number = read_number(raw)
        value = number.value
        expression = Expression(number.text, sympy.Rational(value.numerator, value.denominator))
    if expression.expr.is_extended_real is not True:
        raise SheetError(f"{shown(expression.text)} is not a real number", "a real number")
    return expression


_NODE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def read_graph(raw: Any) -> Graph:
    """A computation graph from a table of node = expression (raises ``InputError``)."""
    if not isinstance(raw, dict) or not raw:
        raise SheetError(
            f"{_shown(raw)} is not a table of nodes",
            'a table of node = "expression" lines, in order, the last one the output',
        )
    if len(raw) > MAX_GRAPH_NODES:
        raise SheetError(
            f"{len(raw):,} nodes are too many", f"a graph of at most {MAX_GRAPH_NODES} nodes"
        )
    known = symbols("w1", "w2")  # grows node by node: w1, w2 and the nodes read so far
    nodes: list[GraphNode] = []
    names = list(raw)
    for position, (name, text) in enumerate(raw.items()):
        if (
            not _NODE_NAME.fullmatch(name)
            or keyword.iskeyword(name)
            or name in known
            or name in FUNCTIONS
        ):
            raise SheetError(
                f"{shown(name)} cannot name a node",
                "a name other than w1, w2, the function names and reserved words such as lambda",
            ).located(key=name)
        try:
            if not isinstance(text, str):
                raise SheetError(
                    f"{_shown(text)} is not an expression string",
                    "an expression in w1, w2 and earlier nodes",
                )
            expr = parse_expression(text, known)
        except UnknownSymbol as error:
            if error.symbol in names[position:]:
                later = "the node itself" if error.symbol == name else "a later node"
                raise SheetError(
                    f"unknown symbol {shown(error.symbol)} ({later})",
                    "a node may use w1, w2 and the nodes before it (the last node is the output)",
                ).located(key=name) from None
            raise error.located(key=name) from None
        except InputError as error:
            raise error.located(key=name) from None
        symbol = sympy.Symbol(name, real=True)
        nodes.append(GraphNode(name, text, expr, symbol))
        known[name] = symbol
    return Graph(tuple(nodes))


def _item(read: Callable[[Any], Any], raw: Any, suffix: str) -> Any:
    try:
        return read(raw)
    except InputError as error:
        raise error.located(key=suffix) from None


def _shown(raw: Any) -> str:
    if isinstance(raw, str):
        return shown(raw)
    text = short_repr(raw, 40)
    return text if len(text) <= 40 else text[:37] + "..."


# --- the schema: table -> key -> reader, with what each key means, as data
#
# These definitions are the sheet format: docs/sheet-format.md and the blank sheet of
# ``hw2check init`` are rendered from them (hw2check/format.py).


@dataclass(frozen=True)
class Key:
    """One key of a table: how its value is read, and how the format documents it."""

    read: Reader
    kind: str
    example: str  # a TOML value that is a valid answer's shape (not necessarily a true one)
    meaning: str
    symbols: tuple[str, ...] = ()
    # LaTeX spellings (between $...$) of this key's symbols, beyond the common ones.
    notation: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Table:
    kind: type
    title: str
    keys: Mapping[str, Key]
    note: str = ""


def _expression_key(
    names: tuple[str, ...],
    example: str,
    meaning: str,
    notation: tuple[tuple[str, str], ...] = (),
    *,
    sgd: bool = False,
) -> Key:
    reader = _Expressions(names, sgd=sgd, notation=notation)
    shown_names = ("eta",) if sgd else names
    return Key(reader.read, "expression", example, meaning, shown_names, notation)


def _matrix_key(example: str, meaning: str) -> Key:
    return Key(_number_matrix, "2x2 array of numbers", example, meaning)


def _boolean_key(meaning: str) -> Key:
    return Key(_boolean, "boolean", "true", meaning)


# The subscripted iterate, as a LaTeX sheet writes it.
_ITERATE = (("w_t", "w_t"), ("w^t", "w_t"), ("w^{(t)}", "w_t"), ("w_{t}", "w_t"))

_TABLES: Mapping[str, Table] = MappingProxyType(
    {
        "q3_1": Table(
            ProximalClaims,
            "Q3.1, the proximal step (one coordinate; the objective separates by coordinate)",
            {
                "minimizer": _expression_key(
                    ("w_t", "g", "lam"),
                    '"w_t - g/lam"',
                    "the w minimizing g*(w - w_t) + (lam/2)*(w - w_t)^2, where g is the "
                    "derivative of f at w_t and lam > 0",
                    (
                        *_ITERATE,
                        (r"\nabla f(w_t)", "g"),
                        (r"\nabla f(w^t)", "g"),
                        (r"\nabla f(w^{(t)})", "g"),
                        (r"f'(w_t)", "g"),
                    ),
                ),
                "step_size": _expression_key(
                    ("lam",),
                    '"1/lam"',
                    "the step eta for which that minimizer is the gradient step w_t - eta*g",
                ),
                "proximity_gradient": _expression_key(
                    ("w", "w_t", "lam"),
                    '"lam*(w - w_t)"',
                    "the derivative of (lam/2)*(w - w_t)^2 with respect to w",
                    _ITERATE,
                ),
                "gd_converges_for_strictly_convex": _boolean_key(
                    "gradient descent with step 1/lam reaches the minimum of every strictly "
                    "convex differentiable f, for every lam > 0"
                ),
            },
        ),
        "q3_2": Table(
            BoundClaim,
            "Q3.2, online gradient descent from w_1 = 0 with w_{t+1} = w_t - eta*v_t",
            {
                "bound": _expression_key(
                    ("eta", "T", "wstar_sq", "sum_v_sq"),
                    '"wstar_sq/(2*eta) + eta/2*sum_v_sq"',
                    "an upper bound of the sum over t = 1..T of <w_t - w*, v_t>, for every "
                    "dimension, T >= 1, eta > 0, vectors v_t and comparator w*; wstar_sq "
                    "stands for ||w*||^2 and sum_v_sq for the sum of ||v_t||^2",
                    (
                        (r"\|w^*\|^2", "wstar_sq"),
                        (r"\|w^*\|_2^2", "wstar_sq"),
                        (r"\|w^\star\|^2", "wstar_sq"),
                        (r"\sum_{t=1}^T \|v_t\|^2", "sum_v_sq"),
                        (r"\sum_{t=1}^{T} \|v_t\|^2", "sum_v_sq"),
                        (r"\sum_{t=1}^T \|v_t\|_2^2", "sum_v_sq"),
                        (r"\sum_t \|v_t\|^2", "sum_v_sq"),
                    ),
                ),
            },
        ),
        "q3_3": Table(
            BoundClaim,
            "Q3.3, the averaged iterate",
            {
                "bound": _expression_key(
                    ("T", "avg_gap"),
                    '"avg_gap"',
                    "an upper bound of f(w_bar) - f(w*) for every convex differentiable f, "
                    "points w_1..w_T and point w*, where w_bar is their average and avg_gap "
                    "stands for (1/T) times the sum of <w_t - w*, grad f(w_t)>",
                    (
                        (r"\bar{g}", "avg_gap"),
                        (
                            r"\frac{1}{T}\sum_{t=1}^T \langle w_t - w^*, \nabla f(w_t)\rangle",
                            "avg_gap",
                        ),
                    ),
                ),
            },
        ),
        "q4": Table(
            AutodiffClaims,
            "Q4, f1 = cos(w1)*cos(w2) + sigmoid(w2) and f2 = ln(w1 + w2) + w1^2*w2 at "
            "(w1, w2) = (1, 2)",
            {
                "values": Key(
                    _number_pair,
                    "pair of numbers",
                    "[0.655952, 3.098612]",
                    "f1 and f2 at (1, 2) (claims q4.values.f1, q4.values.f2)",
                ),
                "fd_step": Key(
                    _positive_number,
                    "number",
                    "0.01",
                    "the finite-difference step h (a setting, no claim; default 0.01)",
                ),
                "fd_scheme": Key(
                    _Choice(("forward", "central", "backward")).read,
                    "one of forward, central, backward",
                    '"forward"',
                    "the finite-difference scheme (a setting, no claim; default forward, "
                    "(f(w + h*e_j) - f(w))/h)",
                ),
                "finite_difference": _matrix_key(
                    "[[0.3513, -0.3856], [4.3528, 1.3328]]",
                    "the difference quotients with that step and scheme; rows f1, f2, columns "
                    "w1, w2 (claims q4.finite_difference.f1_w1 ... .f2_w2)",
                ),
                "forward_mode": _matrix_key(
                    "[[-0.0787, -0.4563], [4.3333, 1.0]]",
                    "the Jacobian by forward-mode automatic differentiation",
                ),
                "reverse_mode": _matrix_key(
                    "[[-0.0787, -0.4563], [4.3333, 1.0]]",
                    "the Jacobian by reverse-mode automatic differentiation",
                ),
                "methods_agree": _boolean_key(
                    "forward and reverse mode give the same Jacobian, and finite differences "
                    "approach it as h goes to 0"
                ),
                "graph_f1": Key(
                    read_graph,
                    "table of node = expression",
                    '{ a = "cos(w1)", f = "a + 1" }',
                    "a computation graph of f1: nodes in order, each an expression in w1, w2 "
                    "and earlier nodes, the last one the output (usually written as a "
                    "[q4.graph_f1] table)",
                    ("w1", "w2"),
                ),
                "graph_f2": Key(
                    read_graph,
                    "table of node = expression",
                    '{ a = "w1 + w2", f = "log(a)" }',
                    "a computation graph of f2, as graph_f1",
                    ("w1", "w2"),
                ),
            },
        ),
        "q5": Table(
            CirculantClaims,
            "Q5, the n x n cyclic shift S and circulant matrices, for every n >= 1",
            {
                "circulant_commutes_with_shift": _boolean_key(
                    "every circulant matrix C satisfies CS = SC"
                ),
                "only_circulants_commute_with_shift": _boolean_key(
                    "every matrix B with BS = SB is circulant"
                ),
            },
        ),
        "q6": Table(
            SgdClaims,
            "Q6, does SGD decrease the full loss F (the sum of the components) at every step?",
            {
                "sgd_always_decreases": _boolean_key("every SGD step decreases F"),
                "components": Key(
                    _components,
                    "array of 2 or more expressions",
                    '["(w - 2)^2/2", "w^2"]',
                    "the components f_i(w) whose sum is F",
                    ("w",),
                ),
                "start": Key(
                    _start,
                    "number or expression without symbols",
                    "0",
                    "the current point w_t",
                ),
                "picked": Key(_index, "integer from 1", "1", "the component the step uses"),
                "step_sizes": Key(
                    _condition,
                    "condition",
                    '"0 < eta < 1"',
                    "the step sizes eta considered; eta > 0 always applies as well. With "
                    "components, start and picked: the claim q6.counterexample, that the step "
                    "w_t - eta*f_picked'(w_t) increases F for every such eta",
                    ("eta",),
                ),
                "next_iterate": _expression_key(
                    (), '"2*eta"', "the next iterate w_{t+1} as a function of eta", sgd=True
                ),
                "next_iterate_sign": Key(
                    _Choice(("positive", "negative", "zero")).read,
                    "one of positive, negative, zero",
                    '"positive"',
                    "the sign of w_{t+1} for every eta allowed by step_sizes",
                ),
                "real_roots": Key(
                    _count, "integer from 0", "1", "the number of distinct real roots of F"
                ),
                "nonreal_roots": Key(
                    _count,
                    "integer from 0",
                    "2",
                    "the number of distinct non-real complex roots of F",
                ),
            },
            note="components, start, picked and step_sizes come together or not at all; "
            "picked names one of the components; next_iterate and next_iterate_sign need "
            "those four.",
        ),
    }
)

_SGD_SETTING = ("components", "start", "picked", "step_sizes")
_SGD_DEPENDENT = ("next_iterate", "next_iterate_sign")


def tables() -> Mapping[str, Table]:
    """The tables a sheet may have besides [sheet], in order."""
    return _TABLES


def _suggestion(word: str, options: Sequence[str]) -> str:
    match = closest(word, options)
    return f" (did you mean {shown(match)}?)" if match is not None else ""


def _read_table(name: str, raw: Any, errors: list[InputError]) -> Any:
    table = _TABLES[name]
    if not isinstance(raw, dict):
        errors.append(
            SheetError(f"{_shown(raw)} is not a table", f"a [{name}] table").located(key=name)
        )
        return table.kind()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        spec = table.keys.get(key)
        if spec is None:
            errors.append(
                SheetError(
                    f"unknown key {shown(key)}{_suggestion(key, list(table.keys))}",
                    "keys allowed here: " + ", ".join(table.keys),
                ).located(key=f"{name}.{key}")
            )
            continue
        try:
            values[key] = spec.read(value)
        except InputError as error:
            if error.key is not None:
                # A suffix such as [1] or a node name: join it to table.key.
                sep = "" if error.key.startswith("[") else "."
                error.key = f"{name}.{key}{sep}{error.key}"
            errors.append(error.located(key=f"{name}.{key}"))
    return table.kind(**values)


def _sgd_group_errors(claims: SgdClaims, bad: set[str]) -> list[InputError]:
    """What is wrong with how the [q6] keys come together (keys in ``bad`` were given but
    could not be read: they count as given)."""
    given = [key for key in _SGD_SETTING if getattr(claims, key) is not None or key in bad]
    if given and len(given) != len(_SGD_SETTING):
        missing = [key for key in _SGD_SETTING if key not in given]
        return [
            SheetError(
                f"{', '.join(given)} given without {', '.join(missing)}",
                "components, start, picked and step_sizes come together or not at all",
            ).located(key=f"q6.{missing[0]}")
        ]
    errors: list[InputError] = []
    for key in _SGD_DEPENDENT:
        if getattr(claims, key) is not None and not given:
            errors.append(
                SheetError(
                    f"{key} needs the SGD setting",
                    "give components, start, picked and step_sizes with it",
                ).located(key=f"q6.{key}")
            )
    components, picked = claims.components, claims.picked
    if components is not None and picked is not None and picked > len(components):
        errors.append(
            SheetError(
                f"picked = {excerpt(str(picked))} names no component",
                f"an integer from 1 to {len(components)}",
            ).located(key="q6.picked")
        )
    return errors


def _unknown_table(name: str, raw: Any) -> InputError:
    hint = _suggestion(name, list(_TABLES))
    if isinstance(raw, dict) and len(raw) == 1:
        # [q3.1] is TOML for a table "1" inside a table "q3".
        (inner,) = raw
        if f"{name}_{inner}" in _TABLES:
            hint = f" (did you mean [{name}_{inner}]? a dot in a table name nests tables)"
    return SheetError(
        f"unknown table [{shown(name)}]{hint}", "tables allowed: sheet, " + ", ".join(_TABLES)
    ).located(key=name)


def _header(document: dict[str, Any], errors: list[InputError]) -> tuple[str, str | None]:
    header = document.get("sheet")
    if not isinstance(header, dict):
        errors.append(
            SheetError(
                "missing [sheet] table" if header is None else "[sheet] is not a table",
                'a [sheet] table with title = "..."',
            ).located(key="sheet")
        )
        return "", None
    for key in header:
        if key not in ("title", "author"):
            errors.append(
                SheetError(
                    f"unknown key {shown(key)}{_suggestion(key, ['title', 'author'])}",
                    "keys allowed here: title, author",
                ).located(key=f"sheet.{key}")
            )
    title, author = "", None
    if "title" not in header:
        errors.append(
            SheetError("missing title", 'title = "..." (a string)').located(key="sheet.title")
        )
    for key in ("title", "author"):
        if key in header:
            try:
                text = _item(_string, header[key], f"sheet.{key}")
            except InputError as error:
                errors.append(error)
                continue
            title, author = (text, author) if key == "title" else (title, text)
    return title, author


def _validate(document: dict[str, Any], path: str) -> tuple[Sheet, list[InputError]]:
    """The sheet's valid claims, and every error of the sheet."""
    errors: list[InputError] = []
    title, author = _header(document, errors)
    tables: dict[str, Any] = {}
    for name, raw in document.items():
        if name == "sheet":
            continue
        if name not in _TABLES:
            errors.append(_unknown_table(name, raw))
            continue
        tables[name] = _read_table(name, raw, errors)
    sheet = Sheet(path=path, title=title, author=author, **tables)
    bad = {
        error.key.split(".")[1].split("[")[0]
        for error in errors
        if error.key is not None and error.key.startswith("q6.")
    }
    group = _sgd_group_errors(sheet.q6, bad)
    if group:
        # The claims that need the whole setting are not made: the setting is incomplete.
        dropped = {key: None for key in (*_SGD_SETTING, *_SGD_DEPENDENT)}
        sheet = replace(sheet, q6=replace(sheet.q6, **dropped))
        errors.extend(group)
    return sheet, errors


def read_sheet(text: str, path: str) -> tuple[Sheet | None, list[InputError]]:
    """A sheet's valid claims (None when it is not TOML) and all its errors, each located
    at its line and column."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return None, [_toml_error(error, path)]
    except ValueError:  # not a TOMLDecodeError: an integer past Python's digit limit
        digits = sys.get_int_max_str_digits()
        return None, [
            SheetError(
                f"holds an integer of more than {digits} digits, too long to read",
                f"integers of at most {digits} digits",
            ).located(file=path)
        ]
    except RecursionError:  # tomllib reads nested arrays and inline tables recursively
        return None, [
            SheetError(
                "arrays or inline tables nested too deeply to read",
                f"a TOML document per {FORMAT_DOC} (its values nest at most two levels)",
            ).located(file=path)
        ]
    try:
        # Reading is linear in the sheet, and every count in it is limited; the time limit is
        # the last guard, so that no sheet holds the command before any check starts.
        with time_limit(READ_SECONDS):
            sheet, errors = _validate(document, path)
    except OverBudget:
        return None, [
            SheetError(
                f"took more than {READ_SECONDS:g} s to read: its expressions are too many or "
                "too large",
                "fewer or shorter expressions",
            ).located(file=path)
        ]
    if errors:
        places = value_places(text)
        for problem in errors:
            _place(problem, places)
            problem.located(file=path)
        errors.sort(key=lambda problem: (problem.line or 0, problem.column or 0))
        if len(errors) > MAX_ERRORS:
            more = SheetError(
                f"and {len(errors) - MAX_ERRORS} more errors", "fix these first, then run again"
            ).located(file=path)
            errors = [*errors[:MAX_ERRORS], more]
    return sheet, errors


def _place(error: InputError, places: Places) -> None:
    """Give ``error`` the line and column of its value (or of the nearest enclosing one)."""
    name = error.key
    while name:
        if name in places:
            offset = error.offset if isinstance(error, ExpressionError) else None
            error.line, error.column = places.position(name, offset)
            return
        name = name[: max(name.rfind("."), name.rfind("["), 0)]


# What to write instead, for the TOML mistakes a newcomer makes most.
_UNKNOWN_ESCAPE = "unescaped '\\' in a string"
_QUOTED = 'an expression is a string in quotes, as in step_size = "1/lam"'
_TOML_HINTS = MappingProxyType(
    {
        _UNKNOWN_ESCAPE: "in a double-quoted string a backslash starts an escape: "
        "write LaTeX in single quotes, as in '$\\frac{1}{2}$', or double each backslash",
        # step_size = 1/lam: tomllib reads the 1 and stops at the /
        "expected newline or end of document after a statement": "one key = value a line; "
        + _QUOTED,
        # minimizer = w_t - g/lam: no TOML value starts with a letter
        "invalid value": "a number, true or false, a string in quotes or an [array]; " + _QUOTED,
    }
)


def _toml_error(error: tomllib.TOMLDecodeError, path: str) -> InputError:
    message = str(error)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found is None:
        problem = message
        line = column = None
    else:
        problem = message[: found.start()]
        line, column = int(found.group(1)), int(found.group(2))
    problem = problem[:1].lower() + problem[1:]
    allowed = _TOML_HINTS.get(problem, f"a TOML document per {FORMAT_DOC}")
    if problem == _UNKNOWN_ESCAPE and column is not None:
        column = max(column - 2, 1)  # tomllib points past the backslash and its letter
    result = SheetError(f"not valid TOML ({problem})", allowed).located(
        file=path
    )
    result.line, result.column = line, column
    return result


def parse_sheet(text: str, path: str) -> Sheet:
    """Validate a sheet's TOML text; ``path`` is only used in messages.  Raises
    ``SheetErrors`` with every error of the sheet."""
    sheet, errors = read_sheet(text, path)
    if errors:
        raise SheetErrors(errors)
    assert sheet is not None
    return sheet


def sheet_text(raw: bytes, shown: str) -> str:
    """The text of a sheet file's bytes (at most ``MAX_SHEET_BYTES + 1`` of them)."""
    if len(raw) > MAX_SHEET_BYTES:
        raise SheetError(
            f"larger than {MAX_SHEET_BYTES:,} bytes",
            "an answer sheet of at most 1 MB (a sheet is a few kilobytes)",
        ).located(file=shown)
    try:
        # utf-8-sig: a byte-order mark, which some editors write, is not part of the text.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise not_utf8(error, "a UTF-8 TOML file").located(file=shown) from None


def sheet_bytes(path: str | Path) -> bytes:
    """The first ``MAX_SHEET_BYTES + 1`` bytes of a sheet file."""
    shown = str(path)
    try:
        with open_regular(path) as file:
            # Read one byte past the limit, never the whole of a file that keeps growing.
            return file.read(MAX_SHEET_BYTES + 1)
    except FileNotFoundError:
        raise SheetError("no such file", "the path of a TOML answer sheet").located(
            file=shown
        ) from None
    except NotRegular as error:
        raise SheetError(
            f"is {error.kind}, not a regular file", "the path of a TOML answer sheet (a file)"
        ).located(file=shown) from None
    except OSError as error:
        raise SheetError(
            f"cannot be read ({error.strerror})", "a readable TOML answer sheet"
        ).located(file=shown) from None


def load_sheet(path: str | Path) -> Sheet:
    """Read and validate a sheet file."""
    return parse_sheet(sheet_text(sheet_bytes(path), str(path)), str(path))


def seed_text() -> str:
    """The seed solution set's sheet, shipped as package data."""
    return resources.files("hw2check").joinpath("data/seed-sheet.toml").read_text("utf-8")


def load_seed() -> Sheet:
    return parse_sheet(seed_text(), SEED_PATH)
