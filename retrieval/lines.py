"""Raw text → its lines without layout noise, and the structural marker a line opens with.

Layout noise: page numbers, a PDF's running headers and footers, markdown marks, horizontal rules,
invisible characters and pinyin left in by converters (關(guān)). parse.py builds articles from these lines.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .text import CN_NUMERAL as _CN_NUM
from .text import cn_to_int, fold_whitespace, simp, strip_invisible

_NUM = rf"[{_CN_NUM}\d]+"
_TERMINAL = tuple("。！？!?；;：:”」)）")

# ---- markers --------------------------------------------------------------------------------------

# Markers at the start of a (stripped) line, matched on its simplified form.
_MARKERS: list[tuple[str, re.Pattern]] = [
    ("chapter", re.compile(rf"^第\s*({_NUM})\s*(?:[章编]|部分)")),
    ("section", re.compile(rf"^第\s*({_NUM})\s*节")),
    ("tiao", re.compile(rf"^第\s*({_NUM})\s*条(?:\s*之\s*([{_CN_NUM}\d]+))?")),
    ("cn", re.compile(rf"^([{_CN_NUM}]+)\s*(?:、|[．.](?!\d))")),
    ("paren", re.compile(rf"^[（(]\s*([{_CN_NUM}]+)\s*[)）]")),
    ("arabic", re.compile(r"^(\d{1,3})\s*[\.．、](?![\d\.．])")),
    # decimal clause numbers: "3.1 …", "3.1.1 …" (not "1.5米": a unit right after the number is a quantity)
    ("decimal", re.compile(r"^(\d{1,2}(?:[.．]\d{1,2}){1,3})(?:[.．、]?\s+|[.．、]|(?=[\u4e00-\u9fff（(【])"
                           r"(?![米元万亿倍千克吨天年月日时个分秒度亩升里余多以至左%‰]))")),
]
# "第五条规定的…" at the start of a line is a reference, not an article.
_TIAO_REFERENCE = re.compile(r"(?:规定|的|所|中|第|和|与|、|至|或|及|，|,|款|项|之规定|之外|以外|以及)")
ITEM_LEVELS = ("cn", "paren", "arabic", "decimal")  # markers that number items rather than name chapters


@dataclass(frozen=True)
class Marker:
    kind: str
    number: int
    label: str  # as written, whitespace folded: "第十三条", "13.", "（一）", "第十七条之一"
    sub: int | None = None  # 1 for "第十七条之一"
    path: tuple[int, ...] = ()  # (3, 1, 2) for the decimal clause number "3.1.2"


@lru_cache(maxsize=65536)
def marker(line: str) -> Marker | None:
    s = simp(line[:40])
    for kind, pattern in _MARKERS:
        m = pattern.match(s)
        if not m:
            continue
        if kind == "decimal":
            return _decimal(line, m)
        number = cn_to_int(m.group(1).replace(" ", ""))
        if number is None or number == 0:
            continue
        sub = None
        if kind == "tiao":
            if m.group(2):
                sub = cn_to_int(m.group(2))
            rest = s[m.end():]
            if rest[:1] and not rest[:1].isspace() and _TIAO_REFERENCE.match(rest):
                return None
        if kind in ("chapter", "section"):
            rest = s[m.end():]
            if rest[:1] and not rest[:1].isspace() and _TIAO_REFERENCE.match(rest) and not rest.startswith("、"):
                return None
        return Marker(kind, number, fold_whitespace(line[:m.end()]), sub)
    return None


def _decimal(line: str, m: re.Match) -> Marker | None:
    """"3.1.2 …": a clause (depth 2) or a sub-clause (depth 3 or more, kind "decimal_sub", read as the
    clause's text); numbered by its last component, labelled as written."""
    path = tuple(int(x) for x in re.split(r"[.．]", m.group(1)))
    if 0 in path:
        return None
    kind = "decimal" if len(path) == 2 else "decimal_sub"
    return Marker(kind, path[-1], fold_whitespace(line[:m.end(1)]), None, path)


# Web page navigation: "当前位置: 首页 > 政务公开 > 正文", "网站首页 > 查档须知", "> 正文" (a list number may lead).
_NAV_LINE = re.compile(r"^(?:\d{1,2}[.．、]\s*)?(?:(?:当前位置|您的位置|您现在的位置|你的位置|你现在的位置|所在位置)\s*[:：]"
                       r"|(?:网站首页|首页|主页|返回首页)\s*(?:[>›»/]|$)|[>›»]\s*\S{0,12}$)")


def is_navigation(line: str) -> bool:
    return bool(_NAV_LINE.match(line.strip())) and len(line) <= 120


_PAGE_NUMBER = re.compile(r"^(?:[-—－–\s]*\d{1,4}[-—－–\s]*|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+"
                          r"|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$")
_HR = re.compile(r"^[-*_=~]{3,}$")
_MD_HEADING = re.compile(r"^#{1,6}\s*")
_MD_EMPHASIS = re.compile(r"^(\*\*|__)(.+)\1$")

# Pinyin left in by converters: 關(guān)鍵(jiàn); a PDF may space it out or wrap it ("(sh è)", "(b\nàn)")
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ"
_PINYIN = re.compile(rf"(?<=[\u3400-\u9fff])\s?[(（]\s*((?:[a-zü{_TONED}]\s?){{1,7}}[1-5]?)\s*[)）]")
_PINYIN_AT_LINE_START = re.compile(rf"(?m)^[ \t]*[(（]\s*((?:[a-zü{_TONED}]\s?){{1,7}})\s*[)）](?=[\u3400-\u9fff])")
_SYLLABLE = re.compile(r"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[iuüv]?[aeiouüv]{1,2}(?:ng|n|r)?[1-5]?$")
_TONE_BASE = str.maketrans({c: b for b, cs in zip("aeiouünnn", ["āáǎà", "ēéěè", "īíǐì", "ōóǒò", "ūúǔù", "ǖǘǚǜ", "ń", "ň", "ǹ"])
                            for c in cs})


def strip_pinyin(text: str) -> str:
    """Remove "(guān)" after a Chinese character: always when tone-marked, plain syllables when the text has many."""
    found = list(_PINYIN.finditer(text))
    if not found:
        return text
    toned = [m for m in found if re.search(rf"[{_TONED}1-5]", m.group(1))]
    strip_plain = len(toned) >= 3

    def repl(m: re.Match) -> str:
        py = re.sub(r"\s", "", m.group(1))
        keep_break = "\n" if "\n" in m.group(0) else ""
        if re.search(rf"[{_TONED}1-5]", py):
            return keep_break if _SYLLABLE.match(py.translate(_TONE_BASE)) or len(py) <= 6 else m.group(0)
        return keep_break if strip_plain and _SYLLABLE.match(py) else m.group(0)

    text = _PINYIN.sub(repl, text)
    # one carried over a page break: "(yú)" opening a line after the page number
    return _PINYIN_AT_LINE_START.sub(lambda m: "" if re.search(rf"[{_TONED}]", m.group(1)) else m.group(0), text)


def ends_sentence(line: str) -> bool:
    return line.endswith(_TERMINAL)


def clean_lines(raw: str) -> list[str]:
    """The text's lines without layout noise: page numbers, running headers, markdown marks, pinyin."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    pages = raw.split("\f")
    edge_lines: Counter = Counter()
    if len(pages) >= 2:
        # A PDF's pages (form feeds): a line standing first or last on several pages is a running header.
        for page in pages:
            ls = [ln.strip() for ln in page.split("\n") if ln.strip() and not _PAGE_NUMBER.match(ln.strip())]
            edge_lines.update(set(ls[:2] + ls[-2:]))
    raw = strip_invisible(raw.replace("\f", "\n\ue001\n")).replace("\u3000", " ").replace("\xa0", " ")
    raw = strip_pinyin(raw)
    lines = []
    for ln in raw.split("\n"):
        ln = ln.strip()
        if ln == "\ue001":
            lines.append(ln)
            continue
        if ln.startswith("#"):
            ln = _MD_HEADING.sub("", ln)
        m = _MD_EMPHASIS.match(ln)
        if m:
            ln = m.group(2).strip()
        if ln and not _PAGE_NUMBER.match(ln) and not _HR.match(ln) and not is_navigation(ln):
            lines.append(ln)
    # Running headers/footers of a PDF: the same short line on many pages, or at the edge of several.
    repeated: set[str] = set()
    if len(pages) < 2:  # without page breaks to go by, a line repeated many times
        counts = Counter(ln for ln in lines if len(ln) <= 40)
        repeated = {ln for ln, n in counts.items() if n >= 3 and not ends_sentence(ln) and not marker(ln)}
    running = {ln for ln, n in edge_lines.items() if n >= 2 and n * 2 >= len(pages) and len(ln) <= 40 and not marker(ln)}
    drop: set[int] = set()
    if running:
        # once per page at the top and once at the bottom: a letterhead line may read the same
        breaks = [-1] + [i for i, ln in enumerate(lines) if ln == "\ue001"] + [len(lines)]
        for start, end in zip(breaks, breaks[1:]):
            page = list(range(start + 1, end))
            top = next((i for i in page[:2] if lines[i] in running), None)
            bottom = next((i for i in reversed(page[-2:]) if lines[i] in running and i != top), None)
            drop.update(i for i in (top, bottom) if i is not None)
    return [ln for i, ln in enumerate(lines) if ln != "\ue001" and ln not in repeated and i not in drop]


def is_wrapped(lines: list[str]) -> bool:
    """A PDF-like text breaks lines inside sentences at the page width; a web page, a Word file or
    markdown has one paragraph a line."""
    long = [ln for ln in lines if len(ln) >= 15]
    if len(long) < 6:
        return False
    widths = sorted(len(ln) for ln in long)
    width = widths[int(len(widths) * 0.9)]
    open_ = sum(1 for ln in long if not ends_sentence(ln) and len(ln) >= 0.75 * width)
    return open_ / len(long) > 0.4
