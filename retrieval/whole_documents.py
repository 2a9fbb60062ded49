"""Questions about a document as a whole or about one of its articles by number: when it takes effect,
what it repeals, when it was issued, "第十二条讲什么". The document is the one whose title the question's
words name ("控烟条例" ~ 北京市控制吸烟条例), else the asker's own.
"""
from __future__ import annotations

import re

from .citations import article_reference
from .doc_numbers import find_doc_numbers
from .duty_pick import window
from .models import PREAMBLE, Article, Document
from .picks import Context, Pick, Query
from .text import fold, split_sentences, truncate

# Words that name a document or its coming into force, not its topic ("这个决定从哪天开始施行").
DOCUMENT_WORDS = {"条例", "规定", "办法", "决定", "意见", "通知", "通告", "公告", "细则", "规则", "文件", "这个",
                  "施行", "实施", "生效", "执行", "开始", "起", "从", "废止", "哪年", "哪月", "啥时候", "本",
                  "年", "月", "日", "号", "天",
                  # its standing (standing): 还有效吗, 什么时候到期, 被什么取代了
                  "有效", "有效期", "到期", "过期", "失效", "作废", "废除", "取代", "替代", "代替", "替换", "现在",
                  "目前", "还", "是否", "仍然", "适用", "管用", "什么", "时候", "何时", "哪个", "被"}


def named_documents(engine: Context, docs: set[str], query: Query | None, minimum: float) -> list[Document]:
    """The documents of the scope whose title covers the question's topic words, best first; with no topic
    words, all of them, those in force before the others, the county's before the city's. A topic no title
    covers ("合同何时生效") names none."""
    lapsed = engine.scope.lapsed
    candidates = sorted((engine.by_number[n] for n in docs),
                        key=lambda d: (d.doc_number in lapsed, d.meta.level != "县级市", d.doc_number))
    topic = [w for w in (query.topic if query else []) if w not in DOCUMENT_WORDS]
    if not topic:
        return candidates
    scored = []
    for d in candidates:
        title = fold(d.title)
        c = engine.gate.coverage(topic, frozenset(engine.tokenizer.words(title)), title)
        if c.share >= minimum:
            scored.append((c.share, d))
    return [d for _, d in sorted(scored, key=lambda x: -x[0])]


def cited_article(engine: Context, fq: str, scopes, minimum: float) -> Pick | None:
    """The article a question cites ("…条例第二十二条讲什么"), whole, from the document it names."""
    ref = article_reference(fq)
    if ref is None:
        return None
    governing = [n for docs, _ in scopes for n in sorted(docs)]
    if ref.doc_number:
        candidates = [engine.by_number[ref.doc_number]] if ref.doc_number in engine.by_number else []
    else:
        rest = Query(ref.rest, [], engine.query_words(ref.rest, precise=True), None)
        candidates = named_documents(engine, set(governing) or set(engine.by_number), rest, minimum)
    for doc in candidates:
        article = doc.article(ref.number)
        if article is not None:
            return Pick(article, truncate(article.body, engine.first_line), article.body, 1.0, 1.0)
    return None


def closing(engine: Context, docs: set[str], keyword: str, query: Query | None, minimum: float) -> Pick | None:
    """The sentence that says when a document takes effect (施行) or what it repeals (废止)."""
    limit = engine.first_line
    for doc in named_documents(engine, docs, query, minimum):
        last = next((a for a in doc.articles if a.kind == "closing"), None)
        article, sentence = _saying(doc, keyword)
        if sentence:
            return Pick(article, truncate(sentence, limit), sentence, 1.0, 1.0)
        if keyword == "废止" and doc.meta.repeals:
            line = f"《{doc.title}》废止了{'、'.join(doc.meta.repeals)}（据文件元数据）。"
            return Pick(last or doc.articles[-1], truncate(line, limit), line, 1.0, 1.0)
        if keyword == "施行" and doc.meta.effective:
            line = f"《{doc.title}》自{doc.meta.effective}起施行（据文件元数据）。"
            return Pick(last or doc.articles[-1], truncate(line, limit), line, 1.0, 1.0)
    return None


