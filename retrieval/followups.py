"""Follow-ups in a conversation: a short message that leans on the asker's last answer ("那招远呢？",
"热点部门呢？", "第七条全文发给我") is made into a question of its own and asked; anything else is a
question of its own and starts afresh.

  - another place:    "那招远呢" → the last question, scoped to 招远
  - another subject:  "热点部门呢", "非热点部门的呢" → the last question with its subject (the words it shares
                      with the actor of a duty in the cited article) replaced, or the subject put first
  - an article:       "第七条全文发给我" → that article of the last cited document
  - its standing:     "这个文件还有效吗", "什么时候到期" → asked of the last cited document
  - a refinement:     "至少几个？" (no topic of its own; in a reply to an answer, one word of it) → asked
                      together with the last question
  - the earlier rule: "以前是怎么规定的" → the last question, answered from the document the cited one
                      repealed or amended (retrieval/in_force.py), when the corpus has it

Conversations keeps each asker's last turn (the bot: per chat and user; `policybot ask --jsonl`: per "user").
"""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

from . import small_talk
from .doc_numbers import find_doc_numbers
from .intents import detect
from .models import Answer
from .obligations import actor_match
from .text import fold, key

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


# "这个文件还有效吗", "还有效吗", "什么时候到期", "被什么废止了", "什么时候施行的": about the cited document
_ABOUT_DOCUMENT = ("standing", "effective", "issued", "repeal")
_DEICTIC = re.compile(r"^(?:那|请问)?(?:这个|这份|该|此|它|这)?(?:文件|意见|办法|规定|条例|通知|决定)?")
# "以前是怎么规定的", "原来怎么规定", "之前的规定呢", "旧版怎么说", "修订前是什么样的"
_PREVIOUS = re.compile(r"^(?:那)?(?:以前|之前|原来|过去|旧版|老版|旧的|老的|上一版|修订前|修改前|废止前)(?:的)?"
                       r"(?:文件|规定|版本)?(?:是|又是)?(?:怎么|如何|怎样)?(?:规定|说|写)?(?:的|得)?(?:呢|吗|啊)?"
                       r"(?:是什么样的?|是什么|呢)?[？?。！!]*$")


@dataclass
class Turn:
    """What an asker's last answer was about."""

    question: str  # the question as asked of the engine (a follow-up's, resolved)
    city: str | None
    answer: Answer


@dataclass
class Resolved:
    kind: str  # "place", "subject", "article", "document", "refine", "previous"
    question: str
    city: str | None
    document: str | None = None  # "previous": the 文号 of the earlier document to answer from
    missing: str | None = None  # "previous": the earlier document, named but not in the corpus


def resolve(engine, turn: Turn | None, text: str, replying: bool = False) -> Resolved | None:
    """The question a follow-up stands for, or None when the message is a question of its own.
    replying: the message replies to the answer the turn holds, so a word of topic may ride on it."""
    message = text.strip()
    if turn is None or not message or len(message) > MAX_FOLLOW_UP:
        return None
    first = turn.answer.citations[0] if turn.answer.citations else None
    if _ARTICLE_ONLY.match(message) and first is not None:
        n = _ARTICLE.search(message).group(0)
        return Resolved("article", f"{first.doc_number}{n}全文", turn.city)
    if first is not None and _PREVIOUS.match(message):
        return _previous(engine, turn, first.doc_number)
    if first is not None and detect(fold(message)).name in _ABOUT_DOCUMENT and not find_doc_numbers(message) \
            and not engine.scope.mentioned(fold(message)):
        return Resolved("document", first.doc_number + _DEICTIC.sub("", message), turn.city)
    m = _OTHER.match(message)
    if m is None or (m.group("end") != "呢" and not m.group("lead")) or _ASKS.search(m.group("x")):
        return _refined(engine, turn, message, replying)
    other = m.group("x").strip()
    city = engine.resolve_city(other)
    if city:
        return Resolved("place", turn.question, city)
    return Resolved("subject", _with_subject(engine, turn, other), turn.city)


def _refined(engine, turn: Turn, message: str, replying: bool) -> Resolved | None:
    """"至少几个？", "要多久？": too little to ask on its own (no word of topic; one, in a reply to the
    answer), asked together with the last question."""
    words = {w for w in engine.tokenizer.content_words(fold(message)) if w not in engine.cities}
    if len(words) > (1 if replying else 0) or not (replying or _ASKS.search(message)):
        return None
    return Resolved("refine", f"{turn.question} {message}", turn.city)


def _previous(engine, turn: Turn, doc_number: str) -> Resolved:
    """The last question asked of the document the cited one repealed or amended: the first of those in
    the corpus, else the first named (missing), else none (missing None: the document names none)."""
    meta = engine.by_number[doc_number].meta
    earlier = meta.repeals + meta.amends
    found = next((n for n in (engine.register.target(r, meta) for r in earlier) if n), None)
    question = turn.question.replace(doc_number, found) if found else turn.question  # "…号什么时候到期"
    return Resolved("previous", question, turn.city, document=found,
                    missing=None if found else (earlier[0] if earlier else None))


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
            top: int = 3, reply_to: str | None = None) -> tuple[Answer, Resolved | None]:
        """The answer to a message (a follow-up resolved against the asker's last turn, or against the
        question whose answer it replies to), and how it was resolved (None: asked as it is). An asker of
        None keeps no turn."""
        turn = self._turns.get(asker) if asker is not None else None
        if reply_to and (turn is None or turn.question != reply_to):
            turn = Turn(reply_to, city, self.engine.ask(reply_to, city=city, role=role, top=top))
        if small_talk.kind_of(text, self.engine.corpus_dir):  # "谢谢" between questions keeps the last one
            return self.engine.ask(text, city=city, role=role, top=top), None
        resolved = resolve(self.engine, turn, text, replying=reply_to is not None)
        question, scope = (resolved.question, resolved.city) if resolved else (text, city)
        if resolved and resolved.kind == "previous" and resolved.document is None:
            answer = self._no_earlier(turn, resolved)
        else:
            answer = self.engine.ask(question, city=scope or city, role=role, top=top,
                                     within=resolved.document if resolved else None)
        if resolved and resolved.kind == "previous" and resolved.document:
            _note(answer, f"接着上一个问题，按以前的文件{resolved.document}回答“{question}”。")
        elif resolved and resolved.kind not in ("article", "previous"):
            _note(answer, f"接着上一个问题，按“{question}”{f'（{scope}）' if resolved.kind == 'place' else ''}回答。")
        if asker is not None and answer.intent != "empty":
            self._turns[asker] = Turn(question, scope or city, answer)
            self._turns.move_to_end(asker)
            if len(self._turns) > MAX_ASKERS:
                self._turns.popitem(last=False)
        return answer, resolved

    def _no_earlier(self, turn: Turn, resolved: Resolved) -> Answer:
        """How an earlier version put it, when the corpus does not have that version: which one it was
        (from the record of what the cited document repealed), or that the document names none."""
        cited = turn.answer.citations[0]
        name = self.engine.register.name(cited.doc_number, short=True)
        if resolved.missing:
            answer = self.engine.ask(f"{resolved.missing}被什么废止了", city=turn.city)
            _note(answer, f"以前的规定在{resolved.missing}里，语料中没有收录它的全文，无法给出它原来怎么规定；"
                          f"可以收录它（policybot ingest）后再问。")
            return answer
        return Answer(False, "previous", f"{name}没有写明它取代或修改了哪份文件，语料中也没有它以前的版本。")

    def forget(self, asker: str) -> None:
        self._turns.pop(asker, None)
