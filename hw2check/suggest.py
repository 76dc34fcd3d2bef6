"""Did you mean": the nearest allowed word to a misspelt key, table, symbol or function."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from types import MappingProxyType

# Spellings that are not misprints but another notation for an allowed word.
SYNONYMS: Mapping[str, str] = MappingProxyType(
    {
        "lambda": "lam",
        "Lambda": "lam",
        "λ": "lam",
        "Λ": "lam",
        "η": "eta",
        "sigma": "sigmoid",
        "σ": "sigmoid",
    }
)


def closest(word: str, options: Sequence[str], cutoff: float = 0.6) -> str | None:
    """The option ``word`` most likely stands for, or None when none is close."""
    synonym = SYNONYMS.get(word)
    if synonym is not None and synonym in options:
        return synonym
    folded = {option.lower(): option for option in options}
    if word.lower() in folded and folded[word.lower()] != word:
        return folded[word.lower()]
    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    return matches[0] if matches else None
