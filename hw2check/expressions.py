"""Safe expressions: untrusted text to SymPy without ever evaluating the text.

The text is parsed with ``ast.parse(mode="eval")``; every node is checked against a
whitelist and the SymPy expression is built directly from the checked tree.  Size limits are
enforced before any algebra runs, so hostile input fails fast with a documented error:

- at most ``MAX_LENGTH`` characters;
- nesting depth (brackets, calls, unary operators, powers) at most ``MAX_DEPTH``;
- integer literals, decimal exponents and power exponents of absolute value at most
  ``MAX_INTEGER``, and no exact number of more than ``MAX_NUMBER_BITS`` bits.

Decimals are exact rationals: ``0.1`` is ``1/10``.  ``^`` means ``**``.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from types import MappingProxyType

import sympy

from hw2check import latex
from hw2check.diagnose import explain, unreadable_character
from hw2check.errors import (
    ExpressionError,
    ExpressionSyntaxError,
    ExpressionTooLong,
    ForbiddenSyntax,
    InvalidValue,
    NestingTooDeep,
    NumberTooLarge,
    UnknownFunction,
    UnknownSymbol,
    WrongArity,
)

MAX_LENGTH = 1000
MAX_DEPTH = 50
MAX_INTEGER = 10_000
# SymPy computes a rational power exactly as soon as it is built, and a number of more than
# about 4,300 digits cannot even be printed: every exact number stays under this many bits.
MAX_NUMBER_BITS = 12_000

# What SymPy gives where an expression has no value: 1/0, 0/0, log(0); and where it has only
# bounds, not a value: sin(oo) is AccumBounds(-1, 1) (a class, which ``has`` accepts too).
UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.AccumBounds)

ALLOWED_SYNTAX = (
    "numbers, the listed symbols, + - * / ** ^, unary minus, parentheses and the functions "
    "sqrt exp log ln sin cos tan Abs abs sigmoid"
)


def _sigmoid(x: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-x))


FUNCTIONS: Mapping[str, Callable[[sympy.Expr], sympy.Expr]] = MappingProxyType(
    {
        "sqrt": sympy.sqrt,
        "exp": sympy.exp,
        "log": sympy.log,
        "ln": sympy.log,
        "sin": sympy.sin,
        "cos": sympy.cos,
        "tan": sympy.tan,
        "Abs": sympy.Abs,
        "abs": sympy.Abs,
        "sigmoid": _sigmoid,
    }
)

# Other spellings of symbol and function names: Greek letters in plain text.
SPELLINGS: Mapping[str, str] = MappingProxyType({"λ": "lam", "η": "eta", "σ": "sigmoid"})

_BINARY: Mapping[type[ast.operator], Callable[[sympy.Expr, sympy.Expr], sympy.Expr]] = (
    MappingProxyType(
        {
            ast.Add: lambda a, b: a + b,
            ast.Sub: lambda a, b: a - b,
            ast.Mult: lambda a, b: a * b,
            ast.Div: lambda a, b: a / b,
        }
    )
)


# The kinds of side condition an expression's natural domain is made of (``SideCondition``).
NONZERO = "nonzero"
POSITIVE = "positive"
NONNEGATIVE = "nonnegative"


def _holds(kind: str, value: sympy.Expr) -> bool | None:
    """Whether ``value`` satisfies the kind of condition, by SymPy's assumptions."""
    if kind == NONZERO:
        return value.is_nonzero  # type: ignore[no-any-return]
    if kind == POSITIVE:
        return value.is_positive  # type: ignore[no-any-return]
    return value.is_nonnegative  # type: ignore[no-any-return]


class Guard(sympy.Function):  # type: ignore[misc]  # SymPy is untyped
    """``guard(d, v)`` is v where d satisfies the guard's condition, undefined elsewhere.

    It records a side condition of the sheet's expression that SymPy's automatic
    simplification removed while the expression was built (see ``_faithful``).  Unlike an
    unevaluated expression it survives pickling, which rebuilds expressions with evaluation
    on, so a check in a worker process sees it too.
    """

    nargs = 2
    kind = NONZERO
    undefined: sympy.Expr = sympy.zoo

    @classmethod
    def eval(cls, condition: sympy.Expr, value: sympy.Expr) -> sympy.Expr | None:
        if not condition.is_number:
            return None
        holds = _holds(cls.kind, condition)
        if holds is False:
            return cls.undefined
        return value if holds else None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        """Where the guard is defined it is its value: d/dx guard(d, v) = guard(d, 1)*v'."""
        if argindex == 1:
            return sympy.Integer(0)
        return type(self)(self.args[0], sympy.Integer(1))

    def _eval_evalf(self, prec: int) -> sympy.Expr | None:
        return None  # a guard SymPy could not decide at a number has no certain value


