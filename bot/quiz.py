"""The quiz in Telegram: a private quiz (one question at a time, scored per user) and group rounds
(a trainer's round in a group chat: everyone answers, the trainer turns the pages, a leaderboard
ends it). Questions come from retrieval/quiz.py; answers and rounds are kept in the Store.
"""
from __future__ import annotations

import random
import time
from dataclasses import asdict

from retrieval.models import Citation
from retrieval.quiz import QuizQuestion, quiz_questions
from retrieval.roles import ScopeError
from retrieval.text import article_number

from . import render as R
from .render import Block, Button, Reply
from .context import ServiceContext


GROUP_ROUND = 5  # questions in a group quiz round unless the trainer says otherwise
MAX_ROUND = 20
STOP_WORDS = ("结束", "stop", "end")


def quiz_key(question_id: str) -> str:
    """A question's id in callback data (which holds at most 64 bytes)."""
    return R.callback_id(question_id, 10)


def question_dict(q: QuizQuestion) -> dict:
    """A question as the Store keeps it (pending private questions, the questions of a round)."""
    return {"id": q.id, "prompt": q.prompt, "options": list(q.options), "answer_index": q.answer_index,
            "citation": asdict(q.citation), "explanation": q.explanation}


MAX_CACHED = 32  # question sets kept (by city, part, seed)


