"""BM25 over a sparse term–article matrix: rank-bm25's BM25Okapi, scored by column gathers.

rank-bm25 walks every article for every query word (O(articles × words) in Python/numpy). Here each
word's column holds only the articles that contain it, with its BM25 weight precomputed, so a
question costs the length of its words' posting lists. The formula, idf floor included, is
BM25Okapi's: tests check the scores equal rank-bm25's on the same tokens.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

FORMAT = 1


class SparseBM25:
    def __init__(self, vocab: dict[str, int], indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray,
                 n_docs: int, idf: np.ndarray):
        self.vocab = vocab  # word → column
        self.indptr = indptr  # column j's postings are indices/weights[indptr[j]:indptr[j+1]]
        self.indices = indices  # article numbers (int32)
        self.weights = weights  # precomputed idf × saturated tf (float32)
        self.n_docs = n_docs
        self.idf = idf

    @classmethod
    def build(cls, docs: list[list[str]] | list[dict[str, int]], k1: float = 1.5, b: float = 0.75,
              epsilon: float = 0.25) -> "SparseBM25":
        """docs: each article's tokens (or its word → count mapping)."""
        vocab: dict[str, int] = {}
        rows, cols, tfs = [], [], []
        lengths = np.zeros(len(docs), dtype=np.float64)
        for d, doc in enumerate(docs):
            counts: dict[str, int] = doc if isinstance(doc, dict) else _count(doc)
            lengths[d] = sum(counts.values())
            for word, tf in counts.items():
                rows.append(d)
                cols.append(vocab.setdefault(word, len(vocab)))
                tfs.append(tf)
        n = len(docs)
        col = np.asarray(cols, dtype=np.int64)
        row = np.asarray(rows, dtype=np.int32)
        tf = np.asarray(tfs, dtype=np.float64)
        df = np.bincount(col, minlength=len(vocab)).astype(np.float64)
        # BM25Okapi.idf: log((N - df + 0.5) / (df + 0.5)); negative values floored at epsilon × mean idf
        idf = np.log(n - df + 0.5) - np.log(df + 0.5)
        if len(idf):
            floor = epsilon * idf.mean()
            idf = np.where(idf < 0, floor, idf)
        avgdl = lengths.mean() if n else 0.0
        norm = k1 * (1 - b + b * lengths[row] / (avgdl or 1.0))
        weights = idf[col] * tf * (k1 + 1) / (tf + norm)
        order = np.argsort(col, kind="stable")
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(df.astype(np.int64))
        return cls(vocab, indptr, row[order], weights[order].astype(np.float32), n, idf)

    def get_scores(self, query: list[str]) -> np.ndarray:
        """Every article's score; a word repeated in the query counts again, as in rank-bm25."""
        scores = np.zeros(self.n_docs, dtype=np.float32)
        for word in query:
            j = self.vocab.get(word)
            if j is None:
                continue
            lo, hi = self.indptr[j], self.indptr[j + 1]
            scores[self.indices[lo:hi]] += self.weights[lo:hi]
        return scores

    def df(self, word: str) -> int:
        j = self.vocab.get(word)
        return 0 if j is None else int(self.indptr[j + 1] - self.indptr[j])

    # ---- persistence --------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        words = [""] * len(self.vocab)
        for w, j in self.vocab.items():
            words[j] = w
        np.savez(directory / "bm25.npz", indptr=self.indptr, indices=self.indices, weights=self.weights,
                 idf=self.idf, n_docs=np.array([self.n_docs]))
        (directory / "vocab.json").write_text(json.dumps({"format": FORMAT, "words": words}, ensure_ascii=False),
                                              encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> "SparseBM25":
        meta = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError("index format changed")
        arrays = np.load(directory / "bm25.npz")
        vocab = {w: j for j, w in enumerate(meta["words"])}
        return cls(vocab, arrays["indptr"], arrays["indices"], arrays["weights"], int(arrays["n_docs"][0]),
                   arrays["idf"])


def _count(tokens: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for t in tokens:
        counts[t] = counts.get(t, 0) + 1
    return counts


def smoothed_idf(n_docs: int, df: int) -> float:
    """A positive idf for weighing question words (coverage), highest for words the corpus never uses."""
    return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
