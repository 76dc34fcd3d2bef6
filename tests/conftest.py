"""Test configuration: hypothesis profiles and shared fixtures.

The ``ci`` profile (chosen when ``CI=true``) is derandomized, so a CI run is reproducible, and
keeps no example database; the ``dev`` profile is the default for local runs.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


@pytest.fixture
def recorded_tools() -> None:
    """Skip a test whose expected text is what the recorded SymPy, z3, ... print (see
    ``tests/snapshot.py``) when other versions are installed."""
    from tests import snapshot

    recorded = snapshot.load()["versions"]
    if recorded != snapshot.versions():
        pytest.skip(f"expected text recorded with {recorded}")


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table is as wide as ``COLUMNS`` says; recorded outputs are 80 columns wide, so a
    test runs without the width of the terminal it was started from."""
    monkeypatch.delenv("COLUMNS", raising=False)
