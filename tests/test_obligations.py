"""Obligation extraction: every periodic obligation of both seeds, enumerated by hand from the text."""
from collections import Counter
from pathlib import Path

import pytest

from retrieval.corpus import bundled_corpus_dir, lexicon_file, read_vocabulary
from retrieval.obligations import find_actor
from retrieval.periods import canonical_period, period_days, period_order, rrule_for

# (article, period, count) for every clause that states a period, read off the documents.
YANTAI_PERIODIC = [
    (2, "每年", None), (2, "每月", "1次"), (2, "每年", "1次"),
    (6, "每月", "1次"), (6, "每周", None), (6, "每月", None), (6, "每月", None),
    (7, "每季度", "1次"),
    (8, "每年", None), (8, "每年", "5个"), (8, "每年", "10个"), (8, "每月", None), (8, "每季度", None),
    (8, "每月", "1次"), (8, "每季度", "1次"),
    (10, "每季度", "1次"),
    (11, "每年", None),
    (12, "每季度", "1次"), (12, "每年", "1-2个"), (12, "每年", "2个月"),
    (13, "每月", "1次"), (13, "每半年", "1次"), (13, "每季度", "1次"), (13, "每半年", "1次"),
    (14, "每季度", "1天"), (14, "每年", "2起"),
    (17, "每2周", "1次"), (17, "每年", "3-5个"), (17, "每月", None),
    (20, "每年", "2次"),
    (22, "每年", "3-4项"), (22, "每季度", None),
    (26, "每年", "1次"), (26, "每年", "1个"), (26, "每年", "1次"), (26, "每年", "1个"),
    (27, "每年", "1次"), (27, "每年", "1次"),
    (28, "每半年", "1次"),
    (30, "每季度", "1次"), (30, "每年", "1次"),
]

# 招远 differs from 烟台 in articles 7 (who visits enterprises, how often), 8 (开发区 and 镇街 quotas),
# 13 (no hotline duties) and 14 (来访 every month).
ZHAOYUAN_PERIODIC = [x for x in YANTAI_PERIODIC if x[0] not in (7, 8, 13, 14)] + [
    (7, "每季度", "1次"), (7, "每月", "1次"),
    (8, "每年", None), (8, "每年", "5个"), (8, "每年", "10个"), (8, "每年", "5个"), (8, "每月", None),
    (8, "每季度", None), (8, "每月", "1次"), (8, "每季度", "1次"),
    (14, "每月", "1天"), (14, "每年", "2起"),
]


def _count(o):
    if o.count is None:
        return None
    if any(sep in o.count for sep in "-—～~"):
        return o.count
    return f"{int(o.count_value)}{o.count_unit}"  # 一次 → 1次


def _periodic(engine, doc_number):
    return Counter((o.article_number, o.period, _count(o)) for o in engine.obligations
                   if o.doc_number == doc_number and o.period)


@pytest.mark.parametrize("doc_number, expected", [
    ("烟政发〔2022〕8号", YANTAI_PERIODIC), ("招政发〔2022〕21号", ZHAOYUAN_PERIODIC)])
def test_every_periodic_obligation_is_extracted_with_its_period_and_count(engine, doc_number, expected):
    assert _periodic(engine, doc_number) == Counter(expected)


def _by_actor(engine, doc_number, article):
    return {o.actor: (o.period, o.count, o.clause) for o in engine.obligations
            if o.doc_number == doc_number and o.article_number == article and o.period}


def test_hotline_duties_are_one_per_actor_even_where_the_text_elides_the_verb(engine):
    hotline = _by_actor(engine, "烟政发〔2022〕8号", 13)
    assert hotline["市政府领导班子成员"][0] == "每月"
    assert hotline["各区市政府(管委)主要负责同志"][0] == "每半年"
    assert hotline["热点部门主要负责人"][:2] == ("每季度", "1次")
    assert hotline["热点部门主要负责人"][2] == "热点部门主要负责人每季度接听1次群众来电"
    assert hotline["非热点部门主要负责人"][2] == "非热点部门主要负责人每半年接听1次群众来电"


def test_zhaoyuan_visits_have_their_own_actors(engine):
    visits = _by_actor(engine, "招政发〔2022〕21号", 7)
    assert visits["市级领导"][0] == "每季度"
    assert visits["镇街区和部门领导班子成员"][0] == "每月"


