"""The plain parts of the bot, without Telegram: rendering, splitting, storage, rate limit, parsing."""
from __future__ import annotations

import asyncio

import pytest

from bot import render as R
from bot.config import Config
from bot.render import Block
from bot.documents import doc_key
from bot.service import Limits, Service
from bot.store import Store
from retrieval.models import Answer, Citation
from tests.fakebotapi import check_html


def cite(quote: str = "原文。", title: str = "某某意见", **kw) -> Citation:
    base = dict(doc_number="X〔2024〕1号", title=title, city="招远", article=3, label="3.", part="一、总则",
                quote=quote, score=1.0, heading="严守纪律")
    base.update(kw)
    return Citation(**base)


def valid(messages: list[str], limit: int = 4096) -> None:
    for m in messages:
        error, visible, entities = check_html(m)
        assert error is None, (error, m[:200])
        assert len(visible.encode("utf-16-le")) // 2 <= limit and entities <= 100


def test_answer_renders_direct_answer_citation_quote_and_notes():
    a = Answer(True, "deadline", "须提前3天请假。\n…", [cite("须提前3天请假。"), cite(article=9, label="9.")],
               ["招远的文件对此没有规定。"])
    [msg] = R.render_answer(a)
    lines = msg.split("\n")
    assert lines[0] == "<b>须提前3天请假。</b>"
    assert lines[1] == "<i>ℹ️ 招远的文件对此没有规定。</i>"  # which document governs: right under the answer
    assert lines[2] == "📌 依据：《某某意见》（X〔2024〕1号）一、总则，3.严守纪律"
    assert lines[3] == "<blockquote>“须提前3天请假。”</blockquote>"
    assert "9." not in msg, "only the primary citation backs the answer"


def test_comparison_answer_shows_every_primary_citation():
    a = Answer(True, "comparison", "招远：甲；烟台：乙", [cite("甲", city="招远"), cite("乙", city="烟台", doc_number="Y")],
               primary=2)
    msg = R.render_answer(a)[0]
    assert msg.count("📌 依据") == 2 and "“甲”" in msg and "“乙”" in msg


def test_everything_from_documents_is_escaped():
    a = Answer(True, "lookup", "<b>x</b> & y\n", [cite("a<b & c>d", title="<script>&amp;")], ["<i>n</i>"])
    [msg] = R.render_answer(a)
    valid([msg])
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in msg and "《&lt;script&gt;&amp;amp;》" in msg
    assert check_html(msg)[1].startswith("<b>x</b> & y")


@pytest.mark.parametrize("limit", [4096, 300, 50])
def test_splitting_keeps_messages_within_limits_and_loses_nothing(limit):
    clauses = "，".join(f"第{i}项要求<{i}>&" for i in range(600)) + "。"
    blocks = [Block("标题", "b"), Block(clauses, "blockquote"), Block("尾注")]
    messages = R.paginate(blocks, limit)
    valid(messages, limit)
    assert len(messages) > 1
    text = "".join(check_html(m)[1] for m in messages).replace("\n", "")
    assert text == "标题" + clauses + "尾注"
    for m in messages[:-1]:  # cut after a clause, never inside one
        assert check_html(m)[1].rstrip().endswith(("，", "。", "尾注")), check_html(m)[1][-10:]
    assert all(m.count("<blockquote>") == m.count("</blockquote>") for m in messages)


def test_splitting_prefers_paragraphs_and_fills_messages():
    para = "甲" * 1500 + "。"
    messages = R.paginate([Block(para + "\n" + para + "\n" + para)], 4096)
    assert [len(check_html(m)[1]) for m in messages] == [len(para) * 2 + 1, len(para)]
    short = R.paginate(["一", "二", "三"])
    assert short == ["一\n二\n三"], "short replies stay one message"


def test_splitting_an_unbroken_run_and_many_links():
    messages = R.paginate([Block("字" * 10000)], 4096)
    valid(messages)
    assert sum(len(check_html(m)[1]) for m in messages) == 10000
    links = [Block(raw=f'<a href="https://t.me/x?start=a{i}">第{i}条</a>') for i in range(250)]
    messages = R.paginate(links)
    valid(messages)  # at most 100 entities per message
    assert len(messages) == 3


