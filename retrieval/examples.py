"""Examples for help texts, taken from the loaded corpus so that every deployment shows its own:
questions its obligations answer, its cities, the role it names most, an article it has.

    examples(engine) -> Examples        the bot's welcome, /help and usage lines
    example_questions(engine) -> list   questions only (made at ingest: engine.digest)
    hint(engine) -> str                 what the engine can answer, said when it abstains
    digest(duties) -> dict              what ingest keeps for these: the roles and example questions
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .comparison import diff_spans, first_difference
from .models import Document, Obligation
from .roles import actor_parts, ranked_roles, roles
from .statements import CN_NUMERALS, statement

MAX_QUESTION = 36  # characters: an example is read at a glance
_MODAL = re.compile(r"^(?:应当|应|要|须|必须|需)?$")
_AT_LEAST = re.compile(r"^(?:至少|不少于)")
_NUMBER = re.compile(rf"\d+|[{CN_NUMERALS}]+")
_BY = re.compile(r"^提前|内$")
_PUNCT = re.compile(r"[，,；;：:、。（）()“”]")
_SALIENT = re.compile(rf"每|(?:\d+|[{CN_NUMERALS}]+)(?:次|天|日|个|项|周|月|年)")  # a period or a count


@dataclass
class Examples:
    questions: list[str] = field(default_factory=list)  # questions the corpus answers
    city: str = ""  # a city of the corpus ("" when its documents name none)
    document: str = ""  # how commands name a document: its city, else its 文号
    article: int | None = None  # an article number of that document
    compare: int | None = None  # an article number two cities' documents both have, worded differently
    cities: list[str] = field(default_factory=list)  # those two cities
    role: str = ""  # the role the corpus gives the most duties


def _period_question(o: Obligation) -> str | None:
    """"X每年至少讲1次党课" → "X多久讲一次党课？": the period asked for, the rest as the clause says it."""
    if not (o.actor and o.period and o.period_text == o.period and o.count in ("1次", "一次")):
        return None
    at = o.action.find(o.period)
    if at < 0 or o.action.count(o.period) != 1 or not _MODAL.match(o.action[:at]):
        return None
    rest = _AT_LEAST.sub("", o.action[at + len(o.period):]).replace(o.count, "一次", 1)
    if "一次" not in rest or _PUNCT.search(rest):
        return None
    return f"{actor_parts(o.actor)[0]}多久{rest}？"


def _deadline_question(o: Obligation) -> str | None:
    """"X须提前3天…请假" → "X须提前几天…请假？"; only a time to act by (提前…, …内), followed by the act."""
    if not (o.actor and o.deadline and _BY.search(o.deadline)):
        return None
    text = statement(o)
    m = _NUMBER.search(o.deadline)
    if not m or text.count(o.deadline) != 1 or _PUNCT.search(text) or len(text.split(o.deadline)[1]) < 2:
        return None
    asked = o.deadline[: m.start()] + "几" + o.deadline[m.end():]
    return text.replace(o.deadline, asked, 1).rstrip("。") + "？"


def example_questions(engine, limit: int = 2) -> list[str]:
    return engine.digest["questions"][:limit]


def digest(duties: list[Obligation]) -> dict:
    """The corpus's roles, most duties first, and its example questions: a period question and a
    deadline question from its own obligations, the shortest of those whose actor has the most
    duties first. Made once per ingest, as they walk through every duty."""
    names = ranked_roles(duties)
    rank = {r: i for i, r in enumerate(names)}
    questions: list[str] = []
    for make in (_period_question, _deadline_question):
        found = [(rank.get(actor_parts(o.actor)[0], len(rank)), len(q), q)
                 for o in duties if (q := make(o)) and len(q) <= MAX_QUESTION]
        if found:
            questions.append(min(found)[2])
    return {"roles": names, "questions": questions}


def _pair(engine) -> list[Document]:
    """Two documents of different cities to compare: one and the document it is issued under, else
    the first two cities' first documents."""
    for d in engine.documents:
        parent = engine.by_number.get(d.meta.parent or "")
        if parent and parent.city and d.city and parent.city != d.city:
            return [d, parent]
    firsts = {}
    for d in engine.documents:
        if d.city:
            firsts.setdefault(d.city, d)
    return list(firsts.values())[:2]


def _differing_article(a: Document, b: Document) -> tuple[int | None, bool]:
    """An article number both documents have and word differently: (number, whether a number or a
    period differs in it). The first whose difference is in a number or a period (每季度 → 每月) is
    preferred to one that differs in names only."""
    first = None
    for x in a.articles:
        y = b.article(x.number) if x.number is not None else None
        diff = first_difference(x, y) if y is not None and x.heading else None
        if diff is None:
            continue
        (ca, _), (cb, _) = diff
        if any(_SALIENT.search(x) and _SALIENT.search(y) for x, y in diff_spans(ca, cb)):
            return x.number, True
        first = first if first is not None else x.number
    return first, False


def examples(engine) -> Examples:
    ex = Examples(questions=example_questions(engine))
    names = roles(engine)
    ex.role = next((r for r in names if 2 <= len(r) <= 20), "")
    if engine.documents:
        first = engine.documents[0]
        ex.city = next((d.city for d in engine.documents if d.city), "")
        doc = next((d for d in engine.documents if d.city == ex.city), first) if ex.city else first
        ex.document = doc.city or doc.doc_number
        numbered = [a.number for a in doc.articles if a.number is not None and a.heading]
        ex.article = numbered[len(numbered) // 2] if numbered else None
    pair = _pair(engine)
    if len(pair) == 2:
        ex.cities = [pair[0].city, pair[1].city]
        ex.compare, salient = _differing_article(*pair)
        if salient:
            topic = pair[0].article(ex.compare).heading
            ex.questions.append(f"{ex.cities[0]}和{ex.cities[1]}关于“{topic}”的规定有什么不同？")
    return ex


def hint(engine) -> str:
    titles = "、".join(f"《{d.title}》" for d in engine.documents[:3])
    more = f"等{len(engine.documents)}份文件" if len(engine.documents) > 3 else ""
    asked = "、".join(f"“{q}”" for q in example_questions(engine))
    return (f"我可以回答{titles}{more}里的规定，例如：某项工作多久一次、每次几个、要提前几天、"
            f"几个工作日内办结、由谁负责、某个说法是什么意思" + (f"。可以这样问：{asked}" if asked else "。"))
