"""Answer sheets (contract ``hw2check/sheet-1``, SHEET.md): TOML in, validated claims out.

Validation is strict and complete before anything is checked: an unknown table or key, a
value of the wrong type or shape, or an expression outside the safe language raises an
``InputError`` naming the file, ``table.key``, what is wrong and what is allowed.
"""

from __future__ import annotations

import keyword
import re
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import sympy

from hw2check.errors import InputError, SheetError, UnknownSymbol, excerpt, short_repr
from hw2check.expressions import FUNCTIONS, parse_condition, parse_expression, shown
from hw2check.guard import NotRegular, open_regular
from hw2check.numbers import StatedNumber, read_number

SEED_PATH = "<built-in seed sheet>"
# A sheet is a few kilobytes; anything much larger is not one, and reading it costs time.
MAX_SHEET_BYTES = 1_000_000
# Counts checked before any of their items is read, so that the work of reading a sheet,
# checking it and drawing its report stays bounded (SHEET.md has 2 or 3 components and
# graphs of 5 nodes; these are far above any real answer).
MAX_COMPONENTS = 50
MAX_GRAPH_NODES = 100

# The symbols of every key, with the domain the claim is made on (SHEET.md).
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

    def read(self, raw: Any) -> Expression:
        if not isinstance(raw, str):
            example = f"{self.names[0]} + 1" if self.names else "1/2"
            raise SheetError(
                f"{_shown(raw)} is not an expression string", f'a string such as "{example}"'
            )
        allowed = symbols(*self.names)
        if self.sgd:
            allowed["eta"] = SGD_ETA
        return Expression(raw, parse_expression(raw, allowed))


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
                "an identifier other than w1, w2, the function names and Python keywords",
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


# --- the schema: table -> key -> reader, and the dataclass each table becomes

_TABLES: Mapping[str, tuple[type, Mapping[str, Reader]]] = MappingProxyType(
    {
        "q3_1": (
            ProximalClaims,
            {
                "minimizer": _Expressions(("w_t", "g", "lam")).read,
                "step_size": _Expressions(("lam",)).read,
                "proximity_gradient": _Expressions(("w", "w_t", "lam")).read,
                "gd_converges_for_strictly_convex": _boolean,
            },
        ),
        "q3_2": (BoundClaim, {"bound": _Expressions(("eta", "T", "wstar_sq", "sum_v_sq")).read}),
        "q3_3": (BoundClaim, {"bound": _Expressions(("T", "avg_gap")).read}),
        "q4": (
            AutodiffClaims,
            {
                "values": _number_pair,
                "fd_step": _positive_number,
                "fd_scheme": _Choice(("forward", "central", "backward")).read,
                "finite_difference": _number_matrix,
                "forward_mode": _number_matrix,
                "reverse_mode": _number_matrix,
                "methods_agree": _boolean,
                "graph_f1": read_graph,
                "graph_f2": read_graph,
            },
        ),
        "q5": (
            CirculantClaims,
            {
                "circulant_commutes_with_shift": _boolean,
                "only_circulants_commute_with_shift": _boolean,
            },
        ),
        "q6": (
            SgdClaims,
            {
                "sgd_always_decreases": _boolean,
                "components": _components,
                "start": _start,
                "picked": _index,
                "step_sizes": _condition,
                "next_iterate": _Expressions((), sgd=True).read,
                "next_iterate_sign": _Choice(("positive", "negative", "zero")).read,
                "real_roots": _count,
                "nonreal_roots": _count,
            },
        ),
    }
)

_SGD_SETTING = ("components", "start", "picked", "step_sizes")


def _read_table(name: str, raw: Any) -> Any:
    kind, readers = _TABLES[name]
    if not isinstance(raw, dict):
        raise SheetError(f"{_shown(raw)} is not a table", f"a [{name}] table").located(key=name)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        reader = readers.get(key)
        if reader is None:
            raise SheetError(
                f"unknown key {shown(key)}", "keys allowed here: " + ", ".join(readers)
            ).located(key=f"{name}.{key}")
        try:
            values[key] = reader(value)
        except InputError as error:
            if error.key is not None:
                # A suffix such as [1] or a node name: join it to table.key.
                sep = "" if error.key.startswith("[") else "."
                error.key = f"{name}.{key}{sep}{error.key}"
            raise error.located(key=f"{name}.{key}") from None
    return kind(**values)


