"""The pieces the answers on unseen documents rest on: places, the weights of the answer gate, the kinds of
fact a question asks for, and references between articles."""
import pytest

from retrieval.facts import asked_unit, question_type
from retrieval.places import places


@pytest.mark.parametrize("text, name, parents", [
    ("泉州市丰泽区人民政府", "丰泽区", ["350500", "350000"]),
    ("山东省人民代表大会常务委员会", "山东省", []),
    ("上海市绿化和市容管理局", "上海市", []),
    ("中共宣城市委党史和地方志研究室", "宣城市", ["340000"]),
    ("阿合奇县水利局", "阿合奇县", ["653000", "650000"]),
])
def test_a_place_is_read_from_the_issuer(text, name, parents):
    p = places().leading(text)
    assert p is not None and p.name == name and p.ancestors() == parents


def test_a_city_lies_within_its_province_and_not_within_another():
    qingdao, shandong, jinan = (places().named(n) for n in ("青岛", "山东", "济南"))
    assert qingdao.within(shandong) and not qingdao.within(jinan) and not shandong.within(qingdao)


def test_grouping_rows_of_the_table_name_no_place():
    assert places().named("市辖区") is None and places().leading("县级人民政府") is None


@pytest.fixture(scope="module")
def gate(engine):
    return engine.gate


def test_everyday_words_weigh_less_than_the_laws_words(gate):
    # 公积金 and 工资 are the laws' words: missing from a clause, they mean another topic
    assert gate.weight("公积金") > 0.5 and gate.weight("工资") > 0.5
    # 半夜, 拿到, 到底: the asker's own phrasing
    assert max(gate.weight(w) for w in ("半夜", "拿到", "到底")) < 0.3
    # a compound of the laws' words weighs as they do
    assert gate.weight("出国考察") > 0.5
    assert gate.weight("两次") == 0 and gate.weight("几条") == 0  # how much is asked, not about what


def test_a_word_is_found_as_written_as_a_synonym_or_as_an_abbreviation(gate):
    text = "体育场的室外观众坐席禁止吸烟，由卫生健康部门监督，市场监督管理部门查处"
    assert gate.match("吸烟", frozenset(), text) == 1.0
    assert 0.5 < gate.match("露天", frozenset(), text) < 1.0  # 同义词词林: 露天 ~ 室外
    assert gate.match("卫健", frozenset(), text) == 1.0  # the lexicon's synonym: 卫生健康
    assert 0.5 < gate.match("市监", frozenset(), text) < 1.0  # 市场监督管理, abbreviated
    assert gate.match("公积金", frozenset(), text) == 0.0


def test_a_missing_topic_word_sinks_the_coverage_an_everyday_one_does_not(gate):
    text = "养犬人应当自取得免疫证明之日起十五日内办理养犬登记"
    covered = gate.coverage(["养犬登记", "免疫", "半夜"], frozenset(), text)
    missing = gate.coverage(["养犬登记", "免疫", "工资"], frozenset(), text)
    assert covered.share > 0.8 > 0.7 > missing.share


@pytest.fixture(scope="module")
def types(engine):
    return engine.fact_types


@pytest.mark.parametrize("question, kind", [
    ("在地铁站抽烟被抓到要罚多少钱？", "penalty"),
    ("多久要巡一次河？", "frequency"),
    ("差评多久必须整改完？", "frequency"),
    ("许可证有效期最长是多久？", "threshold"),  # a limit, not a rhythm
    ("收到通知后几个工作日内要答复？", "deadline"),
    ("学校周边多远以内不能卖烟？", "threshold"),
    ("哪天开始施行？", "date"),
    ("一户能养几只狗？", "quantity"),
    ("流浪狗送到哪儿去了？", "place"),
    ("档案馆的查档电话是多少？", "contact"),
    ("由哪个部门来处罚？", "who"),
    ("能不能带狗进商场？", "yesno"),
    ("哪些算差评？", "definition"),
    ("办登记要准备哪些材料？", "list"),
    ("想查没开放的档案要怎么办？", "procedure"),
    ("第十二条讲的是什么", "lookup"),
    ("派单上写的办理时限，是谁定的？", "who"),  # asked at the end: 时限 is the topic, 谁 the question
    ("狗证办完后要定期复检吗？多久一次？", "frequency"),
    # as people type them: 啥 for 什么, 咋 for 怎么; 哪几个 asks which, not how many
    ("老听说“一业一证”，到底是个啥？", "definition"),
    ("落实情况啥时候寄给代表？", "date"),
    ("客户非要放鞭炮，我们该咋办？", "procedure"),
    ("个人办事主要往哪集中办理？", "place"),
])
def test_the_kind_of_fact_a_question_asks_for(types, question, kind):
    assert question_type(types, question).name == kind


