"""The Gradescope autograder (GRADING.md) and the subcommands ``rubric`` and ``autograder``.

``hw2check autograder --rubric R --output autograder.zip`` writes the zip a course uploads as
the autograder of a Gradescope programming assignment:

- ``setup.sh``: run once when Gradescope builds the image; makes a venv and installs the
  wheel of hw2check shipped in the zip, with its dependencies from PyPI;
- ``run_autograder``: run for each submission; grades the one ``*.toml`` of
  ``/autograder/submission/`` with the rubric into ``/autograder/results/results.json``;
- ``rubric.toml`` and the wheel.

``/autograder`` can be moved with the environment variable ``HW2CHECK_AUTOGRADER_ROOT`` (the
tests run the autograder in a temporary folder laid out the same way).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.metadata
import importlib.util
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

from hw2check.errors import visible

ROOT_VARIABLE = "HW2CHECK_AUTOGRADER_ROOT"
DEFAULT_ROOT = "/autograder"
PACKAGES = ("hw2check", "proofs", "properties")
# The files of the packages that go into the wheel (sources and package data).
SHIPPED_SUFFIXES = (".py", ".toml", ".typed")
VENV = "hw2check-venv"

SETUP_SH = f"""#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image, in /autograder/source.
set -euo pipefail
ROOT="${{{ROOT_VARIABLE}:-{DEFAULT_ROOT}}}"
SOURCE="$(cd "$(dirname "$0")" && pwd)"
PYTHON="${{HW2CHECK_PYTHON:-python3}}"
# hw2check needs Python 3.11 or newer (Ubuntu 22.04 has 3.10 as python3).
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    apt-get update && apt-get install -y python3.11 python3.11-venv
    PYTHON=python3.11
fi
if ! "$PYTHON" -m venv "$ROOT/{VENV}"; then
    apt-get update && apt-get install -y "python3-venv"
    "$PYTHON" -m venv "$ROOT/{VENV}"
