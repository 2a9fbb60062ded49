"""The bot over a corpus of its own: hostile markup in documents, answers longer than a Telegram
message, and documents that appear (or break) while the bot runs."""
from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from retrieval.corpus import bundled_corpus_dir
from retrieval.engine import Engine
from tests.fakebotapi import FakeBotAPI, Harness, running_bot
from tests.test_examples import SEED_WORDS, other_cities_corpus

ALICE = FakeBotAPI.user(1001, "张三", "zhangsan")
ADMIN = FakeBotAPI.user(42, "王管理", "wangadmin")
CLAUSES = "，".join(f"第{i}项工作由第{i}工作组负责并按月报送材料" for i in range(1, 260))
HOSTILE_TEXT = ("蓬莱市值班管理<办法> & 说明\n\n"
                "第一条 热线<值班>规定。值班人员每周到<b>热线</b>值班1次 & 记录“A&B”情况，不得出现</blockquote>标签。\n\n"
                f"第二条 档案管理。档案管理员每季度巡查1次档案库，{CLAUSES}。\n\n"
                "第三条 本办法自2024年1月1日起施行。\n")
HOSTILE_META = ('doc_number: 蓬政办发〔2024〕1号\ntitle: "蓬莱市<b>值班</b>管理办法 & <script>"\ncity: 蓬莱\n'
                "level: 县级市\nissuer: 蓬莱市人民政府办公室\nvalidity: 有效\ntext_file: penglai-test.txt\n")


