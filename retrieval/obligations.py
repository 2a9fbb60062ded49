"""Obligations extracted from articles at load time: who must do what, how often, how many, by when.

Works clause by clause (，；), on the whitespace-folded original text. A clause becomes an
obligation when it states a period, count, deadline, date or ratio. A clause without its own
subject borrows the sentence's last named actor; "A每季度、B每半年接听1次" is split into one
obligation per actor, each with the shared action.
"""
from __future__ import annotations

import re
import unicodedata

from . import periods
from .corpus import read_vocabulary
from .models import Article, Document, Obligation
from .periods import canonical_period
from .text import CN_SMALL as _CN
from .text import cn_to_int, key, simp, split_clauses

_NUM = rf"(?:\d+(?:\.\d+)?(?:\s*[-—～~至到]\s*\d+)?|[{_CN}]+)"


def _any(words) -> str:
    return "|".join(words)


_ALONE = periods.alone_words()  # "全年" → "每年"
_PERIOD = re.compile(rf"每(?:个)?(?P<n>\d+|[{_CN}])?(?:个)?(?P<u>{_any(periods.unit_words())})|{_any(_ALONE)}")
_COMPACT_UNITS, _COMPACT_VERBS = periods.compact()
_COMPACT_PERIOD = re.compile(rf"(?<![每\d一二两三四个])(?P<u>{_any(_COMPACT_UNITS)})(?={_any(_COMPACT_VERBS)})")
_ACTORS = read_vocabulary("actors.yaml")
_QUALIFIER = re.compile(rf"({_any(_ACTORS['qualifiers'])})")
_COUNT = re.compile(
    rf"(?P<num>\d+(?:\.\d+)?(?:\s*[-—～~至到]\s*\d+)?)\s*(?P<unit>个工作日|个月|个|次|天|日|项|起|名|人|家|场|轮|篇|小时|分钟|周|件|条|户|批)"
    rf"|(?P<cnum>[{_CN}]+)\s*(?P<cunit>次|天|个工作日|个月|小时|分钟)")
_DEADLINE = re.compile(
    rf"提前\s*(?P<a>{_NUM})\s*(?P<au>个工作日|个月|天|日|周|小时)"
    rf"|(?P<b>{_NUM})\s*(?P<bu>个工作日|个月|天|日|小时|分钟)\s*(?:以内|之内|内)"
    rf"|不(?:得)?超过\s*(?P<c>{_NUM})\s*(?P<cu>个工作日|天|日|小时|分钟)")
_DATE = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|每月\s*\d{1,2}\s*日(?:左右|前|之前|以前)?"
    r"|(?<![\d个])\d{1,2}\s*月\s*\d{1,2}\s*日(?:前|之前|以前)?"
    r"|(?<=每年)[一二三四]季度"
    r"|(?<![\d个年])\d{1,2}\s*月(?![\d份])(?:底|初|中旬|上旬|下旬|前)?")
_RATIO = re.compile(r"(?:百分之[\d一二三四五六七八九十百]+|\d+(?:\.\d+)?\s*[%％])")

# An actor is a clause's opening noun phrase that ends in an office or body (corpus/lexicon/actors.yaml).
_ACTOR_SUFFIX = re.compile(_any(_ACTORS["suffixes"]))
_ACTOR_STOP = re.compile(r"每|(?<![主重需])要|须|(?<![相适])应|不得|将|按|至少|不少于|带头|[\d、]")
# A clause that opens with its rhythm or amount has no subject of its own: the clause before says what.
_SUBJECTLESS = re.compile(r"每|全年|定期|至少|不少于|不超过|不低于|[\d一二两三四五六七八九十]")
_ENUMERATOR = re.compile(r"^[（(][一二三四五六七八九十\d]{1,3}[)）]\s*")
_ACTOR_PREFIX = re.compile(r"^(?:原则上|其中)")
_NOT_ACTOR = re.compile(_any([*_ACTORS["not_actor_words"], *("^" + w for w in _ACTORS["not_actor_openers"])]))


