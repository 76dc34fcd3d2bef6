"""The ledger's rows and JSON, in process (the command's JSON is tested in test_cli)."""

from __future__ import annotations

import pytest

from hw2check.ledger import (
    SCHEMA,
    Check,
    Derivation,
    Ledger,
    Row,
    Verdict,
    checked,
    proved,
    refuted,
    undecided,
)


def row(outcome_verdict: Verdict) -> Row:
    outcome = {
        Verdict.PROVED: proved("m", "e"),
        Verdict.CHECKED: checked("m", "e"),
        Verdict.REFUTED: refuted("m", "e", {"x": "1/2"}),
        Verdict.UNDECIDED: undecided("m", "e"),
    }[outcome_verdict]
    return Row.of(Check("q3_1.minimizer", "3.1", "s", proved), outcome, 0.12345)


def test_row_json_has_exactly_the_contract_fields() -> None:
    data = row(Verdict.REFUTED).to_json()
    assert list(data) == [
        "id",
        "question",
        "statement",
        "verdict",
        "method",
        "evidence",
        "witness",
        "seconds",
    ]
    assert data["id"] == "q3_1.minimizer" and data["question"] == "3.1"
    assert data["statement"] == "s" and data["verdict"] == "refuted"
    assert data["method"] == "m" and data["evidence"] == "e"
    assert data["witness"] == {"x": "1/2"} and data["seconds"] == 0.123
    assert "witness" not in row(Verdict.PROVED).to_json()


def test_ledger_json_counts_every_verdict() -> None:
    rows = tuple(row(verdict) for verdict in (*Verdict, Verdict.PROVED))
    data = Ledger("p.toml", "T", rows).to_json()
    assert data["schema"] == SCHEMA == "hw2check/ledger-1"
    assert data["sheet"] == {"path": "p.toml", "title": "T"}
    assert data["summary"] == {"proved": 2, "checked": 1, "refuted": 1, "undecided": 1}
    assert len(data["claims"]) == 5
    assert Ledger("p", "T", rows).refuted
    assert not Ledger("p", "T", rows[:2]).refuted


def test_outcomes_keep_the_evidence_rules() -> None:
    with pytest.raises(ValueError, match="witness"):
        refuted("m", "e", {})
    with pytest.raises(ValueError):
        Check("x", "9", "s", proved)


def test_derivation_holds_only_when_every_step_does() -> None:
    good = Derivation((("a", True), ("b", True)))
    bad = Derivation((("a", True), ("b", False)))
    assert good.holds and not bad.holds
    assert bad.text() == "  [ok] a\n  [FAILED] b"


def test_every_evidence_rule_has_its_own_message() -> None:
    from hw2check.ledger import Outcome, Verdict, checked, undecided

    with pytest.raises(ValueError) as needs:
        refuted("m", "e", {})
    assert str(needs.value) == "a refuted outcome needs a witness"
    with pytest.raises(ValueError) as none:
        Outcome(Verdict.PROVED, "m", "e", {"x": "1"})
    assert str(none.value) == "a proved outcome has no witness (only refuted rows do)"
    with pytest.raises(ValueError) as strings:
        Outcome(Verdict.REFUTED, "m", "e", {"x": 1})  # type: ignore[dict-item]
    assert str(strings.value) == "witness keys and values are strings"
    with pytest.raises(ValueError) as question:
        Check("x", "9", "s", proved)
    assert str(question.value) == "unknown question '9'"
    assert checked("m", "e") == Outcome(Verdict.CHECKED, "m", "e", None)
    assert undecided("m", "e") == Outcome(Verdict.UNDECIDED, "m", "e", None)
    assert refuted("m", "e", {"x": "1"}).witness == {"x": "1"}


def test_questions_are_selected_by_prefix() -> None:
    from hw2check.ledger import selected

    assert selected("4a", None) and selected("4a", ["4"]) and selected("3.2", ["3.2", "7"])
    assert not selected("4a", ["3"]) and not selected("3.1", ["3.2"]) and not selected("7", [])