class Quizzes:
    def __init__(self, service: ServiceContext):
        self.service = service
        self._cache: dict = {}

    @property
    def store(self):
        return self.service.store

    def clear(self) -> None:
        """Forget the questions of the previous engine (called on every reload)."""
        self._cache.clear()

    def _questions(self, city: str | None, part: str | None, seed=None) -> list[QuizQuestion]:
        key = (city, part, seed)
        if key in self._cache:
            self._cache[key] = self._cache.pop(key)  # most recent last
        else:
            self._cache[key] = quiz_questions(self.service.engine, city=city, part=part, seed=seed)
            while len(self._cache) > MAX_CACHED:  # every /quiz argument is a key: keep the recent ones
                del self._cache[next(iter(self._cache))]
        return self._cache[key]

    # ---- private quiz ----------------------------------------------------------------------------

    def next(self, user_id: str, args: list[str] | None = None) -> Reply:
        """The user's next unanswered question (args: a part of the documents, e.g. 三)."""
        settings = self.store.user(user_id)
        part = " ".join(args or []).strip() or None
        try:
            questions = self._questions(settings.city, part, seed="policybot")
        except ScopeError as exc:
            return R.reply(Block(str(exc)))
        if not questions:
            return R.reply(Block("这些文件里暂时出不了题。"))
        done = self.store.answered_questions(user_id)
        fresh = [q for q in questions if q.id not in done]
        note = ""
        if not fresh:
            fresh = list(questions)
            random.Random(f"{user_id}|{len(done)}|{self.store.quiz_score(user_id)[1]}").shuffle(fresh)
            note = f"你已经答过全部{len(questions)}道题，再来一遍。"
        q = fresh[0]
        key = quiz_key(q.id)
        self.store.save_pending(user_id, key, question_dict(q))
        right, total = self.store.quiz_score(user_id)
        header = f"小测验 · 第{total + 1}题" + (f"（{note}）" if note else "")
        buttons = [[Button(f"{'ABCD'[i]}. {o}", data=f"quiz:{key}:{i}")] for i, o in enumerate(q.options)]
        return Reply(R.quiz_question_text(q.prompt, q.options, header), buttons)

    def answer(self, user_id: str, key: str, choice: int) -> tuple[Reply | None, str]:
        """(the question message as it should now read, a short notice). Reply None: leave it."""
        pending = self.store.pending(user_id, key)
        if pending is None:
            return None, "这道题不是出给你的。发送 /quiz 开始你自己的测验。"
        q, answered = pending
        if answered or not self.store.close_pending(user_id, key):
            return None, "这道题你已经答过了。"
        if not 0 <= choice < len(q["options"]):
            return None, "没有这个选项。"
        correct = choice == q["answer_index"]
        self.store.record_quiz_answer(user_id, q["id"], correct)
        score = self.store.quiz_score(user_id)
        text = R.quiz_result_text(q["prompt"], q["options"], q["answer_index"], choice, Citation(**q["citation"]),
                                  q["explanation"], score)
        return Reply(text, [[Button("下一题 ▶", data="quiz:next")]]), ("✅ 回答正确" if correct else "❌ 答错了")

    # ---- group rounds ----------------------------------------------------------------------------

    def round_start(self, chat_id: str, host_id: str, args: list[str]) -> Reply:
        """/quiz in a group: a new round (args: how many questions), or the one already running."""
        existing = self.store.open_round(chat_id)
        stop = bool(args) and args[0].lower() in STOP_WORDS
        if existing:
            return self.round_finish(existing.id, host_id) if stop else \
                self.round_question(existing, note="本群已有一轮测验在进行，当前题目：")
        if stop:
            return R.reply(Block("本群现在没有进行中的测验。发送 /quiz 开始一轮。"))
        n = GROUP_ROUND
        if args and article_number(args[0]) is not None:
            n = min(MAX_ROUND, article_number(args[0]))
        settings = self.store.user(host_id)
        try:
            pool = quiz_questions(self.service.engine, city=settings.city, seed=f"{chat_id}|{time.time()}")
        except ScopeError as exc:
            return R.reply(Block(str(exc)))
        if not pool:
            return R.reply(Block("这些文件里暂时出不了题。"))
        rnd = self.store.create_round(chat_id, host_id, [question_dict(q) for q in pool[:n]])
        fewer = f"（只有{len(pool)}道题可出）" if len(pool) < n else ""
        return self.round_question(rnd, note=f"📝 集体测验开始，共{len(rnd.questions)}题{fewer}。每人每题以第一次作答为准，"
                                            "出题人点“下一题”翻页，最后公布排名。")

    def round_question(self, rnd, note: str = "") -> Reply:
        q = rnd.questions[rnd.current]
        header = f"第{rnd.current + 1}/{len(rnd.questions)}题"
        texts = R.quiz_question_text(q["prompt"], q["options"], header, note)
        last = rnd.current + 1 >= len(rnd.questions)
        buttons = [[Button(f"{'ABCD'[i]}. {o}", data=f"grp:{rnd.id}:{rnd.current}:{i}")]
                   for i, o in enumerate(q["options"])]
        buttons.append([Button("公布答案和排名 🏁" if last else "公布答案，下一题 ▶", data=f"grpnext:{rnd.id}:{rnd.current}"),
                        Button("结束", data=f"grpend:{rnd.id}")])
        return Reply(texts, buttons)

    def round_answer(self, round_id: int, q_index: int, user_id: str, name: str, choice: int) -> str:
        rnd = self.store.round(round_id)
        if rnd is None or not rnd.open:
            return "这一轮测验已经结束了。"
        if q_index != rnd.current:
            return "这道题已经翻过去了。"
        q = rnd.questions[q_index]
        if not 0 <= choice < len(q["options"]):
            return "没有这个选项。"
        correct = choice == q["answer_index"]
        if not self.store.round_answer(round_id, q_index, user_id, name, choice, correct):
            return "你已经答过这题了，以第一次为准。"
        self.store.record_quiz_answer(user_id, q["id"], correct)
        return "✅ 回答正确！" if correct else "❌ 答错了，公布答案时再看看依据。"

    def round_reveal(self, rnd) -> Reply:
        q = rnd.questions[rnd.current]
        right, total = self.store.round_tally(rnd.id, rnd.current)
        tally = f"{total}人作答，{right}人答对。" if right else (f"{total}人作答，没有人答对。" if total else "没有人作答。")
        header = f"第{rnd.current + 1}/{len(rnd.questions)}题"
        return Reply(R.quiz_result_text(q["prompt"], q["options"], q["answer_index"], None,
                                        Citation(**q["citation"]), q["explanation"], header=header, tally=tally))

    def may_control(self, rnd, user_id: str) -> bool:
        """The trainer who started the round, or an admin, turns its pages and ends it."""
        return str(user_id) == rnd.host_id or self.service.is_admin(user_id)

    def round_next(self, round_id: int, q_index: int, user_id: str) -> tuple[Reply | None, Reply | None, str]:
        """(the current question revealed, the next question or the leaderboard, a notice)."""
        rnd = self.store.round(round_id)
        if rnd is None or not rnd.open:
            return None, None, "这一轮测验已经结束了。"
        if not self.may_control(rnd, user_id):
            return None, None, "只有出题人可以翻页。"
        if q_index != rnd.current:
            return None, None, "已经翻过这一题了。"
        revealed = self.round_reveal(rnd)
        if rnd.current + 1 >= len(rnd.questions):
            return revealed, self.round_finish(round_id, user_id), ""
        self.store.advance_round(round_id)
        return revealed, self.round_question(self.store.round(round_id)), ""

    def round_end(self, round_id: int, user_id: str) -> tuple[Reply | None, Reply | None, str]:
        """The trainer ends the round early: (current question revealed, leaderboard, notice)."""
        rnd = self.store.round(round_id)
        if rnd is None or not rnd.open:
            return None, None, "这一轮测验已经结束了。"
        if not self.may_control(rnd, user_id):
            return None, None, "只有出题人可以结束这一轮测验。"
        return self.round_reveal(rnd), self.round_finish(round_id, user_id), ""

    def round_finish(self, round_id: int, user_id: str) -> Reply:
        rnd = self.store.round(round_id)
        if rnd is None or not rnd.open:
            return R.reply(Block("这一轮测验已经结束了。"))
        if not self.may_control(rnd, user_id):
            return R.reply(Block("只有出题人可以结束这一轮测验。"))
        self.store.finish_round(round_id)
        asked = rnd.current + 1
        return Reply(R.leaderboard_text(self.store.leaderboard(round_id), asked))
