"""Stated numbers and the matching rule of docs/sheet-format.md.

A number stated with k digits after the decimal point matches a true value v when
|stated - v| <= 10^-k: one unit in the last stated place, so rounding and truncation both
pass.

The comparison is decided in exact rational arithmetic.  A true value is an mpmath number
known to ``digits`` digits: its error is at most 10^-digits * max(1, |v|).  ``compare``
answers only when the whole error interval lies on one side of the tolerance; otherwise it
says the value must be recomputed with more digits, and ``decide_match`` does exactly that,
doubling the digits, so no answer ever depends on a rounding error.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import mpmath

from hw2check.errors import ExpressionError, SheetError, echo, visible
from hw2check.expressions import MAX_LENGTH, parse_decimal

ALLOWED_NUMBER = 'a TOML integer, a TOML float, or a string holding a decimal such as "0.3510"'

# Digits a true value is first computed to, and the most ``decide_match`` will ask for.
# The longest stated number, in characters (far more digits than any answer states, and
# as long as the longest expression).
MAX_NUMBER_LENGTH = MAX_LENGTH
FIRST_DIGITS = 40
MAX_DIGITS = 1280


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
        text = str(raw)  # TOML integers have at most 4300 digits, Python's limit
        _check_length(text)
        return StatedNumber(Fraction(raw), 0, text)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise SheetError(f"{raw!r} is not finite", ALLOWED_NUMBER)
        # The shortest representation is what the author wrote (0.3510 reads as 0.351).
        text = repr(raw)
        return StatedNumber(Fraction(Decimal(text)), _digits_of(text), text)
    if isinstance(raw, str):
        _check_length(raw)
        try:
            value = parse_decimal(raw)
        except ExpressionError as error:
            raise SheetError(error.problem, ALLOWED_NUMBER) from None
        text = raw.strip()
        return StatedNumber(value, _digits_of(text), text)
    raise SheetError(f"{type(raw).__name__} value {echo(raw)} is not a number", ALLOWED_NUMBER)


def _check_length(text: str) -> None:
    """A stated number has at most ``MAX_NUMBER_LENGTH`` characters, checked before it is
    converted: converting a numeral takes time quadratic in its length."""
    if len(text) > MAX_NUMBER_LENGTH:
        raise SheetError(
            f"the number {visible(text[:20])}… has {len(text):,} characters",
            f"numbers of at most {MAX_NUMBER_LENGTH} characters",
        )


def exact(value: mpmath.mpf) -> Fraction:
    """The binary number an mpf holds, as an exact rational.

    Read from the mpf itself: ``mpmath.mpf(value)`` would round it to the CURRENT working
    precision (15 digits outside ``workdps``), losing the digits it was computed to.
    """
    if not isinstance(value, mpmath.mpf):
        value = mpmath.mpf(value)
    sign, mantissa, exponent, _ = value._mpf_
    magnitude = Fraction(int(mantissa)) * Fraction(2) ** int(exponent)
    return -magnitude if sign else magnitude


@dataclass(frozen=True)
class Match:
    """The outcome of comparing a stated number with a true value."""

    matches: bool
    difference: Fraction
    true_value: mpmath.mpf

    def text(self, stated: StatedNumber) -> str:
        """``true value 0.35017... (|stated - true| = 4.3e-1 > 1e-6)``."""
        relation = "<=" if self.matches else ">"
        return (
            f"true value {decimal_text(self.true_value)} "
            f"(|stated - true| = {_short(self.difference)} {relation} {_unit(stated.digits)})"
        )


def compare(stated: StatedNumber, true_value: mpmath.mpf, digits: int) -> Match | None:
    """Compare ``stated`` with a true value known to ``digits`` digits (see the module doc).

    ``None`` when the error of the true value could flip the answer.
    """
    if not mpmath.isfinite(true_value):
        return None
    approximate = exact(true_value)
    error = max(Fraction(1), abs(approximate)) / Fraction(10) ** digits
    difference = abs(stated.value - approximate)
    if difference + error <= stated.tolerance:
        return Match(True, difference, true_value)
    if difference - error > stated.tolerance:
        return Match(False, difference, true_value)
    return None


def decide_match(
    stated: StatedNumber,
    value_at: Callable[[int], mpmath.mpf],
    first_digits: int = FIRST_DIGITS,
    max_digits: int = MAX_DIGITS,
) -> Match | None:
    """Match ``stated`` against ``value_at(d)``, a value correct to d digits, raising d as needed.

    ``None`` only when even ``max_digits`` digits leave the answer open: the true value then
    lies within 10^-max_digits of the tolerance boundary.
    """
    digits = first_digits
    while digits <= max_digits:
        outcome = compare(stated, value_at(digits), digits)
        if outcome is not None:
            return outcome
        digits *= 2
    return None


def decimal_text(value: mpmath.mpf, significant: int = 16) -> str:
    """A true value as a decimal with ``significant`` digits (witness ``true_value``)."""
    return str(mpmath.nstr(value, significant, strip_zeros=False, min_fixed=-6, max_fixed=16))


def _unit(digits: int) -> str:
    return "1" if digits == 0 else f"1e-{digits}"


def _short(value: Fraction) -> str:
    return (
        "0" if value == 0 else str(mpmath.nstr(mpmath.mpf(value.numerator) / value.denominator, 2))
    )
