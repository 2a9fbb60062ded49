"""Documents in force: what a document repeals is recorded in both documents' metadata whichever arrives
first; answers come from the document in force; a repealed or expired one that alone governs says so in
the answer's first lines; 还有效吗 / 什么时候到期 / 被什么废止了 are answered from the record; `docs`
shows each document's standing. The documents are 威海's parking rules of 2023 (tests/fixtures/
weihai_parking.txt, which repeals 威政办发〔2015〕30号) and a 2015 version written for these tests
(weihai_parking_2015.txt, 有效期5年 from 2015-09-01)."""
import datetime as dt
import json
import shutil

import pytest
import yaml

from cli.main import main
from retrieval.engine import Engine
from retrieval.followups import Conversations
from retrieval.in_force import Register
from retrieval.metadata import detect
from retrieval.models import DocumentMeta

from .conftest import ROOT
from .fixtures import make

OLD, NEW = "威政办发〔2015〕30号", "威政办发〔2023〕12号"


def run(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().out


def ingest(capsys, corpus, *names) -> str:
    folder = corpus.parent / ("in-" + "-".join(names))
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(make.SOURCES / f"{name}.txt", folder)
    code, out = run(capsys, "ingest", folder, "--corpus", corpus)
    assert code == 0, out
    return out


def yaml_of(corpus, number) -> dict:
    slug = number.replace("〔", "-").replace("〕", "-").removesuffix("号")
    return yaml.safe_load((corpus / "documents" / f"{slug}.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def replaced(tmp_path, capsys):
    """The 2015 rules, then the 2023 rules that repeal them."""
    corpus = tmp_path / "corpus"
    ingest(capsys, corpus, "weihai_parking_2015")
    report = ingest(capsys, corpus, "weihai_parking")
    return corpus, report


def test_the_repealing_document_records_itself_in_the_repealed_ones_metadata(replaced, capsys):
    corpus, report = replaced
    assert f"{OLD}：语料中的" in report and "已在它的元数据里记为被本文件废止" in report
    assert yaml_of(corpus, OLD)["repealed_by"] == NEW
    assert yaml_of(corpus, NEW)["repeals"] == [OLD]
    code, out = run(capsys, "docs", "--corpus", corpus)
    old_row = next(line for line in out.splitlines() if line.startswith(OLD))
    assert code == 0 and "已废止" in old_row
    assert f"已被《威海市人民政府办公室关于印发威海市城市公共停车设施管理办法的通知》（{NEW}）废止，2023-07-01起" in out


def test_a_document_arriving_after_its_repealer_is_recorded_as_repealed(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    ingest(capsys, corpus, "weihai_parking")
    report = ingest(capsys, corpus, "weihai_parking_2015")
    assert "被废止" in report and f"（{NEW}）废止了这份文件" in report
    assert yaml_of(corpus, OLD)["repealed_by"] == NEW
    engine = Engine.load(corpus)
    assert engine.standing(OLD).state == "repealed" and engine.standing(NEW).state == "in_force"


def test_answers_come_from_the_document_in_force(replaced):
    engine = Engine.load(replaced[0])
    a = engine.ask("停车场经营备案要在多少天内完成", city="威海")
    assert a.citations[0].doc_number == NEW and "15日内" in a.first_line
    assert not any("⚠️" in n for n in a.notes)


def test_a_repealed_document_that_alone_governs_says_so_first(replaced):
    engine = Engine.load(replaced[0])
    a = engine.ask("停车场调整收费标准要提前几天公示", city="威海")
    assert a.citations[0].doc_number == OLD and "提前10日" in a.first_line
    second = a.answer.splitlines()[1]
    assert second.startswith("⚠️") and f"已被{NEW}废止" in second and "仅供参考" in second


def test_an_expired_document_that_alone_governs_says_so_first(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    ingest(capsys, corpus, "weihai_parking_2015")
    code, out = run(capsys, "docs", "--corpus", corpus)
    assert "已到期" in out and "有效期至2020-08-31，已到期失效" in out
    engine = Engine.load(corpus)
    a = engine.ask("新建住宅每户配建几个停车位", city="威海")
    assert "0.5个" in a.first_line and "有效期至2020-08-31，已到期失效" in a.answer.splitlines()[1]
    engine.today = lambda: dt.date(2019, 1, 1)  # while it was in force, no warning
    assert not any("⚠️" in n for n in engine.ask("新建住宅每户配建几个停车位", city="威海").notes)


def test_standing_questions_are_answered_from_the_record(replaced):
    engine = Engine.load(replaced[0])
    a = engine.ask(f"{OLD}还有效吗", city="威海")
    assert a.intent == "standing" and a.first_line == f"{OLD}已被{NEW}废止，2023-07-01起。"
    assert "同时废止" in a.citations[0].quote and a.citations[0].doc_number == NEW
    a = engine.ask("停车设施管理办法什么时候到期", city="威海")
    assert a.first_line == f"{NEW}现行有效，有效期至2028-06-30。" and "有效期至2028年6月30日" in a.citations[0].quote
    assert engine.ask("这个办法被什么文件取代了", city="威海").intent == "standing"


def test_bundled_zhaoyuan_document_repeals_its_2019_predecessor(capsys):
    code, out = run(capsys, "docs")
    assert code == 0 and "废止 招政发〔2019〕24号（未收录）" in out
    a = Engine.load().ask("招政发〔2019〕24号还有效吗", city="招远")
    assert a.first_line == "招政发〔2019〕24号已被招政发〔2022〕21号废止，2022-05-12起。"
    assert "招政发〔2019〕24号" in a.citations[0].quote


def test_follow_ups_ask_about_the_cited_document_and_its_earlier_version(replaced):
    talk = Conversations(Engine.load(replaced[0]))
    first, _ = talk.ask("u", "停车场经营备案要在多少天内完成", city="威海")
    assert first.citations[0].doc_number == NEW
    earlier, how = talk.ask("u", "以前是怎么规定的", city="威海")
    assert how.kind == "previous" and how.document == OLD
    assert "30日内" in earlier.first_line and earlier.citations[0].doc_number == OLD
    standing, how = talk.ask("u", "这个文件还有效吗", city="威海")
    assert how.kind == "document" and standing.first_line.startswith(f"{OLD}已被{NEW}废止")


def test_an_earlier_version_outside_the_corpus_is_named_not_invented():
    talk = Conversations(Engine.load())
    talk.ask("u", "离招外出要提前几天请假", city="招远")
    answer, how = talk.ask("u", "原来是怎么规定的", city="招远")
    assert how.kind == "previous" and how.document is None and how.missing == "招政发〔2019〕24号"
    assert "语料中没有收录它的全文" in answer.answer and "提前" not in answer.first_line


def test_the_jsonl_conversation_resolves_document_follow_ups(replaced, capsys, monkeypatch):
    import io
    lines = [{"q": "停车场经营备案要在多少天内完成", "city": "威海", "user": 1},
             {"q": "以前是怎么规定的", "city": "威海", "user": 1}]
    text = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8"))
    code, out = run(capsys, "ask", "--jsonl", "--corpus", replaced[0])
    answers = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and answers[1]["citations"][0]["doc_number"] == OLD and "30日内" in answers[1]["answer"]


def test_a_repealer_not_yet_in_force_leaves_the_old_document_in_force():
    old = DocumentMeta(OLD, "旧办法", effective="2015-09-01")
    new = DocumentMeta(NEW, "新办法", effective="2023-07-01", repeals=[OLD])
    register = Register([old, new])
    assert register.status(OLD, dt.date(2023, 6, 30)).state == "in_force"
    assert register.status(OLD, dt.date(2023, 6, 30)).will_be_repealed_by == NEW
    assert register.status(NEW, dt.date(2023, 6, 30)).state == "pending"
    assert register.status(OLD, dt.date(2023, 7, 1)).state == "repealed"
    assert register.lapsed(dt.date(2023, 7, 1)) == {OLD}


def test_a_repeal_by_title_and_an_amendment_are_found():
    old = DocumentMeta("某政发〔2018〕3号", "某市物业管理办法")
    changer = DocumentMeta("某政发〔2024〕1号", "某市人民政府关于修改《某市物业管理办法》的决定", amends=["某市物业管理办法"])
    repealer = DocumentMeta("某政发〔2025〕2号", "某市物业服务办法", repeals=["《某市物业管理办法》"])
    status = Register([old, changer, repealer]).status("某政发〔2018〕3号", dt.date(2026, 1, 1))
    assert status.state == "repealed" and status.repealed_by == "某政发〔2025〕2号"
    assert status.amended_by == ("某政发〔2024〕1号",)


def test_validity_in_years_counts_from_the_effective_date_and_amendments_are_detected():
    text = make.source("weihai_parking_2015.txt")
    assert detect(text).get("expires") == "2020-08-31"
    amending = ("某市人民政府关于修改《某市物业管理办法》的决定\n\n某政发〔2024〕1号\n\n"
                "市政府决定对《某市物业管理办法》（某政发〔2018〕3号）作如下修改：\n"
                "一、第五条修改为：……\n二、本决定自2024年3月1日起施行。\n")
    assert detect(amending).get("amends") == ["某政发〔2018〕3号"]


def test_ingesting_the_document_the_bundled_zhaoyuan_one_repeals(tmp_path, capsys):
    """招政发〔2019〕24号 arrives after 招政发〔2022〕21号, which repeals it (a short stand-in written for this
    test: tests/fixtures/zhaoyuan_2019_standin.txt, not the real text). `docs` shows it repealed, and its
    own rules (热线 每季度) never answer while the documents in force do."""
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus, ignore=shutil.ignore_patterns(".index", "__pycache__", "*.py"))
    report = ingest(capsys, corpus, "zhaoyuan_2019_standin")
    assert "→ 被废止" in report and "（招政发〔2022〕21号）废止了这份文件" in report
    code, out = run(capsys, "docs", "--corpus", corpus)
    row = next(line for line in out.splitlines() if line.startswith("招政发〔2019〕24号"))
    assert "已废止" in row and "已被《招远市人民政府关于进一步加强政府自身建设的意见》（招政发〔2022〕21号）废止，2022-05-12起" in out
    assert "废止 《招远市人民政府关于切实加强政府自身建设的意见》（招政发〔2019〕24号）" in out, "no longer 未收录"
    a = Engine.load(corpus).ask("市政府领导多久接听一次热线", city="招远")
    assert "每月" in a.first_line and a.citations[0].doc_number == "烟政发〔2022〕8号"


def test_a_document_never_repeals_a_later_namesake():
    trial = DocumentMeta("人民检察院刑事诉讼规则（试行）", "人民检察院刑事诉讼规则（试行）", effective="2013-01-01",
                         repeals=["人民检察院刑事诉讼规则"])  # the 规则 of 1999, by title
    rules = DocumentMeta("人民检察院刑事诉讼规则", "人民检察院刑事诉讼规则", effective="2019-12-30")
    register = Register([trial, rules])
    assert register.status("人民检察院刑事诉讼规则", dt.date(2026, 1, 1)).state == "in_force"
    assert register.lapsed(dt.date(2026, 1, 1)) == frozenset()
