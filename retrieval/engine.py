"""The answering core: question → scope → the clause that states the asked fact → Answer.

Scope follows the asker's place (retrieval/scope.py). Structured questions are answered from the duties
extracted at ingest (duty_pick.py), questions about a document as a whole or an article by number from
the document (whole_documents.py), every other from the sentence of the best article that states the
kind of fact asked (facts.py, passages.py). A question is answered only when that sentence covers
enough of what it asks (gate.py); otherwise the engine says nothing governs it.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

from . import duty_pick, index_store, small_talk, thesaurus, whole_documents
from .comparison import first_difference
from .conditions import stated_amounts
from .corpus import bundled_corpus_dir, lexicon_dir
from .examples import hint
from .facts import FactType, asked_unit, question_type, term_question
from .facts import load as load_fact_types
from .homophones import Homophones
from .in_force import Register, Status
from .gate import Gate, read_legal_words
from .intents import Intent, detect, wants_comparison
from .models import Answer, Article, Citation, Document, Obligation, document_name
from .passages import best_passage
from .picks import Pick, Query
from .places import places
from .references import References
from .scope import Scope
from .store import Duties
from .text import PUNCT, fold, strip_invisible, truncate
from .tokenize import SEPARATOR, Substrings, TextWords

MAX_QUESTION = 500
FIRST_LINE = 100
# Share of a question's weight (retrieval/gate.py) the chosen sentence must cover, and the covered weight
# a question needs at least. Calibrated on 20 local documents' questions and STARD's off-topic questions
# (tests/test_abstention.py, bench/bench_gate.py).
MIN_COVERAGE = 0.5
MIN_MATCHED = 1.0
NATIONAL_MARGIN = 0.15  # … and this much more where the asker's place is silent and national documents answer
MIN_COVERAGE_OPEN = 0.7  # … for a question that asks for no particular kind of fact: nothing else to check
RARE_SHARE = 1 / 2500  # articles using a question word, below which (as a share) its synonyms are searched too
FACT_CANDIDATES = 5  # articles weighed for a fact question, best-scoring first
DEFINES_BONUS = 1.0  # a defining sentence's advantage for a question about a term as the document uses it
PASSAGE_WEIGHT = 0.5  # how much the best sentence's share of the question counts in choosing the article
FOCUS_WEIGHT = 0.5  # a focus word weighs at least this (retrieval/gate.py): a word of the laws or the corpus
FOCUS_MATCH = 0.4  # … and the answer names it, or a synonym or abbreviation of it
RIVAL_SHARE = 0.8  # another place's clause counts as a rival rule when it scores this share of the chosen one
CITING_COST = 0.25  # an article found through the one it cites ranks below it, all else equal
SHARED_WEIGHT = 0.4  # a question word this weighty, said in two sentences, makes one go on with the other
CITED_KEPT = 3  # articles an article cites whose text counts as its own in judging coverage
FACT_BONUS = 1.0  # a sentence stating the kind of fact asked over one that only shares the question's words
HEADED_BONUS = 1.0  # an item headed by the kind of fact asked ("办理流程" for 要走哪几步) over one that only mentions it
LIST_ITEMS = 12  # numbered items under one heading this few make one list ("申请材料" 1. 2. 3.)
SHORT_NOTICE = 8  # a document of this few items is read whole for a fact its best item does not state


# an opening condition short enough to be about the sentence before: "协商不一致的，", "逾期不改正的，"
_TAKES_UP = re.compile(r"([^，,。；]{2,10})的[，,]")


class Engine:
    first_line = FIRST_LINE

    def __init__(self, loaded: index_store.Loaded, corpus_dir: Path):
        self.corpus_dir = Path(corpus_dir)
        documents, store, index, tokenizer = loaded.documents, loaded.store, loaded.index, loaded.tokenizer
        self.tokenizer = tokenizer
        self.documents = documents
        self.by_number = {d.doc_number: d for d in documents}
        self.index = index
        self.store = store
        self.obligations = Duties(store)
        # a duty's words and lead-up, asked for by every question its article is a candidate of
        self.duty_words = functools.lru_cache(maxsize=4096)(self._duty_words)
        self.duty_text = functools.lru_cache(maxsize=4096)(self._lead_up)
        self._fold = functools.lru_cache(maxsize=1024)(fold)  # the pieces a candidate is judged with, folded once
        self._speaker = {e.meta.doc_number: e.speaker for e in loaded.roster.entries}
        self.glossing = frozenset(d.doc_number for d in documents if d.glosses)  # documents spelling out a quoted term
        self.scope = Scope(documents, {e.meta.doc_number: e.place for e in loaded.roster.entries})
        self.references = References(index, lambda k: store.links(index.store_id(k)))
        self.cities = self.scope.cities
        self.homophones = Homophones(lambda w: index.df(w) > 0, lambda w: tokenizer.frequency(w) > 0,
                                     {w for w in tokenizer.stopwords if len(w) == 1})
        self.gate = Gate(read_legal_words(_lexicon_file(self.corpus_dir, "legal_words.tsv")), index.df,
                         self.synonym_words, tokenizer.words, tokenizer.frequency)
        self.fact_types = load_fact_types(_lexicon_file(self.corpus_dir, "answer_types.yaml"))
        self.register = Register((d.meta for d in documents), loaded.roster.links)
        self._today: Callable[[], dt.date] = dt.date.today  # the day documents' standing is judged on
        self._standing_day: dt.date | None = None
        self._standing_checked = -math.inf  # time.monotonic() of the last look at the day
        self._lapsed_at: frozenset[int] = frozenset()  # index positions of the articles no longer in force

    @property
    def today(self) -> Callable[[], dt.date]:
        return self._today

    @today.setter
    def today(self, clock: Callable[[], dt.date]) -> None:
        """Another clock for the day (a test, a review of what applied on a past day): judged again at once."""
        self._today = clock
        self._standing_checked = -math.inf

    def standing(self, doc_number: str) -> Status:
        """A document's status today: in force, repealed (by what), expired, lapsed, not yet in force."""
        self._judge_standing()
        return self.register.status(doc_number, self._standing_day)

    def _judge_standing(self) -> None:
        """Which documents are out of force, judged again when the day changes (a running bot outlives an
        有效期)."""
        now = time.monotonic()
        if now - self._standing_checked < 60 and self._standing_day is not None:
            return  # the day is looked at once a minute, not at every question
        self._standing_checked = now
        day = self.today()
        if day != self._standing_day:
            self._standing_day = day
            lapsed = self.register.lapsed(day)
            self.scope.set_lapsed(lapsed)
            self._lapsed_at = frozenset(p for n in lapsed if n in self.by_number for p in self.index.positions_of(n))

    @classmethod
    def load(cls, corpus_dir: str | Path | None = None, progress: bool = False) -> "Engine":
        """The corpus and its index (read from CORPUS/.index where current; see index_store)."""
        path = Path(corpus_dir) if corpus_dir else bundled_corpus_dir()
        return cls(index_store.load(path, progress=progress), path)

    @functools.cached_property
    def digest(self) -> dict:
        """The corpus's roles (most duties first) and example questions, made at ingest (examples.digest)."""
        return json.loads(self.store.info("digest"))

    # ---- what the pickers read ---------------------------------------------------------------------

    def position(self, o: Obligation) -> int:
        """The index position of the article a duty is stated in."""
        return self.index.position(o.doc_number, o.article_index)

    def index_of(self, doc_number: str, article_index: int) -> int:
        return self.index.position(doc_number, article_index)

    def duties_of(self, position: int) -> list[int]:
        k, idx = self.index.place(position)
        return self.store.duty_ids(self.index.store_id(k), idx)

    def _duty_words(self, i: int) -> frozenset[str]:
        return frozenset(self.tokenizer.words(self.duty_text(i)))

    def _lead_up(self, i: int) -> str:
        """A duty's clause with what leads up to it in its sentence since the duty before it: "公安机关收到
        申请后，材料齐全的，应当…十五个工作日内出具" (who and when), not "热点部门…每季度" before "非热点部门…"."""
        o = self.obligations[i]
        at = o.sentence.find(o.clause)
        if at < 0:
            return o.clause
        start = 0
        for k in self.duties_of(self.position(o)):
            other = self.obligations[k]
            if k == i or other.sentence != o.sentence or not other.clause:
                continue
            begin = o.sentence.find(other.clause)
            if 0 <= begin and begin + len(other.clause) <= at:
                start = max(start, begin + len(other.clause))
        return o.sentence[start:at + len(o.clause)]

    def synonym_words(self, word: str) -> list[str]:
        """The document words a question word stands for, whole: a part of one (服务 of 物业服务企业) is
        not a synonym."""
        return self.tokenizer.synonyms.get(word, [])

    def idf_weight(self, word: str) -> float:
        w = self.index.idf(word)
        return w / 2 if len(word) == 1 else w

    def coverage(self, words: list[str], tokens, text: str = "") -> float:
        """Share of the question's topic the text covers (retrieval/gate.py); 0 when it covers too little."""
        c = self.gate.coverage(words, tokens, text)
        return c.share if self.gate.enough(c, MIN_MATCHED) else 0.0

    def query_words(self, fq: str, precise: bool = False) -> list[str]:
        """Topic words of a question, place names left out (they choose the scope, not the clause)."""
        fq = self.scope.without_places(fq)
        words = self.tokenizer.topic_words(fq) if precise else self.tokenizer.content_words(fq)
        return self._resegment(words)

    def _resegment(self, words: list[str]) -> list[str]:
        """Where jieba's everyday dictionary cut a question across one of the corpus's words ("接电能反映"
        → 接, 电能: the notice says 接电), cut it the corpus's way: a word the corpus never uses gives its
        first character to the word before when that makes a corpus word."""
        out = list(words)
        df = self.index.df
        for k in range(1, len(out)):
            a, b = out[k - 1], out[k]
            if len(b) >= 2 and not df(b) and (len(a) == 1 or not df(a)) and df(a + b[0]):
                out[k - 1], out[k] = a + b[0], b[1:]
        return [w for w in out if w and w not in self.tokenizer.stopwords]

    # ---- lookups used by the front ends -------------------------------------------------------

    def resolve_city(self, name: str | None) -> str | None:
        return self.scope.resolve_city(name)
    def document(self, key: str) -> Document | None:
        """A document by 文号 (any spacing or bracket form), city, slug or title."""
        k = PUNCT.sub("", fold(key))
        for d in self.documents:
            if k in (PUNCT.sub("", fold(d.doc_number)), fold(d.city), PUNCT.sub("", fold(d.meta.slug)),
                     PUNCT.sub("", fold(d.title))):
                return d
        return None

    def citation(self, article: Article, quote: str = "", score: float = 0.0) -> Citation:
        doc = self.by_number[article.doc_number]
        return Citation(doc_number=doc.doc_number, title=doc.title, city=doc.city, article=article.number,
                        label=article.label, part=article.part, quote=quote or article.body, score=score,
                        heading=article.heading)

    # ---- asking --------------------------------------------------------------------------------

    def ask(self, question: str, city: str | None = None, role: str | None = None, top: int = 3,
            within: str | None = None) -> Answer:
        """within: the 文号 of the one document to answer from (a follow-up asking how an earlier version,
        repealed now, put it), whatever its standing."""
        notes: list[str] = []
        q = strip_invisible(question or "").strip()
        if not q:
            return Answer(False, "empty", "请输入一个问题。\n" + self._hint())
        if len(q) > MAX_QUESTION:
            q = q[:MAX_QUESTION]
            notes.append(f"问题太长，只读了前{MAX_QUESTION}个字。")
        talk = small_talk.kind_of(q, self.corpus_dir)
        if talk is not None:  # 你好, 谢谢, 你能做什么: a friendly word, not a search
            return Answer(False, small_talk.INTENT, small_talk.reply(talk, self._hint()))
        top = max(1, min(int(top or 3), 50))
        self._judge_standing()
        fq = self._respelled(fold(q), notes)
        asker = self.resolve_city(city)
        if city and not asker and places().named(city):
            notes.append(f"还没有收录{truncate(city, 20)}的文件；其他地方的文件对{truncate(city, 20)}不适用。")
            asker = city  # scoped to the documents of no place (national) only
        elif city and not asker:
            notes.append(f"还没有收录“{truncate(city, 20)}”的文件，以下按全部文件回答。")
        mentioned = self.scope.mentioned(fq)
        intent = detect(fq)
        words = self.query_words(fq)
        topic = self.query_words(fq, precise=True)
        if not words or not topic:
            return self._abstain(intent, [], notes, top, "这句话里没有可以查的内容。")
        # one search per scope serves both the answer's candidates and its citations
        scores = self.index.scores(self._expand(words), self.tokenizer.strip_frames(self.scope.without_places(fq)),
                                   at_least=max(FACT_CANDIDATES, top + 1))
        ftype = question_type(self.fact_types, fq)
        query = Query(fq, words, topic, scores, role, ftype, self._focus(fq, ftype), self._asked(fq, ftype),
                      stated_amounts(fq))
        if within in self.by_number:
            kind = "lapsed" if within in self.scope.lapsed else "own"
            return self._from(intent, query, [(frozenset({within}), kind)], None, notes, top, asked_within=True)
        if wants_comparison(fq, mentioned) or (len(mentioned) == 1 and asker and asker != mentioned[0]
                                               and re.search(r"不同|区别|差异|差别|对比|相比", fq)):
            cities = mentioned if len(mentioned) >= 2 else list(dict.fromkeys([mentioned[0], asker]))
            return self._compare(intent, query, cities, notes, top)
        scope_city = mentioned[0] if len(mentioned) == 1 else asker
        scopes = self.scope.scopes(scope_city)
        return self._from(intent, query, scopes, scope_city, notes, top)

    def _from(self, intent: Intent, query: Query, scopes, scope_city: str | None, notes: list[str], top: int,
              asked_within: bool = False) -> Answer:
        """The answer from the nearest scope that has one, saying which document governs when it is not
        the asker's own (a parent's, a national one, one no longer in force)."""
        fq, ftype = query.fq, query.ftype
        cited = whole_documents.cited_article(self, fq, scopes, MIN_COVERAGE)
        if cited:
            return self._answer(Intent("lookup", None), cited, query, scopes, notes, top)
        glossed = whole_documents.glossed_term(self, fq, scopes[0][0] & self.glossing) \
            if scopes and ftype and ftype.name in ("definition", "list") else None
        if glossed:
            return self._answer(Intent("lookup", None), glossed, query, scopes, notes, top)
        for docs, kind in scopes:
            if kind == "lapsed" and not asked_within and not self._within_reach(query, scopes, docs):
                continue
            margin = NATIONAL_MARGIN if kind == "national" else 0.0
            pick = self._pick(intent, query, docs, margin)
            handled = None if pick else self._handled(query)
            if handled:
                pick = self._pick(intent, handled, docs, margin)
            if pick:
                if not scope_city and not asked_within:
                    pick = duty_pick.parent_version(self, pick)
                    others = self._other_places_rules(intent, query, pick)
                    if others:
                        return self._each_place(others, query, scopes, notes, top)
                if kind == "lapsed" and pick.article.doc_number in self.scope.lapsed:
                    notes.insert(0, self._lapsed_note(pick.article.doc_number, asked_within))
                elif kind != "own" and scope_city:
                    parent = self.by_number[pick.article.doc_number]
                    whose = "国家" if kind == "national" else f"{parent.city or ''}上级"
                    notes.append(f"{scope_city}的文件对此没有规定，以上是{whose}文件《{parent.title}》的规定。")
                return self._answer(intent, pick, query, scopes, notes, top)
        return self._abstain(intent, self._ranked(query, scopes, top), notes, top)

    def _governing(self, scopes) -> frozenset[str]:
        """Every document of an asker's scopes, as one set made once (a set's hash is kept with it, and
        the index knows its scopes by it)."""
        parts = tuple(docs for docs, _ in scopes)
        return parts[0] if len(parts) == 1 else _union(parts)

    def _within_reach(self, query: Query, scopes, docs: frozenset[str]) -> bool:
        """Whether documents no longer in force are worth a search: one of their articles ranks among the
        candidates of everything that governs the asker (the ranking the citations are drawn from anyway)."""
        governing = self._governing(scopes)
        return any(i in self._lapsed_at and self.index.document_number(i) in docs
                   for i, _ in self.index.top(query.scores, governing, FACT_CANDIDATES))

    def _lapsed_note(self, doc_number: str, asked: bool = False) -> str:
        """asked: the asker asked for this document (an earlier version), not for the rule in force."""
        said = "以上是它原来的规定。" if asked else "现行文件对此没有规定，以上是它原来的规定，仅供参考。"
        return (f"⚠️ {self.register.name(doc_number, short=True)}"
                f"{self.register.describe(self.standing(doc_number), short=True)}；{said}")

    def _handled(self, query: Query) -> Query | None:
        """"打进去会怎么处理": with no wrong said (罚, 违反, 被), how a matter is handled, should no punishment
        answer it — the question asked as a procedure."""
        if query.ftype is None or query.ftype.name != "penalty" or _PUNISHED.search(query.fq) or "被" in query.fq:
            return None
        procedure = next((t for t in self.fact_types if t.name == "procedure"), None)
        return replace(query, ftype=procedure, focus=None) if procedure else None

    def _respelled(self, fq: str, notes: list[str]) -> str:
        """The question with its mistyped words spelled as the corpus spells them (抱名 → 报名), said so."""
        for typo, word in self.homophones.respelled(self.tokenizer.cut(fq)).items():
            fq = fq.replace(typo, word)
            notes.append(f"“{typo}”按“{word}”理解。")
        return fq

    def _other_places_rules(self, intent: Intent, query: Query, pick: Pick) -> list[tuple[str, Pick]]:
        """Asked with no city: where other places' documents state the rule differently, each place's rule
        ([(place, pick)], the chosen one first); [] when they agree or are silent."""
        home = self.scope.place_of.get(pick.article.doc_number)
        if home is None:
            return []
        found = [(home.short, pick)]
        for place, docs in sorted(self.scope.other_places(home).items()):
            other = self._pick(intent, query, docs)
            if other and other.score >= RIVAL_SHARE * pick.score and self._rule(query, other) != self._rule(query, pick):
                found.append((place, other))
        return found if len(found) > 1 else []

    def _rule(self, query: Query, pick: Pick) -> tuple:
        """What a pick states as the rule: its duty's slots, else the asked facts in its line, else its numbers."""
        o = pick.obligation
        if o is not None:
            return tuple(sorted(o.slots().items()))
        fact = query.ftype.fact(query.fq) if query.ftype else None
        if fact is not None:
            return tuple(sorted(m.group(0) for m in fact.finditer(fold(pick.first_line))))
        return tuple(sorted(_facts(pick.first_line)))

    def _each_place(self, picks: list[tuple[str, Pick]], query: Query, scopes, notes: list[str],
                    top: int) -> Answer:
        line = "；".join(f"{c}：{p.first_line.rstrip('。')}" for c, p in picks)
        citations = [self.citation(p.article, p.quote, p.score) for _, p in picks]
        shown = {(c.doc_number, c.label) for c in citations}
        citations += [c for c in self._ranked(query, scopes, top + len(citations))
                      if (c.doc_number, c.label) not in shown][: max(0, top - len(citations))]
        notes = notes + ["没有设置城市，各地的规定不同，以上分别列出。"]
        answer = Answer(True, "comparison", "", citations, notes, primary=len(picks), covers=self._covers_of(query))
        answer.answer = _render(truncate(line, FIRST_LINE), citations[: len(picks)], notes)
        return answer

    def _focus(self, fq: str, ftype: FactType | None) -> str | None:
        """The thing a measured question asks about: the last noun of weight before its frame
        ("领导干部的退休年龄是多少" → 退休年龄; not 之间, 到期 or 走访, which say how, not of what).
        Everyday words do not count (they may be said otherwise)."""
        if ftype is None or not ftype.required or not ftype.measured:
            return None
        m = ftype.question.search(fq)
        if not m:
            return None
        nouns = self.tokenizer.nouns(fq[:m.start()])
        words = [w for w in self.query_words(fq[:m.start()], precise=True) if len(w) > 1 and w in nouns]
        return words[-1] if words and self.gate.weight(words[-1]) >= FOCUS_WEIGHT else None

    def _asked(self, fq: str, ftype: FactType | None) -> list[str] | None:
        """The words of the part of a who-question that asks ("…副省长，宣誓仪式谁来组织" → 宣誓, 仪式, 组织): the
        body the answer names must be the one doing that, not any body its clause mentions."""
        if ftype is None or ftype.name != "who":
            return None
        m = ftype.question.search(fq)
        if not m:
            return None
        start = max((b.end() for b in _CLAUSE_END.finditer(fq, 0, m.start())), default=0)
        end = _CLAUSE_END.search(fq, m.end())
        words = [w for w in self.query_words(fq[start:end.start() if end else len(fq)], precise=True)
                 if self.gate.weight(w) > 0]
        return words or None

    def _names_focus(self, query: Query, words: "TextWords | Substrings") -> bool:
        """The text answering names what a measured question asks about."""
        return query.focus is None or self.gate.match(query.focus, words, words.folded) >= FOCUS_MATCH

    def _covers(self, query: Query, folded: str, least: float) -> bool:
        """Whether a text (folded) could hold the answer: names the focus and covers at least this much of
        the question, its every substring taken for a word (so a part of it covers no more)."""
        whole = Substrings(folded)
        return self._names_focus(query, whole) and self.coverage(query.topic, whole, whole.folded) >= least

    def _expand(self, words: list[str]) -> list[str]:
        """The lexicon's synonyms of each word, and for a word the corpus never or hardly uses (in a large
        corpus, a word a handful of articles happen to hold), the thesaurus's synonyms that it does use
        (露天 → 室外)."""
        out = self.tokenizer.expand(words)
        for w in words:
            if self.index.df(w) <= self.index.size * RARE_SHARE:
                out.extend(s for s in thesaurus.synonyms(w) if self.index.df(s))
        return out

    def _pick(self, intent: Intent, query: Query, docs: set[str], margin: float = 0.0) -> Pick | None:
        """margin: how much more of the question a clause must cover (national documents, which answer for
        every place and whose sheer number finds a clause for almost anything)."""
        if intent.name == "standing":
            return whole_documents.standing(self, query, docs, MIN_COVERAGE)
        if intent.name == "repeal":
            return whole_documents.closing(self, docs, "废止", query, MIN_COVERAGE)
        if intent.name == "effective":
            return whole_documents.closing(self, docs, "施行", query, MIN_COVERAGE)
        if intent.name == "issued":
            return whole_documents.issued(self, docs)
        if intent.structured:
            pick = duty_pick.pick_duty(self, intent, query, docs, MIN_COVERAGE + margin)
            if pick and self._asks_a_fee(query) and _FINE.search(pick.quote):
                pick = None
            if pick and self._states_asked_measure(query, pick) and self._names_focus(query, TextWords(self.tokenizer, pick.article.body)):
                fact = self._pick_fact(query, docs, margin)
                # a duty of a weaker article does not outrank the article the question is about
                duty_score = query.scores[self.index_of(pick.article.doc_number, pick.article.index)]
                if fact is None or fact.article is pick.article or duty_score >= fact.score:
                    return pick
                return fact
        return self._pick_fact(query, docs, margin)

    @staticmethod
    def _asks_a_fee(query: Query) -> bool:
        """A question of a measure that is not about a punishment ("门牌的制作费多少钱", "尺寸至少多大"):
        a fine is not its answer."""
        return bool(query.ftype) and query.ftype.required and query.ftype.name != "penalty" \
            and not _PUNISHED.search(query.fq)

    def _states_asked_measure(self, query: Query, pick: Pick) -> bool:
        """A question that names its measure (多少钱, 几年) is not answered by a duty in another one."""
        if query.ftype is None or not query.ftype.measured or asked_unit(query.fq) is None or pick.obligation is None:
            return True
        fact = query.ftype.fact(query.fq)
        return fact is None or bool(fact.search(fold(pick.obligation.clause)))

    def _pick_fact(self, query: Query, docs: set[str], margin: float = 0.0) -> Pick | None:
        """Of the best articles in scope, the one whose clause covers the question and states the asked fact."""
        ftype = query.ftype
        fact = ftype.fact(query.fq) if ftype else None
        ranked = self.index.top(query.scores, docs, FACT_CANDIDATES)
        if not ranked:
            return None
        top_score = ranked[0][1]
        query_weight = sum(self.gate.weight(w) for w in dict.fromkeys(query.topic))
        defines = term_question(self.fact_types, query.fq)
        fine_for_fee = self._asks_a_fee(query)
        list_wanted = bool(ftype) and ftype.name == "list"
        least = (MIN_COVERAGE if ftype else MIN_COVERAGE_OPEN) + margin  # the coverage an answer needs
        best, best_value = None, -1.0
        candidates = list(self._with_citing(ranked, docs))
        if ftype and (ftype.required or ftype.heading):
            candidates += self._document_items(ranked[0][0], {i for i, _, _ in candidates}, query.scores, ftype)
        for i, score, via in candidates:
            article = self.index.article(i)
            # an item headed by the asked kind of fact ("服务地点："), or one of a list under such a heading
            headed = bool(ftype) and (ftype.heads(article.heading) or (
                ftype.name == "list" and not article.heading and ftype.heads(article.part)))
            # the most it could be worth (a full coverage, the fact, the whole question in one sentence):
            # not weighed at all when that cannot beat the best so far
            can_state = fact is not None or headed or list_wanted  # (a list's opener with its items states it)
            bound = score / top_score + 1.0 + PASSAGE_WEIGHT + (FACT_BONUS if can_state else 0.0) \
                + (DEFINES_BONUS if defines is not None else 0.0) + (HEADED_BONUS if headed else 0.0) \
                - (CITING_COST if via is not None else 0.0)
            if bound <= best_value:
                continue
            # "违反本条例第五条规定的，…罚款": what it punishes is said in 第五条
            cited = [self.index.article(c).body for c in ([via] if via is not None else self.references.cites(i))[:CITED_KEPT]]
            # what the sentence chosen below is judged with is part of the article as a whole: an article
            # whose whole text does not name the focus or cover enough of the question is not read further
            body = self._fold(article.body)
            if not self._covers(query, SEPARATOR.join([self._fold(article.part), self._fold(article.heading), body,
                                                       *map(self._fold, [self._speaker[article.doc_number], *cited])]),
                                least):
                continue
            passage = best_passage(article, query.topic, self.gate.text_match, self.gate.weight, fact, FIRST_LINE,
                                   list_wanted=list_wanted,
                                   title=self.by_number[article.doc_number].title, asked=query.asked,
                                   amounts=query.amounts)
            if headed:
                passage.has_fact = True  # "服务时间：9月29日~9月30日": the item's heading says what it states
            if ftype and ftype.required and not passage.has_fact:
                continue
            if fine_for_fee and _FINE.search(passage.sentence):
                continue  # "制作费多少钱" is not answered by a fine
            defined = defines is not None and bool(defines.search(fold(passage.sentence)))
            fact_bonus = FACT_BONUS if passage.has_fact else 0.0
            sentence_share = PASSAGE_WEIGHT * min(1.0, passage.overlap / max(query_weight, 1e-6))
            # "条例里说的X": the sentence that defines X; an article found through the one it cites is scored
            # as that one, whose words it borrows
            bonuses = (DEFINES_BONUS if defined else 0.0) + (HEADED_BONUS if headed else 0.0) \
                - (CITING_COST if via is not None else 0.0)
            if score / top_score + 1.0 + fact_bonus + sentence_share + bonuses <= best_value:
                continue  # all it lacks is its coverage, and even a full one would not make it the best
            # the sentence with its heading and who speaks in it (a notice's items are terse)
            pieces = [article.part, article.heading, self._continued(query, passage), passage.sentence,
                      self._speaker[article.doc_number], *cited]
            where = SEPARATOR.join(pieces)
            tokens = TextWords(self.tokenizer, where, SEPARATOR.join(map(self._fold, pieces)))
            if not self._names_focus(query, TextWords(self.tokenizer, where + SEPARATOR + article.body,
                                                      tokens.folded + SEPARATOR + body)):
                continue  # "退休年龄是多少" is not answered by an article that never speaks of it
            coverage = self.coverage(query.topic, tokens, tokens.folded)
            if coverage < least:
                continue
            value = score / top_score + coverage + fact_bonus + sentence_share + bonuses
            if value > best_value:
                best, best_value = Pick(article, passage.line, passage.sentence, score, coverage), value
        if best and ftype and ftype.name == "list" and ftype.heads(best.article.part):
            items = self._sibling_items(best.article)
            if items:  # "申请材料：1.… 2.… 3.…": the list asked for is the items together, not the best one
                best.first_line = truncate("；".join(items), FIRST_LINE)
        return best

    def _sibling_items(self, article) -> list[str]:
        """The first sentences of the numbered items that stand with an item under its part's heading
        ("四、申请材料" / "1.临时救助申请审批表" / "2.书面申请…"); [] for an article of a regulation. Only a
        heading naming a list (材料, 范围) makes its items one answer: "现行文件阅览制度" is rules, each its own."""
        if not article.part or article.number is None:
            return []
        doc = self.by_number[article.doc_number]
        items = [a for a in doc.articles if a.part == article.part]
        if not 2 <= len(items) <= LIST_ITEMS or any(a.heading or a.label.startswith("第") for a in items):
            return []
        return [(a.sentences[0] if a.sentences else a.body).rstrip("；;。，,") for a in items]

    def _document_items(self, top: int, seen: set[int], scores, ftype: FactType) -> list[tuple[int, float, None]]:
        """More items of the document whose best item leads: in a document of any length, those headed by
        the asked kind of fact ("六、办理时间和地点"); in a short notice asked for a required fact, all of
        them ("一、接电时间 2018年8月13日", under a preamble saying what is announced). The item stating the
        fact may share no word with the question, the document as a whole does."""
        number = self.index.document_number(top)
        positions = self.index.positions_of(number)
        if len(positions) > SHORT_NOTICE and not ftype.heading:
            return []  # a long document, and no heading of the asked kind to look for
        short = len(positions) <= SHORT_NOTICE
        rest = [k for k, heading in enumerate(self.by_number[number].headings())
                if (short and ftype.required) or ftype.heads(heading)]
        return [(i, float(scores[i]), None) for i in (positions[k] for k in rest) if i not in seen]

    def _continued(self, query: Query, passage) -> str:
        """The sentence before the quote where the quote goes on with its subject ("…有利害关系的，应当回避。
        信访工作人员的回避，由…决定"): both say a word of the question."""
        before, now = fold(passage.before), fold(passage.sentence)
        shared = any(self.gate.text_match(w, before) >= 1.0 and self.gate.text_match(w, now) >= 1.0
                     for w in query.topic if self.gate.weight(w) >= SHARED_WEIGHT)
        return passage.before if shared or self._goes_on(before, now) else ""

    def _goes_on(self, before: str, now: str) -> bool:
        """A sentence whose opening condition takes up the one before ("…可以由业主之间协商解决。协商不一致的，
        由…组织调解"): it is said of what that sentence says."""
        m = _TAKES_UP.match(now)
        return bool(m) and any(len(w) > 1 and w in before for w in self.tokenizer.cut(m.group(1)))

    def _with_citing(self, ranked: list[tuple[int, float]], docs: set[str]):
        """(article, score, the article it cites or None): the ranked articles, each followed by the articles
        of its document that refer to it ("违反本条例第五条规定的"), scored as the article they cite."""
        seen = {i for i, _ in ranked}
        for i, score in ranked:
            yield i, score, None
            for r in self.references.citing(i):
                if r not in seen and self.index.article(r).doc_number in docs:
                    seen.add(r)
                    yield r, score, i

    # ---- comparison ----------------------------------------------------------------------------

    def _compare(self, intent: Intent, query: Query, cities: list[str], notes, top) -> Answer:
        picks: list[tuple[str, Pick]] = []
        for c in cities:
            docs = self.scope.own(c)
            pick = self._pick(intent, query, docs) if docs else None
            if pick:
                picks.append((c, pick))
            else:
                notes.append(f"{c}的文件对此没有规定。")
        if not picks:
            return self._abstain(intent, self._ranked(query, self.scope.scopes(None), top), notes, top)
        if len(picks) == 2 and not picks[0][1].obligation and not picks[1][1].obligation:
            a, b = picks[0][1], picks[1][1]
            diff = first_difference(a.article, b.article)  # the alignment `policybot compare` shows
            if diff:
                (ca, sa), (cb, sb) = diff
                (a.first_line, a.quote), (b.first_line, b.quote) = (truncate(ca, 45), sa), (truncate(cb, 45), sb)
        if len(picks) == 2 and picks[0][1].first_line == picks[1][1].first_line:
            line = f"{picks[0][0]}和{picks[1][0]}规定相同：{picks[0][1].first_line}"
        else:
            line = "；".join(f"{c}：{p.first_line.rstrip('。')}" for c, p in picks)
        citations = [self.citation(p.article, p.quote, p.score) for _, p in picks]
        answer = Answer(True, "comparison", "", citations, notes, primary=len(citations))
        answer.answer = _render(truncate(line, FIRST_LINE), citations, notes)
        return answer

    # ---- rendering -----------------------------------------------------------------------------

    def _ranked(self, query: Query, scopes, top) -> list[Citation]:
        """Articles by score within the documents that govern the asker (their city's and those it is
        issued under), then any others."""
        governing = self._governing(scopes) if scopes else None
        out, seen = [], set()
        for docs in (governing, None):
            for i, s in self.index.top(query.scores, docs, top):
                if i not in seen:
                    seen.add(i)
                    art = self.index.article(i)
                    c = self.citation(art, art.body, s)
                    c.position = i
                    out.append(c)
                if len(out) >= top:
                    return out
        return out

    def _answer(self, intent: Intent, pick: Pick, query: Query, scopes, notes, top) -> Answer:
        first = self.citation(pick.article, pick.quote, max(pick.score, 0.0))
        rest = [c for c in self._ranked(query, scopes, top + 1)
                if (c.doc_number, c.article, c.label) != (first.doc_number, first.article, first.label)]
        citations = [first] + rest[: top - 1]
        text = _render(pick.first_line, [first], notes)
        return Answer(True, intent.name, text, citations, notes, covers=self._covers_of(query))

    def _covers_of(self, query: Query) -> Callable[[Citation], float]:
        """How much of the question a ranked citation's article covers, from the words it was indexed under
        (Answer.related: only clauses covering enough are offered as related)."""
        def covers(c: Citation) -> float:
            if c.position < 0:
                return 0.0
            return self.coverage(query.topic, self.index.token_set(c.position), self._fold(self.index.article(c.position).body))
        return covers

    def _abstain(self, intent: Intent, citations, notes, top, reason: str = "") -> Answer:
        line = reason or "已收录的文件里没有规定这个问题的条款。"
        text = "\n".join([line, *notes, self._hint()])
        return Answer(False, intent.name, text, citations[:top], notes)

    def _hint(self) -> str:
        return hint(self)


