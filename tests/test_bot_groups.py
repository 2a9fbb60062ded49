"""The bot in a group chat: it answers commands, replies to it and @mentions, ignores other chatter;
and a trainer's quiz round with buttons and a leaderboard."""
from __future__ import annotations

import pytest

from tests.fakebotapi import FakeBotAPI, Harness, running_bot

TRAINER = FakeBotAPI.user(2001, "赵培训", "trainer")
MEMBER_A = FakeBotAPI.user(2002, "钱一", "qianyi")
MEMBER_B = FakeBotAPI.user(2003, "<b>孙&二</b>", None)  # hostile display name, no username
ADMIN = FakeBotAPI.user(42, "王管理", "wangadmin")


@pytest.fixture
async def bot(engine, tmp_path):
    async with running_bot(engine=engine, database=tmp_path / "g.sqlite3", admins=[ADMIN["id"]]) as h:
        h.group = h.fake.group_chat()
        yield h


async def test_group_chatter_is_ignored(bot):
    g = bot.group
    for text in ["大家早上好", "离烟外出要提前几天请假？", "@someoneelse 你看一下这个", "/help@other_bot", "/foo"]:
        calls = await bot.say(text, user=MEMBER_A, chat=g)
        assert calls == [], text
    # a reply to another member is chatter too
    other = bot.fake._message(MEMBER_B, g, text="市政府领导多久接听一次热线？")
    assert await bot.say("不知道", user=MEMBER_A, chat=g, reply_to=other) == []
    # stickers and photos in a group are not for the bot
    assert await bot.send(bot.fake.send_content, "sticker", user=MEMBER_A, chat=g) == []


async def test_group_mentions_replies_and_commands_are_answered(bot):
    g = bot.group
    calls = await bot.say("@policy_test_bot 离烟外出要提前几天请假？", user=MEMBER_A, chat=g)
    msgs = Harness.messages(calls)
    assert len(msgs) == 1 and "提前3天" in msgs[0].visible
    asked = bot.fake.messages[(g["id"], max(k[1] for k in bot.fake.messages if k[0] == g["id"] and
                                            bot.fake.messages[k]["from"]["id"] == MEMBER_A["id"]))]
    assert msgs[0].params["reply_parameters"]["message_id"] == asked["message_id"], "answers quote the asker"
    assert any(c.method == "sendChatAction" and c.params["chat_id"] == g["id"] for c in calls)
    # a follow-up as a reply to the bot's answer
    calls = await bot.say("市政府领导多久接听一次热线？", user=MEMBER_B, chat=g, reply_to=msgs[0].result)
    assert "每月到服务热线接听1次" in Harness.messages(calls)[0].visible
    # a bare mention gets a nudge
    calls = await bot.say("@policy_test_bot", user=MEMBER_A, chat=g)
    assert "@我 加上问题" in Harness.messages(calls)[0].visible
    # commands, plain and addressed
    for text in ["/help", "/help@policy_test_bot", "/docs"]:
        assert len(Harness.messages(await bot.say(text, user=MEMBER_A, chat=g))) == 1, text
    calls = await bot.say("/nosuch@policy_test_bot", user=MEMBER_A, chat=g)
    assert "没有“/nosuch”这个命令" in Harness.messages(calls)[0].visible


async def test_bot_added_to_group_introduces_itself(bot):
    calls = await bot.send(bot.fake.add_bot_to_group, bot.group, TRAINER)
    msgs = Harness.messages(calls)
    assert len(msgs) == 1 and "/quiz" in msgs[0].visible


