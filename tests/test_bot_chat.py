"""The bot end to end in private chats: the real Application long-polling the fake Bot API server.

Every reply passes the fake's checks (HTML that Telegram would parse, <= 4,096 characters, callback
data <= 64 bytes), so a test that gets a reply has also checked its markup.
"""
from __future__ import annotations

import re

import pytest
from telegram.ext import AIORateLimiter

from tests.fakebotapi import FakeBotAPI, Harness, check_html, running_bot

ALICE = FakeBotAPI.user(1001, "张三", "zhangsan")
BOB = FakeBotAPI.user(1002, "李四", "lisi")
ADMIN = FakeBotAPI.user(42, "王管理", "wangadmin")


@pytest.fixture
async def bot(engine, tmp_path):
    async with running_bot(engine=engine, database=tmp_path / "bot.sqlite3", admins=[ADMIN["id"]]) as h:
        yield h


def only_message(calls) -> object:
    msgs = Harness.messages(calls)
    assert len(msgs) == 1, [(c.method, c.visible[:80]) for c in calls]
    return msgs[0]


async def test_start_welcomes_and_offers_cities(bot):
    msg = only_message(await bot.say("/start", user=ALICE))
    assert "张三" in msg.visible and "PolicyBot" in msg.visible
    assert "烟政发〔2022〕8号" in msg.visible and "招政发〔2022〕21号" in msg.visible
    assert sorted(msg.button_texts()) == ["招远", "烟台"]
    # the city button stores the city
    calls = await bot.press(msg.result, msg.button("招远")["callback_data"], user=ALICE)
    assert any(c.method == "answerCallbackQuery" for c in calls)
    assert "你的城市是 招远" in only_message(calls).visible
    assert bot.service.store.user("1001").city == "招远"
    # once a city is set, the welcome shows it and offers no city buttons
    msg = only_message(await bot.say("/start", user=ALICE))
    assert "你的城市：招远" in msg.visible and msg.buttons == []


async def test_commands_are_registered_for_the_menu(engine, tmp_path):
    fake = FakeBotAPI().start()
    fake.private_chat(ADMIN)  # the admin has talked to the bot before
    try:
        async with running_bot(engine=engine, fake=fake, database=tmp_path / "b.sqlite3", admins=[ADMIN["id"]]) as h:
            sets = [c for c in fake.calls if c.method == "setMyCommands" and not c.error]
            by_scope = {(c.params.get("scope") or {}).get("type", "default"): c.params["commands"] for c in sets}
            names = {scope: [x["command"] for x in cmds] for scope, cmds in by_scope.items()}
            for cmd in ["start", "help", "city", "role", "article", "docs", "duties", "compare", "quiz", "outline"]:
                assert cmd in names["default"] and cmd in names["all_private_chats"]
            assert "reload" not in names["default"] and "stats" not in names["default"]
            assert {"quiz", "help", "article"} <= set(names["all_group_chats"])
            assert {"reload", "stats"} <= set(names["chat"])  # the admin's own menu
            assert isinstance(h.app.bot.rate_limiter, AIORateLimiter)
    finally:
        fake.stop()


async def test_question_gets_answer_citation_quote_and_buttons(bot):
    calls = await bot.say("离烟外出要提前几天请假？", user=ALICE)
    actions = [i for i, c in enumerate(calls) if c.method == "sendChatAction"]
    msg = only_message(calls)
    assert actions and actions[0] < calls.index(msg), "typing indicator comes before the answer"
    assert calls[actions[0]].params["action"] == "typing"
    lines = msg.visible.split("\n")
    assert "提前3天" in lines[0], "the direct answer comes first"
    assert msg.text.startswith("<b>") and "</b>" in msg.text.split("\n")[0]
    assert "烟政发〔2022〕8号" in lines[1] and "3.严守政治纪律和政治规矩" in lines[1]
    assert "<blockquote>“严格执行请销假制度" in msg.text
    texts = msg.button_texts()
    assert texts[:3] == ["📄 全文", "👍 有用", "👎 没用"]
    assert any(t.startswith("📎") for t in texts), "next-best clauses are offered"


