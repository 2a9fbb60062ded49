"""Article-level retrieval: BM25 over jieba words fused with BM25 over character bigrams, plus a small
document-size prior, ranked by tantivy from its compiled, memory-mapped inverted index.

Why the fusion: words carry meaning but jieba splits colloquial and legal phrasing differently;
character bigrams catch what segmentation misses. Larger documents (codes, basic laws) govern more
questions than a short local rule. The weights were set once on the STARD queries (bench/).

tantivy ranks by words + BIGRAM_WEIGHT × bigrams with its block-max pruning; the prior is added to
the hits it returns, and the search is widened until no article outside them could enter the top k
with the largest prior in scope (so the top k are exact). tantivy's BM25 (k1 1.2, its idf) differs
slightly from rank-bm25's; tests/test_bm25.py keeps rank-bm25 as the reference for ranking quality.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path

import tantivy

from .models import Article
from .text import fold
from .tokenize import Tokenizer

BIGRAM_WEIGHT = 0.5  # a character bigram of the question against a word of it (askers write words the documents do not)
PRIOR_WEIGHT = 3.0  # × log(articles of the document): a code outranks a one-page rule on a near tie
FIRST_FETCH = 40  # hits asked of tantivy at first; four times as many while the prior could reorder more
_NOT_IN_BIGRAM = re.compile(r"[\s\W_]")
_SHOULD, _MUST = tantivy.Occur.Should, tantivy.Occur.Must


def article_text(article: Article) -> str:
    """What is indexed for an article: its part, heading and body."""
    return f"{article.part}\n{article.heading}\n{article.body}"


def bigrams(folded: str) -> list[str]:
    """Character bigrams of folded text, none spanning punctuation or space."""
    return [folded[i:i + 2] for i in range(len(folded) - 1) if not _NOT_IN_BIGRAM.search(folded[i:i + 2])]


def article_bigrams(article: Article) -> list[str]:
    return bigrams(fold(article_text(article)))


def article_tokens(tokenizer: Tokenizer, article: Article) -> tuple[list[str], list[str]]:
    """(words, bigrams) an article is indexed under."""
    return tokenizer.words(article_text(article)), article_bigrams(article)


def schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_unsigned_field("doc", indexed=True, fast=True)  # the store's document id
    b.add_unsigned_field("art", fast=True)  # the article's place in its document
    b.add_unsigned_field("key", indexed=True)  # doc << 20 | art: one article, to replace it
    b.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
    b.add_text_field("grams", tokenizer_name="whitespace", index_option="freq")
    return b.build()


def key(doc_id: int, idx: int) -> int:
    return doc_id << 20 | idx


def entry(doc_id: int, idx: int, words: list[str], grams: list[str]) -> tantivy.Document:
    d = tantivy.Document()
    d.add_unsigned("doc", doc_id)
    d.add_unsigned("art", idx)
    d.add_unsigned("key", key(doc_id, idx))
    d.add_text("words", " ".join(words))
    d.add_text("grams", " ".join(grams))
    return d


def document_prior(n_articles: int) -> float:
    """log(number of articles of the document): a code outranks a one-page rule on a tie."""
    return math.log(n_articles) if n_articles > 0 else 0.0


class ArticleIndex:
    """The ranked articles of a corpus. An article's position is its document's offset (documents in corpus
    order) plus its place in the document; positions are what the pickers pass around."""

    def __init__(self, path: Path, docs: list[tuple[int, str, int]], article_of, words_of, tokenizer: Tokenizer):
        """docs: (store id, 文号, number of articles) in corpus order; article_of(doc id, index) → an article;
        words_of(doc id, idx) → the words the article was indexed under."""
        self.tokenizer = tokenizer
        self._index = tantivy.Index.open(str(path))
        self._schema = self._index.schema
        self._searcher = self._index.searcher()
        self._article_of = article_of
        self._words_of = words_of
        self._ids = [d[0] for d in docs]
        self.doc_of: list[str] = [d[1] for d in docs]  # document number by document order
        self._offsets: list[int] = []
        n = 0
        for _, _, count in docs:
            self._offsets.append(n)
            n += count
        self.size = n
        self._order = {doc_id: k for k, doc_id in enumerate(self._ids)}
        self._by_number = {number: k for k, (_, number, _) in enumerate(docs)}
        self._prior = [PRIOR_WEIGHT * document_prior(d[2]) for d in docs]
        self._max_prior = max(self._prior, default=0.0)
        self._scopes: dict[frozenset, tuple[tantivy.Query | None, float, frozenset[int]]] = {}
        self.df = lru_cache(maxsize=2048)(self._df)

    # ---- positions ------------------------------------------------------------------------------

    def position(self, doc_number: str, idx: int) -> int:
        return self._offsets[self._by_number[doc_number]] + idx

    def place(self, position: int) -> tuple[int, int]:
        """(document order, place in the document) of a position."""
        k = bisect_right(self._offsets, position) - 1
        return k, position - self._offsets[k]

    def store_id(self, order: int) -> int:
        return self._ids[order]

    def article(self, position: int) -> Article:
        k, idx = self.place(position)
        return self._article_of(self._ids[k], idx)

    def document_number(self, position: int) -> str:
        return self.doc_of[self.place(position)[0]]

    def positions_of(self, doc_number: str) -> range:
        return self._span(self._by_number[doc_number])

    def _span(self, order: int) -> range:
        """The positions of a document's articles, by its order."""
        end = self._offsets[order + 1] if order + 1 < len(self._offsets) else self.size
        return range(self._offsets[order], end)

    # ---- statistics -----------------------------------------------------------------------------

    def _df(self, word: str) -> int:
        """How many articles use the word."""
        return self._searcher.doc_freq("words", word) if word else 0

    def idf(self, word: str) -> float:
        """Smoothed idf that stays positive; a word the corpus never uses gets the highest value."""
        df = self.df(word)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def token_set(self, position: int) -> frozenset[str]:
        """The words an article was indexed under."""
        k, idx = self.place(position)
        return frozenset(self._words_of(self._ids[k], idx))

    # ---- ranking --------------------------------------------------------------------------------

    def scores(self, query_words: list[str], folded_text: str = "", at_least: int = 1) -> "Ranking":
        """A question's ranking: its articles' scores, found when first asked for (see Ranking). at_least:
        the most articles of a scope the question will want, searched for the first time it is asked."""
        clauses = [(_SHOULD, self._term("words", w)) for w in query_words]
        if folded_text:
            clauses += [(_SHOULD, tantivy.Query.boost_query(self._term("grams", g), BIGRAM_WEIGHT))
                        for g in bigrams(folded_text)]
        return Ranking(self, tantivy.Query.boolean_query(clauses) if clauses else None, at_least)

    def top(self, ranking: "Ranking", docs: set[str] | None, k: int) -> list[tuple[int, float]]:
        """The k best articles with a positive score in scope, best first."""
        return ranking.top(docs, k)

    def _term(self, field: str, value: str) -> tantivy.Query:
        return tantivy.Query.term_query(self._schema, field, value, index_option="freq")

    def scope(self, docs: set[str] | None) -> tuple[tantivy.Query | None, float, frozenset[int]]:
        """(the filter of a scope's documents, the largest prior in it, the positions of the articles left
        out instead of filtered); cached, as scopes repeat. A scope of all documents but a few (those no longer in force)
        is searched unfiltered and the few dropped from the hits: a filter of nearly every document costs
        more than the search, and the search of everything is one a question makes anyway."""
        if docs is None:
            return None, self._max_prior, frozenset()
        if len(docs) == 1:  # one document (an article's score asked for): made at once, not cached, so the
            (number,) = docs  # many of them never push the few real scopes out of the cache
            o = self._by_number.get(number)
            ids = [self._ids[o]] if o is not None else []
            return (tantivy.Query.const_score_query(tantivy.Query.term_set_query(self._schema, "doc", ids), 0.0),
                    self._prior[o] if o is not None else 0.0, frozenset())
        k = frozenset(docs)
        if k not in self._scopes:
            order = {self._by_number[n] for n in docs if n in self._by_number}
            if len(self._scopes) > 256:
                self._scopes.clear()
            if 2 * len(order) > len(self._ids):  # most documents: no filter, the rest's articles left out
                self._scopes[k] = (None, self._max_prior, frozenset(
                    p for o in range(len(self._ids)) if o not in order for p in self._span(o)))
            else:
                q = tantivy.Query.const_score_query(
                    tantivy.Query.term_set_query(self._schema, "doc", [self._ids[o] for o in sorted(order)]), 0.0)
                self._scopes[k] = (q, max((self._prior[o] for o in order), default=0.0), frozenset())
        return self._scopes[k]

    def search(self, query: tantivy.Query, docs: set[str] | None, k: int) -> tuple[list[tuple[int, float]], bool]:
        """(the k best (position, score) of a query in scope, the prior added, best first — more when more
        are known to be exact; whether that is every article scoring). Exact: the search is widened until the
        prior cannot bring in an article it left out."""
        if docs is not None and not docs:
            return [], True
        flt, max_prior, left_out = self.scope(docs)
        q = query if flt is None else tantivy.Query.boolean_query([(_MUST, query), (_MUST, flt)])
        fetch = max(FIRST_FETCH, 4 * k)
        while True:
            hits = self._searcher.search(q, fetch, count=False).hits
            addresses = [a for _, a in hits]
            doc_ids = self._searcher.fast_field_values("doc", addresses)
            places = self._searcher.fast_field_values("art", addresses)
            order, offsets, prior = self._order, self._offsets, self._prior
            keyed = []  # (-score, position): best first, ties by position, sorted without a key function
            for (score, _), doc_id, idx in zip(hits, doc_ids, places):
                o = order.get(doc_id)
                if o is not None and offsets[o] + idx not in left_out:  # a document the store no longer has: left out
                    keyed.append((-(score + prior[o]), offsets[o] + idx))
            keyed.sort()
            ranked = [(position, -score) for score, position in keyed]
            if len(hits) < fetch:
                return ranked, True
            bound = hits[-1][0] + max_prior  # the most an article left out could score
            exact = next((n for n, (_, s) in enumerate(ranked) if s < bound), len(ranked))
            if exact >= k:
                return ranked[:exact], False
            fetch *= 4