def _fold(text: str) -> str:
    """What the patterns read: NFKC and simplified script, one character for one where it matters."""
    return simp(unicodedata.normalize("NFKC", text))


def find_actor(clause: str) -> str:
    """The actor a clause opens with ("市政府领导班子成员每月…" → "市政府领导班子成员"), else ""."""
    text = _fold(clause)
    start = 0
    m = _ACTOR_PREFIX.match(text)
    if m:
        start = m.end()
    stop = _ACTOR_STOP.search(text, start + (2 if text.startswith(("每个", "各"), start) else 0))
    region_end = min(stop.start() if stop else len(text), start + 22)
    best = None
    for s in _ACTOR_SUFFIX.finditer(text, start, region_end):
        best = s
    if best is None:
        return ""
    actor = clause[start:best.end()]
    if _NOT_ACTOR.search(_fold(actor)) or len(actor) < 2:
        return ""
    return actor


def _count(text: str):
    m = _COUNT.search(text)
    if not m:
        return None
    if m.group("num"):
        raw, unit = m.group("num"), m.group("unit")
        value = float(re.split(r"[-—～~至到]", raw)[0])
    else:
        raw, unit = m.group("cnum"), m.group("cunit")
        value = float(cn_to_int(raw) or 0)
    return m, re.sub(r"\s+", "", raw) + unit, value, unit


_SEASON = re.compile(r"^(?:的)?\d{1,2}月(?:至|到|-|—)\d{1,2}月")


def _governing_period(text: str):
    """The clause's rhythm: its first, unless that is the year a season of it follows ("每年的3月至12月每月
    巡查": 每月 within the season)."""
    found = list(_PERIOD.finditer(text))
    if len(found) > 1 and found[0].group("u") == "年" and _SEASON.match(text[found[0].end():]):
        return found[1]
    return found[0] if found else None


def _slots(text: str) -> dict:
    """Period, count, deadline, date and ratio stated in one clause (NFKC-folded text)."""
    out: dict = {}
    pm = _governing_period(text)
    if pm:
        out["period_text"] = pm.group(0)
        out["period"] = _ALONE.get(pm.group(0)) or canonical_period(pm.group("u"), pm.group("n"))
    else:
        cm = _COMPACT_PERIOD.search(text)
        if cm:
            out["period_text"] = text[cm.start():cm.start() + 3]
            out["period"] = canonical_period(cm.group("u"))
    dl = _DEADLINE.search(text)
    if dl:
        out["deadline"] = re.sub(r"\s+", "", dl.group(0))
    dates = [d for d in _DATE.finditer(text)]
    if dates:
        out["date"] = re.sub(r"\s+", "", dates[0].group(0))
    rm = _RATIO.search(text)
    if rm:
        out["ratio"] = re.sub(r"\s+", "", rm.group(0))
    # A count is a number with a unit that is not the deadline, date or period already found.
    masked = text
    for span_text in (out.get("deadline"), ):
        if span_text and dl:
            masked = masked[:dl.start()] + "＿" * (dl.end() - dl.start()) + masked[dl.end():]
    for d in dates:
        masked = masked[:d.start()] + "＿" * (d.end() - d.start()) + masked[d.end():]
    if pm:
        masked = masked[:pm.start()] + "＿" * (pm.end() - pm.start()) + masked[pm.end():]
    c = _count(masked)
    if c:
        m, count, value, unit = c
        out.update(count=count, count_value=value, count_unit=unit)
        before = masked[max(0, m.start() - 8):m.start()]
        after = masked[m.end():m.end() + 2]
        qs = _QUALIFIER.findall(before)
        if after.startswith("左右"):
            out["qualifier"] = "左右"
        elif qs:
            out["qualifier"] = qs[-1]
    return out


