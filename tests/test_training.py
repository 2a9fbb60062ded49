"""The trainers (issue 5): quiz questions, duty lists with their calendar and print exports,
article comparison across cities, outlines."""
import datetime as dt
import re
import unicodedata

import pytest

from retrieval.engine import Engine
from retrieval.models import Citation, Obligation
from retrieval.text import split_clauses, split_sentences
from retrieval.comparison import compare_article, first_difference
from retrieval.duties import PERIODS, Duty, DutyList, duties
from retrieval.duties_export import duties_html, duties_ics
from retrieval.outline import outline
from retrieval.quiz import quiz_questions
from retrieval.roles import ScopeError

YANTAI = "烟政发〔2022〕8号"
ZHAOYUAN = "招政发〔2022〕21号"
_CN = {"一": "1", "两": "2", "二": "2", "三": "3", "四": "4", "五": "5"}


def canon(text: str) -> str:
    """Independent of the code under test: NFKC, no whitespace, 一次 → 1次, 1—2 → 1-2."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    t = re.sub(r"([一两二三四五])(?=次|天|个月|个工作日)", lambda m: _CN[m.group(1)], t)
    return re.sub(r"(?<=\d)[—～~至到](?=\d)", "-", t)


def stated(option: str, text: str) -> bool:
    """The option is in the text, not as part of a longer number (2个 is not in 1-2个 or 12个)."""
    return re.search(rf"(?<![\d.\-]){re.escape(canon(option))}(?![\d.%])", canon(text)) is not None


# ---- quiz ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def questions(engine):
    return quiz_questions(engine)


def test_questions_come_from_both_seed_documents(questions):
    docs = {q.citation.doc_number for q in questions}
    assert docs == {YANTAI, ZHAOYUAN}
    for doc in docs:
        slots = {q.slot for q in questions if q.citation.doc_number == doc}
        assert {"period", "count", "deadline"} <= slots


def test_every_question_is_answered_correctly_by_its_own_key(questions):
    assert len(questions) >= 40
    for q in questions:
        assert len(q.options) == 4, q
        assert len({canon(o) for o in q.options}) == 4, q.options  # distractors differ after normalization
        assert 0 <= q.answer_index < 4
        assert q.is_correct(q.answer_index)
        assert [i for i in range(4) if q.is_correct(i)] == [q.answer_index]
        # checked against its clause: the key's option is stated there, no other option is
        assert [i for i, o in enumerate(q.options) if stated(o, q.clause)] == [q.answer_index], (q.clause, q.options)
        assert not stated(q.answer, q.prompt), q.prompt  # the question does not give its answer away
        assert q.prompt.endswith("？")


def _core_in_quote(clause: str, quote: str, answer: str) -> bool:
    """The clause is the quote's words: all of it, or a few pieces of it (actors the sentence names
    earlier, joined by 、, + the rest: "热点部门主要负责人每季度" + the shared "接听1次群众来电")."""
    c, qt = canon(clause), canon(quote)
    if not stated(answer, qt):
        return False
    pieces, i = 0, 0
    while i < len(c):
        if c[i] == "、":
            i += 1
            continue
        j = next((j for j in range(len(c), i + 1, -1) if c[i:j] in qt), None)
        if j is None:
            return False
        pieces, i = pieces + 1, j
    return pieces <= 3


def test_every_citation_names_the_clause(engine, questions):
    for q in questions:
        c = q.citation
        doc = engine.by_number[c.doc_number]
        assert c.article is not None and c.city == doc.city and c.title == doc.title
        article = doc.article(c.article)
        assert article is not None and (c.label, c.heading, c.part) == (article.label, article.heading, article.part)
        assert canon(c.quote) in canon(article.body)
        assert _core_in_quote(q.clause, c.quote, q.answer), (q.clause, c.quote)
        assert q.answer in q.explanation and c.doc_number in q.explanation


_PERIOD_WORDS = re.compile(r"每(?:\d+|[一二两三])?个?(?:周|月|季度|季|半年|年|天|日)|全年|[周月季](?=调度|分析|通报)")


def test_period_questions_only_on_clauses_with_one_period(questions):
    period_qs = [q for q in questions if q.slot == "period"]
    assert period_qs
    for q in period_qs:
        assert len(_PERIOD_WORDS.findall(canon(q.clause))) == 1, q.clause
        assert sorted(q.options, key=PERIODS.index) and set(q.options) <= set(PERIODS)


def test_ambiguous_clauses_are_skipped(engine, questions):
    # "对重要经济指标实行周调度、月分析" states two periods: no period question from it
    two = [o for o in engine.obligations if len(_PERIOD_WORDS.findall(canon(o.clause))) >= 2]
    assert two
    asked = {canon(q.clause) for q in questions if q.slot == "period"}
    assert not any(canon(o.clause) in asked for o in two)


def test_ambiguous_clause_in_a_small_corpus(small):
    qs = quiz_questions(small, city="乙")
    from_it = [q for q in qs if "每月或每季度" in q.clause]
    assert from_it and {q.slot for q in from_it} == {"count"}  # the count is asked, the period is not guessed


def test_question_ids_are_stable_across_runs_and_seeds(engine, questions):
    again = quiz_questions(Engine.load(), seed=42)
    assert len({q.id for q in questions}) == len(questions)
    first = {q.id: (q.prompt, q.answer) for q in questions}
    second = {q.id: (q.prompt, q.answer) for q in again}
    assert first == second
    assert [q.id for q in again] != [q.id for q in questions]  # the seed shuffles the order


def test_same_seed_same_round(engine):
    a = quiz_questions(engine, seed=7)
    b = quiz_questions(engine, seed=7)
    assert [(q.id, q.options, q.answer_index) for q in a] == [(q.id, q.options, q.answer_index) for q in b]
    assert len({q.answer_index for q in a}) == 4  # the key is not always in the same place


def test_filter_by_city(engine):
    qs = quiz_questions(engine, city="招远市")
    assert qs and {q.citation.city for q in qs} == {"招远"}
    assert all(q.prompt.startswith("【招远】") for q in qs)


def test_filter_by_role(engine):
    qs = quiz_questions(engine, city="烟台", role="热点部门主要负责人")
    assert qs
    for q in qs:
        assert "热点部门主要负责人" in q.clause and "非热点" not in q.clause
    leaders = quiz_questions(engine, role="市政府领导班子成员")
    assert leaders and all("领导班子成员" in q.clause for q in leaders)
    # an actor list belongs to each actor in it
    assert any("经济发展服务部门主要负责人" in q.clause for q in leaders)


def test_filter_by_part(engine):
    by_number = quiz_questions(engine, part="三")
    assert by_number and all(q.citation.part.startswith("三、") for q in by_number)
    assert {q.citation.city for q in by_number} == {"烟台", "招远"}
    by_title = quiz_questions(engine, part="在服务于民上作表率")
    assert by_title and all(q.citation.doc_number == YANTAI and q.citation.part.startswith("三、") for q in by_title)


@pytest.mark.parametrize("kwargs", [{"city": "青岛"}, {"role": "校长"}, {"part": "九"}, {"part": "不存在的部分"}])
def test_unknown_filters_raise_one_clear_error(engine, kwargs):
    with pytest.raises(ScopeError) as info:
        quiz_questions(engine, **kwargs)
    assert "\n" not in str(info.value) and str(info.value)


# ---- duty list ----------------------------------------------------------------------------------

# Every periodic obligation of 市政府领导班子成员 in 烟政发〔2022〕8号, read from the document text:
# (article, period, words of the obligation).
YANTAI_LEADER_DUTIES = [
    (2, "每年", "讲1次党课"),
    (6, "每月", "调度省考核指标完成情况"),
    (7, "每季度", "开展1次走访调研"),
    (8, "每月", "调度1次分管领域重点招商项目"),
    (12, "每季度", "听取1次分管部门联系区市情况汇报"),
    (12, "每年", "确定1-2个重点调研课题"),
    (12, "每年", "全年到基层调研走访不少于2个月"),
    (13, "每月", "到服务热线接听1次群众来电"),
    (14, "每季度", "安排1天接待群众来访"),
    (14, "每年", "帮包化解2起"),
    (17, "每2周", "开展1次一线办公"),  # 市县两级政府领导班子成员 includes the city's
    (22, "每年", "研究确定3-4项分管领域需要全力突破的重大事项"),
    (26, "每年", "参加和指导1个所联系的下级单位领导班子民主生活会"),
    (26, "每年", "参加1次所在党支部或党小组的组织生活会"),
    (26, "每年", "指导至少1个党支部的组织生活会"),
    (27, "每年", "到区市检查全面从严治党工作"),
    (27, "每年", "检查分管领域或部门党建工作"),
]


@pytest.fixture(scope="module")
def leader_duties(engine):
    return duties(engine, "市政府领导班子成员", city="烟台")


def test_duty_list_of_city_leaders_is_complete(leader_duties):
    dl = leader_duties
    assert dl.role == "市政府领导班子成员" and dl.city == "烟台"
    listed = [(d.citation.article, period, d.text) for period, ds in dl.groups for d in ds]
    for article, period, words in YANTAI_LEADER_DUTIES:
        hits = [x for x in listed if x[0] == article and x[1] == period and words in x[2]]
        assert len(hits) == 1, (article, period, words, hits)
    assert len(listed) == len(YANTAI_LEADER_DUTIES)  # and nothing of another actor (市政府, 市政府党组 …)


def test_duty_list_grouped_by_period_in_order_with_citations(engine, leader_duties):
    periods = [p for p, _ in leader_duties.groups]
    assert periods == [p for p in PERIODS if p in periods] == ["每2周", "每月", "每季度", "每年"]
    for period, ds in leader_duties.groups:
        for d in ds:
            assert d.obligation.period == period
            c = d.citation
            assert c.doc_number == YANTAI and c.article == d.obligation.article_number
            assert canon(c.quote) in canon(engine.by_number[YANTAI].article(c.article).body)
    text = leader_duties.to_text()
    for _, _, words in YANTAI_LEADER_DUTIES:
        assert words in text
    assert text.index("【每2周】") < text.index("【每月】") < text.index("【每季度】") < text.index("【每年】")


def test_duties_of_one_actor_in_a_list(engine):
    dl = duties(engine, "经济发展服务部门主要负责人", city="烟台")
    assert [(p, d.citation.article) for p, ds in dl.groups for d in ds] == [("每季度", 7)]


def test_duties_do_not_cross_a_negation(engine):
    hot = duties(engine, "热点部门主要负责人", city="烟台")
    assert [p for p, _ in hot.groups] == ["每季度"]
    assert all(not d.text.startswith("非") for d in hot.duties)


def test_duties_per_city_differ_where_the_documents_do(engine):
    zy = duties(engine, "市政府领导班子成员", city="招远")
    visits = [p for p, ds in zy.groups for d in ds if d.citation.article == 14 and "接待群众来访" in d.text]
    assert visits == ["每月"]
    assert all(d.citation.doc_number == ZHAOYUAN for d in zy.duties)


@pytest.mark.parametrize("role,city", [("校长", None), ("市政府领导班子成员", "青岛"), ("", None)])
def test_duties_unknown_role_or_city(engine, role, city):
    with pytest.raises(ScopeError):
        duties(engine, role, city=city)


# ---- calendar and printable page ------------------------------------------------------------------

def test_ics_parses_with_icalendar_and_recurs_by_period(leader_duties):
    from dateutil.rrule import rrulestr
    from icalendar import Calendar

    data = duties_ics(leader_duties, start=dt.date(2025, 1, 1))
    cal = Calendar.from_ical(data)
    events = cal.walk("VEVENT")
    assert len(events) == len(leader_duties.duties)
    assert len({str(e["UID"]) for e in events}) == len(events)
    gap_days = {"每2周": (14, 14), "每月": (28, 31), "每季度": (89, 92), "每年": (365, 366)}
    for e in events:
        start = e.decoded("DTSTART")
        assert isinstance(start, dt.date) and start >= dt.date(2025, 1, 1)
        period = str(e["CATEGORIES"].cats[0])
        rule = rrulestr(e["RRULE"].to_ical().decode(), dtstart=dt.datetime.combine(start, dt.time()))
        first, second = rule[0], rule[1]
        lo, hi = gap_days[period]
        assert lo <= (second - first).days <= hi, (period, first, second)
        assert str(e["SUMMARY"]).startswith(period)
        assert "烟政发〔2022〕8号" in str(e["DESCRIPTION"])
    # the same list exported twice describes the same events (a re-import updates, not duplicates)
    again = Calendar.from_ical(duties_ics(leader_duties, start=dt.date(2025, 1, 1)))
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [str(e["UID"]) for e in events]


def test_ics_starts_on_the_stated_day(engine):
    dl = duties(engine, "市政府", city="烟台")
    cal = __import__("icalendar").Calendar.from_ical(duties_ics(dl, start=dt.date(2025, 3, 1)))
    # "市政府每月20日左右对经济形势进行1次分析研判"
    analysis = [e for e in cal.walk("VEVENT") if "分析研判" in str(e["SUMMARY"])]
    assert analysis and analysis[0].decoded("DTSTART") == dt.date(2025, 3, 20)


def test_ics_series_start_on_the_first_day_of_their_period(leader_duties):
    from icalendar import Calendar

    cal = Calendar.from_ical(duties_ics(leader_duties, start=dt.date(2025, 2, 1)))
    starts = {}
    for e in cal.walk("VEVENT"):
        starts.setdefault(str(e["CATEGORIES"].cats[0]), set()).add(e.decoded("DTSTART"))
    assert starts["每季度"] == {dt.date(2025, 4, 1)}, "a quarter's first month, not the start date"
    assert starts["每年"] == {dt.date(2026, 1, 1)} and starts["每月"] == {dt.date(2025, 2, 1)}
    assert all(d.weekday() == 0 for d in starts["每2周"]), "a fortnight starts on a Monday"


def test_printed_page_keeps_a_period_heading_with_its_items(leader_duties):
    page = duties_html(leader_duties)
    assert "h2{page-break-after:avoid;break-after:avoid}" in page and "h2+ol>li:first-child" in page


def test_html_page_lists_every_duty_escaped(leader_duties):
    import html

    page = duties_html(leader_duties)
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    for d in leader_duties.duties:
        assert html.escape(d.text) in page
    for period, _ in leader_duties.groups:
        assert f"<h2>{period}</h2>" in page


def test_html_escapes_everything():
    cite = Citation(doc_number="甲〔2023〕1号", title="<b>标题</b>&", city="甲", article=1, label="1.",
                    part="一、<i>部分</i>", quote="“<script>alert(1)</script>”", score=1.0, heading="<u>h</u>")
    ob = Obligation(doc_number="甲〔2023〕1号", article_index=0, article_number=1, actor="<角色>",
                    action="每月<img src=x>", clause="<角色>每月<img src=x>", sentence="s", period="每月")
    dl = DutyList(role="<角色>", city="<城>", groups=[("每月", [Duty("<角色>每月<img src=x>", ob, cite)])])
    page = duties_html(dl)
    for raw in ("<script>", "<img", "<b>", "<i>", "<u>", "<角色>", "<城>"):
        assert raw not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x&gt;" in page and "&amp;" in page


# ---- comparison -----------------------------------------------------------------------------------

def _clauses(article):
    return [c for s in split_sentences(article.body) for c in (split_clauses(s) or [s])]


@pytest.mark.parametrize("number", range(1, 31))
def test_compare_marks_exactly_the_clauses_that_differ(engine, number):
    cmp_ = compare_article(engine, number, ["烟台", "招远"])
    ya, zy = engine.by_number[YANTAI].article(number), engine.by_number[ZHAOYUAN].article(number)
    # the rows are the two articles, clause by clause, in order
    assert [a for a, _, _ in cmp_.rows if a] == _clauses(ya)
    assert [b for _, b, _ in cmp_.rows if b] == _clauses(zy)
    for a, b, differs in cmp_.rows:
        assert differs == (canon(a) != canon(b)), (a, b)
    assert cmp_.differs == (canon(ya.body) != canon(zy.body))
    text = cmp_.to_text()
    marked = [line for line in text.splitlines() if line.startswith(("  ≠", "  −", "  +"))]
    assert len(marked) == sum(d for _, _, d in cmp_.rows)
    assert all("【" not in line for line in text.splitlines() if line.startswith("  ="))


def test_compare_shows_the_changed_words(engine):
    visits = compare_article(engine, 14, ["烟台", "招远"])
    changed = [(a, b) for a, b, d in visits.rows if d]
    assert len(changed) == 1 and "每季度" in changed[0][0] and "每月" in changed[0][1]
    assert "每季度 → 每月" in visits.to_text()
    hotline = compare_article(engine, 13, ["烟台", "招远"]).to_text()
    assert "12345 → 89000" in hotline
    assert "招远：充分发挥【89000" in hotline
    reverse = compare_article(engine, 14, ["招远", "烟台"]).to_text()
    assert "每月 → 每季度" in reverse


def test_compare_in_a_small_corpus_marks_only_changed_clauses(small):
    one = compare_article(small, 1, ["甲", "乙"])
    assert [d for _, _, d in one.rows] == [False, True, False, True]
    assert "每月 → 每季度" in one.to_text() and "12345 → 89000" in one.to_text()
    two = compare_article(small, 2, ["甲", "乙"])
    assert [(a, b) for a, b, d in two.rows if d] == [("", "镇街每月或每季度报告1次进展")]
    assert "乙独有：镇街每月或每季度报告1次进展" in two.to_text()


@pytest.mark.parametrize("number,cities", [(31, ["烟台", "招远"]), (14, ["烟台", "青岛"]), (14, ["烟台"]),
                                           (14, ["烟台", "烟台市"])])
def test_compare_errors(engine, number, cities):
    with pytest.raises(ScopeError):
        compare_article(engine, number, cities)


# ---- outline ------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["烟台", "招政发〔2022〕21号", "zhaoyuan-zhaozhengfa-2022-21"])
def test_outline_lists_parts_and_their_articles_in_order(engine, key):
    out = outline(engine, key)
    doc = engine.by_number[out[0][1][0].doc_number]
    assert key in (doc.city, doc.doc_number, doc.meta.slug)
    assert [p for p, _ in out if p] == doc.parts
    assert [a for _, arts in out for a in arts] == doc.articles
    for part, arts in out:
        assert all(a.part == part for a in arts)
    assert len([a for _, arts in out for a in arts if a.kind == "article"]) == 30


def test_outline_unknown_document(engine):
    with pytest.raises(ScopeError):
        outline(engine, "青政发〔2022〕1号")


# ---- a small corpus written here ----------------------------------------------------------------

A_TEXT = """甲市人民政府关于测试的意见

