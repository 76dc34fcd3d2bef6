"""Evidence for people: matrices as matrices, lines kept, minus signs as minus signs.

Presentation only: the ledger's rows (and so the JSON output, whose witness values other
tools re-check) are left exactly as the checks wrote them.

- ``matrix_of``: a witness value written as a list of rows (``[[0, 1], [1, 0]]``, also after
  a name, ``B = [[a, b], [b, a]]``) as its name and cells, for a report to lay out;
- ``lines_of``: evidence split at its line breaks (each line is then wrapped on its own);
- ``minus_signs``: HTML text with each minus sign as U+2212, hyphens in words left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
