"""LaTeX input: the text between ``$...$`` read into the same checked tree as plain input.

A small tokenizer and a recursive-descent parser turn a LaTeX formula into the Python
``ast`` nodes that the plain language produces (``Name``, ``Constant``, ``BinOp``,
``UnaryOp``, ``Call``, ``Compare``, ``BoolOp``), each placed at its character in the LaTeX;
``hw2check.expressions`` then checks and builds that tree exactly as it does a plain one, with
the same whitelist and limits.  Nothing is ever passed to TeX or evaluated: a command this
module does not list (``\\def``, ``\\input``, ``\\csname``, ...) is an error, and nesting is
counted while parsing, so a formula deeper than the limit is refused before any recursion
could grow with it.

Understood: numbers; letters and words (a word that is no symbol or function but whose
letters are symbols is their product, as in LaTeX); ``+ - * / ^ _``, ``\\cdot \\times \\div``;
products by juxtaposition; ``( )``, ``{ }``, ``[ ]``, ``\\left( \\right)``;
``\\frac \\dfrac \\tfrac``,
``\\sqrt`` and ``\\sqrt[n]``; ``\\exp \\log \\ln \\sin \\cos \\tan`` and the Greek letters (their
meaning, a symbol or ``σ`` the sigmoid, is the plain language's); ``e^{x}``; ``|x|``;
comparisons ``< > \\le \\leq \\ge \\geq`` joined by ``\\land``, ``\\wedge``, ``\\text{and}`` or a
comma; and the notation a key declares, as (LaTeX, symbol) pairs, such as ``\\|w^*\\|^2`` for
``wstar_sq``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from hw2check.errors import ExpressionSyntaxError, ForbiddenSyntax, NestingTooDeep
from hw2check.suggest import closest

ALLOWED_LATEX = (
    "LaTeX with numbers, the key's symbols, + - * / ^ _, \\cdot \\times, \\frac \\dfrac "
    "\\sqrt, ( ) { } \\left( \\right), |x|, \\exp \\log \\ln \\sin \\cos \\tan \\sigma, "
    "\\lambda \\eta and the key's notation (docs/sheet-format.md)"
)


def _commands(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Commands that are layout only (and "\ ", a blank).
_LAYOUT = _commands(
    r"\left \right \, \; \! \: \quad \qquad \displaystyle \textstyle \big \Big \bigl \bigr "
    r"\Bigl \Bigr \middle"
) | {"\\ "}
# Commands that are another spelling of an operator or of another command.
_ALIASES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        r"\dfrac": ("cmd", r"\frac"),
        r"\tfrac": ("cmd", r"\frac"),
        r"\cdot": ("op", "*"),
        r"\times": ("op", "*"),
        r"\ast": ("op", "*"),
        r"\div": ("op", "/"),
        r"\lVert": ("cmd", r"\|"),
        r"\rVert": ("cmd", r"\|"),
        r"\Vert": ("cmd", r"\|"),
        r"\lvert": ("op", "|"),
        r"\rvert": ("op", "|"),
        r"\vert": ("op", "|"),
        r"\le": ("op", "<="),
        r"\leq": ("op", "<="),
        r"\leqslant": ("op", "<="),
        r"\ge": ("op", ">="),
        r"\geq": ("op", ">="),
        r"\geqslant": ("op", ">="),
        r"\lt": ("op", "<"),
        r"\gt": ("op", ">"),
        r"\land": ("and", "and"),
        r"\wedge": ("and", "and"),
        r"\lbrace": ("op", "{"),
        r"\rbrace": ("op", "}"),
        r"\{": ("op", "{"),
        r"\}": ("op", "}"),
        r"\lbrack": ("op", "["),
        r"\rbrack": ("op", "]"),
    }
)
_GREEK = {
    name: chr(code)
    for name, code in (
        ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4),
        ("epsilon", 0x3B5), ("varepsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7),
        ("theta", 0x3B8), ("iota", 0x3B9), ("kappa", 0x3BA), ("lambda", 0x3BB),
        ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE), ("pi", 0x3C0), ("rho", 0x3C1),
        ("sigma", 0x3C3), ("tau", 0x3C4), ("phi", 0x3C6), ("varphi", 0x3C6),
        ("chi", 0x3C7), ("psi", 0x3C8), ("omega", 0x3C9),
    )
}  # fmt: skip
_FUNCTIONS = _commands(r"\exp \log \ln \sin \cos \tan")
# Commands with a structure of their own, and those only a key's notation gives a meaning.
_STRUCTURE = _commands(r"\frac \sqrt")
_NOTATION_ONLY = _commands(r"\| \nabla \sum \bar \overline \langle \rangle \star \prime")
_TEXT = _commands(r"\text \mathrm \operatorname \mathit \textrm \textit")
KNOWN_COMMANDS = sorted(
    {*_LAYOUT, *_ALIASES, *(f"\\{name}" for name in _GREEK), *_FUNCTIONS, *_STRUCTURE,
     *_NOTATION_ONLY, *_TEXT}
)  # fmt: skip

_OPERATOR_CHARS = "+-*/^_(){}[]|,<>='!"
# What closes each grouping bracket: ( ), { } and [ ] all group, sized or not.
_CLOSING: Mapping[str, str] = MappingProxyType({"(": ")", "{": "}", "[": "]"})
_COMPARISONS: Mapping[str, Callable[[], ast.cmpop]] = MappingProxyType(
    {"<": ast.Lt, "<=": ast.LtE, ">": ast.Gt, ">=": ast.GtE}
)


@dataclass
class Token:
    kind: str  # "num", "word", "func", "cmd", "op", "and", "end"
    text: str
    start: int
    end: int

    def key(self) -> tuple[str, str]:
        return self.kind, self.text


def _error(problem: str, offset: int) -> ExpressionSyntaxError:
    return ExpressionSyntaxError(problem, ALLOWED_LATEX, offset=offset)


# The control characters a double-quoted TOML string makes of a backslash and a letter.
_TOML_ESCAPES: Mapping[str, str] = MappingProxyType(
    {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
)


def _refuse_lost_backslash(text: str, at: int, base: int) -> None:
    """Refuse a control character at ``at`` that with the letters after it spells a known
    command once its backslash is put back: TOML read ``\\frac`` in double quotes as a
    form feed and ``rac``."""
    end = at + 1
    while end < len(text) and text[end].isascii() and text[end].isalpha():
        end += 1
    command = "\\" + _TOML_ESCAPES[text[at]][1] + text[at + 1 : end]
    if end > at + 1 and command in KNOWN_COMMANDS:
        raise _error(
            f"'{command}' lost its backslash: in a double-quoted TOML string "
            f"{_TOML_ESCAPES[text[at]]} is an escape; write LaTeX in single quotes "
            "('$...$') or double each backslash",
            base + at,
        )


def tokenize(text: str, base: int = 0) -> list[Token]:
    """The tokens of ``text``, offsets counted from ``base``; layout commands dropped."""
    tokens: list[Token] = []
    at = 0
    while at < len(text):
        ch = text[at]
        start = at
        if ch in _TOML_ESCAPES:
            _refuse_lost_backslash(text, at, base)
        if ch.isspace() or ch == "~":
            at += 1
            continue
        if ch == "\\":
            at += 1
            if at < len(text) and text[at].isalpha() and text[at].isascii():
                while at < len(text) and text[at].isalpha() and text[at].isascii():
                    at += 1
            else:
                at += 1
            command = text[start:at]
            at = _command(command, text, start, at, base, tokens)
            continue
        if ch.isdigit() or (ch == "." and text[at + 1 : at + 2].isdigit()):
            point = False
            while at < len(text) and (text[at].isdigit() or (text[at] == "." and not point)):
                point = point or text[at] == "."
                at += 1
            tokens.append(Token("num", text[start:at], base + start, base + at))
            continue
        if ch.isalpha():
            while at < len(text) and text[at].isalpha() and text[at].isascii() and ch.isascii():
                at += 1
            at = max(at, start + 1)
            tokens.append(Token("word", text[start:at], base + start, base + at))
            continue
        if ch == "%":
            raise _error("a LaTeX comment (%) is not allowed", base + start)
        if ch not in _OPERATOR_CHARS:
            raise _error(f"the character {ch!r} is not understood in LaTeX", base + start)
        at += 1
        if ch in "<>" and text[at : at + 1] == "=":
            at += 1
        tokens.append(Token("op", text[start:at], base + start, base + at))
    tokens.append(Token("end", "", base + len(text), base + len(text)))
    return tokens


def _command(command: str, text: str, start: int, at: int, base: int, tokens: list[Token]) -> int:
    """Append the token(s) of ``command`` (ending at ``at``); return where scanning resumes."""
    where = (base + start, base + at)
    if command in _LAYOUT:
        return at
    if command in _ALIASES:
        kind, meaning = _ALIASES[command]
        tokens.append(Token(kind, meaning, *where))
    elif command[1:] in _GREEK:
        tokens.append(Token("word", _GREEK[command[1:]], *where))
    elif command in _FUNCTIONS:
        tokens.append(Token("func", command[1:], *where))
    elif command in _STRUCTURE or command in _NOTATION_ONLY:
        tokens.append(Token("cmd", command, *where))
    elif command in _TEXT:
        return _text(text, start, at, base, tokens)
    else:
        suggestion = closest(command, KNOWN_COMMANDS, cutoff=0.75)
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        raise ForbiddenSyntax(
            f"the LaTeX command '{command}' is not understood{hint}",
            ALLOWED_LATEX,
            offset=base + start,
        )
    return at


def _text(text: str, start: int, at: int, base: int, tokens: list[Token]) -> int:
    r"""``\text{and}``, ``\mathrm{sigmoid}``: a word in braces."""
    close = text.find("}", at)
    inner = text[at + 1 : close].strip() if text[at : at + 1] == "{" and close > 0 else ""
    if not inner.isalpha():
        raise _error(
            f"{text[start:at]} must be followed by a word in braces, such as {{and}}",
            base + start,
        )
    kind = "and" if inner == "and" else "word"
    tokens.append(Token(kind, inner, base + start, base + close + 1))
    return close + 1


def _pattern(latex: str) -> tuple[tuple[str, str], ...]:
    return tuple(t.key() for t in tokenize(latex) if t.kind != "end" and t.text not in "{}")


def _located(node: ast.expr, start: int, end: int) -> ast.expr:
    node.lineno = node.end_lineno = 1
    node.col_offset, node.end_col_offset = start, end
    return node


class _Parser:
    def __init__(
        self,
        tokens: list[Token],
        names: Sequence[str],
        notation: Sequence[tuple[str, str]],
        functions: Callable[[str], bool],
        max_depth: int,
    ) -> None:
        self.tokens = tokens
        self.at = 0
        self.names = frozenset(names)
        self.is_function = functions
        self.max_depth = max_depth
        self.depth = 0
        self.in_abs = 0
        patterns = [(_pattern(latex), symbol) for latex, symbol in notation]
        self.patterns = sorted(patterns, key=lambda item: -len(item[0]))

    # --- helpers

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def is_op(self, *texts: str) -> bool:
        return self.token.kind == "op" and self.token.text in texts

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expect(self, text: str, what: str) -> Token:
        if not self.is_op(text):
            raise _error(f"expected {text!r} {what}", self.token.start)
        return self.take()

    def deeper(self, offset: int) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise NestingTooDeep(
                f"the LaTeX is nested deeper than {self.max_depth}",
                f"nesting depth at most {self.max_depth}",
                offset=offset,
            )

    # --- grammar

    def condition(self) -> ast.expr:
        start = self.token.start
        parts = [self.chain()]
        while self.token.kind == "and" or self.is_op(","):
            self.take()
            parts.append(self.chain())
        if self.token.kind != "end":
            raise _error(
                f"cannot read {self.token.text or 'this'!r} here (an operator missing, or "
                "one too many?)",
                self.token.start,
            )
        if len(parts) == 1:
            return parts[0]
        return _located(ast.BoolOp(op=ast.And(), values=parts), start, self.token.start)

    def chain(self) -> ast.expr:
        start = self.token.start
        left = self.sum()
        ops: list[ast.cmpop] = []
        comparators: list[ast.expr] = []
        while self.token.kind == "op" and self.token.text in _COMPARISONS:
            ops.append(_COMPARISONS[self.take().text]())
            comparators.append(self.sum())
        if self.is_op("="):
            raise _error("'=' is not allowed: a value is an expression, not an equation",
                         self.token.start)  # fmt: skip
        if not ops:
            return left
        compare = ast.Compare(left=left, ops=ops, comparators=comparators)
        return _located(compare, start, self.token.start)

    def sum(self) -> ast.expr:
        start = self.token.start
        value = self.product()
        while self.is_op("+", "-"):
            op = ast.Add() if self.take().text == "+" else ast.Sub()
            right = self.product()
            value = _located(ast.BinOp(left=value, op=op, right=right), start, self.token.start)
        return value

    def product(self) -> ast.expr:
        start = self.token.start
        value = self.unary()
        while True:
            if self.is_op("*", "/"):
                op: ast.operator = ast.Mult() if self.take().text == "*" else ast.Div()
            elif self.starts_factor():
                op = ast.Mult()
            else:
                return value
            right = self.unary()
            value = _located(ast.BinOp(left=value, op=op, right=right), start, self.token.start)

    def starts_factor(self) -> bool:
        token = self.token
        if token.kind in ("num", "word", "func"):
            return True
        if token.kind == "cmd":
            return token.text != r"\rangle"
        return token.kind == "op" and (
            token.text in "({[" or (token.text == "|" and not self.in_abs)
        )

    def unary(self) -> ast.expr:
        if self.is_op("-", "+"):
            token = self.take()
            self.deeper(token.start)
            operand = self.unary()
            self.depth -= 1
            op: ast.unaryop = ast.USub() if token.text == "-" else ast.UAdd()
            return _located(ast.UnaryOp(op=op, operand=operand), token.start, self.token.start)
        return self.power()

    def power(self) -> ast.expr:
        start = self.token.start
        base = self.atom()
        if not self.is_op("^"):
            return base
        self.take()
        self.deeper(start)
        exponent = self.argument()
        self.depth -= 1
        if self.is_op("^"):
            raise _error("a double superscript: group the exponent in braces", self.token.start)
        return _located(ast.BinOp(left=base, op=ast.Pow(), right=exponent), start, self.token.start)

    def argument(self) -> ast.expr:
        """A group in braces or parentheses, or one character's worth of token (TeX's
        ``x^2``, ``\\frac12``)."""
        if self.is_op("{", "("):
            return self.group()
        token = self.token
        if token.kind in ("num", "word") and len(token.text) > 1:
            # x^23 is x^2 times 3 in TeX: take the first character only.
            first = Token(token.kind, token.text[0], token.start, token.start + 1)
            rest = Token(token.kind, token.text[1:], token.start + 1, token.end)
            self.tokens[self.at : self.at + 1] = [first, rest]
        return self.atom()

    def group(self) -> ast.expr:
        opening = self.take()
        closing = _CLOSING[opening.text]
        self.deeper(opening.start)
        saved, self.in_abs = self.in_abs, 0
        inner = self.chain()
        self.in_abs = saved
        self.expect(closing, f"to close the {opening.text!r} at character {opening.start + 1}")
        self.depth -= 1
        return inner

    def atom(self) -> ast.expr:
        token = self.token
        found = self.notation()
        if found is not None:
            return found
        if token.kind == "num":
            self.take()
            value: int | float = int(token.text) if token.text.isdigit() else float(token.text)
            return _located(ast.Constant(value=value), token.start, token.end)
        if token.kind == "word":
            return self.word()
        if token.kind == "func":
            return self.function(self.take())
        if token.kind == "cmd":
            return self.command()
        if self.is_op("{", "(", "["):
            return self.group()
        if self.is_op("|"):
            return self.absolute()
        if token.kind == "end":
            raise _error("the formula ends too early (an operator without its right-hand side?)",
                         token.start)  # fmt: skip
        raise _error(f"{token.text!r} cannot stand here", token.start)

    def notation(self) -> ast.expr | None:
        for pattern, symbol in self.patterns:
            end = self.match(pattern)
            if end is not None:
                start = self.token.start
                self.at = end
                return _located(
                    ast.Name(id=symbol, ctx=ast.Load()), start, self.tokens[end - 1].end
                )
        return None

    def match(self, pattern: tuple[tuple[str, str], ...]) -> int | None:
        """Where the tokens from the cursor that spell ``pattern`` end (braces aside)."""
        at, balance = self.at, 0
        for expected in pattern:
            while self.tokens[at].kind == "op" and self.tokens[at].text in "{}":
                balance += 1 if self.tokens[at].text == "{" else -1
                if balance < 0:
                    return None
                at += 1
            if self.tokens[at].key() != expected:
                return None
            at += 1
        while balance > 0 and self.tokens[at].key() == ("op", "}"):
            balance -= 1
            at += 1
        return at if balance == 0 else None

    def word(self) -> ast.expr:
        token = self.take()
        name = token.text
        if self.is_function(name) and name not in self.names:
            return self.function(token)
        if name == "e" and "e" not in self.names and self.is_op("^"):
            self.take()
            self.deeper(token.start)
            exponent = self.argument()
            self.depth -= 1
            call = ast.Call(func=_located(ast.Name(id="exp", ctx=ast.Load()), token.start,
                                          token.end), args=[exponent], keywords=[])  # fmt: skip
            return _located(call, token.start, self.token.start)
        if self.is_op("_"):
            return self.subscripted(token)
        following = self.token
        if (
            following.kind == "num"
            and following.start == token.end
            and (f"{name}{following.text}" in self.names)
        ):  # w1 written as in plain text
            self.take()
            return _located(ast.Name(id=f"{name}{following.text}", ctx=ast.Load()), token.start,
                            following.end)  # fmt: skip
        if name in self.names or len(name) == 1 or not all(ch in self.names for ch in name):
            return _located(ast.Name(id=name, ctx=ast.Load()), token.start, token.end)
        # "wT": in LaTeX, letters side by side are a product.
        value: ast.expr = _located(
            ast.Name(id=name[0], ctx=ast.Load()), token.start, token.start + 1
        )
        for offset, letter in enumerate(name[1:], start=1):
            right = _located(ast.Name(id=letter, ctx=ast.Load()), token.start + offset,
                             token.start + offset + 1)  # fmt: skip
            value = _located(ast.BinOp(left=value, op=ast.Mult(), right=right), token.start,
                             token.start + offset + 1)  # fmt: skip
        return value

    def subscripted(self, base: Token) -> ast.expr:
        self.take()
        braced = self.is_op("{")
        if braced:
            self.take()
        parts: list[str] = []
        while self.token.kind in ("num", "word") and (braced or not parts):
            token = self.take()
            parts.append(token.text if braced else token.text[:1])
            if not braced and len(token.text) > 1:
                self.at -= 1
                rest = Token(token.kind, token.text[1:], token.start + 1, token.end)
                self.tokens[self.at] = rest
        if braced:
            self.expect("}", "to close the subscript (a subscript is a name or a number)")
        if not parts:
            raise _error("a subscript is a name or a number, such as w_t or w_1", self.token.start)
        sub = "".join(parts)
        name = f"{base.text}_{sub}"
        if name not in self.names and f"{base.text}{sub}" in self.names:
            name = f"{base.text}{sub}"
        return _located(ast.Name(id=name, ctx=ast.Load()), base.start, self.tokens[self.at - 1].end)

    def function(self, token: Token) -> ast.expr:
        self.deeper(token.start)
        exponent = None
        if self.is_op("^"):  # \sin^2 x is (\sin x)^2
            self.take()
            exponent = self.argument()
        argument = self.group() if self.is_op("(", "{") else self.power()
        self.depth -= 1
        name = _located(ast.Name(id=token.text, ctx=ast.Load()), token.start, token.end)
        call: ast.expr = _located(ast.Call(func=name, args=[argument], keywords=[]), token.start,
                                  self.token.start)  # fmt: skip
        if exponent is not None:
            call = _located(ast.BinOp(left=call, op=ast.Pow(), right=exponent), token.start,
                            self.token.start)  # fmt: skip
        return call

    def command(self) -> ast.expr:
        token = self.take()
        self.deeper(token.start)
        if token.text == r"\frac":
            numerator = self.argument()
            denominator = self.argument()
            node: ast.expr = ast.BinOp(left=numerator, op=ast.Div(), right=denominator)
        elif token.text == r"\sqrt":
            if self.is_op("["):
                self.take()
                index = self.chain()
                self.expect("]", "to close the root's index")
                radicand = self.argument()
                one = _located(ast.Constant(value=1), token.start, token.start)
                one.text = "1"  # type: ignore[attr-defined]  # no character of the LaTeX
                reciprocal = _located(ast.BinOp(left=one, op=ast.Div(), right=index),
                                      token.start, token.end)  # fmt: skip
                node = ast.BinOp(left=radicand, op=ast.Pow(), right=reciprocal)
            else:
                name = _located(ast.Name(id="sqrt", ctx=ast.Load()), token.start, token.end)
                node = ast.Call(func=name, args=[self.argument()], keywords=[])
        else:
            raise _error(
                f"{token.text} is understood only in a key's notation (docs/sheet-format.md "
                "lists each key's)",
                token.start,
            )
        self.depth -= 1
        return _located(node, token.start, self.token.start)

    def absolute(self) -> ast.expr:
        opening = self.take()
        self.deeper(opening.start)
        self.in_abs += 1
        inner = self.sum()
        self.in_abs -= 1
        self.expect("|", f"to close the '|' at character {opening.start + 1}")
        self.depth -= 1
        name = _located(ast.Name(id="Abs", ctx=ast.Load()), opening.start, opening.end)
        return _located(ast.Call(func=name, args=[inner], keywords=[]), opening.start,
                        self.token.start)  # fmt: skip


def parse(
    text: str,
    base: int,
    *,
    names: Sequence[str],
    notation: Sequence[tuple[str, str]],
    is_function: Callable[[str], bool],
    max_depth: int,
) -> ast.expr:
    """The tree of the LaTeX ``text`` (which starts at character ``base`` of the value)."""
    tokens = tokenize(text, base)
    if tokens[0].kind == "end":
        raise _error("the formula between the $ signs is empty", base)
    return _Parser(tokens, names, notation, is_function, max_depth).condition()