class where_nonzero(Guard):
    """``where_nonzero(d, v)`` is v where d is a nonzero number and undefined where d = 0
    (a division that SymPy cancelled)."""

    kind = NONZERO
    # The numeric version ``lambdify`` uses (floats or mpmath numbers).
    _imp_ = staticmethod(lambda divisor, value: value if divisor != 0 else float("nan"))


class where_positive(Guard):
    """``where_positive(d, v)``: v where d > 0 (a logarithm, or a root under a negative
    exponent, that SymPy simplified away)."""

    kind = POSITIVE
    undefined = sympy.nan
    _imp_ = staticmethod(lambda condition, value: value if condition > 0 else float("nan"))


class where_nonnegative(Guard):
    """``where_nonnegative(d, v)``: v where d >= 0 (an even root or a fractional power that
    SymPy simplified away, as in sqrt(a)*sqrt(a))."""

    kind = NONNEGATIVE
    undefined = sympy.nan
    _imp_ = staticmethod(lambda condition, value: value if condition >= 0 else float("nan"))


GUARDS: Mapping[str, type[Guard]] = MappingProxyType(
    {NONZERO: where_nonzero, POSITIVE: where_positive, NONNEGATIVE: where_nonnegative}
)


@dataclass(frozen=True)
class SideCondition:
    """One condition of an expression's natural domain: ``expr`` is nonzero / positive /
    nonnegative (a denominator, a logarithm's argument, an even root's argument)."""

    kind: str
    expr: sympy.Expr

    def holds(self) -> bool | None:
        return _holds(self.kind, self.expr)

    def describe(self) -> str:
        relation = {NONZERO: "!= 0", POSITIVE: "> 0", NONNEGATIVE: ">= 0"}[self.kind]
        return f"{self.expr} {relation}"


def _own_conditions(node: sympy.Basic) -> Iterator[SideCondition]:
    """The side conditions that ``node`` itself adds (not its arguments)."""
    if isinstance(node, Guard):
        yield SideCondition(node.kind, node.args[0])
    elif isinstance(node, sympy.Pow):
        base, exponent = node.base, node.exp
        if not node.free_symbols or base.is_positive:
            return
        if exponent.is_Integer:
            if exponent.is_negative:
                yield SideCondition(NONZERO, base)
        elif exponent.is_Rational:
            yield SideCondition(POSITIVE if exponent.is_negative else NONNEGATIVE, base)
        else:
            yield SideCondition(POSITIVE, base)
    elif isinstance(node, sympy.log):
        yield SideCondition(POSITIVE, node.args[0])
    elif isinstance(node, sympy.tan):
        yield SideCondition(NONZERO, sympy.cos(node.args[0]))


def side_conditions(expr: sympy.Basic) -> tuple[SideCondition, ...]:
    """Every side condition of the expression's natural domain, in a stable order, without
    those SymPy's assumptions already show (``lam > 0`` for a division by lam)."""
    found: dict[SideCondition, None] = {}
    for node in sympy.preorder_traversal(expr):
        for condition in _own_conditions(node):
            # a guard inside a condition stands for its value (its own condition is listed)
            plain = SideCondition(condition.kind, strip_guards(condition.expr))
            if plain.holds() is not True:
                found[plain] = None
    return tuple(found)


def strip_guards(expr: sympy.Basic) -> sympy.Basic:
    """The expression with every guard replaced by its value."""
    if not expr.has(Guard):
        return expr
    return expr.replace(lambda node: isinstance(node, Guard), lambda node: node.args[1])


def _keys(condition: SideCondition) -> Iterator[tuple[str, sympy.Expr]]:
    """Normal forms of a condition and of the weaker ones it implies: a positive constant
    factor does not change it, nor a sign for ``nonzero``."""
    coefficient, rest = condition.expr.as_coeff_Mul()
    signed = rest if not coefficient.is_negative else -rest
    unsigned = -rest if rest.could_extract_minus_sign() else rest
    if condition.kind == POSITIVE:
        yield POSITIVE, signed
        yield NONNEGATIVE, signed
    elif condition.kind == NONNEGATIVE:
        yield NONNEGATIVE, signed
        return
    yield NONZERO, unsigned


