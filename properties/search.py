"""Running a property search from the command line or a test, reproducibly.

``search`` asks hypothesis for an example that *violates* a property.  It returns the shrunk
(minimal) counterexample when there is one, and always the number of cases tried, so a
ledger row can say ``checked on 200 cases`` or show the witness.  Hypothesis's example
database is off: the command writes nothing into the user's folder.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

T = TypeVar("T")

QUIET = settings(
    database=None,
    deadline=None,
    derandomize=False,
    suppress_health_check=list(HealthCheck),
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
)


@dataclass(frozen=True)
class SearchResult(Generic[T]):
    """The minimal counterexample found (``None`` if none) and how many cases were tried."""

    counterexample: T | None
    cases: int
    generator: str

    @property
    def found(self) -> bool:
        return self.counterexample is not None


def search(
    strategy: st.SearchStrategy[T],
    violates: Callable[[T], bool],
    *,
    examples: int,
    seed: int,
    generator: str = "",
    shrink: bool = True,
) -> SearchResult[T]:
    """Look for an example with ``violates(example)`` true; shrink it if found (and
    ``shrink``)."""
    cases = 0

    def condition(example: T) -> bool:
        nonlocal cases
        cases += 1
        return violates(example)

    phases = QUIET.phases if shrink else tuple(p for p in QUIET.phases if p != Phase.shrink)
    budget = settings(QUIET, max_examples=max(1, examples), phases=phases)
    try:
        found = find(strategy, condition, settings=budget, random=random.Random(seed))
    except (NoSuchExample, Unsatisfiable):
        return SearchResult(None, cases, generator or repr(strategy))
    return SearchResult(found, cases, generator or repr(strategy))
