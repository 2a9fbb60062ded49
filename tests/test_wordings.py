"""Questions in the askers' words, answered by the lexicon's readings of them (corpus/lexicon/): a copula names
what a term is (A、B是X), 开 is said 举行 and 村里的 is 村级 in the documents."""
from cli.main import main

BUDGET = """某市人民代表大会常务委员会关于加强预算审查监督的决定

一、市人民政府财政部门应当向市人大常委会预算工作机构通报预算执行情况。
二、市人大常委会预算工作机构应当加强与审计部门的信息沟通。
三、财政经济办公室、预算工作委员会是市人大常委会的预算工作机构，负责协助财政经济委员会审查预算。
四、本决定自公布之日起施行。
"""

RULES = """某省人民代表大会议事规则

第一条 为了规范议事，制定本规则。
第二条 省人民代表大会会议每年至少举行一次。
第三条 省人民代表大会常务委员会在会议举行的一个月前，将开会日期通知代表。
第四条 省人民代表大会会议必须有三分之二以上的代表出席，始得举行。
第五条 省人民代表大会的代表，未经批准两次不出席省人民代表大会会议的，依法终止其代表资格；代表因故不能到会出席会议的，应当向大会主席团请假。
第六条 本规则自公布之日起施行。
"""

PATROL = """某县巡河要求

一、县级河湖长每季度巡查不少于1次；乡(镇)级河湖长每月巡查不少于1次；村(社区)级河湖长每周巡查不少于1次。
二、巡河应当填写巡河记录。
三、发现问题应当及时向上级河湖长报告。
四、本要求自印发之日起执行。
"""


def _engine(tmp_path, name, text, *args):
    """A city's corpus: the seed documents and the city's own (a corpus of one short document gives BM25
    no contrast: a word in half its articles weighs nothing)."""
    from retrieval.engine import Engine
    from tests.conftest import SEED_FILES, SEEDS

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    corpus = tmp_path / "corpus"
    assert main(["ingest", *(str(SEEDS / f) for f in SEED_FILES), "--corpus", str(corpus)]) == 0
    assert main(["ingest", str(path), "--corpus", str(corpus), *args]) == 0
    return Engine.load(corpus)


def test_what_a_term_is_comes_from_the_clause_that_says_a_is_it(tmp_path):
    engine = _engine(tmp_path, "budget.txt", BUDGET, "--city", "江门")
    answer = engine.ask("市人大常委会的预算工作机构是哪两个？", "江门")
    assert answer.answered and answer.citations[0].label.startswith("三")
    assert "预算工作委员会" in answer.first_line


def test_holding_a_meeting_is_asked_as_kai(tmp_path):
    engine = _engine(tmp_path, "rules.txt", RULES, "--city", "江门")
    answer = engine.ask("省人代会一年至少开几次？", "江门")
    assert answer.answered and answer.citations[0].article == 2 and "一次" in answer.first_line


def test_the_village_chief_gets_the_village_rhythm(tmp_path):
    engine = _engine(tmp_path, "patrol.txt", PATROL, "--city", "江门")
    answer = engine.ask("我是村里的河湖长，多久要巡一次河？", "江门")
    assert answer.answered and "每周" in answer.first_line and "每月" not in answer.first_line


FILES = """某市查档须知

一、档案调阅利用制度
1、本馆档案应在本馆阅览室阅览，不得外借。
2、利用档案需持单位介绍信。
二、现行文件阅览制度
1、面向社会提供服务。凡持身份证等有效证件者，办理阅览登记手续，自行检索目录阅览。
2、根据需要可自行摘抄、复印所需材料，不对外借阅。
3、爱护检索目录和现行文件，不得勾划、折叠、涂改。
三、档案馆开放时间：正常工作日全天对外开放。
"""

FILING = """某市行政执法责任制条例

第一条 为了落实行政执法责任制，制定本条例。
第二条 市人民政府应当将所制定的规范性文件报本级人民代表大会常务委员会和上一级人民政府备案。

市人民政府所属部门应当将本单位制定的规范性文件报本级人民政府备案。
第三条 本条例自2024年1月1日起施行。
"""