def standing(engine: Context, query: Query, docs: set[str], minimum: float) -> Pick | None:
    """还有效吗 / 什么时候到期 / 被什么废止了: the document's status from the record of what repeals what
    (retrieval/in_force.py), quoting the sentence that repeals it or states its 有效期. A 文号 in the
    question names its document, in the corpus or only repealed by one in it."""
    for number in find_doc_numbers(query.fq):
        if number in engine.by_number:
            return _standing_of(engine, engine.by_number[number])
        repealed = engine.register.repealed(number)
        if repealed:
            repealer = engine.by_number[repealed[1]]
            line = f"{number}已被{engine.register.name(repealer.doc_number, short=True)}废止" + (
                f"，{repealer.meta.effective}起" if repealer.meta.effective else "") + "。"
            article, sentence = _saying(repealer, "废止", number)
            return _whole_pick(engine, repealer, line, article, sentence)
        return None
    found = named_documents(engine, docs, query, minimum)
    return _standing_of(engine, found[0]) if found else None


def _standing_of(engine: Context, doc: Document) -> Pick:
    status = engine.standing(doc.doc_number)
    line = f"{engine.register.name(doc.doc_number, short=True)}{engine.register.describe(status, short=True)}。"
    if status.repealed_by in engine.by_number:
        repealer = engine.by_number[status.repealed_by]
        article, sentence = _saying(repealer, "废止", doc.doc_number, doc.title)
        return _whole_pick(engine, repealer, line, article, sentence)
    article, sentence = _saying(doc, "有效期") if status.expires else (None, None)
    if article is None:
        article, sentence = _saying(doc, "施行")
    return _whole_pick(engine, doc, line, article, sentence)


def _saying(doc: Document, keyword: str, *names: str) -> tuple[Article | None, str | None]:
    """The sentence of a document's closing provisions (or last articles) with a keyword — for 施行, one
    saying from when — and one of the names, when given."""
    last = next((a for a in doc.articles if a.kind == "closing"), None)
    for article in ([last] if last else []) + doc.articles[::-1][:3]:
        for s in article.sentences:
            if keyword in s and (keyword != "施行" or re.search(r"自.{0,30}(施行|实施|生效)", s)) and \
                    (not names or any(n and (n in s or n.strip("《》") in s) for n in names)):
                return article, s
    return None, None


def _whole_pick(engine: Context, doc: Document, line: str, article: Article | None, sentence: str | None) -> Pick:
    """A pick stating a line about a document, quoting its sentence, else citing the document as a whole."""
    if article is None:
        article = Article(doc.doc_number, -1, None, "", "", line, kind="document")
        sentence = line
    return Pick(article, truncate(line, engine.first_line), sentence, 1.0, 1.0)


def issued(engine: Context, docs: set[str]) -> Pick | None:
    """成文/发布 dates come from the metadata; the citation is the document as a whole."""
    for doc in sorted((engine.by_number[n] for n in docs), key=lambda d: d.meta.parent is not None):
        m = doc.meta
        dates = [f"{label}{value}" for label, value in (("成文日期", m.written), ("发布日期", m.published)) if value]
        if dates:
            return _whole_pick(engine, doc, f"《{doc.title}》（{doc.doc_number}）{'，'.join(dates)}。", None, None)
    return None


GLOSS_QUOTE = 160  # a preamble runs long: the quote is the stretch around the term
# “四问该不该”（钱该不该花、该不该政府花、…）: a quoted term spelled out in brackets where it is first used
_GLOSS = re.compile(r"“([^“”]{2,12})”[（(]([^（）()]{4,120})[）)]")


def glosses(doc: Document) -> list[tuple[str, str, int]]:
    """(term, what the brackets spell out, index of the article saying it; -1 for the preamble) of a
    document: found at ingest (Document.glosses)."""
    out = [(m.group(1), m.group(2), -1) for m in _GLOSS.finditer(doc.preamble)]
    for a in doc.articles:
        out += [(m.group(1), m.group(2), a.index) for m in _GLOSS.finditer(a.body)]
    return out


def glossed_term(engine: Context, fq: str, docs: set[str]) -> Pick | None:
    """A question about a term a document of the scope spells out in brackets ("“四问该不该”具体是哪四问"),
    answered with the brackets, from the preamble as well as from an article."""
    for number in sorted(docs):
        doc = engine.by_number[number]
        for term, gloss, idx in doc.glosses:
            if fold(term) not in fq:
                continue
            line = f"“{term}”：{gloss}"
            article = doc.articles[idx] if idx >= 0 else None
            if article is None:  # the preamble, cited as the document's 序言
                article = Article(doc.doc_number, -1, None, PREAMBLE, "", doc.preamble, kind="preamble",
                                  sentences=split_sentences(doc.preamble))
            said = f"“{term}”"
            quote = next((s for s in article.sentences if said in s), article.body)
            return Pick(article, truncate(line, engine.first_line), window(quote, said, GLOSS_QUOTE), 1.0, 1.0)
    return None

