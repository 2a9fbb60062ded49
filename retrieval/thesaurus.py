"""Synonyms of everyday Chinese: HIT's 同义词词林扩展版 (Cilin, extended), as shipped by the
WordSimilarity package (Apache 2.0). Only its "=" groups (true synonyms) are used, not "#" (related).

A question says 露天, the regulation 室外; 狗 and 犬; 推诿 and 推脱. The lexicon's synonyms.yaml stays
the place for the documents' own vocabulary; this is the language's.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from .frequencies import WordTable


def _cilin_path() -> Path | None:
    spec = importlib.util.find_spec("word_similarity")
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).resolve().parent.parent / "data" / "cilin_ex.txt"
    return path if path.exists() else None


def _group_rows(path: Path):
    """word → the synonym groups it belongs to, each group's words space-separated, groups by "|"."""
    out: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        code, _, rest = line.partition(" ")
        group = rest.split()
        if not code.endswith("=") or len(group) < 2:
            continue
        for w in group:
            out.setdefault(w, []).append(" ".join(group))
    return ((w, "|".join(groups)) for w, groups in out.items())


_groups = WordTable("cilin", _cilin_path(), _group_rows)


@lru_cache(maxsize=8192)
def synonyms(word: str) -> tuple[str, ...]:
    """The word's synonyms; single characters only for a single-character word (口 is no synonym of 人员)."""
    found: dict[str, None] = {}
    for group in (_groups.get(word) or "").split("|"):
        for w in group.split():
            if w != word and (len(w) > 1 or len(word) == 1):
                found[w] = None
    return tuple(found)
