"""Input errors: every way a sheet or an expression can be wrong is its own class.

Each error carries where (file, ``table.key``, offset in an expression) and what, and its
message says what is allowed, so a user knows what to change.  The command prints
``str(error)`` as one line and exits with status 2; it never shows a traceback for these.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from hw2check.suggest import closest

# Where a user reads the formats; every message that names a format points here.
FORMAT_DOC = "docs/sheet-format.md"
LEDGER_DOC = "docs/ledger-format.md"


def visible(text: str) -> str:
    """Free text on one line, with control and format characters shown as escapes.

    Titles, paths and keys are untrusted: a raw escape sequence would drive the reader's
    terminal, and a bidirectional override would make a line read other than it is.
    """
    return "".join(
        (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        if unicodedata.category(ch) in ("Cc", "Cf")
        else ch
        for ch in " ".join(text.split())
    )


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
        place = self.file
        if place is not None and self.line is not None:
            place = f"{place}:{self.line}:{self.column}"
        where = ": ".join(part for part in (place, self.key) if part)
        text = self.problem if not self.allowed else f"{self.problem}; {self.allowed}"
        message = f"{where}: {text}" if where else text
        # A file or key name may hold line breaks or escape sequences; the message stays one
        # plain line.
        return visible(message.replace("\r", "\\r").replace("\n", "\\n"))


class SheetError(InputError):
    """A table or key that the sheet format does not allow, or a value of the wrong type or
    shape."""


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
        super().__init__(
            f"unknown symbol '{symbol}'{_did_you_mean(symbol, allowed_symbols)}",
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


def _did_you_mean(word: str, options: Sequence[str]) -> str:
    match = closest(word, options)
    return f" (did you mean '{match}'?)" if match is not None else ""
