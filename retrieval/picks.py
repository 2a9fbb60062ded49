"""A question as the pickers see it, and the clause a picker chose: shared by the engine and its pickers."""
from __future__ import annotations

from dataclasses import dataclass

from .facts import FactType
from .models import Article, Obligation


@dataclass
class Query:
    fq: str  # folded text
    words: list[str]  # search-mode topic words (ranking)
    topic: list[str]  # precise-mode topic words (coverage)
    scores: object  # BM25 score of every article
    role: str | None = None
    ftype: FactType | None = None  # the kind of fact asked (retrieval/facts.py)
    focus: str | None = None  # what the amount or date is asked of ("退休年龄是多少"): the answer must name it


@dataclass
class Pick:
    article: Article
    first_line: str
    quote: str
    score: float
    coverage: float
    obligation: Obligation | None = None
