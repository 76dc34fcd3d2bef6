"""Fuzzing the reports: hypothesis-generated valid sheets, with untrusted text everywhere,
rendered to every format under a wall clock.

Every output must come back in bounded time, without a raw control, bidirectional or
zero-width character, and (JSON) decode to the same text. The examples are few, so CI
stays fast; each one still renders all four formats, figures included.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hw2check.cli import FORMATS
from hw2check.errors import InputError, hidden
from hw2check.formats import render
from hw2check.ledger import Ledger, Row, Verdict
from hw2check.sheet import parse_sheet
from tests.test_hostile import _rows, wall_clock
from tests.toml_text import toml_document

NUMBERS = st.sampled_from(["1", "2", "0.5", "1/3", "3", "10", "0.001"])
FUNCTIONS = st.sampled_from(["sin", "cos", "exp", "sigmoid", "sqrt", "Abs", "tan", "log"])
# Text of any kind a sheet may hold, hidden characters included (BMP only: the TOML writer
# escapes through JSON, which would split the others into surrogates).
TEXT = st.text(st.characters(codec="utf-8", max_codepoint=0xFFFF), max_size=40) | st.sampled_from(
    ["\x1b[31mred\x1b[0m", "a\u202eb\u2066c\u200b", "\r\n\x00\x07\x85\x9f"]
)


def expressions(names: list[str]) -> st.SearchStrategy[str]:
    leaves = st.sampled_from(names) | NUMBERS
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
                lambda t: f"({t[0]}) {t[1]} ({t[2]})"
            ),
            st.tuples(inner, st.integers(2, 3)).map(lambda t: f"({t[0]})**{t[1]}"),
            st.tuples(FUNCTIONS, inner).map(lambda t: f"{t[0]}({t[1]})"),
        ),
        max_leaves=6,
    )


@st.composite
def graphs(draw: st.DrawFn) -> dict[str, str]:
    nodes: dict[str, str] = {}
    for number in range(draw(st.integers(1, 4))):
        nodes[f"n{number}"] = draw(expressions(["w1", "w2", *nodes]))
    return nodes


@st.composite
def sheets(draw: st.DrawFn) -> dict[str, Any]:
    document: dict[str, Any] = {"sheet": {"title": draw(TEXT), "author": draw(TEXT)}}
    document["q3_2"] = {"bound": draw(expressions(["eta", "T", "wstar_sq", "sum_v_sq"]))}
    document["q4"] = {
        "fd_step": draw(st.sampled_from([0.01, 0.5, "1e-3"])),
        "values": [draw(st.floats(-10, 10)), draw(st.floats(-10, 10))],
        "graph_f1": draw(graphs()),
    }
    document["q6"] = {
        "components": draw(st.lists(expressions(["w"]), min_size=2, max_size=3)),
        "start": draw(NUMBERS),
        "picked": 1,
        "step_sizes": draw(st.sampled_from(["eta > 0", "0 < eta < 1", "eta < 1/2 and eta > 0"])),
        "real_roots": draw(st.integers(0, 4)),
    }
    return document


@settings(max_examples=6, deadline=None)
@given(sheets(), TEXT)
def test_any_valid_sheet_renders_in_every_format_in_bounded_time(
    document: dict[str, Any], evidence: str
) -> None:
    path = f"fuzz{evidence[:8]}.toml"
    try:
        sheet = parse_sheet(toml_document(document), path)
    except InputError:  # an expression with no finite value, say: not a report's concern
        return
    rows = tuple(
        Row(row.id, row.question, evidence, Verdict.REFUTED, evidence, evidence, {"w": evidence}, 0)
        for row in _rows(sheet)
    )
    ledger = Ledger(sheet.path, sheet.title, rows)
    with wall_clock(90):
        outputs = {fmt: render([ledger], fmt, [sheet]) for fmt in FORMATS}
    for fmt, text in outputs.items():
        assert not [ch for ch in text if hidden(ch) and ch not in "\n\t"], fmt
    decoded = json.loads(outputs["json"])
    assert decoded["sheet"] == {"path": path, "title": sheet.title}
    assert {claim["evidence"] for claim in decoded["claims"]} <= {evidence}
