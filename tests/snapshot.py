"""Snapshots of every row the checks write for the sheets in ``tests/snapshots/sheets``.

The verdicts of these sheets were reviewed by hand when the snapshot was taken; the
snapshot adds the exact method, evidence and witness text, so that a change to any of them
(a wrong number in an evidence line, a lost witness key) fails a test.  Each row is decided
in this process, so mutation testing sees which functions each row's test runs.

Solvers and search engines may word or pick a witness differently in another release; the
snapshot records the versions it was taken with, and under other versions only the verdicts
are compared.

Refresh after a deliberate change, then review the diff: ``python -m tests.snapshot``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import import_module, metadata
from pathlib import Path
from typing import Any

from hw2check.cli import QUESTION_ORDER
from hw2check.formats import render
from hw2check.ledger import Check, Ledger, Outcome, Row, Verdict
from hw2check.sheet import Sheet, load_sheet
from hw2check.topics import TOPIC_MODULES, Settings

HERE = Path(__file__).parent / "snapshots"
SHEETS = HERE / "sheets"
LEDGERS = HERE / "ledgers.json"
# A small search budget keeps the snapshot tests fast; every stage still runs.
SETTINGS = Settings(examples=20, seed=0, timeout=20.0)
TOOLS = ("sympy", "mpmath", "z3-solver", "hypothesis", "matplotlib")
REPORTS = HERE / "reports"
FORMATS = {"table": "txt", "json": "jsonl", "markdown": "md", "html": "html"}


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def versions() -> dict[str, str]:
    return {name: _version(name) for name in TOOLS}


def sheet_names() -> list[str]:
    return sorted(path.stem for path in SHEETS.glob("*.toml"))


@cache
def sheet(name: str) -> Sheet:
    return load_sheet(SHEETS / f"{name}.toml")


def recorded(outcome: Outcome) -> dict[str, Any]:
    data: dict[str, Any] = {
        "verdict": str(outcome.verdict),
        "method": outcome.method,
        "evidence": outcome.evidence,
    }
    if outcome.witness is not None:
        data["witness"] = dict(outcome.witness)
    return data


def outcome_of(data: Mapping[str, Any]) -> Outcome:
    return Outcome(Verdict(data["verdict"]), data["method"], data["evidence"], data.get("witness"))


def theorem_checks(module: str) -> list[Check]:
    checks: list[Check] = import_module(module).theorem_checks(SETTINGS)
    return checks


def theorem_rows(snapshot: Mapping[str, Mapping[str, Any]]) -> dict[str, Row]:
    """The theorem rows as the snapshot has them: the input every claim builder reads."""
    return {
        check.id: Row.of(check, outcome_of(snapshot[check.id]), 0.0)
        for module in TOPIC_MODULES
        for check in theorem_checks(module)
    }


def claim_checks(name: str, module: str, theorems: Mapping[str, Row]) -> list[Check]:
    checks: list[Check] = import_module(module).claim_checks(sheet(name), SETTINGS, theorems)
    return checks


def decide(check: Check) -> dict[str, Any]:
    return {"statement": check.statement, **recorded(check.decide(*check.args))}


def take() -> dict[str, Any]:
    theorems = {
        check.id: recorded(check.decide(*check.args))
        for module in TOPIC_MODULES
        for check in theorem_checks(module)
    }
    rows = theorem_rows(theorems)
    sheets = {
        name: {
            check.id: {"module": module, **decide(check)}
            for module in TOPIC_MODULES
            for check in claim_checks(name, module, rows)
        }
        for name in sheet_names()
    }
    return {"versions": versions(), "theorems": theorems, "sheets": sheets}


@cache
def load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(LEDGERS.read_text("utf-8"))
    return data


def cases() -> Iterator[tuple[str, str]]:
    """(sheet, row id) of every claim row in the snapshot."""
    for name, rows in load()["sheets"].items():
        for row_id in rows:
            yield name, row_id


def ledger(name: str) -> Ledger:
    """The ledger of a snapshot sheet as the command puts it together (seconds are 0)."""
    data = load()
    theorems = theorem_rows(data["theorems"])
    claims = [
        Row.of(check, outcome_of(data["sheets"][name][check.id]), 0.0)
        for module in TOPIC_MODULES
        for check in claim_checks(name, module, theorems)
        if check.id in data["sheets"][name]
    ]
    rows = sorted([*claims, *theorems.values()], key=lambda row: QUESTION_ORDER[row.question])
    return Ledger(f"sheets/{name}.toml", sheet(name).title, tuple(rows))


def report(name: str, fmt: str) -> str:
    """The report as the command prints it: graded with the default rubric (no score)."""
    from hw2check.grading import default_rubric, grade

    checked = ledger(name)
    return render([checked], fmt, [sheet(name)], [grade(default_rubric(), checked, sheet(name))])


def report_path(name: str, fmt: str) -> Path:
    return REPORTS / f"{name}.{FORMATS[fmt]}"


def main() -> None:
    LEDGERS.write_text(json.dumps(take(), indent=1, ensure_ascii=False) + "\n", "utf-8")
    load.cache_clear()
    REPORTS.mkdir(exist_ok=True)
    for name in sheet_names():
        for fmt in FORMATS:
            report_path(name, fmt).write_text(report(name, fmt), "utf-8")
    print(f"wrote {LEDGERS} and {REPORTS}", file=sys.stderr)


if __name__ == "__main__":
    main()
