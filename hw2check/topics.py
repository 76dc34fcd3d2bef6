"""The questions the project checks, one ``proofs`` module each, plugged in here.

Every topic module provides two functions:

- ``theorem_checks(settings) -> list[Check]``: the reference theorem rows it establishes
  (ids fixed by docs/ledger-format.md), run once per command;
- ``claim_checks(sheet, settings, theorems) -> list[Check]``: one check per claim the sheet
  makes in its table(s); ``theorems`` maps theorem ids to their rows so a claim can rest
  on a theorem.

Modules are imported only when checks are built, so ``hw2check --help`` stays fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from hw2check.ledger import Check, Row
    from hw2check.sheet import Sheet

# Theorems are queued in this order and claims are built in the reverse order: the topics
# whose theorem rows take longest come first, so their claims are built last, by which time
# those rows are decided.  The ledger's order does not depend on this.
TOPIC_MODULES = (
    "proofs.autodiff",
    "proofs.circulant",
    "proofs.interpolation",
    "proofs.proximal_step",
    "proofs.jensen",
    "proofs.regret",
    "proofs.sgd",
)


@dataclass(frozen=True)
class Settings:
    """Budgets of one run, passed to every check that searches or calls a solver."""

    examples: int = 100
    seed: int = 0
    timeout: float = 20.0

    @property
    def solver_timeout_ms(self) -> int:
        """z3's own limit, a little under the hard one so it can answer 'unknown' itself."""
        return max(100, int(self.timeout * 1000 * 0.8))


class Topic(Protocol):
    def theorem_checks(self, settings: Settings) -> list[Check]: ...

    def claim_checks(
        self, sheet: Sheet, settings: Settings, theorems: Mapping[str, Row]
    ) -> list[Check]: ...


def topics(names: Sequence[str] = TOPIC_MODULES) -> list[Topic]:
    modules: list[Topic] = [importlib.import_module(name) for name in names]
    return modules