async def test_group_quiz_round_with_leaderboard(bot):
    g = bot.group
    calls = await bot.say("/quiz 2", user=TRAINER, chat=g)
    q1 = Harness.messages(calls)[0]
    assert "集体测验开始，共2题" in q1.visible and "第1/2题" in q1.visible
    options = [row[0]["callback_data"] for row in q1.buttons[:4]]
    assert len(options) == 4 and all(d.startswith("grp:") for d in options)
    rnd = bot.service.store.open_round(str(g["id"]))
    right = rnd.questions[0]["answer_index"]

    async def tap(msg, data, user):
        calls = await bot.press(msg.result, data, user=user)
        acks = [c for c in calls if c.method == "answerCallbackQuery"]
        assert len(acks) == 1
        return acks[0].params.get("text", ""), calls

    assert "回答正确" in (await tap(q1, options[right], MEMBER_A))[0]
    assert "答错了" in (await tap(q1, options[(right + 1) % 4], MEMBER_B))[0]
    assert "以第一次为准" in (await tap(q1, options[right], MEMBER_B))[0], "first answer counts"
    # only the trainer (or an admin) turns the page
    nxt = q1.button("下一题")["callback_data"]
    text, calls = await tap(q1, nxt, MEMBER_A)
    assert "只有出题人" in text and Harness.messages(calls) == []
    text, calls = await tap(q1, nxt, TRAINER)
    revealed = [c for c in calls if c.method == "editMessageText"][0]
    assert "2人作答，1人答对" in revealed.visible and "📌 依据" in revealed.visible
    assert revealed.buttons == [], "a revealed question takes no more answers"
    q2 = Harness.messages(calls)[0]
    assert "第2/2题" in q2.visible
    # a late tap on the old question is refused
    assert "已经翻过去了" in (await tap(q1, options[right], MEMBER_B))[0]
    right2 = bot.service.store.round(rnd.id).questions[1]["answer_index"]
    options2 = [row[0]["callback_data"] for row in q2.buttons[:4]]
    await tap(q2, options2[right2], MEMBER_B)
    await tap(q2, options2[right2], MEMBER_A)
    text, calls = await tap(q2, q2.button("公布答案和排名")["callback_data"], TRAINER)
    board = Harness.messages(calls)[-1]
    assert "测验结束（2题）" in board.visible
    lines = board.visible.split("\n")
    assert lines[1].startswith("🥇 钱一：答对2题") and lines[2].startswith("🥈 <b>孙&二</b>：答对1题")
    assert "&lt;b&gt;孙&amp;二&lt;/b&gt;" in board.text, "member names are escaped"
    assert bot.service.store.open_round(str(g["id"])) is None
    # group answers count towards each member's own score
    assert bot.service.store.quiz_score("2002") == (2, 2)
    assert bot.service.store.quiz_score("2003") == (1, 2)


async def test_trainer_can_end_a_round_early(bot):
    g = bot.group
    q1 = Harness.messages(await bot.say("/quiz", user=TRAINER, chat=g))[0]
    assert "共5题" in q1.visible
    again = Harness.messages(await bot.say("/quiz", user=MEMBER_A, chat=g))[0]
    assert "已有一轮测验在进行" in again.visible
    calls = await bot.say("/quiz 结束", user=MEMBER_A, chat=g)
    assert "只有出题人" in Harness.messages(calls)[0].visible
    assert bot.service.store.open_round(str(g["id"])) is not None
    calls = await bot.press(q1.result, q1.button("结束")["callback_data"], user=ADMIN)  # an admin may end it
    assert "这一轮没有人作答" in Harness.messages(calls)[-1].visible
    assert bot.service.store.open_round(str(g["id"])) is None


async def test_short_reply_to_an_answer_follows_up_its_question(bot):
    g = bot.group
    first = Harness.messages(await bot.say("@policy_test_bot 每个链办多久提报重大招商项目？", user=MEMBER_A, chat=g))[0]
    assert "每年" in first.visible.split("\n")[0]
    alone = Harness.messages(await bot.say("@policy_test_bot 至少几个？", user=MEMBER_B, chat=g))[0]
    assert "5个" not in alone.visible.split("\n")[0], "on its own, the question has no topic"
    follow = Harness.messages(await bot.say("至少几个？", user=MEMBER_B, chat=g, reply_to=first.result))[0]
    assert "不少于5个重大招商项目" in follow.visible.split("\n")[0]
    # in a private chat too: "那招远呢？" after an answer about 烟台
    private = Harness.messages(await bot.say("离烟外出要提前几天请假？", user=MEMBER_A))[0]
    follow = Harness.messages(await bot.say("那招远呢？", user=MEMBER_A, reply_to=private.result))[0]
    assert "离招外出须提前3天" in follow.visible.split("\n")[0]
    # a full question in reply to an answer is asked as it stands
    other = Harness.messages(await bot.say("市政府领导多久接听一次热线？", user=MEMBER_A, reply_to=private.result))[0]
    assert "每月到服务热线接听1次" in other.visible.split("\n")[0]
