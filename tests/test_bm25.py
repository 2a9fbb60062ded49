"""Ranking quality against rank-bm25's BM25Okapi, the reference. tantivy's BM25 (k1 1.2, its idf) is not
rank-bm25's, so the check is on what an asker sees, the best articles, not on equal scores."""
from rank_bm25 import BM25Okapi


def test_the_best_article_is_among_rank_bm25s_best_on_the_seed_articles(engine):
    from retrieval.index import article_text

    n = engine.index.size
    articles = [engine.index.article(i) for i in range(n)]
    ref = BM25Okapi([engine.tokenizer.words(article_text(a)) for a in articles])
    for q in ["市政府领导多久接听一次热线", "离烟外出提前几天请假", "出庭应诉率", "四证齐发"]:
        tokens = engine.tokenizer.words(q)
        scores = ref.get_scores(tokens)
        best_ref = sorted(range(n), key=lambda i: -scores[i])[:3]
        ours = engine.index.top(engine.index.scores(tokens, q), None, 1)
        assert ours and ours[0][0] in best_ref, q


def test_a_scope_ranks_only_its_documents_and_the_prior_is_exact(engine):
    tokens = engine.tokenizer.words("热线")
    ranking = engine.index.scores(tokens, "热线")
    everything = engine.index.top(ranking, None, 200)
    number = engine.index.document_number(everything[0][0])
    scoped = engine.index.top(ranking, {number}, 200)
    assert scoped and all(engine.index.document_number(i) == number for i, _ in scoped)
    # the same articles score the same in and out of scope, and an article's score is found when asked
    assert dict(scoped).items() <= dict(everything).items()
    assert ranking[scoped[-1][0]] == scoped[-1][1]


def test_an_empty_query_ranks_nothing_and_unknown_words_count_zero(engine):
    assert engine.index.top(engine.index.scores([], ""), None, 5) == []
    assert engine.index.df("从未出现过的词语") == 0 and engine.index.df("热线") > 0
