"""The topics registry and the run settings."""

from __future__ import annotations

from hw2check.topics import TOPIC_MODULES, Settings, topics


def test_z3_gets_four_fifths_of_the_time_limit_and_at_least_100_ms() -> None:
    assert Settings().solver_timeout_ms == 16000
    assert Settings(timeout=1.0).solver_timeout_ms == 800
    assert Settings(timeout=0.1).solver_timeout_ms == 100
    assert (Settings().examples, Settings().seed, Settings().timeout) == (100, 0, 20.0)


def test_every_topic_module_is_loaded_in_order() -> None:
    loaded = topics()
    assert [module.__name__ for module in loaded] == list(TOPIC_MODULES)  # type: ignore[attr-defined]
    assert [m.__name__ for m in topics(["proofs.sgd"])] == ["proofs.sgd"]  # type: ignore[attr-defined]
    assert all(callable(m.theorem_checks) and callable(m.claim_checks) for m in loaded)
