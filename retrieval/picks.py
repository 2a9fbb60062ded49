"""A question as the pickers see it, and the clause a picker chose: shared by the engine and its pickers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .facts import FactType
from .gate import Gate
from .in_force import Register, Status
from .index import ArticleIndex
from .models import Article, Document, Obligation
from .scope import Scope
from .tokenize import Tokenizer


@dataclass
class Query:
    fq: str  # folded text
    words: list[str]  # search-mode topic words (ranking)
    topic: list[str]  # precise-mode topic words (coverage)
    scores: object  # BM25 score of every article
    role: str | None = None
    ftype: FactType | None = None  # the kind of fact asked (retrieval/facts.py)
    focus: str | None = None  # what the amount or date is asked of ("退休年龄是多少"): the answer must name it
    asked: list[str] | None = None  # a who-question's own words ("宣誓仪式谁来组织" → 组织): the body does that
    amounts: dict[str, float] | None = None  # amounts the asker states ("二十几个人" → 人: 20)


@dataclass
class Pick:
    article: Article
    first_line: str
    quote: str
    score: float
    coverage: float
    obligation: Obligation | None = None


class Context(Protocol):
    """What the pickers (duty_pick, whole_documents) read of the engine that passes itself to them."""

    by_number: dict[str, Document]
    index: ArticleIndex
    obligations: list[Obligation]
    tokenizer: Tokenizer
    gate: Gate
    first_line: int
    scope: Scope
    register: Register

    def standing(self, doc_number: str) -> Status: ...

    def position(self, o: Obligation) -> int: ...

    def index_of(self, doc_number: str, article_index: int) -> int: ...

    def duties_of(self, position: int) -> list[int]: ...


    def duty_words(self, i: int) -> frozenset[str]: ...

    def duty_text(self, i: int) -> str: ...

    def synonym_words(self, word: str) -> list[str]: ...

    def idf_weight(self, word: str) -> float: ...

    def coverage(self, words: list[str], tokens, text: str = "") -> float: ...

    def query_words(self, fq: str, precise: bool = False) -> list[str]: ...
