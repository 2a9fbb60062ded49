"""The bot's brain without Telegram: one Service holding the engine (reloadable, bot/corpus_watch.py),
the store and the per-user rate limit, with one plain method per thing a user can ask for, each
returning a Reply (HTML texts + buttons).

Asking, settings, /start, inline mode and admin statistics are here; reading the documents is in
bot/documents.py, /duties and /compare in bot/trainers.py, the quiz and group rounds in bot/quiz.py.
Handlers (bot/handlers.py) only translate updates into these calls and replies into Bot API calls.
"""
from __future__ import annotations

import logging
import re
import time
from collections import deque
from dataclasses import dataclass

from retrieval import small_talk
from retrieval.engine import Engine
from retrieval.examples import Examples, examples
from retrieval.followups import Conversations
from retrieval.models import Answer, Document
from retrieval.roles import governed, nearest_roles, roles

from . import render as R
from .config import Config
from .corpus_watch import WATCH_INTERVAL, CorpusWatch
from .documents import STALE, Documents, article_ref
from .quiz import Quizzes
from .render import Block, Button, Reply, esc
from .store import REASONS, Store
from .trainers import MAX_ROLE, Trainers

log = logging.getLogger(__name__)

CLEAR = {"全部", "清除", "无", "none", "-", "clear", "all"}


@dataclass
class InlineItem:
    id: str
    title: str
    description: str
    text: str  # HTML message sent when the result is chosen


class RateLimiter:
    """At most `per_minute` events per user in any 60 seconds."""

    def __init__(self, per_minute: int, clock=time.monotonic):
        self.per_minute = per_minute
        self.clock = clock
        self._events: dict[str, deque] = {}

    def allow(self, user_id: str) -> bool:
        if self.per_minute <= 0:
            return True
        now = self.clock()
        q = self._events.setdefault(user_id, deque())
        while q and now - q[0] >= 60:
            q.popleft()
        if len(q) >= self.per_minute:
            return False
        q.append(now)
        if len(self._events) > 10_000:  # users idle for a minute need no history
            self._events = {u: e for u, e in self._events.items() if e and now - e[-1] < 60}
        return True


class Limits:
    """Per-user limits, checked as updates arrive: questions at the configured rate; commands and
    buttons at ACTIONS times it (a quiz taps twice per question); inline queries, which Telegram
    sends for every prefix typed, at INLINE times it and apart from the others.
    check() -> 'ok', 'warn' (refuse and say so: the first refusal in a minute) or 'drop' (refuse quietly)."""

    ACTIONS, INLINE = 3, 6

    def __init__(self, per_minute: int, clock=time.monotonic):
        self.clock = clock
        self._limits = {"question": RateLimiter(per_minute, clock), "action": RateLimiter(per_minute * self.ACTIONS, clock),
                        "inline": RateLimiter(per_minute * self.INLINE, clock)}
        self._warned: dict[str, float] = {}

    def check(self, user_id: str, kind: str = "question") -> str:
        if self._limits[kind].allow(user_id):
            return "ok"
        now = self.clock()
        if kind != "inline" and now - self._warned.get(user_id, -1e9) >= 60:
            self._warned[user_id] = now
            return "warn"
        return "drop"


