"""Stated numbers and the matching rule of SHEET.md.

A number stated with k digits after the decimal point matches a true value v when
|stated - v| <= 10^-k: one unit in the last stated place, so rounding and truncation both
pass.  The comparison is exact: the stated number is a rational and the true value is
given to far more digits than any sheet can state (see ``matches``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import mpmath

from hw2check.errors import ExpressionError, SheetError
from hw2check.expressions import parse_decimal

ALLOWED_NUMBER = 'a TOML integer, a TOML float, or a string holding a decimal such as "0.3510"'


@dataclass(frozen=True)
class StatedNumber:
    """A number as written on a sheet: its exact value and its digits after the point."""

    value: Fraction
    digits: int
    text: str

    @property
    def tolerance(self) -> Fraction:
        return Fraction(1, 10**self.digits)

    def __str__(self) -> str:
        return self.text


def _digits_of(text: str) -> int:
    exponent = Decimal(text).as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def read_number(raw: object) -> StatedNumber:
    """Read a sheet value as a stated number; raise ``SheetError`` if it is not one."""
    if isinstance(raw, bool):
        raise SheetError(f"{raw!r} is a boolean, not a number", ALLOWED_NUMBER)
    if isinstance(raw, int):
        return StatedNumber(Fraction(raw), 0, str(raw))
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise SheetError(f"{raw!r} is not finite", ALLOWED_NUMBER)
        # The shortest representation is what the author wrote (0.3510 reads as 0.351).
        text = repr(raw)
        return StatedNumber(Fraction(Decimal(text)), _digits_of(text), text)
    if isinstance(raw, str):
        try:
            value = parse_decimal(raw)
        except ExpressionError as error:
            raise SheetError(error.problem, ALLOWED_NUMBER) from None
        text = raw.strip()
        return StatedNumber(value, _digits_of(text), text)
    raise SheetError(f"{type(raw).__name__} value {raw!r} is not a number", ALLOWED_NUMBER)


@dataclass(frozen=True)
class Match:
    """The outcome of comparing a stated number with a true value."""

    matches: bool
    difference: mpmath.mpf
    true_value: mpmath.mpf


def matches(stated: StatedNumber, true_value: mpmath.mpf) -> Match:
    """Compare ``stated`` with ``true_value`` (an mpf with at least 30 significant digits).

    The true value carries error far below 10^-25 while a sheet states at most a few dozen
    digits; a comparison that falls within 10^-20 of the tolerance boundary is decided by
    the caller recomputing at higher precision (``needs_more_precision``).
    """
    with mpmath.workprec(max(mpmath.mp.prec, 200)):
        stated_mpf = mpmath.mpf(stated.value.numerator) / stated.value.denominator
        difference = abs(stated_mpf - true_value)
        tolerance = mpmath.mpf(1) / mpmath.mpf(10) ** stated.digits
        return Match(bool(difference <= tolerance), difference, true_value)


def needs_more_precision(stated: StatedNumber, true_value: mpmath.mpf, digits: int) -> bool:
    """True when the match could flip within the error of a value known to ``digits``."""
    with mpmath.workprec(max(mpmath.mp.prec, 200)):
        stated_mpf = mpmath.mpf(stated.value.numerator) / stated.value.denominator
        tolerance = mpmath.mpf(1) / mpmath.mpf(10) ** stated.digits
        margin = abs(abs(stated_mpf - true_value) - tolerance)
        scale = max(abs(true_value), mpmath.mpf(1))
        return bool(margin <= scale * mpmath.mpf(10) ** (-(digits - 5)))


def decimal_text(value: mpmath.mpf, significant: int = 16) -> str:
    """A true value as a decimal with ``significant`` digits (witness ``true_value``)."""
    return str(mpmath.nstr(value, significant, strip_zeros=False))
