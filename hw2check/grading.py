"""Grading (GRADING.md, ``hw2check/rubric-1``): a rubric turns verdicts into points.

A rubric never changes a verdict.  It says how many points each claim is worth (by claim
id, or by a prefix of ids: the most specific entry wins), what share of them each verdict
earns, how many significant digits a stated number needs, and how visible each claim's test
is on Gradescope.  Every point a sheet loses carries the reason.

The claims themselves are not named here: their ids and questions come from the catalogue
module (``proofs.claims``), which also says which claims of a sheet are stated numbers.
"""

from __future__ import annotations

import functools
import importlib
import math
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from hw2check.errors import InputError, not_utf8, short_repr, visible
from hw2check.ledger import Ledger, Row, Verdict, selected
from hw2check.suggest import closest

if TYPE_CHECKING:
    from hw2check.numbers import StatedNumber
    from hw2check.sheet import Sheet

SCHEMA = "hw2check/rubric-1"
CATALOGUE_MODULE = "proofs.claims"
THEOREM_PREFIX = "theorem."
# A rubric is a few hundred bytes; anything much larger is not one.
MAX_RUBRIC_BYTES = 1_000_000
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
DEFAULT_CREDIT: Mapping[str, Fraction] = MappingProxyType(
    {
        "proved": Fraction(1),
        "checked": Fraction(1),
        "refuted": Fraction(0),
        "undecided": Fraction(0),
    }
)
DEFAULT_DIGITS = 3
MAX_DIGITS = 40
# Points beyond this are no course's: the sum of a sheet's points stays an exact float.
MAX_POINTS = Fraction(1_000_000)
UNANSWERED = "unanswered"
NOT_CHECKED = "not checked"
NOT_CHECKED_REASON = "not checked: the sheet has input errors"


def catalogue() -> tuple[tuple[str, str], ...]:
    """Every claim id of the sheet format with its question, in sheet-format order."""
    claims: tuple[tuple[str, str], ...] = importlib.import_module(CATALOGUE_MODULE).CLAIMS
    return claims


def stated_numbers(sheet: Sheet | None) -> dict[str, StatedNumber]:
    """Claim id -> stated number, for the claims of ``sheet`` that state a number."""
    if sheet is None:
        return {}
    numbers: dict[str, StatedNumber] = importlib.import_module(CATALOGUE_MODULE).stated_numbers(
        sheet
    )
    return numbers


def is_theorem(row: Row) -> bool:
    return row.id.startswith(THEOREM_PREFIX)


def matches(entry: str, claim_id: str) -> bool:
    """A rubric entry matches the id itself and every id it starts up to a '.' or '_';
    an entry that is itself a claim id names that claim only (``q6.next_iterate`` is not
    a prefix of ``q6.next_iterate_sign``)."""
    if claim_id == entry:
        return True
    return (
        claim_id.startswith(entry)
        and len(claim_id) > len(entry)
        and claim_id[len(entry)] in "._"
        and entry not in claim_ids()
    )


@functools.cache
def claim_ids() -> frozenset[str]:
    """Every claim id of the sheet format (asked for every entry and claim: made once)."""
    return frozenset(claim_id for claim_id, _ in catalogue())


def most_specific(entries: Sequence[str], claim_id: str) -> str | None:
    """The entry that decides a claim: the exact id, else the longest matching prefix."""
    found = [entry for entry in entries if matches(entry, claim_id)]
    return max(found, key=len) if found else None


def significant_digits(number: StatedNumber) -> int:
    """Digits from the first nonzero one to the last one written (a zero: every digit)."""
    digits = Decimal(number.text).as_tuple().digits
    if number.value == 0:
        return 1 + number.digits
    return len(digits)


def points_text(value: Fraction) -> str:
    """Points as a decimal: ``17.5``, ``2``, ``0.25``, ``0.33333`` exactly; a repeating one
    (no rubric makes one) to 4 places."""
    if value.denominator == 1:
        return str(value.numerator)
    rest = value.denominator
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest != 1:
        return f"{float(value):.4f}"
    # A decimal (every rubric number is one, and so are their products and sums): exactly,
    # so that a class CSV adds up and a printed rubric reads back the same.
    places = 1
    while (value * 10**places).denominator != 1:
        places += 1
    digits = str(abs(value * 10**places).numerator).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def points_json(value: Fraction) -> int | float:
    return value.numerator if value.denominator == 1 else float(value)