一、总体要求

1.热线值守。市政府领导班子成员每月到服务热线接听1次群众来电，热点部门主要负责人每季度接听1次群众来电。充分发挥12345政务服务便民热线作用。

2.调查研究。市政府领导班子成员每年确定2个调研课题，全年到基层调研不少于2个月。

二、保障措施

3.请假制度。市政府组成人员离甲外出须提前3天请假。
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    docs = root / "documents"
    docs.mkdir()
    b_text = (A_TEXT.replace("甲", "乙").replace("每月到服务热线", "每季度到服务热线")
              .replace("12345政务服务便民", "89000民生服务")
              .replace("不少于2个月。", "不少于2个月，镇街每月或每季度报告1次进展。"))
    (docs / "a.txt").write_text(A_TEXT, encoding="utf-8")
    (docs / "a.yaml").write_text("doc_number: 甲政发〔2023〕1号\ntitle: 甲市人民政府关于测试的意见\ncity: 甲\n",
                                 encoding="utf-8")
    (docs / "b.txt").write_text(b_text, encoding="utf-8")
    (docs / "b.yaml").write_text("doc_number: 乙政发〔2023〕2号\ntitle: 乙市人民政府关于测试的意见\ncity: 乙\n"
                                 "parent: 甲政发〔2023〕1号\n", encoding="utf-8")
    return Engine.load(root)