class Service:
    def __init__(self, config: Config, engine: Engine | None = None, store: Store | None = None,
                 watch_interval: float = WATCH_INTERVAL):
        self.config = config
        self.store = store
        self.limits = Limits(config.rate_limit_per_minute)
        self.refused: dict[int, str] = {}  # update id → 'warn' or 'drop', set on arrival, read by the gate
        self.watch_interval = watch_interval  # 0: no automatic reloads
        self.examples = Examples()
        self.documents = Documents(self)
        self.trainers = Trainers(self)
        self.quiz = Quizzes(self)
        self.conversations = Conversations(engine)
        self.corpus = CorpusWatch(config.corpus, engine, on_load=self._engine_changed)

    @property
    def engine(self) -> Engine:
        return self.corpus.engine

    # ---- lifecycle (post_init / post_shutdown) ------------------------------------------------

    async def initialize(self) -> None:
        if self.store is None:
            self.store = Store(self.config.database)
        await self.corpus.initialize()

    async def shutdown(self) -> None:
        if self.store is not None:
            self.store.close()

    def _engine_changed(self, engine: Engine) -> None:
        self.conversations = Conversations(engine)  # last questions cite articles of the old corpus
        self.documents.index(engine)
        self.quiz.clear()
        self.examples = examples(engine)

    def is_admin(self, user_id) -> bool:
        """Exactly an admin's id as Telegram writes it: "0042" or "٤٢" is not 42."""
        return str(user_id) in {str(a) for a in self.config.admins}

    # ---- lookups -------------------------------------------------------------------------------

    def user_doc(self, user_id: str) -> Document | None:
        """The document a user most likely means when they name none: their city's, or the only one."""
        city = self.store.user(user_id).city
        if city:
            mine = [d for d in self.engine.documents if d.city == city]
            if len(mine) == 1:
                return mine[0]
        return self.engine.documents[0] if len(self.engine.documents) == 1 else None

    def deep_link(self, bot_username: str | None, payload: str) -> str | None:
        return f"https://t.me/{bot_username}?start={payload}" if bot_username else None

    # ---- answering -----------------------------------------------------------------------------

    def ask(self, user_id: str, chat_id: str | None, text: str, source: str = "chat",
            follow_up_of: int | None = None) -> Reply:
        """Answer a question. follow_up_of: the id of the answered question a short reply follows up
        ("至少几个？", "那<另一个城市>呢？" in reply to an answer): asked together with that question."""
        settings = self.store.user(user_id)
        previous = self.store.question(follow_up_of) if follow_up_of is not None else None
        # a follow-up of the asker's last question in this chat, or of the answer replied to ("那招远呢？",
        # "第七条全文发给我", "至少几个？")
        answer, resolved = self.conversations.ask(f"{chat_id}:{user_id}", text, city=settings.city,
                                                  role=settings.role, top=4,
                                                  reply_to=previous["text"] if previous else None)
        if resolved is not None:
            text = resolved.question
        first = answer.citations[0] if answer.answered and answer.citations else None
        qid = self.store.log_question(user_id, chat_id, text, city=settings.city, role=settings.role,
                                      answered=answer.answered, intent=answer.intent,
                                      doc_number=first.doc_number if first else None,
                                      article=(first.label or str(first.article)) if first else None, source=source,
                                      answer=answer.first_line)  # the review queue shows what was said
        if answer.intent == small_talk.INTENT:  # 你好, 谢谢: a friendly word, nothing to rate
            return R.reply(Block(answer.answer))
        if resolved is not None and resolved.kind == "article" and first is not None:
            article = self.documents.find_article(first)  # "第七条全文发给我": the article itself, whole
            if article is not None:
                rows = [r for r in self.answer_buttons(answer, qid) if not r[0].text.startswith("📄")]
                return Reply(R.render_article(self.engine.by_number[first.doc_number], article), rows)
        return Reply(R.render_answer(answer, self.example()), self.answer_buttons(answer, qid))

    def example(self) -> str:
        """One question the corpus answers, for texts that show how to ask."""
        return self.examples.questions[0] if self.examples.questions else ""

    def answer_buttons(self, answer: Answer, qid: int) -> list[list[Button]]:
        rows: list[list[Button]] = []
        primary = answer.citations[: max(1, answer.primary)] if answer.answered else []
        whole = []
        for c in primary:
            a = self.documents.find_article(c)
            if a:
                label = "📄 全文" if len(primary) == 1 else f"📄 {c.city or c.doc_number}全文"
                whole.append(Button(label, data=f"art:{article_ref(a)}"))
        if whole:
            rows.append(whole)
        rows.append(R.feedback_buttons(qid))
        rest = answer.related if answer.answered else answer.citations
        for c in rest[:3]:
            a = self.documents.find_article(c)
            if a:
                where = f"（{c.city}）" if c.city else ""
                rows.append([Button(f"📎 {R.article_name(a)}{where}", data=f"art:{article_ref(a)}")])
        return rows

    # ---- settings ------------------------------------------------------------------------------

    def city_command(self, user_id: str, args: list[str]) -> Reply:
        name = " ".join(args).strip()
        cities = sorted(self.engine.cities)
        if not name:
            return Reply(R.cities_text(cities, current=self.store.user(user_id).city), self.city_buttons())
        if name.lower() in CLEAR:
            self.store.set_city(user_id, None)
            return R.reply(Block("已清除城市设置，我会在全部文件里回答。"))
        city = self.engine.resolve_city(name)
        if not city:
            return Reply(R.cities_text(cities, unknown=name), self.city_buttons())
        return self.set_city(user_id, city)

    def set_city(self, user_id: str, city: str) -> Reply:
        resolved = self.engine.resolve_city(city)
        if not resolved:
            return Reply(R.cities_text(sorted(self.engine.cities), unknown=city), self.city_buttons())
        self.store.set_city(user_id, resolved)
        docs = [d for d in self.engine.documents if d.city == resolved]
        titles = "、".join(f"《{R.clip(d.title, R.TITLE_SHOWN)}》" for d in docs[:3])
        return R.reply(Block(raw=f"好的，你的城市是 <b>{esc(resolved)}</b>。"),
                       Block(f"我会先引用{titles}；它没有规定的，再看上级文件。"))

    def city_buttons(self) -> list[list[Button]]:
        cities = sorted(self.engine.cities)[:8]
        buttons = [Button(c, data=f"city:{c}") for c in cities if len(f"city:{c}".encode()) <= R.MAX_CALLBACK]
        return [buttons[i:i + 4] for i in range(0, len(buttons), 4)]

    def role_examples(self) -> list[str]:
        return [r for r in roles(self.engine) if 2 <= len(r) <= 20][:6]

    def role_buttons(self, names: list[str]) -> list[list[Button]]:
        """One button per role (role:<hash of the name>: a name is too long for callback data)."""
        buttons = [Button(R.clip(n, 20), data=f"role:{R.callback_id(n, 10)}") for n in names]
        return [buttons[i:i + 2] for i in range(0, len(buttons), 2)]

    def role_command(self, user_id: str, args: list[str]) -> Reply:
        """/role: the roles the corpus names, as buttons; /role 身份: set it when the corpus has duties for
        it, else offer the nearest roles it does name."""
        role = " ".join(args).strip()
        known = roles(self.engine)
        examples = "、".join(self.role_examples())
        if not role:
            current = self.store.user(user_id).role
            head = (Block(raw=f"你现在的身份：<b>{esc(current)}</b>") if current else
                    Block("你还没有设置身份。设置后，问题里没说是谁时，我会优先找适用于你的规定。"))
            return R.reply(head, Block("点一个文件里的身份，或发送 /role 身份；/role 清除 取消设置。"),
                           buttons=self.role_buttons([r for r in known if 2 <= len(r) <= 20][:8]))
        if role.lower() in CLEAR:
            self.store.set_role(user_id, None)
            return R.reply(Block("已清除身份设置。"))
        if len(role) > MAX_ROLE:
            return R.reply(Block(f"身份名称太长了（最多{MAX_ROLE}个字）。例如：{examples}"))
        if not governed(role, known):
            near = nearest_roles(role, known)
            if near:
                return R.reply(Block(f"文件里没有“{role}”这个身份。你是不是指下面的一个？"),
                               buttons=self.role_buttons(near))
            return R.reply(Block(f"文件里没有“{role}”这个身份，也没有相近的。例如：{examples}"))
        return self.set_role(user_id, role)

    def set_role(self, user_id: str, role: str) -> Reply:
        self.store.set_role(user_id, role)
        return R.reply(Block(raw=f"好的，你的身份是 <b>{esc(role)}</b>。"),
                       Block("/duties 查看这个身份的全部周期性职责。"))

    def role_button(self, user_id: str, key: str) -> Reply | None:
        """A role button pressed; None when the corpus no longer names that role."""
        role = next((r for r in roles(self.engine) if R.callback_id(r, 10) == key), None)
        return self.set_role(user_id, role) if role else None

    # ---- admin ---------------------------------------------------------------------------------

    def stats(self, in_group: bool = False) -> Reply:
        """in_group: counts only; the questions people asked in private are not the group's to read."""
        s = self.store.stats()
        if in_group:
            s["top_unanswered"], s["recent_down"] = [], []
            s["private_only"] = True
        loaded = time.strftime('%Y-%m-%d %H:%M', time.localtime(self.corpus.loaded_at))
        engine = f"当前收录{len(self.engine.documents)}份文件，{loaded}加载。"
        if self.corpus.last_error:
            engine += f" 最近一次重新加载失败：{self.corpus.last_error}"
        s["engine"] = engine
        return Reply(R.stats_text(s))

    # ---- feedback, start, inline ----------------------------------------------------------------

    def _answer_in(self, question_id: int, chat_id) -> bool:
        """Whether the answer to question_id was given in this chat: a 👍/👎 counts only from the chat
        that saw it (callback data can be forged to name any question)."""
        q = self.store.question(question_id)
        return q is not None and chat_id is not None and q["chat_id"] == str(chat_id)

    def feedback(self, question_id: int, user_id: str, useful: bool, chat_id=None) -> tuple[str, list[Button] | None]:
        """The notice for a 👍/👎, and for a 👎 the buttons asking why (None: nothing to ask)."""
        if not self._answer_in(question_id, chat_id) or not self.store.record_feedback(question_id, user_id, useful):
            return "找不到这个回答了。", None
        if useful:
            return "谢谢！已记录：有用 👍", None
        return "谢谢反馈 👎 哪里不对？请点下面的一个原因。", R.reason_buttons(question_id)

    def feedback_reason(self, question_id: int, user_id: str, reason: int, chat_id=None) -> tuple[str, list[Button] | None]:
        """Record why an answer was no use; the notice, and the row that replaces the reasons."""
        if not 0 <= reason < len(REASONS) or not self._answer_in(question_id, chat_id) or \
                not self.store.record_reason(question_id, user_id, REASONS[reason]):
            return "找不到这个回答了。", None
        log.info("feedback: question %s disliked: %s", question_id, REASONS[reason])
        return f"已记录：{REASONS[reason]}。谢谢，维护人员会复核这个回答。", R.feedback_buttons(question_id, REASONS[reason])

    def help(self, user_id: str) -> Reply:
        return Reply(R.help_text(self.examples, self.is_admin(user_id)))

    def start(self, user_id: str, name: str, payload: str | None) -> Reply:
        if payload:
            m = re.fullmatch(r"art_([0-9a-f]{8})_(\d{1,5})", payload)
            if m:
                found = self.documents.article_reply(f"{m.group(1)}:{m.group(2)}")
                return found or R.reply(Block(STALE))
            if payload == "help":
                return self.help(user_id)
        city = self.store.user(user_id).city
        return Reply(R.welcome(name, self.engine.documents, city, self.examples), [] if city else self.city_buttons())

    def inline_chosen(self, user_id: str, query: str, result_id: str) -> None:
        """A result of inline mode was sent into a chat (Telegram says so when inline feedback is on)."""
        settings = self.store.user(user_id)
        self.store.log_question(user_id, None, query, city=settings.city, role=settings.role,
                                answered=result_id == "answer", source="inline")

    def inline(self, user_id: str, query: str) -> list[InlineItem]:
        query = query.strip()
        if not query:
            return []
        settings = self.store.user(user_id)
        # not logged: Telegram sends a query for every prefix typed; the one sent is (inline_chosen)
        answer = self.engine.ask(query, city=settings.city, role=settings.role, top=5)
        items: list[InlineItem] = []
        if answer.answered:
            text = R.render_answer(answer, self.example())[0]
            c = answer.citations[0]
            items.append(InlineItem("answer", R.clip(answer.first_line, 100),
                                    R.clip(f"《{c.title}》{R.where(c)}", 120), text))
            rest = answer.citations[max(1, answer.primary):]
        else:
            rest = answer.citations
        for i, c in enumerate(rest[:4]):
            a = self.documents.find_article(c)
            doc = self.engine.by_number.get(c.doc_number)
            if not a or not doc:
                continue
            items.append(InlineItem(f"art{i}", R.clip(f"{R.article_name(a)}（{c.city or c.doc_number}）", 100),
                                    R.clip(a.body, 120), R.render_article(doc, a)[0]))
        return items
