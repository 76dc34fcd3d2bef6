"""A class of 200 distinct generated sheets, some bad, graded to one CSV with two workers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bench.bench_grading import BAD_EVERY, distinct_sheet, grade_class, write_class


def test_generated_sheets_are_distinct_and_some_are_bad() -> None:
    texts = [distinct_sheet(student) for student in range(200)]
    assert len(set(texts)) == 200
    assert sum('step_size = "1/"' in text for text in texts) == 200 // BAD_EVERY


@pytest.mark.subprocess
def test_a_class_of_200_sheets_gives_200_rows(tmp_path: Path) -> None:
    paths = write_class(tmp_path, 200)
    _, table = grade_class(paths, jobs=2)
    records = list(csv.DictReader(io.StringIO(table)))
    assert [record["path"] for record in records] == paths
    bad = [record for record in records if record["status"] == "input error"]
    assert len(bad) == 200 // BAD_EVERY
    assert all(record["score"] == "0" for record in bad)
    assert {record["status"] for record in records} == {"checked", "input error"}
    assert {record["max_score"] for record in records} == {"31"}
    good = [record for record in records if record["status"] == "checked"]
    assert all(record["q3_2.bound"] == "proved" for record in good)
    assert len({record["score"] for record in good}) > 1
