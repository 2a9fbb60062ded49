"""What a question asks for, from its wording: the intent and the obligation slot that answers it.

The question frames are data (corpus/lexicon/intents.yaml), compiled once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .corpus import read_vocabulary


@dataclass
class Intent:
    name: str  # frequency, count, quantity, deadline, date, ratio, who, definition, repeal, effective, lookup
    slot: str | None  # the obligation field that answers it, for structured intents

    @property
    def structured(self) -> bool:
        return self.slot is not None


@lru_cache(maxsize=1)
def _frames() -> tuple[list[tuple[str, str | None, re.Pattern]], re.Pattern]:
    """(name, slot, pattern) in order — the first that matches decides — and the comparison words."""
    data = read_vocabulary("intents.yaml")
    patterns = [(i["name"], i.get("slot"), re.compile("|".join(i["patterns"]))) for i in data["intents"]]
    return patterns, re.compile("|".join(data["comparison"]))


def detect(folded_question: str) -> Intent:
    for name, slot, pattern in _frames()[0]:
        if pattern.search(folded_question):
            return Intent(name, slot)
    return Intent("lookup", None)


def wants_comparison(folded_question: str, cities_mentioned: list[str]) -> bool:
    return len(cities_mentioned) >= 2 or (len(cities_mentioned) == 1 and bool(
        _frames()[1].search(folded_question)))
