"""The sentence of an article that answers a question, and the first line cut from it.

A clause is chosen by the question words it covers (retrieval/gate.py weights) and by whether it
states the asked fact (retrieval/facts.py); the first line is that clause widened by its neighbours
while it fits, so the fact is in it. A sentence that opens a list ("下列场所禁止吸烟：") brings its
items along.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .conditions import condition_met
from .models import Article
from .text import fold, split_clauses, truncate

ONWARD = 3  # clauses read together for what a body named in the first does
FACT_BONUS = 1.5  # a clause stating the asked fact outweighs one that only shares words
FACT_SHARE = 0.6  # … by this share of the question's weight at least
TITLE_SHARE = 0.3  # weight a word of the document's title keeps in choosing among its sentences
CONDITION_WEIGHT = 1.0  # a clause whose condition the asker's amount meets (超过十人的) over one it does not
NEAR_FACT = 0.9  # … and one next to a clause stating it, nearly as much
_ITEM = re.compile(r"^[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]")


@dataclass
class Passage:
    sentence: str  # the quote
    clause: str  # the clause the first line is built around
    line: str  # the first line (at most `limit` characters)
    overlap: float  # question weight the clause and its sentence cover
    has_fact: bool
    before: str = ""  # the sentence before it in the article ("…有利害关系的，应当回避。" before "回避，由…决定")


_OPENS_LIST = re.compile(r"(?<=[：:])(?=[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．])")


PREPARED_KEPT = 256  # articles whose sentences and clauses stay split and folded
_prepared_cache: dict[tuple[str, str], tuple] = {}


def _prepared(article: Article) -> tuple[list[str], list[tuple[str, str, list[str], list[str]]], str]:
    """(sentences, each with its fold, clauses and their folds, all the folds in one text): an article's
    candidates are weighed for question after question."""
    k = (article.heading, article.body)
    found = _prepared_cache.get(k)
    if found is None:
        if len(_prepared_cache) >= PREPARED_KEPT:
            _prepared_cache.clear()
        sentences = _sentences(article)
        split = [(s, fold(s), clauses, [fold(c) for c in clauses])
                 for s in sentences for clauses in [split_clauses(s) or [s]]]
        # every text a match is asked of is part of this one: a word it lacks, they all lack
        everything = "\n".join(t for _, fs, _, folded in split for t in (fs, *folded))
        found = _prepared_cache[k] = (sentences, split, everything)
    return found


def _sentences(article: Article) -> list[str]:
    sentences = article.sentences
    if article.heading and len(sentences) > 1 and sentences[0].startswith(article.heading):
        sentences = sentences[1:]
    # "…包括：（一）矿山…；": the sentence that opens a list stands apart from its first item
    return [part for s in (sentences or [article.body]) for part in _OPENS_LIST.split(s) if part]


def best_passage(article: Article, words: list[str], match, weight, fact: re.Pattern | None,
                 limit: int = 100, list_wanted: bool = False, title: str = "", asked: list[str] | None = None,
                 amounts: dict[str, float] | None = None) -> Passage:
    """The clause covering most question weight (match(word, text) ∈ [0, 1]), a clause with the fact first.
    Words of the document's title (宪法宣誓 in a 宪法宣誓办法) tell little which of its sentences is meant."""
    sentences, split, everything = _prepared(article)
    words = list(dict.fromkeys(words))  # a word asked twice ("乡镇…乡镇") is still one thing asked
    ftitle = fold(title) if title else ""
    weights = {w: weight(w) * (TITLE_SHARE if title and match(w, ftitle) >= 1.0 else 1.0) for w in words}
    bonus = max(FACT_BONUS, FACT_SHARE * sum(weights.values()))
    # a word the article does not have anywhere adds nothing to any of its clauses: left out of the sums
    words = [w for w in words if match(w, everything) > 0]

    def clause_facts(asked: list[str] | None) -> list[list[bool]]:
        return [[bool(fact and fact.search(fc)) and _does_asked(_onward(folded, k), asked, match)
                 for k, fc in enumerate(folded)] for *_, folded in split]

    stated = clause_facts(asked)
    if asked and not any(map(any, stated)):  # the asked words said in a clause naming a body
        stated = clause_facts(None)  # none: any body it names may be the one
    best: Passage | None = None
    best_score = -1.0
    for si, (s, fs, clauses, folded) in enumerate(split):
        covered = [(w, weights[w] * m) for w in words if (m := match(w, fs)) > 0]
        s_cover = sum(v for _, v in covered)
        said = [w for w, _ in covered]  # a clause says only what its sentence does (match grows with the text)
        facts = stated[si]
        # "超过十人的，代表人数最多不得超过五人": a condition the asker's amount meets or not, on it and the next clause
        met = [condition_met(fc, amounts) for fc in folded] if amounts else [None] * len(clauses)
        for k, (c, fc) in enumerate(zip(clauses, folded)):
            c_cover = s_cover if fc == fs else sum(weights[w] * match(w, fc) for w in said)
            branch = next((m for m in (met[k], met[k - 1] if k else None) if m is not None), None)
            if branch is not None:
                c_cover += CONDITION_WEIGHT if branch else -CONDITION_WEIGHT
            has_fact = facts[k]
            # "未成年人燃放烟花爆竹，应当由监护人陪同": the fact may follow in the next clause (the line widens to it)
            near = not has_fact and any(facts[max(0, k - 1):k + 2])
            score = c_cover + 0.5 * s_cover + (bonus if has_fact else NEAR_FACT * bonus if near else 0.0)
            if score > best_score:
                best_score = score
                best = Passage(s, c, "", c_cover + 0.5 * s_cover, has_fact)
                best_index = si
    assert best is not None
    best.before = _before(sentences, best_index)
    if list_wanted:
        best.line = _line(best.sentence, best.clause, limit, fact)
        _with_items(best, sentences, best_index, limit)
        return best
    opener = _opener(sentences, best_index)
    if opener is not None:  # an item says what; the sentence opening its list says what follows from it
        start = opener
        while start > 0 and sentences[start - 1].rstrip().endswith(("；", ";")) and not _ITEM.match(sentences[start - 1]):
            start -= 1  # "…给予通报批评；构成犯罪的，依法追究刑事责任：" is one provision
        best.sentence = "".join(sentences[start:opener + 1]) + best.sentence
    elif sentences[best_index].rstrip().endswith(("：", ":")):  # … and the opener is answered with its item
        items = _items(sentences, best_index)
        if items:
            best.sentence += max(items, key=lambda it: sum(weights[w] * match(w, fold(it)) for w in words))
    if fact and not best.has_fact:  # the fact may sit in a neighbouring clause of the same sentence
        best.has_fact = bool(fact.search(fold(best.sentence)))
    best.line = _line(best.sentence, best.clause, limit, fact)
    return best


