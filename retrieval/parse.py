"""Raw document text → Document (parts → articles → sentences).

Works on the lines lines.py cleaned of layout noise. Handles web pages saved as text (a 索引号/成文日期
header, footers), PDF extractions (a line break inside every sentence, "21 号" spacing), markdown and
traditional script (matched in simplified form, kept as written). The rebuilt article text equals the
source once whitespace is folded: only whitespace (and pinyin annotations) is ever removed from inside
an article. The stages: blocks (wrapped lines joined) → layout (which marker numbers the articles) →
one pass of _Reader (preamble, parts, articles, closing provisions) → articles with labels and headings.

Layouts: "1." articles under "一、" parts (the seeds); "第X条" articles under "第X章/第X节" (or flat,
with or without a space after the label, "第十七条之一" included); "一、" items with "（一）"
sub-items ("二、（一）"); "一、" items alone; mixed ("一、" items with and without sub-items,
"一、/（一）" headings over "1." articles, "1." numbering restarting under each part).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .lines import ITEM_LEVELS as _ITEM_LEVELS
from .headers import field_line
from .lines import Marker, clean_lines, ends_sentence, is_wrapped, marker
from .models import Article, Document, DocumentMeta
from .text import fold_whitespace, simp, split_sentences

# Lines that end the body: signature, date, publication note, distribution list, web footer.
_CLOSING_PROVISION = re.compile(
    r"^本(?:意见|办法|规定|通知|细则|条例|方案|决定|规则|制度|实施意见|措施|准则|规程|公告|通告|法|解释)[^。]{0,30}?"
    r"自\s*(?:\d{4}\s*年[^。]{0,12}?|[^。]{0,6}(?:公布|发布|印发|颁布|下发|签发|之)[^。]{0,4}?)起?[^。]{0,6}?(?:施行|实施|生效)")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_END_LINE = re.compile(r"^(?:[（(]此件.{0,10}[)）]|抄送[:：]|附件\s*\d*\s*[:：]|附件\s*\d*\s*$)")
# Web page footers: only as a short line of their own.
_FOOTER_WORDS = r"(?:【\s*)?(?:打印本页|关闭窗口|打印此页|关闭本页|返回顶部|打印|关闭|分享|下载|收藏|返回|大|中|小)(?:\s*】)?"
_FOOTER_LINE = re.compile(
    rf"^(?:{_FOOTER_WORDS}(?:[\s|｜/]*{_FOOTER_WORDS})*[\s:：]*$|扫一扫|Produced By|主办单位[:：\s]|主办单位$|主办[:：]|承办单位[:：\s]|承办单位$|网站标识码|版权所有"
    r"|Copyright|©|\w{0,2}ICP备|技术支持[:：]|联系我们|网站地图|【\s*字体|上一篇|下一篇|相关链接|相关文件[:：]?$|相关解读"
    r"|政策解读[:：]?$|责任编辑[:：]|分享到|字号[:：]|浏览次数|访问量|文章来源[:：])")


def _is_end_line(s: str) -> bool:
    return bool(_END_LINE.match(s) or (len(s) <= 40 and _FOOTER_LINE.match(s)))


# a hotline office may sign with its number: 12345政府综合服务热线管理办公室
_SIGNATURE = re.compile(r"^(?=\d{0,6}[\u4e00-\u9fa5]{2})[\u4e00-\u9fa50-9]{2,30}(?:人民政府|办公室|办公厅|委员会|研究室|局|厅|部|馆)$")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}[〔\[［(（【﹝]\s*\d{4}\s*[〕\]］)）】﹞]\s*\d+\s*号")


def _ends_text(s: str) -> bool:
    """A date, signature, footer or 抄送 line: what follows a document's text."""
    return bool(_DATE_LINE.match(s) or _is_end_line(s) or _SIGNATURE.match(s))


