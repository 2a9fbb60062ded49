"""Issue 13, the bot under load and hostile input: per-chat concurrency, limits on arrival, the inbox,
the typing indicator's budget, forged buttons, admin ids, group /stats, bounded caches, config values."""
from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Update

from bot.config import ConfigError, load_config
from bot.flow import ChatProcessor, InboxQueue, SendLimiter, chat_key
from bot.service import Service
from bot.store import Store
from tests.fakebotapi import TOKEN, FakeBotAPI, Harness, running_bot

ALICE = FakeBotAPI.user(1001, "张三", "zhangsan")
BOB = FakeBotAPI.user(1002, "李四", "lisi")
ADMIN = FakeBotAPI.user(42, "管理员", "admin")
BOT_ID = int(TOKEN.split(":")[0])


def update(update_id: int, text: str = "你好", user: dict = ALICE, chat: dict | None = None) -> Update:
    chat = chat or {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    return Update.de_json({"update_id": update_id, "message": {"message_id": update_id, "date": 0, "chat": chat,
                                                                "from": user, "text": text}}, None)


# ---- the inbox ------------------------------------------------------------------------------------

def test_inbox_records_on_arrival_queues_once_and_resumes_after_a_crash(tmp_path):
    db = tmp_path / "bot.sqlite3"
    store = Store(db)
    queue = InboxQueue()
    assert queue.open(store, BOT_ID) == []
    for i in (1, 2, 3):
        queue.put_nowait(update(i))
    queue.put_nowait(update(2))  # Telegram sends again what it thinks unacknowledged
    assert queue.qsize() == 3
    queue.handled(update(1))
    store.close()  # "kill -9": 2 and 3 were recorded but never answered

    store = Store(db)
    again = InboxQueue()
    bodies = again.open(store, BOT_ID)
    assert [b["update_id"] for b in bodies] == [2, 3] and bodies[0]["message"]["text"] == "你好"
    for b in bodies:
        again.resume(Update.de_json(b, None))
    again.put_nowait(update(1))  # handled before the crash: not again
    again.put_nowait(update(3))  # queued by resume already
    again.put_nowait(update(4))
    assert [again.get_nowait().update_id for _ in range(again.qsize())] == [2, 3, 4]
    # another bot (a new token, the same database) has its own update numbers
    other = InboxQueue()
    other.open(store, BOT_ID + 1)
    other.put_nowait(update(1))
    assert other.qsize() == 1


def test_inbox_gives_up_an_update_that_keeps_crashing_the_bot(tmp_path):
    store = Store(tmp_path / "bot.sqlite3")
    store.receive(BOT_ID, 7, update(7).to_json())
    tries = [len(store.unhandled(BOT_ID)) for _ in range(4)]
    assert tries == [1, 1, 0, 0], "three attempts, then it is left alone"
    assert store.is_handled(BOT_ID, 7)


# ---- per-chat order, chats side by side ---------------------------------------------------------

async def test_processor_orders_a_chat_and_lets_other_chats_pass():
    proc = ChatProcessor()
    log: list[str] = []
    gate = asyncio.Event()

    async def work(name: str, wait: bool = False):
        if wait:
            await gate.wait()
        log.append(name)

    group = {"id": -100, "type": "supergroup", "title": "群"}
    tasks = [asyncio.create_task(proc.process_update(update(1, chat=group), work("g1", wait=True))),
             asyncio.create_task(proc.process_update(update(2, chat=group), work("g2"))),
             asyncio.create_task(proc.process_update(update(3, user=BOB), work("bob")))]
    await asyncio.sleep(0.05)
    assert log == ["bob"], "the group's second update waits for its first; Bob's does not"
    gate.set()
    await asyncio.gather(*tasks)
    assert log == ["bob", "g1", "g2"]
    assert proc._turns == {}, "no lock kept for idle chats"
    assert chat_key(update(9, user=BOB)) == BOB["id"]


async def test_typing_does_not_spend_a_groups_message_budget():
    limiter = SendLimiter(max_retries=0)
    await limiter.initialize()

    async def call(*args, **kwargs):
        return True

    group = {"chat_id": -1001}
    start = time.monotonic()
    for _ in range(30):
        await limiter.process_request(call, (), {}, "sendChatAction", group, None)
    for _ in range(19):  # Telegram's 20 a minute, all still there for messages
        await limiter.process_request(call, (), {}, "sendMessage", group, None)
    assert time.monotonic() - start < 1.0
    await limiter.shutdown()


# ---- limits on arrival ------------------------------------------------------------------------------

async def test_limits_apply_on_arrival_to_questions_commands_and_buttons(engine, tmp_path):
    async with running_bot(engine=engine, database=tmp_path / "r.sqlite3", rate_limit_per_minute=3) as bot:
        fake = bot.fake
        mark = fake.mark()
        pushed = [fake.send_text("离烟外出要提前几天请假？", user=ALICE) for _ in range(12)]
        await bot.drain(mark, *(u["update_id"] for u in pushed))
        sent = [c.visible for c in fake.since(mark, "sendMessage", ALICE["id"])]
        assert sum("提前3天" in t for t in sent) == 3 and sum("问得有点快" in t for t in sent) == 1
        # the warning went out as the fourth arrived, not after the three answers queued before it
        assert "问得有点快" in sent[0], sent[0][:80]
        # commands: 3× the question budget, and no second warning this minute
        mark = fake.mark()
        pushed = [fake.send_text("/help", user=BOB) for _ in range(12)]
        await bot.drain(mark, *(u["update_id"] for u in pushed))
        assert len(fake.since(mark, "sendMessage", BOB["id"])) == 9 + 1
        # buttons count too: Bob is over the command budget now; a press is answered, quietly refused
        msg = Harness.messages(await bot.say("/help", user=ADMIN))[0]
        calls = await bot.press(msg.result, "quiz:next", user=BOB)
        assert [c.method for c in calls] == ["answerCallbackQuery"] and not calls[0].params.get("text")
        assert bot.service.store.stats()["questions"] == 3


async def test_inline_queries_are_not_logged_or_counted_against_questions(engine, tmp_path):
    async with running_bot(engine=engine, database=tmp_path / "i.sqlite3", rate_limit_per_minute=2) as bot:
        for prefix in ("离", "离烟", "离烟外出", "离烟外出要提前", "离烟外出要提前几天请假"):
            calls = await bot.send(bot.fake.inline, prefix, user=ALICE)
            assert [c.method for c in calls] == ["answerInlineQuery"]
        assert bot.service.store.stats()["questions"] == 0, "typed prefixes are not questions"
        assert "提前3天" in Harness.messages(await bot.say("离烟外出要提前几天请假？", user=ALICE))[0].visible
        update = bot.fake.push({"chosen_inline_result": {"result_id": "answer", "from": ALICE,
                                                         "query": "离烟外出要提前几天请假"}})
        await bot.drain(bot.fake.mark(), update["update_id"])
        assert bot.service.store.stats()["questions"] == 2, "the result sent into a chat is"


# ---- forged data and admin ids ------------------------------------------------------------------------

async def test_forged_feedback_and_round_buttons_are_refused(engine, tmp_path):
    async with running_bot(engine=engine, database=tmp_path / "f.sqlite3", admins=[ADMIN["id"]]) as bot:
        group = bot.fake.group_chat()
        answer = Harness.messages(await bot.say("离烟外出要提前几天请假？", user=ALICE))[0]
        vote = answer.button("👎")["callback_data"]
        mine = Harness.messages(await bot.say("/help", user=BOB))[0]
        # Bob forges Alice's 👎 onto a message in his own chat
        calls = await bot.press(mine.result, vote, user=BOB)
        assert [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"] == ["找不到这个回答了。"]
        assert bot.service.store.feedback(int(vote.split(":")[1])) == (0, 0)
        # Alice's own press counts
        await bot.press(answer.result, vote, user=ALICE)
        assert bot.service.store.feedback(int(vote.split(":")[1])) == (0, 1)
        # a group round is joined only from its group
        await bot.say("/quiz", user=ADMIN, chat=group)
        rnd = bot.service.store.open_round(str(group["id"]))
        calls = await bot.press(mine.result, f"grp:{rnd.id}:0:0", user=BOB)
        assert [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"] == ["这个按钮已失效。"]
        assert bot.service.store.round_tally(rnd.id, 0) == (0, 0)


async def test_admin_stats_in_a_group_keep_private_questions_private(engine, tmp_path):
    async with running_bot(engine=engine, database=tmp_path / "s.sqlite3", admins=[ADMIN["id"]]) as bot:
        group = bot.fake.group_chat()
        await bot.say("我的公积金怎么提取", user=ALICE)  # private, unanswered
        in_group = Harness.messages(await bot.say("/stats", user=ADMIN, chat=group))[0].visible
        assert "公积金" not in in_group and "问题：1个" in in_group and "私聊" in in_group
        private = Harness.messages(await bot.say("/stats", user=ADMIN))[0].visible
        assert "公积金" in private


def test_admin_ids_are_exact_digits(tmp_path):
    svc = Service(load_config(None))
    svc.config.admins = [42]
    assert svc.is_admin("42") and svc.is_admin(42)
    assert not any(svc.is_admin(x) for x in ("0042", "٤٢", " 42", "42 ", "+42", "4_2", None))
    for bad in ('"٤٢"', '"0042"', "true", "4.2", '" 42"'):
        cfg = tmp_path / "c.yaml"
        cfg.write_text(f"telegram:\n  admins: [{bad}]\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="numeric Telegram user ids"):
            load_config(cfg)


@pytest.mark.parametrize("text, where", [
    ("telegram:\n  webhook: {url: 'https://x', port: 70000}\n", "telegram.webhook.port"),
    ("telegram:\n  webhook: {url: 'https://x', port: '8443'}\n", "telegram.webhook.port"),
    ("telegram:\n  webhook: {url: 'https://x', port: true}\n", "telegram.webhook.port"),
    ("telegram:\n  webhook: {url: 'https://x', secret_token: 'has space'}\n", "secret_token"),
    ("telegram:\n  webhook: {url: 'https://x', secret: 'x'}\n", "telegram.webhook.secret"),
    ("rate_limit_per_minute: -1\n", "rate_limit_per_minute"),
    ("rate_limit_per_minute: true\n", "rate_limit_per_minute"),
    ("rate_limit_per_minute: 1000000\n", "rate_limit_per_minute"),
])
def test_port_rate_and_secret_values_are_checked(tmp_path, text, where):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=where.replace(".", r"\.")):
        load_config(cfg)


def test_quiz_cache_is_bounded(engine):
    from bot import quiz

    svc = Service(load_config(None), engine=engine, store=Store())
    for seed in range(quiz.MAX_CACHED + 20):
        svc.quiz._questions(None, None, seed)
    assert len(svc.quiz._cache) == quiz.MAX_CACHED
    assert (None, None, quiz.MAX_CACHED + 19) in svc.quiz._cache and (None, None, 0) not in svc.quiz._cache
