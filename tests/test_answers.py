"""Answers as the eval contract grades them, plus the city, role and comparison behaviour."""
import importlib.util
import json
from pathlib import Path

import pytest

from .conftest import SHARED

DATA = Path(__file__).parent / "data"


def _grader():
    spec = importlib.util.spec_from_file_location("grade", SHARED / "eval" / "grade.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _grade(engine, path):
    grade = _grader()
    failures = []
    questions = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for q in questions:
        answer = engine.ask(q["q"], city=q.get("city")).to_dict()
        ok, why = grade.grade_one(q, answer)
        if not ok:
            failures.append((q["id"], q["q"], why, answer["answer"][:80]))
    return len(questions), failures


@pytest.mark.needs_shared  # graded by ../shared/eval/grade.py
def test_dev_questions_meet_the_bar(engine):
    n, failures = _grade(engine, SHARED / "eval" / "dev_questions.jsonl")
    assert len(failures) <= n * 0.05, failures


@pytest.mark.needs_shared  # graded by ../shared/eval/grade.py
def test_paraphrases_and_unanswerables_of_our_own(engine):
    """Other wording than the dev set: colloquial, traditional script, metadata, comparison, off-topic."""
    n, failures = _grade(engine, DATA / "paraphrases.jsonl")
    assert failures == []


def test_first_line_is_the_fact_for_the_asker_not_the_whole_clause(engine):
    a = engine.ask("热点部门主要负责人多久接听一次群众来电？", city="烟台")
    assert a.first_line == "热点部门主要负责人每季度接听1次群众来电。"
    assert "每半年" in a.citations[0].quote  # the quote is the whole sentence, the answer only its fact


def test_role_names_the_actor_when_the_question_does_not(engine):
    hot = engine.ask("我多久接听一次热线？", city="烟台", role="热点部门主要负责人")
    cold = engine.ask("我多久接听一次热线？", city="烟台", role="非热点部门主要负责人")
    assert "每季度" in hot.first_line and "每半年" not in hot.first_line
    assert "每半年" in cold.first_line and "每季度" not in cold.first_line


def test_city_document_first(engine):
    yt = engine.ask("市政府领导班子成员多久接待一次群众来访？", city="烟台")
    zy = engine.ask("市政府领导班子成员多久接待一次群众来访？", city="招远")
    assert yt.citations[0].doc_number == "烟政发〔2022〕8号" and "每季度" in yt.first_line
    assert zy.citations[0].doc_number == "招政发〔2022〕21号" and "每月" in zy.first_line
    assert not yt.notes and not zy.notes


def test_parent_governs_where_the_city_is_silent_and_the_answer_says_so(engine):
    a = engine.ask("市政府领导多久接听一次热线？", city="招远")
    assert a.answered and "每月" in a.first_line
    assert a.citations[0].doc_number == "烟政发〔2022〕8号"
    assert any("招远的文件对此没有规定" in n and "烟台" in n for n in a.notes)
    assert "招远的文件对此没有规定" in a.answer


def test_city_named_in_the_question_overrides_the_setting(engine):
    a = engine.ask("招远市政府领导多久接待一次群众来访？", city="烟台")
    assert a.citations[0].doc_number == "招政发〔2022〕21号" and "每月" in a.first_line


def test_comparison_gives_both_cities_in_question_order(engine):
    a = engine.ask("烟台和招远接待群众来访的规定有什么不同？")
    assert a.intent == "comparison" and a.primary == 2
    assert a.first_line.index("烟台") < a.first_line.index("招远")
    assert "每季度" in a.first_line and "每月" in a.first_line
    assert [c.city for c in a.citations[:2]] == ["烟台", "招远"]
    b = engine.ask("烟台和招远的服务热线有什么区别？")
    assert "12345" in b.first_line and "89000" in b.first_line
    assert "12345" in b.citations[0].quote and "89000" in b.citations[1].quote


def test_repeal_and_effective_date_come_from_the_closing_provisions(engine):
    a = engine.ask("这个意见废止了哪个文件？", city="招远")
    assert "招政发〔2019〕24号" in a.first_line and a.citations[0].article is None
    b = engine.ask("什么时候开始施行？", city="招远")
    assert "2022年5月12日" in b.first_line


def test_answer_text_layout(engine):
    a = engine.ask("离烟外出要提前几天请假？", city="烟台")
    lines = a.answer.split("\n")
    assert lines[0] == a.first_line and len(lines[0]) <= 100 and "提前3天" in lines[0]
    assert lines[1].startswith("依据：《烟台市人民政府关于进一步加强政府自身建设的意见》（烟政发〔2022〕8号）一、")
    assert "3.严守政治纪律和政治规矩" in lines[1]
    assert lines[2].startswith("原文：“") and "离烟外出须提前3天" in lines[2]
    c = a.to_dict()["citations"][0]
    assert (c["article"], c["label"], c["city"]) == (3, "3.", "烟台")


@pytest.mark.parametrize("top", [1, 3, 5])
def test_top_sets_the_number_of_citations(engine, top):
    assert len(engine.ask("多久开展一次一线办公？", top=top).citations) == top


def test_related_clauses_are_those_covering_the_question_while_json_keeps_the_ranking(engine):
    a = engine.ask("市政府领导班子成员多久接听一次热线？", city="烟台", top=4)
    assert len(a.citations) == 4 and a.related == [], "the next articles by score are not related by default"
    assert "covers" not in a.to_dict()["citations"][1]
    b = engine.ask("离烟外出要提前几天请假？", city="烟台")
    assert [(c.doc_number, c.label) for c in b.related] == [("招政发〔2022〕21号", "3.")]
