"""Why a plain expression does not read, in the words of arithmetic rather than of Python.

The expression language is parsed with Python's own parser, but a user who wrote ``2lam`` or
``1/lambda`` should not be told about "decimal literals" or "invalid syntax".  When that
parser refuses a text, ``explain`` looks at the text itself for the usual slips (a product
without ``*``, a reserved word, ``&&``, an unbalanced parenthesis, a LaTeX command outside
``$...$``, a typographic minus) and names the first one with what to write instead; only
when none is found does it fall back to the position where reading stopped.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from hw2check.errors import ExpressionSyntaxError
from hw2check.suggest import closest

# Characters that look like an operator and what to type for them.
_LOOKALIKES: Mapping[str, str] = MappingProxyType(
    {
        "\u2212": "-",
        "\u2013": "-",
        "\u00d7": "*",
        "\u00b7": "*",
        "\u22c5": "*",
        "\u00f7": "/",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u00b2": "^2",
        "\u00b3": "^3",
        "\u221a": "sqrt(...)",
    }
)

_OPERATORS: Mapping[str, str] = MappingProxyType(
    {
        "&&": "'&&' is not an operator (did you mean 'and'?)",
        "&": "'&' is not an operator (did you mean 'and'?)",
        "||": "'||' is not allowed: a condition is one range, or several joined by 'and'",
        "|": "'|' is not allowed: write an absolute value as abs(...)",
        "!": "'!' is not an operator here",
        "[": "square brackets are not allowed (group with parentheses)",
        "{": "braces are not allowed outside LaTeX (group with parentheses, or write "
        "LaTeX between $ signs)",
        "\\": "a LaTeX command outside $...$ (write LaTeX between $ signs, such as "
        "'$\\frac{1}{\\lambda}$')",
        '"': "quotes are not allowed inside an expression",
        "'": "quotes are not allowed inside an expression",
        ";": "';' is not allowed: a value is one expression",
        ",": "',' is not allowed outside a function's parentheses: write decimals with a point",
    }
)

# A number directly followed by a name: a product without its '*'.  "1e3" and "1e-3" are
# numbers and are left alone.
_PRODUCT = re.compile(r"(?<![\w.])([0-9]+(?:\.[0-9]*)?)([^\W\d]\w*)")
_EXPONENT = re.compile(r"[eE](?:[0-9]+|[+-]?$)")
_WORD = re.compile(r"[^\W\d]\w*")


def explain(
    text: str, stopped_at: int | None, names: Sequence[str], allowed: str
) -> ExpressionSyntaxError:
    """The error for ``text``, which Python's parser refused at ``stopped_at``."""
    found = _first_slip(text, names)
    if found is not None:
        problem, offset = found
        return ExpressionSyntaxError(problem, allowed, offset=offset)
    if not text.strip():
        return ExpressionSyntaxError("the expression is empty", allowed)
    offset = min(stopped_at if stopped_at is not None else len(text), len(text))
    if offset >= len(text.rstrip()):
        return ExpressionSyntaxError(
            f"{_quoted(text)} ends too early (an operator without its right-hand side?)",
            allowed,
            offset=max(len(text.rstrip()) - 1, 0),
        )
    return ExpressionSyntaxError(
        f"{_quoted(text)} cannot be read as arithmetic from here (an operator missing, or "
        "one too many?)",
        allowed,
        offset=offset,
    )


def unreadable_character(text: str) -> tuple[str, int] | None:
    """A character Python's parser would take for another: an operator look-alike that is a
    letter to it (the middle dot) or a letter or digit it silently normalizes (``ℓ`` is ``l``
    to it, ``ｌ`` too).  Such text is refused before parsing, so no message ever names a
    character that was not written."""
    for position, ch in enumerate(text):
        if ch in _LOOKALIKES:
            return f"{_quoted(ch)} is not an operator (did you mean '{_LOOKALIKES[ch]}'?)", position
        plain = unicodedata.normalize("NFKC", ch)
        if plain != ch:
            return f"the character {_quoted(ch)} is not allowed (did you mean {_quoted(plain)}?)", (
                position
            )
    return None


