"""Help texts' examples come from the loaded corpus: its own obligations, roles, cities, articles."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.examples import example_questions, examples, hint
from retrieval.roles import roles

FIXTURES = Path(__file__).parent / "fixtures"
SEED_WORDS = ("烟台", "招远", "离烟", "离招", "链办")


def other_cities_corpus(root: Path) -> Path:
    """Two documents of other cities (威海's parking rules, 潍坊's flood notice) as a corpus of their own."""
    docs = root / "documents"
    docs.mkdir(parents=True)
    for name, meta in [("weihai_parking", "doc_number: 威政办发〔2023〕12号\ntitle: 威海市城市公共停车设施管理办法\ncity: 威海\n"),
                       ("weifang_flood", "doc_number: 潍政办字〔2024〕15号\ntitle: 潍坊市人民政府办公室关于做好2024年汛期防汛工作的通知\n"
                                         "city: 潍坊\n")]:
        shutil.copy(FIXTURES / f"{name}.txt", docs / f"{name}.txt")
        (docs / f"{name}.yaml").write_text(meta + f"text_file: {name}.txt\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    return Engine.load(other_cities_corpus(tmp_path_factory.mktemp("other")))


def assert_answered_from_corpus(engine: Engine, questions: list[str]) -> None:
    for q in questions:
        a = engine.ask(q)
        assert a.answered, (q, a.answer)
        assert a.citations[0].doc_number in engine.by_number


def test_seed_examples_are_questions_the_seeds_answer(engine):
    ex = examples(engine)
    assert len(ex.questions) == 3
    period, deadline, comparison = ex.questions
    assert "多久" in period and "几" in deadline and "有什么不同" in comparison
    assert_answered_from_corpus(engine, ex.questions)
    assert engine.ask(comparison).intent == "comparison"
    assert "提前3天" in engine.ask(deadline).answer
    assert ex.role == "市政府领导班子成员" and set(ex.cities) == set(engine.cities)
    cited = [engine.by_number[d].article(ex.compare) for d in engine.by_number]
    assert all(cited) and cited[0].body != cited[1].body, "the /compare example differs between the cities"
    assert engine.document(ex.document).article(ex.article) is not None


def test_another_corpus_shows_its_own_examples(other):
    ex = examples(other)
    text = " ".join(ex.questions + [ex.city, ex.document, ex.role] + ex.cities)
    assert not any(w in text for w in SEED_WORDS), text
    assert ex.questions and any("停车" in q for q in ex.questions), ex.questions
    assert_answered_from_corpus(other, ex.questions)
    assert ex.city in ("威海", "潍坊") and ex.role == roles(other)[0]
    assert other.document(ex.document).article(ex.article) is not None
    assert ex.compare is None, "two unrelated documents have no article worth comparing"


def test_abstention_hint_names_the_corpus_and_asks_its_own_question(engine, other):
    seeds, others = hint(engine), hint(other)
    assert seeds.startswith("我可以回答") and example_questions(engine)[0] in seeds
    assert "威海市城市公共停车设施管理办法" in others and example_questions(other)[0] in others
    assert not any(w in others for w in SEED_WORDS)
    assert example_questions(other)[0] in other.ask("今天天气怎么样？").answer
