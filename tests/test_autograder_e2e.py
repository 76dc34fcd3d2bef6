"""The Gradescope autograder end to end, offline: the zip is unpacked into a folder laid out
like Gradescope's ``/autograder``, ``setup.sh`` makes a fresh venv and installs the shipped
wheel with its dependencies, and ``run_autograder`` grades a submission into results.json.

No network: the dependencies come from a folder of wheels made once per session from the
distributions installed in this test's own environment (``PIP_NO_INDEX``, ``PIP_FIND_LINKS``,
and no pip configuration of the machine).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hw2check import autograder

pytestmark = pytest.mark.subprocess

SHEET = '[sheet]\ntitle = "alice"\n[q3_1]\nstep_size = "1/lam"\nminimizer = "w_t + g/lam"\n'
RUBRIC = '[rubric]\ntitle = "R"\n[points]\n"q3_1" = 2\n"q4.values" = 1\n'


def _requirements(name: str) -> list[str]:
    """The unconditional requirements of an installed distribution, by name."""
    found = importlib.metadata.requires(name) or []
    return [re.split(r"[\s<>=!~;\[(]", line, maxsplit=1)[0] for line in found if ";" not in line]


def _repack(name: str, folder: Path) -> None:
    """A wheel of an installed distribution, from its installed files (no network)."""
    dist = importlib.metadata.distribution(name)
    wheel_text = dist.read_text("WHEEL") or ""
    # A universal wheel lists py2-none-any and py3-none-any: keep the tag this Python takes.
    tags = re.findall(r"^Tag: (\S+)$", wheel_text, re.MULTILINE)
    tag = next(t for t in tags if t.startswith(("py3", "cp3")))
    base = Path(str(dist.locate_file("")))
    skipped = ("INSTALLER", "REQUESTED", "direct_url.json", "RECORD")
    files = []
    for entry in dist.files or []:
        text = str(entry)
        if text.startswith("..") or "__pycache__" in text or text.rsplit("/", 1)[-1] in skipped:
            continue
        files.append((text, (base / text).read_bytes()))
    info = next(text for text, _ in files if ".dist-info/" in text).split("/")[0]
    record = "".join(f"{n},sha256={autograder._digest(d)},{len(d)}\n" for n, d in files)
    files.append((f"{info}/RECORD", (record + f"{info}/RECORD,,\n").encode()))
    stem = info.removesuffix(".dist-info")
    with zipfile.ZipFile(folder / f"{stem}-{tag}.whl", "w", zipfile.ZIP_STORED) as out:
        for path, data in files:
            out.writestr(path, data)


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheelhouse")
    todo, done = _requirements("hw2check"), set()
    while todo:
        name = todo.pop()
        if name.lower() not in done:
            done.add(name.lower())
            _repack(name, folder)
            todo += _requirements(name)
    return folder


def _bash(script: Path, root: Path, wheelhouse: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(root),
        autograder.ROOT_VARIABLE: str(root),
        "HW2CHECK_PYTHON": sys.executable,
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse),
        "PIP_NO_COMPILE": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    return subprocess.run(
        ["bash", str(script)],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,  # not this checkout, whose hw2check would shadow the installed one
        timeout=600,
        check=False,
    )


def test_setup_and_run_autograder_grade_a_submission(tmp_path: Path, wheelhouse: Path) -> None:
    (tmp_path / "rubric.toml").write_text(RUBRIC, encoding="utf-8")
    zipped = tmp_path / "autograder.zip"
    autograder_args = ["autograder", "--rubric", str(tmp_path / "rubric.toml")]
    from hw2check.cli import main

    assert main([*autograder_args, "--output", str(zipped)]) == 0
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(root / "source")
    setup = _bash(root / "source" / "setup.sh", root, wheelhouse)
    assert setup.returncode == 0, setup.stderr
    # Gradescope copies run_autograder beside source/ and runs it for each submission.
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    (root / "submission" / "alice.toml").write_text(SHEET, encoding="utf-8")
    graded = _bash(root / "run_autograder", root, wheelhouse)
    assert graded.returncode == 0, graded.stderr
    data = json.loads((root / "results" / "results.json").read_text("utf-8"))
    assert set(data) == {"score", "output", "output_format", "tests"}
    assert data["score"] == 2
    assert data["output_format"] == "md"
    assert [(t["name"], t["score"], t["max_score"], t["status"]) for t in data["tests"]] == [
        ("3.1 q3_1.minimizer", 0, 2, "failed"),
        ("3.1 q3_1.step_size", 2, 2, "passed"),
        ("3.1 q3_1.proximity_gradient", 0, 2, "failed"),
        ("3.1 q3_1.gd_converges_for_strictly_convex", 0, 2, "failed"),
        ("4a q4.values.f1", 0, 1, "failed"),
        ("4a q4.values.f2", 0, 1, "failed"),
    ]
    assert all(t["visibility"] == "visible" and t["output_format"] == "md" for t in data["tests"])
    assert "refuted" in data["tests"][0]["output"]
    # the installed hw2check is the shipped wheel, not this checkout
    venv_python = root / autograder.VENV / "bin" / "python"
    where = subprocess.run(
        [str(venv_python), "-c", "import hw2check; print(hw2check.__file__)"],
        capture_output=True,
        text=True,
        cwd=root,
        check=True,
    )
    assert where.stdout.startswith(str(root / autograder.VENV))
