"""Small talk and questions about the bot (你好, 谢谢, 你是谁, 你能做什么, 收到): a short friendly reply with
what the loaded corpus answers, never a clause; a question that opens with a greeting is still answered;
small talk between questions keeps the asker's last question for follow-ups."""
import pytest

from retrieval.followups import Conversations
from retrieval.small_talk import INTENT, kind_of


@pytest.mark.parametrize("message, kind", [
    ("你好", "greeting"), ("您好！", "greeting"), ("在吗？", "greeting"), ("Hello", "greeting"),
    ("你好呢", "greeting"), ("谢谢", "thanks"), ("谢谢你~~", "thanks"), ("好的，谢谢", "thanks"),
    ("你是谁", "identity"), ("你是机器人吗？", "identity"), ("你能做什么", "abilities"),
    ("可以问什么", "abilities"), ("收到", "acknowledgement"), ("好的", "acknowledgement"), ("👍", "acknowledgement"),
])
def test_small_talk_is_recognised(message, kind):
    assert kind_of(message).name == kind


@pytest.mark.parametrize("message", ["你好，离烟外出要提前几天请假", "谢谢你们的服务热线多久接听一次", "可以报销吗",
                                     "好的政策有哪些", "hello world", "收到通知后几天内办结"])
def test_questions_are_not_small_talk(message):
    assert kind_of(message) is None


def test_a_greeting_says_what_the_corpus_answers(engine):
    a = engine.ask("你好")
    assert a.intent == INTENT and not a.answered and not a.citations
    assert a.first_line.startswith("你好！") and "《烟台市人民政府关于进一步加强政府自身建设的意见》" in a.answer
    assert "可以这样问" in a.answer
    thanks = engine.ask("谢谢")
    assert thanks.intent == INTENT and "我可以回答" not in thanks.answer and len(thanks.answer) < 30


def test_a_question_after_a_greeting_is_answered(engine):
    a = engine.ask("你好，离烟外出要提前几天请假", city="烟台")
    assert a.answered and "提前3天" in a.first_line


def test_small_talk_between_questions_keeps_the_last_question(engine):
    talk = Conversations(engine)
    talk.ask("u", "市政府领导多久接听一次热线", city="烟台")
    thanks, how = talk.ask("u", "谢谢", city="烟台")
    assert how is None and thanks.intent == INTENT
    answer, how = talk.ask("u", "热点部门呢", city="烟台")
    assert how.kind == "subject" and "每季度" in answer.first_line
