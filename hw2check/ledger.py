"""The ledger (contract ``hw2check/ledger-1``, docs/ledger-format.md): rows of verdicts with
evidence.

A check is a picklable description of one row (id, question, statement) with the function
that decides it.  The function returns an ``Outcome``; the runner times it and turns it into
a ``Row``.  ``Outcome`` constructors enforce the contract's evidence rules: a refuted row
always carries a witness, and the project never writes ``proved`` for a search.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "hw2check/ledger-1"
QUESTIONS = ("3.1", "3.2", "3.3", "4a", "4b", "4c", "4d", "4e", "5a", "5b", "5c", "6", "7")


class Verdict(enum.StrEnum):
    PROVED = "proved"
    CHECKED = "checked"
    REFUTED = "refuted"
    UNDECIDED = "undecided"

    @property
    def mark(self) -> str:
        """The verdict's sign in every report."""
        return _MARKS[self]


_MARKS = {
    Verdict.PROVED: "✓",
    Verdict.CHECKED: "~",
    Verdict.REFUTED: "✗",
    Verdict.UNDECIDED: "?",
}


@dataclass(frozen=True)
class Outcome:
    """What a check decided, how, and why."""

    verdict: Verdict
    method: str
    evidence: str
    witness: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if self.verdict is Verdict.REFUTED and not self.witness:
            raise ValueError("a refuted outcome needs a witness")
        # docs/ledger-format.md: `witness` is the field of refuted rows; what shows a proof or a
        # check goes in the evidence, so a reader never takes a row with a witness for a refutation.
        if self.verdict is not Verdict.REFUTED and self.witness is not None:
            raise ValueError(f"a {self.verdict} outcome has no witness (only refuted rows do)")
        if self.witness is not None and not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.witness.items()
        ):
            raise ValueError("witness keys and values are strings")


def proved(method: str, evidence: str) -> Outcome:
    return Outcome(Verdict.PROVED, method, evidence)


def checked(method: str, evidence: str) -> Outcome:
    return Outcome(Verdict.CHECKED, method, evidence)


def refuted(method: str, evidence: str, witness: Mapping[str, str]) -> Outcome:
    return Outcome(Verdict.REFUTED, method, evidence, dict(witness))


def undecided(method: str, evidence: str) -> Outcome:
    return Outcome(Verdict.UNDECIDED, method, evidence)


@dataclass(frozen=True)
class Derivation:
    """Named steps of an argument, each a statement and whether a machine confirmed it."""

    steps: tuple[tuple[str, bool], ...]

    @property
    def holds(self) -> bool:
        return all(ok for _, ok in self.steps)

    def text(self) -> str:
        return "\n".join(f"  [{'ok' if ok else 'FAILED'}] {step}" for step, ok in self.steps)


@dataclass(frozen=True)
class Check:
    """One row to decide: ``decide(*args)`` returns its ``Outcome``.

    ``decide`` must be a module-level function and ``args`` picklable: checks run in worker
    processes.
    """

    id: str
    question: str
    statement: str
    decide: Callable[..., Outcome]
    args: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.question not in QUESTIONS:
            raise ValueError(f"unknown question {self.question!r}")


@dataclass(frozen=True)
class Row:
    id: str
    question: str
    statement: str
    verdict: Verdict
    method: str
    evidence: str
    witness: Mapping[str, str] | None
    seconds: float

    @classmethod
    def of(cls, check: Check, outcome: Outcome, seconds: float) -> Row:
        return cls(
            id=check.id,
            question=check.question,
            statement=check.statement,
            verdict=outcome.verdict,
            method=outcome.method,
            evidence=outcome.evidence,
            witness=outcome.witness,
            seconds=round(seconds, 3),
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "question": self.question,
            "statement": self.statement,
            "verdict": str(self.verdict),
            "method": self.method,
            "evidence": self.evidence,
        }
        if self.verdict is Verdict.REFUTED and self.witness is not None:
            data["witness"] = dict(self.witness)
        data["seconds"] = self.seconds
        return data


@dataclass(frozen=True)
class Ledger:
    """The rows of one sheet: its claims, then the reference theorems."""

    path: str
    title: str
    claims: Sequence[Row] = field(default_factory=tuple)

    @property
    def summary(self) -> dict[str, int]:
        counts = {str(verdict): 0 for verdict in Verdict}
        for row in self.claims:
            counts[str(row.verdict)] += 1
        return counts

    @property
    def refuted(self) -> bool:
        return any(row.verdict is Verdict.REFUTED for row in self.claims)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "sheet": {"path": self.path, "title": self.title},
            "claims": [row.to_json() for row in self.claims],
            "summary": self.summary,
        }


def selected(question: str, only: Sequence[str] | None) -> bool:
    """``--only``: a question is selected when one of the given prefixes starts it."""
    return only is None or any(question.startswith(prefix) for prefix in only)