_FINE = re.compile(r"罚款|罚金")
_CLAUSE_END = re.compile(r"[，,。；;？?！!]")  # where the part of a question that asks starts and ends
_PUNISHED = re.compile(r"罚|处罚|违反|违法|后果|责任")


@functools.lru_cache(maxsize=256)
def _union(parts: tuple[frozenset[str], ...]) -> frozenset[str]:
    return frozenset().union(*parts)


def _render(first_line: str, citations: list[Citation], notes: list[str]) -> str:
    lines = [first_line, *notes]  # which document governs is said before the citation
    for c in citations:
        where = "，".join(x for x in (c.part, f"{c.label}{c.heading}".strip()) if x)
        lines.append(f"依据：{document_name(c.title, c.doc_number)}{where}")
        if c.quote != first_line:  # metadata answers have no sentence of the text to quote
            lines.append(f"原文：“{c.quote}”")
    return "\n".join(lines)


_FACT_TOKEN = re.compile(r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+(?=[个次日天年月周人名元米项件级])|每[个]?[周月季年天日半]+[度年]?")


def _facts(line: str) -> set[str]:
    """The numbers and rhythms a line states: two lines with the same ones state the same rule."""
    return set(_FACT_TOKEN.findall(fold(line)))


def _lexicon_file(corpus_dir: Path, name: str) -> Path:
    """A lexicon file of the corpus's own lexicon folder, else the bundled one."""
    own = lexicon_dir(corpus_dir) / name
    return own if own.exists() else bundled_corpus_dir() / "lexicon" / name