async def test_article_and_related_buttons_show_whole_clauses(bot):
    msg = only_message(await bot.say("市政府领导多久接听一次热线？", user=ALICE))
    calls = await bot.press(msg.result, msg.button("全文")["callback_data"], user=ALICE)
    article = only_message(calls)
    assert "13.积极回应办理群众诉求" in article.visible
    assert "非热点部门主要负责人每半年接听1次群众来电" in article.visible
    assert [c.method for c in calls].count("answerCallbackQuery") == 1
    # the next articles by score cover too little of the question to be offered as related
    assert not any(t.startswith("📎") for t in msg.button_texts())
    msg = only_message(await bot.say("离烟外出要提前几天请假？", user=ALICE))
    related = next(b for row in msg.buttons for b in row if b["text"].startswith("📎"))
    assert related["text"] == "📎 3.严守政治纪律和政治规矩（招远）", "招远's version of the clause is related"
    article2 = only_message(await bot.press(msg.result, related["callback_data"], user=ALICE))
    label = related["text"][2:].split("（")[0]
    assert label in article2.visible


async def test_feedback_is_stored_one_vote_per_user(bot):
    msg = only_message(await bot.say("离烟外出要提前几天请假？", user=ALICE))
    down = msg.button("👎")["callback_data"]
    calls = await bot.press(msg.result, down, user=ALICE)
    ack = [c for c in calls if c.method == "answerCallbackQuery"]
    assert len(ack) == 1 and "谢谢" in ack[0].params["text"]
    assert Harness.messages(calls) == [], "feedback sends no message"
    store = bot.service.store
    assert store.stats()["thumbs_down"] == 1
    await bot.press(msg.result, msg.button("👍")["callback_data"], user=ALICE)  # changes her mind
    await bot.press(msg.result, msg.button("👍")["callback_data"], user=BOB)
    s = store.stats()
    assert (s["thumbs_up"], s["thumbs_down"]) == (2, 0)


async def test_unanswerable_question_says_so_without_inventing(bot):
    msg = only_message(await bot.say("今天天气怎么样？", user=ALICE))
    assert "没有规定这个问题的条款" in msg.visible
    assert "📌 依据" not in msg.visible
    assert bot.service.store.stats()["unanswered"] == 1


async def test_city_command(bot):
    msg = only_message(await bot.say("/city 北京", user=ALICE))
    assert "还没有收录“北京”的文件" in msg.visible and "招远" in msg.visible and "烟台" in msg.visible
    assert bot.service.store.user("1001").city is None, "an unknown city changes nothing"
    msg = only_message(await bot.say("/city 招远市", user=ALICE))
    assert "招远" in msg.visible and bot.service.store.user("1001").city == "招远"
    answer = only_message(await bot.say("市政府领导多久接听一次热线？", user=ALICE))
    assert "招远的文件对此没有规定" in answer.visible, "answers follow the user's city"
    msg = only_message(await bot.say("/city", user=ALICE))
    assert "你现在的城市：招远" in msg.visible
    only_message(await bot.say("/city 全部", user=ALICE))
    assert bot.service.store.user("1001").city is None


async def test_role_and_duties(bot):
    msg = only_message(await bot.say("/duties", user=ALICE))
    assert "/duties 身份" in msg.visible and "市政府领导班子成员" in msg.visible
    only_message(await bot.say("/role 市政府领导班子成员", user=ALICE))
    assert bot.service.store.user("1001").role == "市政府领导班子成员"
    # no city known: each city's list and calendar, never one list mixing both
    calls = await bot.say("/duties", user=ALICE)
    msgs = Harness.messages(calls)
    assert "没有设置城市：以下按城市分别列出（招远、烟台）" in msgs[0].visible
    assert "市政府领导班子成员的周期性职责（招远）" in msgs[1].visible
    assert "市政府领导班子成员的周期性职责（烟台）" in msgs[2].visible
    names = [c.files["document"][0] for c in calls if c.method == "sendDocument"]
    assert names == ["duties-招远.ics", "duties-烟台.ics"]
    await bot.say("/city 烟台", user=ALICE)
    calls = await bot.say("/duties", user=ALICE)
    msg = only_message(calls)
    assert "市政府领导班子成员的周期性职责（烟台）" in msg.visible
    assert "每月" in msg.visible and "每月到服务热线接听1次群众来电" in msg.visible
    docs = [c for c in calls if c.method == "sendDocument"]
    assert len(docs) == 1
    name, content = docs[0].files["document"]
    assert name == "duties.ics" and content.startswith(b"BEGIN:VCALENDAR") and b"RRULE:FREQ=MONTHLY" in content
    msg = only_message(await bot.say("/duties 保洁员", user=ALICE))
    assert "没有“保洁员”这个角色" in msg.visible
    msg = only_message(await bot.say("/role 清除", user=ALICE))
    assert bot.service.store.user("1001").role is None


