"""The answering core: question → intent → scoped retrieval → obligation or sentence → Answer.

Scope follows the asker's city: that city's documents first; where they are silent, the documents
they are issued under (meta.parent), and the answer says so; documents of no city (national) last.
A question is answered only when the chosen clause covers enough of what it asks (idf-weighted
coverage of its content words); otherwise the engine says nothing governs it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import index_store, thesaurus
from .citations import article_reference
from .comparison import first_difference
from .corpus import bundled_corpus_dir, lexicon_dir
from .examples import hint
from .facts import FactType, asked_unit, question_type
from .facts import load as load_fact_types
from .gate import Gate, read_legal_words
from .passages import best_passage
from .index import ArticleIndex
from .intents import Intent, detect, wants_comparison
from .models import Answer, Article, Citation, Document, Obligation
from .obligations import actor_match, find_actor
from .places import Place, places
from .text import PUNCT, fold, split_clauses, strip_invisible, truncate
from .tokenize import Tokenizer

MAX_QUESTION = 500
RIVAL_SHARE = 0.8  # another place's clause counts as a rival rule when it scores this share of the chosen one
FACT_CANDIDATES = 5
FOCUS_WEIGHT = 0.5  # a focus word weighs at least this (retrieval/gate.py): a word of the laws or the corpus
FOCUS_MATCH = 0.5  # … and the answer names it, or a synonym or abbreviation of it
PASSAGE_WEIGHT = 0.5  # how much the best sentence's share of the question counts in choosing the article  # articles weighed for a fact question, best-scoring first
CANDIDATE_ARTICLES = 60  # obligations are looked for in this many best-scoring articles of the scope
FIRST_LINE = 100
# Share of a question's topic (idf mass of its content words) the chosen clause must cover.
# Calibrated on answerable and unanswerable questions (tests/test_abstention.py).
MIN_COVERAGE = 0.5
MIN_MATCHED = 1.0  # covered weight: at least one word the corpus or legal writing uses


@dataclass
class _Query:
    """One question as the pickers see it."""

    fq: str  # folded text
    words: list[str]  # search-mode topic words (ranking)
    topic: list[str]  # precise-mode topic words (coverage)
    scores: object  # BM25 score of every article
    role: str | None = None
    ftype: FactType | None = None  # the kind of fact asked (retrieval/facts.py)
    focus: str | None = None  # what the amount or date is asked of ("退休年龄是多少"): the answer must name it


@dataclass
class _Pick:
    article: Article
    first_line: str
    quote: str
    score: float
    coverage: float
    obligation: Obligation | None = None


class Engine:
    def __init__(self, documents: list[Document], obligations: list[Obligation], index: ArticleIndex,
                 tokenizer: Tokenizer, corpus_dir: Path):
        self.corpus_dir = Path(corpus_dir)
        self.tokenizer = tokenizer
        self.documents = documents
        self.by_number = {d.doc_number: d for d in documents}
        self.index = index
        self._pos = {(a.doc_number, a.index): i for i, a in enumerate(index.articles)}
        self.obligations = obligations
        self._ob_by_article: dict[int, list[int]] = {}
        for i, o in enumerate(obligations):
            self._ob_by_article.setdefault(self._pos[(o.doc_number, o.article_index)], []).append(i)
        self._ob_word_cache: dict[int, frozenset[str]] = {}
        self.cities = sorted({d.city for d in documents if d.city}, key=len, reverse=True)
        self.place_of: dict[str, Place | None] = {d.doc_number: document_place(d) for d in documents}
        # every name a question may use for a place that has documents: 招远, 招远市, 丰泽区, 丰泽
        self.place_names = sorted({n for p in self.place_of.values() if p for n in (p.name, p.short)} | set(self.cities),
                                  key=len, reverse=True)
        legal = _lexicon_file(self.corpus_dir, "legal_words.tsv")
        self.gate = Gate(read_legal_words(legal), index.words.df, self._synonym_words, tokenizer.words,
                         tokenizer.frequency)
        self.fact_types = load_fact_types(_lexicon_file(self.corpus_dir, "answer_types.yaml"))

    @classmethod
    def load(cls, corpus_dir: str | Path | None = None, progress: bool = False) -> "Engine":
        """The corpus and its index (read from CORPUS/.index where current; see index_store)."""
        path = Path(corpus_dir) if corpus_dir else bundled_corpus_dir()
        loaded = index_store.load(path, progress=progress)
        return cls(loaded.documents, loaded.obligations, loaded.index, loaded.tokenizer, path)

    def _ob_words(self, i: int) -> frozenset[str]:
        """An obligation's words, tokenized the first time a question looks at it."""
        words = self._ob_word_cache.get(i)
        if words is None:
            words = self._ob_word_cache[i] = frozenset(self.tokenizer.words(self.obligations[i].clause))
        return words

    # ---- lookups used by the front ends -------------------------------------------------------

    def resolve_city(self, name: str | None) -> str | None:
        """'苏州市' / '蘇州' → '苏州'; a place without documents of its own ('青岛') → its short name when
        a place containing it has documents; None when no document governs it."""
        if not name:
            return None
        f = fold(name).removesuffix("市")
        known = next((c for c in self.cities if fold(c) == f or fold(c).removesuffix("市") == f), None)
        if known:
            return known
        place = places().named(name)
        if place and any(p and place.within(p) for p in self.place_of.values()):
            return place.short
        return None

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

    def ask(self, question: str, city: str | None = None, role: str | None = None, top: int = 3) -> Answer:
        notes: list[str] = []
        q = strip_invisible(question or "").strip()
        if not q:
            return Answer(False, "empty", "请输入一个问题。\n" + self._hint())
        if len(q) > MAX_QUESTION:
            q = q[:MAX_QUESTION]
            notes.append(f"问题太长，只读了前{MAX_QUESTION}个字。")
        top = max(1, min(int(top or 3), 50))
        fq = fold(q)
        asker = self.resolve_city(city)
        if city and not asker:
            notes.append(f"还没有收录“{truncate(city, 20)}”的文件，以下按全部文件回答。")
        mentioned = self._mentioned(fq)
        intent = detect(fq)
        words = self._query_words(fq)
        topic = self._query_words(fq, precise=True)
        if not words or not topic:
            return self._abstain(intent, [], notes, top, "这句话里没有可以查的内容。")
        scores = self.index.scores(self._expand(words), self.tokenizer.strip_frames(fq))
        ftype = question_type(self.fact_types, fq)
        query = _Query(fq, words, topic, scores, role, ftype, self._focus(fq, ftype))
        if wants_comparison(fq, mentioned) or (len(mentioned) == 1 and asker and asker != mentioned[0]
                                               and re.search(r"不同|区别|差异|差别|对比|相比", fq)):
            cities = mentioned if len(mentioned) >= 2 else list(dict.fromkeys([mentioned[0], asker]))
            return self._compare(intent, query, cities, notes, top)
        scope_city = mentioned[0] if len(mentioned) == 1 else asker
        scopes = self._scopes(scope_city)
        cited = self._cited_article(fq, scopes)
        if cited:
            return self._answer(Intent("lookup", None), cited, query, scopes, notes, top)
        for n, (docs, kind) in enumerate(scopes):
            pick = self._pick(intent, query, docs)
            if pick:
                if not scope_city:
                    pick = self._parent_version(pick)
                    others = self._other_places_rules(intent, query, pick)
                    if others:
                        return self._each_place(others, query, scopes, notes, top)
                if n > 0 and scope_city:
                    parent = self.by_number[pick.article.doc_number]
                    notes.append(f"{scope_city}的文件对此没有规定，以上是{parent.city or ''}上级文件"
                                 f"《{parent.title}》的规定。")
                return self._answer(intent, pick, query, scopes, notes, top)
        return self._abstain(intent, self._ranked(query, scopes, top), notes, top)

    def _other_places_rules(self, intent: Intent, query: _Query, pick: _Pick) -> list[tuple[str, _Pick]]:
        """Asked with no city: where other places' documents state the rule differently, each place's rule
        ([(place, pick)], the chosen one first); [] when they agree or are silent."""
        home = self.place_of.get(pick.article.doc_number)
        if home is None:
            return []
        found = [(home.short, pick)]
        by_place: dict[str, set[str]] = {}
        for n, p in self.place_of.items():
            if p is not None and p != home:
                by_place.setdefault(p.short, set()).add(n)
        for place, docs in sorted(by_place.items()):
            other = self._pick(intent, query, docs)
            if other and other.score >= RIVAL_SHARE * pick.score and self._rule(query, other) != self._rule(query, pick):
                found.append((place, other))
        return found if len(found) > 1 else []

    def _rule(self, query: _Query, pick: _Pick) -> tuple:
        """What a pick states as the rule: its duty's slots, else the asked facts in its line, else its numbers."""
        o = pick.obligation
        if o is not None:
            return tuple(sorted(o.slots().items()))
        fact = query.ftype.fact(query.fq) if query.ftype else None
        if fact is not None:
            return tuple(sorted(m.group(0) for m in fact.finditer(fold(pick.first_line))))
        return tuple(sorted(_facts(pick.first_line)))

    def _each_place(self, picks: list[tuple[str, _Pick]], query: _Query, scopes, notes: list[str],
                    top: int) -> Answer:
        line = "；".join(f"{c}：{p.first_line.rstrip('。')}" for c, p in picks)
        citations = [self.citation(p.article, p.quote, p.score) for _, p in picks]
        shown = {(c.doc_number, c.label) for c in citations}
        citations += [c for c in self._ranked(query, scopes, top + len(citations))
                      if (c.doc_number, c.label) not in shown][: max(0, top - len(citations))]
        notes = notes + ["没有设置城市，各地的规定不同，以上分别列出。"]
        answer = Answer(True, "comparison", "", citations, notes, primary=len(citations))
        answer.answer = self._render(truncate(line, FIRST_LINE), citations, notes)
        return answer

    def _focus(self, fq: str, ftype: FactType | None) -> str | None:
        """The word a measured question asks about: the last word of weight before its frame
        ("领导干部的退休年龄是多少" → 退休年龄). Everyday words do not count (they may be said otherwise)."""
        if ftype is None or not ftype.required:
            return None
        m = ftype.question.search(fq)
        words = [w for w in self._query_words(fq[:m.start()], precise=True) if len(w) > 1] if m else []
        return words[-1] if words and self.gate.weight(words[-1]) >= FOCUS_WEIGHT else None

    def _names_focus(self, query: _Query, text: str) -> bool:
        return query.focus is None or self.gate.match(query.focus, frozenset(self.tokenizer.words(text)),
                                                      fold(text)) >= FOCUS_MATCH

    def _expand(self, words: list[str]) -> list[str]:
        """The lexicon's synonyms of each word, and for a word the corpus never uses, the thesaurus's
        synonyms that it does use (露天 → 室外)."""
        out = self.tokenizer.expand(words)
        for w in words:
            if not self.index.words.df(w):
                out.extend(s for s in thesaurus.synonyms(w) if self.index.words.df(s))
        return out

    def _mentioned(self, fq: str) -> list[str]:
        """Places with documents that a question names, in the order it names them (短名, as cities go)."""
        found: list[tuple[int, str]] = []
        text = fq
        for name in self.place_names:
            at = text.find(fold(name))
            if at >= 0:
                place = places().named(name)
                found.append((at, place.short if place else name))
                text = text.replace(fold(name), " " * len(name))
        return list(dict.fromkeys(n for _, n in sorted(found)))

    def _query_words(self, fq: str, precise: bool = False) -> list[str]:
        """Topic words of a question, place names left out (they choose the scope, not the clause)."""
        for c in self.place_names:
            fq = fq.replace(fold(c) + "市", " ").replace(fold(c), " ")
        return self.tokenizer.topic_words(fq) if precise else self.tokenizer.content_words(fq)

    def _scopes(self, city: str | None) -> list[tuple[set[str], str]]:
        """The documents that govern an asker of this place, nearest first: the place's own, the documents
        they are issued under (meta.parent), those of the places containing it (city, province), then
        documents of no place (national). Documents of other places never govern."""
        if not city:
            return [({d.doc_number for d in self.documents}, "all")]
        asker = places().named(city)
        own = {d.doc_number for d in self.documents
               if d.city == city or (asker and self.place_of[d.doc_number] == asker)}
        scopes = [(own, "own")] if own else []
        seen = set(own)
        frontier = own
        while frontier:
            parents = {self.by_number[n].meta.parent for n in frontier} - {None} - seen
            parents &= set(self.by_number)
            if parents:
                scopes.append((parents, "parent"))
            seen |= parents
            frontier = parents
        for code in (asker.ancestors() if asker else []):
            docs = {n for n, p in self.place_of.items() if p and p.code == code} - seen
            if docs:
                scopes.append((docs, "parent"))
                seen |= docs
        national = {d.doc_number for d in self.documents if self.place_of[d.doc_number] is None and not d.city} - seen
        if national:
            scopes.append((national, "national"))
        return scopes

    # ---- choosing the clause -------------------------------------------------------------------

    def _weight(self, word: str) -> float:
        w = self.index.idf(word)
        return w / 2 if len(word) == 1 else w

    def _coverage(self, words: list[str], tokens: set[str], text: str = "") -> float:
        """Share of the question's topic the text covers (retrieval/gate.py); 0 when it covers too little."""
        c = self.gate.coverage(words, tokens, text)
        return c.share if self.gate.enough(c, 0.0, MIN_MATCHED) else 0.0

    def _parts_found(self, word: str, tokens: set[str]) -> bool:
        """True when found sub-words of a long word cover every one of its characters."""
        if len(word) < 3:
            return False
        covered = [False] * len(word)
        for part in self.tokenizer.words(word):
            if len(part) > 1 and part != word and part in tokens:
                at = word.find(part)
                covered[at:at + len(part)] = [True] * len(part)
        return all(covered)

    def _synonym_words(self, word: str) -> list[str]:
        return [t for s in self.tokenizer.synonyms.get(word, []) for t in self.tokenizer.words(s)]

    def _pick(self, intent: Intent, query: _Query, docs: set[str]) -> _Pick | None:
        if intent.name == "repeal":
            return self._pick_closing(docs, "废止", query)
        if intent.name == "effective":
            return self._pick_closing(docs, "施行", query)
        if intent.name == "issued":
            return self._pick_issued(docs)
        if intent.structured:
            pick = self._pick_obligation(intent, query, docs)
            if pick and self._states_asked_measure(query, pick) and self._names_focus(
                    query, pick.obligation.sentence if pick.obligation else pick.quote):
                return pick
        return self._pick_fact(query, docs)

    def _states_asked_measure(self, query: _Query, pick: _Pick) -> bool:
        """A question that names its measure (多少钱, 几年) is not answered by a duty in another one."""
        if query.ftype is None or not query.ftype.measured or asked_unit(query.fq) is None or pick.obligation is None:
            return True
        fact = query.ftype.fact(query.fq)
        return fact is None or bool(fact.search(fold(pick.obligation.clause)))

    def _pick_fact(self, query: _Query, docs: set[str]) -> _Pick | None:
        """Of the best articles in scope, the one whose clause covers the question and states the asked fact."""
        ftype = query.ftype
        fact = ftype.fact(query.fq) if ftype else None
        ranked = self.index.top(query.scores, docs, FACT_CANDIDATES)
        if not ranked:
            return None
        top_score = ranked[0][1]
        query_weight = sum(self.gate.weight(w) for w in dict.fromkeys(query.topic))
        best, best_value = None, -1.0
        for i, score in ranked:
            article = self.index.articles[i]
            passage = best_passage(article, query.topic, self._text_match, self.gate.weight, fact, FIRST_LINE,
                                   list_wanted=bool(ftype) and ftype.name == "list")
            if ftype and ftype.required and not passage.has_fact:
                continue
            where = f"{article.part} {article.heading} {passage.sentence}"
            if not self._names_focus(query, where):
                continue
            coverage = self._coverage(query.topic, frozenset(self.tokenizer.words(where)), fold(where))
            if coverage < MIN_COVERAGE:
                continue
            value = score / top_score + coverage + (0.5 if passage.has_fact else 0.0) + PASSAGE_WEIGHT * min(
                1.0, passage.overlap / max(query_weight, 1e-6))
            if value > best_value:
                best, best_value = _Pick(article, passage.line, passage.sentence, score, coverage), value
        return best

    def _text_match(self, word: str, text: str) -> float:
        return self.gate.match(word, frozenset(), text)

    def _pick_obligation(self, intent: Intent, query: _Query, docs: set[str]) -> _Pick | None:
        """The obligation stating the asked slot whose words, actor and article best match the question."""
        slots = ["count", "period"] if intent.name == "count" else [intent.slot]
        if intent.name == "frequency" and not _RECURRING.search(query.fq):
            slots += ["deadline", "duration"]  # "最多停多久", "多长时间内报告": a limit, not a rhythm
        qset = set(query.words)
        singles = [w for w in qset if len(w) == 1]
        compact_q = PUNCT.sub("", query.fq)
        ranked = self.index.top(query.scores, docs, CANDIDATE_ARTICLES)
        top_score = ranked[0][1] if ranked else 1.0
        candidates = []  # (index, topic weight, actor match in the question)
        for i in (i for pos, _ in ranked for i in self._ob_by_article.get(pos, ())):
            o = self.obligations[i]
            if not any(_has_slot(o, s) for s in slots):
                continue
            ob_words = self._ob_words(i)
            found = [w for w in qset if w in ob_words or any(s in ob_words for s in self._synonym_words(w))]
            if singles:  # a single character counts by presence, as in _coverage ("整改完" ~ "完成整改")
                text = fold(o.clause)
                found += [w for w in singles if w not in found and w in text]
            if not found:
                continue
            candidates.append((i, sum(self._weight(w) for w in found), actor_match(o.actor, compact_q)))
        # The asker's role stands in for the actor only when the question names none itself.
        role = PUNCT.sub("", fold(query.role)) if query.role else ""
        use_role = role and not any(a >= 2 for _, _, a in candidates)
        best, best_score = None, 0.0
        for i, topic, actor in candidates:
            o = self.obligations[i]
            actor = 1.5 * actor_match(o.actor, role) if use_role else 0.8 * actor
            prior = 2.0 * query.scores[self._pos[(o.doc_number, o.article_index)]] / top_score
            total = topic + actor + prior + (0.5 if _has_slot(o, slots[0]) else 0)
            if total > best_score:
                best, best_score = i, total
        if best is None:
            return None
        o = self.obligations[best]
        article = self.index.articles[self._pos[(o.doc_number, o.article_index)]]
        tokens = set(self.tokenizer.words(o.sentence + article.heading)) | self._ob_words(best)
        coverage = self._coverage(query.topic, tokens, fold(o.sentence + article.heading))
        if coverage < MIN_COVERAGE:
            return None
        line = o.clause if len(o.clause) < FIRST_LINE else _window(o.clause, o.count or o.period or "", FIRST_LINE - 1)
        return _Pick(article, line + "。", o.sentence, best_score, coverage, o)

    def _pick_sentence(self, intent: Intent, query: _Query, docs: set[str]) -> _Pick | None:
        """The best sentence of the best covering article (of the top three, for a definition: the one
        whose sentence defines the term)."""
        candidates = []
        for i, score in self.index.top(query.scores, docs, 3):
            article = self.index.articles[i]
            coverage = self._coverage(query.topic, self.index.token_set(i), fold(article.heading + article.body))
            if coverage < MIN_COVERAGE:
                continue
            sentence, clause, weight = self._best_sentence(article, query.words, intent.name == "definition")
            candidates.append((i, score, coverage, sentence, clause, weight))
            if intent.name != "definition":
                break
        if not candidates:
            return None
        i, score, coverage, sentence, clause, _ = max(candidates, key=lambda c: c[5]) \
            if intent.name == "definition" else candidates[0]
        article = self.index.articles[i]
        if intent.name == "definition" and article.heading and self._coverage(
                query.topic, set(self.tokenizer.words(article.heading)), fold(article.heading)) >= MIN_COVERAGE:
            # the article is about the term: its opening sentences define it
            opening = ""
            for sent in article.sentences[1:]:
                if opening and len(opening) + len(sent) > FIRST_LINE:
                    break
                opening += sent
            sentence = opening or sentence
            clause = split_clauses(sentence)[0] if split_clauses(sentence) else sentence
        line = sentence if len(sentence) <= FIRST_LINE else _clause_window(sentence, clause, FIRST_LINE)
        if intent.name == "who":
            actor = find_actor(sentence) or find_actor(clause)
            if actor and not line.startswith(actor):
                line = truncate(f"{actor}：{line}", FIRST_LINE)
        return _Pick(article, line, sentence, score, coverage)

    def _best_sentence(self, article: Article, words: list[str], definition: bool = False) -> tuple[str, str, float]:
        """The sentence (and its clause) that shares the most question weight; for a definition,
        a sentence that defines ("是指", "…为差评", "分为") outweighs one that only mentions."""
        qset = set(self.tokenizer.expand(words))
        best = ("", "", -1.0)
        sentences = article.sentences[1:] if article.heading and len(article.sentences) > 1 else article.sentences
        for s in sentences:
            defines = definition and bool(_DEFINES.search(s))
            for c in split_clauses(s) or [s]:
                toks = set(self.tokenizer.words(c))
                score = sum(self._weight(w) for w in qset if w in toks)
                if defines and score > 0:
                    score *= 2
                if score > best[2]:
                    best = (s, c, score)
        return best[0] or article.body, best[1] or article.body, best[2]

    def _cited_article(self, fq: str, scopes) -> _Pick | None:
        """The article a question cites ("…条例第二十二条讲什么"), whole, from the document it names."""
        ref = article_reference(fq)
        if ref is None:
            return None
        governing = [n for docs, _ in scopes for n in sorted(docs)]
        if ref.doc_number:
            candidates = [self.by_number[ref.doc_number]] if ref.doc_number in self.by_number else []
        else:
            rest = _Query(ref.rest, [], self._query_words(ref.rest, precise=True), None)
            candidates = self._named_documents(set(governing) or set(self.by_number), rest)
        for doc in candidates:
            article = doc.article(ref.number)
            if article is not None:
                return _Pick(article, truncate(article.body, FIRST_LINE), article.body, 1.0, 1.0)
        return None

    def _pick_closing(self, docs: set[str], keyword: str, query: _Query | None = None) -> _Pick | None:
        for doc in self._named_documents(docs, query):
            closing = next((a for a in doc.articles if a.kind == "closing"), None)
            for article in ([closing] if closing else []) + doc.articles[::-1][:3]:
                sentence = next((s for s in article.sentences if keyword in s and
                                 (keyword != "施行" or re.search(r"自.{0,30}(施行|实施|生效)", s))), None)
                if sentence:
                    return _Pick(article, truncate(sentence, FIRST_LINE), sentence, 1.0, 1.0)
            if keyword == "废止" and doc.meta.repeals:
                art = closing or doc.articles[-1]
                line = f"《{doc.title}》废止了{'、'.join(doc.meta.repeals)}（据文件元数据）。"
                return _Pick(art, truncate(line, FIRST_LINE), line, 1.0, 1.0)
            if keyword == "施行" and doc.meta.effective:
                art = closing or doc.articles[-1]
                line = f"《{doc.title}》自{doc.meta.effective}起施行（据文件元数据）。"
                return _Pick(art, truncate(line, FIRST_LINE), line, 1.0, 1.0)
        return None

    def _named_documents(self, docs: set[str], query: _Query | None) -> list[Document]:
        """The documents a question about a document as a whole (施行, 废止, 印发) means: those whose title
        covers its topic words ("控烟条例" ~ 北京市控制吸烟条例); with no topic words, every document of the
        scope, the county's before the city's. A topic no title covers ("合同何时生效") names none."""
        candidates = sorted((self.by_number[n] for n in docs), key=lambda d: d.meta.level != "县级市")
        topic = [w for w in (query.topic if query else []) if w not in _DOCUMENT_WORDS]
        if not topic:
            return candidates
        scored = []
        for d in candidates:
            title = fold(d.title)
            c = self.gate.coverage(topic, frozenset(self.tokenizer.words(title)), title)
            if c.share >= MIN_COVERAGE:
                scored.append((c.share, d))
        return [d for _, d in sorted(scored, key=lambda x: -x[0])]

    def _pick_issued(self, docs: set[str]) -> _Pick | None:
        """成文/发布 dates come from the metadata; the citation is the document as a whole."""
        for doc in sorted((self.by_number[n] for n in docs), key=lambda d: d.meta.parent is not None):
            m = doc.meta
            dates = [f"{label}{value}" for label, value in (("成文日期", m.written), ("发布日期", m.published)) if value]
            if dates:
                line = f"《{doc.title}》（{doc.doc_number}）{'，'.join(dates)}。"
                whole = Article(doc.doc_number, -1, None, "", "", line, kind="document")
                return _Pick(whole, truncate(line, FIRST_LINE), line, 1.0, 1.0)
        return None

    def _parent_version(self, pick: _Pick) -> _Pick:
        """With no city to prefer, a clause a city repeats word for word from its parent cites the parent."""
        doc = self.by_number[pick.article.doc_number]
        parent = self.by_number.get(doc.meta.parent or "")
        if parent is None or pick.article.number is None:
            return pick
        twin = parent.article(pick.article.number)
        if twin is None:
            return pick
        if pick.obligation is not None:
            same = PUNCT.sub("", fold(pick.obligation.clause))
            for o in (self.obligations[i] for i in self._ob_by_article.get(self._pos[(parent.doc_number, twin.index)], ())):
                if PUNCT.sub("", fold(o.clause)) == same:
                    return self._parent_version(_Pick(twin, pick.first_line, o.sentence, pick.score,
                                                      pick.coverage, o))
            return pick
        same = PUNCT.sub("", fold(pick.quote))
        for sentence in twin.sentences:
            if PUNCT.sub("", fold(sentence)) == same:
                return self._parent_version(_Pick(twin, pick.first_line, sentence, pick.score, pick.coverage,
                                                  pick.obligation))
        return pick

    # ---- comparison ----------------------------------------------------------------------------

    def _compare(self, intent: Intent, query: _Query, cities: list[str], notes, top) -> Answer:
        picks: list[tuple[str, _Pick]] = []
        for c in cities:
            docs = {d.doc_number for d in self.documents if d.city == c}
            pick = self._pick(intent, query, docs) if docs else None
            if pick:
                picks.append((c, pick))
            else:
                notes.append(f"{c}的文件对此没有规定。")
        if not picks:
            return self._abstain(intent, self._ranked(query, self._scopes(None), top), notes, top)
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
        answer.answer = self._render(truncate(line, FIRST_LINE), citations, notes)
        return answer

    # ---- rendering -----------------------------------------------------------------------------

    def _ranked(self, query: _Query, scopes, top) -> list[Citation]:
        """Articles by score within the documents that govern the asker (their city's and those it is
        issued under), then any others."""
        governing = set().union(*(docs for docs, _ in scopes)) if scopes else None
        out, seen = [], set()
        for docs in (governing, None):
            for i, s in self.index.top(query.scores, docs, top):
                if i not in seen:
                    seen.add(i)
                    art = self.index.articles[i]
                    out.append(self.citation(art, art.body, s))
                if len(out) >= top:
                    return out
        return out

    def _answer(self, intent: Intent, pick: _Pick, query: _Query, scopes, notes, top) -> Answer:
        first = self.citation(pick.article, pick.quote, max(pick.score, 0.0))
        rest = [c for c in self._ranked(query, scopes, top + 1)
                if (c.doc_number, c.article, c.label) != (first.doc_number, first.article, first.label)]
        citations = [first] + rest[: top - 1]
        text = self._render(pick.first_line, [first], notes)
        return Answer(True, intent.name, text, citations, notes)

    def _abstain(self, intent: Intent, citations, notes, top, reason: str = "") -> Answer:
        line = reason or "已收录的文件里没有规定这个问题的条款。"
        text = "\n".join([line, *notes, self._hint()])
        return Answer(False, intent.name, text, citations[:top], notes)

    def _hint(self) -> str:
        return hint(self)

    def _render(self, first_line: str, citations: list[Citation], notes: list[str]) -> str:
        lines = [first_line, *notes]  # which document governs is said before the citation
        for c in citations:
            where = "，".join(x for x in (c.part, f"{c.label}{c.heading}".strip()) if x)
            number = f"（{c.doc_number}）" if c.doc_number != c.title else ""
            lines.append(f"依据：《{c.title}》{number}{where}")
            if c.quote != first_line:  # metadata answers have no sentence of the text to quote
                lines.append(f"原文：“{c.quote}”")
        return "\n".join(lines)