def _check_sgd_groups(claims: SgdClaims) -> None:
    given = [key for key in _SGD_SETTING if getattr(claims, key) is not None]
    if given and len(given) != len(_SGD_SETTING):
        missing = [key for key in _SGD_SETTING if key not in given]
        raise SheetError(
            f"{', '.join(given)} given without {', '.join(missing)}",
            "components, start, picked and step_sizes come together or not at all",
        ).located(key=f"q6.{missing[0]}")
    for key in ("next_iterate", "next_iterate_sign"):
        if getattr(claims, key) is not None and not given:
            raise SheetError(
                f"{key} needs the SGD setting",
                "give components, start, picked and step_sizes with it",
            ).located(key=f"q6.{key}")
    components, picked = claims.components, claims.picked
    if components is not None and picked is not None and picked > len(components):
        raise SheetError(
            f"picked = {excerpt(str(picked))} names no component",
            f"an integer from 1 to {len(components)}",
        ).located(key="q6.picked")


def parse_sheet(text: str, path: str) -> Sheet:
    """Validate a sheet's TOML text; ``path`` is only used in messages."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SheetError(f"not valid TOML ({error})", "a TOML document per SHEET.md").located(
            file=path
        ) from None
    except ValueError:  # not a TOMLDecodeError: an integer past Python's digit limit
        digits = sys.get_int_max_str_digits()
        raise SheetError(
            f"holds an integer of more than {digits} digits, too long to read",
            f"integers of at most {digits} digits",
        ).located(file=path) from None
    except RecursionError:  # tomllib reads nested arrays and inline tables recursively
        raise SheetError(
            "arrays or inline tables nested too deeply to read",
            "a TOML document per SHEET.md (its values nest at most two levels)",
        ).located(file=path) from None
    try:
        return _validate(document, path)
    except InputError as error:
        raise error.located(file=path) from None


def _validate(document: dict[str, Any], path: str) -> Sheet:
    header = document.get("sheet")
    if not isinstance(header, dict):
        raise SheetError(
            "missing [sheet] table" if header is None else "[sheet] is not a table",
            'a [sheet] table with title = "..."',
        ).located(key="sheet")
    for key in header:
        if key not in ("title", "author"):
            raise SheetError(
                f"unknown key {shown(key)}", "keys allowed here: title, author"
            ).located(key=f"sheet.{key}")
    if "title" not in header:
        raise SheetError("missing title", 'title = "..." (a string)').located(key="sheet.title")
    tables: dict[str, Any] = {}
    for name, raw in document.items():
        if name == "sheet":
            continue
        if name not in _TABLES:
            raise SheetError(
                f"unknown table [{shown(name)}]", "tables allowed: sheet, " + ", ".join(_TABLES)
            ).located(key=name)
        tables[name] = _read_table(name, raw)
    sheet = Sheet(
        path=path,
        title=_item(_string, header["title"], "sheet.title"),
        author=None if "author" not in header else _item(_string, header["author"], "sheet.author"),
        **tables,
    )
    _check_sgd_groups(sheet.q6)
    return sheet


def load_sheet(path: str | Path) -> Sheet:
    """Read and validate a sheet file."""
    shown = str(path)
    try:
        with open_regular(path) as file:
            # Read one byte past the limit, never the whole of a file that keeps growing.
            raw = file.read(MAX_SHEET_BYTES + 1)
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
    if len(raw) > MAX_SHEET_BYTES:
        raise SheetError(
            f"larger than {MAX_SHEET_BYTES:,} bytes",
            "an answer sheet of at most 1 MB (a sheet is a few kilobytes)",
        ).located(file=shown)
    try:
        # utf-8-sig: a byte-order mark, which some editors write, is not part of the text.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SheetError(
            f"not UTF-8 text (invalid byte at position {error.start + 1})",
            "a UTF-8 TOML file",
        ).located(file=shown) from None
    return parse_sheet(text, shown)


def seed_text() -> str:
    """The seed solution set's sheet, shipped as package data."""
    return resources.files("hw2check").joinpath("data/seed-sheet.toml").read_text("utf-8")


def load_seed() -> Sheet:
    return parse_sheet(seed_text(), SEED_PATH)
