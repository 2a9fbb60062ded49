"""Drive `policybot serve` as civil servants would, against the fake Bot API, and print the exchange.

    .venv/bin/python tests/bot_demo.py > transcript.txt

Starts the fake server (tests/fakebotapi.py) on 127.0.0.1, runs the real `policybot serve` process
pointed at it, sends a sequence of updates (messages, button presses, an inline query, a group quiz
round) and prints what each user sees: the visible text of every message, its buttons, and the
short notices (answerCallbackQuery) that pop up.
"""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakebotapi import FakeBotAPI, Harness  # noqa: E402

ZHANG = FakeBotAPI.user(1001, "张科长", "zhangkz")
ADMIN = FakeBotAPI.user(42, "王管理", "wangadmin")
LI = FakeBotAPI.user(2002, "李干事", "liganshi")
ZHAO = FakeBotAPI.user(2003, "赵主任", None)


def show(calls, who: str = "") -> None:
    for c in calls:
        if c.method in ("sendMessage", "editMessageText"):
            tag = "🤖" if c.method == "sendMessage" else "🤖 (edits its message)"
            print(f"{tag} {c.visible}".replace("\n", "\n   "))
            for row in c.buttons:
                print("   " + " ".join(f"[{b['text']}]" for b in row))
        elif c.method == "sendDocument":
            name, content = c.files["document"]
            print(f"🤖 📎 {name} ({len(content)} bytes) — {c.params.get('caption', '')}")
        elif c.method == "answerCallbackQuery" and c.params.get("text"):
            print(f"   💬 (pop-up for {who}) {c.params['text']}")
        elif c.method == "answerInlineQuery":
            for r in c.params["results"]:
                print(f"   ▸ {r['title']} — {r.get('description', '')[:40]}")
        elif c.method == "sendChatAction":
            print("🤖 …typing")
    print()


async def main() -> int:
    fake = FakeBotAPI().start()
    fake.private_chat(ADMIN)
    tmp = Path(tempfile.mkdtemp())
    (tmp / "config.yaml").write_text(
        f'telegram:\n  token: "{fake.token}"\n  base_url: "{fake.base_url}"\n  admins: [{ADMIN["id"]}]\n'
        'database: "data/policybot.sqlite3"\n', encoding="utf-8")
    env = dict(os.environ, NO_PROXY="127.0.0.1", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "policybot"), "serve", "--config", "config.yaml"],
                            cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    bot = Harness(fake, None, db=tmp / "data" / "policybot.sqlite3")
    failed = True
    try:
        await fake.wait("setMyCommands", timeout=60)

        async def say(user, text, chat=None, **kw):
            where = f" in {chat['title']}" if chat else ""
            print(f"👤 {user['first_name']}{where}: {text}")
            calls = await bot.say(text, user=user, chat=chat, **kw)
            show(calls, user["first_name"])
            return Harness.messages(calls)

        async def tap(user, message, pattern):
            button = message.button(pattern)
            print(f"👤 {user['first_name']} taps [{button['text']}]")
            calls = await bot.press(message.result, button["callback_data"], user=user)
            show(calls, user["first_name"])
            return calls

        print("=== A private chat ===\n")
        welcome = (await say(ZHANG, "/start"))[0]
        await tap(ZHANG, welcome, "^招远$")
        await say(ZHANG, "你好")  # small talk: a friendly word, nothing to rate
        answer = (await say(ZHANG, "离招外出要提前几天请假？"))[0]
        await tap(ZHANG, answer, "全文")
        await tap(ZHANG, answer, "👍")
        await say(ZHANG, "这个文件还有效吗？")  # the standing of the cited document
        await say(ZHANG, "以前是怎么规定的")  # its earlier version: named, not in the corpus
        await say(ZHANG, "谢谢")
        await say(ZHANG, "市政府领导多久接听一次热线？")
        await say(ZHANG, "热点部门呢？")  # follow-ups lean on the last question
        await say(ZHANG, "非热点部门的呢")
        await say(ZHANG, "那烟台呢？")
        await say(ZHANG, "第七条全文发给我")
        await say(ZHANG, "招远和烟台关于热线的规定有什么不同？")
        await say(ZHANG, "/compare 13")
        await say(ZHANG, "/role 市政府领导班子成员")
        await say(ZHANG, "/duties")
        await say(ZHANG, "/article 招远 16")
        await say(ZHANG, "/outline 招远")
        question = (await say(ZHANG, "/quiz"))[0]
        await tap(ZHANG, question, "^B")
        print("👤 张科长 sends a sticker")
        show(await bot.send(fake.send_content, "sticker", user=ZHANG))
        await say(ZHANG, "机关食堂几点开饭？")
        disliked = (await say(ZHANG, "文件会签时间不超过几个工作日？"))[0]
        calls = await tap(ZHANG, disliked, "👎")  # 👎 asks why: the reasons take 👍/👎's place
        edited = next(c for c in calls if c.method == "editMessageReplyMarkup")
        print("   (the answer's buttons now read: " + " ".join(f"[{t}]" for t in edited.button_texts()) + ")\n")
        print("👤 张科长 taps [不完整]")
        show(await bot.press(disliked.result, edited.button("不完整")["callback_data"], user=ZHANG), "张科长")
        await say(ZHANG, "/role 非热点部门负责人")  # not a role of the documents: the nearest offered
        await say(ZHANG, "/reload")

        print("=== Inline mode, in any chat ===\n")
        print("👤 张科长 types: @policy_test_bot 一线办公多久一次")
        show(await bot.send(fake.inline, "一线办公多久一次", user=ZHANG))

        print("=== A training group ===\n")
        group = fake.group_chat(title="招远政务培训群")
        print("(张科长 adds the bot to the group)")
        show(await bot.send(fake.add_bot_to_group, group, ZHANG))
        await say(LI, "大家下午好，材料发群里了", chat=group)
        first = (await say(LI, "@policy_test_bot 每个链办多久提报重大招商项目？", chat=group))[0]
        await say(ZHAO, "至少几个？", chat=group, reply_to=first.result)
        q = (await say(ZHANG, "/quiz 2", chat=group))[0]
        for user, pick in ((LI, "^A"), (ZHAO, "^B")):
            await tap(user, q, pick)
        calls = await tap(ZHANG, q, "下一题")
        q2 = Harness.messages(calls)[-1]
        for user, pick in ((LI, "^C"), (ZHAO, "^C")):
            await tap(user, q2, pick)
        await tap(ZHANG, q2, "公布答案和排名")

        print("=== The administrator ===\n")
        await say(ADMIN, "/stats")
        failed = False
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        fake.stop()
        if failed:  # show what the bot logged
            sys.stderr.write(err[-5000:])
    print(f"(policybot serve exited with status {proc.returncode})")
    if not failed:
        print("\n=== The maintainer's review queue ===\n")
        print("$ policybot review --config config.yaml --csv review.csv")
        done = subprocess.run([str(Path(sys.executable).parent / "policybot"), "review", "--config", "config.yaml",
                               "--csv", "review.csv"], cwd=tmp, env=env, capture_output=True, text=True)
        print(done.stdout + done.stderr)
        print("$ cat review.csv")
        print((tmp / "review.csv").read_text(encoding="utf-8-sig"))
    return proc.returncode


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
