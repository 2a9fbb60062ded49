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
第四条 本规则自公布之日起施行。
"""

PATROL = """某县巡河要求

一、县级河湖长每季度巡查不少于1次；乡(镇)级河湖长每月巡查不少于1次；村(社区)级河湖长每周巡查不少于1次。
二、巡河应当填写巡河记录。
三、发现问题应当及时向上级河湖长报告。
四、本要求自印发之日起执行。
"""


def _engine(tmp_path, name, text, *args):
    from retrieval.engine import Engine

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    corpus = tmp_path / "corpus"
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