def _split_ellipsis(clause: str) -> list[str]:
    """"热点部门主要负责人每季度、非热点部门主要负责人每半年接听1次群众来电" → one statement per actor."""
    segments = clause.split("、")
    if len(segments) < 2:
        return [clause]
    heads = []
    for seg in segments:
        actor = find_actor(seg)
        folded = _fold(seg)
        pm = _PERIOD.search(folded)
        if not actor or not pm or not folded.startswith(_fold(actor)):
            return [clause]
        heads.append((seg, pm))
    last_seg, last_pm = heads[-1]
    tail = last_seg[last_pm.end():]
    if not tail:
        return [clause]
    out = []
    for seg, pm in heads:
        out.append(seg if seg[pm.end():] else seg + tail)
    return out


def _compact_periods(clause: str, slots: dict) -> list[dict]:
    """"周调度、月分析" states two periods in one clause: one obligation each."""
    text = _fold(clause)
    found = list(_COMPACT_PERIOD.finditer(text))
    if len(found) < 2 or "每" in slots.get("period_text", "每"):
        return [{}]
    return [{"period": canonical_period(m.group("u")), "period_text": text[m.start():m.start() + 3]} for m in found]


def extract_article(article: Article) -> list[Obligation]:
    obligations: list[Obligation] = []
    sentences = article.sentences
    if article.kind == "article" and article.heading and sentences and sentences[0].startswith(article.heading):
        sentences = sentences[1:]
    actors: list[str] = []  # actors named so far in the sentence: an unnamed subject is all of them
    for sentence in sentences:
        prev_clause = ""
        prev_period: tuple[str, str] | None = None
        for raw_clause in split_clauses(sentence):
            raw_clause = _ENUMERATOR.sub("", raw_clause)  # "（二）配备…": the list mark is no part of the duty
            for clause in _split_ellipsis(raw_clause):
                own = find_actor(clause)
                if own and own not in actors:
                    actors.append(own)
                # "各县(市)设置的巡河员…": a clause that opens with 各 names its own subject
                actor = "" if not own and _fold(clause).startswith("各") else "、".join(actors)
                slots = _slots(_fold(clause))
                if not slots:
                    prev_clause = clause
                    continue
                if "period" not in slots and prev_period and "count" in slots and not own:
                    slots["period"], slots["period_text"] = prev_period
                if "period" in slots:
                    prev_period = (slots["period"], slots["period_text"])
                if own:
                    statement = clause
                elif clause.startswith("其中"):
                    statement = clause[2:]  # "其中…占比不低于50%": the share is the whole statement
                elif actor:
                    statement = actor + clause
                elif prev_clause and _SUBJECTLESS.match(_fold(clause)) and len(prev_clause) + len(clause) <= 60:
                    statement = prev_clause + "，" + clause  # "…组织学习，每月学习研讨不少于1次"
                else:
                    statement = clause
                for period in _compact_periods(clause, slots):
                    obligations.append(Obligation(
                        doc_number=article.doc_number, article_index=article.index, article_number=article.number,
                        actor=own or actor, action=clause[len(own):] if own else clause, clause=statement,
                        sentence=sentence, **{**slots, **period}))
                prev_clause = clause
        if not sentence.endswith(("；", ";")):
            actors = []  # a subject carries over "；" but not over "。"
    return obligations


def extract(document: Document) -> list[Obligation]:
    return [o for a in document.articles for o in extract_article(a)]


_ALTERNATIVE = re.compile(r"[(（][^()（）]{1,6}[)）]")


def actor_match(actor: str, compact_question: str) -> float:
    """How well a question names this actor: shared character bigrams, less half the unshared ones. A
    bracketed alternative may be said or not: "乡(镇)级河湖长" is asked 乡镇级 and "村(社区)级河湖长" 村级."""
    if _ALTERNATIVE.search(actor):
        return max(_bigram_match(key(actor), compact_question),
                   _bigram_match(key(_ALTERNATIVE.sub("", actor)), compact_question))
    return _bigram_match(key(actor), compact_question)


def _bigram_match(a: str, compact_question: str) -> float:
    if len(a) < 2:
        return 0.0
    grams = [a[i:i + 2] for i in range(len(a) - 1)]
    matched = sum(g in compact_question for g in grams)
    if matched < 2:
        return 0.0
    return matched - 0.5 * (len(grams) - matched)
