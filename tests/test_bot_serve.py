"""`policybot serve` as a real process against the fake Bot API: polling, restart persistence,
webhook mode, and startup errors that are one clear line."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.fakebotapi import FakeBotAPI, Harness

POLICYBOT = str(Path(sys.executable).parent / "policybot")
ALICE = FakeBotAPI.user(1001, "张三", "zhangsan")


def write_config(path: Path, fake: FakeBotAPI | None, token: str | None = None, **extra) -> Path:
    lines = ["telegram:"]
    if token is not None:
        lines.append(f'  token: "{token}"')
    lines.append(f'  base_url: "{fake.base_url if fake else "http://127.0.0.1:1/bot"}"')
    lines.append("  admins: [42]")
    for key, value in extra.items():
        if key == "webhook":
            lines.append("  webhook:")
            lines.extend(f"    {k}: {json.dumps(v)}" for k, v in value.items())
    lines.append('database: "data/bot.sqlite3"')
    if "corpus" in extra:
        lines.append(f'corpus: "{extra["corpus"]}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def env(**extra) -> dict:
    e = {k: v for k, v in os.environ.items() if k != "POLICYBOT_TOKEN"}
    e.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost", PYTHONUNBUFFERED="1", **extra)
    return e


class Serve:
    """A `policybot serve` process; stopped with SIGINT like Ctrl-C."""

    def __init__(self, config: Path, **env_extra):
        self.proc = subprocess.Popen([POLICYBOT, "serve", "--config", str(config)], env=env(**env_extra),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=config.parent)

    async def ready(self, fake: FakeBotAPI, mark: int, timeout: float = 60) -> None:
        """post_init has run (the command menu is set) once setMyCommands shows up."""
        try:
            await fake.wait("setMyCommands", after=mark, timeout=timeout)
        except AssertionError:
            self.proc.kill()
            raise AssertionError(f"bot did not start: {self.proc.communicate()[1][-3000:]}") from None

    def stop(self) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            _, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return self.proc.returncode, err


@pytest.fixture
def fake():
    f = FakeBotAPI().start()
    yield f
    f.stop()


@pytest.mark.slow
async def test_serve_polls_answers_and_keeps_settings_and_scores_across_restart(fake, tmp_path):
    config = write_config(tmp_path / "config.yaml", fake, token="wrong:token-in-file")
    bot = Harness(fake, None, db=tmp_path / "data" / "bot.sqlite3")
    serve = Serve(config, POLICYBOT_TOKEN=fake.token)  # the environment overrides the file's token
    try:
        await serve.ready(fake, 0)
        answer = Harness.messages(await bot.say("离烟外出要提前几天请假？", user=ALICE))[0]
        assert "提前3天" in answer.visible and "烟政发〔2022〕8号" in answer.visible
        await bot.say("/city 招远", user=ALICE)
        await bot.say("/role 市政府领导班子成员", user=ALICE)
        q1 = Harness.messages(await bot.say("/quiz", user=ALICE))[0]
        options = [row[0]["callback_data"] for row in q1.buttons]
        # answer with each option until one is accepted as right or wrong: the first tap counts
        calls = await bot.press(q1.result, options[0], user=ALICE)
        first = [c for c in calls if c.method == "editMessageText"][0]
        assert "你的成绩：" in first.visible and "/1" in first.visible
        right_before = 1 if "回答正确" in first.visible else 0
        q2 = Harness.messages(await bot.say("/quiz", user=ALICE))[0]  # left unanswered over the restart
    finally:
        code, err = serve.stop()
    assert code == 0, err[-2000:]
    assert "Traceback" not in err

    mark = fake.mark()
    serve = Serve(config, POLICYBOT_TOKEN=fake.token)
    try:
        await serve.ready(fake, mark)
        city = Harness.messages(await bot.say("/city", user=ALICE))[0]
        assert "你现在的城市：招远" in city.visible
        role = Harness.messages(await bot.say("/role", user=ALICE))[0]
        assert "你现在的身份：市政府领导班子成员" in role.visible
        options2 = [row[0]["callback_data"] for row in q2.buttons]
        calls = await bot.press(q2.result, options2[0], user=ALICE)
        edit = [c for c in calls if c.method == "editMessageText"][0]
        right_now = right_before + (1 if "回答正确" in edit.visible else 0)
        assert f"你的成绩：{right_now}/2" in edit.visible, "quiz state and score survive the restart"
        again = await bot.press(q1.result, options[1], user=ALICE)
        assert [c.params["text"] for c in again if c.method == "answerCallbackQuery"] == ["这道题你已经答过了。"]
        answer = Harness.messages(await bot.say("市政府领导多久接听一次热线？", user=ALICE))[0]
        assert "招远的文件对此没有规定" in answer.visible
    finally:
        code, err = serve.stop()
    assert code == 0 and "Traceback" not in err
    assert (tmp_path / "data" / "bot.sqlite3").exists(), "the database sits where the config says"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
async def test_serve_webhook_mode(fake, tmp_path):
    port = free_port()
    hook = {"url": f"http://127.0.0.1:{port}/policybot", "listen": "127.0.0.1", "port": port,
            "url_path": "policybot", "secret_token": "s3cret-token"}
    config = write_config(tmp_path / "config.yaml", fake, token=fake.token, webhook=hook)
    serve = Serve(config)
    try:
        await fake.wait("setWebhook", timeout=60)
        set_hook = fake.since(0, "setWebhook")[0]
        assert set_hook.params["url"] == hook["url"] and set_hook.params["secret_token"] == "s3cret-token"
        assert not fake.since(0, "getUpdates"), "no polling in webhook mode"
        await serve.ready(fake, 0)
        mark = fake.mark()
        fake.send_text("离烟外出要提前几天请假？", user=ALICE)  # the fake POSTs it to the webhook
        reply = await fake.wait("sendMessage", after=mark, chat_id=ALICE["id"], timeout=20)
        assert "提前3天" in reply[0].visible
        # a POST without the secret is refused by the webhook server
        req = urllib.request.Request(hook["url"], data=b"{}", headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(req, timeout=5)
        assert refused.value.code == 403
    finally:
        code, err = serve.stop()
    assert code == 0, err[-2000:]


def run_serve(config: Path, timeout: float = 60, **env_extra) -> subprocess.CompletedProcess:
    return subprocess.run([POLICYBOT, "serve", "--config", str(config)], env=env(**env_extra), capture_output=True,
                          text=True, timeout=timeout, cwd=config.parent)


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip() and " INFO " not in line]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr[-3000:]
    return lines[0]


@pytest.mark.parametrize("token", [None, "123456:replace-me"])  # none, or config.example.yaml's placeholder
def test_missing_token_is_one_line(tmp_path, token):
    r = run_serve(write_config(tmp_path / "c.yaml", None, token=token))
    assert r.returncode == 2
    line = one_line(r.stderr)
    assert "没有设置 Telegram 机器人令牌" in line and "POLICYBOT_TOKEN" in line and "c.yaml" in line


def test_bad_config_is_one_line(tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("telegram:\n  tokn: x\n", encoding="utf-8")
    r = run_serve(bad)
    assert r.returncode == 2 and "unknown key(s) telegram.tokn" in one_line(r.stderr)
    bad.write_text("telegram: [\n", encoding="utf-8")
    r = run_serve(bad)
    assert r.returncode == 2 and "not valid YAML" in one_line(r.stderr)


def test_rejected_token_is_one_line(fake, tmp_path):
    r = run_serve(write_config(tmp_path / "c.yaml", fake, token="1:not-the-token"))
    assert r.returncode == 2 and "rejected the bot token" in one_line(r.stderr)


def test_unreachable_api_is_one_line(tmp_path):
    r = run_serve(write_config(tmp_path / "c.yaml", None, token="1:x"))
    assert r.returncode == 1 and "cannot reach the Bot API at http://127.0.0.1:1/bot" in one_line(r.stderr)


def test_bad_corpus_is_one_line(fake, tmp_path):
    docs = tmp_path / "corpus" / "documents"
    docs.mkdir(parents=True)
    (docs / "bad.yaml").write_text("title: [oops\n", encoding="utf-8")
    r = run_serve(write_config(tmp_path / "c.yaml", fake, token=fake.token, corpus="corpus"))
    assert r.returncode == 2 and "bad.yaml" in one_line(r.stderr)