def _faithful(result: sympy.Expr, expected: Iterable[SideCondition]) -> sympy.Expr:
    """``result`` unless SymPy's automatic simplification removed a side condition from it.

    SymPy turns ``a*(T - 1)/(T - 1)`` into ``a``, ``0*log(w)`` into 0, ``exp(log(x))`` into
    x and ``tan(u) - tan(u)`` into 0 as the expression is built, so a claim undefined at
    T = 1 (or w = 0, x <= 0, a pole of tan) would look defined everywhere and could be
    proved.  When a condition disappears, the result is wrapped in a guard
    (``where_nonzero``, ``where_positive``, ``where_nonnegative``): the expression means what
    the sheet wrote, and it is undefined where the sheet's is.
    """
    kept = {key for condition in side_conditions(result) for key in _keys(condition)}
    lost: dict[SideCondition, None] = {}
    for condition in expected:
        if not condition.expr.free_symbols or next(_keys(condition)) in kept:
            continue
        # A condition that the symbols' domains show (lam > 0, 1 + w**2) may disappear.
        if condition.holds() is not True:
            lost[condition] = None
    for condition in sorted(lost, key=lambda c: (c.kind, sympy.default_sort_key(c.expr))):
        result = GUARDS[condition.kind](condition.expr, result)
    return result


_COMPARISONS: Mapping[type[ast.cmpop], Callable[[sympy.Expr, sympy.Expr], sympy.Basic]] = (
    MappingProxyType(
        {
            ast.Lt: sympy.StrictLessThan,
            ast.LtE: sympy.LessThan,
            ast.Gt: sympy.StrictGreaterThan,
            ast.GtE: sympy.GreaterThan,
        }
    )
)

_LAYOUT = re.compile(r"[\t\n\r\f\v]")
_INTEGER_TEXT = re.compile(r"[0-9][0-9_]*")
_DECIMAL_TEXT = re.compile(r"(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][+-]?[0-9_]+)?")
# Operators of one precedence level chain without nesting: 1+2+...+9 is flat, not deep.
_LEVEL: Mapping[type[ast.operator], int] = MappingProxyType(
    {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}
)


def shown(text: str, limit: int = 40) -> str:
    """Untrusted text as it may appear in a one-line message: quoted, escaped, clipped."""
    clipped = text if len(text) <= limit else text[: limit - 3] + "..."
    return repr(clipped)


def parse_decimal(text: str) -> Fraction:
    """Read a decimal numeral (``"0.3510"``, ``"1e-3"``, ``"-2"``) as an exact rational."""
    stripped = text.strip()
    body = stripped.lstrip("+-")
    if len(stripped) - len(body) > 1 or not body or not _DECIMAL_TEXT.fullmatch(body):
        raise ExpressionSyntaxError(
            f"{shown(text)} is not a decimal number", "for example 0.25 or 1e-3"
        )
    try:
        value = Decimal(stripped)
    except InvalidOperation:
        raise ExpressionSyntaxError(
            f"{shown(text)} is not a decimal number", "for example 0.25 or 1e-3"
        ) from None
    if not value.is_finite():
        raise InvalidValue(f"{shown(text)} is not finite", "a finite decimal number")
    # Both the exponent as written and the magnitude of the value obey the limit: a long
    # mantissa must not stretch one past it ("1000e9999" is 1e10002).
    if max(abs(_written_exponent(body)), abs(value.adjusted())) > MAX_INTEGER:
        raise NumberTooLarge(
            f"the decimal exponent of {shown(text)} is too large",
            f"exponents of absolute value at most {MAX_INTEGER}",
        )
    return Fraction(value)


def _written_exponent(body: str) -> int:
    """The exponent as written after ``e`` (0 without one): the limit applies to it, not
    to the exponent of the digits, which a long mantissa would stretch."""
    _, marker, written = body.lower().partition("e")
    return int(written.replace("_", "")) if marker else 0


