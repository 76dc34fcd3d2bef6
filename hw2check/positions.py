"""Where each value of a TOML sheet is written: line and column, for messages.

``tomllib`` reads a document but keeps no positions, so this module scans the text once more,
linearly, and records where every table header, key value, array item and inline-table entry
starts, under the same names the sheet reader uses in its messages (``q4.values[1]``,
``q4.graph_f1.a``).  It runs only on text that ``tomllib`` has already accepted, so it needs to
know TOML's shapes but not to judge them; anything it does not recognise ends the scan, and
the messages then fall back to what was found.
"""

from __future__ import annotations

import bisect
import contextlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """A value's position (1-based line and column) and, for a one-piece string, its text."""

    line: int
    column: int
    # For a string: the offset in the file of each character of its value.
    chars: tuple[int, ...] | None = None


class _Stop(Exception):
    """The scanner met something it does not follow; the positions found so far stand."""


_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.places: dict[str, Place] = {}

    def where(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def peek(self, length: int = 1) -> str:
        return self.text[self.at : self.at + length]

    def blank(self, newlines: bool) -> None:
        """Skip blanks and comments (and line breaks when ``newlines``)."""
        while self.at < len(self.text):
            ch = self.text[self.at]
            if ch in " \t" or (newlines and ch in "\r\n"):
                self.at += 1
            elif ch == "#":
                end = self.text.find("\n", self.at)
                self.at = len(self.text) if end < 0 else end
            else:
                return

    def record(self, name: str, offset: int, chars: tuple[int, ...] | None = None) -> None:
        if name not in self.places:
            line, column = self.where(offset)
            self.places[name] = Place(line, column, chars)

    def key(self) -> list[str]:
        """A dotted key: its parts."""
        parts: list[str] = []
        while True:
            self.blank(False)
            ch = self.peek()
            if ch in ('"', "'"):
                parts.append(self.string()[0])  # keys here are names without escapes
            else:
                begin = self.at
                while self.at < len(self.text) and self.text[self.at] in _BARE:
                    self.at += 1
                if self.at == begin:
                    raise _Stop
                parts.append(self.text[begin : self.at])
            self.blank(False)
            if self.peek() != ".":
                return parts
            self.at += 1

    def string(self) -> tuple[str, tuple[int, ...]]:
        """A string at the cursor: its raw text and the file offset of each value character."""
        quote = self.peek()
        triple = self.peek(3) == quote * 3
        delimiter = quote * 3 if triple else quote
        self.at += len(delimiter)
        begin = self.at
        if triple and self.peek() == "\n":
            begin += 1
        elif triple and self.peek(2) == "\r\n":
            begin += 2
        while self.at < len(self.text):
            if quote == '"' and self.text[self.at] == "\\":
                self.at += 2
                continue
            if self.text.startswith(delimiter, self.at):
                # A closing triple quote may be preceded by up to two more quotes of content.
                while triple and self.text.startswith(quote, self.at + len(delimiter)):
                    self.at += 1
                raw = self.text[begin : self.at]
                self.at += len(delimiter)
                if quote == "'":
                    chars = tuple(range(begin, begin + len(raw)))
                else:
                    chars = _unescaped(raw, begin)
                return raw, self._without_crlf_halves(chars) if triple else chars
            self.at += 1
        raise _Stop

    def _without_crlf_halves(self, chars: tuple[int, ...]) -> tuple[int, ...]:
        """A multi-line string reads each CRLF of the file as one line break: drop the CR."""
        return tuple(at for at in chars if self.text[at : at + 2] != "\r\n")

    def value(self, name: str) -> None:
        self.blank(False)
        offset = self.at
        ch = self.peek()
        if ch in ('"', "'"):
            _, chars = self.string()
            self.record(name, offset, chars)
        elif ch == "[":
            self.record(name, offset)
            self.at += 1
            self.items(name)
        elif ch == "{":
            self.record(name, offset)
            self.at += 1
            self.inline(name)
        else:
            self.record(name, offset)
            while self.at < len(self.text) and self.text[self.at] not in ",]}\r\n#":
                self.at += 1

    def items(self, name: str) -> None:
        index = 0
        while True:
            self.blank(True)
            if self.peek() == "]":
                self.at += 1
                return
            self.value(f"{name}[{index}]")
            index += 1
            self.blank(True)
            if self.peek() == ",":
                self.at += 1
            elif self.peek() != "]":
                raise _Stop

    def inline(self, name: str) -> None:
        while True:
            self.blank(False)
            if self.peek() == "}":
                self.at += 1
                return
            self.pair(name)
            self.blank(False)
            if self.peek() == ",":
                self.at += 1
            elif self.peek() != "}":
                raise _Stop

    def pair(self, table: str) -> None:
        begin = self.at
        parts = self.key()
        for length in range(1, len(parts)):  # a dotted key a.b = 1 also places a
            self.record(_join(table, parts[:length]), begin)
        if self.peek() != "=":
            raise _Stop
        self.at += 1
        self.value(_join(table, parts))

    def document(self) -> None:
        table = ""
        while True:
            self.blank(True)
            if self.at >= len(self.text):
                return
            if self.peek() == "[":
                array = self.peek(2) == "[["
                self.at += 2 if array else 1
                self.blank(False)
                begin = self.at
                parts = self.key()
                for length in range(1, len(parts) + 1):  # [q3.1] also places q3
                    self.record(".".join(parts[:length]), begin)
                table = ".".join(parts)
                self.at += 2 if array else 1
            else:
                self.pair(table)


# The length of each escape of a basic string, by the character after the backslash.
_ESCAPE_LENGTH = {"u": 6, "U": 10}


def _unescaped(raw: str, begin: int) -> tuple[int, ...]:
    """The file offset of each character of a basic string's value (``raw`` starts at
    ``begin``): an escape is one character, a line-ending backslash none."""
    chars: list[int] = []
    at = 0
    while at < len(raw):
        if raw[at] != "\\":
            chars.append(begin + at)
            at += 1
            continue
        following = raw[at + 1 : at + 2]
        if following.isspace():  # a line-ending backslash: the blanks after it vanish
            at += 1
            while at < len(raw) and raw[at].isspace():
                at += 1
            continue
        chars.append(begin + at)
        at += _ESCAPE_LENGTH.get(following, 2)
    return tuple(chars)


def _join(table: str, parts: list[str]) -> str:
    return ".".join([table, *parts] if table else parts)


class Places:
    """The positions of a sheet's values, by the names messages use."""

    def __init__(self, text: str) -> None:
        self._scanner = _Scanner(text)
        with contextlib.suppress(_Stop, IndexError, RecursionError):
            self._scanner.document()

    def __contains__(self, name: str) -> bool:
        return name in self._scanner.places

    def position(self, name: str, offset: int | None = None) -> tuple[int, int]:
        """Line and column of ``name``'s value; of its character ``offset`` when the value is
        a string whose characters stand in the file as they are."""
        place = self._scanner.places[name]
        if offset is None or place.chars is None or not 0 <= offset < len(place.chars):
            return place.line, place.column
        return self._scanner.where(place.chars[offset])


def value_places(text: str) -> Places:
    """The position of every table, key, array item and inline-table entry of ``text``."""
    return Places(text)
