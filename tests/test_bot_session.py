"""A colleague in chat, end to end against the fake Bot API: follow-ups about the cited document and
its earlier version, small talk, a 👎 with its reason, /stats and the `policybot review` export, and
documents replaced by others or expired."""
from __future__ import annotations

import csv
import shutil

import pytest

from cli.main import main
from retrieval.engine import Engine
from retrieval.ingest import IngestOptions, ingest
from tests.fakebotapi import FakeBotAPI, Harness, running_bot

from .fixtures import make

ALICE = FakeBotAPI.user(1001, "张三", "zhangsan")
ADMIN = FakeBotAPI.user(42, "王管理", "wangadmin")
OLD, NEW = "威政办发〔2015〕30号", "威政办发〔2023〕12号"


@pytest.fixture
async def bot(engine, tmp_path):
    async with running_bot(engine=engine, database=tmp_path / "bot.sqlite3", admins=[ADMIN["id"]]) as h:
        yield h


def only_message(calls):
    msgs = Harness.messages(calls)
    assert len(msgs) == 1, [(c.method, c.visible[:80]) for c in calls]
    return msgs[0]


def lines(calls) -> list[str]:
    return only_message(calls).visible.split("\n")


async def test_follow_ups_about_the_cited_document_and_its_earlier_version(bot):
    await bot.say("/city 招远", user=ALICE)
    assert "提前3天" in lines(await bot.say("离招外出要提前几天请假？", user=ALICE))[0]
    standing = lines(await bot.say("这个文件还有效吗？", user=ALICE))
    assert standing[0] == "招政发〔2022〕21号现行有效，文件没有写明有效期。"
    assert "接着上一个问题" in standing[1]
    earlier = lines(await bot.say("以前是怎么规定的", user=ALICE))
    assert earlier[0] == "招政发〔2019〕24号已被招政发〔2022〕21号废止，2022-05-12起。"
    assert "语料中没有收录它的全文" in earlier[1], "the earlier version is named, its rule not invented"
    expiry = lines(await bot.say("烟政发〔2022〕8号什么时候到期", user=ALICE))
    assert expiry[0] == "烟政发〔2022〕8号现行有效，文件没有写明有效期。"


async def test_small_talk_gets_a_friendly_word_and_is_not_counted_unanswered(bot):
    hello = only_message(await bot.say("你好", user=ALICE))
    assert hello.visible.startswith("你好！") and "可以这样问" in hello.visible
    assert not any(t.startswith(("👍", "👎")) for t in hello.button_texts()), "nothing to rate"
    thanks = only_message(await bot.say("谢谢！", user=ALICE))
    assert thanks.visible.startswith("不客气") and thanks.button_texts() == []
    assert "每月" in lines(await bot.say("市政府领导多久接听一次热线？", user=ALICE))[0]
    await bot.say("收到", user=ALICE)
    assert "每季度" in lines(await bot.say("热点部门呢？", user=ALICE))[0], "small talk keeps the last question"
    stats = only_message(await bot.say("/stats", user=ADMIN)).visible
    assert "问题：2个（1位用户），已回答2个，未回答0个" in stats and "另有寒暄3条" in stats


async def test_a_thumbs_down_asks_why_and_the_review_export_has_it(bot, tmp_path, capsys):
    answer = only_message(await bot.say("离烟外出要提前几天请假？", user=ALICE))
    calls = await bot.press(answer.result, answer.button("👎")["callback_data"], user=ALICE)
    ack = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "哪里不对" in ack.params["text"] and Harness.messages(calls) == []
    edit = next(c for c in calls if c.method == "editMessageReplyMarkup")
    assert edit.button_texts() == ["📄 全文", "不准确", "已过时", "不相关", "不完整", "引用错误"] + [
        t for t in answer.button_texts() if t.startswith("📎")], "the reasons take 👍/👎's place"
    calls = await bot.press(answer.result, edit.button("已过时")["callback_data"], user=ALICE)
    ack = next(c for c in calls if c.method == "answerCallbackQuery")
    assert ack.params["text"].startswith("已记录：已过时")
    edit = next(c for c in calls if c.method == "editMessageReplyMarkup")
    assert "👎 已过时" in edit.button_texts() and "👍 有用" in edit.button_texts()
    assert "没有规定这个问题" in only_message(await bot.say("今天天气怎么样？", user=ALICE)).visible
    stats = only_message(await bot.say("/stats", user=ADMIN)).visible
    assert "👎 1（原因：已过时 1）" in stats and "离烟外出要提前几天请假？ → 烟政发〔2022〕8号 3.（已过时）" in stats

    out = tmp_path / "review.csv"
    assert main(["review", "--db", str(tmp_path / "bot.sqlite3"), "--csv", str(out)]) == 0
    assert "复核清单：2 条（未回答 1，👎 1）" in capsys.readouterr().out
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    disliked = next(r for r in rows if r["类别"] == "👎")
    assert disliked["问题"] == "离烟外出要提前几天请假？" and disliked["👎 原因"] == "已过时"
    assert (disliked["文号"], disliked["条款"]) == ("烟政发〔2022〕8号", "3.")
    assert disliked["回答"].startswith("市政府组成人员离烟外出须提前3天")
    unanswered = next(r for r in rows if r["类别"] == "未回答")
    assert unanswered["问题"] == "今天天气怎么样？" and unanswered["文号"] == ""
    assert main(["review", "--db", str(tmp_path / "bot.sqlite3"), "--since", "2999-01-01", "--csv", str(out)]) == 0
    assert len(list(csv.reader(out.open(encoding="utf-8-sig")))) == 1, "only the header after a future date"
    assert main(["review", "--db", str(tmp_path / "bot.sqlite3"), "--since", "上周", "--csv", str(out)]) == 2
    assert "日期写成" in capsys.readouterr().err
    assert main(["review", "--db", str(tmp_path / "none.sqlite3"), "--csv", str(out)]) == 2
    assert "没有找到数据库" in capsys.readouterr().err


