"""Queries whose model shows in a row's evidence answer the same whatever ran before them in
the process (another sheet of a batch, another split of the checks between workers)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sympy
import z3

from hw2check.expressions import parse_expression
from hw2check.sheet import SYMBOLS
from hw2check.solver import own_z3_context
from hw2check.topics import Settings
from proofs import jensen, regret, sgd
from properties.sgd import POSITIVE
from tests.test_regret_claims import R


def bound(text: str) -> sympy.Expr:
    return parse_expression(text, SYMBOLS)


def step(text: str) -> sympy.Expr:
    return parse_expression(text, {"eta": sgd.ETA})


def test_a_model_does_not_depend_on_earlier_queries() -> None:
    # Without a context of their own, some of these report another point when run in
    # another order (z3 5.4.1).
    def reasons(texts: list[str]) -> list[str]:
        return [regret.z3_supremum_query(bound(text), 10_000, True).reason for text in texts]

    texts = [f"{R} - 1", f"{R} + (T - 1)/(T - 2)", f"{R} - T/2", f"{R}*0 + 1"]
    forwards = reasons(texts)
    history = z3.Real("unrelated") + z3.Int("terms") > 0  # more terms in the default context
    assert history is not None
    assert reasons(texts[::-1])[::-1] == forwards
    assert reasons(texts[1:]) == forwards[1:]


def solver_contexts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The context of every z3 solver made from now on."""
    made: list[object] = []

    class Recording(z3.Solver):  # type: ignore[misc]  # z3 ships no types
        def __init__(self, *args: object, **keys: object) -> None:
            super().__init__(*args, **keys)
            made.append(self.ctx)

    monkeypatch.setattr(z3, "Solver", Recording)
    return made


@pytest.mark.parametrize(
    "query",
    [
        lambda: regret.z3_reference_query(bound(f"{R} - 1"), 10_000),
        lambda: regret.z3_supremum_query(bound(f"{R} - 1"), 10_000),
        lambda: jensen.z3_query(bound("avg_gap - 1"), 10_000, True),
        lambda: sgd.decide_for_every_step(step("eta**2 - 2"), POSITIVE, (), Settings(), "c"),
    ],
    ids=["regret R", "regret S", "jensen", "sgd"],
)
def test_queries_whose_models_are_shown_run_in_a_context_of_their_own(
    monkeypatch: pytest.MonkeyPatch, query: Callable[[], object]
) -> None:
    # A sat answer's model is evidence: each query makes its terms in a new context (the
    # others prove unsat or refute with an exactly checked point, and may share one).
    made = solver_contexts(monkeypatch)
    query()
    query()
    assert made and z3.main_ctx() not in made
    assert len({id(context) for context in made}) >= 2


def test_the_previous_default_context_comes_back() -> None:
    before = z3.main_ctx()
    with own_z3_context():
        assert z3.main_ctx() is not before
    assert z3.main_ctx() is before
    with pytest.raises(RuntimeError), own_z3_context():
        raise RuntimeError
    assert z3.main_ctx() is before