def copy_corpus(tmp_path: Path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(bundled_corpus_dir() / "documents", dst / "documents")
    return dst


def add_hostile(corpus: Path) -> None:
    (corpus / "documents" / "penglai-test.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (corpus / "documents" / "penglai-test.yaml").write_text(HOSTILE_META, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_engine(tmp_path_factory):
    corpus = copy_corpus(tmp_path_factory.mktemp("hostile"))
    add_hostile(corpus)
    return Engine.load(corpus)


@pytest.fixture
async def bot(hostile_engine, tmp_path):
    async with running_bot(engine=hostile_engine, database=tmp_path / "h.sqlite3") as h:
        await h.say("/city 蓬莱", user=ALICE)
        yield h


async def test_hostile_document_text_is_escaped(bot):
    calls = await bot.say("值班人员多久到热线值班一次？", user=ALICE)
    msgs = Harness.messages(calls)
    assert len(msgs) == 1 and msgs[0].error is None  # the fake parses the HTML as Telegram would
    seen = msgs[0].visible
    assert "每周到<b>热线</b>值班1次" in seen and "“A&B”" in seen and "</blockquote>标签" in seen
    assert "《蓬莱市<b>值班</b>管理办法 & <script>》" in seen
    assert "&lt;script&gt;" in msgs[0].text
    article = Harness.messages(await bot.press(msgs[0].result, msgs[0].button("全文")["callback_data"], user=ALICE))
    assert "热线<值班>规定" in article[0].visible
    for cmd in ("/docs", "/outline 蓬莱", "/article 蓬莱 1"):
        out = Harness.messages(await bot.say(cmd, user=ALICE))
        assert out and all(m.error is None for m in out), cmd
        assert "值班" in "".join(m.visible for m in out)


async def test_hostile_user_text_is_escaped(bot):
    msg = Harness.messages(await bot.say("/role <i>科长</i> & <b>", user=ALICE))[0]
    assert msg.error is None and "文件里没有“<i>科长</i> & <b>”这个身份" in msg.visible  # escaped, and no such role
    msg = Harness.messages(await bot.say("/city <a href='x'>北京</a>", user=ALICE))[0]
    assert msg.error is None and "还没有收录“<a href='x'>北京</a>”" in msg.visible
    msg = Harness.messages(await bot.say("/start", user=FakeBotAPI.user(1003, "<script>&", "evil")))[0]
    assert msg.error is None and "你好，<script>&！" in msg.visible
    msg = Harness.messages(await bot.say("/article <b>坏</b> 3", user=ALICE))[0]
    assert msg.error is None and "“<b>坏</b>”" in msg.visible
    msg = Harness.messages(await bot.say("<b>未闭合 & 问题", user=ALICE))[0]
    assert msg.error is None


async def test_long_answer_is_split_at_clause_boundaries(bot):
    calls = await bot.say("档案管理员多久巡查一次档案库？", user=ALICE)
    msgs = Harness.messages(calls)
    assert len(msgs) >= 2, "a 6,000-character quote does not fit one message"
    assert all(m.error is None for m in msgs)
    assert all(len(m.visible.encode("utf-16-le")) // 2 <= 4096 for m in msgs)
    assert msgs[0].visible.startswith("档案管理员每季度巡查1次档案库")
    for m in msgs[:-1]:
        assert m.visible.rstrip().endswith(("，", "。", "”", "；")), m.visible[-20:]
        assert m.buttons == [], "buttons go under the last part only"
    assert msgs[-1].buttons, "the last part carries the buttons"
    whole = "".join(m.visible for m in msgs).replace("\n", "")
    assert CLAUSES in whole, "nothing is lost or reordered at the cuts"
    # the whole article is split the same way
    parts = Harness.messages(await bot.press(msgs[-1].result, msgs[-1].button("全文")["callback_data"], user=ALICE))
    assert len(parts) >= 2 and CLAUSES in "".join(p.visible for p in parts).replace("\n", "")


async def test_reload_failure_keeps_the_old_engine(engine, tmp_path):
    corpus = copy_corpus(tmp_path)
    fake = FakeBotAPI().start()
    fake.private_chat(ADMIN)
    try:
        async with running_bot(fake=fake, corpus=corpus, database=tmp_path / "r.sqlite3", admins=[ADMIN["id"]]) as bot:
            before = bot.service.engine
            (corpus / "documents" / "broken.yaml").write_text("doc_number: [unclosed\n", encoding="utf-8")
            mark = fake.mark()
            await bot.say("/reload", user=ADMIN)
            done = await fake.wait("sendMessage", after=mark, chat_id=ADMIN["id"], where=lambda c: "⚠️" in c.text)
            assert "重新加载失败，继续使用原来的2份文件" in done[0].visible and "broken.yaml" in done[0].visible
            assert bot.service.engine is before
            assert "提前3天" in Harness.messages(await bot.say("离烟外出要提前几天请假？", user=ALICE))[0].visible
            stats = Harness.messages(await bot.say("/stats", user=ADMIN))[0]
            assert "最近一次重新加载失败" in stats.visible and "broken.yaml" in stats.visible
    finally:
        fake.stop()


@pytest.mark.slow
async def test_new_documents_are_picked_up_without_a_restart(tmp_path):
    corpus = copy_corpus(tmp_path)
    fake = FakeBotAPI().start()
    fake.private_chat(ADMIN)
    try:
        async with running_bot(fake=fake, corpus=corpus, database=tmp_path / "w.sqlite3", admins=[ADMIN["id"]],
                               watch_interval=0.1) as bot:
            before = Harness.messages(await bot.say("档案管理员多久巡查一次档案库？", user=ALICE))[0]
            assert "没有规定" in before.visible
            assert [j.name for j in bot.app.job_queue.jobs()] == ["corpus-watch"], "the watcher is a JobQueue job"
            mark = fake.mark()
            add_hostile(corpus)  # what `policybot ingest` does: new YAML and text in documents/
            told = await fake.wait("sendMessage", after=mark, chat_id=ADMIN["id"], timeout=20)
            assert "文件有更新" in told[0].visible and "3份文件（之前2份）" in told[0].visible
            after = Harness.messages(await bot.say("档案管理员多久巡查一次档案库？", user=ALICE))[0]
            assert "每季度巡查1次档案库" in after.visible
            # a broken document: the admin is told why, the bot keeps the last good corpus
            mark = fake.mark()
            (corpus / "documents" / "penglai-test.yaml").write_text("title: [unclosed\n", encoding="utf-8")
            told = await fake.wait("sendMessage", after=mark, chat_id=ADMIN["id"], timeout=20)
            assert "⚠️" in told[0].visible and "penglai-test.yaml" in told[0].visible and "cannot read" in told[0].visible
            assert len(bot.service.engine.documents) == 3
            await asyncio.sleep(0.5)  # and says it once, not on every check
            assert len(fake.since(mark, "sendMessage", chat_id=ADMIN["id"])) == 1
    finally:
        fake.stop()


async def test_help_texts_show_the_loaded_corpus(tmp_path):
    """A deployment with other cities' documents shows its own examples, never the seeds'."""
    corpus = other_cities_corpus(tmp_path / "other")
    fake = FakeBotAPI().start()
    try:
        async with running_bot(fake=fake, corpus=corpus, database=tmp_path / "o.sqlite3") as bot:
            texts = []
            for command in ("/start", "/help", "/compare", "/article", "/outline", "/duties", "什么是天气"):
                msgs = Harness.messages(await bot.say(command, user=ALICE))
                assert msgs and all(m.error is None for m in msgs), command
                texts.append("".join(m.visible for m in msgs))
            menus = str([c.params["commands"] for c in fake.calls if c.method == "setMyCommands"])
            shown = " ".join(texts) + menus
            assert not any(w in shown for w in SEED_WORDS), shown
            welcome, help_, *_, unanswered = texts
            question = bot.service.examples.questions[0]
            assert "停车" in question and question in welcome and question in help_ and question in unanswered
            assert "/city 潍坊" in help_ and "/duties 住房城乡建设部门" in help_ and "/duties 住房城乡建设部门" in menus
            answer = Harness.messages(await bot.say(question, user=ALICE))[0].visible
            assert "威海市城市公共停车设施管理办法" in answer, "the example is answered"
    finally:
        fake.stop()


async def test_an_overlong_title_does_not_break_the_document_lists(tmp_path):
    """A title of 5,203 characters (a markdown heading taken whole) once broke /start and /docs for
    everyone: each listed title is clipped, and every list still fits Telegram's 4,096."""
    corpus = copy_corpus(tmp_path)
    add_hostile(corpus)
    meta = corpus / "documents" / "penglai-test.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace('"蓬莱市<b>值班</b>管理办法 & <script>"',
                                                             '"' + "蓬莱市值班" * 1040 + '管理办法"'), encoding="utf-8")
    engine = Engine.load(corpus)
    assert max(len(d.title) for d in engine.documents) > 5000
    async with running_bot(engine=engine, database=tmp_path / "t.sqlite3") as bot:
        for command in ("/start", "/docs", "/city 蓬莱"):
            msgs = Harness.messages(await bot.say(command, user=ALICE))
            assert msgs and all(m.error is None for m in msgs), (command, [m.error for m in msgs])
            assert "蓬莱市值班蓬莱市值班" in "".join(m.visible for m in msgs), command
