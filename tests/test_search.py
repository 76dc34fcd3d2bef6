"""The search driver: reproducible whatever else is loaded."""

from __future__ import annotations

import time
from datetime import timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import providers

from properties.search import search


def test_a_search_draws_no_constants_harvested_from_loaded_modules() -> None:
    before = (providers._get_local_constants, providers.CONSTANTS_CACHE)
    pools: list[int] = []

    def violates(value: int) -> bool:
        pools.append(len(providers._get_local_constants()))
        return value > 10**6

    result = search(st.integers(), violates, examples=30, seed=3)
    assert pools and set(pools) == {0}
    assert (providers._get_local_constants, providers.CONSTANTS_CACHE) == before
    assert len(providers._get_local_constants()) > 0  # the project's own constants, outside
    again = search(st.integers(), lambda value: value > 10**6, examples=30, seed=3)
    assert (again.counterexample, again.cases) == (result.counterexample, result.cases)


def test_a_slow_case_is_no_error_whatever_the_profile() -> None:
    """The search sets its own settings: no deadline, even where the loaded profile has one."""

    def slow(value: int) -> bool:
        time.sleep(0.03)
        return value > 3  # never

    settings.register_profile("search-with-a-deadline", deadline=timedelta(milliseconds=5))
    previous = settings.get_current_profile_name()
    settings.load_profile("search-with-a-deadline")
    try:
        result = search(st.integers(0, 3), slow, examples=3, seed=0, shrink=False)
    finally:
        settings.load_profile(previous)
    assert (result.counterexample, result.cases) == (None, 3)