class Ranking:
    """One question's scores, asked of the index only for what the pickers read: the top k of a scope
    (each scope searched once per question), or the score of an article (its document searched whole)."""

    def __init__(self, index: ArticleIndex, query: tantivy.Query | None, at_least: int = 1):
        self._index = index
        self._query = query
        self._at_least = at_least
        self._tops: dict[frozenset | None, tuple[list[tuple[int, float]], bool]] = {}  # scope → (hits, all of them)
        self._known: dict[int, float] = {}
        self._whole: set[str] = set()
        self._without: dict[frozenset[int], tuple[list, list]] = {}  # left out → (hits of everything, the rest)

    def top(self, docs: set[str] | None, k: int) -> list[tuple[int, float]]:
        if self._query is None or k <= 0:
            return []
        flt, _, left_out = self._index.scope(docs)
        if flt is None:  # every document, or all but a few: read off the one search of everything
            return self._unfiltered(k, left_out)
        key = frozenset(docs)
        have, complete = self._tops.get(key, (None, False))
        if have is None or (len(have) < k and not complete):
            have, complete = self._index.search(self._query, docs, max(k, self._at_least))
            self._tops[key] = (have, complete)
            self._known.update(have)
        return have[:k]

    def _kept(self, have: list[tuple[int, float]], left_out: frozenset[int]) -> list[tuple[int, float]]:
        """The hits of everything without the documents left out, worked out once per search."""
        done = self._without.get(left_out)
        if done is None or done[0] is not have:
            done = self._without[left_out] = (have, [h for h in have if h[0] not in left_out])
        return done[1]

    def _unfiltered(self, k: int, left_out: frozenset[int]) -> list[tuple[int, float]]:
        want = max(k, self._at_least)
        while True:
            have, complete = self._tops.get(None, (None, False))
            if have is None or (len(have) < want and not complete):
                have, complete = self._index.search(self._query, None, want)
                self._tops[None] = (have, complete)
                self._known.update(have)
            kept = self._kept(have, left_out) if left_out else have
            if len(kept) >= k or complete:
                return kept[:k]
            want = 4 * len(have)

    def __getitem__(self, position: int) -> float:
        if position in self._known:
            return self._known[position]
        number = self._index.document_number(position)
        if self._query is not None and number not in self._whole:
            self._whole.add(number)
            self._known.update(self._index.search(self._query, {number}, len(self._index.positions_of(number)))[0])
        return self._known.get(position, 0.0)
