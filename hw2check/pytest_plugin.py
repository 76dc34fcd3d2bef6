"""The pytest plugin (GRADING.md): ``pytest --hw2check PATH...`` runs answer sheets as tests.

Every ``*.toml`` with a ``[sheet]`` table under the given paths is a node, and each claim row
of it an item (``alice.toml::<claim id>``): proved and checked pass, refuted fails with
the evidence, undecided is skipped with its reason (``--hw2check-strict``: fails).  A bad
sheet is a collection error with its message.  Without ``--hw2check`` nothing is collected,
so a project's own ``pyproject.toml`` is never taken for a sheet.  Registered by the entry
point ``pytest11`` of the package; nothing heavy is imported until a sheet is collected.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

# A [sheet] table header on a line of its own (the file need not be valid TOML to count:
# a broken sheet must show up as a collection error, not be skipped).
SHEET_HEADER = re.compile(r"^[ \t]*\[[ \t]*sheet[ \t]*\][ \t]*(#.*)?$", re.MULTILINE)
SNIFF_BYTES = 1_000_000


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hw2check", "checking answer sheets (hw2check)")
    group.addoption(
        "--hw2check",
        action="store_true",
        default=False,
        help="collect answer sheets (*.toml files with a [sheet] table) as tests",
    )
    group.addoption(
        "--hw2check-strict",
        action="store_true",
        default=False,
        help="an undecided claim fails instead of being skipped",
    )


def is_sheet(path: Path) -> bool:
    """A ``.toml`` file with a ``[sheet]`` table header."""
    if path.suffix != ".toml":
        return False
    try:
        with path.open("rb") as file:
            text = file.read(SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    return SHEET_HEADER.search(text) is not None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> SheetFile | None:
    if parent.config.getoption("hw2check") and is_sheet(file_path):
        sheet: SheetFile = SheetFile.from_parent(parent, path=file_path)
        return sheet
    return None


class ClaimFailed(Exception):
    """A refuted claim, or an undecided one under ``--hw2check-strict``."""


def outcome_of(row: Mapping[str, Any], strict: bool) -> tuple[str, str]:
    """What an item does with its row: ("pass" | "fail" | "skip", message)."""
    verdict = row["verdict"]
    if verdict == "refuted":
        witness = ", ".join(f"{k} = {v}" for k, v in row.get("witness", {}).items())
        return "fail", f"{row['id']} refuted: {row['evidence']} (witness: {witness})"
    if verdict == "undecided":
        message = f"{row['id']} undecided: {row['evidence']}"
        return ("fail" if strict else "skip"), message
    return "pass", f"{row['id']} {verdict}"


def claim_ids(path: Path) -> list[str]:
    """The claim ids a sheet makes, in SHEET.md order; ``InputError`` for a bad sheet."""
    from hw2check.grading import catalogue
    from hw2check.sheet import load_sheet
    from hw2check.topics import Settings, topics

    sheet = load_sheet(path)
    made = {check.id for module in topics() for check in module.claim_checks(sheet, Settings(), {})}
    return [claim_id for claim_id, _ in catalogue() if claim_id in made]


def check_rows(path: Path) -> dict[str, dict[str, Any]]:
    """Check one sheet as the command does; its rows by id."""
    from hypothesis.configuration import set_hypothesis_home_dir

    from hw2check.cli import main

    with tempfile.TemporaryDirectory(prefix="hw2check-pytest-") as scratch:
        output = Path(scratch) / "ledger.json"
        try:
            main([str(path), "--format", "json", "--output", str(output)])
        finally:
            set_hypothesis_home_dir(None)  # main() points it at a folder it then removes
        data = json.loads(output.read_text("utf-8"))
    return {row["id"]: row for row in data.get("claims", [])}


class SheetFile(pytest.File):
    """An answer sheet: one item per claim it makes; checked once, when first needed."""

    _rows: dict[str, dict[str, Any]] | None = None

    def collect(self) -> Iterator[ClaimItem]:
        from hw2check.errors import InputError

        try:
            ids = claim_ids(self.path)
        except InputError as error:
            raise self.CollectError(f"hw2check: {error}") from None
        for claim_id in ids:
            yield ClaimItem.from_parent(self, name=claim_id)

    def rows(self) -> dict[str, dict[str, Any]]:
        if self._rows is None:
            self._rows = check_rows(self.path)
        return self._rows


class ClaimItem(pytest.Item):
    """One claim row of a sheet."""

    def runtest(self) -> None:
        assert isinstance(self.parent, SheetFile)
        row = self.parent.rows().get(self.name)
        if row is None:
            raise ClaimFailed(f"{self.name}: no row in the ledger")
        action, message = outcome_of(row, bool(self.config.getoption("hw2check_strict")))
        if action == "fail":
            raise ClaimFailed(message)
        if action == "skip":
            pytest.skip(message)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        if isinstance(excinfo.value, ClaimFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        # Not a suffix of the node id: pytest -v would print a suffix with its dots as '::'
        # (``alice::toml::q3_1::minimizer``), as it does for the dotted names of Python tests.
        return self.path, None, f"{self.path.name}::{self.name} (hw2check)"
