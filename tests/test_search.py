"""The search driver: reproducible whatever else is loaded."""

from __future__ import annotations

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
