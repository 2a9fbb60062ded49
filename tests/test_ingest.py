"""`policybot ingest / docs / remove`: the report, the corpus it writes, updates, refusals, and the bot
answering from what was ingested. The documents are two cities' documents written for these tests
(tests/fixtures/*.txt), in every format, and the two seeds."""
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cli.main import main
from retrieval.corpus import bundled_corpus_dir, load_documents, read_meta
from retrieval.engine import Engine
from retrieval.metadata import normalize_doc_number

from .conftest import ROOT, SEEDS
from .fixtures import make

WEIHAI = "威海市人民政府办公室关于印发威海市城市公共停车设施管理办法的通知"
WEIFANG = "潍坊市人民政府办公室关于做好2024年汛期防汛工作的通知"
FORMATS = ["txt", "html", "docx", "pdf"]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def snapshot(folder: Path) -> dict:
    """Every file and folder under a path with its bytes: the corpus 'byte for byte'."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))
            if ".index/" not in str(p.relative_to(folder))}  # the index's own files come and go as it updates


def build(name: str, fmt: str, folder: Path, text: str | None = None) -> Path:
    text = text if text is not None else make.source(f"{name}.txt")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.{fmt}"
    title = WEIHAI if name.startswith("weihai") else WEIFANG
    if fmt == "txt":
        return make.write_txt(text, path)
    if fmt == "html":
        return make.write_html(text, path, title=title)
    if fmt == "docx":
        return make.write_docx(text, path, auto_numbering=name.startswith("weihai"))
    return make.write_pdf(text, path, header=title[:10])


@pytest.fixture
def seeded(tmp_path, capsys):
    """A corpus holding the two seeds, ingested."""
    corpus = tmp_path / "corpus"
    code, out, _ = run(capsys, "ingest", SEEDS, "--corpus", corpus)
    assert code == 0, out
    return corpus


# ---- the seeds ------------------------------------------------------------------------------------

def test_seeds_are_ingested_with_the_metadata_the_bundled_corpus_has(seeded, capsys):
    bundled = {m.doc_number: m for m in (read_meta(p) for p in (bundled_corpus_dir() / "documents").glob("*.yaml"))}
    ingested = {d.doc_number: d for d in load_documents(seeded)}
    assert set(ingested) == set(bundled)
    for number, want in bundled.items():
        got = ingested[number].meta
        for key in ("doc_number", "title", "issuer", "city", "level", "parent", "written", "published", "effective",
                    "repeals"):
            assert getattr(got, key) == getattr(want, key), (number, key)
        # the stored text is the seed exactly as received
        assert (seeded / "documents" / got.text_file).read_bytes() == (SEEDS / want.text_file).read_bytes()
    assert ingested["烟政发〔2022〕8号"].meta.validity == "有效"


def test_the_report_says_what_was_found(tmp_path, capsys):
    code, out, _ = run(capsys, "ingest", SEEDS / "zhaoyuan-zhaozhengfa-2022-21.txt", "--corpus", tmp_path / "c",
                       "--dry-run")
    assert code == 0
    for expected in ("文号       招政发〔2022〕21号", "城市       招远", "层级       县级市", "施行日期   2022-05-12",
                     "废止       招政发〔2019〕24号", "7 个部分，30 条（1. … 30.）", "含施行/废止条款",
                     "无缺号、重号", "义务       52 项，例如：", "提前3天", "警告       无",
                     "试运行", "没有写入", "收录用时"):
        assert expected in out, expected
    # its parent is named by title and is not in this corpus: the report says so
    assert "烟台市人民政府关于进一步加强政府自身建设的意见" in out and "还不在语料中" in out
    assert not (tmp_path / "c").exists()


def test_a_parent_named_by_title_is_linked_once_it_arrives(tmp_path, capsys):
    corpus = tmp_path / "c"
    assert run(capsys, "ingest", SEEDS / "zhaoyuan-zhaozhengfa-2022-21.txt", "--corpus", corpus)[0] == 0
    assert run(capsys, "ingest", SEEDS / "yantai-yanzhengfa-2022-8.txt", "--corpus", corpus)[0] == 0
    docs = {d.doc_number: d for d in load_documents(corpus)}
    assert docs["招政发〔2022〕21号"].meta.parent == "烟政发〔2022〕8号"
    # and the engine uses the link: 招远's asker is answered from 招远's own text first
    a = Engine.load(corpus).ask("离招外出要提前几天请假？", city="招远")
    assert a.answered and a.citations[0].doc_number == "招政发〔2022〕21号" and "提前3天" in a.first_line


def test_the_api_plans_commits_and_returns_a_report_without_printing(tmp_path, capsys):
    from retrieval.ingest import IngestOptions, commit, plan

    corpus = tmp_path / "c"
    report = plan(IngestOptions([str(SEEDS)], corpus=corpus))
    assert not corpus.exists()  # planning writes nothing
    assert [p.meta.doc_number for p in report.plans] == ["烟政发〔2022〕8号", "招政发〔2022〕21号"]
    assert report.count("new") == 2 and report.articles == 60 and not report.refused
    commit(report)
    assert {p.meta.slug for p in report.written} == {"烟政发-2022-8", "招政发-2022-21"}
    assert report.index.articles > 60 and report.index.rebuilt == 2
    assert len(load_documents(corpus)) == 2
    assert capsys.readouterr() == ("", "")


# ---- documents nobody here wrote, in every format ----------------------------------------------------

WEIHAI_QUESTIONS = [("新建住宅每户配建几个停车位？", "第五条", "1个"),
                    ("停车场经营者取得营业执照后多少天内要备案？", "第八条", "15日内")]
WEIFANG_QUESTIONS = [("汛期多久会商一次？", "三、（一）", "每周"),
                     ("防汛抢险队伍要多少人？", "四、（一）", "50人")]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_another_citys_measures_in_chapters(fmt, tmp_path, capsys):
    corpus = tmp_path / "corpus"
    path = build("weihai_parking", fmt, tmp_path / "in")
    code, out, _ = run(capsys, "ingest", path, "--corpus", corpus)
    assert code == 0, out
    assert "5 个部分，17 条（第一条 … 第十七条）" in out
    [doc] = load_documents(corpus)
    m = doc.meta
    assert (m.doc_number, m.title, m.issuer, m.city, m.level) == (
        "威政办发〔2023〕12号", WEIHAI, "威海市人民政府办公室", "威海", "地级市")
    assert (m.written, m.effective, m.validity, m.repeals) == (
        "2023-05-26", "2023-07-01", "有效期至2028-06-30", ["威政办发〔2015〕30号"])
    assert [a.label for a in doc.articles] == [f"第{n}条" for n in "一二三四五六七八九十"] + \
        [f"第十{n}条" for n in "一二三四五六七"]
    assert doc.article(9).part == "第三章经营与管理"
    saved = yaml.safe_load((corpus / "documents" / f"{m.slug}.yaml").read_text(encoding="utf-8"))
    assert saved["source"].startswith(path.name) and saved["text_file"] == f"{m.slug}.txt"
    engine = Engine.load(corpus)
    for q, label, expect in WEIHAI_QUESTIONS:
        a = engine.ask(q)
        assert a.answered and a.citations[0].label == label and expect in a.first_line, (q, a.answer)
        assert a.citations[0].doc_number == "威政办发〔2023〕12号" and a.citations[0].title == WEIHAI


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_another_citys_notice_with_items_and_sub_items(fmt, tmp_path, capsys):
    corpus = tmp_path / "corpus"
    code, out, _ = run(capsys, "ingest", build("weifang_flood", fmt, tmp_path / "in"), "--corpus", corpus)
    assert code == 0, out
    [doc] = load_documents(corpus)
    m = doc.meta
    assert (m.doc_number, m.title, m.city, m.written, m.effective) == (
        "潍政办字〔2024〕15号", WEIFANG, "潍坊", "2024-05-10", "2024-05-10")
    assert m.parent == "山东省人民政府办公厅关于做好2024年防汛工作的通知"  # by title, not in this corpus
    labels = [(a.label, a.number) for a in doc.articles if a.kind == "article"]
    assert labels == [("一、（一）", 1), ("一、（二）", 2), ("二、（一）", 1), ("二、（二）", 2), ("三、（一）", 1),
                      ("三、（二）", 2), ("三、（三）", 3), ("四、（一）", 1), ("四、（二）", 2), ("五、", 5)]
    engine = Engine.load(corpus)
    for q, label, expect in WEIFANG_QUESTIONS:
        a = engine.ask(q)
        assert a.answered and a.citations[0].label == label and expect in a.first_line, (q, a.answer)


def test_traditional_script_is_quoted_as_written_and_found_in_simplified(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    text = make.with_pinyin(make.traditional(make.source("weifang_flood.txt")))
    code, out, _ = run(capsys, "ingest", build("weifang_flood", "docx", tmp_path / "in", text), "--corpus", corpus)
    assert code == 0, out
    [doc] = load_documents(corpus)
    assert doc.doc_number == "潍政办字〔2024〕15号" and doc.city == "潍坊"  # normalized for matching
    assert doc.title == "濰坊市人民政府辦公室關於做好2024年汛期防汛工作的通知"  # as written
    a = Engine.load(corpus).ask("防汛抢险队伍要多少人？")
    assert a.citations[0].label == "四、（一）"
    assert "搶險隊伍" in a.citations[0].quote and "(" not in a.citations[0].quote


# ---- the corpus stays reviewable: update in place, docs, remove ------------------------------------------

def test_ingesting_again_updates_in_place(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    assert run(capsys, "ingest", build("weihai_parking", "txt", tmp_path / "a"), "--corpus", corpus)[0] == 0
    before = snapshot(corpus)
    stamp = {p: p.stat().st_mtime_ns for p in (corpus / "documents").iterdir()}
    # the same file again: nothing to do, nothing touched
    code, out, _ = run(capsys, "ingest", tmp_path / "a" / "weihai_parking.txt", "--corpus", corpus)
    assert code == 0 and "新增 0，更新 0，未变 1" in out
    assert snapshot(corpus) == before and {p: p.stat().st_mtime_ns for p in stamp} == stamp
    # the same document as a PDF: the entry is updated, not duplicated
    code, out, _ = run(capsys, "ingest", build("weihai_parking", "pdf", tmp_path / "b"), "--corpus", corpus)
    assert code == 0 and "新增 0，更新 1" in out
    assert set(snapshot(corpus)) == set(before)  # the same two files, rewritten
    [doc] = load_documents(corpus)
    assert "PDF" in doc.meta.source and len(doc.articles) == 17


def test_a_value_corrected_by_a_reviewer_survives_an_update_that_cannot_find_it(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    src = build("weifang_flood", "txt", tmp_path / "in")
    assert run(capsys, "ingest", src, "--corpus", corpus)[0] == 0
    [yaml_path] = (corpus / "documents").glob("*.yaml")
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace("validity: ''", "validity: 有效"),
                         encoding="utf-8")
    src.write_text(make.source("weifang_flood.txt").replace("不少于50人", "不少于60人"), encoding="utf-8")
    code, out, _ = run(capsys, "ingest", src, "--corpus", corpus)
    assert code == 0 and "更新 1" in out and "沿用上一版本的值：validity" in out
    [doc] = load_documents(corpus)
    assert doc.meta.validity == "有效" and any("不少于60人" in a.body for a in doc.articles)


def test_docs_lists_and_remove_takes_out(seeded, tmp_path, capsys):
    assert run(capsys, "ingest", build("weihai_parking", "txt", tmp_path / "in"), "--corpus", seeded)[0] == 0
    code, out, _ = run(capsys, "docs", "--corpus", seeded)
    assert code == 0 and "共 3 份文件，77 条" in out
    assert "威政办发〔2023〕12号" in out and "招政发〔2022〕21号" in out
    # any bracket form of the 文号 names it
    code, out, _ = run(capsys, "remove", "威政办发(2023)12 号", "--corpus", seeded)
    assert code == 0 and "已删除 威政办发〔2023〕12号" in out
    assert {d.doc_number for d in load_documents(seeded)} == {"烟政发〔2022〕8号", "招政发〔2022〕21号"}
    assert len(list((seeded / "documents").iterdir())) == 4
    before = snapshot(seeded)
    code, _, err = run(capsys, "remove", "鲁政发〔2020〕1号", "--corpus", seeded)
    assert code == 1 and "没有文件“鲁政发〔2020〕1号”" in err and "没有删除任何文件" in err
    assert snapshot(seeded) == before


def test_options_supply_what_the_text_does_not_say(tmp_path, capsys):
    text = "\n".join(make.source("weifang_flood.txt").splitlines()[3:])  # no title, no 文号
    path = make.write_txt(text, tmp_path / "防汛通知.txt")
    corpus = tmp_path / "c"
    code, out, _ = run(capsys, "ingest", path, "--corpus", corpus, "--city", "寿光", "--parent", "鲁政办字［2024］ 9号",
                       "--title", "寿光市防汛工作通知", "--doc-number", "寿政办字 (2024) 3 号", "--level", "县级市")
    assert code == 0, out
    [doc] = load_documents(corpus)
    assert (doc.doc_number, doc.title, doc.city, doc.meta.parent, doc.meta.level) == (
        "寿政办字〔2024〕3号", "寿光市防汛工作通知", "寿光", "鲁政办字〔2024〕9号", "县级市")
    assert "[选项 --city]" in out and "[选项 --parent]" in out


def test_an_issuer_given_as_an_option_places_the_document(tmp_path, capsys):
    # the text names no issuer and the file's first city is another: the issuer the maintainer names decides
    path = make.write_txt("查档须知\n\n一、档案应在调览室阅览。\n二、复印须经批准。\n", tmp_path / "查档须知.txt")
    code, out, _ = run(capsys, "ingest", path, "--corpus", tmp_path / "c", "--issuer", "中共芜湖市委党史研究室")
    assert code == 0, out
    [doc] = load_documents(tmp_path / "c")
    assert (doc.city, doc.meta.level, doc.meta.issuer) == ("芜湖", "地级市", "中共芜湖市委党史研究室")


@pytest.mark.parametrize("raw, normalized", [
    ("烟政发〔2022〕8号", "烟政发〔2022〕8号"), ("国办发[2005]37号", "国办发〔2005〕37号"),
    ("鲁政字(2009)12号", "鲁政字〔2009〕12号"), ("招政发（２０２２）２１号", "招政发〔2022〕21号"),
    ("招政发〔2022〕21 号", "招政发〔2022〕21号"), ("烟政办发 【2021】 第5号", "烟政办发〔2021〕5号"),
    ("煙政發〔2022〕8號", "烟政发〔2022〕8号"), ("烟台市人民政府令 第 148 号", "烟台市人民政府令第148号"),
    ("not a number", None)])
def test_doc_numbers_in_their_many_forms_are_stored_normalized(raw, normalized):
    assert normalize_doc_number(raw) == normalized


def test_doc_number_written_with_stray_spaces_in_the_text(tmp_path, capsys):
    text = make.source("weihai_parking.txt").replace("威政办发〔2023〕12号\n", "威政办发 [ 2023 ] 12 号\n", 1)
    corpus = tmp_path / "c"
    assert run(capsys, "ingest", make.write_txt(text, tmp_path / "w.txt"), "--corpus", corpus)[0] == 0
    assert load_documents(corpus)[0].doc_number == "威政办发〔2023〕12号"


def test_laws_without_a_doc_number_are_identified_by_title(tmp_path, capsys):
    laws = tmp_path / "laws"
    laws.mkdir()
    (laws / "a1.md").write_text("# 民法典\n\n第一条 为了保护民事主体的合法权益，制定本法。\n\n第二条 民法调整平等主体之间的关系。\n",
                                encoding="utf-8")
    (laws / "a2.md").write_text("# 中华人民共和国民法典\n\n第五十四条 自然人从事工商业经营，经依法登记，为个体工商户。\n",
                                encoding="utf-8")
    (laws / "a3.md").write_text("# ---\n\n第一条 xxxxx\n\n第二条 xxxxx\n", encoding="utf-8")
    corpus = tmp_path / "c"
    code, out, _ = run(capsys, "ingest", laws, "--corpus", corpus)
    assert code == 0, out
    assert "3 份文件，5 条" in out
    assert "no title found in the text: named after the file" in out
    docs = {d.doc_number: d for d in load_documents(corpus)}
    assert set(docs) == {"民法典", "中华人民共和国民法典", "a3"}  # two documents, though one law
    assert yaml.safe_load((corpus / "documents" / f"{docs['民法典'].meta.slug}.yaml").read_text())["doc_number"] is None
    a = Engine.load(corpus).ask("个体工商户是什么？", top=3)
    assert (a.citations[0].title, a.citations[0].label) == ("中华人民共和国民法典", "第五十四条")


# ---- refusals: a clear message, a non-zero exit, the corpus as it was -----------------------------------------

def _junk(n: int) -> bytes:
    rng = random.Random(n)
    return bytes(rng.randrange(256) for _ in range(n))


REFUSALS = {
    "empty.txt": (lambda p: p.write_bytes(b""), "the file is empty"),
    "blank.txt": (lambda p: p.write_bytes(b" \n\r\n\t \n"), "the file is empty"),
    "junk.txt": (lambda p: p.write_bytes(_junk(4000)), "binary data"),
    "junk.md": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + _junk(3000)), "binary data"),
    "junk.pdf": (lambda p: p.write_bytes(_junk(3000)), "not a PDF"),
    "corrupt.pdf": (lambda p: p.write_bytes(b"%PDF-1.7\n" + _junk(3000)), "cannot read the PDF"),
    "truncated.pdf": (lambda p: p.write_bytes(make.write_pdf(make.source("weifang_flood.txt"),
                                                             p.with_name("full.pdf")).read_bytes()[:1500]),
                      "PDF"),
    "scan.pdf": (lambda p: make.write_scan_pdf(p), "no text layer"),
    "locked.pdf": (lambda p: make.write_encrypted_pdf(make.source("weifang_flood.txt"), p), "password"),
    "junk.docx": (lambda p: p.write_bytes(_junk(3000)), "not a Word .docx file"),
    "junk.html": (lambda p: p.write_bytes(_junk(3000)), "binary data"),
    "old.doc": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _junk(500)), "save it as .docx"),
    "prose.txt": (lambda p: p.write_text("市政府高度重视民生工作。今年以来，全市上下认真贯彻落实各项决策部署，"
                                         "经济社会发展稳中有进。下一步，我们将继续努力，推动各项工作取得新成效。\n" * 3,
                                         encoding="utf-8"), "no recognizable structure"),
    "english.txt": (lambda p: p.write_text("1. Scope. This applies to all.\n2. Duties. Do it.\n", encoding="utf-8"),
                    "no Chinese text"),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_refusals_leave_the_corpus_byte_for_byte(name, seeded, tmp_path, capsys):
    make_file, message = REFUSALS[name]
    bad = tmp_path / "in" / name
    bad.parent.mkdir()
    make_file(bad)
    before = snapshot(seeded)
    code, out, err = run(capsys, "ingest", bad, "--corpus", seeded)
    assert code != 0
    assert f"拒收  {bad}：" in out and message in out, out
    assert "Traceback" not in out + err
    assert snapshot(seeded) == before


def test_one_bad_file_in_a_folder_stops_the_batch_unless_keep_going(seeded, tmp_path, capsys):
    folder = tmp_path / "batch"
    build("weihai_parking", "docx", folder)
    (folder / "sub").mkdir()
    (folder / "sub" / "empty.txt").write_bytes(b"")
    (folder / "notes.xlsx").write_bytes(b"PK")  # not a document type: skipped, not refused
    before = snapshot(seeded)
    code, out, _ = run(capsys, "ingest", folder, "--corpus", seeded)
    assert code == 1 and "未写入任何文件：1 个文件被拒收" in out and "跳过" in out
    assert snapshot(seeded) == before
    code, out, _ = run(capsys, "ingest", folder, "--corpus", seeded, "--keep-going")
    assert code == 1 and "新增 1" in out
    assert len(load_documents(seeded)) == 3


def test_dry_run_writes_nothing(seeded, tmp_path, capsys):
    before = snapshot(seeded)
    code, out, _ = run(capsys, "ingest", build("weifang_flood", "html", tmp_path / "in"), "--corpus", seeded,
                       "--dry-run")
    assert code == 0 and "新增 1" in out and "没有写入" in out
    assert snapshot(seeded) == before


def test_a_failed_write_puts_everything_back(seeded, tmp_path, capsys, monkeypatch):
    before = snapshot(seeded)
    real = os.replace
    calls = []

    def failing(src, dst):
        calls.append(dst)
        if len(calls) == 3:  # after the first document landed, during the second
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    folder = tmp_path / "in"
    build("weihai_parking", "txt", folder)
    build("weifang_flood", "txt", folder)
    code, _, err = run(capsys, "ingest", folder, "--corpus", seeded)
    assert code == 2 and "No space left on device" in err and "已恢复原样" in err
    assert snapshot(seeded) == before  # no temporary file left either


def test_the_same_document_twice_in_one_batch_is_refused(tmp_path, capsys):
    folder = tmp_path / "in"
    build("weihai_parking", "txt", folder)
    build("weihai_parking", "pdf", folder)
    code, out, _ = run(capsys, "ingest", folder, "--corpus", tmp_path / "c")
    assert code == 1 and "是同一份文件（威政办发〔2023〕12号）" in out
    assert not (tmp_path / "c").exists()


def test_command_line_errors_are_one_clear_line(tmp_path):
    exe = Path(sys.executable).parent / "policybot"
    cases = [(["ingest", str(tmp_path / "missing.txt")], "没有这个文件或文件夹"),
             (["ingest", str(SEEDS), "--title", "x"], "--title 和 --doc-number 只能用于一份文件"),
             (["remove", "x", "--corpus", str(tmp_path / "nowhere")], "corpus directory not found")]
    for argv, message in cases:
        proc = subprocess.run([str(exe), *argv], capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode != 0 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


# ---- the running bot picks it up --------------------------------------------------------------------------

@pytest.mark.slow
async def test_a_running_bot_picks_up_an_ingest_without_a_restart(seeded, tmp_path, capsys):
    service_module = pytest.importorskip("bot.service")
    from bot.config import Config

    svc = service_module.Service(Config(corpus=seeded, database=tmp_path / "bot.sqlite3"), engine=Engine.load(seeded))
    await svc.initialize()
    try:
        assert await svc.corpus.check() is None  # nothing changed yet
        assert run(capsys, "ingest", build("weifang_flood", "pdf", tmp_path / "in"), "--corpus", seeded)[0] == 0
        outcome = await svc.corpus.check() or await svc.corpus.check()  # it waits one tick for writes to settle
        assert outcome and outcome[0], outcome
        assert "潍政办字〔2024〕15号" in {d.doc_number for d in svc.engine.documents}
        a = svc.engine.ask("防汛抢险队伍要多少人？")
        assert a.answered and a.citations[0].label == "四、（一）"
    finally:
        await svc.shutdown()


def test_the_report_shows_numbering_problems_and_warnings(tmp_path, capsys):
    text = ("某某市人民政府关于印发某某市物业管理办法的通知\n某政发〔2024〕3号\n某某市物业管理办法\n"
            "第一条 为了规范物业管理活动，维护业主和物业服务企业的合法权益，制定本办法。\n"
            "第二条 本办法适用于本市行政区域内的物业管理活动及其监督管理。\n"
            "第二条 物业服务企业应当每季度公布1次物业服务费用收支情况。\n"
            "第五条 业主大会会议应当有物业管理区域内专有部分占建筑物总面积过半数的业主参加。\n")
    path = make.write_txt(text, tmp_path / "gaps.txt")
    code, out, _ = run(capsys, "ingest", path, "--corpus", tmp_path / "c", "--dry-run")
    assert code == 0
    assert "编号       duplicate article numbers: 第二条；numbering gaps: 2 missing (3, 4)" in out
    assert "义务       1 项，例如：" in out and "每季度" in out
    assert "城市       某某   [发文机关]" in out