fi
"$ROOT/{VENV}/bin/python" -m pip install --quiet "$SOURCE"/hw2check-*.whl
"""

RUN_AUTOGRADER = f"""#!/usr/bin/env bash
# Gradescope runs this for every submission: it writes /autograder/results/results.json.
ROOT="${{{ROOT_VARIABLE}:-{DEFAULT_ROOT}}}"
exec "$ROOT/{VENV}/bin/python" -m hw2check.autograder "$ROOT"
"""

WHEEL_FILE = "Wheel-Version: 1.0\nGenerator: hw2check\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def _package_files(package: str) -> list[tuple[str, bytes]]:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {package} is not importable")
    root = Path(next(iter(spec.submodule_search_locations)))
    return [
        (f"{package}/{path.relative_to(root).as_posix()}", path.read_bytes())
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.suffix in SHIPPED_SUFFIXES and "__pycache__" not in path.parts
    ]


def wheel() -> tuple[str, bytes]:
    """A wheel (file name, bytes) of the hw2check that is running, with its metadata."""
    distribution = importlib.metadata.distribution("hw2check")
    version = distribution.version
    info = f"hw2check-{version}.dist-info"
    files = [file for package in PACKAGES for file in _package_files(package)]
    # An installed package has METADATA; a source tree's egg-info has the same text as PKG-INFO.
    metadata = distribution.read_text("METADATA") or distribution.read_text("PKG-INFO") or ""
    files.append((f"{info}/METADATA", metadata.encode("utf-8")))
    entry_points = distribution.read_text("entry_points.txt")
    if entry_points is not None:
        files.append((f"{info}/entry_points.txt", entry_points.encode("utf-8")))
    files.append((f"{info}/WHEEL", WHEEL_FILE.encode("ascii")))
    record = "".join(f"{name},sha256={_digest(data)},{len(data)}\n" for name, data in files)
    files.append((f"{info}/RECORD", (record + f"{info}/RECORD,,\n").encode("utf-8")))
    return f"hw2check-{version}-py3-none-any.whl", _zip_bytes(files)


def _zip_bytes(files: Sequence[tuple[str, bytes]]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def _executable(name: str, text: str) -> tuple[zipfile.ZipInfo, bytes]:
    entry = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    entry.external_attr = (0o100755 << 16) | 0
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry, text.encode("utf-8")


def build(rubric_text: str, output: Path) -> list[str]:
    """Write the autograder zip to ``output``; the names of its files."""
    wheel_name, wheel_data = wheel()
    entries = [
        _executable("setup.sh", SETUP_SH),
        _executable("run_autograder", RUN_AUTOGRADER),
    ]
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in entries:
            archive.writestr(entry, data)
        archive.writestr("rubric.toml", rubric_text)
        archive.writestr(wheel_name, wheel_data)
        return archive.namelist()


# --- a submission on Gradescope


# Gradescope stops an autograder after 10 minutes unless the course sets more; grading stops
# before that, so that a results.json is written all the same.
GRADE_SECONDS = 540


def run(root: Path) -> int:
    """Grade the one ``*.toml`` of ``root/submission`` into ``root/results/results.json``.

    The checker runs as a command of its own (``python -m hw2check``), as a course would run
    it by hand: its messages go to Gradescope's log, and it ends with its workers.
    """
    results = root / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    rubric = root / "source" / "rubric.toml"
    sheets = submitted_sheets(root / "submission")
    if len(sheets) != 1:
        found = ", ".join(visible(str(path.relative_to(root / "submission"))) for path in sheets)
        problem = (
            "the submission has no .toml answer sheet"
            if not sheets
            else f"the submission has {len(sheets)} .toml files ({found}); submit exactly one"
        )
        results.write_text(_refusal(rubric, problem), encoding="utf-8")
        return 0
    command = [sys.executable, "-m", "hw2check", str(sheets[0]), "--rubric", str(rubric)]
    try:
        subprocess.run(
            [*command, "--format", "gradescope", "--output", str(results)],
            check=False,
            timeout=GRADE_SECONDS,
        )
    except subprocess.TimeoutExpired:
        problem = f"grading took longer than {GRADE_SECONDS} s; ask the course staff"
        results.write_text(_refusal(rubric, problem), encoding="utf-8")
    if not results.exists():
        results.write_text(_refusal(rubric, "the sheet could not be graded"), encoding="utf-8")
    return 0


def submitted_sheets(submission: Path) -> list[Path]:
    """The ``*.toml`` files of a submission, but hidden ones (a name starting with '.') and
    those under ``__MACOSX`` (a zip made on macOS holds ``__MACOSX/._alice.toml`` beside
    ``alice.toml``)."""
    return sorted(
        path
        for path in submission.rglob("*.toml")
        if not any(
            part.startswith(".") or part == "__MACOSX"
            for part in path.relative_to(submission).parts
        )
    )


def _refusal(rubric_path: Path, problem: str) -> str:
    """results.json for a submission that cannot be graded: score 0, every claim failed."""
    from hw2check.formats import Result, gradescope
    from hw2check.grading import default_rubric, grade, load_rubric

    rubric = load_rubric(rubric_path) if rubric_path.exists() else default_rubric()
    return gradescope(Result("submission", "", grade(rubric, None, None, [problem])))


# --- the subcommands


def _rubric_command(argv: Sequence[str]) -> int:
    from hw2check.grading import default_rubric, rubric_text

    parser = argparse.ArgumentParser(
        prog="hw2check rubric", description="Print the default rubric (a start to edit)."
    )
    parser.parse_args(argv)
    sys.stdout.write(rubric_text(default_rubric()))
    return 0


def _autograder_command(argv: Sequence[str]) -> int:
    from hw2check.grading import reported_rubric, rubric_text
    from hw2check.guard import output_problem

    parser = argparse.ArgumentParser(
        prog="hw2check autograder",
        description="Write a Gradescope autograder zip that grades with a rubric.",
    )
    parser.add_argument(
        "--rubric", type=Path, metavar="PATH", help="the rubric (default: built in)"
    )
    parser.add_argument(
        "--output", type=Path, metavar="PATH", required=True, help="the zip to write"
    )
    args = parser.parse_args(argv)
    if (problem := output_problem(args.output)) is not None:
        print(f"hw2check: {visible(str(args.output))}: cannot write ({problem})", file=sys.stderr)
        return 2
    if (rubric := reported_rubric(args.rubric)) is None:
        return 2
    text = rubric_text(rubric) if args.rubric is None else args.rubric.read_text("utf-8-sig")
    names = build(text, args.output)
    print(f"hw2check: wrote {visible(str(args.output))} ({', '.join(names)})")
    return 0


def subcommand(argv: Sequence[str]) -> int:
    """``hw2check rubric`` or ``hw2check autograder ...`` (``argv[0]`` names it)."""
    if argv[0] == "rubric":
        return _rubric_command(argv[1:])
    return _autograder_command(argv[1:])


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_ROOT)))