def test_first_difference_for_plain_questions(engine):
    ya, zy = engine.by_number[YANTAI], engine.by_number[ZHAOYUAN]
    (ca, sa), (cb, sb) = first_difference(ya.article(14), zy.article(14))
    assert "每季度" in ca and "每月" in cb and ca in sa and cb in sb
    assert first_difference(ya.article(4), zy.article(4)) is None  # the same text in both


def test_no_question_follows_one_whose_citation_gives_its_answer_away(engine):
    from retrieval.quiz import _gives_away

    for seed in (None, 1, 7):
        qs = quiz_questions(engine, seed=seed)
        leaks = [k for k in range(1, len(qs)) if _gives_away(qs[k - 1], qs[k])]
        # only at the very end, when every question left comes from one article
        assert all(_gives_away(qs[j - 1], qs[j]) for j in range(min(leaks, default=len(qs)), len(qs))), (seed, leaks)
    qs = quiz_questions(engine, seed=1)
    assert all(q.citation.quote not in q.explanation and q.answer in q.explanation for q in qs)


def test_a_result_shows_the_citation_and_quote_once_and_ties_share_a_place():
    from bot import render as R

    cite = Citation(doc_number="甲〔2023〕1号", title="标题", city="甲", article=1, label="1.", part="",
                    quote="每月开展1次检查。", score=1.0)
    text = "\n".join(R.quiz_result_text("多久检查一次？", ["每周", "每月", "每季度", "每年"], 1, 0, cite,
                                        "正确答案：每月（甲〔2023〕1号，1.）。", (0, 1)))
    assert text.count("每月开展1次检查") == 1 and text.count("甲〔2023〕1号") == 1
    assert "正确答案是 B. 每月" in text and "正确答案：每月" not in text, "the answer is said once"
    board = "\n".join(R.leaderboard_text([("钱", 2, 2), ("孙", 2, 2), ("李", 1, 2)], 2))
    assert "🥇 钱" in board and "🥇 孙" in board and "🥉 李" in board
    nobody = "\n".join(R.leaderboard_text([("钱", 0, 2), ("孙", 0, 1)], 2))
    assert "这一轮没有人答对" in nobody and "🥇" not in nobody
