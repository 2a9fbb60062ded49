"""Documents of places the project was not built on, ingested with the real command and asked in the askers'
own words: scope by place, the fact asked in the first line, citations by number, each place's rule, and
"nothing governs" for what the documents leave out. The texts are written here, not taken from ../shared."""
import pytest

from cli.main import main

JINAN = """济南市养犬管理条例

第一条 为了加强养犬管理，保障公民健康和人身安全，维护市容环境和社会秩序，制定本条例。
第二条 市公安机关是养犬管理工作的主管部门，举报电话：0531-86000000。
第三条 养犬人应当自取得狂犬病免疫证明之日起十五日内，到公安机关办理养犬登记。
第四条 重点管理区内每户限养一只犬。
第五条 携犬出户时，应当为犬只束犬链，犬链长度不得超过二米。
第六条 禁止携带犬只进入学校、医院、商场等公共场所。
第七条 违反本条例第五条规定的，由公安机关责令改正，可以处五十元以上二百元以下罚款。
第八条 养犬人有下列行为之一的，由公安机关处二百元罚款：
（一）携带犬只进入学校的；
（二）驱使犬只恐吓他人的。
第九条 本条例所称犬只，包括：
（一）家庭饲养的宠物犬；
（二）单位饲养的护卫犬。
第十条 本条例自2020年1月1日起施行。
"""

ZHENGZHOU = """郑州市城市养犬管理条例

第一条 为了规范城市养犬行为，制定本条例。
第二条 城市管理行政执法部门负责养犬管理的监督检查。
第三条 携犬出户时，应当为犬只束犬链，犬链长度不得超过一点五米。
第四条 违反本条例第三条规定的，处二百元罚款。
第五条 本条例自2022年1月1日起施行。
"""

SHANDONG = """山东省村务公开条例

第一条 为了规范村务公开，保障村民的知情权、参与权和监督权，制定本条例。
第二条 村务公开栏应当设在便于村民观看的地方。
第三条 一般村务事项至少每季度公开一次。
第四条 本条例自2018年3月1日起施行。
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from retrieval.engine import Engine

    folder = tmp_path_factory.mktemp("texts")
    corpus = tmp_path_factory.mktemp("corpus")
    for name, text, issuer in (("jinan.txt", JINAN, "济南市人民代表大会常务委员会"),
                               ("zhengzhou.txt", ZHENGZHOU, "郑州市人民代表大会常务委员会"),
                               ("shandong.txt", SHANDONG, "山东省人民代表大会常务委员会")):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        assert main(["ingest", str(path), "--corpus", str(corpus), "--issuer", issuer]) == 0
    return Engine.load(corpus)


def first(answer) -> str:
    return answer.first_line


def test_a_city_is_scoped_to_its_province_and_never_to_another_city(engine):
    a = engine.ask("村务多久公开一次？", city="青岛")  # 青岛 has no document: 山东省's governs, and it says so
    assert a.answered and "每季度" in first(a) and "村务公开" in a.citations[0].title
    assert any("青岛" in n and "山东" in n for n in a.notes)
    # a document with no 文号 is named by its title once: 《山东省村务公开条例》, not 《…》（山东省村务公开条例）
    assert "依据：《山东省村务公开条例》第" in a.answer
    a = engine.ask("遛狗的狗链最长能多长？", city="济南")
    assert a.answered and "二米" in first(a) and a.citations[0].title.startswith("济南")
    a = engine.ask("遛狗的狗链最长能多长？", city="郑州")
    assert a.answered and "一点五米" in first(a) and a.citations[0].title.startswith("郑州")


def test_a_place_with_no_document_of_its_own_or_above_gets_nothing(engine):
    a = engine.ask("遛狗的狗链最长能多长？", city="苏州")
    assert not a.answered or not a.citations[0].title.startswith(("济南", "郑州", "山东"))


def test_with_no_city_each_place_rule_is_given_where_they_differ(engine):
    a = engine.ask("遛狗的狗链最长能多长？")
    assert a.answered and "济南" in first(a) and "郑州" in first(a)
    assert "二米" in first(a) and "一点五米" in first(a)
    assert {c.title[:2] for c in a.citations[:a.primary]} == {"济南", "郑州"}


def test_the_first_line_states_the_fact_asked(engine):
    assert "五十元以上二百元以下" in first(engine.ask("遛狗不拴绳被抓到要罚多少钱？", city="济南"))
    assert "十五日" in first(engine.ask("拿到狂犬病免疫证明以后，几天内要去办养犬登记？", city="济南"))
    assert "一只" in first(engine.ask("一家能养几条狗？", city="济南"))
    assert "禁止" in first(engine.ask("能不能带狗进商场？", city="济南"))
    assert "公安机关" in first(engine.ask("养狗这事归哪个部门管？", city="济南"))


def test_an_item_of_a_list_is_answered_with_the_sentence_that_opens_it(engine):
    a = engine.ask("带狗进学校会怎么处罚？", city="济南")
    assert a.answered and a.citations[0].article == 8 and "二百元" in first(a)
    a = engine.ask("条例里说的犬只都包括哪些？", city="济南")
    assert a.answered and a.citations[0].article == 9 and "宠物犬" in first(a) and "护卫犬" in first(a)


def test_a_number_asked_for_is_a_number_the_document_gives(engine):
    assert "0531-86000000" in first(engine.ask("养狗扰民的举报电话是多少？", city="济南"))
    assert not engine.ask("村务公开的监督电话是多少？", city="济南").answered  # 山东's 条例 gives none


def test_an_article_asked_by_its_number(engine):
    a = engine.ask("第五条讲的是什么？", city="济南")
    assert a.answered and a.intent == "lookup" and a.citations[0].article == 5
    assert "犬链长度不得超过二米" in a.citations[0].quote
    a = engine.ask("郑州养犬条例第三条怎么规定的", city="济南")
    assert a.answered and a.citations[0].title.startswith("郑州") and a.citations[0].article == 3
    assert not engine.ask("北京控烟条例第三条讲什么", city="济南").answered


def test_the_date_a_named_document_takes_effect(engine):
    a = engine.ask("山东村务公开条例从哪天开始施行？", city="济南")
    assert a.answered and "2018年3月1日" in first(a)
    assert not engine.ask("合同什么时候生效？", city="济南").answered


@pytest.mark.parametrize("question", ["办狗证要交多少钱？", "养狗的人每个月有多少补贴？", "住房公积金怎么提取？",
                                      "明天天气怎么样？", "村委会主任的工资是多少？",
                                      "买一根犬链要多少钱？"])  # a price is not answered by a fine
def test_what_the_documents_leave_out_is_not_answered(engine, question):
    assert not engine.ask(question, city="济南").answered
