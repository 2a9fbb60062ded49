"""The fast BM25 against rank-bm25's BM25Okapi, the reference it must reproduce."""
import random

import numpy as np
from rank_bm25 import BM25Okapi

from retrieval.bm25 import SparseBM25


def _corpus(seed=7, n=300):
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(400)] + ["common"] * 50  # some words in most articles (idf floor)
    return [[rng.choice(words) for _ in range(rng.randint(1, 60))] for _ in range(n)], words


def test_scores_equal_rank_bm25():
    docs, words = _corpus()
    ref, fast = BM25Okapi(docs), SparseBM25.build(docs)
    rng = random.Random(1)
    for _ in range(50):
        query = [rng.choice(words) for _ in range(rng.randint(1, 8))] + ["never-seen"]
        np.testing.assert_allclose(fast.get_scores(query), ref.get_scores(query), rtol=1e-5, atol=1e-5)


def test_ranking_equals_rank_bm25_on_the_seed_articles(engine):
    from retrieval.index import article_text

    docs = [engine.tokenizer.words(article_text(a)) for a in engine.index.articles]
    ref, fast = BM25Okapi(docs), SparseBM25.build(docs)
    for q in ["市政府领导多久接听一次热线", "离烟外出提前几天请假", "出庭应诉率", "四证齐发"]:
        tokens = engine.tokenizer.words(q)
        a, b = ref.get_scores(tokens), fast.get_scores(tokens)
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-5)
        assert list(np.argsort(-a, kind="stable")[:5]) == list(np.argsort(-b.astype(np.float64), kind="stable")[:5])


def test_save_and_load_round_trip(tmp_path):
    docs, words = _corpus(n=50)
    fast = SparseBM25.build(docs)
    fast.save(tmp_path)
    again = SparseBM25.load(tmp_path)
    assert again.vocab == fast.vocab and again.n_docs == 50
    np.testing.assert_array_equal(again.get_scores(words[:10]), fast.get_scores(words[:10]))


def test_empty_query_and_word_counts():
    fast = SparseBM25.build([["a", "b", "a"], ["b"]])
    assert fast.get_scores([]).tolist() == [0.0, 0.0]
    assert fast.df("a") == 1 and fast.df("b") == 2 and fast.df("zzz") == 0
