"""A TOML document written from Python values, for tests that build sheets (any value the
fuzzers draw, including nan and inf, which TOML spells as words)."""

from __future__ import annotations

import json
import math
from typing import Any


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # JSON string escapes are valid TOML basic-string escapes
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(document: dict[str, Any]) -> str:
    lines = []
    for table, entries in document.items():
        lines.append(f"[{table}]")
        lines += [f"{json.dumps(key)} = {toml_value(value)}" for key, value in entries.items()]
    return "\n".join(lines) + "\n"
