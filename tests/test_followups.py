"""Follow-ups in a conversation (retrieval/followups.py): a short message leaning on the asker's last
answer is asked as the question it stands for; a question of its own starts afresh."""
import pytest

from retrieval.followups import Conversations


@pytest.fixture
def talk(engine):
    return Conversations(engine)


def test_another_subject_gets_the_last_question_about_it(talk):
    first, resolved = talk.ask("a", "市政府领导多久接听一次热线？")
    assert resolved is None and "每月" in first.first_line
    hot, resolved = talk.ask("a", "热点部门呢？")
    assert resolved.kind == "subject" and resolved.question == "热点部门多久接听一次热线？"
    assert "每季度" in hot.first_line and "每月" not in hot.first_line
    # and the follow-up of a follow-up: 非热点 replaces 热点
    cold, resolved = talk.ask("a", "非热点部门的呢")
    assert resolved.question == "非热点部门多久接听一次热线？"
    assert "每半年" in cold.first_line and cold.first_line.startswith("非热点部门")
    # how it was understood is said under the direct answer
    assert cold.answer.split("\n")[1].startswith("接着上一个问题")


def test_another_place_gets_that_places_clause(talk):
    talk.ask("a", "离烟外出要提前几天请假？")
    answer, resolved = talk.ask("a", "那招远呢？")
    assert resolved.kind == "place" and resolved.city == "招远"
    assert answer.citations[0].doc_number == "招政发〔2022〕21号" and "离招外出" in answer.first_line


def test_an_article_of_the_last_cited_document(talk):
    talk.ask("a", "招远的民生服务热线叫什么？", city="招远")
    answer, resolved = talk.ask("a", "第七条全文发给我")
    assert resolved.kind == "article"
    c = answer.citations[0]
    assert (c.doc_number, c.article) == ("招政发〔2022〕21号", 7) and "狠抓重点项目推进建设" in answer.first_line


def test_a_question_of_its_own_starts_afresh_and_askers_are_apart(talk):
    talk.ask("a", "市政府领导多久接听一次热线？")
    answer, resolved = talk.ask("a", "离烟外出要提前几天请假？")
    assert resolved is None and "提前3天" in answer.first_line
    for message in ("今天天气怎么样", "多久开展一次一线办公呢？这是怎么规定的"):
        assert talk.ask("a", message)[1] is None
    # another asker has no last question to lean on; no asker keeps none
    assert talk.ask("b", "热点部门呢？")[1] is None
    assert talk.ask(None, "热点部门呢？")[1] is None


def test_a_question_too_bare_to_stand_alone_is_asked_with_the_last_one(engine):
    talk = Conversations(engine)
    talk.ask("u", "每个链办多久提报重大招商项目？", city="烟台")
    answer, how = talk.ask("u", "至少几个？", city="烟台")
    assert how.kind == "refine" and how.question == "每个链办多久提报重大招商项目？ 至少几个？"
    assert "不少于5个" in answer.first_line
    # a word of topic of its own, not in a reply: a question of its own
    _, how = talk.ask("u", "几点上班？", city="烟台")
    assert how is None
