"""The proof cache: proved theorem rows stored once per version and read back, never a failure."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from hw2check import __version__, cache, cli
from hw2check.ledger import Check, Outcome, Row, Verdict, checked, proved, refuted, undecided
from hw2check.topics import Settings

SETTINGS = Settings(examples=7, seed=3, timeout=5.0)
DAY = datetime.date(2026, 3, 14)


def decide_nothing() -> Outcome:
    return proved("none", "not run")


def theorem(number: int = 1) -> Check:
    return Check(f"theorem.t{number}", "3.1", f"statement {number}", decide_nothing)


def row_of(check: Check, outcome: Outcome, seconds: float = 1.25) -> Row:
    return Row.of(check, outcome, seconds)


PROVED = row_of(theorem(), proved("SymPy identity", "both sides are x + 1"))


def entry_path(root: Path) -> Path:
    paths = list((root / "rows").iterdir())
    assert len(paths) == 1, paths
    return paths[0]


def test_the_folder_follows_xdg_and_falls_back_to_the_home_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.folder({"XDG_CACHE_HOME": "/var/c"}) == Path("/var/c/hw2check")
    assert cache.folder({}) == tmp_path / "home" / ".cache" / "hw2check"
    assert cache.folder({"XDG_CACHE_HOME": ""}) == tmp_path / "home" / ".cache" / "hw2check"
    # the specification: a relative path is not a cache home
    assert cache.folder({"XDG_CACHE_HOME": "rel"}) == tmp_path / "home" / ".cache" / "hw2check"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert cache.folder() == tmp_path / "x" / "hw2check"


def test_without_a_home_folder_there_is_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def homeless() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(homeless))
    assert cache.folder({}) is None
    assert cache.folder({"XDG_CACHE_HOME": "/var/c"}) == Path("/var/c/hw2check")
    monkeypatch.delenv("XDG_CACHE_HOME")
    pool = Recorder(proved("p", "e"))
    rows = cache.TheoremRows([theorem(1)], SETTINGS, pool.later)
    assert rows["theorem.t1"].method == "p" and rows.cached == frozenset()
    again = cache.TheoremRows([theorem(1)], SETTINGS, pool.later)
    assert again["theorem.t1"].method == "p" and pool.submitted == ["theorem.t1"] * 2


def test_the_tests_never_see_the_users_cache() -> None:
    home = Path(os.environ["XDG_CACHE_HOME"])
    assert home.name.startswith("test-")
    assert Path("~/.cache").expanduser() not in (home, *home.parents)
    assert cache.folder() == home / "hw2check"


def test_a_stored_row_comes_back_saying_it_is_cached_and_otherwise_identical(
    tmp_path: Path,
) -> None:
    cache.store(tmp_path, PROVED, SETTINGS, today=DAY)
    back = cache.lookup(tmp_path, theorem(), SETTINGS)
    assert back == Row(
        id="theorem.t1",
        question="3.1",
        statement="statement 1",
        verdict=Verdict.PROVED,
        method="SymPy identity (cached proof of 2026-03-14)",
        evidence="both sides are x + 1",
        witness=None,
        seconds=1.25,
    )
    assert cache.cached_method("z3", "2020-01-02") == "z3 (cached proof of 2020-01-02)"


def test_the_entry_is_the_documented_json(tmp_path: Path) -> None:
    cache.store(tmp_path, PROVED, SETTINGS, today=DAY)
    key = cache.key("theorem.t1", SETTINGS)
    path = entry_path(tmp_path)
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
    assert path == tmp_path / "rows" / f"{digest}.json"
    assert json.loads(path.read_text("utf-8")) == {
        "format": "hw2check/proof-cache-1",
        "key": key,
        "date": "2026-03-14",
        "row": {
            "verdict": "proved",
            "method": "SymPy identity",
            "evidence": "both sides are x + 1",
            "seconds": 1.25,
        },
    }


def test_the_entry_text_is_sorted_json_that_keeps_unicode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replaced: list[tuple[str, str]] = []
    real_replace = os.replace

    def replace(source: str, target: str) -> None:
        replaced.append((source, target))
        real_replace(source, target)

    monkeypatch.setattr("os.replace", replace)
    row = row_of(theorem(), proved("z3 ≤", "x ≥ 0 for every x²"))
    cache.store(tmp_path, row, SETTINGS, today=DAY)
    path = entry_path(tmp_path)
    entry = {
        "format": "hw2check/proof-cache-1",
        "key": cache.key("theorem.t1", SETTINGS),
        "date": "2026-03-14",
        "row": {"verdict": "proved", "method": "z3 ≤", "evidence": "x ≥ 0 for every x²",
                "seconds": 1.25},
    }  # fmt: skip
    assert path.read_text("utf-8") == json.dumps(entry, ensure_ascii=False, sort_keys=True)
    # written beside the entry under a hidden temporary name, then renamed over it
    ((source, target),) = replaced
    assert Path(target) == path and Path(source).parent == path.parent
    assert Path(source).name.startswith(".") and source.endswith(".tmp")


def test_the_date_is_today_in_utc_by_default(tmp_path: Path) -> None:
    before = datetime.datetime.now(datetime.UTC).date().isoformat()
    cache.store(tmp_path, PROVED, SETTINGS)
    after = datetime.datetime.now(datetime.UTC).date().isoformat()
    assert json.loads(entry_path(tmp_path).read_text("utf-8"))["date"] in {before, after}


def test_the_key_holds_everything_that_can_change_a_row() -> None:
    key = cache.key("theorem.x", SETTINGS)
    assert key == {
        "hw2check": __version__,
        "source": cache.source_hash(),
        "python": ".".join(map(str, sys.version_info[:3])),
        "sympy": cache._version("sympy"),
        "mpmath": cache._version("mpmath"),
        "z3-solver": cache._version("z3-solver"),
        "hypothesis": cache._version("hypothesis"),
        "examples": 7,
        "seed": 3,
        "timeout": 5.0,
        "theorem": "theorem.x",
    }
    import sympy

    assert key["sympy"] == sympy.__version__
    assert cache._version("no-such-distribution-here") == "not installed"


@pytest.mark.parametrize(
    "other",
    [
        Settings(examples=8, seed=3, timeout=5.0),
        Settings(examples=7, seed=4, timeout=5.0),
        Settings(examples=7, seed=3, timeout=6.0),
    ],
)
def test_other_settings_are_another_entry(tmp_path: Path, other: Settings) -> None:
    cache.store(tmp_path, PROVED, SETTINGS)
    assert cache.lookup(tmp_path, theorem(), other) is None
    assert cache.lookup(tmp_path, theorem(2), SETTINGS) is None
    assert cache.lookup(tmp_path, theorem(), SETTINGS) is not None


def write_package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")


def test_the_source_hash_covers_every_source_file_by_name_and_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    write_package(
        tmp_path,
        {
            "pkgcache/__init__.py": "",
            "pkgcache/sub/a.py": "x = 1\n",
            "pkgcache/data/s.toml": "t = 1\n",
            "pkgcache/notes.txt": "not source",
            "pkgcache/__pycache__/a.py": "compiled",
        },
    )
    expected = hashlib.sha256()
    for name, text in (
        ("pkgcache/__init__.py", ""),
        ("pkgcache/data/s.toml", "t = 1\n"),
        ("pkgcache/sub/a.py", "x = 1\n"),
    ):
        expected.update(f"{name}\0{len(text)}\0".encode() + text.encode())
    first = cache.source_hash(("pkgcache",))
    assert first == expected.hexdigest()
    (tmp_path / "pkgcache/notes.txt").write_text("still not source")
    assert cache.source_hash(("pkgcache",)) == first
    (tmp_path / "pkgcache/sub/a.py").write_text("x = 2\n")
    assert cache.source_hash(("pkgcache",)) != first
    assert cache.source_hash(("no_such_package_here",)) == hashlib.sha256().hexdigest()


def test_the_source_hash_is_of_the_three_packages() -> None:
    assert cache.PACKAGES == ("hw2check", "proofs", "properties")
    names = {name for package in cache.PACKAGES for name, _ in cache._source_files(package)}
    assert {"hw2check/cache.py", "hw2check/data/seed-sheet.toml", "proofs/regret.py"} <= names
    assert "properties/search.py" in names
    assert dict(cache.fingerprint())["source"] == cache.source_hash()


@pytest.mark.parametrize(
    "outcome",
    [
        checked("search", "100 cases"),
        undecided("time limit", "time limit of 1 s reached"),
        refuted("SymPy", "differs at 0", {"x": "0"}),
    ],
)
def test_only_proved_rows_are_stored(tmp_path: Path, outcome: Outcome) -> None:
    cache.store(tmp_path, row_of(theorem(), outcome), SETTINGS)
    assert not (tmp_path / "rows").exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe not utf-8",
        b"[1, 2]",
        b"[" * 100_000,
        json.dumps({"format": "hw2check/proof-cache-0"}).encode(),
    ],
)
def test_a_corrupt_entry_is_ignored(tmp_path: Path, content: bytes) -> None:
    cache.store(tmp_path, PROVED, SETTINGS)
    entry_path(tmp_path).write_bytes(content)
    assert cache.lookup(tmp_path, theorem(), SETTINGS) is None


def _whole_entry(root: Path) -> dict[str, object]:
    cache.store(root, PROVED, SETTINGS, today=DAY)
    data: dict[str, object] = json.loads(entry_path(root).read_text("utf-8"))
    return data


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date", 20260314),
        ("row", "proved"),
        ("row.verdict", "checked"),
        ("row.method", None),
        ("row.evidence", 3),
        ("row.seconds", "1.25"),
        ("row.seconds", True),
    ],
)
def test_an_entry_of_the_wrong_shape_is_ignored(tmp_path: Path, field: str, value: object) -> None:
    data = _whole_entry(tmp_path)
    if field.startswith("row."):
        row = data["row"]
        assert isinstance(row, dict)
        row[field.removeprefix("row.")] = value
    else:
        data[field] = value
    entry_path(tmp_path).write_text(json.dumps(data), "utf-8")
    assert cache.lookup(tmp_path, theorem(), SETTINGS) is None


def test_an_entry_with_a_whole_number_of_seconds_is_read(tmp_path: Path) -> None:
    data = _whole_entry(tmp_path)
    row = data["row"]
    assert isinstance(row, dict)
    row["seconds"] = 2
    entry_path(tmp_path).write_text(json.dumps(data), "utf-8")
    back = cache.lookup(tmp_path, theorem(), SETTINGS)
    assert back is not None and back.seconds == 2.0 and isinstance(back.seconds, float)


def test_an_oversized_entry_is_not_read(tmp_path: Path) -> None:
    data = _whole_entry(tmp_path)
    data["padding"] = "x" * cache.MAX_ENTRY_BYTES
    entry_path(tmp_path).write_text(json.dumps(data), "utf-8")
    assert cache.lookup(tmp_path, theorem(), SETTINGS) is None
    assert cache.MAX_ENTRY_BYTES == 2**20


def test_an_entry_of_exactly_the_largest_size_is_read(tmp_path: Path) -> None:
    data = _whole_entry(tmp_path)
    text = json.dumps(data)
    padded = text[:-1] + " " * (cache.MAX_ENTRY_BYTES - len(text)) + "}"
    assert len(padded) == cache.MAX_ENTRY_BYTES
    entry_path(tmp_path).write_text(padded, "utf-8")
    assert cache.lookup(tmp_path, theorem(), SETTINGS) is not None


def test_an_entry_from_another_version_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.store(tmp_path, PROVED, SETTINGS)
    path = entry_path(tmp_path)
    other = {**dict(cache.fingerprint()), "sympy": "0.0.1"}
    monkeypatch.setattr(cache, "fingerprint", lambda: tuple(other.items()))
    assert cache.lookup(tmp_path, theorem(), SETTINGS) is None
    # even when its file has the name this version looks for
    data = json.loads(path.read_text("utf-8"))
    path.rename(tmp_path / "rows" / "old.json")
    cache.store(tmp_path, PROVED, SETTINGS)
    new = [p for p in (tmp_path / "rows").iterdir() if p.name != "old.json"]
    assert len(new) == 1
    new[0].write_text(json.dumps(data), "utf-8")
    assert cache.lookup(tmp_path, theorem(), SETTINGS) is None


def test_an_unreadable_cache_is_ignored(tmp_path: Path) -> None:
    cache.store(tmp_path, PROVED, SETTINGS)
    path = entry_path(tmp_path)
    path.unlink()
    path.mkdir()  # reading it fails (IsADirectoryError), as a file without permission would
    assert cache.lookup(tmp_path, theorem(), SETTINGS) is None
    assert cache.lookup(tmp_path / "missing", theorem(), SETTINGS) is None


def test_a_cache_that_cannot_be_written_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    cache.store(blocked, PROVED, SETTINGS)  # no error
    assert blocked.read_text() == "a file where the folder should be"
    # a folder this user may not write to (root may write anywhere, so it is simulated)
    monkeypatch.setattr(
        "tempfile.mkstemp", lambda **kwargs: (_ for _ in ()).throw(PermissionError(13, "no"))
    )
    cache.store(tmp_path / "ok", PROVED, SETTINGS)
    assert list((tmp_path / "ok" / "rows").iterdir()) == []
    assert cache.lookup(tmp_path / "ok", theorem(), SETTINGS) is None


def _failing(monkeypatch: pytest.MonkeyPatch, target: str, error: BaseException) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(target, fail)


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("os.replace", OSError(28, "No space left on device")),
        ("json.dump", OSError(28, "No space left on device")),
    ],
)
def test_a_failed_write_leaves_the_old_entry_whole_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, error: BaseException
) -> None:
    cache.store(tmp_path, PROVED, SETTINGS, today=DAY)
    before = entry_path(tmp_path).read_bytes()
    _failing(monkeypatch, target, error)
    cache.store(tmp_path, PROVED, SETTINGS, today=datetime.date(2027, 1, 1))
    assert entry_path(tmp_path).read_bytes() == before


def test_an_interrupted_write_is_cleaned_up_and_not_swallowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing(monkeypatch, "os.replace", KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        cache.store(tmp_path, PROVED, SETTINGS)
    assert list((tmp_path / "rows").iterdir()) == []


def test_concurrent_writers_never_leave_a_half_written_entry(tmp_path: Path) -> None:
    rows = [row_of(theorem(), proved("m" * 2000, str(n) * 5000)) for n in range(2)]
    seen: list[Row | None] = []
    done = threading.Event()

    def write(row: Row) -> None:
        for _ in range(40):
            cache.store(tmp_path, row, SETTINGS, today=DAY)

    def read() -> None:
        while not done.is_set():
            seen.append(cache.lookup(tmp_path, theorem(), SETTINGS))

    reader = threading.Thread(target=read)
    reader.start()
    writers = [threading.Thread(target=write, args=(row,)) for row in rows]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    reader.join()
    wanted = {f"{row.evidence[:1]}" for row in rows}
    read_back = [row for row in seen if row is not None]
    assert read_back and {row.evidence[:1] for row in read_back} <= wanted
    assert all(row.evidence in {r.evidence for r in rows} for row in read_back)
    assert [p.name for p in (tmp_path / "rows").iterdir() if p.suffix == ".tmp"] == []


class Recorder:
    """Stands in for the pool: records what is submitted and when a row is asked for."""

    def __init__(self, outcome: Outcome) -> None:
        self.submitted: list[str] = []
        self.asked: list[str] = []
        self.outcome = outcome

    def later(self, check: Check) -> Callable[[], Row]:
        self.submitted.append(check.id)

        def result() -> Row:
            self.asked.append(check.id)
            return row_of(check, self.outcome, 0.5)

        return result


def test_theorem_rows_come_from_the_cache_or_are_proved_and_stored(tmp_path: Path) -> None:
    cache.store(tmp_path, row_of(theorem(1), proved("old", "kept")), SETTINGS, today=DAY)
    pool = Recorder(proved("new", "fresh"))
    rows = cache.TheoremRows([theorem(1), theorem(2)], SETTINGS, pool.later, root=tmp_path)
    assert pool.submitted == ["theorem.t2"] and pool.asked == []
    assert list(rows) == ["theorem.t1", "theorem.t2"] and len(rows) == 2
    assert rows.cached == {"theorem.t1"}
    assert rows["theorem.t1"].method == "old (cached proof of 2026-03-14)"
    assert rows["theorem.t2"].method == "new" and rows["theorem.t2"].evidence == "fresh"
    assert rows["theorem.t2"] == rows["theorem.t2"] and pool.asked == ["theorem.t2"]
    assert rows.get("theorem.t3") is None
    again = cache.TheoremRows([theorem(2)], SETTINGS, pool.later, root=tmp_path)
    assert again.cached == {"theorem.t2"} and pool.submitted == ["theorem.t2"]
    assert again["theorem.t2"].method.startswith("new (cached proof of ")


def test_without_reading_every_theorem_is_proved_and_rewritten(tmp_path: Path) -> None:
    cache.store(tmp_path, row_of(theorem(1), proved("old", "kept")), SETTINGS, today=DAY)
    pool = Recorder(proved("new", "fresh"))
    rows = cache.TheoremRows([theorem(1)], SETTINGS, pool.later, read=False, root=tmp_path)
    assert pool.submitted == ["theorem.t1"] and rows.cached == frozenset()
    assert rows["theorem.t1"].method == "new"
    back = cache.lookup(tmp_path, theorem(1), SETTINGS)
    assert back is not None and back.method.startswith("new (cached proof of ")


def test_a_row_not_proved_is_not_stored_and_proved_again_next_time(tmp_path: Path) -> None:
    pool = Recorder(undecided("time limit", "time limit of 5 s reached"))
    rows = cache.TheoremRows([theorem(1)], SETTINGS, pool.later, root=tmp_path)
    assert rows["theorem.t1"].verdict is Verdict.UNDECIDED
    cache.TheoremRows([theorem(1)], SETTINGS, pool.later, root=tmp_path)
    assert pool.submitted == ["theorem.t1", "theorem.t1"]


def test_the_default_root_is_the_users_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    pool = Recorder(proved("p", "e"))
    rows = cache.TheoremRows([theorem(1)], SETTINGS, pool.later)
    assert rows["theorem.t1"].method == "p"
    assert cache.lookup(tmp_path / "hw2check", theorem(1), SETTINGS) is not None


@pytest.fixture
def _hypothesis_home() -> Iterator[None]:
    yield
    set_hypothesis_home_dir(None)  # main() points it at a scratch folder it then removes


def _ledger(capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict[str, object]]:
    status = cli.main(["--only", "3.1", "--format", "json", "--jobs", "1", *extra])
    out, err = capsys.readouterr()
    assert (status, err) == (1, "")
    rows: list[dict[str, object]] = json.loads(out)["claims"]
    return rows


@pytest.mark.usefixtures("_hypothesis_home")
def test_the_command_reads_the_cache_and_no_cache_proves_again(
    capsys: pytest.CaptureFixture[str],
) -> None:
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    first = _ledger(capsys)
    second = _ledger(capsys)
    fresh = _ledger(capsys, "--no-cache")
    assert [row["id"] for row in first][-1] == "theorem.proximal_step"
    proved_then, cached, reproved = first[-1], second[-1], fresh[-1]
    assert cached == {**proved_then, "method": f"{proved_then['method']} (cached proof of {today})"}
    assert reproved["method"] == proved_then["method"]

    def claims(rows: list[dict[str, object]]) -> list[dict[str, object]]:
        return [{k: v for k, v in row.items() if k != "seconds"} for row in rows[:-1]]

    assert claims(first) == claims(second) == claims(fresh)
    assert cli.parser().parse_args([]).cache is True
    assert cli.parser().parse_args(["--no-cache"]).cache is False
