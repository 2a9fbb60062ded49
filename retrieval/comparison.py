"""The same article in two cities' documents, aligned clause by clause with the differing spans
marked. The answering engine uses first_difference for questions that ask what differs; the
/compare command and `policybot compare` show a whole Comparison."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .models import Article, Document
from .roles import ScopeError, city_list
from .statements import CN_NUMERALS, normalize
from .text import cn_to_int, fold, split_clauses, split_sentences, truncate


def article_clauses(article: Article) -> list[str]:
    """An article as a list of clauses (the heading first), the unit comparison aligns."""
    out: list[str] = []
    for s in article.sentences or split_sentences(article.body):
        out.extend(split_clauses(s) or [s])
    return out


def _same(a: str, b: str) -> bool:
    """Clauses that say the same thing: equal once folded ("（" = "(") and "一次" = "1次"."""
    return normalize(a) == normalize(b)


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=fold(a), b=fold(b), autojunk=False).ratio()


def _pair_block(a: list[str], b: list[str], threshold: float = 0.45) -> list[tuple[str, str, bool]]:
    """Order-preserving alignment of two runs of changed clauses (similar ones side by side)."""
    n, m = len(a), len(b)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best, how = -1.0, ""
            if i and j:
                s = _similarity(a[i - 1], b[j - 1])
                if s >= threshold and score[i - 1][j - 1] + s > best:
                    best, how = score[i - 1][j - 1] + s, "pair"
            if i and score[i - 1][j] > best:
                best, how = score[i - 1][j], "a"
            if j and score[i][j - 1] > best:
                best, how = score[i][j - 1], "b"
            score[i][j], move[i][j] = best, how
    rows = []
    i, j = n, m
    while i or j:
        how = move[i][j]
        if how == "pair":
            rows.append((a[i - 1], b[j - 1], not _same(a[i - 1], b[j - 1])))
            i, j = i - 1, j - 1
        elif how == "a":
            rows.append((a[i - 1], "", True))
            i -= 1
        else:
            rows.append(("", b[j - 1], True))
            j -= 1
    return rows[::-1]


def align_clauses(a: list[str], b: list[str]) -> list[tuple[str, str, bool]]:
    """Two clause lists aligned (difflib on folded clauses): (clause a, clause b, differs)."""
    sm = difflib.SequenceMatcher(a=[normalize(x) for x in a], b=[normalize(x) for x in b], autojunk=False)
    rows: list[tuple[str, str, bool]] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            rows.extend((a[i1 + k], b[j1 + k], False) for k in range(i2 - i1))
        else:
            rows.extend(_pair_block(a[i1:i2], b[j1:j2]))
    return rows


_TOKEN = re.compile(rf"[{CN_NUMERALS}]+(?=次|天|个工作日|个月)|\d+(?:\.\d+)?%?|[A-Za-z]+|\s+|.", re.S)
_NUMBER_TOKEN = re.compile(rf"\d|[{CN_NUMERALS}]+$")


def _token_key(token: str) -> str:
    if token and token[0] in CN_NUMERALS and cn_to_int(token) is not None:
        return str(cn_to_int(token))  # "一次" and "1次" say the same
    return fold(token)


def _split_numbers(sa: list[str], sb: list[str]) -> list[tuple[list[str], list[str]]]:
    """A changed run that starts or ends with a number on both sides is cut there: 12345政务 → 89000民生
    reads 12345 → 89000, 政务 → 民生."""
    head: list = []
    tail: list = []
    while len(sa) > 1 and len(sb) > 1 and _NUMBER_TOKEN.match(sa[0]) and _NUMBER_TOKEN.match(sb[0]):
        head.append(([sa[0]], [sb[0]]))
        sa, sb = sa[1:], sb[1:]
    while len(sa) > 1 and len(sb) > 1 and _NUMBER_TOKEN.match(sa[-1]) and _NUMBER_TOKEN.match(sb[-1]):
        tail.insert(0, ([sa[-1]], [sb[-1]]))
        sa, sb = sa[:-1], sb[:-1]
    return head + [(sa, sb)] + tail


def _segments(a: str, b: str) -> list[tuple[str, str, bool]]:
    """Two clauses cut into aligned segments (text a, text b, differs); numbers and Latin words are
    kept whole, and a changed period keeps its 每 (每季度 → 每月, not 季度 → 月)."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    sm = difflib.SequenceMatcher(a=[_token_key(t) for t in ta], b=[_token_key(t) for t in tb], autojunk=False)
    segs: list[list] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            segs.append(["".join(ta[i1:i2]), "".join(tb[j1:j2]), False])
            continue
        for xa, xb in _split_numbers(ta[i1:i2], tb[j1:j2]):
            sa, sb = "".join(xa), "".join(xb)
            if segs and not segs[-1][2] and segs[-1][0].endswith("每") and segs[-1][1].endswith("每"):
                segs[-1][0], segs[-1][1] = segs[-1][0][:-1], segs[-1][1][:-1]
                sa, sb = "每" + sa, "每" + sb
            segs.append([sa, sb, True])
    return [(x, y, d) for x, y, d in segs if x or y]


