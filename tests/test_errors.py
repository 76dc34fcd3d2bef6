"""Input errors: where, what and what is allowed, always on one visible line."""

from __future__ import annotations

import pytest

from hw2check.errors import ExpressionError, InputError, SheetError, visible
from hw2check.expressions import parse_expression


def test_control_and_format_characters_are_shown_as_escapes() -> None:
    assert visible("a\x1b[31mb\u202ec\té  \n d\x7f") == "a\\x1b[31mb\\u202ec é d\\x7f"


def test_the_first_location_given_is_kept() -> None:
    error = SheetError("bad", "good").located(file="f\nx.toml")
    error.located(file="g", key="k").located(key="j")
    assert (error.file, error.key) == ("f\nx.toml", "k")
    assert str(error) == "f\\nx.toml: k: bad; good"
    assert str(SheetError("p")) == "p"
    assert str(SheetError("p").located(key="t.k")) == "t.k: p"
    assert str(ExpressionError("p", offset=0)) == "p (at character 1)"
    assert ExpressionError("p").offset is None


def test_unknown_names_are_named_with_what_is_allowed() -> None:
    with pytest.raises(InputError) as symbol:
        parse_expression("x", {})
    assert str(symbol.value) == "unknown symbol 'x' (at character 1); symbols allowed here: none"
    assert (getattr(symbol.value, "symbol", None), getattr(symbol.value, "offset", None)) == (
        "x",
        0,
    )
    with pytest.raises(InputError) as function:
        parse_expression("1 + foo(1)", {})
    assert str(function.value) == (
        "unknown function 'foo' (at character 5); "
        "functions allowed: Abs, abs, cos, exp, ln, log, sigmoid, sin, sqrt, tan"
    )
    assert getattr(function.value, "function", None) == "foo"
