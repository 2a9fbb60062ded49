"""Saying nothing governs: calibrated on coverage of the question's topic, not on a list of topics."""
import pytest

from retrieval.engine import MIN_COVERAGE

UNANSWERABLE = [
    "今天股市行情如何？", "明天天气怎么样", "住房公积金贷款额度是多少", "市长的工资是多少？",
    "12345热线几点开始接电话？", "市政府领导班子成员配几辆公务车？", "社保卡丢了怎么补办",
    "怎么申请廉租房", "机关食堂几点开饭", "公务员每年体检几次？", "出差住宿标准是多少钱一晚",
    "領導幹部的退休年齡是多少", "给我写一首诗", "hello world", "?????",
]

ANSWERABLE = [
    ("主要负责人多久接一次热线", "烟台"), ("请假要提前几天", "烟台"), ("一线办公多久一次", None),
    ("民主生活会一年开几次", None), ("四证齐发是什么", None), ("约谈由谁进行", None),
    ("涉密资料能用微信传吗", None), ("出庭应诉率多少", None), ("文件会签几个工作日", None),
]


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_says_so_when_nothing_governs(engine, question):
    a = engine.ask(question)
    assert not a.answered
    assert "没有规定这个问题" in a.first_line or "没有可以查" in a.first_line
    assert "我可以回答" in a.answer  # a hint of what it can answer


@pytest.mark.parametrize("question, city", ANSWERABLE)
def test_answers_short_real_questions(engine, question, city):
    assert engine.ask(question, city=city).answered


def test_unanswered_still_returns_ranked_citations_for_scoring(engine):
    a = engine.ask("市政府领导班子成员配几辆公务车？", top=3)
    assert not a.answered and len(a.citations) == 3


def test_threshold_separates_the_sets(engine):
    """The coverage margin: the weakest answerable question clears the bar, the strongest unanswerable does not."""
    def coverage(q, city=None):
        from retrieval.text import fold
        fq = fold(q)
        topic = engine.query_words(fq, precise=True)
        scores = engine.index.scores(engine.tokenizer.expand(engine.query_words(fq)), fq)
        ranked = engine.index.top(scores, None, 1)
        if not ranked:
            return 0.0
        best = ranked[0][0]
        return engine.coverage(topic, engine.index.token_set(best), fold(engine.index.article(best).body))

    assert max(coverage(q) for q in ["今天股市行情如何？", "住房公积金贷款额度是多少", "给我写一首诗"]) < MIN_COVERAGE
    assert min(coverage(q) for q in ["涉密资料能用微信传吗", "倒序发言是在什么场合要求的？"]) >= MIN_COVERAGE
