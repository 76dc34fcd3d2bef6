"""Input errors: every way a sheet or an expression can be wrong is its own class.

Each error carries where (file, ``table.key``, offset in an expression) and what, and its
message says what is allowed, so a user knows what to change.  The command prints
``str(error)`` as one line and exits with status 2; it never shows a traceback for these.
"""

from __future__ import annotations

import re
import reprlib
import unicodedata
from collections.abc import Sequence

from hw2check.suggest import closest

# Where a user reads the formats; every message that names a format points here.
FORMAT_DOC = "docs/sheet-format.md"
LEDGER_DOC = "docs/ledger-format.md"

# Characters that are never shown raw: controls (C0, DEL, C1), format characters
# (zero-width, bidirectional embeddings, overrides and isolates), lone surrogates (the bytes
# of a file name that are not UTF-8, as Python decodes them: not writable as UTF-8) and line
# and paragraph separators.
HIDDEN_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp")
NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")


def hidden(ch: str) -> bool:
    """Whether a character is one that must never reach a reader raw."""
    return unicodedata.category(ch) in HIDDEN_CATEGORIES


def escape_hidden(text: str, keep: str = "") -> str:
    """``text`` with every hidden character (but those in ``keep``) written as an escape,
    ``\\x1b`` or ``\\u202e``, that shows what was there."""

    def shown(match: re.Match[str]) -> str:
        ch = match.group(0)
        if ch in keep or not hidden(ch):
            return ch
        code = ord(ch)
        if code < 0x100:
            return f"\\x{code:02x}"
        return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"

    return NOT_PRINTABLE_ASCII.sub(shown, text)


def visible(text: str) -> str:
    """Free text on one line, with control and format characters shown as escapes.

    Titles, paths and keys are untrusted: a raw escape sequence would drive the reader's
    terminal, and a bidirectional override would make a line read other than it is.
    """
    return escape_hidden(" ".join(text.split()))


# The most characters of one echoed value in a message: enough to recognise it.
EXCERPT = 60
# The most characters of each part of a message (where, what, what is allowed).
MESSAGE_PART = 300


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """``visible(text)`` cut to at most ``limit`` characters, the cut marked with the size.

    Every value a message echoes goes through here (or ``shown``), so a value of a
    hundred thousand characters stays short; only the head is escaped, never the whole.
    """
    head = visible(text[: 4 * limit + 1])
    if len(text) <= 4 * limit and len(head) <= limit:
        return head
    return f"{head[: limit - 1]}… ({len(text):,} characters)"


