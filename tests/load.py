"""Load against the fake Bot API, shared by the load tests and bench/bench_load.py.

A plan is a list of Ask (when, who, what, where); drive() pushes each at its time and waits until every
chat it watches has one answer per question. An answer is a message carrying 👍/👎 buttons (fb:…),
so a question answered twice shows up as one answer too many in its chat. Chats answer in order (one
chat's updates are handled one after another), so the k-th answer in a chat is the k-th question's.
"""
from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field

from tests.fakebotapi import Call, FakeBotAPI

QUESTIONS = ["离烟外出要提前几天请假？", "市政府领导多久接听一次热线？", "一线办公多久一次？",
             "市政府常务会议多久开一次？", "政务公开怎么做？", "请假要找谁批准？"]


@dataclass
class Ask:
    at: float  # seconds after the start
    user: dict
    text: str
    chat: dict | None = None  # None: the user's private chat

    @property
    def chat_id(self) -> int:
        return self.chat["id"] if self.chat else self.user["id"]


@dataclass
class LoadResult:
    asked: dict[int, int]  # chat → questions
    answered: dict[int, int]  # chat → answers
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def missing(self) -> int:
        return sum(max(0, n - self.answered.get(c, 0)) for c, n in self.asked.items())

    @property
    def duplicates(self) -> int:
        return sum(max(0, self.answered.get(c, 0) - n) for c, n in self.asked.items())

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    @property
    def answers_per_second(self) -> float:
        return sum(self.answered.values()) / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (f"{sum(self.asked.values())} asked, {sum(self.answered.values())} answered in {self.seconds:.1f} s "
                f"({self.answers_per_second:.1f}/s), p50 {self.percentile(50) * 1000:.0f} ms, "
                f"p99 {self.percentile(99) * 1000:.0f} ms, unanswered {self.missing} (counted with the time they "
                f"waited), duplicates {self.duplicates}")


def is_answer(call: Call) -> bool:
    return call.method == "sendMessage" and not call.error and \
        any((b.get("callback_data") or "").startswith("fb:") for row in call.buttons for b in row)


def answers_in(fake: FakeBotAPI, chat_id: int, after: int = 0) -> list[Call]:
    return [c for c in fake.since(after, "sendMessage", chat_id) if is_answer(c)]


def users(n: int, first_id: int = 5000) -> list[dict]:
    return [FakeBotAPI.user(first_id + i, f"用户{i}", f"user{i}") for i in range(n)]


def steady(people: list[dict], per_user: int, seconds: float, chat: dict | None = None) -> list[Ask]:
    """Each user asks per_user questions, spread evenly over `seconds`, users interleaved."""
    total = len(people) * per_user
    return [Ask(seconds * k / total, people[k % len(people)], QUESTIONS[(k // len(people)) % len(QUESTIONS)], chat)
            for k in range(total)]


def mentions(fake: FakeBotAPI, people: list[dict], n: int, chat: dict, at: float = 0.0) -> list[Ask]:
    """n questions @mentioning the bot in one group, all at once."""
    name = fake.bot["username"]
    return [Ask(at, people[k % len(people)], f"@{name} {QUESTIONS[k % len(QUESTIONS)]}", chat) for k in range(n)]


async def drive(fake: FakeBotAPI, plan: list[Ask], watch: set[int] | None = None, timeout: float = 60.0) -> LoadResult:
    """Push the plan in time and wait for the answers in the watched chats (default: all)."""
    mark = fake.mark()
    pushed: dict[int, list[float]] = defaultdict(list)
    start = time.monotonic()
    for ask in sorted(plan, key=lambda a: a.at):
        delay = start + ask.at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        pushed[ask.chat_id].append(time.monotonic())
        fake.send_text(ask.text, user=ask.user, chat=ask.chat)
    watch = set(pushed) if watch is None else watch
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(len(answers_in(fake, c, mark)) >= len(pushed[c]) for c in watch):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # anything answered twice would show up now
    stopped = time.monotonic()
    result = LoadResult({c: len(pushed[c]) for c in watch}, {})
    last = start
    for c in watch:
        got = answers_in(fake, c, mark)
        result.answered[c] = len(got)
        result.latencies += [a.at - p for p, a in zip(pushed[c], got)]
        # a question still unanswered counts with the time it waited: at least that long
        result.latencies += [stopped - p for p in pushed[c][len(got):]]
        last = max([last] + [a.at for a in got])
    result.seconds = last - start
    return result