def diff_spans(a: str, b: str) -> list[tuple[str, str]]:
    """The differing spans of two clauses: [("每季度", "每月")], [("12345政务", "89000民生"), ...]."""
    return [(x, y) for x, y, d in _segments(a, b) if d]


def mark(a: str, b: str, open_: str = "【", close: str = "】") -> tuple[str, str]:
    """Both clauses with their differing spans bracketed."""
    merged: list[list] = []
    for x, y, d in _segments(a, b):
        if merged and d and merged[-1][2]:
            merged[-1][0] += x
            merged[-1][1] += y
        else:
            merged.append([x, y, d])
    ma = "".join(f"{open_}{x}{close}" if d and x else x for x, _, d in merged)
    mb = "".join(f"{open_}{y}{close}" if d and y else y for _, y, d in merged)
    return ma, mb


def first_difference(a: Article, b: Article) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """The first pair of aligned clauses that differ, each with the sentence it stands in:
    ((clause a, sentence a), (clause b, sentence b)); None when no clause has a counterpart that differs.
    The same alignment as compare_article, for the comparison intent of plain questions."""
    def sentence_of(article: Article, clause: str) -> str:
        return next((s for s in article.sentences if clause in s), clause)

    for left, right, differs in align_clauses(article_clauses(a), article_clauses(b)):
        if differs and left and right:
            return (left, sentence_of(a, left)), (right, sentence_of(b, right))
    return None


@dataclass
class Comparison:
    number: int
    cities: list[str]
    documents: list[Document]
    articles: list[Article]
    rows: list[tuple[str, str, bool]]

    @property
    def differs(self) -> bool:
        return any(d for _, _, d in self.rows)

    @property
    def differing_rows(self) -> list[tuple[str, str, bool]]:
        return [r for r in self.rows if r[2]]

    def to_text(self) -> str:
        a, b = self.cities
        da, db = self.documents
        head = self.articles[0].heading or self.articles[1].heading
        lines = [f"第{self.number}条 {head}：{a}（{da.doc_number}）与{b}（{db.doc_number}）对比，"
                 + (f"{len(self.differing_rows)}处不同" if self.differs else "内容相同")]
        if self.articles[1].heading and self.articles[1].heading != self.articles[0].heading:
            lines[0] += f"（{b}的标题：{self.articles[1].heading}）"
        for left, right, differs in self.rows:
            if not differs:
                lines.append(f"  = {left}")
                continue
            if left and right:
                ml, mr = mark(left, right)
                lines.append(f"  ≠ {a}：{ml}")
                lines.append(f"    {b}：{mr}")
                changes = "；".join(f"{x or '（无）'} → {y or '（无）'}" for x, y in diff_spans(left, right))
                lines.append(f"    差异：{changes}")
            elif left:
                lines.append(f"  − {a}独有：{left}")
            else:
                lines.append(f"  + {b}独有：{right}")
        return "\n".join(lines)


def compare_article(engine, number: int, cities: list[str]) -> Comparison:
    """The same article number in two cities' documents, aligned clause by clause."""
    if len(cities) != 2:
        raise ScopeError(f"请给出两个城市，例如：{','.join(city_list(engine).split('、')[:2])}。")
    resolved = []
    for c in cities:
        r = engine.resolve_city(c)
        if not r:
            raise ScopeError(f"还没有收录“{truncate(c, 20)}”的文件（已收录：{city_list(engine)}）。")
        resolved.append(r)
    if resolved[0] == resolved[1]:
        raise ScopeError("请给出两个不同的城市。")
    candidates = []
    for c in resolved:
        docs = [d for d in engine.documents if d.city == c and d.article(number)]
        if not docs:
            raise ScopeError(f"{c}的文件里没有第{number}条。")
        candidates.append(docs)
    da, db = max(((x, y) for x in candidates[0] for y in candidates[1]), key=lambda p: _doc_affinity(*p))
    aa, ab = da.article(number), db.article(number)
    rows = align_clauses(article_clauses(aa), article_clauses(ab))
    return Comparison(number=number, cities=resolved, documents=[da, db], articles=[aa, ab], rows=rows)


def _doc_affinity(a: Document, b: Document) -> tuple:
    linked = a.meta.parent == b.doc_number or b.meta.parent == a.doc_number
    ta, tb = a.title.replace(a.city, ""), b.title.replace(b.city, "")
    return (linked, difflib.SequenceMatcher(a=ta, b=tb).ratio())