def _first_slip(text: str, names: Sequence[str]) -> tuple[str, int] | None:
    for finder in (_characters, _reserved, _products, _parentheses, _equals, _operators):
        found = finder(text, names)
        if found is not None:
            return found
    return None


def _characters(text: str, names: Sequence[str]) -> tuple[str, int] | None:
    for position, ch in enumerate(text):
        if ch in _LOOKALIKES:
            return f"{_quoted(ch)} is not an operator (did you mean '{_LOOKALIKES[ch]}'?)", position
        pair = text[position : position + 2]
        if pair in _OPERATORS:
            return _OPERATORS[pair], position
        if ch == "!" and pair == "!=":
            return "'!=' is not allowed: a condition uses < <= > >=", position
        if ch in _OPERATORS:
            return _OPERATORS[ch], position
        if not (ch.isalnum() or ch.isspace() or ch in "_+-*/^().<>=,"):
            return f"the character {_quoted(ch)} is not allowed", position
    return None


def _reserved(text: str, names: Sequence[str]) -> tuple[str, int] | None:
    for match in _WORD.finditer(text):
        word = match.group()
        if keyword.iskeyword(word) and word not in ("and", "or", "not"):
            suggestion = closest(word, names)
            hint = f" (did you mean {_quoted(suggestion)}?)" if suggestion else ""
            return f"{_quoted(word)} is a reserved word, not a symbol{hint}", match.start()
    return None


def _products(text: str, names: Sequence[str]) -> tuple[str, int] | None:
    for match in _PRODUCT.finditer(text):
        number, word = match.groups()
        if _EXPONENT.fullmatch(word) or (
            word in "eE" and text[match.end() : match.end() + 1] in ("+", "-")
        ):
            continue
        return (
            f"{_quoted(number + word)} is a number directly followed by a name (did you "
            f"mean {_quoted(number + '*' + word)}?)",
            match.start(),
        )
    return None


def _parentheses(text: str, names: Sequence[str]) -> tuple[str, int] | None:
    opened: list[int] = []
    for position, ch in enumerate(text):
        if ch == "(":
            opened.append(position)
        elif ch == ")":
            if not opened:
                return "this ')' closes no '('", position
            opened.pop()
    if opened:
        return "this '(' is never closed", opened[-1]
    return None


def _equals(text: str, names: Sequence[str]) -> tuple[str, int] | None:
    for match in re.finditer(r"(?<![<>=!])=(?!=)", text):
        return "'=' is not allowed: a value is an expression, not an equation", match.start()
    return None


_OPERATOR = re.compile(r"\*\*|[-+*/^]")


def _operators(text: str, names: Sequence[str]) -> tuple[str, int] | None:
    """An operator with no value on its left: at the start, or right after another."""
    previous_end: int | None = 0
    for match in _OPERATOR.finditer(text):
        operator = match.group()
        after_operator = previous_end is not None and not text[previous_end : match.start()].strip()
        if after_operator and operator not in ("+", "-"):
            if match.start() == len(text) - len(text.lstrip()):
                return (
                    f"{_quoted(text)} starts with {_quoted(operator)}, which needs a value "
                    "before it",
                    match.start(),
                )
            return f"two operators in a row before {_quoted(operator)}", match.start()
        previous_end = match.end()
    stripped = text.rstrip()
    for operator in ("**", "+", "-", "*", "/", "^"):
        if stripped.endswith(operator):
            return (
                f"{_quoted(text)} ends with {_quoted(operator)}, which needs a value after it",
                len(stripped) - len(operator),
            )
    return None


def _quoted(text: str) -> str:
    clipped = text if len(text) <= 40 else text[:37] + "..."
    return repr(clipped)