def _corpus(tmp_path, *names):
    folder = tmp_path / ("in-" + "-".join(names))
    folder.mkdir()
    for name in names:
        shutil.copy(make.SOURCES / f"{name}.txt", folder)
    corpus = tmp_path / ("corpus-" + "-".join(names))
    report = ingest(IngestOptions([str(folder)], corpus=corpus))
    assert not report.refused
    return Engine.load(corpus)


async def test_a_replaced_document_gives_way_to_its_replacement(tmp_path):
    engine = _corpus(tmp_path, "weihai_parking_2015", "weihai_parking")
    async with running_bot(engine=engine, database=tmp_path / "bot.sqlite3") as bot:
        await bot.say("/city 威海", user=ALICE)
        now = lines(await bot.say("停车场经营备案要在多少天内完成？", user=ALICE))
        assert "15日内" in now[0] and not any("⚠️" in x for x in now) and NEW in now[1]
        before = lines(await bot.say("以前是怎么规定的", user=ALICE))
        assert "30日内" in before[0] and any(OLD in x and "废止" in x for x in before[1:3])
        alone = lines(await bot.say("停车场调整收费标准要提前几天公示？", user=ALICE))
        assert "提前10日" in alone[0] and alone[1].startswith(f"⚠️ {OLD}已被{NEW}废止")
        assert lines(await bot.say(f"{OLD}还有效吗", user=ALICE))[0] == f"{OLD}已被{NEW}废止，2023-07-01起。"
        docs = only_message(await bot.say("/docs", user=ALICE)).visible
        old_entry = docs[docs.index(OLD):]
        assert "已废止" in old_entry.split("•")[0] and "已被《" in old_entry.split("•")[0]


async def test_an_expired_document_says_so_in_its_first_lines(tmp_path):
    engine = _corpus(tmp_path, "weihai_parking_2015")
    async with running_bot(engine=engine, database=tmp_path / "bot.sqlite3") as bot:
        answer = lines(await bot.say("新建住宅每户配建几个停车位？", user=ALICE))
        assert "0.5个" in answer[0] and answer[1].startswith(f"⚠️ {OLD}有效期至2020-08-31，已到期失效")
        assert "已到期" in only_message(await bot.say("/docs", user=ALICE)).visible


async def test_role_offers_the_corpus_roles_and_the_nearest_to_an_unknown_one(bot):
    menu = only_message(await bot.say("/role", user=ALICE))
    assert "市政府领导班子成员" in menu.button_texts() and "你还没有设置身份" in menu.visible
    unknown = only_message(await bot.say("/role 非热点部门负责人", user=ALICE))
    assert "文件里没有“非热点部门负责人”这个身份" in unknown.visible
    assert unknown.button_texts() == ["非热点部门主要负责人"], "the nearest, never across a 非"
    assert bot.service.store.user("1001").role is None, "an unknown role is not set"
    calls = await bot.press(unknown.result, unknown.button("非热点部门主要负责人")["callback_data"], user=ALICE)
    assert "你的身份是 非热点部门主要负责人" in only_message(calls).visible
    assert bot.service.store.user("1001").role == "非热点部门主要负责人"
    nothing = only_message(await bot.say("/role 保洁员", user=ALICE))
    assert "也没有相近的" in nothing.visible and bot.service.store.user("1001").role == "非热点部门主要负责人"
