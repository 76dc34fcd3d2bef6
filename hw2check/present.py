"""Evidence for people: matrices as matrices, lines kept, minus signs as minus signs.

Presentation only: the ledger's rows (and so the JSON output, whose witness values other
tools re-check) are left exactly as the checks wrote them.

- ``matrix_of``: a witness value written as a list of rows (``[[0, 1], [1, 0]]``, also after
  a name, ``B = [[a, b], [b, a]]``) as its name and cells, for a report to lay out;
- ``lines_of``: evidence split at its line breaks (each line is then wrapped on its own);
- ``minus_signs``: HTML text with each minus sign as U+2212, hyphens in words left alone;
- ``readable``: a witness value that is a JSON vector, or a run-length list of vectors, as
  vectors: ``(1, -1/2)``, ``(1) for t = 1, (-1) for t = 2..3``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# A matrix this large is shown as written: a report is not the place for it.
MAX_SIDE = 12
_CELL = re.compile(r"-?[A-Za-z0-9_/.]+")
_NAMED = re.compile(r"(?:([A-Za-z_][A-Za-z0-9_]*) = )?\[\[(.*)\]\]")


@dataclass(frozen=True)
class Matrix:
    name: str  # "" when the value is the matrix alone
    rows: tuple[tuple[str, ...], ...]

    def text_lines(self) -> list[str]:
        """The rows in brackets, columns right-aligned: ``[0 1]`` over ``[1 0]``."""
        widths = [max(len(row[j]) for row in self.rows) for j in range(len(self.rows[0]))]
        return [
            "[" + " ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)) + "]"
            for row in self.rows
        ]


def matrix_of(value: str) -> Matrix | None:
    """The matrix ``value`` writes, or None when it is not a small matrix of plain cells."""
    found = _NAMED.fullmatch(value.strip())
    if found is None:
        return None
    rows = tuple(
        tuple(cell.strip() for cell in row.split(",")) for row in found.group(2).split("], [")
    )
    side = len(rows[0])
    if not 0 < len(rows) <= MAX_SIDE or not 0 < side <= MAX_SIDE:
        return None
    if any(len(row) != side or not all(_CELL.fullmatch(cell) for cell in row) for row in rows):
        return None
    return Matrix(found.group(1) or "", rows)


def lines_of(text: str) -> list[str]:
    """The lines of a piece of evidence (a line break in it is meant)."""
    return text.split("\n")


# A hyphen between a letter or digit and a letter is a hyphen ("first-order", "z3-based");
# every other one is a minus sign ("w - 2", "-3", "1e-6", "(-1)").
_MINUS = re.compile(r"(?<![A-Za-z0-9])-|-(?![A-Za-z])")


def minus_signs(html_text: str) -> str:
    """``html_text`` (escaped already) with its minus signs as U+2212."""
    return _MINUS.sub("\u2212", html_text)


# A witness value longer than this is shown as written.
MAX_READABLE = 2000


def readable(value: str) -> str:
    """A witness value as mathematics where it is a vector or a run-length list of vectors
    (``[[count, vector], ...]``, the vectors of t = 1, 2, ... in runs); else as written."""
    if not value.startswith("[") or len(value) > MAX_READABLE:
        return value
    try:
        data = json.loads(value)
    except ValueError:
        return value
    if _is_vector(data):
        return _vector(data)
    if not (isinstance(data, list) and data and all(_is_run(run) for run in data)):
        return value
    parts, first = [], 1
    for count, vector in data:
        span = f"t = {first}" if count == 1 else f"t = {first}..{first + count - 1}"
        parts.append(f"{_vector(vector)} for {span}")
        first += count
    return ", ".join(parts)


def _is_vector(data: Any) -> bool:
    return isinstance(data, list) and bool(data) and all(isinstance(x, str) for x in data)


def _is_run(run: Any) -> bool:
    return (
        isinstance(run, list)
        and len(run) == 2
        and type(run[0]) is int
        and run[0] >= 1
        and _is_vector(run[1])
    )


def _vector(data: list[str]) -> str:
    return "(" + ", ".join(data) + ")"