def _before(sentences: list[str], at: int) -> str:
    """The sentence before the one at `at`, and the parts of its own sentence that a ；ends before it
    ("多人…的，应当推选代表反映。十人以下的，…三人；超过十人的，…五人。")."""
    start = at - 1
    while start > 0 and at - start < 3 and sentences[start].rstrip().endswith(("；", ";")):
        start -= 1
    return "".join(sentences[max(start, 0):at])


def _onward(clauses: list[str], k: int) -> str:
    """A clause with the two after it: the body named in one does what the next says ("由镇人民政府、街道办事处，
    依照法定职权与程序，组织调解")."""
    return "".join(clauses[k:k + ONWARD])


def _does_asked(clause: str, asked: list[str] | None, match) -> bool:
    """A body named in a clause answers "谁来组织" only where the clause says it does that (组织)."""
    return not asked or any(match(w, clause) >= 1.0 for w in asked)


def _items(sentences: list[str], at: int) -> list[str]:
    """The items of the list the sentence at `at` opens."""
    items = []
    for s in sentences[at + 1:]:
        if not _ITEM.match(s):
            break
        items.append(s)
    return items


def _opener(sentences: list[str], at: int) -> int | None:
    """The sentence that opens the list the item at `at` belongs to ("有下列行为之一的，给予通报批评：")."""
    if not _ITEM.match(sentences[at]):
        return None
    for k in range(at - 1, -1, -1):
        if sentences[k].rstrip().endswith(("：", ":")):
            return k
        if not _ITEM.match(sentences[k]):
            return None
    return None


def _with_items(best: Passage, sentences: list[str], at: int, limit: int) -> None:
    """A list question is answered by the list: from one of its items, go up to the sentence that opens
    it ("下列…：") and bring the items along."""
    if _ITEM.match(sentences[at]):
        opener = _opener(sentences, at)
        if opener is None:
            return
        at = opener
    elif not sentences[at].rstrip().endswith(("：", ":")):
        return
    items = _items(sentences, at)
    if not items:
        return
    intro = sentences[at]
    best.sentence = intro + "".join(items)
    best.line = truncate(intro + "".join(_ITEM.sub("", s).rstrip("；;。") + "；" for s in items), limit)
    best.has_fact = True


def _line(sentence: str, clause: str, limit: int, fact: re.Pattern | None) -> str:
    if len(sentence) <= limit:
        return sentence
    clauses = split_clauses(sentence)
    if clause not in clauses:
        return truncate(sentence, limit)
    i = j = clauses.index(clause)
    if fact and not fact.search(fold(clause)):  # widen toward the clause that states the fact
        for k in sorted(range(len(clauses)), key=lambda k: abs(k - i)):
            if fact.search(fold(clauses[k])):
                i, j = min(i, k), max(i, k)
                break
    text = "，".join(clauses[i:j + 1])
    while True:
        grown = False
        for a, b in ((i - 1, j), (i, j + 1)):
            if 0 <= a and b < len(clauses):
                candidate = "，".join(clauses[a:b + 1])
                if len(candidate) + 2 <= limit:
                    i, j, text, grown = a, b, candidate, True
                    break
        if not grown:
            break
    return ("…" if i > 0 else "") + truncate(text, limit - 2) + ("…" if j < len(clauses) - 1 else "。")