@dataclass(frozen=True)
class Rubric:
    """Points per claim id or id prefix, credit per verdict, and the other policies."""

    points: Mapping[str, Fraction]
    title: str | None = None
    credit: Mapping[str, Fraction] = field(default_factory=lambda: dict(DEFAULT_CREDIT))
    min_significant_digits: int = DEFAULT_DIGITS
    visibility: Mapping[str, str] = field(default_factory=dict)
    default_visibility: str = "visible"
    path: str | None = None

    def points_of(self, claim_id: str) -> Fraction | None:
        entry = most_specific(list(self.points), claim_id)
        return None if entry is None else self.points[entry]

    def visibility_of(self, claim_id: str) -> str:
        entry = most_specific(list(self.visibility), claim_id)
        return self.default_visibility if entry is None else self.visibility[entry]

    def graded(self, only: Sequence[str] | None = None) -> list[tuple[str, str]]:
        """The (claim id, question) pairs this rubric grades, in sheet-format order."""
        return [
            (claim_id, question)
            for claim_id, question in catalogue()
            if self.points_of(claim_id) is not None and selected(question, only)
        ]

    @property
    def name(self) -> str:
        return self.title or (self.path or "the default rubric")


def default_rubric() -> Rubric:
    """Every claim id of the sheet format one point, the default credit, 3 significant digits."""
    return Rubric({claim_id: Fraction(1) for claim_id, _ in catalogue()})


def rubric_text(rubric: Rubric) -> str:
    """A rubric as a TOML file that reads back as the same rubric (``hw2check rubric``)."""
    lines = [f"# A grading rubric for hw2check ({SCHEMA}); see docs/grading.md.", "", "[rubric]"]
    title = _toml_string(rubric.title or "HW2, Spring 2024")
    lines.append(f"title = {title}" if rubric.title else f"# title = {title}")
    lines += ["", "# points per claim id, or per prefix of ids (the most specific entry wins)"]
    lines += ["[points]"]
    lines += [f"{_toml_string(k)} = {points_text(v)}" for k, v in rubric.points.items()]
    lines += ["", "# share of a claim's points that each verdict earns", "[credit]"]
    lines += [f"{verdict} = {points_text(rubric.credit[verdict])}" for verdict in DEFAULT_CREDIT]
    lines += ["", "# a stated number with fewer significant digits scores 0", "[numbers]"]
    lines.append(f"min_significant_digits = {rubric.min_significant_digits}")
    lines += ["", "# Gradescope visibility: " + " | ".join(VISIBILITIES), "[visibility]"]
    lines.append(f"default = {_toml_string(rubric.default_visibility)}")
    lines += [f"{_toml_string(k)} = {_toml_string(v)}" for k, v in rubric.visibility.items()]
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes; TOML also forbids a raw DEL.
    import json

    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


# --- reading a rubric: every problem is reported, each as its own input error