class _Source:
    """The text as written and as parsed (``^`` replaced), with offsets mapped back."""

    def __init__(self, text: str) -> None:
        _check_text(text)  # before any use of the text: it may not even be a string
        self.original = text
        # Surrounding blanks and line breaks (a TOML multi-line string) are layout, not syntax:
        # Python would read a leading blank as an indent and a line break as a new statement.
        body = text.strip()
        self._lead = len(text) - len(text.lstrip())
        self.parsed = _LAYOUT.sub(" ", body).replace("^", "**")
        self._encoded = self.parsed.encode("utf-8", errors="surrogatepass")
        self._carets = [i for i, ch in enumerate(body) if ch == "^"]

    def offset(self, node: ast.AST | None) -> int | None:
        if node is None or not hasattr(node, "col_offset"):
            return None
        # The parser counts columns in UTF-8 bytes; a Greek letter is two of them.
        characters = len(self.parsed.encode()[: node.col_offset].decode("utf-8", "ignore"))
        return self.position(characters)

    def position(self, parsed_offset: int) -> int:
        """The offset in the text as written of an offset in the parsed text."""
        # Each earlier ``^`` became two characters in the parsed text.
        shift = 0
        for caret in self._carets:
            if caret + shift < parsed_offset:
                shift += 1
        return parsed_offset - shift + self._lead

    def segment(self, node: ast.AST) -> str:
        # The parsed text is one line, and ast counts its columns in UTF-8 bytes: slicing the
        # bytes takes time linear in the segment (ast.get_source_segment splits the whole
        # text again for every call, quadratic over an expression of many numbers).
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if start is None or end is None or getattr(node, "end_lineno", 1) != 1:
            return ast.get_source_segment(self.parsed, node) or ""
        return self._encoded[start:end].decode("utf-8", errors="replace")


class _LatexSource(_Source):
    """A formula between ``$`` signs; the tree's offsets are already in the text as written."""

    def __init__(self, text: str) -> None:
        _check_text(text)
        self.original = text
        stripped = text.strip()
        dollars = 2 if len(stripped) >= 4 and stripped[:2] == stripped[-2:] == "$$" else 1
        self.base = len(text) - len(text.lstrip()) + dollars
        self.body = stripped[dollars:-dollars]
        self.parsed = text
        self._lead, self._carets = 0, []

    def offset(self, node: ast.AST | None) -> int | None:
        return getattr(node, "col_offset", None)

    def position(self, parsed_offset: int) -> int:
        return parsed_offset

    def segment(self, node: ast.AST) -> str:
        start, end = getattr(node, "col_offset", 0), getattr(node, "end_col_offset", 0)
        return getattr(node, "text", None) or self.original[start:end]


def _source(text: str) -> _Source:
    """The source of a plain expression, or of LaTeX when the text is between ``$`` signs."""
    if isinstance(text, str):
        stripped = text.strip()
        if len(stripped) >= 2 and stripped[0] == stripped[-1] == "$":
            return _LatexSource(text)
    return _Source(text)


def _is_function(name: str) -> bool:
    return SPELLINGS.get(name, name) in FUNCTIONS


def _check_text(text: str) -> None:
    if not isinstance(text, str):
        raise ExpressionError("an expression must be a string", ALLOWED_SYNTAX)
    if len(text) > MAX_LENGTH:
        raise ExpressionTooLong(
            f"the expression has {len(text)} characters",
            f"at most {MAX_LENGTH} characters",
        )
    depth = 0
    for position, ch in enumerate(text):
        if ch == "#":
            # No string literal is allowed, so a # can only start a comment.
            raise ForbiddenSyntax("a comment is not allowed", ALLOWED_SYNTAX, offset=position)
        if ch == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise NestingTooDeep(
                    f"parentheses nested deeper than {MAX_DEPTH}",
                    f"nesting depth at most {MAX_DEPTH}",
                    offset=position,
                )
        elif ch == ")":
            depth -= 1


_NESTING = (ast.UnaryOp, ast.BinOp, ast.Call, ast.Compare, ast.BoolOp)


def _tree_depth(root: ast.AST) -> int:
    """Nesting depth of the operations in the tree (unary operators, calls, powers, and a
    binary operator inside one of another precedence level), counted without recursion."""
    deepest = 0
    stack: list[tuple[ast.AST, int, int | None]] = [(root, 0, None)]
    while stack:
        node, depth, parent_level = stack.pop()
        level = _LEVEL.get(type(node.op)) if isinstance(node, ast.BinOp) else None
        same_level = level is not None and level == parent_level
        own = depth + 1 if isinstance(node, _NESTING) and not same_level else depth
        deepest = max(deepest, own)
        if deepest > MAX_DEPTH:
            return deepest
        for child in ast.iter_child_nodes(node):
            stack.append((child, own, level))
    return deepest


