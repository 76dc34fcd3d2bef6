"""Hostile-input fuzzing: whatever text or TOML arrives, the loader and the parser either
return a result or raise the documented ``InputError``, quickly; never anything else."""

from __future__ import annotations

import re
from typing import Any

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from hw2check.errors import ExpressionError, InputError
from hw2check.expressions import FUNCTIONS, parse_condition, parse_expression
from hw2check.sheet import SYMBOLS, Sheet, parse_sheet
from tests.toml_text import toml_document

# Each example must finish well inside this bound: it is a guard against hangs (the size
# limits run before any algebra), not a speed target.
BOUNDED = settings(deadline=3000)

TOKENS = st.sampled_from(
    [
        *SYMBOLS,
        *FUNCTIONS,
        "(",
        ")",
        "+",
        "-",
        "*",
        "/",
        "**",
        "^",
        ",",
        ".",
        "0",
        "1",
        "2.5",
        "1e-3",
        "10000",
        "99999",
        "9e9999",
        " ",
        "<",
        ">=",
        " and ",
        "__import__",
        "'s'",
        "[0]",
        "lambda",
        ":",
        ";",
        "=",
        "x",
        "\\",
        "\n",
    ]
)
EXPRESSION_TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(TOKENS, max_size=60).map("".join),
)


def expression_outcome(text: str) -> sympy.Expr | None:
    try:
        return parse_expression(text, SYMBOLS)
    except ExpressionError as error:
        assert str(error) and "\n" not in str(error)
        return None


@BOUNDED
@given(EXPRESSION_TEXT)
def test_any_text_is_an_expression_or_an_expression_error(text: str) -> None:
    result = expression_outcome(text)
    if result is not None:
        assert isinstance(result, sympy.Basic)
        assert not result.has(sympy.zoo, sympy.nan)


@BOUNDED
@given(EXPRESSION_TEXT)
def test_any_text_is_a_condition_or_an_expression_error(text: str) -> None:
    try:
        relations = parse_condition(text, {"eta": sympy.Symbol("eta", real=True)})
    except ExpressionError:
        return
    assert relations and all(isinstance(r, sympy.Basic) for r in relations)


def test_the_fuzzer_can_tell_an_accepted_expression_from_a_refused_one() -> None:
    assert expression_outcome("lam*(w - w_t)") is not None
    assert expression_outcome("lam.real") is None


# --- TOML documents built from the schema, with random values ----------------------------

SCHEMA: dict[str, list[str]] = {
    "sheet": ["title", "author"],
    "q3_1": ["minimizer", "step_size", "proximity_gradient", "gd_converges_for_strictly_convex"],
    "q3_2": ["bound"],
    "q3_3": ["bound"],
    "q4": [
        "values",
        "fd_step",
        "fd_scheme",
        "finite_difference",
        "forward_mode",
        "reverse_mode",
        "methods_agree",
        "graph_f1",
        "graph_f2",
    ],
    "q5": ["circulant_commutes_with_shift", "only_circulants_commute_with_shift"],
    "q6": [
        "sgd_always_decreases",
        "components",
        "start",
        "picked",
        "step_sizes",
        "next_iterate",
        "next_iterate_sign",
        "real_roots",
        "nonreal_roots",
    ],
}

SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    EXPRESSION_TEXT,
    st.sampled_from(["forward", "central", "backward", "positive", "eta > 0", "w**2", "a*b"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["a", "b", "c", "f", "w1", "x y"]), inner, max_size=4),
    ),
    max_leaves=12,
)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    document: dict[str, Any] = {}
    tables = draw(st.lists(st.sampled_from([*SCHEMA, "q7", "extra"]), unique=True, max_size=5))
    if draw(st.booleans()):
        document["sheet"] = {"title": draw(st.text(max_size=20))}
    for table in tables:
        keys = SCHEMA.get(table, ["k"])
        names = st.one_of(st.sampled_from([*keys, "unknown"]), st.text(max_size=8))
        chosen = draw(st.lists(names, unique=True, max_size=6))
        document[table] = {key: draw(VALUES) for key in chosen}
    return document


def sheet_outcome(text: str) -> Sheet | None:
    try:
        return parse_sheet(text, "fuzz.toml")
    except InputError as error:
        # Every error of the sheet, one line each, each at its place in the file.
        for line in str(error).split("\n"):
            assert re.match(r"fuzz\.toml(:\d+:\d+)?: \S", line), line
        return None


@BOUNDED
@given(documents())
def test_schema_shaped_documents_load_or_give_the_documented_error(
    document: dict[str, Any],
) -> None:
    result = sheet_outcome(toml_document(document))
    if result is not None:
        assert isinstance(result, Sheet)


@BOUNDED
@given(st.text(max_size=400))
def test_arbitrary_text_loads_or_gives_the_documented_error(text: str) -> None:
    result = sheet_outcome(text)
    if result is not None:
        assert isinstance(result, Sheet)


def test_the_document_writer_round_trips_a_valid_sheet() -> None:
    document = {
        "sheet": {"title": "t"},
        "q3_1": {"minimizer": "w_t - g/lam"},
        "q4": {"fd_step": 0.01},
    }
    parsed = sheet_outcome(toml_document(document))
    assert parsed is not None and parsed.q3_1.minimizer is not None
