"""The bot's brain without Telegram: the engine (reloadable), the store, the per-user rate limit, and
one plain method per thing a user can ask for, each returning a Reply (HTML texts + buttons).

Handlers (bot/handlers.py) only translate updates into these calls and replies into Bot API calls.
Callback data and deep-link payloads are built and parsed here; both stay under Telegram's limits.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import re
import time
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path

from retrieval.engine import Engine
from retrieval.models import Answer, Article, Citation, Document

from . import render as R
from .config import Config
from .render import Block, Button, Reply, esc
from .store import Store

log = logging.getLogger(__name__)

WATCH_INTERVAL = 10.0  # seconds between checks of the corpus folder for new or changed documents
CLEAR = {"全部", "清除", "无", "none", "-", "clear", "all"}
GROUP_ROUND = 5  # questions in a group quiz round unless the trainer says otherwise
MAX_ROUND = 20
MAX_ROLE = 40
FOLLOW_UP_MAX = 15  # a reply to an answer this short (and nearly topic-free) follows up its question


def doc_key(doc_number: str) -> str:
    """A short, stable id for a document (callback data and deep links hold at most 64 bytes)."""
    return hashlib.sha1(doc_number.encode("utf-8")).hexdigest()[:8]


def quiz_key(question_id: str) -> str:
    return hashlib.sha1(question_id.encode("utf-8")).hexdigest()[:10]


_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def parse_number(text: str) -> int | None:
    """'13', '13.', '第13条', '第十三条', '十三' → 13; None if it is no article number."""
    t = text.strip().removeprefix("第").removesuffix("条").rstrip(".．、")
    if t.isdigit():
        return int(t)
    if t and all(ch in _CN_DIGITS or ch in "十百" for ch in t):
        total, cur = 0, 0
        for ch in t:
            if ch == "百":
                total += (cur or 1) * 100
                cur = 0
            elif ch == "十":
                total += (cur or 1) * 10
                cur = 0
            else:
                cur = _CN_DIGITS[ch]
        return total + cur or None
    return None


@dataclass
class InlineItem:
    id: str
    title: str
    description: str
    text: str  # HTML message sent when the result is chosen


class RateLimiter:
    """At most `per_minute` events per user in any 60 seconds. The first refusal in a window says so."""

    def __init__(self, per_minute: int, clock=time.monotonic):
        self.per_minute = per_minute
        self.clock = clock
        self._events: dict[str, deque] = {}
        self._warned: dict[str, float] = {}

    def check(self, user_id: str) -> str:
        """'ok', 'warn' (refuse and tell them) or 'drop' (refuse silently: told already)."""
        if self.per_minute <= 0:
            return "ok"
        now = self.clock()
        q = self._events.setdefault(user_id, deque())
        while q and now - q[0] >= 60:
            q.popleft()
        if len(q) < self.per_minute:
            q.append(now)
            return "ok"
        if now - self._warned.get(user_id, -1e9) >= 60:
            self._warned[user_id] = now
            return "warn"
        return "drop"


class Service:
    def __init__(self, config: Config, engine: Engine | None = None, store: Store | None = None,
                 watch_interval: float = WATCH_INTERVAL):
        self.config = config
        self.engine = engine
        self.store = store
        self.limiter = RateLimiter(config.rate_limit_per_minute)
        self.watch_interval = watch_interval
        self.loaded_at = time.time()
        self.last_error: str | None = None
        self._signature = None
        self._seen_signature = None
        self._failed_signature = None
        self._reload_lock = asyncio.Lock()
        self._watcher: asyncio.Task | None = None
        self._docs_by_key: dict[str, Document] = {}
        self._quiz_cache: dict = {}
        if engine is not None:
            self._engine_changed()

    # ---- lifecycle (post_init / post_shutdown) ------------------------------------------------

    async def initialize(self) -> None:
        if self.store is None:
            self.store = Store(self.config.database)
        if self.engine is None:
            self.engine = await asyncio.to_thread(Engine.load, self.config.corpus)
            self._engine_changed()
        self._signature = self._seen_signature = self.corpus_signature()

    async def shutdown(self) -> None:
        await self.stop_watching()
        if self.store is not None:
            self.store.close()

    def _engine_changed(self) -> None:
        self._docs_by_key = {doc_key(d.doc_number): d for d in self.engine.documents}
        self._quiz_cache.clear()
        self.loaded_at = time.time()

    def is_admin(self, user_id) -> bool:
        try:
            return int(user_id) in self.config.admins
        except (TypeError, ValueError):
            return False

    # ---- reloading ---------------------------------------------------------------------------

    def corpus_dir(self) -> Path:
        return Path(self.engine.corpus_dir if self.engine else (self.config.corpus or "."))

    def corpus_signature(self) -> tuple:
        """Names, sizes and modification times of the corpus's documents (*.yaml, *.txt)."""
        base = self.corpus_dir()
        folder = base / "documents" if (base / "documents").is_dir() else base
        entries = []
        try:
            for p in folder.iterdir():
                if p.suffix in (".yaml", ".yml", ".txt"):
                    try:
                        st = p.stat()
                    except OSError:
                        continue
                    entries.append((p.name, st.st_size, st.st_mtime_ns))
        except OSError:
            return ()
        return tuple(sorted(entries))

    async def reload(self) -> tuple[bool, str]:
        """Re-read the corpus. On failure the old engine stays and the message says why."""
        async with self._reload_lock:
            signature = self.corpus_signature()
            before = len(self.engine.documents) if self.engine else 0
            try:
                engine = await asyncio.to_thread(Engine.load, self.config.corpus or self.corpus_dir())
            except Exception as exc:  # noqa: BLE001 - any failure keeps the old engine
                self.last_error = f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc)
                self._failed_signature = signature
                log.warning("corpus reload failed: %s", self.last_error)
                return False, f"重新加载失败，继续使用原来的{before}份文件。原因：{self.last_error}"
            self.engine = engine
            self._engine_changed()
            self._signature = self._seen_signature = signature
            self.last_error = None
            self._failed_signature = None
            log.info("corpus reloaded: %d documents", len(engine.documents))
            return True, f"已重新加载：{len(engine.documents)}份文件（之前{before}份）。"

    async def check_corpus(self) -> tuple[bool, str] | None:
        """One watcher tick: reload when the corpus changed and has stayed unchanged for one tick
        (an ingest writes the YAML and the text one after the other). None: nothing to do."""
        sig = self.corpus_signature()
        if sig == self._signature or sig == self._failed_signature:
            self._seen_signature = sig
            return None
        if sig != self._seen_signature:
            self._seen_signature = sig  # changed since the last look: wait for it to settle
            return None
        return await self.reload()

    def start_watching(self, notify) -> None:
        """notify(text) is awaited with the outcome of each automatic reload."""
        if self.watch_interval and self.watch_interval > 0 and self._watcher is None:
            self._watcher = asyncio.create_task(self._watch(notify), name="policybot-corpus-watch")

    async def _watch(self, notify) -> None:
        while True:
            await asyncio.sleep(self.watch_interval)
            try:
                outcome = await self.check_corpus()
                if outcome:
                    ok, message = outcome
                    await notify(("📚 文件有更新，" if ok else "⚠️ 发现文件有改动，但") + message)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the watcher must outlive any one failure
                log.exception("corpus watcher failed")

    async def stop_watching(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            try:
                await self._watcher
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
            self._watcher = None

    # ---- lookups -------------------------------------------------------------------------------

    def doc_by_key(self, key: str) -> Document | None:
        return self._docs_by_key.get(key)

    def article_ref(self, article: Article) -> str:
        return f"{doc_key(article.doc_number)}:{article.index}"

    def find_article(self, c: Citation) -> Article | None:
        doc = self.engine.by_number.get(c.doc_number)
        if not doc:
            return None
        for a in doc.articles:
            if a.number == c.article and a.label == c.label:
                return a
        return next((a for a in doc.articles if a.number == c.article and c.article is not None), None) or next(
            (a for a in doc.articles if a.kind == "closing" and c.article is None), None)

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
        ("至少几个？", "那招远呢？" in reply to an answer): asked together with that question."""
        settings = self.store.user(user_id)
        if follow_up_of is not None and self.is_follow_up(text):
            previous = self.store.question(follow_up_of)
            if previous:
                text = f"{previous['text']} {text.strip()}"
        answer = self.engine.ask(text, city=settings.city, role=settings.role, top=4)
        first = answer.citations[0] if answer.answered and answer.citations else None
        qid = self.store.log_question(user_id, chat_id, text, city=settings.city, role=settings.role,
                                      answered=answer.answered, intent=answer.intent,
                                      doc_number=first.doc_number if first else None,
                                      article=(first.label or str(first.article)) if first else None, source=source)
        return Reply(R.render_answer(answer), self.answer_buttons(answer, qid))

    def is_follow_up(self, text: str) -> bool:
        """Too little to ask on its own: short, with at most one word of topic besides a city name."""
        from retrieval.text import fold

        if len(text.strip()) > FOLLOW_UP_MAX:
            return False
        words = {w for w in self.engine.tokenizer.content_words(fold(text)) if w not in self.engine.cities}
        return len(words) <= 1

    def answer_buttons(self, answer: Answer, qid: int) -> list[list[Button]]:
        rows: list[list[Button]] = []
        primary = answer.citations[: max(1, answer.primary)] if answer.answered else []
        whole = []
        for c in primary:
            a = self.find_article(c)
            if a:
                label = "📄 全文" if len(primary) == 1 else f"📄 {c.city or c.doc_number}全文"
                whole.append(Button(label, data=f"art:{self.article_ref(a)}"))
        if whole:
            rows.append(whole)
        rows.append([Button("👍 有用", data=f"fb:{qid}:1"), Button("👎 没用", data=f"fb:{qid}:0")])
        rest = answer.citations[len(primary):] if answer.answered else answer.citations
        for c in rest[:3]:
            a = self.find_article(c)
            if a:
                where = f"（{c.city}）" if c.city else ""
                rows.append([Button(f"📎 {R.article_name(a)}{where}", data=f"art:{self.article_ref(a)}")])
        return rows

    def article_reply(self, ref: str) -> Reply | None:
        """ref 'doc8:index' (from a button or a deep link) → the whole article; None if stale."""
        m = re.fullmatch(r"([0-9a-f]{8})[:_](\d{1,5})", ref or "")
        if not m:
            return None
        doc = self.doc_by_key(m.group(1))
        if not doc or int(m.group(2)) >= len(doc.articles):
            return None
        return Reply(R.render_article(doc, doc.articles[int(m.group(2))]))

    STALE = "这条按钮指向的条款已不在当前文件里（文件可能已更新）。请重新提问。"

    def article_command(self, user_id: str, args: list[str]) -> Reply:
        usage = "用法：/article 文件 条号，例如 /article 招远 13（文件可以写文号、城市或标题）。"
        if not args:
            return R.reply(Block(usage), *self._docs_hint())
        number = parse_number(args[-1])
        if number is None:
            closing = args[-1] in ("附则", "施行", "废止")
            key = " ".join(args[:-1])
            if not closing:
                return R.reply(Block(f"“{R.clip(args[-1], 20)}”不是条号。{usage}"))
        else:
            key = " ".join(args[:-1])
        doc = self.engine.document(key) if key else self.user_doc(user_id)
        if doc is None:
            if not key:
                return R.reply(Block(f"请说明是哪份文件。{usage}"), *self._docs_hint())
            return R.reply(Block(f"没有找到文件“{R.clip(key, 30)}”。{usage}"), *self._docs_hint())
        if number is None:
            article = next((a for a in doc.articles if a.kind == "closing"), None)
        else:
            article = doc.article(number)
        if article is None:
            numbers = [a.number for a in doc.articles if a.number is not None]
            span = f"第{min(numbers)}–{max(numbers)}条" if numbers else "没有编号的条款"
            return R.reply(Block(f"《{doc.title}》没有第{number}条（共有{span}）。/outline {doc.city or doc.doc_number} "
                                 "查看目录。"))
        return Reply(R.render_article(doc, article))

    def _docs_hint(self) -> list[Block]:
        lines = [f"• {d.city + '：' if d.city else ''}{d.doc_number}《{R.clip(d.title, 40)}》"
                 for d in self.engine.documents[:10]]
        return [Block("可选的文件：\n" + "\n".join(lines))] if lines else []

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
        titles = "、".join(f"《{d.title}》" for d in docs[:3])
        return R.reply(Block(raw=f"好的，你的城市是 <b>{esc(resolved)}</b>。"),
                       Block(f"我会先引用{titles}；它没有规定的，再看上级文件。"))

    def city_buttons(self) -> list[list[Button]]:
        cities = sorted(self.engine.cities)[:8]
        buttons = [Button(c, data=f"city:{c}") for c in cities if len(f"city:{c}".encode()) <= R.MAX_CALLBACK]
        return [buttons[i:i + 4] for i in range(0, len(buttons), 4)]

    def role_examples(self) -> list[str]:
        from retrieval import training

        return [r for r in training.roles(self.engine) if 2 <= len(r) <= 20][:6]

    def role_command(self, user_id: str, args: list[str]) -> Reply:
        role = " ".join(args).strip()
        examples = "、".join(self.role_examples())
        if not role:
            current = self.store.user(user_id).role
            head = (Block(raw=f"你现在的身份：<b>{esc(current)}</b>") if current else
                    Block("你还没有设置身份。设置后，问题里没说是谁时，我会优先找适用于你的规定。"))
            return R.reply(head, Block(f"用法：/role 身份，例如：{examples}；/role 清除 取消设置。"))
        if role.lower() in CLEAR:
            self.store.set_role(user_id, None)
            return R.reply(Block("已清除身份设置。"))
        if len(role) > MAX_ROLE:
            return R.reply(Block(f"身份名称太长了（最多{MAX_ROLE}个字）。例如：{examples}"))
        self.store.set_role(user_id, role)
        return R.reply(Block(raw=f"好的，你的身份是 <b>{esc(role)}</b>。"),
                       Block(f"/duties 查看这个身份的全部周期性职责。"))

    # ---- documents -----------------------------------------------------------------------------

    def docs(self, args: list[str] | None = None) -> Reply:
        """All documents, or those whose title, 文号, city or issuer contain the keyword."""
        from retrieval.text import fold

        keyword = " ".join(args or []).strip()
        docs = self.engine.documents
        if keyword:
            k = fold(keyword)
            docs = [d for d in docs if any(k in fold(x) for x in (d.title, d.doc_number, d.city, d.meta.issuer))]
        return Reply(R.docs_text(docs, len(self.engine.documents), keyword))

    def outline(self, user_id: str, args: list[str], bot_username: str | None) -> Reply:
        from retrieval import training

        key = " ".join(args).strip()
        doc = self.engine.document(key) if key else self.user_doc(user_id)
        if doc is None:
            msg = f"没有找到文件“{R.clip(key, 30)}”。" if key else "请说明是哪份文件。"
            return R.reply(Block(msg + "用法：/outline 文号或城市，例如 /outline 招远。"), *self._docs_hint())
        try:
            parts = training.outline(self.engine, doc.doc_number)
        except training.TrainingError as exc:
            return R.reply(Block(str(exc)))

        def link(a: Article) -> str | None:
            return self.deep_link(bot_username, f"art_{doc_key(a.doc_number)}_{a.index}")

        return Reply(R.outline_text(doc, parts, link))

    # ---- training ------------------------------------------------------------------------------

    def duties(self, user_id: str, args: list[str]) -> Reply:
        from retrieval import training

        settings = self.store.user(user_id)
        role = " ".join(args).strip() or settings.role
        if not role:
            return R.reply(Block("请告诉我是哪个身份：/duties 身份，例如 /duties 市政府领导班子成员。"
                                 "（或先用 /role 设置身份。）"),
                           Block("文件里规定职责最多的身份：" + "、".join(self.role_examples())))
        if len(role) > MAX_ROLE:
            return R.reply(Block(f"身份名称太长了（最多{MAX_ROLE}个字）。"))
        try:
            dl = training.duties(self.engine, role, settings.city)
        except training.TrainingError as exc:
            return R.reply(Block(str(exc)))
        out = Reply(R.duties_text(dl.role, dl.city, dl.groups))
        if dl.duties:
            out.document = ("duties.ics", training.duties_ics(dl))
            out.document_caption = f"{dl.title()}（日历文件，可导入手机或电脑日历）"
        return out

    def compare(self, user_id: str, args: list[str]) -> Reply:
        from retrieval import training

        usage = "用法：/compare 条号 [城市A 城市B]，例如 /compare 13 或 /compare 13 招远 烟台。"
        if not args:
            return R.reply(Block(usage))
        number = parse_number(args[0])
        if number is None:
            return R.reply(Block(f"“{R.clip(args[0], 20)}”不是条号。{usage}"))
        cities = [c for c in args[1:] if c.strip()]
        if not cities:
            cities = self.default_pair(self.store.user(user_id).city)
        elif len(cities) == 1:
            cities = [cities[0]] + [c for c in self.default_pair(cities[0]) if c != self.engine.resolve_city(cities[0])][:1]
        if len(cities) < 2:
            return R.reply(Block("收录的文件里没有两个城市可以比较。"))
        try:
            cmp = training.compare_article(self.engine, number, cities[:2])
        except training.TrainingError as exc:
            return R.reply(Block(str(exc)), Block(usage))
        head = cmp.articles[0].heading or cmp.articles[1].heading
        return Reply(R.comparison_text(number, cmp.cities, cmp.rows, head, self._marker()))

    def _marker(self):
        from retrieval import training

        return lambda a, b: training.mark(a, b, "\x01", "\x02")

    def default_pair(self, city: str | None) -> list[str]:
        """The user's city and the one its documents are issued under (else the first two cities)."""
        cities = list(self.engine.cities)
        city = self.engine.resolve_city(city) if city else None
        if city:
            parents = [self.engine.by_number[d.meta.parent].city for d in self.engine.documents
                       if d.city == city and d.meta.parent in self.engine.by_number]
            others = [c for c in dict.fromkeys(parents + cities) if c and c != city]
            return [city] + others[:1]
        by_level = sorted(cities, key=lambda c: next((d.meta.level != "县级市" for d in self.engine.documents
                                                      if d.city == c), True))
        return by_level[:2]

    # ---- quiz (private) --------------------------------------------------------------------------

    def _questions(self, city: str | None, role: str | None, part: str | None, seed=None):
        from retrieval import training

        key = (id(self.engine), city, role, part, seed)
        if key not in self._quiz_cache:
            self._quiz_cache[key] = training.quiz_questions(self.engine, city=city, role=role, part=part, seed=seed)
        return self._quiz_cache[key]

    @staticmethod
    def question_dict(q) -> dict:
        return {"id": q.id, "prompt": q.prompt, "options": list(q.options), "answer_index": q.answer_index,
                "citation": asdict(q.citation), "explanation": q.explanation}

    def quiz_next(self, user_id: str, args: list[str] | None = None) -> Reply:
        from retrieval import training

        settings = self.store.user(user_id)
        part = " ".join(args or []).strip() or None
        try:
            questions = self._questions(settings.city, None, part, seed="policybot")
        except training.TrainingError as exc:
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
        self.store.save_pending(user_id, key, self.question_dict(q))
        right, total = self.store.quiz_score(user_id)
        header = f"小测验 · 第{total + 1}题" + (f"（{note}）" if note else "")
        buttons = [[Button(f"{'ABCD'[i]}. {o}", data=f"quiz:{key}:{i}")] for i, o in enumerate(q.options)]
        return Reply(R.quiz_question_text(q.prompt, q.options, header), buttons)

    def quiz_answer(self, user_id: str, key: str, choice: int) -> tuple[Reply | None, str]:
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

    # ---- quiz (group rounds) ---------------------------------------------------------------------

    def round_start(self, chat_id: str, host_id: str, args: list[str]) -> Reply:
        from retrieval import training

        existing = self.store.open_round(chat_id)
        if existing:
            if args and args[0] in ("结束", "stop", "end"):
                return self.round_finish(existing.id, host_id)
            return self.round_question(existing, note="本群已有一轮测验在进行，当前题目：")
        if args and args[0] in ("结束", "stop", "end"):
            return R.reply(Block("本群现在没有进行中的测验。发送 /quiz 开始一轮。"))
        n = GROUP_ROUND
        if args and parse_number(args[0]) is not None:
            n = max(1, min(MAX_ROUND, parse_number(args[0])))
        settings = self.store.user(host_id)
        try:
            pool = list(training.quiz_questions(self.engine, city=settings.city, seed=f"{chat_id}|{time.time()}"))
        except training.TrainingError as exc:
            return R.reply(Block(str(exc)))
        if not pool:
            return R.reply(Block("这些文件里暂时出不了题。"))
        rnd = self.store.create_round(chat_id, host_id, [self.question_dict(q) for q in pool[:n]])
        return self.round_question(rnd, note=f"📝 集体测验开始，共{len(rnd.questions)}题。每人每题以第一次作答为准，"
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
        tally = f"{total}人作答，{right}人答对。"
        header = f"第{rnd.current + 1}/{len(rnd.questions)}题"
        return Reply(R.quiz_result_text(q["prompt"], q["options"], q["answer_index"], None,
                                        Citation(**q["citation"]), q["explanation"], header=header, tally=tally))

    def round_control_allowed(self, rnd, user_id: str) -> bool:
        return str(user_id) == rnd.host_id or self.is_admin(user_id)

    def round_next(self, round_id: int, q_index: int, user_id: str) -> tuple[Reply | None, Reply | None, str]:
        """(the current question revealed, the next question or the leaderboard, a notice)."""
        rnd = self.store.round(round_id)
        if rnd is None or not rnd.open:
            return None, None, "这一轮测验已经结束了。"
        if not self.round_control_allowed(rnd, user_id):
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
        if not self.round_control_allowed(rnd, user_id):
            return None, None, "只有出题人可以结束这一轮测验。"
        return self.round_reveal(rnd), self.round_finish(round_id, user_id), ""

    def round_finish(self, round_id: int, user_id: str) -> Reply:
        rnd = self.store.round(round_id)
        if rnd is None or not rnd.open:
            return R.reply(Block("这一轮测验已经结束了。"))
        if not self.round_control_allowed(rnd, user_id):
            return R.reply(Block("只有出题人可以结束这一轮测验。"))
        self.store.finish_round(round_id)
        asked = rnd.current + 1
        return Reply(R.leaderboard_text(self.store.leaderboard(round_id), asked))

    # ---- admin ---------------------------------------------------------------------------------

    def stats(self) -> Reply:
        s = self.store.stats()
        engine = f"当前收录{len(self.engine.documents)}份文件，{time.strftime('%Y-%m-%d %H:%M', time.localtime(self.loaded_at))}加载。"
        if self.last_error:
            engine += f" 最近一次重新加载失败：{self.last_error}"
        s["engine"] = engine
        return Reply(R.stats_text(s))

    # ---- feedback, start, inline ----------------------------------------------------------------

    def feedback(self, question_id: int, user_id: str, useful: bool) -> str:
        if not self.store.record_feedback(question_id, user_id, useful):
            return "找不到这个回答了。"
        return "谢谢！已记录：有用 👍" if useful else "谢谢反馈，我们会改进这个回答 👎"

    def start(self, user_id: str, name: str, payload: str | None) -> Reply:
        if payload:
            m = re.fullmatch(r"art_([0-9a-f]{8})_(\d{1,5})", payload)
            if m:
                found = self.article_reply(f"{m.group(1)}:{m.group(2)}")
                return found or R.reply(Block(self.STALE))
            if payload == "help":
                return Reply(R.help_text(self.is_admin(user_id)))
        city = self.store.user(user_id).city
        return Reply(R.welcome(name, self.engine.documents, city), [] if city else self.city_buttons())

    def inline(self, user_id: str, query: str) -> list[InlineItem]:
        query = query.strip()
        if not query:
            return []
        settings = self.store.user(user_id)
        answer = self.engine.ask(query, city=settings.city, role=settings.role, top=5)
        self.store.log_question(user_id, None, query, city=settings.city, role=settings.role,
                                answered=answer.answered, intent=answer.intent, source="inline")
        items: list[InlineItem] = []
        if answer.answered:
            text = R.render_answer(answer)[0]
            c = answer.citations[0]
            items.append(InlineItem("answer", R.clip(answer.first_line, 100),
                                    R.clip(f"《{c.title}》{R.where(c)}", 120), text))
            rest = answer.citations[max(1, answer.primary):]
        else:
            rest = answer.citations
        for i, c in enumerate(rest[:4]):
            a = self.find_article(c)
            doc = self.engine.by_number.get(c.doc_number)
            if not a or not doc:
                continue
            items.append(InlineItem(f"art{i}", R.clip(f"{R.article_name(a)}（{c.city or c.doc_number}）", 100),
                                    R.clip(a.body, 120), R.render_article(doc, a)[0]))
        return items