def test_which_ones_is_not_how_many(types):
    assert question_type(types, "考评主要看哪几个率？").name in ("list", "definition")
    assert question_type(types, "考评主要看几个率？").name == "quantity"


def test_the_measure_a_question_names_binds_the_fact(types):
    assert asked_unit("一届干几年") == "年" and "元" in asked_unit("办证要交多少钱")
    assert "元" in asked_unit("安全总监的工资有没有标准")  # a wage is an amount of money
    # the measure asked last: "多久提报？至少几个？" asks a count in any measure, not a time
    assert asked_unit("多久提报重大项目？至少几个？") is None and "年" in asked_unit("几个项目？多少年？")
    fact = question_type(types, "要交多少钱").fact("要交多少钱")
    assert fact.search("处五十元罚款") and not fact.search("每年签注一次")


def test_an_article_that_punishes_another_is_found_through_it(tmp_path):
    from cli.main import main
    from retrieval.engine import Engine

    text = ("某市控制吸烟条例\n\n第一条 为了控制吸烟，制定本条例。\n第二条 公共交通工具内禁止吸烟。\n"
            "第三条 违反本条例第二条规定的，由卫生健康部门责令改正，处五十元罚款。\n")
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    assert main(["ingest", str(tmp_path / "t.txt"), "--corpus", str(tmp_path / "c"), "--city", "某市"]) == 0
    engine = Engine.load(tmp_path / "c")
    a = engine.ask("在公交车上吸烟要罚多少钱？")
    assert a.answered and a.citations[0].article == 3 and "五十元" in a.first_line


def test_a_synonym_counts_whole_and_not_by_a_piece_of_it(gate):
    # 物业 → 物业服务企业: "服务" alone, a piece of the synonym, is no sign that a text speaks of 物业
    assert gate.match("物业", frozenset(), "提升服务质效，打造城市总客服") < 0.5
    assert gate.match("物业", frozenset(), "物业服务企业应当公示收费项目") == 1.0


def test_a_word_of_the_lexicon_keeps_its_everyday_frequency(engine):
    tokenizer = engine.tokenizer
    # 房子 is in the lexicon (→ 房屋) and so cut whole, but it is as everyday as before: the gate weighs it so
    assert tokenizer.frequency("房子") > 1000
    assert "房子" in tokenizer.cut("房子没入住要交物业费吗")


def test_a_compound_of_the_laws_words_weighs_as_its_parts_even_if_the_corpus_uses_it(gate):
    # 行政机关 is cut whole (a lexicon word) but legal_words.tsv counts 行政 and 机关: it is not a rare term
    assert gate.weight("行政机关") < 0.5


def test_what_a_measured_question_asks_about_is_a_noun(engine):
    # 之间 and 到期 say how or when, not of what: only a noun is the thing the answer must name
    nouns = engine.tokenizer.nouns("两次自主巡河之间至少要隔多久")
    assert "巡河" in nouns and "之间" not in nouns
    assert "退休年龄" in engine.tokenizer.nouns("领导干部的退休年龄是多少")


def test_an_unknown_pair_with_a_function_word_counts_by_its_characters(engine):
    # jieba's HMM joins 能养 and 要罚, which no dictionary knows: the question's 养 and 罚 must still be found
    words = engine.tokenizer.topic_words("一家能养几条狗，不拴绳要罚多少钱")
    assert "养" in words and "罚" in words and "能养" not in words and "要罚" not in words
    # an unknown pair of content characters may be an abbreviation (高危 ← 高危险): it stays whole
    assert "高危" in engine.tokenizer.topic_words("高危企业有哪些")


