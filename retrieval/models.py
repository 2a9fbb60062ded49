"""Dataclasses for documents, articles, obligations and answers: the vocabulary every module shares."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable


@dataclass
class DocumentMeta:
    """What a document's YAML file says about it (see corpus/documents/*.yaml)."""

    doc_number: str  # 文号, normalized: 烟政发〔2022〕8号
    title: str
    issuer: str = ""
    city: str = ""  # 苏州, 丰泽区; empty for national documents
    level: str = ""  # 地级市 / 县级市 / …
    parent: str | None = None  # 文号 of the document this one is issued under
    written: str | None = None  # 成文日期, ISO date
    published: str | None = None  # 发布日期
    effective: str | None = None  # 施行日期
    validity: str = ""  # 有效 / 失效 / …
    repeals: list[str] = field(default_factory=list)  # 文号 (else title) of the documents it repeals
    amends: list[str] = field(default_factory=list)  # 文号 (else title) of the documents it amends
    expires: str | None = None  # 有效期至, ISO date ("有效期5年" counted from 施行)
    repealed_by: str | None = None  # 文号 of the document repealing it, recorded at ingest
    amended_by: list[str] = field(default_factory=list)  # 文号 of the documents amending it
    text_file: str = ""  # the raw text beside the YAML, as received
    source: str = ""  # where the text came from (free text)
    slug: str = ""  # file stem in the corpus


PREAMBLE = "序言"  # the label citing a document's preamble (a term it spells out: whole_documents.glossed_term)
RELATED_FLOOR = 0.5  # a related clause covers at least half of the question's topic (Gate coverage)


@dataclass
class Article:
    """One citable unit: a numbered article, or a document's closing provisions."""

    doc_number: str
    index: int  # position in the document's list of articles
    number: int | None  # 13 for "13." and "第十三条"; None for the closing provisions
    label: str  # as written: "13.", "第十三条", "二、（一）"; "" when the document gives none
    heading: str  # short heading if the article has one ("积极回应办理群众诉求")
    body: str  # full text of the article, whitespace artefacts removed
    part: str = ""  # the part/chapter it stands under, as written ("三、不忘初心…")
    kind: str = "article"  # "article" | "closing"
    sentences: list[str] = field(default_factory=list)


@dataclass
class Document:
    meta: DocumentMeta
    articles: list[Article]
    parts: list[str] = field(default_factory=list)
    preamble: str = ""  # addressee and introduction before the first part
    warnings: list[str] = field(default_factory=list)  # what the parser noticed (gaps, duplicates)
    layout: str = ""  # how the articles are numbered, as the parser recognized it
    # quoted terms spelled out in brackets: (term, what it stands for, article index; -1: the preamble), found at ingest
    glosses: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def doc_number(self) -> str:
        return self.meta.doc_number

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def city(self) -> str:
        return self.meta.city

    def article(self, number: int) -> Article | None:
        return next((a for a in self.articles if a.number == number), None)

    def headings(self) -> list[str]:
        """Each article's heading ("" for none), in order."""
        return [a.heading for a in self.articles]


@dataclass
class Obligation:
    """A duty stated in one clause: who does what, how often, how many, by when."""

    doc_number: str
    article_index: int
    article_number: int | None
    actor: str  # "市政府领导班子成员"; "" when the clause names none
    action: str  # the clause without its actor: "每月到服务热线接听1次群众来电"
    clause: str  # the self-contained statement: actor + action, as the document words it
    sentence: str  # the whole sentence it comes from (the quote)
    period: str | None = None  # canonical: 每周, 每2周, 每月, 每季度, 每半年, 每年 …
    period_text: str | None = None  # as written: 全年, 月调度 …
    count: str | None = None  # "1次", "3个", "2个月", "1-2个"
    count_value: float | None = None
    count_unit: str | None = None
    qualifier: str | None = None  # 不少于, 至少, 不超过, 左右, 不低于
    deadline: str | None = None  # "提前3天", "3个工作日内", "不超过3个工作日"
    date: str | None = None  # "每月20日左右", "2022年5月12日", "一季度"
    ratio: str | None = None  # "50%", "100%"

    def slots(self) -> dict[str, str]:
        return {k: v for k in ("period", "count", "deadline", "date", "ratio") if (v := getattr(self, k))}


@dataclass
class Citation:
    doc_number: str
    title: str
    city: str
    article: int | None
    label: str
    part: str
    quote: str
    score: float
    heading: str = ""
    position: int = -1  # the article's place in the index, when it was ranked there

    def to_dict(self) -> dict:
        d = asdict(self)
        d["score"] = round(float(self.score), 3)
        del d["position"]
        return d


@dataclass
class Answer:
    answered: bool
    intent: str
    answer: str  # plain text; first line is the direct answer (<= 100 characters)
    citations: list[Citation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "某市的文件未作规定，引用上级文件"
    primary: int = 1  # how many leading citations back the direct answer (a comparison has one per city)
    # the share of the question's topic a citation's article covers, weighed only when related clauses are
    # shown (the text front ends), not for every answer the JSON contract gives
    covers: Callable[[Citation], float] | None = field(default=None, repr=False, compare=False)

    @property
    def first_line(self) -> str:
        return self.answer.split("\n", 1)[0]

    @property
    def related(self) -> list[Citation]:
        """The citations after those backing the answer that cover enough of the question to be shown as
        related clauses (the others are the next articles by score, nothing more)."""
        if not self.answered or self.covers is None:
            return []
        return [c for c in self.citations[self.primary:] if self.covers(c) >= RELATED_FLOOR]

    def to_dict(self) -> dict:
        return {
            "answered": self.answered,
            "intent": self.intent,
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "notes": list(self.notes),
        }


def number_suffix(title: str, doc_number: str) -> str:
    """"（烟政发〔2022〕8号）" after a title, or nothing for a document identified by its title alone (a law)."""
    return f"（{doc_number}）" if doc_number and doc_number != title else ""


def document_name(title: str, doc_number: str) -> str:
    """《title》（文号）: how every answer, list and export names a document."""
    return f"《{title}》{number_suffix(title, doc_number)}"
