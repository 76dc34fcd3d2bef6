"""Review of Q4 and Q6 on sheets other than the seed: each test is a defect found and fixed.

Every expected verdict here is recomputed independently (mpmath at 100 digits, plain
Fractions, or SymPy on the specific structure), not with the project's functions.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import mpmath

from hw2check.ledger import Outcome, Verdict
from hw2check.numbers import compare, read_number
from hw2check.sheet import Sheet, parse_sheet
from hw2check.topics import Settings
from proofs import autodiff


def q4_sheet(q4: str) -> Sheet:
    return parse_sheet(f'[sheet]\ntitle = "review"\n\n[q4]\n{q4}', "review.toml")


def decide_q4(sheet: Sheet) -> dict[str, Outcome]:
    return {
        check.id: check.decide(*check.args)
        for check in autodiff.claim_checks(sheet, Settings(examples=10), {})
    }


def digits_of(value: mpmath.mpf, places: int) -> str:
    """``value`` truncated to ``places`` decimals, as text (independent of the project)."""
    with mpmath.workdps(places + 30):
        scaled = int(mpmath.floor(abs(value) * mpmath.mpf(10) ** places))
    text = str(scaled).rjust(places + 1, "0")
    return ("-" if value < 0 else "") + text[:-places] + "." + text[-places:]


# --- Q4 --------------------------------------------------------------------------------------


def test_long_correct_numbers_are_matched_at_full_precision() -> None:
    """Defect: the true value was rounded to 53 bits before the comparison, so a correct
    number with more than ~16 digits was refuted (|stated - true| reported as ~1e-17)."""
    with mpmath.workdps(100):
        f1_w1 = -mpmath.sin(1) * mpmath.cos(2)
        f1_w2 = -mpmath.cos(1) * mpmath.sin(2) + mpmath.exp(-2) / (1 + mpmath.exp(-2)) ** 2
        rows = [
            [digits_of(f1_w1, 40), digits_of(f1_w2, 25)],
            ["4." + "3" * 60, "1." + "3" * 30],
        ]
    text = ", ".join("[" + ", ".join(f'"{v}"' for v in row) + "]" for row in rows)
    outcomes = decide_q4(q4_sheet(f"forward_mode = [{text}]"))
    assert {o.verdict for o in outcomes.values()} == {Verdict.PROVED}, outcomes


def test_a_number_off_below_double_precision_is_refuted() -> None:
    """The same defect the other way: 4/3 rounded to a double, stated with all its decimals, is
    off by 7.4e-17 > 1e-52 and must be refuted, not proved against the double it equals."""
    stated = read_number(str(Decimal(4 / 3)))  # the double nearest 4/3, all its 52 decimals
    assert stated.value == Fraction(4 / 3) != Fraction(4, 3)
    with mpmath.workdps(60):
        truth = mpmath.mpf(4) / 3
    found = compare(stated, truth, 50)
    assert found is not None and not found.matches
