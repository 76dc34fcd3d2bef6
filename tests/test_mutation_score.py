"""The mutation-score script: its interval and how it reads the reasons files."""

from __future__ import annotations

import pytest

from mutation.score import blocks, key, module_of, score, wilson


def test_the_wilson_interval_contains_the_observed_share_and_narrows() -> None:
    low, high = wilson(900, 1000)
    assert low == pytest.approx(0.8798, abs=1e-4) and high == pytest.approx(0.9171, abs=1e-4)
    wide = wilson(90, 100)
    assert wide[0] < low < 0.9 < high < wide[1]
    assert wilson(0, 0) == (0.0, 1.0)


def test_reasons_are_read_by_function_and_diff_whatever_the_number() -> None:
    text = [
        "# comment",
        "## proofs.x.x_f__mutmut_3",
        "-    a = 1",
        "+    a = 2",
        "reason: equivalent: a is never read",
        "",
        "## proofs.x.x_g__mutmut_1",
        "reason: unreachable: g is never called",
    ]
    found = list(blocks(text))
    assert found == [
        ("proofs.x.x_f__mutmut_3", ["-    a = 1", "+    a = 2"], "equivalent: a is never read"),
        ("proofs.x.x_g__mutmut_1", [], "unreachable: g is never called"),
    ]
    assert key("proofs.x.x_f__mutmut_9", ["-  a = 1", "+ a   = 2"]) == key(*found[0][:2])
    assert module_of("proofs.x.xǁCǁm__mutmut_1") == "proofs.x"
    assert module_of("hw2check.cli.x__seconds__mutmut_11") == "hw2check.cli"


def test_only_skipped_mutants_leave_the_total() -> None:
    statuses = {"a": "killed", "b": "caught by type check", "c": "survived", "d": "skipped"}
    statuses |= {"e": "no tests", "f": "timeout", "g": "not checked"}
    assert score(statuses) == (3, 6)
