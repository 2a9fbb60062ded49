"""Structured questions answered from the duties extracted at ingest (retrieval/obligations.py): the
duty stating the asked slot (period, count, deadline, date, ratio) whose words, actor and article best
match the question; and, with no city set, the parent document's duty where a city repeats it.
"""
from __future__ import annotations

import re

from .conditions import condition_met
from .intents import Intent
from .models import Obligation
from .obligations import actor_match
from .picks import Context, Pick, Query
from .text import PUNCT, fold, split_clauses

CANDIDATE_ARTICLES = 60  # duties are looked for in this many best-scoring articles of the scope
# "多久…一次", "频次", "每…": a rhythm. "一次最多停多久": a limit on one occasion.
_RECURRING = re.compile(r"(多久|多长时间|多长).{0,12}(一次|一回)|频|每(?!次)|几次|周期|定期")
_TIME_UNITS = {"天", "日", "小时", "分钟", "个月", "周", "年", "个工作日"}


def has_slot(o: Obligation, slot: str) -> bool:
    if slot == "duration":  # a count of time: "不少于30日", "2个月"
        return bool(o.count) and o.count_unit in _TIME_UNITS
    return bool(getattr(o, slot))


def _candidates(engine: Context, query: Query, slots: list[str], ranked) -> list[tuple[int, float, float]]:
    """(duty index, weight of the question words it shares, how well the question names its actor)."""
    qset = set(query.words)
    singles = [w for w in qset if len(w) == 1]
    compact_q = PUNCT.sub("", query.fq)
    out = []
    for i in (i for pos, _ in ranked for i in engine.duties_of(pos)):
        o = engine.obligations[i]
        if not any(has_slot(o, s) for s in slots):
            continue
        # "室温低于十六摄氏度的，退还…百分之五十": a branch whose condition the asker's amount fails does not answer
        if query.amounts and not _branch_met(engine.duty_text(i), query.amounts):
            continue
        ob_words = engine.duty_words(i)
        weights = {}
        for w in qset:
            if w in ob_words:
                weights[w] = engine.idf_weight(w)
            else:  # 房子 said as 住房 weighs what 住房 does: a word the corpus never uses is not rarer for it
                said = [engine.idf_weight(s) for s in engine.synonym_words(w) if s in ob_words]
                if said:
                    weights[w] = min(engine.idf_weight(w), max(said))
        if singles:  # a single character counts by presence ("整改完" ~ "完成整改")
            text = fold(o.clause)
            weights.update((w, engine.idf_weight(w)) for w in singles if w not in weights and w in text)
        if weights:
            out.append((i, sum(weights.values()), actor_match(o.actor, compact_q)))
    return out


def _branch_met(text: str, amounts: dict[str, float]) -> bool:
    """No condition of the duty's clauses fails the asker's amounts."""
    return all(condition_met(fold(c), amounts) is not False for c in split_clauses(text))


def pick_duty(engine: Context, intent: Intent, query: Query, docs: set[str], minimum: float) -> Pick | None:
    slots = ["count", "period"] if intent.name == "count" else [intent.slot]
    if intent.name == "frequency" and not _RECURRING.search(query.fq):
        slots += ["deadline", "duration"]  # "最多停多久", "多长时间内报告": a limit, not a rhythm
    ranked = engine.index.top(query.scores, docs, CANDIDATE_ARTICLES)
    top_score = ranked[0][1] if ranked else 1.0
    candidates = _candidates(engine, query, slots, ranked)
    # The asker's role stands in for the actor only when the question names none itself.
    role = PUNCT.sub("", fold(query.role)) if query.role else ""
    use_role = role and not any(a >= 2 for _, _, a in candidates)
    best, best_score = None, 0.0
    for i, topic, actor in candidates:
        o = engine.obligations[i]
        actor = 1.5 * actor_match(o.actor, role) if use_role else 0.8 * actor
        prior = 2.0 * query.scores[engine.position(o)] / top_score
        total = topic + actor + prior + (0.5 if has_slot(o, slots[0]) else 0)
        if total > best_score:
            best, best_score = i, total
    if best is None:
        return None
    o = engine.obligations[best]
    article = engine.index.article(engine.position(o))
    tokens = set(engine.tokenizer.words(o.sentence + article.heading)) | engine.duty_words(best)
    coverage = engine.coverage(query.topic, tokens, fold(o.sentence + article.heading))
    if coverage < minimum:
        return None
    limit = engine.first_line
    line = o.clause if len(o.clause) < limit else window(o.clause, o.count or o.period or "", limit - 1)
    return Pick(article, line + "。", o.sentence, best_score, coverage, o)


def parent_version(engine: Context, pick: Pick) -> Pick:
    """With no city to prefer, a clause a city repeats word for word from its parent cites the parent."""
    doc = engine.by_number[pick.article.doc_number]
    parent = engine.by_number.get(doc.meta.parent or "")
    if parent is None or pick.article.number is None:
        return pick
    twin = parent.article(pick.article.number)
    if twin is None:
        return pick
    if pick.obligation is not None:
        same = PUNCT.sub("", fold(pick.obligation.clause))
        for i in engine.duties_of(engine.index_of(parent.doc_number, twin.index)):
            o = engine.obligations[i]
            if PUNCT.sub("", fold(o.clause)) == same:
                return parent_version(engine, Pick(twin, pick.first_line, o.sentence, pick.score, pick.coverage, o))
        return pick
    same = PUNCT.sub("", fold(pick.quote))
    for sentence in twin.sentences:
        if PUNCT.sub("", fold(sentence)) == same:
            return parent_version(engine, Pick(twin, pick.first_line, sentence, pick.score, pick.coverage,
                                               pick.obligation))
    return pick


def window(text: str, focus: str, limit: int) -> str:
    """A slice of text at most limit long that keeps focus in view."""
    if len(text) <= limit:
        return text
    at = max(text.find(focus) if focus else 0, 0)
    start = max(0, min(at - (limit - len(focus)) // 3, len(text) - limit + 1))
    piece = text[start:start + limit - 2]
    return ("…" if start else "") + piece + "…"