def test_button_data_is_checked():
    with pytest.raises(ValueError):
        R.Button("x", data="x" * 65)
    assert R.Button("很长" * 40, data="a").text.endswith("…")


def test_article_numbers_as_users_write_them():
    from retrieval.text import article_number

    assert [article_number(x) for x in ["13", "13.", "第13条", "第十三条", "十三", "13条", "１３", "二十", "一百零五",
                                        "abc", "", "0", "第条"]] == \
           [13, 13, 13, 13, 13, 13, 13, 20, 105, None, None, None, None]


def test_limits_window_single_warning_and_kinds():
    now = [0.0]
    lim = Limits(2, clock=lambda: now[0])
    assert [lim.check("u") for _ in range(4)] == ["ok", "ok", "warn", "drop"]
    assert lim.check("v") == "ok", "limits are per user"
    # commands and buttons have their own, larger budget; the warning was given already this minute
    assert [lim.check("u", "action") for _ in range(7)] == ["ok"] * 6 + ["drop"]
    # inline queries (one per typed prefix) never count against questions and are never 'warned'
    assert [lim.check("v", "inline") for _ in range(13)] == ["ok"] * 12 + ["drop"]
    assert lim.check("v") == "ok"
    now[0] = 61
    assert lim.check("u") == "ok"
    assert [Limits(0).check("u") for _ in range(100)] == ["ok"] * 100, "0 disables the limit"


def test_store_persists_settings_scores_feedback_and_rounds(tmp_path):
    path = tmp_path / "sub" / "s.sqlite3"
    s = Store(path)
    s.set_city("7", "招远")
    s.set_role("7", "科长")
    s.set_city("7", None)
    s.record_quiz_answer("7", "q1", True)
    s.record_quiz_answer("7", "q2", False)
    qid = s.log_question("7", "7", "离烟 外出？", answered=False)
    s.log_question("8", "8", "离烟外出", answered=False)
    assert s.record_feedback(qid, "7", False) and not s.record_feedback(9999, "7", True)
    s.save_pending("7", "k", {"id": "q3", "answer_index": 1})
    rnd = s.create_round("-5", "7", [{"id": "q1"}, {"id": "q2"}])
    assert s.round_answer(rnd.id, 0, "8", "八", 1, True) and not s.round_answer(rnd.id, 0, "8", "八", 2, False)
    s.close()
    s = Store(path)  # a restart
    assert (s.user("7").city, s.user("7").role) == (None, "科长")
    assert s.quiz_score("7") == (1, 2) and s.quiz_score("nobody") == (0, 0)
    assert s.answered_questions("7") == {"q1", "q2"}
    assert s.pending("7", "k") == ({"id": "q3", "answer_index": 1}, False)
    assert s.close_pending("7", "k") and not s.close_pending("7", "k")
    assert s.open_round("-5").id == rnd.id and s.leaderboard(rnd.id) == [("八", 1, 1)]
    stats = s.stats()
    assert stats["top_unanswered"] == [("离烟 外出？", 2)], "same question, different punctuation: one entry"
    assert (stats["thumbs_down"], stats["questions"], stats["users"]) == (1, 2, 2)
    assert s.finish_round(rnd.id) and not s.finish_round(rnd.id) and s.open_round("-5") is None


def test_service_replies_without_telegram(engine):
    svc = Service(Config(), engine=engine, store=Store())
    r = svc.ask("1", "1", "离烟外出要提前几天请假？")
    assert "提前3天" in r.texts[0] and r.buttons[0][0].data.startswith("art:")
    art = svc.documents.article_reply(r.buttons[0][0].data.split(":", 1)[1])
    assert "严格执行请销假制度" in art.text
    assert svc.documents.article_reply("deadbeef:1") is None and svc.documents.article_reply("garbage") is None
    assert svc.trainers.default_pair("招远") == ["招远", "烟台"]
    q = svc.quiz.next("1")
    key = q.buttons[0][0].data.split(":")[1]
    pending, _ = svc.store.pending("1", key)
    reply, notice = svc.quiz.answer("1", key, pending["answer_index"])
    assert notice == "✅ 回答正确" and svc.store.quiz_score("1") == (1, 1)