def test_an_article_found_through_the_one_it_cites_ranks_below_it(tmp_path):
    from cli.main import main
    from retrieval.engine import Engine

    # 第三条 cites 第二条 and borrows its words (and has 市区 of its own): asked of 第二条's fact, 第二条 answers
    text = ("某市养犬管理条例\n\n第一条 为了规范养犬行为，制定本条例。\n第二条 每户居民只准饲养一只犬。\n"
            "第三条 市区居民申请养犬登记应当符合下列条件：（一）所养犬只符合本条例第二条有关犬只数量的规定；（二）有狂犬病免疫证明。\n")
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    assert main(["ingest", str(tmp_path / "t.txt"), "--corpus", str(tmp_path / "c"), "--city", "某市"]) == 0
    a = Engine.load(tmp_path / "c").ask("市区一户人家能养几条狗？")
    assert a.answered and a.citations[0].article == 2 and "一只" in a.first_line


def test_a_notice_titled_by_its_kind_speaks_of_its_issuers_business(tmp_path):
    from cli.main import main
    from retrieval.engine import Engine

    # "查档须知" names neither place nor body: the question's 党史研究室 is found in its issuer
    text = ("查档须知\n\n一、本馆档案资料应在本馆调览室阅览，不得外借。\n二、摘录和复印须经批准。\n"
            "三、利用者应当爱护检索目录，不得涂改。\n四、查档服务时间为周一至周五。\n")
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    assert main(["ingest", str(tmp_path / "t.txt"), "--corpus", str(tmp_path / "c"),
                 "--issuer", "中共芜湖市委党史和地方志研究室"]) == 0
    a = Engine.load(tmp_path / "c").ask("党史研究室的档案在哪儿看？", city="芜湖")
    assert a.answered and "调览室" in a.first_line


def test_a_sentence_going_on_with_the_one_before_is_judged_with_it(tmp_path):
    from cli.main import main
    from retrieval.engine import Engine

    text = ("某市信访条例\n\n第一条 为了规范信访工作，制定本条例。\n第二条 信访人可以采用书信、电子邮件、走访等形式提出信访事项。\n"
            "第三条 信访事项应当自受理之日起六十日内办结。\n"
            "第四条 国家机关工作人员在办理信访事项时，与信访人或者信访事项有直接利害关系的，应当回避。"
            "信访工作人员的回避，由信访工作机构负责人决定。\n")
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    assert main(["ingest", str(tmp_path / "t.txt"), "--corpus", str(tmp_path / "c"), "--city", "杭州"]) == 0
    # the quote "回避，由…决定" lacks 利害关系, which the sentence it goes on from says
    a = Engine.load(tmp_path / "c").ask("接待我的信访工作人员跟我有利害关系，想让他回避，这事谁说了算？", city="杭州")
    assert a.answered and "信访工作机构负责人" in a.first_line


def test_a_compound_is_matched_by_its_parts_side_by_side(gate):
    # 调查核实 is 调查 + 核实 (not 查核 as a third part): a text with 调查 only has half of it
    assert gate.match("调查核实", frozenset(), "对需要调查、取证、协调的事项，应当在三十日内办结") == pytest.approx(0.4)


def test_a_verb_with_its_result_is_the_askers_speech(gate):
    from retrieval.gate import Gate

    # 办完, 念完: speech, where writing says 办理完毕, even in a corpus whose notices happen to say 办完
    used = Gate((gate.legal, gate.legal_n), lambda w: 1, gate.synonyms, gate.parts, gate.general)
    assert used.weight("办完") <= 0.2 and used.weight("念完") <= 0.2
    assert used.weight("复检") > 0.5  # a rare word the corpus uses is its own term


def test_a_place_name_goes_but_not_the_office_after_it(engine):
    # 烟台市长: the place chooses the scope, 市长 is what is asked about
    assert "市长" in engine.query_words("烟台市长多久接听一次热线", precise=True)
    assert "长" not in engine.query_words("烟台市长多久接听一次热线", precise=True)
    assert "民政局" in engine.query_words("烟台市民政局负责什么", precise=True)