async def test_article_command(bot):
    msg = only_message(await bot.say("/article 招远 13", user=ALICE))
    assert "招政发〔2022〕21号" in msg.visible and "89000民生服务热线" in msg.visible
    msg = only_message(await bot.say("/article 烟政发〔2022〕8号 第十三条", user=ALICE))
    assert "12345政务服务便民热线" in msg.visible
    msg = only_message(await bot.say("/article 招远 99", user=ALICE))
    assert "没有第99条" in msg.visible and "第1–30条" in msg.visible
    msg = only_message(await bot.say("/article 北京 3", user=ALICE))
    assert "没有找到文件“北京”" in msg.visible and "招政发〔2022〕21号" in msg.visible
    msg = only_message(await bot.say("/article 招远 abc", user=ALICE))
    assert "不是条号" in msg.visible
    msg = only_message(await bot.say("/article 13", user=ALICE))
    assert "请说明是哪份文件" in msg.visible
    await bot.say("/city 招远", user=ALICE)
    msg = only_message(await bot.say("/article 13", user=ALICE))
    assert "89000民生服务热线" in msg.visible, "the user's city names the document"


async def test_docs_and_outline_with_deep_links(bot):
    msg = only_message(await bot.say("/docs", user=ALICE))
    assert "收录的文件（2份）" in msg.visible and "30条" in msg.visible and "31条" in msg.visible
    msg = only_message(await bot.say("/docs 招远", user=ALICE))
    assert "（1份，共收录2份）" in msg.visible and "招政发" in msg.visible and "烟政发" not in msg.visible
    msg = only_message(await bot.say("/docs 上海", user=ALICE))
    assert "没有找到" in msg.visible
    msg = only_message(await bot.say("/outline 招远", user=ALICE))
    assert "七、严明规矩纪律" in msg.visible and "13.积极回应办理群众诉求" in msg.visible
    links = re.findall(r'<a href="https://t\.me/policy_test_bot\?start=(art_[0-9a-f]{8}_\d+)">([^<]+)</a>', msg.text)
    assert len(links) == 31
    payload = next(p for p, name in links if name.startswith("13."))
    article = only_message(await bot.say(f"/start {payload}", user=ALICE))
    assert "89000民生服务热线" in article.visible
    stale = only_message(await bot.say("/start art_00000000_1", user=ALICE))
    assert "已不在当前文件里" in stale.visible
    msg = only_message(await bot.say("/outline 上海", user=ALICE))
    assert "没有找到文件“上海”" in msg.visible


async def test_compare(bot):
    msg = only_message(await bot.say("/compare 13", user=ALICE))
    assert "第13条" in msg.visible and "4处不同" in msg.visible
    assert "<u>89000民生</u>" in msg.text and "<u>12345政务</u>" in msg.text
    assert "烟台独有" in msg.visible
    msg = only_message(await bot.say("/compare 99", user=ALICE))
    assert "没有第99条" in msg.visible
    msg = only_message(await bot.say("/compare 第三", user=ALICE))
    assert "第3条" in msg.visible
    msg = only_message(await bot.say("/compare 13 招远 上海", user=ALICE))
    assert "还没有收录“上海”的文件" in msg.visible
    msg = only_message(await bot.say("/compare", user=ALICE))
    assert "用法" in msg.visible