class RubricErrors(Exception):
    """All the problems of one rubric file; each is an ``InputError`` with file and key."""

    def __init__(self, problems: Sequence[InputError]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


_TABLES = ("rubric", "points", "credit", "numbers", "visibility")


@dataclass
class _Reader:
    path: str
    problems: list[InputError] = field(default_factory=list)

    def problem(self, key: str, what: str, allowed: str) -> None:
        self.problems.append(InputError(what, allowed).located(file=self.path, key=key))

    def table(self, document: Mapping[str, Any], name: str) -> dict[str, Any]:
        raw = document.get(name, {})
        if isinstance(raw, dict):
            return raw
        self.problem(name, f"{_shown(raw)} is not a table", f"a [{name}] table")
        return {}

    def number(self, key: str, raw: Any, low: Fraction, high: Fraction) -> Fraction | None:
        """A TOML integer or float from ``low`` to ``high``, exactly."""
        value: Fraction | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = Fraction(raw)
        elif isinstance(raw, float) and math.isfinite(raw):
            value = Fraction(Decimal(repr(raw)))
        if value is not None and low <= value <= high:
            return value
        self.problem(key, f"{_shown(raw)} is not allowed", f"a number from {low} to {high}")
        return None

    def claim_entry(self, table: str, entry: str) -> bool:
        if any(matches(entry, claim_id) for claim_id, _ in catalogue()):
            return True
        tables = sorted({claim_id.split(".")[0] for claim_id, _ in catalogue()})
        near = closest(entry, [*tables, *claim_ids()])
        what = f"{_shown(entry)} matches no claim id"
        rule = "a claim id of docs/sheet-format.md or a prefix of ids ending before a '.' or '_'"
        if near is None or entry.startswith(near):  # q4.x: not a misspelling of q4
            allowed = f"{rule}, such as {', '.join(tables[:3])} (hw2check rubric lists every id)"
        else:
            allowed = f"did you mean {_shown(near)}? ({rule}; hw2check rubric lists every id)"
        self.problem(f"{table}.{entry}", what, allowed)
        return False


def _shown(raw: Any) -> str:
    text = short_repr(raw, 40) if not isinstance(raw, str) else "'" + visible(raw) + "'"
    return text if len(text) <= 40 else text[:37] + "..."


def _unknown_keys(
    reader: _Reader, table: str, raw: Mapping[str, Any], allowed: Sequence[str]
) -> None:
    for key in raw:
        if key not in allowed:
            reader.problem(
                f"{table}.{key}",
                f"unknown key {_shown(key)}",
                "keys allowed here: " + ", ".join(allowed),
            )


TOML_RUBRIC = "a TOML rubric (docs/grading.md)"


def _document(text: str, path: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except ValueError as error:  # not a TOMLDecodeError: an integer past Python's digit limit
        if isinstance(error, tomllib.TOMLDecodeError):
            reason = f"not valid TOML ({error})"
        else:
            digits = sys.get_int_max_str_digits()
            reason = f"holds an integer of more than {digits} digits, too long to read"
        raise RubricErrors([InputError(reason, TOML_RUBRIC).located(file=path)]) from None
    except RecursionError:
        problem = InputError("not valid TOML (nested too deeply)", TOML_RUBRIC)
        raise RubricErrors([problem.located(file=path)]) from None


def parse_rubric(text: str, path: str) -> Rubric:
    """Validate a rubric's TOML text; raise ``RubricErrors`` listing every problem."""
    document = _document(text, path)
    reader = _Reader(path)
    for name in document:
        if name not in _TABLES:
            reader.problem(
                name, f"unknown table [{visible(name)}]", "tables allowed: " + ", ".join(_TABLES)
            )
    header = reader.table(document, "rubric")
    _unknown_keys(reader, "rubric", header, ("title",))
    title = header.get("title")
    if title is not None and not isinstance(title, str):
        reader.problem("rubric.title", f"{_shown(title)} is not a string", "a string")
        title = None
    points = _points(reader, _flat(reader, "points", reader.table(document, "points")))
    credit = _credit(reader, reader.table(document, "credit"))
    numbers = reader.table(document, "numbers")
    _unknown_keys(reader, "numbers", numbers, ("min_significant_digits",))
    digits = numbers.get("min_significant_digits", DEFAULT_DIGITS)
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= MAX_DIGITS:
        reader.problem(
            "numbers.min_significant_digits",
            f"{_shown(digits)} is not allowed",
            f"an integer from 0 to {MAX_DIGITS} (0: no precision rule)",
        )
        digits = DEFAULT_DIGITS
    visibilities = _flat(reader, "visibility", reader.table(document, "visibility"))
    default, visibility = _visibility(reader, visibilities)
    if reader.problems:
        raise RubricErrors(reader.problems)
    return Rubric(points, title, credit, digits, visibility, default, path)


def _flat(reader: _Reader, table: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``[points]`` or ``[visibility]`` by id: a dotted key (``q4.values = 1``,
    or a subtable ``[points.q4]``) spells the id ``q4.values`` as the quoted key does."""
    flat: dict[str, Any] = {}
    todo = list(raw.items())
    while todo:
        key, value = todo.pop(0)
        if isinstance(value, dict) and value:
            todo[:0] = [(f"{key}.{k}", v) for k, v in value.items()]
        elif key in flat:
            reader.problem(
                f"{table}.{key}",
                "given twice (as a quoted key and as a dotted key)",
                "one entry per id",
            )
        else:
            flat[key] = value
    return flat


def _points(reader: _Reader, raw: Mapping[str, Any]) -> dict[str, Fraction]:
    if not raw:
        reader.problem(
            "points",
            "no claim is given points",
            f'at least one entry, such as "{catalogue()[0][0]}" = 1',
        )
    points: dict[str, Fraction] = {}
    for entry, value in raw.items():
        number = reader.number(f"points.{entry}", value, Fraction(0), MAX_POINTS)
        if reader.claim_entry("points", entry) and number is not None:
            points[entry] = number
    return points


def _credit(reader: _Reader, raw: Mapping[str, Any]) -> dict[str, Fraction]:
    _unknown_keys(reader, "credit", raw, list(DEFAULT_CREDIT))
    credit = dict(DEFAULT_CREDIT)
    for verdict in DEFAULT_CREDIT:
        if verdict in raw:
            share = reader.number(f"credit.{verdict}", raw[verdict], Fraction(0), Fraction(1))
            if share is not None:
                credit[verdict] = share
    return credit


def _visibility(reader: _Reader, raw: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    default = "visible"
    entries: dict[str, str] = {}
    for entry, value in raw.items():
        key = f"visibility.{entry}"
        if value not in VISIBILITIES or not isinstance(value, str):
            reader.problem(
                key, f"{_shown(value)} is not allowed", "one of " + ", ".join(VISIBILITIES)
            )
        elif entry == "default":
            default = value
        elif reader.claim_entry("visibility", entry):
            entries[entry] = value
    return default, entries


def load_rubric(path: str | Path) -> Rubric:
    """Read and validate a rubric file; raise ``RubricErrors``."""
    shown = str(path)
    try:
        with Path(path).open("rb") as file:
            raw = file.read(MAX_RUBRIC_BYTES + 1)
        if len(raw) > MAX_RUBRIC_BYTES:
            raise InputError(f"larger than {MAX_RUBRIC_BYTES:,} bytes", "a rubric of at most 1 MB")
        text = raw.decode("utf-8-sig")
    except FileNotFoundError:
        raise RubricErrors(
            [InputError("no such file", "the path of a TOML rubric").located(file=shown)]
        ) from None
    except OSError as error:
        problem = InputError(f"cannot be read ({error.strerror})", "a readable TOML rubric")
        raise RubricErrors([problem.located(file=shown)]) from None
    except UnicodeDecodeError as error:
        problem = not_utf8(error, "a UTF-8 TOML file")
        raise RubricErrors([problem.located(file=shown)]) from None
    except InputError as error:
        raise RubricErrors([error.located(file=shown)]) from None
    return parse_rubric(text, shown)


# --- grades


@dataclass(frozen=True)
class Graded:
    """One graded claim of one sheet: its points, what it earned and why it lost any."""

    id: str
    question: str
    points: Fraction
    earned: Fraction
    verdict: str  # a Verdict, "unanswered" or "not checked"
    lost: str | None
    visibility: str
    row: Row | None = None

    @property
    def passed(self) -> bool:
        return self.lost is None


@dataclass(frozen=True)
class Grade:
    """A sheet under a rubric; ``errors`` non-empty when the sheet could not be checked."""

    rubric: Rubric
    claims: tuple[Graded, ...]
    numbers: Mapping[str, StatedNumber] = field(default_factory=dict)
    errors: tuple[str, ...] = ()

    @property
    def score(self) -> Fraction:
        return sum((claim.earned for claim in self.claims), Fraction(0))

    @property
    def max_score(self) -> Fraction:
        return sum((claim.points for claim in self.claims), Fraction(0))

    @property
    def unanswered(self) -> list[str]:
        return [claim.id for claim in self.claims if claim.verdict == UNANSWERED]

    @property
    def for_review(self) -> list[str]:
        return [claim.id for claim in self.claims if claim.verdict == Verdict.UNDECIDED]

    @property
    def score_text(self) -> str:
        return f"{points_text(self.score)} / {points_text(self.max_score)}"


def grade(
    rubric: Rubric,
    ledger: Ledger | None,
    sheet: Sheet | None = None,
    errors: Sequence[str] = (),
    only: Sequence[str] | None = None,
) -> Grade:
    """Grade a checked sheet (``ledger``), or a bad one (no ledger, its ``errors``: nothing is
    checked).  A sheet checked in spite of its errors (``--keep-going``) has both: its valid
    claims are graded, and a claim whose key has an error is not checked, for that error."""
    rows = {row.id: row for row in ledger.claims} if ledger is not None else {}
    numbers = stated_numbers(sheet) if sheet is not None else {}
    claims = []
    for claim_id, question in rubric.graded(only):
        points = rubric.points_of(claim_id) or Fraction(0)
        row = rows.get(claim_id)
        lost: str | None
        error = _error_of(claim_id, errors)
        if ledger is None:
            verdict, earned, lost = NOT_CHECKED, Fraction(0), NOT_CHECKED_REASON
        elif row is None and error is not None:
            verdict, earned, lost = NOT_CHECKED, Fraction(0), f"not checked: {error}"
        elif row is None:
            verdict, earned, lost = UNANSWERED, Fraction(0), "not answered on the sheet"
        else:
            verdict = str(row.verdict)
            earned, lost = _earned(rubric, row, points, numbers.get(claim_id))
        visibility = rubric.visibility_of(claim_id)
        claims.append(Graded(claim_id, question, points, earned, verdict, lost, visibility, row))
    return Grade(rubric, tuple(claims), numbers, tuple(errors))


def _error_of(claim_id: str, errors: Sequence[str]) -> str | None:
    """The first error about the key that makes ``claim_id`` (``table.key``, the part of a
    claim id before any entry suffix), if any."""
    key = ".".join(claim_id.split(".")[:2])
    for error in errors:
        for end in (":", ".", "["):
            if f" {key}{end}" in error:
                return error
    return None


def _earned(
    rubric: Rubric, row: Row, points: Fraction, number: StatedNumber | None
) -> tuple[Fraction, str | None]:
    share = rubric.credit[str(row.verdict)]
    earned = points * share
    reasons = []
    if share < 1:
        reasons.append(f"{row.verdict} claims earn {points_text(share * 100)}% of their points")
        if row.verdict is Verdict.UNDECIDED:
            reasons[-1] += " (listed for manual review)"
    wanted = rubric.min_significant_digits
    if number is not None and (stated := significant_digits(number)) < wanted:
        earned = Fraction(0)
        digit = "digit" if stated == 1 else "digits"
        reasons.append(f"stated to {stated} significant {digit}; the rubric asks for {wanted}")
    return earned, "; ".join(reasons) or None


def verdict_counts(rows: Sequence[Row]) -> str:
    """``proved 3, refuted 1``: the verdicts that occur, in verdict order."""
    counts = {verdict: 0 for verdict in Verdict}
    for row in rows:
        counts[row.verdict] += 1
    return ", ".join(f"{verdict} {count}" for verdict, count in counts.items() if count)


def summary(ledger: Ledger, grade: Grade | None = None) -> str:
    """The sheet's claims and the theorem rows counted apart; the unanswered graded claims."""
    claims = [row for row in ledger.claims if not is_theorem(row)]
    theorems = [row for row in ledger.claims if is_theorem(row)]
    text = (
        f"claims: {verdict_counts(claims)} of {len(claims)} made" if claims else "claims: none made"
    )
    if grade is not None:
        text += f"; {len(grade.unanswered)} unanswered"
    if theorems:
        text += f" · theorems: {verdict_counts(theorems)}"
    return text


def grade_json(grade: Grade) -> dict[str, Any]:
    """The ``grade`` object of a JSON line (an optional addition to ``hw2check/ledger-1``)."""
    return {
        "rubric": grade.rubric.name,
        "score": points_json(grade.score),
        "max_score": points_json(grade.max_score),
        "claims": [
            {
                "id": claim.id,
                "question": claim.question,
                "verdict": claim.verdict,
                "score": points_json(claim.earned),
                "max_score": points_json(claim.points),
                "lost": claim.lost,
            }
            for claim in grade.claims
        ],
        "unanswered": grade.unanswered,
        "for_review": grade.for_review,
    }


def reported_rubric(path: Path | None) -> Rubric | None:
    """The rubric of ``--rubric`` (or the default one); None after reporting its problems."""
    try:
        return default_rubric() if path is None else load_rubric(path)
    except RubricErrors as errors:
        for problem in errors.problems:
            print(problem, file=sys.stderr)  # file: key: ..., like the errors of a sheet
        return None
