"""Raw document text → Document (parts → articles → sentences), with layout noise removed.

Handles web pages saved as text (navigation, a 索引号/成文日期 header, footers), PDF extractions
(a line break inside every sentence, blank lines between lines, page numbers, running headers,
"21 号" spacing), markdown (# headings), traditional script (matched in simplified form, kept as
written) and pinyin left in by converters (關(guān)). The rebuilt article text equals the source once
whitespace is folded: only whitespace (and pinyin annotations) is ever removed from inside an article.

Layouts: "1." articles under "一、" parts (the seeds); "第X条" articles under "第X章/第X节" (or flat,
with or without a space after the label, "第十七条之一" included); "一、" items with "（一）"
sub-items ("二、（一）"); "一、" items alone; mixed ("一、" items with and without sub-items,
"一、/（一）" headings over "1." articles, "1." numbering restarting under each part).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from .models import Article, Document, DocumentMeta
from .text import cn_to_int, fold_whitespace, simp, split_sentences, strip_invisible

_CN_NUM = "零〇一二三四五六七八九十百千两"
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
]
# "第五条规定的…" at the start of a line is a reference, not an article.
_TIAO_REFERENCE = re.compile(r"(?:规定|的|所|中|第|和|与|、|至|或|及|，|,|款|项|之规定|之外|以外|以及)")
_ITEM_LEVELS = ("cn", "paren", "arabic")


@dataclass(frozen=True)
class Marker:
    kind: str
    number: int
    label: str  # as written, whitespace folded: "第十三条", "13.", "（一）", "第十七条之一"
    sub: int | None = None  # 1 for "第十七条之一"


@lru_cache(maxsize=65536)
def marker(line: str) -> Marker | None:
    s = simp(line[:40])
    for kind, pattern in _MARKERS:
        m = pattern.match(s)
        if not m:
            continue
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


# Lines that end the body: signature, date, publication note, distribution list, web footer.
_CLOSING_PROVISION = re.compile(
    r"^本(?:意见|办法|规定|通知|细则|条例|方案|决定|规则|制度|实施意见|措施|准则|规程|公告|通告|法|解释)[^。]{0,30}?"
    r"自\s*(?:\d{4}\s*年[^。]{0,12}?|[^。]{0,6}(?:公布|发布|印发|颁布|下发|签发|之)[^。]{0,4}?)起?[^。]{0,6}?(?:施行|实施|生效)")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_END_LINE = re.compile(r"^(?:[（(]此件.{0,10}[)）]|抄送[:：]|附件\s*\d*\s*[:：]|附件\s*\d*\s*$)")
# Web page footers: only as a short line of their own.
_FOOTER_WORDS = r"(?:【\s*)?(?:打印本页|关闭窗口|打印此页|关闭本页|返回顶部|打印|关闭|分享|下载|收藏|返回|大|中|小)(?:\s*】)?"
_FOOTER_LINE = re.compile(
    rf"^(?:{_FOOTER_WORDS}(?:[\s|｜/]*{_FOOTER_WORDS})*[\s:：]*$|扫一扫|Produced By|主办单位|主办[:：]|承办单位|网站标识码|版权所有"
    r"|Copyright|©|\w{0,2}ICP备|技术支持[:：]|联系我们|网站地图|【\s*字体|上一篇|下一篇|相关链接|相关文件[:：]?$|相关解读"
    r"|政策解读[:：]?$|责任编辑[:：]|分享到|字号[:：]|浏览次数|访问量|文章来源[:：])")


def _is_end_line(s: str) -> bool:
    return bool(_END_LINE.match(s) or (len(s) <= 40 and _FOOTER_LINE.match(s)))


_SIGNATURE = re.compile(r"^[\u4e00-\u9fa5]{2,24}(?:人民政府|办公室|办公厅|委员会|局|厅|部)$")
_PAGE_NUMBER = re.compile(r"^(?:[-—－–\s]*\d{1,4}[-—－–\s]*|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+"
                          r"|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}[〔\[［(（【﹝]\s*\d{4}\s*[〕\]］)）】﹞]\s*\d+\s*号")
_HEADER_FIELD = re.compile(r"^(?:索引号|主题分类|成文日期|发布日期|发文机关|有效性|关键词|统一登记号|标题|发文字号|文号|来源|信息来源|"
                           r"当前位置|主题词|公文种类|发布机构|生成日期|体裁分类|时效性|名称|文件编号|信息名称|实施日期|废止日期)\s*[:：]")
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


def pinyin_count(text: str) -> int:
    return sum(1 for m in _PINYIN.finditer(text) if re.search(rf"[{_TONED}1-5]", m.group(1)))


def _TERMINAL_END(line: str) -> bool:
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
        if ln and not _PAGE_NUMBER.match(ln) and not _HR.match(ln):
            lines.append(ln)
    # Running headers/footers of a PDF: the same short line on many pages, or at the edge of several.
    repeated: set[str] = set()
    if len(pages) < 2:  # without page breaks to go by, a line repeated many times
        counts = Counter(ln for ln in lines if len(ln) <= 40)
        repeated = {ln for ln, n in counts.items() if n >= 3 and not _TERMINAL_END(ln) and not marker(ln)}
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
    open_ = sum(1 for ln in long if not _TERMINAL_END(ln) and len(ln) >= 0.75 * width)
    return open_ / len(long) > 0.4


# ---- blocks ---------------------------------------------------------------------------------------

@dataclass
class _Block:
    text: str
    marker: Marker | None = None
    closed: bool = False  # a short heading line: the next line starts a new block


def _blocks(lines: list[str]) -> list[_Block]:
    """Join hard-wrapped lines into blocks; a block starts at a structural marker or closing line."""
    if not is_wrapped(lines):
        return [_Block(ln, marker(ln)) for ln in lines]
    widths = sorted(len(ln) for ln in lines if len(ln) >= 10)
    width = widths[len(widths) // 2] if widths else 30
    blocks: list[_Block] = []
    seen_marker = False
    for ln in lines:
        mk = marker(ln)
        s = simp(ln)
        prev = blocks[-1] if blocks else None
        boundary_ok = prev is None or prev.closed or not seen_marker and _is_title_like(prev.text) or prev.marker is not None and prev.marker.kind in ("chapter", "section") \
            or _TERMINAL_END(prev.text) or (prev.marker is not None and _is_heading(prev))
        starts = False
        if mk and boundary_ok:
            starts = True
        elif prev is None or prev.closed or _CLOSING_PROVISION.match(s) or _DATE_LINE.match(fold_whitespace(s)) \
                or _is_end_line(s) or _HEADER_FIELD.match(s):
            starts = True
        elif prev is not None and (_TERMINAL_END(prev.text) or _is_title_like(prev.text)) and (
                _SIGNATURE.match(fold_whitespace(s)) or _DOC_NUMBER.fullmatch(fold_whitespace(s))):
            starts = True
        elif _TERMINAL_END(prev.text) and len(ln) <= 40 and not re.search(r"[。；;，,：:]", ln):
            # a short line without a sentence in it after a sentence's end: a title or heading of its own
            starts = True
        elif not seen_marker and prev.marker is None and _is_title_like(prev.text) and not _TERMINAL_END(prev.text):
            # Title and address lines of a letterhead each stand alone.
            starts = len(ln) <= 40 and not ln.endswith(("，", ","))
        if starts or prev is None:
            block = _Block(ln, mk if starts else None)
            # A short marker line with no sentence in it is a heading: what follows is a new block.
            if block.marker and seen_marker and len(ln) < 0.6 * width and not re.search(r"[。；;，,、：:]$", ln) \
                    and "。" not in ln:
                block.closed = True
            blocks.append(block)
            seen_marker = seen_marker or (starts and mk is not None)
        else:
            prev.text = _join([prev.text, ln])
    return blocks


def _join(texts: list[str]) -> str:
    """Lines of one paragraph: a number broken over two lines ("2" / "4小时") is one number again."""
    out = texts[0] if texts else ""
    for t in texts[1:]:
        out += ("" if out[-1:].isdigit() and t[:1].isdigit() else "\n") + t
    return out


def _is_heading(block: _Block) -> bool:
    """A part heading: a marker line with no sentence in it (一、把政治建设摆在首位，在…作表率)."""
    text = fold_whitespace(block.text)
    return len(text) <= 60 and "。" not in text


def _is_title_like(text: str) -> bool:
    t = fold_whitespace(text)
    return len(t) <= 40 and not t.endswith(("，", ",", "、"))


def _heading_line(text: str) -> bool:
    """The first line of an article that is only its heading ("（一）加强组织领导")."""
    return 0 < len(text) <= 30 and not re.search(r"[。！？!?；;，,：:、]$", text) and not re.search(r"[。，,；;]", text)


# ---- layout ---------------------------------------------------------------------------------------

@dataclass
class Layout:
    part_levels: tuple[str, ...]
    article_level: str

    @property
    def name(self) -> str:
        names = {"chapter": "第X章", "section": "第X节", "tiao": "第X条", "cn": "一、", "paren": "（一）", "arabic": "1."}
        return " > ".join(names[k] for k in (*self.part_levels, self.article_level))


def choose_layout(blocks: list[_Block]) -> Layout | None:
    """Which marker numbers the articles and which ones head parts."""
    kinds = Counter(b.marker.kind for b in blocks if b.marker)
    items = {k: kinds[k] for k in _ITEM_LEVELS}
    upper = tuple(k for k in ("chapter", "section") if kinds[k])
    if kinds["tiao"] >= 2:
        return Layout(upper, "tiao")
    if kinds["tiao"] == 1:
        first = next(i for i, b in enumerate(blocks) if b.marker and b.marker.kind == "tiao")
        if not any(b.marker and b.marker.kind in _ITEM_LEVELS for b in blocks[:first]):
            return Layout(upper, "tiao")
    levels = [k for k in _ITEM_LEVELS if items[k]]
    candidates = [k for k in levels if items[k] >= 2]
    if not candidates:
        return None

    def heading_share(k: str) -> float:
        blocks_k = [b for b in blocks if b.marker and b.marker.kind == k]
        return sum(1 for b in blocks_k if _is_heading(b) or b.closed) / len(blocks_k)

    # The articles are the deepest level whose items carry text; a level of short items without a
    # sentence ("1.完善设施；") is an enumeration inside them, unless there is nothing else.
    texty = [k for k in candidates if heading_share(k) < 0.5]
    art = texty[-1] if texty else candidates[-1]
    parts = [k for k in levels if _ITEM_LEVELS.index(k) < _ITEM_LEVELS.index(art)
             and (k == "cn" or heading_share(k) >= 0.5)]
    return Layout(upper + tuple(parts), art)


# ---- parsing --------------------------------------------------------------------------------------

@dataclass
class _Open:
    number: int | None
    label: str
    own_label: str
    prefix: str
    part: str
    texts: list[str] = field(default_factory=list)
    kind: str = "article"
    sub: int | None = None
    level: str = ""
    heading: str = ""


def parse_document(raw: str, meta: DocumentMeta) -> Document:
    lines = clean_lines(raw)
    blocks = _blocks(lines)
    layout = choose_layout(blocks)
    if layout is None:
        raise ValueError("no recognizable structure: found no numbered articles (1. / 第X条 / 一、 / （一）)")
    doc = Document(meta=meta, articles=[])
    levels = layout.part_levels
    art = layout.article_level
    part_of: dict[str, tuple[str, str]] = {}  # level → (label, heading text) of the open part
    last_part: dict[str, int] = {k: 0 for k in levels}
    last_number = 0
    restart_ok = False
    started = ended = False
    preamble: list[str] = []
    closing: list[str] = []
    current: _Open | None = None
    opened: list[_Open] = []
    notes: list[str] = []
    after_part: tuple[str, str] | None = None  # (label, heading) of a part heading just read

    def part_string() -> str:
        return " ".join(part_of[k][1] for k in levels if k in part_of)

    def prefix() -> str:
        return "".join(part_of[k][0] for k in levels if k in part_of and k in _ITEM_LEVELS)

    def flush():
        nonlocal current
        if current is not None:
            opened.append(current)
        current = None

    for b in blocks:
        if ended:
            break
        text = b.text
        flat = fold_whitespace(text)
        s = simp(flat[:160])  # every test on it is anchored at the start
        mk = b.marker
        if started and _CLOSING_PROVISION.match(s) and not mk:
            flush()
            closing.append(flat)
            continue
        if started and not mk and (closing or _DATE_LINE.match(s) or _is_end_line(s) or _SIGNATURE.match(s)):
            flush()
            ended = True
            continue
        if after_part is not None and not mk and _heading_line(flat) and not _TERMINAL_END(after_part[1]):
            # a part heading wrapped onto a second line ("第六节 调取、查封、扣押物证、书证" / "和视听资料、电子数据")
            label, own = after_part[0], after_part[1] + flat
            level = next(k for k in levels if part_of.get(k, ("", ""))[0] == label)
            part_of[level] = (label, own)
            doc.parts[-1] = own
            after_part = None
            continue
        after_part = None
        if mk and mk.kind in levels:
            heading_like = _is_heading(b) or b.closed
            if mk.number > last_part[mk.kind] or (heading_like and mk.kind not in _ITEM_LEVELS) \
                    or (heading_like and mk.number == 1):
                flush()
                started = True
                i = levels.index(mk.kind)
                for deeper in levels[i:]:
                    part_of.pop(deeper, None)
                    if deeper != mk.kind:
                        last_part[deeper] = 0
                last_part[mk.kind] = mk.number
                restart_ok = True
                own = flat if heading_like or len(flat) <= 80 else flat[: len(mk.label) + 30]
                if not heading_like and mk.kind in _ITEM_LEVELS:
                    # A part item with text of its own (mixed layouts): a citable article as well.
                    own = mk.label + _first_clause(flat[len(mk.label):])
                    part_of[mk.kind] = (mk.label, own)
                    doc.parts.append(own)
                    current = _Open(mk.number, prefix(), mk.label, "", part_string(), [flat[len(mk.label):].lstrip()],
                                    level=mk.kind)
                    current.label = prefix()
                    continue
                part_of[mk.kind] = (mk.label, own)
                doc.parts.append(own)
                if mk.kind == "chapter" and not heading_like and "。" in flat:
                    part_of[mk.kind] = (mk.label, mk.label)
                elif heading_like:
                    after_part = (mk.label, own)
                continue
        if mk and mk.kind == art:
            accept = False
            if art == "tiao":
                accept = True
            elif mk.number > last_number or (mk.number == 1 and restart_ok and last_number):
                accept = True
            elif mk.number == last_number and current is not None:
                notes.append(f"{flat[:12]}…: label {mk.label} repeats the previous one; kept as its text")
            if accept:
                flush()
                started = True
                last_number = mk.number
                restart_ok = False
                current = _Open(mk.number, mk.label, mk.label, prefix(), part_string(),
                                [flat[len(mk.label):].lstrip()], sub=mk.sub, level=art)
                continue
        if current is not None:
            current.texts.append(flat)
        elif not started:
            if _HEADER_FIELD.match(s):
                continue
            preamble.append(flat)
        else:
            # text between a part heading and its first article: the part's own introduction
            inner = next((part_of[k] for k in reversed(levels) if k in part_of), None)
            number = marker(inner[0]).number if inner and prefix() and marker(inner[0]) else None
            current = _Open(number, prefix(), "", "", part_string(), [flat], level="intro")
            if inner and inner[1].startswith(inner[0]) and _heading_line(inner[1][len(inner[0]):]):
                current.heading = inner[1][len(inner[0]):]
    flush()

    restarted = _restarted(opened, art)
    for o in opened:
        label = o.label
        if o.level == art and art in _ITEM_LEVELS and o.prefix and (art == "paren" or restarted):
            label = o.prefix + o.own_label
        texts = [t for t in o.texts if t]
        heading = o.heading
        if not heading and len(texts) > 1 and _heading_line(texts[0]):
            heading, texts = texts[0], texts[1:]
        body = fold_whitespace(_join(texts))
        if not body and heading:
            body, heading = heading, ""
        if not body:
            continue
        heading = heading or _heading_of(body, art)
        doc.articles.append(Article(
            doc_number=meta.doc_number, index=len(doc.articles), number=o.number, label=label,
            heading=heading, body=body, part=o.part, kind="article", sentences=split_sentences(body)))
    if closing:
        body = "".join(closing)
        doc.articles.append(Article(
            doc_number=meta.doc_number, index=len(doc.articles), number=None, label="", heading="施行与废止",
            body=body, part="", kind="closing", sentences=split_sentences(body)))
    doc.preamble = _preamble(preamble, meta)
    doc.layout = layout.name
    doc.warnings = _numbering(opened, art, restarted) + notes
    if not any(a.kind == "article" for a in doc.articles):
        raise ValueError("no recognizable structure: no article text found")
    return doc


def _first_clause(text: str) -> str:
    m = re.match(r"[^。；;，,：:]{1,30}", text)
    return m.group(0) if m else text[:30]


def _restarted(opened: list[_Open], art: str) -> bool:
    """Item numbering that starts again under each part ("一、 1. 2. 二、 1. 2.")."""
    if art == "tiao":
        return False
    last = 0
    for o in opened:
        if o.level != art:
            continue
        if o.number is not None and o.number <= last:
            return True
        last = o.number or last
    return False


def _heading_of(body: str, kind: str) -> str:
    if kind not in ("arabic", "cn", "paren"):
        m = re.match(r"^[【\[]([^】\]]{1,20})[】\]]", body) or re.match(r"^[（(]([^）)]{2,15})[)）]", body)
        return m.group(1) if m else ""
    first = split_sentences(body)[:1]
    if first and first[0].endswith("。") and len(first[0]) <= 26 and not re.search(r"[，,；;]", first[0]) \
            and len(body) > len(first[0]):
        return first[0].rstrip("。")
    return ""


def _preamble(blocks: list[str], meta: DocumentMeta) -> str:
    """The addressee and introduction: what follows the last title or 文号 line before the first part."""
    start = 0
    for i, b in enumerate(blocks):
        if _DOC_NUMBER.search(simp(b)) and len(b) <= 40 or (meta.title and b and b in meta.title):
            start = i + 1
    return fold_whitespace("\n".join(blocks[start:]))


def _numbering(opened: list[_Open], art: str, restarted: bool) -> list[str]:
    """Gaps, duplicates and disorder in the article numbering (per part where numbering restarts)."""
    groups: dict[str, list[_Open]] = {}
    for o in opened:
        if o.level == art and o.number is not None:
            key = o.prefix if (art == "paren" or restarted) else ""
            groups.setdefault(key, []).append(o)
    warnings = []
    for key, items in groups.items():
        where = f" under {key}" if key else ""
        numbers = [o.number for o in items if not o.sub]
        seen = Counter(numbers)
        dups = [o.label for o in items if not o.sub and seen[o.number] > 1]
        if dups:
            warnings.append(f"duplicate article numbers{where}: {', '.join(dict.fromkeys(dups))}")
        disorder = [f"{b.own_label} after {a.own_label}" for a, b in zip(items, items[1:])
                    if b.number < a.number or (b.number == a.number and (b.sub or 0) < (a.sub or 0))]
        if disorder:
            warnings.append(f"out of order{where}: {'; '.join(disorder[:5])}" + (" …" if len(disorder) > 5 else ""))
        if numbers:
            missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
            if missing:
                shown = ", ".join(map(str, missing[:20])) + (" …" if len(missing) > 20 else "")
                warnings.append(f"numbering gaps{where}: {len(missing)} missing ({shown})")
    return warnings


def numbering_warnings(doc: Document) -> list[str]:
    """Gaps and duplicates among a parsed document's article numbers (whole document)."""
    numbers = [a.number for a in doc.articles if a.kind == "article" and a.number is not None]
    warnings = []
    seen = Counter(numbers)
    dups = sorted(n for n, c in seen.items() if c > 1)
    if dups:
        warnings.append(f"duplicate article numbers: {dups}")
    if numbers:
        missing = sorted(set(range(min(numbers), max(numbers) + 1)) - set(numbers))
        if missing:
            shown = ", ".join(map(str, missing[:20])) + (" …" if len(missing) > 20 else "")
            warnings.append(f"numbering gaps: {len(missing)} missing ({shown})")
    return warnings