def test_what_to_bring_is_the_item_saying_what_one_holds_and_rules_stay_apart(tmp_path):
    engine = _engine(tmp_path, "files.txt", FILES, "--city", "江门")
    answer = engine.ask("查现行文件要带什么？", "江门")
    assert answer.answered and "身份证" in answer.first_line
    assert "勾划" not in answer.first_line  # the heading names rules, not a list: its items are not joined


def test_our_bureau_is_a_department(tmp_path):
    engine = _engine(tmp_path, "filing.txt", FILING, "--city", "江门")
    answer = engine.ask("我们局自己定的规范性文件，要报谁备案？", "江门")
    assert answer.answered and "本级人民政府备案" in answer.first_line and "常务委员会" not in answer.first_line


DECISION = """某市人民代表大会常务委员会关于加强预算审查监督的决定

为履行预算审查监督职责，进一步完善以“三问该不该”（钱该不该花、该不该政府花、该不该花这么多）为切入点的预算审查监督制度，特作如下决定：

一、市人大常委会对政府预算开展全口径审查。
二、市人民政府财政部门应当向市人大常委会报告预算执行情况。
三、本决定自公布之日起施行。
"""


def test_a_term_spelled_out_in_the_preamble_is_answered_from_the_preamble(tmp_path):
    engine = _engine(tmp_path, "decision.txt", DECISION, "--city", "江门")
    answer = engine.ask("老听人说“三问该不该”，具体是哪三问？", "江门")
    assert answer.answered and "该不该政府花" in answer.first_line
    assert answer.citations[0].label == "序言" and "三问该不该" in answer.citations[0].quote


RIVERS = """某省河长制规定

第一条 为了落实河长制，制定本规定。
第二条 乡级河长应当按照规定的周期对责任水域进行巡查。
第三条 村级河长巡河时发现问题，应当向乡级河长报告。
第四条 乡级以上河长违反本规定，有下列行为之一的，给予通报批评：
（一）未按规定的巡查周期进行巡查的；
（二）对巡查发现的问题未及时处理的。
第五条 本规定自2024年1月1日起施行。
"""


def test_a_penalty_is_found_for_the_conduct_said_in_other_words(tmp_path):
    engine = _engine(tmp_path, "rivers.txt", RIVERS, "--city", "江门")
    # 巡河 is said 巡查 here: a penalty question has no measured thing the answer must name
    answer = engine.ask("乡级河长没按周期巡河，会被怎么处理？", "江门")
    assert answer.answered and answer.citations[0].article == 4 and "通报批评" in answer.first_line


NOTICE = """某区领导接听热线公告

现将区领导接听热线有关事项公告如下：
一、接电时间
2024年8月13日上午9:00至10:00
二、受理范围
区人民政府职权范围内的各类诉求。
三、温馨提示
(一)本次接电活动只受理电话诉求,不接待来访人员。
(二)超出本次接电受理范围的诉求,由热线工作人员按照常规程序接听办理。
"""


def test_how_a_matter_is_handled_is_asked_like_a_punishment_but_answered_as_a_procedure(tmp_path):
    engine = _engine(tmp_path, "notice.txt", NOTICE, "--city", "江门")
    # 会怎么处理 with no wrong done: no penalty answers it, the procedure does
    answer = engine.ask("我要反映的事不在这次接电的受理范围里，打进去会怎么处理？", "江门")
    assert answer.answered and "常规程序" in answer.first_line
    # a wrong done keeps it a penalty question, and no clause punishes it here
    assert not engine.ask("接电时打进去骂人违反规定，会被怎么处理？", "江门").answered


def test_how_many_people_is_answered_by_a_number_of_them_not_of_times(tmp_path):
    engine = _engine(tmp_path, "rules.txt", RULES, "--city", "江门")
    answer = engine.ask("省人代会得有多少代表到场才能开？", "江门")
    assert answer.answered and answer.citations[0].article == 4 and "三分之二" in answer.first_line
