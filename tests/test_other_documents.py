"""A city's document nobody here tuned for (a saved web page, flat 第X条), ingested with the real
command and asked as its users would ask: the generic machinery, not the seeds, has to carry it."""
import subprocess
import sys
from pathlib import Path

import pytest

from retrieval.engine import Engine

FIXTURE = Path(__file__).parent / "fixtures" / "rongcheng_good_bad_review.html"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("rongcheng")
    r = subprocess.run([sys.executable, "-m", "cli.main", "ingest", str(FIXTURE), "--corpus", str(corpus)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "荣政办发〔2023〕9号" in r.stdout and "9 条" in r.stdout
    return Engine.load(corpus)


def ask(engine, q):
    return engine.ask(q, city="荣成")


def test_deadline_with_agency_actor(engine):
    a = ask(engine, "收到差评后几个工作日内要回访？")
    assert a.first_line.startswith("政务服务机构") and "1个工作日内" in a.first_line
    assert (a.citations[0].label, a.citations[0].article) == ("第五条", 5)


def test_a_clause_with_its_own_subject_stands_alone(engine):
    a = ask(engine, "群众满意率要达到多少？")
    assert "95%" in a.first_line and "100%" not in a.first_line


def test_frequency_names_the_agency(engine):
    a = ask(engine, "好差评结果多久通报一次？")
    assert a.first_line == "市行政审批服务局每季度通报1次评价结果。"


def test_definition_prefers_the_defining_sentence(engine):
    a = ask(engine, "哪些算差评？")
    assert a.citations[0].article == 4 and "为差评" in a.first_line


def test_effective_date_is_quoted_from_the_article_that_states_it(engine):
    a = ask(engine, "这个办法什么时候开始施行？")
    assert a.first_line.startswith("本办法自2023年5月1日起施行") and a.citations[0].label == "第九条"


def test_who_is_responsible(engine):
    a = ask(engine, "谁负责好差评工作的监督管理？")
    assert a.first_line.startswith("市行政审批服务局") and a.citations[0].article == 3


def test_no_other_city_governs_here(engine):
    a = ask(engine, "市政府领导多久接听一次热线？")
    assert not a.answered


def test_the_clause_that_does_what_is_asked_wins_over_its_neighbour(engine):
    """回访 (1 day) and 整改 (3 days) share a sentence; "整改完" asks for the second."""
    a = ask(engine, "差评多久必须整改完？")
    assert "3个工作日内完成整改" in a.first_line and "回访" not in a.first_line
