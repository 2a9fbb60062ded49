"""Issue 13's "Done when" for the bot: a flood in one group does not slow a private user down; kill -9
under load loses nothing and answers nothing twice; the webhook refuses forged and huge requests
before it reads them."""
from __future__ import annotations

import asyncio
import random
import signal
import socket
import time

import pytest

from tests.fakebotapi import FakeBotAPI, running_bot
from tests.load import answers_in, drive, mentions, steady, users
from tests.test_bot_serve import Serve, free_port, write_config

pytestmark = pytest.mark.slow


async def test_busy_group_keeps_private_answers_under_a_second(engine, tmp_path):
    """50 mentions land in one group at once (Telegram lets a bot send 20 messages a minute there, so
    its answers take minutes); private users asking meanwhile get theirs at once."""
    async with running_bot(engine=engine, database=tmp_path / "b.sqlite3", rate_limit_per_minute=0) as bot:
        group = bot.fake.group_chat()
        crowd, private = users(50), users(8, first_id=7000)
        plan = mentions(bot.fake, crowd, 50, group) + steady(private, 5, 4.0)
        for ask in plan[50:]:
            ask.at += 0.2  # after the group's flood has arrived
        result = await drive(bot.fake, plan, watch={u["id"] for u in private}, timeout=30)
        assert result.missing == 0 and result.duplicates == 0, result.line()
        assert result.percentile(99) < 1.0, result.line()
        assert len(answers_in(bot.fake, group["id"])) < 50, "the group is still being answered, at its own pace"


def _twice(answers) -> list[float]:
    """When each repeated answer was first sent: an interrupted question is the first one answered after
    the restart, so its second answer follows its first (a user's consecutive questions differ)."""
    return [a.at for a, b in zip(answers, answers[1:]) if a.visible == b.visible]


def _answers_per_chat(fake: FakeBotAPI, chats: list[int]) -> dict[int, int]:
    return {c: len(answers_in(fake, c)) for c in chats}


async def test_kill_9_under_load_answers_every_question_exactly_once(tmp_path):
    """`policybot serve` killed (SIGKILL) five times while 20 users ask 200 questions: after a last
    restart every question has its answer, and a second one only if a kill struck in the instant
    between Telegram taking the first and the inbox marking it done."""
    fake = FakeBotAPI().start()
    try:
        config = write_config(tmp_path / "config.yaml", fake, token=fake.token)
        text = config.read_text(encoding="utf-8") + "rate_limit_per_minute: 0\n"
        config.write_text(text, encoding="utf-8")
        people = users(20)
        plan = steady(people, 10, 12.0)
        rng = random.Random(13)
        serve = Serve(config)
        await serve.ready(fake, 0)
        loader = asyncio.create_task(drive(fake, plan, timeout=0))
        kills: list[float] = []
        while not loader.done() or len(kills) < 5:
            await asyncio.sleep(rng.uniform(0.8, 2.0))
            kills.append(time.monotonic())
            serve.proc.send_signal(signal.SIGKILL)
            serve.proc.wait()
            mark = fake.mark()
            serve = Serve(config)
            await serve.ready(fake, mark)
        await loader
        deadline = time.monotonic() + 90
        chats = [u["id"] for u in people]
        while time.monotonic() < deadline and sum(_answers_per_chat(fake, chats).values()) < len(plan):
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)
        code, err = serve.stop()
        counts = _answers_per_chat(fake, chats)
        assert len(kills) >= 5
        assert all(n >= 10 for n in counts.values()), {c: n for c, n in counts.items() if n < 10}
        # An answer twice is possible in one case only: the kill came in the instant between Telegram
        # taking the reply and the inbox marking it done (measured: about 1 in 50 kills under this load;
        # no Bot API method tells whether a message went out, so it cannot be closed, only kept short).
        # Each extra answer's first copy must be that close to a kill (the fake may read a request the
        # bot wrote just before it died a moment after the kill).
        for chat, n in counts.items():
            twice = _twice(answers_in(fake, chat))
            assert n == 10 + len(twice), (chat, n, "answers not explained by a repeat")
            assert all(any(abs(k - t) < 0.1 for k in kills) for t in twice), (chat, twice, kills)
        assert code == 0 and "Traceback" not in err, err[-2000:]
    finally:
        fake.stop()


def _raw_post(port: int, path: str, headers: dict, body: bytes = b"", timeout: float = 5.0) -> tuple[str, float]:
    """Send the request line and headers (and body, if any); the status line and how long it took."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}\r\n".encode() + body)
        status = s.recv(200).split(b"\r\n")[0].decode()
    return status, time.monotonic() - start


async def test_webhook_checks_the_secret_and_size_before_reading_and_makes_a_secret(tmp_path):
    fake = FakeBotAPI().start()
    port = free_port()
    hook = {"url": f"http://127.0.0.1:{port}/hook", "listen": "127.0.0.1", "port": port, "url_path": "hook"}
    config = write_config(tmp_path / "config.yaml", fake, token=fake.token, webhook=hook)  # no secret_token
    serve = Serve(config)
    try:
        await serve.ready(fake, 0)
        secret = (await fake.wait("setWebhook", timeout=20))[0].params.get("secret_token")
        assert secret and len(secret) >= 32, "a random secret is made when none is configured"
        huge = {"Content-Type": "application/json", "Content-Length": str(90 * 1024 * 1024)}
        # 90 MB announced, nothing sent: the answer comes from the headers alone
        status, took = _raw_post(port, "/hook", huge)
        assert " 403 " in status and took < 2, status
        status, took = _raw_post(port, "/hook", {**huge, "X-Telegram-Bot-Api-Secret-Token": "guess"})
        assert " 403 " in status, status
        status, took = _raw_post(port, "/hook", {**huge, "X-Telegram-Bot-Api-Secret-Token": secret})
        assert " 413 " in status and took < 2, status
        # chunked, no length up front: cut off at the cap
        chunk = b"x" * 65536
        body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(40)) + b"0\r\n\r\n"
        status, _ = _raw_post(port, "/hook", {"Content-Type": "application/json", "Transfer-Encoding": "chunked",
                                              "X-Telegram-Bot-Api-Secret-Token": secret}, body)
        # refused (tornado's own cap answers 400 to a chunked body over max_body_size), or cut off
        assert " 413 " in status or " 400 " in status or status == "", status
        # Telegram's own delivery still works
        mark = fake.mark()
        fake.send_text("离烟外出要提前几天请假？", user=FakeBotAPI.user(1001))
        reply = await fake.wait("sendMessage", after=mark, chat_id=1001, timeout=20)
        assert "提前3天" in reply[0].visible
    finally:
        code, err = serve.stop()
        fake.stop()
    assert code == 0, err[-2000:]
    assert "secret_token is not set" in err, "the log says why the secret is a random one"
