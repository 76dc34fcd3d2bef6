"""A corpus of bad input and the exact message each one gets (``tests/snapshots/messages.json``).

The corpus is generated: every key of the seed sheet is given each value of ``WRONG`` in
turn, and expressions, conditions and numbers get texts from ``EXPRESSIONS``.  The messages
were reviewed when recorded; the test compares them character for character, so a changed
word, offset or allowed-list fails.  Refresh after a deliberate change, then review the diff:
``python -m tests.messages``.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hw2check.errors import InputError
from hw2check.expressions import parse_condition, parse_expression
from hw2check.numbers import read_number
from hw2check.sheet import SGD_ETA, parse_sheet, seed_text, symbols
from tests.toml_text import toml_document

MESSAGES = Path(__file__).parent / "snapshots" / "messages.json"

# Values of every shape: each is wrong for most keys and right for a few.
WRONG: list[Any] = [
    True,
    -3,
    0,
    7,
    2.5,
    "",
    "w +",
    "zeta",
    "x.y",
    "f(w)",
    "2**100000",
    "(" * 60 + "1" + ")" * 60,
    "1" * 1001,
    "sideways",
    "1e400000",
    "eta > 0 or eta < 1",
    [1, 2],
    ["a", "b", "c"],
    [[1, 2], [3]],
    [[1, 2], [3, 4]],
    [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
    {"x": 1},
]

EXPRESSIONS = [
    "w ++",
    "w = 1",
    "lambda: 1",
    "[w]",
    "w[0]",
    "w.real",
    "'w'",
    "f'{w}'",
    "w if w else 1",
    "w @ w",
    "w // 2",
    "w % 2",
    "w << 1",
    "not w",
    "w < 1",
    "exp(w, w)",
    "exp()",
    "exp(x=w)",
    "max(w, 1)",
    "(w)(1)",
    "Abs(*w)",
    "w ** 10001",
    "10001 * w",
    "2 ** 2 ** 2 ** 2 ** 2",
    "1/0",
    "log(0)",
    "0**-1",
    "1e99999",
    "0x10",
    "1_000",
    "1j",
    "\x00",
    "w\n+ 1",
    "é + w",
    "sqrt(-1)",
    "w" + " + w" * 300,
    "-" * 60 + "w",
    "sigmoid(w) + tan(w) + ln(w) + abs(w) + cos(w)",
    "w^2 + w**2",
    "1.5e-3 * w",
    "3.",
    ".5",
    "w > 0 and",
    "0 < w < 1 and w != 2",
    "w == 1",
    "w >= 1 >= 0",
    "eta > 0 and 1",
    "(eta > 0)",
    "eta > 0 > eta",
    "eta < 1 and eta > 2",
    "eta > sqrt(-1)",
]

NUMBERS: list[Any] = [
    "0.3510",
    "-0",
    "1e-3",
    "1E+2",
    ".5",
    "5.",
    "+1",
    " 1",
    "1/3",
    "0x1",
    "nan",
    "inf",
    float("nan"),
    float("inf"),
    True,
    None,
    [1],
    "1" * 5000,
    10**30,
    1.0e-300,
]


def seed_document() -> dict[str, Any]:
    return tomllib.loads(seed_text())


def keys(document: dict[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for key, value in document.items():
        if isinstance(value, dict):
            yield from keys(value, (*prefix, key))
        else:
            yield (*prefix, key)


def replaced(document: Any, path: tuple[str, ...], value: Any) -> Any:
    if not path:
        return value
    return {**document, path[0]: replaced(document.get(path[0]), path[1:], value)}


def without(document: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    head, *rest = path
    if not rest:
        return {k: v for k, v in document.items() if k != head}
    return {**document, head: without(document[head], tuple(rest))}


def sheet_texts() -> Iterator[str]:
    seed = seed_document()
    for path in keys(seed):
        for value in WRONG:
            yield toml_document(replaced(seed, path, value))
        yield toml_document(replaced(seed, (*path[:-1], "extra_" + path[-1]), 1))
        if path[0] != "sheet":
            yield toml_document(without(seed, path))
    yield toml_document({**seed, "q8": {"x": 1}})
    yield "sheet = 1\n"
    yield toml_document({**seed, "q4": {**seed["q4"], "graph_f1": {}}})
    yield toml_document({**seed, "q4": {**seed["q4"], "graph_f1": {"1a": "w1"}}})
    yield toml_document({**seed, "q4": {**seed["q4"], "graph_f1": {"w1": "w2"}}})
    yield toml_document({**seed, "q4": {**seed["q4"], "graph_f1": {"a": "b", "b": "w1"}}})
    yield "[sheet]\ntitle = 'x'\n[sheet]\n"
    yield "not toml at all = = ="


def outcome(read: Callable[[Any], object], raw: Any) -> str:
    """The message of the input error that ``read(raw)`` raises, or ``accepted``."""
    try:
        read(raw)
    except InputError as error:
        return str(error)
    return "accepted"


READERS: dict[str, Callable[[Any], object]] = {
    "sheet": lambda text: parse_sheet(text, "bad.toml"),
    "expression": lambda text: parse_expression(text, symbols("w")),
    "condition": lambda text: parse_condition(text, {"eta": SGD_ETA}),
    "number": read_number,
}


def corpus() -> Iterator[tuple[str, Any]]:
    for text in sheet_texts():
        yield "sheet", text
    for text in EXPRESSIONS:
        yield "expression", text
        yield "condition", text
    for raw in NUMBERS:
        yield "number", raw


def record(only: str | None = None) -> list[dict[str, Any]]:
    """Each case of the corpus (of kind ``only``, if given) with the message it gets."""
    return [
        {"kind": kind, "input": repr(raw), "message": outcome(READERS[kind], raw)}
        for kind, raw in corpus()
        if only in (None, kind)
    ]


def load(only: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(MESSAGES.read_text("utf-8"))
    return [case for case in cases if case["kind"] == only]


def main() -> None:
    MESSAGES.write_text(json.dumps(record(), indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {MESSAGES}", file=sys.stderr)


if __name__ == "__main__":
    main()