def test_qualifiers_deadlines_dates_and_ratios(engine):
    yt = [o for o in engine.obligations if o.doc_number == "烟政发〔2022〕8号"]

    def one(article, **slot):
        found = [o for o in yt if o.article_number == article and all(getattr(o, k) == v for k, v in slot.items())]
        assert len(found) == 1, (article, slot, [o.clause for o in found])
        return found[0]

    assert one(2, period="每月").qualifier == "不少于"
    assert one(2, count="1次", period="每年").qualifier == "至少"
    assert one(3, deadline="提前3天").actor == "市政府组成人员"
    assert one(9, deadline="3个工作日内").actor == "收函单位"
    assert one(16, deadline="不超过3个工作日")
    assert one(6, date="每月20日左右").count == "1次"
    assert one(12, ratio="50%").clause == "“四不两直”调研占比不低于50%"
    assert one(20, ratio="100%")
    closing = [o for o in engine.obligations if o.doc_number == "招政发〔2022〕21号" and o.article_number is None]
    assert {o.date for o in closing} == {"2022年5月12日", "2019年5月24日"}


def test_a_clause_without_subject_borrows_the_sentence_actor(engine):
    survey = [o for o in engine.obligations
              if o.doc_number == "烟政发〔2022〕8号" and o.article_number == 12 and o.count == "2个月"]
    assert survey[0].clause == "市政府领导班子成员全年到基层调研走访不少于2个月"


@pytest.mark.parametrize("clause, actor", [
    ("市政府领导班子成员每月到服务热线接听1次群众来电", "市政府领导班子成员"),
    ("各区市政府(管委)主要负责同志每半年接听1次群众来电", "各区市政府(管委)主要负责同志"),
    ("原则上市级领导每人联系2个企业", "市级领导"),
    ("每个链办每年提报不少于5个重大招商项目", "每个链办"),
    ("经济发展服务部门主要负责人联系2个规上企业", "经济发展服务部门主要负责人"),
    ("加强和改进党组理论学习中心组学习", ""),
    ("对区市政府(管委)、市政府工作部门有令不行", ""),
    ("每月学习研讨不少于1次", ""),
])
def test_find_actor(clause, actor):
    assert find_actor(clause) == actor


@pytest.mark.parametrize("unit, n, period", [
    ("季", None, "每季度"), ("星期", None, "每周"), ("周", "2", "每2周"), ("个月", "三", "每3个月"),
    ("日", None, "每天"), ("工作日", None, "每工作日"), ("半年", "一", "每半年"),
])
def test_canonical_period(unit, n, period):
    assert canonical_period(unit, n) == period


def test_periods_order_by_the_listed_order_then_by_length():
    given = ["每年", "x", "每3个月", "每天", "每月", "每2周", "每周"]
    assert sorted(given, key=period_order) == ["每周", "每2周", "每月", "每年", "每天", "每3个月", "x"]
    assert period_days("每3个月") == 90 and period_days("每2周") == 14


@pytest.mark.parametrize("period, rule", [
    ("每季度", {"FREQ": "MONTHLY", "INTERVAL": 3}), ("每2周", {"FREQ": "WEEKLY", "INTERVAL": 2}),
    ("每年", {"FREQ": "YEARLY"}), ("每工作日", {"FREQ": "WEEKLY", "BYDAY": ["MO", "TU", "WE", "TH", "FR"]}),
    ("每3个月", {"FREQ": "MONTHLY", "INTERVAL": 3}), ("全年", None), ("", None),
])
def test_rrule_for(period, rule):
    assert rrule_for(period) == rule


_VOCABULARY_READERS = ("obligations", "intents", "periods", "metadata", "doc_numbers", "parse", "lines", "text",
                       "corpus", "index_store", "tokenize", "readers")


def test_the_vocabulary_comes_from_the_lexicon_not_the_code():
    """Words learned from the seed documents live in corpus/lexicon/, and the extractor reads them there."""
    actors = read_vocabulary("actors.yaml")
    assert "链办" in actors["suffixes"] and "倡树" in actors["not_actor_words"]
    assert "调度" in read_vocabulary("periods.yaml")["compact"]["verbs"]
    core = Path(__file__).parent.parent / "retrieval"
    code = "".join((core / f"{m}.py").read_text(encoding="utf-8") for m in _VOCABULARY_READERS)
    for word in ("烟台", "招远", "离烟", "链办", "倡树", "锚定", "守牢", "镇街区", "中心组"):
        assert word not in code, word


def test_a_corpus_may_bring_its_own_vocabulary_file(tmp_path):
    (tmp_path / "lexicon").mkdir()
    assert lexicon_file("actors.yaml", tmp_path) == bundled_corpus_dir() / "lexicon" / "actors.yaml"
    (tmp_path / "lexicon" / "actors.yaml").write_text("suffixes: [科]\n", encoding="utf-8")
    assert lexicon_file("actors.yaml", tmp_path) == tmp_path / "lexicon" / "actors.yaml"
    assert read_vocabulary("actors.yaml", tmp_path) == {"suffixes": ["科"]}
