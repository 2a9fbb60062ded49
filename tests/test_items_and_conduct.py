"""Facts a clause states by the company it keeps: a penalty that names the conduct another article forbids,
numbered items under a heading that together make the list asked for, and an item headed by the kind of
fact asked in a guide too long to read whole."""
from cli.main import main

WATER = """某市城市供水条例

第一条 为了规范城市供水，制定本条例。
第二条 用户应当合理用水，并不得有下列危害供水设施安全的行为：
（一）擅自在公共供水管道上接管、安装抽水泵；
（二）擅自拆除、改装水表。
第三条 供水企业应当每年对供水设施进行一次检修。
第四条 违反本条例规定，用户有危害供水设施安全行为的，由供水主管部门责令改正，对单位用户可以处五千元以上二万元以下罚款，对个人用户可以处一百元以上五百元以下罚款。
第五条 本条例自2024年1月1日起施行。
"""

GUIDE = """清河镇医疗救助办事指南

一、办理事项

医疗救助

二、办理条件

因病造成家庭生活困难的低保对象、特困人员。

三、救助标准

按年度累计计算，每人每年最高救助2万元。

四、申请材料

1.医疗救助申请表

2.身份证、户口簿复印件

3.医院出具的诊断证明和费用票据

五、办理流程

申请——村委会初审——镇人民政府审核——县级医疗保障部门审批——发放。

六、办理时间和地点

时间:工作日上午8:30-12:00。

地点:各村委会、清河镇社会事务办
"""


def _engine(tmp_path, name, text, *args):
    from retrieval.engine import Engine

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    corpus = tmp_path / "corpus"
    assert main(["ingest", str(path), "--corpus", str(corpus), *args]) == 0
    return Engine.load(corpus)


def test_a_penalty_naming_the_forbidden_conduct_answers_for_the_article_that_forbids_it(tmp_path):
    engine = _engine(tmp_path, "water.txt", WATER, "--city", "江门")
    # the question's words (水表, 改装) are in 第二条; the fine for that conduct is in 第四条
    answer = engine.ask("邻居偷偷改装了自家水表，被查到个人要罚多少？", "江门")
    assert answer.answered and answer.citations[0].article == 4
    assert "一百元以上五百元以下" in answer.first_line


def test_numbered_items_under_a_heading_answer_a_list_question_together(tmp_path):
    engine = _engine(tmp_path, "guide.txt", GUIDE, "--city", "江门")
    answer = engine.ask("申请医疗救助要带哪些材料？", "江门")
    assert answer.answered
    # each item alone is one material; the list asked for is all three
    for item in ("医疗救助申请表", "户口簿", "诊断证明"):
        assert item in answer.first_line


def test_an_item_headed_by_the_asked_place_answers_though_the_guide_has_many_items(tmp_path):
    engine = _engine(tmp_path, "guide.txt", GUIDE, "--city", "江门")
    answer = engine.ask("医疗救助去哪儿申请？", "江门")
    assert answer.answered and "社会事务办" in answer.first_line


def test_urging_others_to_handle_a_problem_is_no_penalty(tmp_path):
    from retrieval.facts import load
    from retrieval.engine import bundled_corpus_dir

    penalty = next(t for t in load(bundled_corpus_dir() / "lexicon" / "answer_types.yaml") if t.name == "penalty")
    fact = penalty.fact("会被怎么处理")
    assert not fact.search("乡级河长对发现的问题应当协调、督促处理")
    assert fact.search("对直接负责的主管人员依法处理")


def test_a_sentence_with_wei_in_a_word_does_not_define_anything():
    from retrieval.facts import load
    from retrieval.engine import bundled_corpus_dir

    definition = next(t for t in load(bundled_corpus_dir() / "lexicon" / "answer_types.yaml") if t.name == "definition")
    fact = definition.fact("居住权是什么")
    assert not fact.search("当事人的行为违反法律规定的，由有关部门责令改正")  # 行为, 作为: no definition
    assert fact.search("考评以响应率、解决率、满意率为主要评价指标")  # 以…为: what it is made of
    assert fact.search("本条例所称居住权，是指…")


ELEVATOR = """某市既有住宅增设电梯规定

第一条 为了规范既有住宅增设电梯，制定本规定。
第二条 增设电梯应当经本单元业主依法表决同意。
第三条 业主认为增设电梯影响通风而提出补偿要求的，可以由业主之间协商解决。协商不一致的，由所在地街道办事处、社区居民委员会，依照法定职权，组织调解。
第四条 本规定自2024年1月1日起施行。
"""


def test_a_sentence_taking_up_the_one_before_answers_who_does_what_it_asks(tmp_path):
    engine = _engine(tmp_path, "elevator.txt", ELEVATOR, "--city", "江门")
    # "协商不一致的" goes on with the sentence before (补偿); the body named does what is asked (调解)
    # two clauses later
    answer = engine.ask("楼下邻居说加装电梯挡了通风要补偿，大家谈不拢，该找谁来调解？", "江门")
    assert answer.answered and answer.citations[0].article == 3
    assert "街道办事处" in answer.first_line


CARE = """某区暑期托管服务通知

为缓解暑期看护难问题，现将暑期托管服务安排通知如下：
服务对象
本区小学在籍学生。
服务地点
各小学校内。
服务收费
坚持公益原则，不向学生收取任何托管费用。
服务内容
以看护为主，学校不得组织集体补课。
报名方式
家长直接联系班主任报名。
"""


def test_a_negated_charge_answers_whether_one_pays_and_a_typo_is_read_by_its_sound(tmp_path):
    engine = _engine(tmp_path, "care.txt", CARE, "--city", "江门")
    answer = engine.ask("暑期托管要不要交托管费？", "江门")
    assert answer.answered and "不向学生收取" in answer.first_line
    # 抱名 is 报名 typed with the wrong character of the same sound; the answer says how it was read
    answer = engine.ask("暑期托管怎么抱名？", "江门")
    assert answer.answered and "班主任" in answer.first_line
    assert "“抱名”按“报名”理解" in answer.answer


def test_a_real_word_or_a_negated_verb_is_no_typo():
    from retrieval.homophones import Homophones

    corpus = {"报名", "补办", "申请", "话费"}.__contains__
    homophones = Homophones(corpus, {"化费"}.__contains__, set("的了"))
    assert homophones.respelled(["抱名"]) == {"抱名": "报名"}
    assert homophones.respelled(["申清报"]) == {"申清": "申请"}  # a mistyped word run into the next
    assert homophones.respelled(["不办", "化费"]) == {}  # 不办 says "not do"; 化费 is a dictionary word
