"""The exact message of every case in the bad-input corpus (``tests/messages.py``)."""

from __future__ import annotations

import pytest

from tests import messages


@pytest.mark.parametrize("kind", sorted(messages.READERS))
def test_every_bad_input_gets_its_recorded_message(kind: str) -> None:
    found = messages.record(kind)
    wanted = messages.load(kind)
    assert [case["input"] for case in found] == [case["input"] for case in wanted]
    wrong = [(f, w["message"]) for f, w in zip(found, wanted, strict=True) if f != w]
    assert not wrong, wrong[:3]


def test_the_corpus_reaches_every_key_and_most_cases_are_refused() -> None:
    cases = messages.load("sheet")
    refused = [case for case in cases if case["message"] != "accepted"]
    assert len(refused) > 0.8 * len(cases)
    for path in messages.keys(messages.seed_document()):
        assert any(f" {'.'.join(path)}: " in case["message"] for case in refused), path


def test_a_changed_word_is_caught() -> None:
    (case,) = [c for c in messages.load("sheet") if "unknown table ['q8']" in c["message"]]
    assert messages.outcome(messages.READERS["sheet"], "[q8]\n") != case["message"]
    assert case["message"].startswith("bad.toml:35:2: q8: unknown table ['q8']; ")
