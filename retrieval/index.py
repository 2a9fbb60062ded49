"""Article-level BM25 (rank-bm25) over all documents, filtered per query to the documents in scope."""
from __future__ import annotations

import math

import numpy as np
from rank_bm25 import BM25Okapi

from .models import Article, Document
from .tokenize import Tokenizer


def article_text(doc: Document, article: Article) -> str:
    """What is indexed for an article: its heading and body (the part heading adds topic words)."""
    return f"{article.part}\n{article.heading}\n{article.body}"


class ArticleIndex:
    def __init__(self, documents: list[Document], tokenizer: Tokenizer):
        self.tokenizer = tokenizer
        self.articles: list[Article] = [a for d in documents for a in d.articles]
        self.doc_of: list[str] = [a.doc_number for a in self.articles]
        self.tokens = [tokenizer.words(article_text(d, a)) for d in documents for a in d.articles]
        self.vocab_df: dict[str, int] = {}
        for toks in self.tokens:
            for w in set(toks):
                self.vocab_df[w] = self.vocab_df.get(w, 0) + 1
        self.bm25 = BM25Okapi(self.tokens) if self.articles else None
        self.token_sets = [set(t) for t in self.tokens]

    def idf(self, word: str) -> float:
        """Smoothed idf that stays positive; a word the corpus never uses gets the highest value."""
        n = len(self.articles)
        df = self.vocab_df.get(word, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def scores(self, query_words: list[str]) -> np.ndarray:
        if self.bm25 is None or not query_words:
            return np.zeros(len(self.articles))
        return self.bm25.get_scores(query_words)

    def search(self, query_words: list[str], docs: set[str] | None = None, top: int = 10) -> list[tuple[int, float]]:
        scores = self.scores(query_words)
        order = np.argsort(-scores, kind="stable")
        out = []
        for i in order:
            if docs is not None and self.doc_of[i] not in docs:
                continue
            if scores[i] <= 0:
                break
            out.append((int(i), float(scores[i])))
            if len(out) >= top:
                break
        return out

    def search_scores(self, scores: np.ndarray, docs: set[str] | None, top: int) -> list[tuple[int, float]]:
        """Like search() but over scores already computed for the question."""
        order = np.argsort(-scores, kind="stable")
        out = []
        for i in order:
            if scores[i] <= 0 or len(out) >= top:
                break
            if docs is None or self.doc_of[i] in docs:
                out.append((int(i), float(scores[i])))
        return out