# Words that name a document or its coming into force, not its topic ("这个决定从哪天开始施行").
_DOCUMENT_WORDS = {"条例", "规定", "办法", "决定", "意见", "通知", "通告", "公告", "细则", "规则", "文件", "这个",
                   "施行", "实施", "生效", "执行", "开始", "起", "从", "废止", "哪年", "哪月", "啥时候", "本",
                   "年", "月", "日", "号", "天"}
_DEFINES = re.compile(r"是指|所称|指的是|包括|分为|称为|为“?[^，,。；;“”]{1,10}”?[。；;]?$")
# "多久…一次", "频次", "每…": a rhythm. "一次最多停多久": a limit on one occasion.
_RECURRING = re.compile(r"(多久|多长时间|多长).{0,12}(一次|一回)|频|每(?!次)|几次|周期|定期")
_TIME_UNITS = {"天", "日", "小时", "分钟", "个月", "周", "年", "个工作日"}


_FACT_TOKEN = re.compile(r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+(?=[个次日天年月周人名元米项件级])|每[个]?[周月季年天日半]+[度年]?")


def _facts(line: str) -> set[str]:
    """The numbers and rhythms a line states: two lines with the same ones state the same rule."""
    return set(_FACT_TOKEN.findall(fold(line)))


def _has_slot(o: Obligation, slot: str) -> bool:
    if slot == "duration":  # a count of time: "不少于30日", "2个月"
        return bool(o.count) and o.count_unit in _TIME_UNITS
    return bool(getattr(o, slot))


def _clause_window(sentence: str, clause: str, limit: int) -> str:
    """The clause, widened by its neighbours while it fits: a readable excerpt, not a cut mid-word."""
    clauses = split_clauses(sentence)
    if clause not in clauses:
        return _window(sentence, clause, limit)
    i = j = clauses.index(clause)
    text = clause
    while True:
        grown = False
        for a, b in ((i, j + 1), (i - 1, j)):
            if 0 <= a and b < len(clauses):
                candidate = "，".join(clauses[a:b + 1])
                if len(candidate) + 2 <= limit:
                    i, j, text, grown = a, b, candidate, True
                    break
        if not grown:
            break
    return ("…" if i > 0 else "") + truncate(text, limit - 2) + ("…" if j < len(clauses) - 1 else "。")


def _window(text: str, focus: str, limit: int) -> str:
    """A slice of text at most limit long that keeps focus in view."""
    if len(text) <= limit:
        return text
    at = text.find(focus) if focus else 0
    at = max(at, 0)
    start = max(0, min(at - (limit - len(focus)) // 3, len(text) - limit + 1))
    piece = text[start:start + limit - 2]
    return ("…" if start else "") + piece + "…"


def document_place(doc: Document) -> Place | None:
    """Where a document applies: its city as the metadata names it, else its issuer's or title's place."""
    table = places()
    named = table.named(doc.city) if doc.city else None
    return named or table.leading(doc.meta.issuer) or table.leading(doc.title)


def _lexicon_file(corpus_dir: Path, name: str) -> Path:
    """A lexicon file of the corpus's own lexicon folder, else the bundled one."""
    own = lexicon_dir(corpus_dir) / name
    return own if own.exists() else bundled_corpus_dir() / "lexicon" / name
