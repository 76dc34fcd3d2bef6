"""Test configuration: hypothesis profiles, the proof cache's folder and shared fixtures.

The ``ci`` profile (chosen when ``CI=true``) is derandomized, so a CI run is reproducible, and
keeps no example database; the ``dev`` profile is the default for local runs.

The tests never read or write the user's proof cache (``hw2check/cache.py``): from the moment
this file is imported, ``XDG_CACHE_HOME`` names a temporary folder of this session (child
processes inherit it), and every test gets an empty folder of its own in it, so what a test
prints never depends on which tests ran before it (or on which pytest-xdist worker).  A test
that wants the theorem rows already cached asks for ``use_warm_cache``.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.command import Command, in_process

# pytester runs pytest inside a test (the hw2check pytest plugin's tests).
pytest_plugins = ["pytester"]

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


@pytest.fixture
def generous_budgets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Report budgets ten times the command's, for a test that compares a whole report with
    its snapshot: the budgets are wall-clock limits, and on a loaded machine a figure could
    pass its limit and be shown as 'too large' (the budgets themselves are tested apart)."""
    from hw2check import mathml, plots

    for module, names in ((plots, ("FIGURE_SECONDS", "POINT_SECONDS", "SHEET_SECONDS")),
                          (mathml, ("FORMULA_SECONDS",))):  # fmt: skip
        for name in names:
            monkeypatch.setattr(module, name, 10 * getattr(module, name))


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table is as wide as ``COLUMNS`` says; recorded outputs are 80 columns wide, so a
    test runs without the width of the terminal it was started from."""
    monkeypatch.delenv("COLUMNS", raising=False)


CACHE_HOMES = Path(tempfile.mkdtemp(prefix="hw2check-test-caches-"))
# Outside a test (module and session fixtures) the cache home is a file, so nothing is ever
# stored or read there: such fixtures prove every theorem, whatever ran before them.
(CACHE_HOMES / "test-outside").write_text("not a folder: no proof cache outside a test\n")
os.environ["XDG_CACHE_HOME"] = str(CACHE_HOMES / "test-outside")
# Compiled bytecode goes to a folder of this session too (never into the checkout), so the
# child processes of the tests compile the project's sources once, not once each, even where
# PYTHONDONTWRITEBYTECODE is set.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ["PYTHONPYCACHEPREFIX"] = str(CACHE_HOMES / "bytecode")
sys.dont_write_bytecode = False
sys.pycache_prefix = os.environ["PYTHONPYCACHEPREFIX"]
_NUMBERS = itertools.count()


# Removed when pytest unconfigures, and again when this process ends: a process still imports
# (and so writes bytecode) after pytest is done.
atexit.register(shutil.rmtree, CACHE_HOMES, ignore_errors=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(CACHE_HOMES, ignore_errors=True)


@pytest.fixture(autouse=True)
def _empty_proof_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(CACHE_HOMES / f"test-{next(_NUMBERS)}"))


@pytest.fixture(scope="session")
def warm_cache() -> Path:
    """A cache home whose folder holds every theorem row the command proves by default
    (``--examples 100 --seed 0 --timeout 20``), proved once per session (and xdist worker).

    Pass it as ``XDG_CACHE_HOME`` to a run whose theorem rows need not be proved again.
    """
    from hw2check.cache import TheoremRows
    from hw2check.runner import Pool
    from hw2check.topics import Settings, topics

    home = CACHE_HOMES / "test-warm"
    settings = Settings()
    checks = [check for module in topics() for check in module.theorem_checks(settings)]
    with Pool(jobs=os.cpu_count() or 1, timeout=settings.timeout) as pool:
        rows = TheoremRows(checks, settings, pool.later, root=home / "hw2check")
        assert all(rows[check.id].verdict == "proved" for check in checks)
    return home


@pytest.fixture
def use_warm_cache(warm_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """This test's runs (and their child processes) read the warm cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(warm_cache))
    yield warm_cache


@pytest.fixture
def command(capsys: pytest.CaptureFixture[str]) -> Command:
    """``command(*args)``: the command run in this process (``tests/command.py``)."""
    return in_process(capsys)