class _Short(reprlib.Repr):
    """``repr`` that shows only the head of long lists, tables, strings and integers."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.maxlevel, self.maxlist, self.maxdict, self.maxtuple = 2, 12, 6, 12
        self.maxstring = self.maxother = self.maxlong = limit

    def repr_int(self, x: int, level: int) -> str:
        # Python refuses to print an integer of more than 4300 digits; its size is enough.
        if x.bit_length() > 4 * self.maxlong:
            return f"<an integer of {x.bit_length():,} bits>"
        return str(super().repr_int(x, level))

    # A sheet's values are shown as TOML writes them, not as Python would.
    def repr_bool(self, x: bool, level: int) -> str:
        return "true" if x else "false"

    def repr_dict(self, x: dict[object, object], level: int) -> str:
        if not x:
            return "{}"
        if level <= 0:
            return "{ ... }"
        pairs = [
            f"{_toml_key(key)} = {self.repr1(value, level - 1)}"
            for key, value in list(x.items())[: self.maxdict]
        ]
        return "{ " + ", ".join(pairs + ["..."] * (len(x) > self.maxdict)) + " }"


def _toml_key(key: object) -> str:
    """A table key as TOML writes it: bare when it can be, else quoted."""
    text = str(key)
    if text and all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in text):
        return text
    return _Short(EXCERPT).repr(text)


def echo(value: object, limit: int = EXCERPT) -> str:
    """A short excerpt of any value's ``repr``, without building the whole of it: a list of
    a hundred thousand items, or an integer of thousands of digits, shows only its head."""
    return excerpt(short_repr(value, limit), limit)


def short_repr(value: object, limit: int = EXCERPT) -> str:
    """``repr(value)`` with long parts elided (``...``), built in bounded time."""
    return str(_Short(limit).repr(value))


class InputError(Exception):
    """A sheet or an expression that cannot be checked as written."""

    def __init__(self, problem: str, allowed: str = "") -> None:
        self.problem = problem
        self.allowed = allowed
        self.file: str | None = None
        self.key: str | None = None
        # Line and column (1-based) of the value in the sheet file, when known.
        self.line: int | None = None
        self.column: int | None = None
        super().__init__(problem)

    def located(self, *, file: str | None = None, key: str | None = None) -> InputError:
        """Attach the sheet file and ``table.key`` (outermost caller wins for the file)."""
        if file is not None and self.file is None:
            self.file = file
        if key is not None and self.key is None:
            self.key = key
        return self

    def __str__(self) -> str:
        place = _part(self.file) if self.file else None
        if place is not None and self.line is not None:
            place = f"{place}:{self.line}:{self.column}"
        where = ": ".join(part for part in (place, _part(self.key or "")) if part)
        problem, allowed = _part(self.problem), _part(self.allowed)
        text = problem if not allowed else f"{problem}; {allowed}"
        return f"{where}: {text}" if where else text


def _part(text: str) -> str:
    """One part of a message as plain text on one line, clipped.

    A file or key name may hold line breaks or escape sequences, and a problem may echo a
    value of any size.
    """
    return excerpt(text.replace("\r", "\\r").replace("\n", "\\n"), MESSAGE_PART)


class SheetError(InputError):
    """A table or key that the sheet format does not allow, or a value of the wrong type or
    shape."""


def not_utf8(error: UnicodeDecodeError, allowed: str) -> SheetError:
    """The error for a file whose bytes are not UTF-8, at the line and column (in
    characters) of the first bad byte."""
    raw = error.object
    line_start = raw.rfind(b"\n", 0, error.start) + 1
    found = SheetError(
        f"not UTF-8 text (the byte 0x{raw[error.start]:02x} is not UTF-8 here)", allowed
    )
    found.line = raw.count(b"\n", 0, error.start) + 1
    found.column = len(raw[line_start : error.start].decode("utf-8", "replace")) + 1
    return found


class SheetErrors(InputError):
    """Every error of one sheet, in the order they stand in the file: one line each."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        self.errors = tuple(errors)
        first = self.errors[0]
        super().__init__(first.problem, first.allowed)
        self.file, self.key = first.file, first.key
        self.line, self.column = first.line, first.column

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


class ExpressionError(InputError):
    """An expression string that is not in the accepted arithmetic language."""

    def __init__(self, problem: str, allowed: str = "", *, offset: int | None = None) -> None:
        self.offset = offset
        if offset is not None:
            problem = f"{problem} (at character {offset + 1})"
        super().__init__(problem, allowed)


class ExpressionTooLong(ExpressionError):
    """More characters than the limit."""


class NestingTooDeep(ExpressionError):
    """Parentheses, calls or operators nested deeper than the limit."""


class NumberTooLarge(ExpressionError):
    """An integer literal, a decimal exponent or a power exponent beyond the limit."""


class ExpressionSyntaxError(ExpressionError):
    """Text that does not parse as one arithmetic expression."""


class ForbiddenSyntax(ExpressionError):
    """Valid Python that is outside the whitelist (attributes, subscripts, lambdas, ...)."""


class UnknownSymbol(ExpressionError):
    """A name that the key does not list."""

    def __init__(self, symbol: str, allowed_symbols: list[str], *, offset: int | None) -> None:
        self.symbol = symbol
        names = ", ".join(allowed_symbols) if allowed_symbols else "none"
        hint = _did_you_mean(symbol, allowed_symbols)
        if not hint and symbol in _CONSTANT_SPELLINGS:
            hint = f" (did you mean '{_CONSTANT_SPELLINGS[symbol]}'?)"
        super().__init__(
            f"unknown symbol '{symbol}'{hint}",
            f"symbols allowed here: {names}",
            offset=offset,
        )


class UnknownFunction(ExpressionError):
    """A call of a function that is not in the whitelist."""

    def __init__(self, name: str, allowed_functions: list[str], *, offset: int | None) -> None:
        self.function = name
        super().__init__(
            f"unknown function '{name}'{_did_you_mean(name, allowed_functions)}",
            "functions allowed: " + ", ".join(allowed_functions),
            offset=offset,
        )


class WrongArity(ExpressionError):
    """A whitelisted function called with the wrong number of arguments."""


class InvalidValue(ExpressionError):
    """An expression that parses but has no finite value where one is required."""


# Constants a newcomer writes as a name and how the language spells them instead.
_CONSTANT_SPELLINGS = {"e": "exp(...)", "E": "exp(...)"}


def _did_you_mean(word: str, options: Sequence[str]) -> str:
    match = closest(word, options)
    return f" (did you mean '{match}'?)" if match is not None else ""
