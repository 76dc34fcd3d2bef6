"""The proof cache: theorem rows proved once per installed version, then reused.

A reference theorem's row depends only on the code that proves it, the libraries it runs on
and the run's budgets, never on a sheet.  So a ``proved`` theorem row is stored in the user's
cache folder (``$XDG_CACHE_HOME/hw2check``, else ``~/.cache/hw2check``) under a key made of
everything that can change it: the hw2check version and a hash of its own source files
(``hw2check/``, ``proofs/``, ``properties/``), the Python, SymPy, mpmath, z3 and hypothesis
versions, the settings (``--examples``, ``--seed``, ``--timeout``) and the theorem id.  A
later run with the same key reads the row instead of proving it again; the row says so in
its method ("cached proof of <date>") and is otherwise the stored one.

Only ``proved`` rows are stored (a time limit or a solver's "unknown" is worth another try).
The cache is a convenience, never a reason to fail: a folder that cannot be read or written,
an entry that is corrupt, too large or from another version is ignored without a word, and
the theorem is proved as if there were no cache.  An entry is written to a temporary file in
the same folder and renamed over the old one (``os.replace``), so a reader sees either no
entry or a whole one, even with two runs at once.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from hw2check import __version__
from hw2check.ledger import Check, Row, Verdict

FORMAT = "hw2check/proof-cache-1"
PACKAGES = ("hw2check", "proofs", "properties")
LIBRARIES = ("sympy", "mpmath", "z3-solver", "hypothesis")
# An entry is one row, a few kilobytes; anything much larger is not ours and is not read.
MAX_ENTRY_BYTES = 1 << 20


class Budgets(Protocol):
    """The settings that can change a theorem row (``hw2check.topics.Settings``)."""

    @property
    def examples(self) -> int: ...

    @property
    def seed(self) -> int: ...

    @property
    def timeout(self) -> float: ...


def folder(environ: Mapping[str, str] = os.environ) -> Path | None:
    """The cache folder: ``$XDG_CACHE_HOME/hw2check``, else ``~/.cache/hw2check``; None when
    there is neither (no home folder), and then there is no cache.

    As the XDG base-directory specification says, a relative ``XDG_CACHE_HOME`` is ignored.
    """
    base = environ.get("XDG_CACHE_HOME", "")
    if base and Path(base).is_absolute():
        return Path(base) / "hw2check"
    try:
        return Path.home() / ".cache" / "hw2check"
    except (RuntimeError, KeyError):  # no HOME and no entry in the password database
        return None


def _source_files(package: str) -> Iterator[tuple[str, Path]]:
    spec = importlib.util.find_spec(package)
    for location in (spec.submodule_search_locations or []) if spec else []:
        top = Path(location)
        for path in top.rglob("*"):
            if path.suffix in (".py", ".toml") and "__pycache__" not in path.parts:
                yield f"{package}/{path.relative_to(top).as_posix()}", path


def source_hash(packages: Sequence[str] = PACKAGES) -> str:
    """SHA-256 over the name and bytes of every source file of the packages, in name order."""
    digest = hashlib.sha256()
    for name, path in sorted(item for package in packages for item in _source_files(package)):
        digest.update(f"{name}\0{path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


@functools.cache
def fingerprint() -> tuple[tuple[str, str], ...]:
    """What the installed code and libraries are: computed once per process."""
    return (
        ("hw2check", __version__),
        ("source", source_hash()),
        ("python", platform.python_version()),
        *((library, _version(library)) for library in LIBRARIES),
    )


def key(check_id: str, settings: Budgets) -> dict[str, Any]:
    """Everything a theorem row depends on, as stored beside it."""
    return {
        **dict(fingerprint()),
        "examples": settings.examples,
        "seed": settings.seed,
        "timeout": settings.timeout,
        "theorem": check_id,
    }


def _path(root: Path, entry_key: Mapping[str, Any]) -> Path:
    text = json.dumps(entry_key, sort_keys=True)
    return root / "rows" / f"{hashlib.sha256(text.encode()).hexdigest()}.json"


def cached_method(method: str, date: str) -> str:
    return f"{method} (cached proof of {date})"


def _row(check: Check, data: Any, entry_key: Mapping[str, Any]) -> Row | None:
    """The cached row an entry describes, or None when it is not a whole entry of this key."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != entry_key:
        return None
    row, date = data.get("row"), data.get("date")
    if not isinstance(row, dict) or not isinstance(date, str):
        return None
    method, evidence, seconds = row.get("method"), row.get("evidence"), row.get("seconds")
    if (
        row.get("verdict") != Verdict.PROVED
        or not isinstance(method, str)
        or not isinstance(evidence, str)
        or not isinstance(seconds, int | float)
        or isinstance(seconds, bool)
    ):
        return None
    return Row(
        id=check.id,
        question=check.question,
        statement=check.statement,
        verdict=Verdict.PROVED,
        method=cached_method(method, date),
        evidence=evidence,
        witness=None,
        seconds=float(seconds),
    )


def lookup(root: Path, check: Check, settings: Budgets) -> Row | None:
    """The cached row of ``check``, or None (no entry, or one that cannot be used)."""
    entry_key = key(check.id, settings)
    try:
        with _path(root, entry_key).open("rb") as stream:
            raw = stream.read(MAX_ENTRY_BYTES + 1)
        if len(raw) > MAX_ENTRY_BYTES:
            return None
        data = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # absent, unreadable or not JSON
        return None
    return _row(check, data, entry_key)


def store(root: Path, row: Row, settings: Budgets, today: datetime.date | None = None) -> None:
    """Store a proved row (any other is left out), atomically; a failure is ignored."""
    if row.verdict is not Verdict.PROVED:
        return
    entry_key = key(row.id, settings)
    date = (today or datetime.datetime.now(datetime.UTC).date()).isoformat()
    entry = {
        "format": FORMAT,
        "key": entry_key,
        "date": date,
        "row": {
            "verdict": str(row.verdict),
            "method": row.method,
            "evidence": row.evidence,
            "seconds": row.seconds,
        },
    }
    target = _path(root, entry_key)
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(entry, stream, ensure_ascii=False, sort_keys=True)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


class TheoremRows(Mapping[str, Row]):
    """Theorem rows by id: cached ones at once, the others from ``decided`` when first read.

    A row that was proved in this run is stored on first read, so that the next run finds
    it; with ``read=False`` (``--no-cache``) every theorem is proved and its entry rewritten.
    """

    def __init__(
        self,
        checks: Sequence[Check],
        settings: Budgets,
        decide: Callable[[Check], Callable[[], Row]],
        *,
        read: bool = True,
        root: Path | None = None,
    ) -> None:
        self._root = folder() if root is None else root  # None: no cache at all
        self._settings = settings
        self._rows: dict[str, Row] = {}
        self._pending: dict[str, Callable[[], Row]] = {}
        for check in checks:
            cached = lookup(self._root, check, settings) if read and self._root else None
            if cached is None:
                self._pending[check.id] = decide(check)
            else:
                self._rows[check.id] = cached
        self._order = [check.id for check in checks]

    @property
    def cached(self) -> frozenset[str]:
        """The ids whose rows came from the cache."""
        return frozenset(self._rows) - frozenset(self._pending)

    def __getitem__(self, check_id: str) -> Row:
        if check_id not in self._rows:
            row = self._pending[check_id]()
            if self._root is not None:
                store(self._root, row, self._settings)
            self._rows[check_id] = row
        return self._rows[check_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)