def _parse_tree(
    source: _Source, names: Sequence[str] = (), notation: Sequence[tuple[str, str]] = ()
) -> ast.expr:
    if isinstance(source, _LatexSource):
        body = latex.parse(
            source.body,
            source.base,
            names=names,
            notation=notation,
            is_function=_is_function,
            max_depth=MAX_DEPTH,
        )
        tree: ast.AST = ast.Expression(body=body)
    else:
        tree = _parse_plain(source, names)
    if _tree_depth(tree) > MAX_DEPTH:
        raise NestingTooDeep(
            f"the expression is nested deeper than {MAX_DEPTH}",
            f"nesting depth at most {MAX_DEPTH}",
        )
    assert isinstance(tree, ast.Expression)
    return tree.body


def _parse_plain(source: _Source, names: Sequence[str]) -> ast.Expression:
    odd = unreadable_character(source.original)
    if odd is not None:
        raise ExpressionSyntaxError(odd[0], ALLOWED_SYNTAX, offset=odd[1])
    try:
        tree = ast.parse(source.parsed, mode="eval")
    except SyntaxError as error:
        column = source.position(max((error.offset or 1) - 1, 0))
        raise explain(source.original, column, names, ALLOWED_SYNTAX) from None
    except (MemoryError, RecursionError, ValueError):
        raise ExpressionSyntaxError(
            f"{shown(source.original)} cannot be read", ALLOWED_SYNTAX
        ) from None
    return tree