def _header_field(s: str) -> bool:
    """A line of a web page's metadata table (its labels spaced out, with or without a colon)."""
    return field_line(s) or s.startswith(("当前位置", "您的位置"))


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
            or ends_sentence(prev.text) or (prev.marker is not None and _is_heading(prev))
        starts = False
        if mk and boundary_ok:
            starts = True
        elif prev is None or prev.closed or _CLOSING_PROVISION.match(s) or _DATE_LINE.match(fold_whitespace(s)) \
                or _is_end_line(s) or _header_field(s):
            starts = True
        elif prev is not None and (ends_sentence(prev.text) or _is_title_like(prev.text)) and (
                _SIGNATURE.match(fold_whitespace(s)) or _DOC_NUMBER.fullmatch(fold_whitespace(s))):
            starts = True
        elif ends_sentence(prev.text) and len(ln) <= 40 and not re.search(r"[。；;，,：:]", ln):
            # a short line without a sentence in it after a sentence's end: a title or heading of its own
            starts = True
        elif not seen_marker and prev.marker is None and _is_title_like(prev.text) and not ends_sentence(prev.text):
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
        names = {"chapter": "第X章", "section": "第X节", "tiao": "第X条", "cn": "一、", "paren": "（一）", "arabic": "1.",
                 "decimal": "1.1"}
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
    # "3." over "3.1" clauses heads them whether or not it carries text of its own
    parts = [k for k in levels if _ITEM_LEVELS.index(k) < _ITEM_LEVELS.index(art)
             and (k == "cn" or heading_share(k) >= 0.5 or (art, k) == ("decimal", "arabic"))]
    return Layout(upper + tuple(parts), art)


# ---- a web page's unnumbered headings ----------------------------------------------------------

MIN_SECTIONS = 2  # unnumbered headings needed to read a text as sections under them
_SECTION_HEADING = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff ]{1,11}")


def _section_heading(text: str) -> bool:
    """A short line of words only ("服务时间", "报名方式"): a heading, where a page numbers nothing."""
    return bool(_SECTION_HEADING.fullmatch(fold_whitespace(text)))


def _headed_sections(blocks: list[_Block], meta: DocumentMeta) -> Document | None:
    """A notice whose paragraphs stand under unnumbered headings ("服务时间" / "9月29日~9月30日…"): each
    heading with its paragraphs is a citable item, labelled by its heading."""
    heads = [i for i in range(1, len(blocks) - 1)
             if _section_heading(blocks[i].text) and not _section_heading(blocks[i + 1].text)]
    if len(heads) < MIN_SECTIONS:
        return None
    doc = Document(meta=meta, articles=[], layout="标题分段（无编号）")
    intro = [fold_whitespace(b.text) for b in blocks[:heads[0]]]
    doc.preamble = _preamble([t for t in intro if not _header_field(simp(t))], meta)
    for k, at in enumerate(heads):
        texts = []
        for b in blocks[at + 1:heads[k + 1] if k + 1 < len(heads) else len(blocks)]:
            t = fold_whitespace(b.text)
            s = simp(t)
            if _header_field(s) or _ends_text(s):
                break  # "来源:临安新闻网 作者:", a signature or a date: the page's text has ended
            texts.append(t)
        body = fold_whitespace(_join(texts))
        if body:
            doc.articles.append(Article(
                doc_number=meta.doc_number, index=len(doc.articles), number=None, label="",
                heading=fold_whitespace(blocks[at].text), body=body, kind="article", sentences=split_sentences(body)))
    return doc if doc.articles else None


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
    blocks = _blocks(clean_lines(raw))
    layout = choose_layout(blocks)
    if layout is None:
        doc = _headed_sections(blocks, meta)
        if doc is not None:
            return doc
        raise ValueError("no recognizable structure: found no numbered articles (1. / 第X条 / 一、 / （一）) "
                         "and no headings over paragraphs (服务对象 / 服务时间 …)")
    doc = Document(meta=meta, articles=[])
    reader = _Reader(layout, doc)
    for k, b in enumerate(blocks):
        if reader.ended:
            break
        reader.upcoming = blocks[k + 1:k + 1 + LOOKAHEAD]
        reader.read(b)
    reader.flush()
    restarted = _restarted(reader.opened, layout.article_level)
    doc.articles.extend(_articles(reader.opened, layout.article_level, restarted, meta))
    if reader.closing:
        body = "".join(reader.closing)
        doc.articles.append(Article(
            doc_number=meta.doc_number, index=len(doc.articles), number=None, label="", heading="施行与废止",
            body=body, part="", kind="closing", sentences=split_sentences(body)))
    doc.preamble = _preamble(reader.preamble, meta)
    doc.layout = layout.name
    doc.warnings = _numbering(reader.opened, layout.article_level, restarted) + reader.notes
    if not any(a.kind == "article" for a in doc.articles):
        raise ValueError("no recognizable structure: no article text found")
    return doc


