"""The period vocabulary (corpus/lexicon/periods.yaml): canonical forms, lengths and calendar rules.

Obligations name their period in canonical form ("每季度", "每2周", "每3个月"); duty lists order them
and write them as iCalendar rules from here, so a period word is known in one place.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .corpus import read_vocabulary
from .text import cn_to_int


@lru_cache(maxsize=1)
def _vocabulary() -> dict:
    return read_vocabulary("periods.yaml")


def unit_words() -> list[str]:
    """Every period word as written, longest first (for regex alternations)."""
    return sorted(_vocabulary()["units"], key=len, reverse=True)


def alone_words() -> dict[str, str]:
    """Words that state a period on their own → its canonical form ("全年" → "每年")."""
    return dict(_vocabulary().get("alone") or {})


def compact() -> tuple[list[str], list[str]]:
    """(units, verbs) of a rhythm stated without 每: "周调度、月分析"."""
    c = _vocabulary().get("compact") or {}
    return list(c.get("units") or []), list(c.get("verbs") or [])


def order() -> list[str]:
    """The canonical periods in the order duty lists show them."""
    return list(_vocabulary()["order"])


def canonical_period(unit: str, n: str | None = None) -> str:
    """("季", None) → "每季度", ("周", "2") → "每2周", ("月", "三") → "每3个月"."""
    unit = _vocabulary()["units"].get(unit, unit)
    k = cn_to_int(n) if n else None
    if k and k > 1:
        return f"每{k}{'个月' if unit == '月' else unit}"
    return f"每{unit}"


@lru_cache(maxsize=1)
def _canonical_pattern() -> re.Pattern:
    return re.compile(rf"每(\d+)?({'|'.join(map(re.escape, unit_words()))})")


def _split(period: str) -> tuple[int, str] | None:
    """"每3个月" → (3, "月"); None when it is not a canonical period."""
    m = _canonical_pattern().fullmatch(period or "")
    if not m:
        return None
    return int(m.group(1) or 1), _vocabulary()["units"][m.group(2)]


def period_days(period: str) -> float:
    """Length in days (10 000 for what is no period), for ordering."""
    found = _split(period)
    return found[0] * _vocabulary()["days"][found[1]] if found else 10_000


def period_order(period: str) -> tuple:
    """Sort key: the listed periods in their order, then the others by length."""
    listed = order()
    return (listed.index(period) if period in listed else len(listed), period_days(period), period)


def rrule_for(period: str) -> dict | None:
    """每季度 → {'FREQ': 'MONTHLY', 'INTERVAL': 3}; None for a period with no calendar rhythm."""
    found = _split(period)
    if not found:
        return None
    n, unit = found
    if unit == "工作日":
        return {"FREQ": "WEEKLY", "BYDAY": ["MO", "TU", "WE", "TH", "FR"]}
    freq, interval = _vocabulary()["rrule"][unit]
    interval *= n
    return {"FREQ": freq, "INTERVAL": interval} if interval > 1 else {"FREQ": freq}