async def test_watcher_waits_for_a_settled_corpus_and_reloads_once(tmp_path, engine):
    import shutil

    from retrieval.corpus import bundled_corpus_dir
    from retrieval.engine import Engine

    corpus = tmp_path / "c"
    shutil.copytree(bundled_corpus_dir() / "documents", corpus / "documents")
    svc = Service(Config(corpus=corpus), engine=Engine.load(corpus), store=Store())
    await svc.initialize()
    assert await svc.corpus.check() is None, "nothing changed"
    (corpus / "documents" / "extra.yaml").write_text("title: [broken\n", encoding="utf-8")
    assert await svc.corpus.check() is None, "first sight of a change: wait one tick"
    ok, message = await svc.corpus.check()
    assert not ok and "extra.yaml" in message and len(svc.engine.documents) == 2
    assert await svc.corpus.check() is None, "a failed state is reported once"
    (corpus / "documents" / "extra.yaml").unlink()
    assert await svc.corpus.check() is None and await svc.corpus.check() is None, "back to what is loaded"
    before = svc.engine
    for name in ("yantai-yanzhengfa-2022-8.yaml", "yantai-yanzhengfa-2022-8.txt"):
        text = (corpus / "documents" / name).read_text(encoding="utf-8")
        if name.endswith(".yaml"):
            text = text.replace("烟政发〔2022〕8号", "烟政发〔2022〕99号").replace("text_file: yantai-yanzhengfa-2022-8.txt",
                                                                             "text_file: copy.txt")
        (corpus / "documents" / ("copy" + name[-5:] if name.endswith(".yaml") else "copy.txt")).write_text(text, "utf-8")
    assert await svc.corpus.check() is None
    ok, message = await svc.corpus.check()
    assert ok and "3份文件（之前2份）" in message and svc.engine is not before
    copy = svc.engine.by_number["烟政发〔2022〕99号"]
    assert "《" in svc.documents.docs(["99号"]).text, "the service reads from the new engine"
    assert svc.documents.article_reply(f"{doc_key(copy.doc_number)}:0") is not None, "and keys its documents"
    await svc.shutdown()


def test_every_reply_in_the_catalogue_is_valid_html(engine):
    svc = Service(Config(), engine=engine, store=Store())
    replies = [svc.documents.docs(), svc.documents.outline("1", ["招远"], "bot_name"),
               svc.trainers.duties("1", ["市政府领导班子成员"]), svc.trainers.compare("1", ["13"]),
               svc.start("1", "<x>", None), svc.stats(), svc.city_command("1", []), svc.help("1")]
    replies += [R.Reply(R.help_text(svc.examples, True)), R.Reply(R.leaderboard_text([("<b>", 1, 2)], 2))]
    for r in replies:
        valid(r.texts)
    assert asyncio.iscoroutinefunction(svc.corpus.reload)


def test_compare_takes_the_article_number_as_the_command_line_does(engine):
    svc = Service(Config(), engine=engine, store=Store())
    replies = {x: svc.trainers.compare("1", [x, "招远", "烟台"]).text for x in ("13", "十三", "第十三条", "13条", "第13条")}
    assert len(set(replies.values())) == 1 and "第13条" in replies["13"], replies
    assert "不是条号" in svc.trainers.compare("1", ["十三号"]).text



def test_a_preamble_citation_offers_no_article_to_open(engine):
    svc = Service(Config(), engine=engine, store=Store())
    doc = next(d for d in engine.documents if any(a.kind == "closing" for a in d.articles))
    preamble = cite(doc_number=doc.doc_number, title=doc.title, article=None, label="序言", part="")
    closing = cite(doc_number=doc.doc_number, title=doc.title, article=None, label="", part="")
    assert svc.documents.find_article(preamble) is None  # not the closing provisions, which share number None
    answer = Answer(True, "lookup", "“三问”：…", [preamble])
    assert not any(b.data.startswith("art:") for row in svc.answer_buttons(answer, 1) for b in row)
    assert svc.documents.find_article(closing).kind == "closing"
