"""Which sentence of an article is quoted: the clause covering most of the question, with the asked fact in
it or right beside it."""
import re

from retrieval.models import Article
from retrieval.passages import best_passage
from retrieval.text import split_clauses


def _article(body: str) -> Article:
    sentences = [s + "。" for s in body.split("。") if s]
    return Article("X", 0, 7, "第七条", "", body, sentences=sentences)


def _match(word: str, text: str) -> float:
    return 1.0 if word in text else 0.0


def _weight(word: str) -> float:
    return {"未成年人": 1.0, "燃放": 0.5, "烟花爆竹": 0.5, "乡镇": 0.7, "评价": 0.5, "派出机构": 0.9}.get(word, 0.2)


MODALS = re.compile(r"不得|禁止|应当|可以")


def test_the_fact_in_the_next_clause_of_the_matching_sentence_counts():
    # the clause naming the asker's case (未成年人) wins, though its 应当 is in the clause after it
    body = "任何单位和个人应当安全燃放烟花爆竹。未成年人燃放烟花爆竹，应当由监护人或者其他成年人陪同看护。"
    p = best_passage(_article(body), ["未成年人", "燃放", "烟花爆竹"], _match, _weight, MODALS)
    assert p.sentence.startswith("未成年人") and "监护人" in p.line and p.has_fact


def test_a_clause_with_the_fact_of_its_own_beats_one_beside_it():
    # equal words: "不得以属地管理为名…" states the prohibition itself, "编制…清单" only stands next to an 应当
    body = "市人民政府应当实行权责清单制度，编制乡镇属地管理事项清单。部门不得以属地管理为名将工作交由乡镇承担。"
    p = best_passage(_article(body), ["属地", "乡镇"], _match, _weight, MODALS)
    assert "不得" in p.clause


def test_a_word_asked_twice_counts_once():
    # "部门派到乡镇的派出机构…乡镇的评价结果": 乡镇 twice must not outweigh 派出机构
    body = ("乡镇人民政府对工作部门的评价结果，占考核权重的比例不低于百分之三十；"
            "对部门派出机构的评价结果，占考核权重的比例不低于百分之六十。")
    percent = re.compile(r"百分之[一二三四五六七八九十]+")
    article = _article(body)
    article.sentences = [s + "；" for s in body.rstrip("。").split("；") if s]
    p = best_passage(article, ["乡镇", "派出机构", "乡镇", "评价"], _match, _weight, percent)
    assert "百分之六十" in p.line
    assert split_clauses(p.sentence)  # a real sentence of the article, not an empty one


WHO = re.compile(r"由[\u4e00-\u9fff]{2,20}|[\u4e00-\u9fff]{0,16}(?:部门|机关|政府|委员会|常委会|机构|会议)")


def test_a_who_question_is_answered_by_the_body_doing_what_it_asks():
    # "宣誓仪式谁来组织": 省人民政府 is a body too, but 主任会议 is the one that 组织
    body = ("下列人员进行宪法宣誓：（一）省人大常委会决定任命的省人民政府副省长。"
            "宣誓仪式由省人大常委会主任会议组织。")
    words = ["闭会", "任命", "副省长", "宣誓", "仪式", "组织"]
    weights = {"闭会": 0.8, "任命": 0.9, "副省长": 1.0, "宣誓": 0.9, "仪式": 0.2, "组织": 0.3}.get
    p = best_passage(_article(body), words, _match, weights, WHO)
    assert "副省长" in p.line  # what the question shares most words with, without the asked words
    p = best_passage(_article(body), words, _match, weights, WHO, asked=["宣誓", "仪式", "组织"])
    assert "主任会议" in p.line
    # where no clause names a body doing it, any body named still answers
    p = best_passage(_article(body), words, _match, weights, WHO, asked=["监督"])
    assert "副省长" in p.line


def test_the_branch_whose_condition_the_askers_amount_meets():
    from retrieval.conditions import condition_met, stated_amounts

    amounts = stated_amounts("我们村二十几个人想一起去走访，最多能派几个代表？")
    assert amounts == {"人": 20}
    assert condition_met("超过十人的", amounts) is True and condition_met("十人以下的", amounts) is False
    assert condition_met("代表人数最多不得超过五人", amounts) is None  # a rule, not a condition
    assert condition_met("不满十八岁的", amounts) is None  # on a measure the question does not state
    assert stated_amounts("偷偷采了八十吨砂") == {"吨": 80} and stated_amounts("能派几个代表") == {}
    body = "多人以走访形式提出信访事项的，应当推选代表。十人以下的，代表人数最多不得超过三人；超过十人的，代表人数最多不得超过五人。"
    article = _article(body)
    article.sentences = ["多人以走访形式提出信访事项的，应当推选代表。", "十人以下的，代表人数最多不得超过三人；",
                         "超过十人的，代表人数最多不得超过五人。"]
    count = re.compile(r"[一二三四五六七八九十]+人")
    p = best_passage(article, ["走访", "代表"], _match, _weight, count, amounts=amounts)
    assert "五人" in p.line and "走访" in p.before  # the sentence it goes on from is judged with it
    p = best_passage(article, ["走访", "代表"], _match, _weight, count, amounts=stated_amounts("我们五个人去走访"))
    assert "三人" in p.line


def test_a_range_is_met_only_within_both_of_its_bounds():
    from retrieval.conditions import condition_met, stated_amounts

    amounts = stated_amounts("屋里只有15度，按日热费的百分之多少退钱？")
    assert amounts == {"度": 15}
    assert condition_met("室温高于或者等于十六摄氏度、低于十八摄氏度的", amounts) is False
    assert condition_met("室温高于或者等于十四摄氏度、低于十六摄氏度的", amounts) is True
    assert condition_met("室温不低于十四摄氏度的", amounts) is True


def test_a_duty_in_a_branch_the_askers_amount_fails_does_not_answer(tmp_path):
    from cli.main import main
    from retrieval.engine import Engine

    text = ("某市供热条例\n\n第一条 为了规范供热，制定本条例。\n第二条 供热主管部门负责本市供热监督管理。\n"
            "第三条 供热企业应当在采暖期开始五日前进行试供热。\n第四条 供热企业应当按照下列标准向用户退还热费：\n"
            "（一）室温高于或者等于十六摄氏度、低于十八摄氏度的，退还日热费金额的百分之二十；\n"
            "（二）室温高于或者等于十四摄氏度、低于十六摄氏度的，退还日热费金额的百分之五十；\n"
            "（三）室温低于十四摄氏度的，退还日热费金额的百分之七十。\n")
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    assert main(["ingest", str(tmp_path / "t.txt"), "--corpus", str(tmp_path / "c"), "--city", "临沂"]) == 0
    a = Engine.load(tmp_path / "c").ask("屋里只有15度，按日热费的百分之多少退钱？", "临沂")
    assert a.answered and "百分之五十" in a.first_line