class _Builder:
    """Builds SymPy from a checked tree; every node kind not handled here is rejected."""

    def __init__(self, source: _Source, symbols: Mapping[str, sympy.Symbol]) -> None:
        self.source = source
        self.symbols = symbols

    def build(self, node: ast.expr) -> sympy.Expr:
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.build(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow):
                return self._power(node)
            if type(node.op) in _BINARY:
                return self._chain(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        raise ForbiddenSyntax(
            f"{_describe(node)} is not allowed", ALLOWED_SYNTAX, offset=self.source.offset(node)
        )

    def _chain(self, node: ast.BinOp) -> sympy.Expr:
        """A left-nested run of + - * / (``w + w + ... + w``), folded from its first operand
        without recursing along its length: only nesting recurses, and nesting is limited."""
        spine: list[ast.BinOp] = []
        current: ast.expr = node
        while isinstance(current, ast.BinOp) and type(current.op) in _BINARY:
            spine.append(current)
            current = current.left
        value = self.build(current)
        for link in reversed(spine):
            right = self.build(link.right)
            expected = [*side_conditions(value), *side_conditions(right)]
            if isinstance(link.op, ast.Div):
                expected += side_conditions(1 / right)
            value = _faithful(_BINARY[type(link.op)](value, right), expected)
        return value

    def _number(self, node: ast.Constant) -> sympy.Expr:
        value = node.value
        offset = self.source.offset(node)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ForbiddenSyntax(
                f"{_describe(node)} is not allowed", ALLOWED_SYNTAX, offset=offset
            )
        text = self.source.segment(node)
        if isinstance(value, int):
            if not _INTEGER_TEXT.fullmatch(text):
                raise ForbiddenSyntax(
                    f"the number {shown(text)} is not a decimal integer",
                    "decimal numbers such as 12, 0.5 or 1e-3",
                    offset=offset,
                )
            if value > MAX_INTEGER:
                raise NumberTooLarge(
                    f"the integer {text} is too large",
                    f"integer literals of absolute value at most {MAX_INTEGER}",
                    offset=offset,
                )
            return sympy.Integer(value)
        try:
            exact = parse_decimal(text)
        except ExpressionError as error:
            error.offset = offset
            raise
        return sympy.Rational(exact.numerator, exact.denominator)

    def _name(self, node: ast.Name) -> sympy.Expr:
        symbol = self.symbols.get(SPELLINGS.get(node.id, node.id))
        if symbol is None:
            if node.id in FUNCTIONS:
                raise ForbiddenSyntax(
                    f"the function '{node.id}' must be called with one argument",
                    f"for example {node.id}(x)",
                    offset=self.source.offset(node),
                )
            raise UnknownSymbol(node.id, sorted(self.symbols), offset=self.source.offset(node))
        return symbol

    def _power(self, node: ast.BinOp) -> sympy.Expr:
        base = self.build(node.left)
        exponent = self.build(node.right)
        offset = self.source.offset(node.right)
        if exponent.is_Number:
            if abs(exponent) > MAX_INTEGER:
                raise NumberTooLarge(
                    f"the exponent {exponent} is too large",
                    f"exponents of absolute value at most {MAX_INTEGER}",
                    offset=offset,
                )
            # SymPy raises the exact numbers inside the base as soon as the power is built
            # ((7**(1/2))**9999 becomes 7**4999*sqrt(7)): bound their size before that.
            if abs(exponent) > 1:
                bits = float(abs(exponent)) * _number_bits(base)
                if bits > MAX_NUMBER_BITS:
                    raise NumberTooLarge(
                        f"the power '{self.source.segment(node)}' is too large",
                        f"exact numbers of at most {MAX_NUMBER_BITS} bits",
                        offset=offset,
                    )
        expected = [*side_conditions(base), *side_conditions(exponent)]
        if exponent.is_negative:
            expected += side_conditions(1 / base)
        if not exponent.is_Integer:
            expected += _own_conditions(sympy.Pow(base, exponent, evaluate=False))
        result = _faithful(base**exponent, expected)
        # SymPy merges (x**a)**b into x**(a*b); the merged exponent obeys the same limit.
        if isinstance(result, sympy.Pow) and result.exp.is_Number and abs(result.exp) > MAX_INTEGER:
            raise NumberTooLarge(
                f"the combined exponent {result.exp} is too large",
                f"exponents of absolute value at most {MAX_INTEGER}",
                offset=offset,
            )
        return result

    def _call(self, node: ast.Call) -> sympy.Expr:
        offset = self.source.offset(node)
        if not isinstance(node.func, ast.Name):
            raise _not_callable(node.func, self.source.segment(node), self.source, offset)
        function = FUNCTIONS.get(SPELLINGS.get(node.func.id, node.func.id))
        if function is None and SPELLINGS.get(node.func.id, node.func.id) in self.symbols:
            raise _not_callable(node.func, self.source.segment(node), self.source, offset)
        if function is None:
            raise UnknownFunction(node.func.id, sorted(FUNCTIONS), offset=offset)
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise WrongArity(
                f"'{node.func.id}' takes exactly one argument",
                f"for example {node.func.id}(x)",
                offset=offset,
            )
        argument = self.build(node.args[0])
        expected = list(side_conditions(argument))
        own = _CALL_CONDITIONS.get(node.func.id)
        if own is not None:
            expected.append(own(argument))
        return _faithful(function(argument), expected)


# The side condition each function adds for its argument u.
_CALL_CONDITIONS: Mapping[str, Callable[[sympy.Expr], SideCondition]] = MappingProxyType(
    {
        "sqrt": lambda u: SideCondition(NONNEGATIVE, u),
        "log": lambda u: SideCondition(POSITIVE, u),
        "ln": lambda u: SideCondition(POSITIVE, u),
        "tan": lambda u: SideCondition(NONZERO, sympy.cos(u)),
    }
)


_OPERATOR_TEXT: Mapping[type[ast.AST], str] = MappingProxyType(
    {
        ast.FloorDiv: "//",
        ast.Mod: "%",
        ast.MatMult: "@",
        ast.LShift: "<<",
        ast.RShift: ">>",
        ast.BitAnd: "&",
        ast.BitOr: "|",
        ast.BitXor: "^",
        ast.Invert: "~",
        ast.Not: "not",
        ast.Eq: "==",
        ast.NotEq: "!=",
        ast.Is: "is",
        ast.IsNot: "is not",
        ast.In: "in",
        ast.NotIn: "not in",
    }
)

_DESCRIPTIONS: Mapping[type[ast.AST], str] = MappingProxyType(
    {
        ast.Attribute: "a name with a dot in it",
        ast.Subscript: "indexing with square brackets",
        ast.Lambda: "'lambda' (a reserved word; the symbol is lam)",
        ast.ListComp: "a comprehension",
        ast.SetComp: "a comprehension",
        ast.DictComp: "a comprehension",
        ast.GeneratorExp: "a comprehension",
        ast.Compare: "a comparison",
        ast.BoolOp: "a boolean operator",
        ast.IfExp: "a conditional expression",
        ast.NamedExpr: "an assignment expression",
        ast.List: "a list in square brackets",
        ast.Tuple: "a list of values separated by commas",
        ast.Dict: "a table in braces",
        ast.Set: "a set",
        ast.JoinedStr: "a string",
        ast.Await: "await",
        ast.Yield: "yield",
        ast.Starred: "unpacking",
    }
)


def _number_bits(expr: sympy.Basic) -> float:
    """An upper bound on log2 of the exact numbers SymPy computes when ``expr`` is raised
    to a numeric power, per unit of the exponent.

    A power of a product distributes over its factors and multiplies their numbers into one
    coefficient (bits add); a power of a power multiplies the exponents; sums and function
    values are left unexpanded, so the numbers inside them are not raised.
    """
    if isinstance(expr, sympy.Rational):
        return max(math.log2(abs(int(expr.p))) if expr.p else 0.0, math.log2(int(expr.q)))
    if isinstance(expr, sympy.Mul):
        return sum(_number_bits(factor) for factor in expr.args)
    if isinstance(expr, sympy.Pow):
        base_bits = _number_bits(expr.base)
        exponent = expr.exp
        return base_bits * float(abs(exponent)) if exponent.is_Number else base_bits
    return 0.0


def _describe(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str | bytes):
            return "a string"
        return f"the constant {node.value!r}"
    if isinstance(node, ast.BinOp | ast.UnaryOp):
        return f"the operator '{_OPERATOR_TEXT.get(type(node.op), type(node.op).__name__)}'"
    return _DESCRIPTIONS.get(type(node), "this construction")


def _with_product(call: str) -> str:
    """``call`` (text ending in a parenthesized argument) with a * before the argument."""
    depth = 0
    for position in range(len(call) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(call[position], 0)
        if depth == 0:
            return call[:position].rstrip() + "*" + call[position:]
    return call


def _not_callable(
    func: ast.expr, call: str, source: _Source, offset: int | None
) -> ExpressionError:
    """The error for a call of something that is not a function name (``np.cos(w)``,
    ``2(w + 1)``)."""
    if isinstance(func, ast.Attribute) and func.attr in FUNCTIONS:
        return ForbiddenSyntax(
            f"{shown(source.segment(func))} is not allowed (did you mean {shown(func.attr)}?)",
            "the functions are written without a module: " + " ".join(FUNCTIONS),
            offset=offset,
        )
    if not isinstance(func, ast.Attribute):
        # 2(w + 1), (w + 1)(w - 1): a product written without its *.
        return ForbiddenSyntax(
            f"a value directly followed by '(' (did you mean {shown(_with_product(call))}?)",
            "write products with *",
            offset=offset,
        )
    return ForbiddenSyntax(f"{_describe(func)} cannot be called", ALLOWED_SYNTAX, offset=offset)


Degrees = dict[sympy.Basic, float]


def _degrees(expr: sympy.Basic, memo: dict[sympy.Basic, Degrees]) -> Degrees:
    """An upper bound on the degree of ``expr`` in each of its symbols, read off the tree:
    a product adds degrees, a numeric power multiplies them, anything else (a sum, a
    function, a symbolic power) keeps the largest of its parts'."""
    found = memo.get(expr)
    if found is not None:
        return found
    if isinstance(expr, sympy.Symbol):
        found = {expr: 1.0}
    elif isinstance(expr, sympy.Pow) and expr.exp.is_Number:
        scale = float(abs(expr.exp))
        found = {symbol: degree * scale for symbol, degree in _degrees(expr.base, memo).items()}
    else:
        found = {}
        product = isinstance(expr, sympy.Mul)
        for part in expr.args:
            for symbol, degree in _degrees(part, memo).items():
                before = found.get(symbol, 0.0)
                found[symbol] = before + degree if product else max(before, degree)
    memo[expr] = found
    return found


def _check_degree(result: sympy.Basic, source: _Source) -> None:
    """No symbol of the built expression has degree over ``MAX_INTEGER``: SymPy merges
    w**10000*w**10000 into w**20000, which must be refused as (w**100)**200 is."""
    for symbol, degree in sorted(_degrees(result, {}).items(), key=lambda item: str(item[0])):
        if degree > MAX_INTEGER:
            raise NumberTooLarge(
                f"{shown(source.original)} has degree {degree:,.0f} in {symbol}, too large",
                f"a degree of at most {MAX_INTEGER} in each symbol (products of powers add "
                "their exponents)",
            )


def _check_finite(result: sympy.Basic, source: _Source) -> None:
    if result.has(*UNDEFINED):
        raise InvalidValue(
            f"{shown(source.original)} has no finite value (division by zero?)",
            "expressions with a finite value",
        )
    for number in result.atoms(sympy.Rational):
        if int(number.p).bit_length() + int(number.q).bit_length() > MAX_NUMBER_BITS:
            raise NumberTooLarge(
                f"{shown(source.original)} holds a number with too many digits to compute "
                "with exactly",
                f"exact numbers of at most {MAX_NUMBER_BITS} bits",
            )


def parse_expression(
    text: str,
    symbols: Mapping[str, sympy.Symbol],
    *,
    notation: Sequence[tuple[str, str]] = (),
) -> sympy.Expr:
    """Parse untrusted ``text`` into a SymPy expression over the given ``symbols`` only.

    ``notation`` lists LaTeX spellings of the symbols, for text written between ``$...$``."""
    source = _source(text)
    tree = _parse_tree(source, sorted(symbols), notation)
    result = _Builder(source, symbols).build(tree)
    _check_degree(result, source)
    _check_finite(result, source)
    return result


def _not_a_condition(text: str, source: _Source, part: ast.expr) -> tuple[str, int | None]:
    """What is wrong with a part of a condition that is no comparison, and where."""
    offset = source.offset(part)
    if isinstance(part, ast.BoolOp) and isinstance(part.op, ast.Or):
        word = re.compile(r"\bor\b").search(source.original, offset or 0)
        return "'or' is not allowed: every comparison must hold", word.start() if word else offset
    if (
        isinstance(part, ast.UnaryOp)
        and isinstance(part.op, ast.Not)
        and isinstance(part.operand, ast.Compare)
    ):
        return "'not' is not allowed: write the opposite comparison", offset
    return f"{shown(text)} is not a condition", offset


def parse_condition(text: str, symbols: Mapping[str, sympy.Symbol]) -> tuple[sympy.Basic, ...]:
    """Parse a comparison, a chain ``0 < eta < 1``, or several joined by ``and``.

    Returns the pairwise relations whose conjunction is the condition.
    """
    source = _source(text)
    tree = _parse_tree(source, sorted(symbols))
    parts = tree.values if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And) else [tree]
    builder = _Builder(source, symbols)
    relations: list[sympy.Basic] = []
    for part in parts:
        if not isinstance(part, ast.Compare):
            problem, offset = _not_a_condition(text, source, part)
            raise ForbiddenSyntax(
                problem,
                "a comparison such as 'eta > 0', a chain '0 < eta < 1', or several joined by 'and'",
                offset=offset,
            )
        left, left_node = builder.build(part.left), part.left
        for op, right_node in zip(part.ops, part.comparators, strict=True):
            relate = _COMPARISONS.get(type(op))
            if relate is None:
                raise ForbiddenSyntax(
                    f"the comparison '{_OPERATOR_TEXT.get(type(op), '?')}' is not allowed",
                    "comparisons < <= > >=",
                    offset=source.offset(right_node),
                )
            right = builder.build(right_node)
            for side, node in ((left, left_node), (right, right_node)):
                if side.is_extended_real is False or side.has(*UNDEFINED):
                    raise InvalidValue(
                        f"{shown(text)} compares {shown(str(side))}, which is not a real number",
                        "comparisons of real values, such as 0 < eta < 1",
                        offset=source.offset(node),
                    )
            try:
                relation = relate(left, right)
            except TypeError:  # SymPy refuses an order on a value it cannot place
                raise InvalidValue(
                    f"{shown(text)} compares values that cannot be ordered",
                    "comparisons of real values, such as 0 < eta < 1",
                    offset=source.offset(right_node),
                ) from None
            _check_degree(relation, source)
            _check_finite(relation, source)
            relations.append(relation)
            left, left_node = right, right_node
    return tuple(relations)


def fraction_of(value: sympy.Expr) -> Fraction:
    """A SymPy rational as a ``Fraction``."""
    rational = sympy.Rational(value)
    return Fraction(int(rational.p), int(rational.q))


def format_rational(value: Fraction | sympy.Expr | int) -> str:
    """An exact rational as text: ``"-3/4"``, ``"2"``."""
    fraction = value if isinstance(value, Fraction) else fraction_of(sympy.Rational(value))
    if fraction.denominator == 1:
        return str(fraction.numerator)
    return f"{fraction.numerator}/{fraction.denominator}"
