"""Raw document text → Document (parts → articles → sentences), with layout noise removed.

Handles web pages saved as text (navigation, a 索引号/成文日期 header, footers) and PDF extractions
(a line break inside every sentence, blank lines between lines, page numbers, running headers,
"21 号" spacing). The rebuilt article text equals the source once whitespace is folded: only
whitespace is ever removed from inside an article.

Layouts: "1." articles under "一、" parts (the seeds); "第X条" articles under "第X章/第X节";
"一、" items with "（一）" sub-items; "一、" items alone.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .models import Article, Document, DocumentMeta
from .text import cn_to_int, fold_whitespace, split_sentences, strip_invisible

_CN_NUM = "零〇一二三四五六七八九十百千两"
_TERMINAL = tuple("。！？!?；;：:”」)）")

# Markers at the start of a (stripped) line. Each yields (kind, number, label).
_MARKERS: list[tuple[str, re.Pattern]] = [
    ("chapter", re.compile(rf"^第\s*([{_CN_NUM}\d]+)\s*[章编]")),
    ("section", re.compile(rf"^第\s*([{_CN_NUM}\d]+)\s*节")),
    ("tiao", re.compile(rf"^第\s*([{_CN_NUM}\d]+)\s*条")),
    ("cn", re.compile(rf"^([{_CN_NUM}]+)\s*、")),
    ("paren", re.compile(rf"^[（(]\s*([{_CN_NUM}]+)\s*[)）]")),
    ("arabic", re.compile(r"^(\d{1,3})\s*[\.．、](?![\d\.．])")),
]

# Lines that end the body: signature, date, publication note, distribution list, web footer.
_CLOSING_PROVISION = re.compile(r"^本(?:意见|办法|规定|通知|细则|条例|方案|决定|规则|制度|实施意见|措施)[^。]{0,30}?自.{0,30}?(?:施行|实施|生效)")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_END_LINE = re.compile(r"^(?:[（(]此件.{0,10}[)）]|抄送[:：]|扫一扫|下载\s|打印|关闭|分享|Produced By|附件[:：]?\s*$)")
_SIGNATURE = re.compile(r"^[\u4e00-\u9fa5]{2,24}(?:人民政府|办公室|办公厅|委员会|局|厅|部)$")
_PAGE_NUMBER = re.compile(r"^(?:[-—－–\s]*\d{1,4}[-—－–\s]*|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*\d+\s*号")
_HEADER_FIELD = re.compile(r"^(?:索引号|主题分类|成文日期|发布日期|发文机关|有效性|关键词|统一登记号|标题|发文字号|文号|来源|信息来源|当前位置)\s*[:：]")


@dataclass
class _Block:
    text: str
    marker: tuple[str, int, str] | None = None  # (kind, number, label)


def _marker(line: str) -> tuple[str, int, str] | None:
    for kind, pattern in _MARKERS:
        m = pattern.match(line)
        if m:
            number = cn_to_int(m.group(1).replace(" ", ""))
            if number is None or number == 0:
                continue
            return kind, number, fold_whitespace(m.group(0))
    return None


def _lines(raw: str) -> list[str]:
    raw = strip_invisible(raw).replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")
    lines = [ln.strip() for ln in raw.split("\n")]
    lines = [ln for ln in lines if ln and not _PAGE_NUMBER.match(ln)]
    # Running headers/footers of a PDF: the same short line on many pages.
    counts = Counter(ln for ln in lines if len(ln) <= 40 and not _marker(ln))
    repeated = {ln for ln, n in counts.items() if n >= 3 and not _TERMINAL_END(ln)}
    return [ln for ln in lines if ln not in repeated]


def _TERMINAL_END(line: str) -> bool:
    return line.endswith(_TERMINAL)


def _blocks(lines: list[str], article_kind: str | None) -> list[_Block]:
    """Join hard-wrapped lines into blocks; a block starts at a structural marker or closing line."""
    blocks: list[_Block] = []
    seen_marker = False
    for ln in lines:
        mk = _marker(ln)
        prev = blocks[-1] if blocks else None
        boundary_ok = prev is None or prev.marker is not None and prev.marker[0] in ("chapter", "section") \
            or _TERMINAL_END(prev.text) or (prev.marker is not None and _is_heading(prev))
        starts = False
        if mk and boundary_ok:
            starts = True
        elif prev is None or _CLOSING_PROVISION.match(ln) or _DATE_LINE.match(fold_whitespace(ln)) \
                or _END_LINE.match(ln) or _HEADER_FIELD.match(ln):
            starts = True
        elif prev is not None and (_TERMINAL_END(prev.text) or _is_title_like(prev.text)) and (
                _SIGNATURE.match(fold_whitespace(ln)) or _DOC_NUMBER.fullmatch(fold_whitespace(ln))):
            starts = True
        elif not seen_marker and prev.marker is None and _is_title_like(prev.text) and not _TERMINAL_END(prev.text):
            # Title and address lines of a letterhead each stand alone.
            starts = len(ln) <= 40 and not ln.endswith(("，", ","))
        if starts or prev is None:
            blocks.append(_Block(ln, mk if starts else None))
            seen_marker = seen_marker or (starts and mk is not None)
        else:
            prev.text = prev.text + "\n" + ln
    return blocks


def _is_heading(block: _Block) -> bool:
    """A part heading: a marker line with no sentence in it (一、把政治建设摆在首位，在…作表率)."""
    text = fold_whitespace(block.text)
    return len(text) <= 60 and "。" not in text


def _is_title_like(text: str) -> bool:
    t = fold_whitespace(text)
    return len(t) <= 40 and not t.endswith(("，", ",", "、"))


def _article_kind(blocks: list[_Block]) -> str | None:
    """Which marker kind numbers the articles: 第X条 > 1. > （一） under 一、 > 一、."""
    kinds = Counter(b.marker[0] for b in blocks if b.marker)
    for kind in ("tiao", "arabic"):
        if kinds[kind] >= 2:
            return kind
    if kinds["paren"] >= 2 and kinds["cn"] >= 1:
        return "paren"
    if kinds["cn"] >= 2:
        return "cn"
    return None


def _part_kinds(article_kind: str) -> tuple[str, ...]:
    return {"tiao": ("chapter", "section"), "arabic": ("cn", "chapter"), "paren": ("cn",), "cn": ("chapter",)}[article_kind]


def _heading_of(body: str, kind: str) -> str:
    if kind not in ("arabic", "cn", "paren"):
        m = re.match(r"^[【\[]([^】\]]{1,20})[】\]]", body)
        return m.group(1) if m else ""
    first = split_sentences(body)[:1]
    if first and first[0].endswith("。") and len(first[0]) <= 26 and not re.search(r"[，,；;]", first[0]) \
            and len(body) > len(first[0]):
        return first[0].rstrip("。")
    return ""


def parse_document(raw: str, meta: DocumentMeta) -> Document:
    lines = _lines(raw)
    probe = _blocks(lines, None)
    kind = _article_kind(probe)
    if kind is None:
        raise ValueError("no recognizable structure: found no numbered articles (1. / 第X条 / 一、)")
    part_kinds = _part_kinds(kind)
    blocks = probe

    doc = Document(meta=meta, articles=[])
    part = ""
    last_number = 0
    last_part = {k: 0 for k in part_kinds}
    started = False
    ended = False
    preamble: list[str] = []
    current: dict | None = None
    closing: list[str] = []
    sub_count = 0
    cn_part_label = ""

    def flush():
        nonlocal current
        if current is None:
            return
        body = fold_whitespace(current["body"])
        doc.articles.append(Article(
            doc_number=meta.doc_number, index=len(doc.articles), number=current["number"],
            label=current["label"], heading=_heading_of(body, kind), body=body, part=current["part"],
            kind="article", sentences=split_sentences(body)))
        current = None

    for b in blocks:
        text = b.text
        flat = fold_whitespace(text)
        if ended:
            continue
        mk = b.marker
        if started and (_CLOSING_PROVISION.match(flat)):
            flush()
            closing.append(flat)
            continue
        if started and (closing or _DATE_LINE.match(flat) or _END_LINE.match(flat) or _SIGNATURE.match(flat)) \
                and not mk:
            flush()
            if _CLOSING_PROVISION.match(flat):
                closing.append(flat)
            ended = True
            continue
        if mk and mk[0] in part_kinds and (mk[1] > last_part.get(mk[0], 0)):
            flush()
            started = True
            last_part[mk[0]] = mk[1]
            if mk[0] == "chapter" and "section" in last_part:
                last_part["section"] = 0
            if kind == "paren" and mk[0] == "cn":
                # An 一、 item with （一） sub-items: its own text (if any) is an article of its own.
                cn_part_label = mk[2]
                heading_line = flat
                part = heading_line if _is_heading(b) else mk[2]
                if not _is_heading(b):
                    current = {"number": None, "label": mk[2], "part": part, "body": flat[len(mk[2]):]}
                    flush()
                continue
            part = flat if len(flat) <= 80 else flat[: len(mk[2]) + 30]
            doc.parts.append(part)
            if mk[0] == "chapter" and not _is_heading(b) and "。" in flat:
                part = mk[2]
            continue
        if mk and mk[0] == kind and mk[1] > last_number:
            flush()
            started = True
            last_number = mk[1] if kind != "paren" else last_number
            if kind == "paren":
                sub_count += 1
                number, label = sub_count, cn_part_label + mk[2]
            else:
                number, label = mk[1], mk[2]
            current = {"number": number, "label": label, "part": part, "body": flat[len(mk[2]):].lstrip()}
            continue
        if kind == "paren" and mk and mk[0] == "paren":
            # （一） numbering restarts under every 一、
            flush()
            sub_count += 1
            current = {"number": sub_count, "label": cn_part_label + mk[2], "part": part,
                       "body": flat[len(mk[2]):].lstrip()}
            continue
        if current is not None:
            current["body"] += "\n" + text
        elif not started:
            if _HEADER_FIELD.match(flat):
                continue
            preamble.append(flat)
    flush()
    if kind == "paren":
        doc.parts = list(dict.fromkeys(a.part for a in doc.articles if a.part))
    if closing:
        body = "".join(closing)
        doc.articles.append(Article(
            doc_number=meta.doc_number, index=len(doc.articles), number=None, label="", heading="施行与废止",
            body=body, part="", kind="closing", sentences=split_sentences(body)))
    doc.preamble = _preamble(preamble, meta)
    doc.warnings = numbering_warnings(doc)
    if not any(a.kind == "article" for a in doc.articles):
        raise ValueError("no recognizable structure: no article text found")
    return doc


def _preamble(blocks: list[str], meta: DocumentMeta) -> str:
    """The addressee and introduction: what follows the last title or 文号 line before the first part."""
    start = 0
    for i, b in enumerate(blocks):
        if _DOC_NUMBER.search(b) and len(b) <= 40 or (meta.title and b and b in meta.title):
            start = i + 1
    return fold_whitespace("\n".join(blocks[start:]))


def numbering_warnings(doc: Document) -> list[str]:
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