LOOKAHEAD = 12  # blocks looked ahead for the next article when a line looks like the end of the text
WRAPPED_HEADING = 8  # characters a heading must have after its label to have been wrapped onto a next line


class _Reader:
    """One pass over the blocks: the preamble, parts and articles opened in order, the closing
    provisions, and where the body ends."""

    def __init__(self, layout: Layout, doc: Document):
        self.levels, self.art, self.doc = layout.part_levels, layout.article_level, doc
        self.part_of: dict[str, tuple[str, str]] = {}  # level → (label, heading text) of the open part
        self.last_part: dict[str, int] = {k: 0 for k in self.levels}
        self.last_number = 0
        self.last_path: tuple[int, ...] = ()
        self.restart_ok = False
        self.started = self.ended = False
        self.preamble: list[str] = []
        self.closing: list[str] = []
        self.current: _Open | None = None
        self.opened: list[_Open] = []
        self.notes: list[str] = []
        self.after_part: tuple[str, str] | None = None  # (label, heading) of a part heading just read
        self.upcoming: list[_Block] = []  # the blocks after the one being read (a few)

    def part_string(self) -> str:
        return " ".join(self.part_of[k][1] for k in self.levels if k in self.part_of)

    def prefix(self) -> str:
        return "".join(self.part_of[k][0] for k in self.levels if k in self.part_of and k in _ITEM_LEVELS)

    def flush(self) -> None:
        if self.current is not None:
            self.opened.append(self.current)
        self.current = None

    def read(self, b: _Block) -> None:
        flat = fold_whitespace(b.text)
        s = simp(flat[:160])  # every test on it is anchored at the start
        mk = b.marker
        if self._end(flat, s, mk) or self._heading_continued(flat, mk):
            return
        self.after_part = None
        if mk and mk.kind in self.levels and self._part(mk, b, flat):
            return
        if mk and mk.kind == self.art and self._article(mk, flat):
            return
        self._text(flat, simp(b.text.strip()[:160]))

    def _end(self, flat: str, s: str, mk: Marker | None) -> bool:
        """The closing provisions (本办法自…施行), then the signature, date or footer that ends the body."""
        if not self.started or mk:
            return False
        if _CLOSING_PROVISION.match(s):
            self.flush()
            self.closing.append(flat)
            return True
        if self.closing or _ends_text(s):
            if not self.closing and self._numbering_goes_on():
                # "承办单位应当…" or a date on its own line, but the articles go on after it: it is text
                self.notes.append(f"{flat[:12]}…: looked like the end of the text, but the numbering goes on "
                                  f"after it; kept as text")
                return False
            self.flush()
            self.ended = True
            return True
        return False

    def _numbering_goes_on(self) -> bool:
        """The article numbered next after the last one read follows within a few blocks."""
        return any(b.marker and b.marker.kind == self.art and b.marker.number == self.last_number + 1
                   for b in self.upcoming)

    def _heading_continued(self, flat: str, mk: Marker | None) -> bool:
        """A part heading wrapped onto a second line ("第六节 调取、查封、扣押物证、书证" / "和视听资料、电子数据")."""
        after = self.after_part
        if after is None or mk or not _heading_line(flat) or ends_sentence(after[1]):
            return False
        if len(after[1]) - len(after[0]) < WRAPPED_HEADING:
            return False  # "一、接电时间" is whole; the short line under it ("2018年8月13日") is its text
        label, own = after[0], after[1] + flat
        level = next(k for k in self.levels if self.part_of.get(k, ("", ""))[0] == label)
        self.part_of[level] = (label, own)
        self.doc.parts[-1] = own
        self.after_part = None
        return True

    def _part(self, mk: Marker, b: _Block, flat: str) -> bool:
        heading_like = _is_heading(b) or b.closed
        if not (mk.number > self.last_part[mk.kind] or (heading_like and mk.kind not in _ITEM_LEVELS)
                or (heading_like and mk.number == 1)):
            return False
        self.flush()
        self.started = True
        i = self.levels.index(mk.kind)
        for deeper in self.levels[i:]:
            self.part_of.pop(deeper, None)
            if deeper != mk.kind:
                self.last_part[deeper] = 0
        self.last_part[mk.kind] = mk.number
        self.restart_ok = True
        own = flat if heading_like or len(flat) <= 80 else flat[: len(mk.label) + 30]
        if not heading_like and mk.kind in _ITEM_LEVELS:
            # A part item with text of its own (mixed layouts): a citable article as well.
            own = mk.label + _first_clause(flat[len(mk.label):])
            self.part_of[mk.kind] = (mk.label, own)
            self.doc.parts.append(own)
            self.current = _Open(mk.number, self.prefix(), mk.label, "", self.part_string(),
                                 [flat[len(mk.label):].lstrip()], level=mk.kind)
            return True
        self.part_of[mk.kind] = (mk.label, own)
        self.doc.parts.append(own)
        if mk.kind == "chapter" and not heading_like and "。" in flat:
            self.part_of[mk.kind] = (mk.label, mk.label)
        elif heading_like:
            self.after_part = (mk.label, own)
        return True

    def _article(self, mk: Marker, flat: str) -> bool:
        accept = self.art == "tiao" or mk.number > self.last_number \
            or (mk.number == 1 and self.restart_ok and bool(self.last_number))
        if self.art == "decimal":  # 3.1 after 2.4: the clause numbers go on as a whole
            accept = mk.path > self.last_path
        if not accept:
            if mk.number == self.last_number and self.current is not None:
                self.notes.append(f"{flat[:12]}…: label {mk.label} repeats the previous one; kept as its text")
            return False
        self.flush()
        self.started = True
        self.last_number = mk.number
        self.last_path = mk.path
        self.restart_ok = False
        self.current = _Open(mk.number, mk.label, mk.label, self.prefix(), self.part_string(),
                             [flat[len(mk.label):].lstrip()], sub=mk.sub, level=self.art)
        return True

    def _text(self, flat: str, s: str) -> None:  # s: the block as written (a table keeps its spaces)
        if self.current is not None:
            self.current.texts.append(flat)
        elif not self.started:
            if not _header_field(s):
                self.preamble.append(flat)
        else:
            # text between a part heading and its first article: the part's own introduction
            inner = next((self.part_of[k] for k in reversed(self.levels) if k in self.part_of), None)
            number = marker(inner[0]).number if inner and self.prefix() and marker(inner[0]) else None
            self.current = _Open(number, self.prefix(), "", "", self.part_string(), [flat], level="intro")
            if inner and inner[1].startswith(inner[0]) and _heading_line(inner[1][len(inner[0]):]):
                self.current.heading = inner[1][len(inner[0]):]


def _articles(opened: list[_Open], art: str, restarted: bool, meta: DocumentMeta) -> list[Article]:
    """The opened articles with their labels, headings and sentences (empty ones dropped)."""
    out: list[Article] = []
    for o in opened:
        label = o.label
        if o.level == art and art in _ITEM_LEVELS and art != "decimal" and o.prefix and (art == "paren" or restarted):
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
        out.append(Article(
            doc_number=meta.doc_number, index=len(out), number=o.number, label=label,
            heading=heading, body=body, part=o.part, kind="article", sentences=split_sentences(body)))
    return out


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
    if kind not in ("arabic", "cn", "paren", "decimal"):
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
            key = o.own_label.rsplit(".", 1)[0] + "." if art == "decimal" else \
                o.prefix if (art == "paren" or restarted) else ""
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