def _notice(tmp_path, text, **opts):
    from cli.main import main
    from retrieval.engine import Engine

    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    args = [f"--{k}={v}" for k, v in opts.items()]
    assert main(["ingest", str(tmp_path / "t.txt"), "--corpus", str(tmp_path / "c"), *args]) == 0
    return Engine.load(tmp_path / "c")


LEADER_NOTICE = ("公 告\n按照有关要求，热线办将定期举行领导接听热线电话活动。根据工作安排，某区人民政府领导将于8月13日上午"
                 "接听“12345”热线群众来电。\n现将有关事项公告如下:\n一、接电时间\n2018年8月13日 上午9:00至10:00\n"
                 "二、接电领导\n某区人民政府区长张三\n三、受理范围\n某区人民政府职权范围内的各类诉求,包括城市管理、交通服务等方面的咨询和投诉。\n"
                 "四、温馨提示\n(一)本次接电活动只接听电话,不接待来访人员。\n(二)超出受理范围的诉求,由热线工作人员按照常规程序办理。\n"
                 "12345政府综合服务热线管理办公室\n2018年8月10日\n")


def test_a_short_heading_keeps_the_short_line_under_it_as_its_text(tmp_path):
    engine = _notice(tmp_path, LEADER_NOTICE, issuer="抚顺市12345政府综合服务热线管理办公室")
    doc = engine.documents[0]
    labels = [a.label for a in doc.articles]
    assert labels[:2] == ["一、", "二、"] and doc.articles[0].body.startswith("2018年8月13日")


def test_a_notice_titled_only_by_its_kind_is_read_whole_for_the_asked_fact(tmp_path):
    engine = _notice(tmp_path, LEADER_NOTICE, issuer="抚顺市12345政府综合服务热线管理办公室")
    # the item with the date shares no word with the question; the notice's introduction does
    a = engine.ask("区领导接听12345热线是哪天几点？", city="抚顺")
    assert a.answered and "8月13日" in a.first_line and a.citations[0].label == "一、"


def test_a_county_since_made_a_district_is_known_by_its_new_name():
    from retrieval.metadata import place_of_issuer

    # cpca's table predates 临安市 → 临安区 (2017): the new name means the old place, within 杭州
    linan = places().named("临安区")
    assert linan is not None and linan.within(places().named("杭州"))
    assert place_of_issuer("杭州市临安区教育局") is not None
    assert places().named("朝阳区").code == "110105"  # a name the table has keeps its own place


@pytest.mark.parametrize("question, text", [
    ("卧室最少得保证多少度", "卧室温度不低于十八摄氏度"),
    ("宅基地一户最多能批多少平方", "每户不超过150平方米"),
])
def test_a_measure_is_found_in_the_form_the_text_writes_it(types, question, text):
    fq = question
    assert question_type(types, fq).fact(fq).search(text)


def test_a_longer_frame_from_the_same_place_decides(types):
    assert question_type(types, "从申请到钱发下来，中间要走哪几步？").name == "procedure"
    assert question_type(types, "哪几类人可以申请").name == "list"
    assert question_type(types, "秋假托管是哪几天？").name == "date"


def test_how_far_ahead_is_the_frame_not_the_topic(engine):
    assert "提前" not in engine.query_words("最晚得提前多久去办手续", precise=True)
    assert "提前" in engine.query_words("提前还款有什么条件", precise=True)  # not a frame: what is asked about


def test_an_item_headed_by_the_asked_kind_of_fact_answers(tmp_path):
    text = ("某镇临时救助办事指南\n一、办理事项\n临时救助\n二、申请材料\n1.临时救助申请审批表\n2.户口簿、身份证复印件\n"
            "三、办理流程\n申请——村委会初审——镇人民政府审核——入户调查——民主评议——县级民政部门审批——公示——发放。\n"
            "四、办理地点\n各村委会、镇民政办\n")
    engine = _notice(tmp_path, text, city="某镇")
    a = engine.ask("临时救助从申请到钱发下来，中间要走哪几步？")
    assert a.answered and "入户调查" in a.first_line
