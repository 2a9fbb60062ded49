"""Whatever a user types, the engine answers with a message, never an exception."""
import pytest


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "\u200b\u200c\ufeff", "\x00\x01\x07"])
def test_empty_or_invisible_questions_ask_for_a_question(engine, question):
    a = engine.ask(question)
    assert not a.answered and a.first_line == "请输入一个问题。"


@pytest.mark.parametrize("question", ["？？？", "的了吗", "多久？"])
def test_questions_with_nothing_to_look_up(engine, question):
    a = engine.ask(question)
    assert not a.answered and a.first_line == "这句话里没有可以查的内容。"


def test_very_long_question_is_cut_and_says_so(engine):
    a = engine.ask("市政府领导多久接听一次热线？" + "啊" * 100_000, city="烟台")
    assert any("只读了前500个字" in n for n in a.notes)
    assert a.answered and "每月" in a.first_line


def test_zero_width_and_control_characters_inside_words_are_ignored(engine):
    a = engine.ask("离\u200b烟外\u2060出要提\x07前几天请假？", city="烟台")
    assert a.answered and "提前3天" in a.first_line


def test_emoji_around_a_real_question(engine):
    a = engine.ask("🙏 请问一线办公多久一次？😀", city="烟台")
    assert a.answered and "每2周" in a.first_line


def test_traditional_script_and_full_width_characters(engine):
    a = engine.ask("熱點部門主要負責人多久接聽一次熱線？", city="烟台")
    assert a.answered and "每季度" in a.first_line
    b = engine.ask("出庭应诉率要保持多少？１００％吗", city=None)
    assert "100%" in b.first_line


def test_a_place_without_documents_is_not_governed_by_another_citys(engine):
    a = engine.ask("离烟外出要提前几天请假？", city="北京")
    assert not a.answered and any("北京" in n and "不适用" in n for n in a.notes)


def test_a_city_name_that_is_no_place_answers_from_all_documents_and_says_so(engine):
    a = engine.ask("离烟外出要提前几天请假？", city="火星基地")
    assert a.answered and "提前3天" in a.first_line
    assert any("火星基地" in n for n in a.notes)


def test_city_spelled_with_shi_or_traditional(engine):
    assert engine.resolve_city("招远市") == "招远"
    assert engine.resolve_city("煙臺") == "烟台"
    assert engine.resolve_city("上海") is None


@pytest.mark.parametrize("top", [0, -5, 10_000])
def test_top_out_of_range_is_clamped(engine, top):
    a = engine.ask("多久开展一次一线办公？", top=top)
    assert 1 <= len(a.citations) <= 50
