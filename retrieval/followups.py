"""Follow-ups in a conversation: a short message that leans on the asker's last answer ("那招远呢？",
"热点部门呢？", "第七条全文发给我") is made into a question of its own and asked; anything else is a
question of its own and starts afresh.

  - another place:    "那招远呢" → the last question, scoped to 招远
  - another subject:  "热点部门呢", "非热点部门的呢" → the last question with its subject (the words it shares
                      with the actor of a duty in the cited article) replaced, or the subject put first
  - an article:       "第七条全文发给我" → that article of the last cited document

Conversations keeps each asker's last turn (the bot: per chat and user; `policybot ask --jsonl`: per "user").
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

from .models import Answer
from .obligations import actor_match
from .text import key

MAX_FOLLOW_UP = 16  # characters: a follow-up leans on the last answer; a longer message asks afresh
MAX_ASKERS = 4096  # askers whose last turn is kept

# "那招远呢？", "热点部门呢", "非热点部门的呢", "换成招远的话怎么规定" (not "今天天气怎么样": a question of its own)
_OTHER = re.compile(r"^(?P<lead>那么?|还有|换成|如果是)?(?P<x>[^，,。？?！!呢]{1,12}?)(?:的话|的|那边|这边)?"
                    r"(?P<end>呢|怎么样|咋样|怎么规定|是怎么规定的)[？?。！!～~]*$")
_ASKS = re.compile(r"怎么|什么|多少|几|吗|谁|哪|何")  # a subject that asks something is a question of its own
# "第七条全文发给我", "第7条原文", "看看第十二条"
_ARTICLE = re.compile(r"第(?P<n>[一二三四五六七八九十百零〇两\d]+)条")
_ARTICLE_ONLY = re.compile(r"^(?:请|麻烦)?(?:把|给我|发我|看看|看一下|我要|要)?第[一二三四五六七八九十百零〇两\d]+条"
                           r"(?:的)?(?:全文|原文|内容|完整内容|具体内容)?(?:发给我|发我|给我|看看|看一下|是什么|说了什么|讲了什么)?"
                           r"[吧呢？?。！!]*$")


@dataclass
class Turn:
    """What an asker's last answer was about."""

    question: str  # the question as asked of the engine (a follow-up's, resolved)
    city: str | None
    answer: Answer


@dataclass
class Resolved:
    kind: str  # "place", "subject", "article"
    question: str
    city: str | None


def resolve(engine, turn: Turn | None, text: str) -> Resolved | None:
    """The question a follow-up stands for, or None when the message is a question of its own."""
    message = text.strip()
    if turn is None or not message or len(message) > MAX_FOLLOW_UP:
        return None
    first = turn.answer.citations[0] if turn.answer.citations else None
    if _ARTICLE_ONLY.match(message) and first is not None:
        n = _ARTICLE.search(message).group(0)
        return Resolved("article", f"{first.doc_number}{n}全文", turn.city)
    m = _OTHER.match(message)
    if m is None or (m.group("end") != "呢" and not m.group("lead")) or _ASKS.search(m.group("x")):
        return None
    other = m.group("x").strip()
    city = engine.resolve_city(other)
    if city:
        return Resolved("place", turn.question, city)
    return Resolved("subject", _with_subject(engine, turn, other), turn.city)


def _with_subject(engine, turn: Turn, subject: str) -> str:
    """The last question about another subject: the words it named the duty's actor with replaced
    ("市政府领导多久接听一次热线" → "热点部门多久接听一次热线"), else the subject put first."""
    q = turn.question
    span = _actor_span(engine, turn)
    if span:
        start, end = span
        return q[:start] + subject + q[end:]
    return f"{subject}{q}"


def _actor_span(engine, turn: Turn) -> tuple[int, int] | None:
    """(start, end) in the last question of the words naming the actor of a duty in the cited article:
    the run of characters whose bigrams the best-matching actor shares."""
    if not turn.answer.answered or not turn.answer.citations:
        return None
    c = turn.answer.citations[0]
    doc = engine.by_number.get(c.doc_number)
    article = doc.article(c.article) if doc is not None and c.article is not None else None
    if article is None:
        return None
    q = turn.question
    compact = key(q)
    actors = {engine.obligations[i].actor for i in engine.duties_of(engine.index_of(c.doc_number, article.index))}
    actors.discard("")
    if not actors:
        return None
    best = max(actors, key=lambda a: actor_match(a, compact))
    if actor_match(best, compact) <= 0:
        return None
    grams = {key(best)[i:i + 2] for i in range(len(key(best)) - 1)}
    covered = [False] * len(q)
    for i in range(len(q) - 1):
        if q[i:i + 2] in grams:
            covered[i] = covered[i + 1] = True
    runs, start = [], None
    for i, on in enumerate(covered + [False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            runs.append((start, i))
            start = None
    return max(runs, key=lambda r: r[1] - r[0]) if runs else None


def _note(answer: Answer, note: str) -> None:
    """A note said right under the direct answer, as the engine's own notes are."""
    answer.notes.insert(0, note)
    first, *rest = answer.answer.split("\n", 1)
    answer.answer = "\n".join([first, note, *rest])


class Conversations:
    """Each asker's last turn, for the follow-ups of their next message."""

    def __init__(self, engine):
        self.engine = engine
        self._turns: OrderedDict[str, Turn] = OrderedDict()

    def ask(self, asker: str | None, text: str, city: str | None = None, role: str | None = None,
            top: int = 3) -> tuple[Answer, Resolved | None]:
        """The answer to a message (a follow-up resolved against the asker's last turn), and how it was
        resolved (None: asked as it is). An asker of None keeps no turn."""
        turn = self._turns.get(asker) if asker is not None else None
        resolved = resolve(self.engine, turn, text)
        question, scope = (resolved.question, resolved.city) if resolved else (text, city)
        answer = self.engine.ask(question, city=scope or city, role=role, top=top)
        if resolved and resolved.kind != "article":
            _note(answer, f"接着上一个问题，按“{question}”{f'（{scope}）' if resolved.kind == 'place' else ''}回答。")
        if asker is not None and answer.intent != "empty":
            self._turns[asker] = Turn(question, scope or city, answer)
            self._turns.move_to_end(asker)
            if len(self._turns) > MAX_ASKERS:
                self._turns.popitem(last=False)
        return answer, resolved

    def forget(self, asker: str) -> None:
        self._turns.pop(asker, None)