async def test_private_quiz_scores_and_explains(bot):
    q1 = only_message(await bot.say("/quiz", user=ALICE))
    assert len(q1.buttons) == 4 and "第1题" in q1.visible
    key = bot.service.store  # the right answer is known to the store only
    data = [row[0]["callback_data"] for row in q1.buttons]
    qkey = data[0].split(":")[1]
    question, _ = key.pending("1001", qkey)
    right = question["answer_index"]
    calls = await bot.press(q1.result, data[right], user=ALICE)
    edits = [c for c in calls if c.method == "editMessageText"]
    assert len(edits) == 1 and "回答正确" in edits[0].visible and "你的成绩：1/1" in edits[0].visible
    assert "📌 依据" in edits[0].visible, "the right option comes with its citation"
    assert [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"] == ["✅ 回答正确"]
    # a second tap on the same question does not count twice
    calls = await bot.press(q1.result, data[(right + 1) % 4], user=ALICE)
    assert [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"] == ["这道题你已经答过了。"]
    assert bot.service.store.quiz_score("1001") == (1, 1)
    # somebody else cannot answer Alice's question
    calls = await bot.press(q1.result, data[right], user=BOB)
    assert "不是出给你的" in [c for c in calls if c.method == "answerCallbackQuery"][0].params["text"]
    assert bot.service.store.quiz_score("1002") == (0, 0)
    # next question: a different one; answer it wrong
    nxt = edits[0].result
    calls = await bot.press(nxt, "quiz:next", user=ALICE)
    q2 = only_message(calls)
    assert "第2题" in q2.visible and q2.text != q1.text
    data2 = [row[0]["callback_data"] for row in q2.buttons]
    question2, _ = key.pending("1001", data2[0].split(":")[1])
    assert question2["id"] != question["id"]
    wrong = (question2["answer_index"] + 1) % 4
    calls = await bot.press(q2.result, data2[wrong], user=ALICE)
    edit = [c for c in calls if c.method == "editMessageText"][0]
    assert "正确答案是" in edit.visible and "你的成绩：1/2" in edit.visible
    assert "✅" in edit.visible and "❌" in edit.visible


async def test_admin_commands_are_gated(bot):
    engine_before = bot.service.engine
    await bot.say("离烟外出要提前几天请假？", user=ALICE)
    await bot.say("今天天气怎么样？", user=ALICE)
    await bot.say("今天天气怎么样", user=BOB)
    for cmd in ("/reload", "/stats"):
        mark = bot.fake.mark()
        await bot.say(cmd, user=ALICE)  # /reload does not block other updates: wait for its own reply
        msgs = await bot.fake.wait("sendMessage", after=mark, chat_id=ALICE["id"])
        assert "只有管理员" in msgs[0].visible and "用户 id 是 1001" in msgs[0].visible
    assert bot.service.engine is engine_before, "a refused /reload changes nothing"
    msg = only_message(await bot.say("/stats", user=ADMIN))
    assert "问题：3个（2位用户），已回答1个，未回答2个" in msg.visible
    assert "2× 今天天气怎么样" in msg.visible, "the most asked unanswered questions, grouped"
    mark = bot.fake.mark()
    await bot.say("/reload", user=ADMIN)  # runs without blocking other updates: wait for its result
    done = await bot.fake.wait("sendMessage", after=mark, chat_id=ADMIN["id"], where=lambda c: "已重新加载" in c.text)
    assert "已重新加载：2份文件（之前2份）" in done[0].visible
    assert bot.service.engine is not engine_before
    msg = only_message(await bot.say("/help", user=ADMIN))
    assert "/reload" in msg.visible and "/stats" in msg.visible
    msg = only_message(await bot.say("/help", user=ALICE))
    assert "/reload" not in msg.visible


async def test_unknown_commands_and_non_text_messages(bot):
    msg = only_message(await bot.say("/frobnicate", user=ALICE))
    assert "没有“/frobnicate”这个命令" in msg.visible
    for kind, expect in [("sticker", "贴纸"), ("photo", "图片"), ("voice", "语音"), ("document", "文件"),
                         ("location", "/city")]:
        calls = await bot.send(bot.fake.send_content, kind, user=ALICE)
        msg = only_message(calls)
        assert expect in msg.visible and len(msg.visible) < 80, kind
    # an edited message is left alone (the original was answered already)
    calls = await bot.send(bot.fake.send_text, "离烟外出要提前几天请假？", user=ALICE, edited=True)
    assert calls == []


async def test_rate_limit_is_friendly(engine, tmp_path):
    async with running_bot(engine=engine, database=tmp_path / "r.sqlite3", rate_limit_per_minute=2) as bot:
        for _ in range(2):
            assert "提前3天" in only_message(await bot.say("离烟外出要提前几天请假？", user=ALICE)).visible
        msg = only_message(await bot.say("离烟外出要提前几天请假？", user=ALICE))
        assert "问得有点快" in msg.visible and "每分钟最多回答2个问题" in msg.visible
        assert Harness.messages(await bot.say("离烟外出要提前几天请假？", user=ALICE)) == [], "told once, then quiet"
        assert "提前3天" in only_message(await bot.say("离烟外出要提前几天请假？", user=BOB)).visible
        assert bot.service.store.stats()["questions"] == 3, "refused questions are not answered or logged"


async def test_errors_are_logged_and_the_user_told_briefly(bot, monkeypatch, caplog):
    def boom(*a, **k):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(bot.service.engine, "ask", boom)
    msg = only_message(await bot.say("离烟外出要提前几天请假？", user=ALICE))
    assert "出了点问题" in msg.visible and "Traceback" not in msg.visible and "exploded" not in msg.visible
    assert any("engine exploded" in (r.exc_text or "") or (r.exc_info and "engine exploded" in str(r.exc_info[1]))
               for r in caplog.records)
    monkeypatch.undo()
    # the Bot API refusing a message does not stop the bot either
    bot.fake.failures.append(("sendMessage", 400, "Bad Request: something odd"))
    calls = await bot.say("离烟外出要提前几天请假？", user=ALICE)
    assert [c.error for c in calls if c.method == "sendMessage"][0] == "Bad Request: something odd"
    assert "提前3天" in only_message(await bot.say("离烟外出要提前几天请假？", user=ALICE)).visible


async def test_stale_and_forged_buttons(bot):
    msg = only_message(await bot.say("/help", user=ALICE))
    for data in ("art:deadbeef:3", "zzz", "fb:999:1", "quiz:0123456789:2", "grp:77:0:1"):
        calls = await bot.press(msg.result, data, user=ALICE)
        acks = [c for c in calls if c.method == "answerCallbackQuery"]
        assert len(acks) == 1 and acks[0].params.get("text"), data
        assert Harness.messages(calls) == [], data


async def test_inline_mode_offers_best_answers(bot):
    calls = await bot.send(bot.fake.inline, "离烟外出要提前几天请假", user=ALICE)
    answers = [c for c in calls if c.method == "answerInlineQuery"]
    assert len(answers) == 1 and not answers[0].error
    results = answers[0].params["results"]
    assert results[0]["title"].startswith("市政府组成人员离烟外出须提前3天")
    assert "烟政发〔2022〕8号" in results[0]["input_message_content"]["message_text"]
    assert len(results) >= 2, "further clauses are offered too"
    assert answers[0].params.get("is_personal") is True
    calls = await bot.send(bot.fake.inline, "   ", user=ALICE)
    empty = [c for c in calls if c.method == "answerInlineQuery"][0]
    assert empty.params["results"] == [] and empty.params["button"]["start_parameter"] == "help"
    msg = only_message(await bot.say("/start help", user=ALICE))
    assert "怎么用" in msg.visible


def test_fake_rejects_what_telegram_rejects():
    assert check_html("<b>a</b> &amp; <a href=\"x\">y</a>")[0] is None
    assert check_html("a < b")[0] is not None
    assert check_html("a & b")[0] is not None
    assert check_html("<b>a</i>")[0] is not None
    assert check_html("<script>x</script>")[0] is not None
    assert check_html("<b>open")[0] is not None


async def test_follow_ups_lean_on_the_users_last_question_without_a_reply(bot):
    def first_line(calls):
        return Harness.messages(calls)[0].visible.split("\n")[0]

    assert "每月" in first_line(await bot.say("市政府领导多久接听一次热线？", user=ALICE))
    calls = await bot.say("热点部门呢？", user=ALICE)
    assert "每季度" in first_line(calls) and "接着上一个问题" in Harness.messages(calls)[0].visible
    assert "每半年" in first_line(await bot.say("非热点部门的呢", user=ALICE))
    assert first_line(await bot.say("那招远呢？", user=ALICE)).startswith("非热点部门")
    whole = Harness.messages(await bot.say("第七条全文发给我", user=ALICE))[0].visible
    assert "狠抓重点项目推进建设" in whole and "当年投产" in whole and "…" not in whole  # the article, whole
    # what was asked is logged as understood, for /stats and reviews
    logged = bot.service.store.db.execute("SELECT text FROM questions ORDER BY id").fetchall()
    assert [t for (t,) in logged][1:3] == ["热点部门多久接听一次热线？", "非热点部门多久接听一次热线？"]
    # another user has no last question to lean on
    assert "接着上一个问题" not in Harness.messages(await bot.say("热点部门呢？", user=BOB))[0].visible
