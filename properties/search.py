"""Running a property search from the command line or a test, reproducibly.

``search`` asks hypothesis for an example that *violates* a property.  It returns the shrunk
(minimal) counterexample when there is one, and always the number of cases tried, so a
ledger row can say ``checked on 200 cases`` or show the witness.  Hypothesis's example
database is off: the command writes nothing into the user's folder.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterator
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
        with _same_constants():
            found = find(strategy, condition, settings=budget, random=random.Random(seed))
    except (NoSuchExample, Unsatisfiable):
        return SearchResult(None, cases, generator or repr(strategy))
    return SearchResult(found, cases, generator or repr(strategy))


@contextlib.contextmanager
def _same_constants() -> Iterator[None]:
    """Keep a search from depending on which other modules happen to be loaded.

    Hypothesis now and then draws a constant harvested from the source of every loaded
    module of the project, and caches that pool, so the same search with the same seed could
    try other examples, and write other evidence, after an unrelated import.  During a search
    the pool is empty and the cache is a fresh one.  These are hypothesis internals: where
    they are missing (another release), the search runs as it is.
    """
    try:
        from hypothesis.internal.cache import LRUCache
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants
        from hypothesis.internal.floats import float_to_int
        from sortedcontainers import SortedSet
    except ImportError:  # another hypothesis layout
        yield
        return
    saved = (providers._get_local_constants, providers.CONSTANTS_CACHE)
    empty = Constants(
        integers=SortedSet(),
        floats=SortedSet(key=float_to_int),
        bytes=SortedSet(),
        strings=SortedSet(),
    )
    providers._get_local_constants = lambda: empty
    providers.CONSTANTS_CACHE = LRUCache(1024)
    try:
        yield
    finally:
        providers._get_local_constants, providers.CONSTANTS_CACHE = saved
