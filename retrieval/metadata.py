"""What a document says about itself: 文号, title, issuer, city, level, dates, validity and expiry, what it
repeals and amends, parent.

Every value comes with where it was found, so the ingest report (and the YAML written for review)
can say so. Nothing here guesses beyond the text: a value not found stays empty and the report says
which option supplies it.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .doc_numbers import (DECREE, DOC_NUMBER_LINE, date_in, find_doc_numbers, normalize_date, normalize_doc_number,
                          passages)
from .headers import (HEADER_FIELDS, ISSUER, ORGAN_END, TITLE_END, clean_title, fields_of, heading_title,
                      letterhead_title, site_suffix)
from .lines import clean_lines, marker
from .models import Document
from .places import Place, places
from .text import cn_to_int, fold_whitespace, simp, split_sentences

_PARENT = re.compile(r"(?:根据|按照|依据|依照|为贯彻落实|为认真贯彻落实|为深入贯彻落实|为落实|为贯彻|贯彻落实|落实)\s*"
                     r"《([^《》]{4,80})》(?:\s*[（(]\s*([^（）()]{4,30})\s*[)）])?")
_EFFECTIVE_FROM_DATE = re.compile(r"自\s*(?P<d>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇零○一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)"
                                  r"\s*(?:零时)?\s*起?\s*(?:施行|实施|生效|执行)")
_EFFECTIVE_FROM_ISSUE = re.compile(r"自(?P<w>印发|发布|公布|颁布|下发|签发|发文|公告)之日起(?:施行|实施|生效|执行)")
_VALID_UNTIL = re.compile(r"有效期(?:至|到|截至)\s*(?P<d>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
_VALID_YEARS = re.compile(r"有效期(?:为)?\s*(?P<n>\d+|[一二三四五六七八九十]+)\s*年")
_REPEAL = re.compile(r"(?:同时|予以|一并|即行|相应)?废止|停止执行|不再执行")


@dataclass
class Found:
    value: Any
    where: str  # "表头 发文字号", "第3行", "落款，第12行", "发文机关", "选项 --city" …


@dataclass
class Detected:
    fields: dict[str, Found] = field(default_factory=dict)
    parent_title: str | None = None  # 根据《…》: resolved to a 文号 against the corpus by the caller
    warnings: list[str] = field(default_factory=list)

    def get(self, key: str, default=None):
        f = self.fields.get(key)
        return f.value if f is not None else default

    def set(self, key: str, value, where: str) -> None:
        if value not in (None, "", []) and key not in self.fields:
            self.fields[key] = Found(value, where)


@dataclass
class _Source:
    """A document's text as the detectors read it: its lines (as written and simplified), the header
    before the first article marker, and the last lines."""
    text: str
    doc: Document | None
    lines: list[str]
    s_lines: list[str]
    header: list[int]
    tail: list[int]

    @classmethod
    def read(cls, text: str, doc: Document | None) -> "_Source":
        lines = clean_lines(text)
        first_marker = next((i for i, ln in enumerate(lines) if marker(ln)), len(lines))
        return cls(text, doc, lines, [simp(ln) for ln in lines], list(range(first_marker)),
                   list(range(max(first_marker, len(lines) - 25), len(lines))))


def detect(text: str, doc: Document | None = None, hints: dict[str, str] | None = None,
           file_stem: str = "") -> Detected:
    """Metadata from a document's raw text (and its parse, when given). Each stage sets only what the
    stages before it left unset, so the order is the order of trust."""
    hints = hints or {}
    src = _Source.read(text, doc)
    out = Detected()
    fields = _header_fields(src)
    _doc_number(out, fields, src)
    _title(out, fields, src, hints, file_stem)
    _issuer(out, fields, src, hints)
    _city_and_level(out, src)
    _dates(out, fields, src, hints)
    closing_text = _closing_text(doc, src.s_lines)
    _validity(out, fields, closing_text)
    _repeals(out, closing_text)
    _amends(out, src)
    _parent(out, doc)
    return out


def _header_fields(src: _Source) -> dict[str, tuple[str, int]]:
    """A web page's metadata table: "成文日期: 2022-03-07 发布日期: 2022-03-07", "发布机构 X局 发布日期 …"
    → {key: (value, line)}; an empty value ("文 号 〔〕号" reads none) is no value."""
    fields: dict[str, tuple[str, int]] = {}
    for i in src.header + [j for j in src.tail if j not in src.header]:
        for key, value in fields_of(src.lines[i], src.s_lines[i]):
            if key and value and key not in fields:
                fields[key] = (value, i)
    return fields


def _doc_number(out: Detected, fields: dict, src: _Source) -> None:
    if "doc_number" in fields:
        n = normalize_doc_number(fields["doc_number"][0])
        if n:
            out.set("doc_number", n, "表头 发文字号")
    s_lines = src.s_lines
    for i in src.header:
        m = DOC_NUMBER_LINE.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", s_lines[i])))
        if m and len(re.sub(r"\s+", "", s_lines[i])) <= 40:
            out.set("doc_number", normalize_doc_number(m.group(1)), f"第{i + 1}行")
        joined = re.sub(r"\s+", "", s_lines[i] + (s_lines[i + 1] if i + 1 < len(src.lines) and s_lines[i].endswith("令") else ""))
        m = re.fullmatch(DECREE.pattern, joined)
        if m and len(joined) <= 40:
            out.set("doc_number", normalize_doc_number(joined), f"第{i + 1}行")


def _title(out: Detected, fields: dict, src: _Source, hints: dict[str, str], file_stem: str) -> None:
    md = next((ln for ln in src.text.splitlines() if ln.strip()), "")
    if "title" in fields:
        out.set("title", clean_title(fields["title"][0]), "表头 标题")
    if md.lstrip().startswith("#"):
        t = clean_title(md.lstrip("# \t"))
        if re.search(r"[\u4e00-\u9fff]", t):
            out.set("title", t, "markdown heading")
    title, where = letterhead_title(src.lines, src.s_lines, src.header)
    out.set("title", title, where)
    for key in ("title", "page_title"):
        if hints.get(key):
            t = clean_title(site_suffix(hints[key]) if key == "page_title" else hints[key])
            if re.search(r"[\u4e00-\u9fff]{4}", t) and TITLE_END.search(simp(t)):
                out.set("title", t, "文件自身的标题" if key == "title" else "网页的 <title>")
    title, where = heading_title(src.lines, src.s_lines, src.header)
    out.set("title", title, where)
    if "title" not in out.fields:
        out.set("title", file_stem, "文件名")
        out.warnings.append("no title found in the text: named after the file (give --title)")


def _issuer(out: Detected, fields: dict, src: _Source, hints: dict[str, str]) -> None:
    title = out.get("title")
    if "issuer" in fields:
        out.set("issuer", fields["issuer"][0], "表头 发文机关")
    m = re.match(r"^(.{2,60}?)关于", simp(title))
    if m and ORGAN_END.search(m.group(1)):
        out.set("issuer", _organs(title[:len(m.group(1))], src.lines), "标题")
    m = re.match(r"^(.{2,30}?)令第\d+号$", out.get("doc_number") or "")
    if m and ORGAN_END.search(m.group(1)):
        out.set("issuer", m.group(1), "令号")
    for i in src.header:
        m = re.match(r"^(.{2,40}?)文件$", src.s_lines[i].replace(" ", ""))
        if m and ISSUER.match(m.group(1)):
            out.set("issuer", src.lines[i].replace(" ", "")[:len(m.group(1))], f"letterhead, line {i + 1}")
    adopted = next((p for p in passages([src.lines[i] for i in src.header]) if p.verb == "通过"), None)
    if adopted and ISSUER.match(adopted.organ):
        out.set("issuer", adopted.organ, f"通过记录，第{src.header[adopted.line] + 1}行")
    signature = _signature(src.lines, src.s_lines, src.doc)
    if signature:
        out.set("issuer", signature[0], signature[1])
    source = fields.get("source")
    if source and ISSUER.match(simp(source[0]).replace(" ", "")):
        out.set("issuer", source[0].replace(" ", ""), "表头 信息来源")
    if "issuer" not in out.fields and hints.get("source_site") and ISSUER.match(simp(hints["source_site"])):
        out.set("issuer", hints["source_site"], "网页来源")


def _city_and_level(out: Detected, src: _Source) -> None:
    """The place a document belongs to: its issuer's, else the one its title opens with, else (for an
    issuer signed without its place: "12345热线管理办公室") the one the places its text names lie in."""
    issuer = out.get("issuer", "") or ""
    place, where = _place_of(issuer), "发文机关"
    if place is None:
        place, where = _place_of(out.get("title", "")), "标题"
    if place is None and issuer and not _NATIONAL.match(simp(issuer)):
        place, where = _place_in_text(src), "正文提到的地名"
    if place is not None:
        out.set("city", city_name(place), where)
        out.set("level", level_name(place), where)
        return
    m = _UNLISTED.match(simp(issuer).replace(" ", ""))
    if m:  # a place the table does not list (a new district, a sample text's 某某市)
        out.set("city", m.group(1) + ("" if m.group(2) == "市" else m.group(2)), "发文机关")
        out.set("level", {"县": "县", "区": "市辖区"}.get(m.group(2)), "发文机关")


def place_of_issuer(issuer: str) -> tuple[str, str] | None:
    """(city, level) of an issuer a maintainer names (--issuer), or None when it names no place."""
    place = _place_of(issuer)
    return (city_name(place), level_name(place)) if place is not None else None


def city_name(place: Place) -> str:
    """The name a document's place goes by: the short name of a province, 直辖市, 地级市 or 县级市 (山东,
    北京, 东营, 昆山), the full name of a 市辖区 or 县 (丰泽区, 阿合奇县: 鼓楼, 朝阳 or 和平 alone name
    several places, and a district's users write its suffix)."""
    if place.level == "county" and not place.name.endswith("市"):
        return place.name
    return place.short


def level_name(place: Place) -> str:
    """省 / 直辖市 / 地级市 (or 自治州, 地区, 盟) / 县级市 / 市辖区 / 县 (县, 自治县, 旗), from the adcode and the suffix."""
    if place.level == "province":
        return "直辖市" if place.name.endswith("市") else "省"
    if place.level == "city":
        return "地级市" if place.name.endswith("市") else next(
            (x for x in ("自治州", "地区", "盟") if place.name.endswith(x)), "地级市")
    if place.name.endswith("市"):
        return "县级市"
    return "市辖区" if place.name.endswith("区") else "县"


_UNLISTED = re.compile(r"^(?:中共)?([\u4e00-\u9fa5]{2,4}?)([市县区])(?=人民|人大|政府|委|\S{0,12}?(?:局|厅|办公室|委员会)$)")
_NATIONAL = re.compile(r"^(?:中华人民共和国|全国|国务院|国家|中共中央|中央|最高人民)")
_PSEUDO = re.compile(r"市辖区|直辖县级行政区划|^县$")  # rows of the table that are no place's name


def _place_of(name: str) -> Place | None:
    """The place a name opens with, written in full ("泉州市丰泽区人民政府" → 丰泽区, "中共宣城市委…" → 宣城市;
    a short name only before 经济特区: 深圳经济特区). "资源税法", "公安机关", "台湾同胞" name no place."""
    head = simp(name or "").replace(" ", "")[:30]
    place = places().leading(head) if head else None
    while place is not None and (_PSEUDO.search(place.name) or not _written_out(place, head)):
        up = place.ancestors()
        parent = places().by_code.get(up[0]) if up else None
        place = parent if parent is not None and _written_out(parent, head) else None
    return place


def _written_out(place: Place, head: str) -> bool:
    # 临安区: a county since made a district, by the new name the places table knows it under
    return place.name in head or place.short + "经济特区" in head or (
        place.short + "区" in head and places().named(place.short + "区") == place)


def _place_in_text(src: _Source) -> Place | None:
    """The smallest place containing every place the text names in full (outside 《》 titles, each at a
    word's start: not "财政和县级" for 政和县), when it names them at least twice and in one province."""
    text = re.sub(r"《[^《》]*》|<[^<>]*>", "", "\n".join(src.s_lines))
    named = [m.group(0) for m in _full_names().finditer(text)
             if (m.start() == 0 or not re.match(r"[\u4e00-\u9fff]", text[m.start() - 1])
                 or text[m.start() - 1] in _BEFORE_PLACE) and not text.startswith("级", m.end())]
    if len(named) < 2:
        return None
    found = [places().named(n) for n in set(named) if len(places()._by_name.get(n, [])) == 1]
    found = [p for p in found if p is not None]
    if not found:
        return None
    common = set.intersection(*({p.code, *p.ancestors()} for p in found))
    return places().by_code[max(common)] if common else None


_BEFORE_PLACE = set("在由对向与和及、的将经至从为于")


@lru_cache(maxsize=1)
def _full_names() -> re.Pattern:
    names = {p.name for p in places().by_code.values() if p.name != p.short and not _PSEUDO.search(p.name)}
    return re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True)) or "(?!)")


def _dates(out: Detected, fields: dict, src: _Source, hints: dict[str, str]) -> None:
    """成文/发布 dates: header fields, the date under the signature or on the 印发 line, the web page's."""
    for key in ("written", "published", "effective"):
        if key in fields:
            iso = normalize_date(fields[key][0])
            if iso:
                out.set(key, iso, f"表头 {next(k for k, v in HEADER_FIELDS.items() if v == key)}")
    for i in _after_body(src.lines, src.doc):
        s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", src.s_lines[i]))
        d = date_in(s)
        if not d:
            continue
        iso, m = d
        if m.start() == 0 and m.end() == len(s):
            out.set("written", iso, f"落款日期，第{i + 1}行")
        elif s.endswith("印发") or s.endswith("印发。"):
            out.set("published", iso, f"印发行，第{i + 1}行")
    _passage_dates(out, src)
    if "written" not in out.fields:
        _date_before_text(out, src)
    if hints.get("published"):
        out.set("published", normalize_date(hints["published"]), "网页发布日期")


def _passage_dates(out: Detected, src: _Source) -> None:
    """The record under a law's title: the version's date (its last 通过/修正/修订), 公布 and 施行."""
    found = passages([src.lines[i] for i in src.header])
    versions = [p for p in found if p.verb in ("通过", "修正", "修订")]
    if versions:
        last = max(versions, key=lambda p: p.date)
        out.set("written", last.date, f"{last.verb}记录，第{last.line + 1}行")
    for p in found:
        if p.verb == "公布":
            out.set("published", p.date, f"公布记录，第{p.line + 1}行")
        elif p.verb == "施行":
            out.set("effective", p.date, f"施行记录，第{p.line + 1}行")


def _date_before_text(out: Detected, src: _Source) -> None:
    """A date under a signature before the text (a decree's 公布 date, a covering notice's date)."""
    for i in src.header[1:]:
        s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", src.s_lines[i]))
        d = date_in(s)
        if not d or d[1].start() != 0 or d[1].end() != len(s):
            continue
        prev = src.s_lines[i - 1].replace(" ", "")
        if ISSUER.match(prev) or re.match(r"^(?:市长|省长|区长|县长|州长|主任|局长|厅长)", prev):
            out.set("written", d[0], f"落款日期，第{i + 1}行")
            if re.search(r"令第\d+号$", out.get("doc_number") or ""):
                out.set("published", d[0], f"令的日期（现予公布），第{i + 1}行")
            break


def _validity(out: Detected, fields: dict, closing_text: str) -> None:
    """施行 date and 有效期, from the closing provisions."""
    for sentence in split_sentences(closing_text):
        m = _EFFECTIVE_FROM_DATE.search(sentence)
        if m and ("本" in sentence[:m.start()] or len(sentence[:m.start()]) <= 12):
            out.set("effective", normalize_date(m.group("d")), f"“{sentence[:40]}”")
        m = _EFFECTIVE_FROM_ISSUE.search(sentence)
        if m:
            base = out.get("published") or out.get("written")
            if base:
                which = "发布日期" if out.get("published") else "成文日期"
                out.set("effective", base, f"“{sentence[:40]}”: the {which}")
        m = _VALID_UNTIL.search(sentence)
        if m:
            until = normalize_date(m.group("d"))
            out.set("validity", f"有效期至{until}", f"“{sentence[:40]}”")
            out.set("expires", until, f"“{sentence[:40]}”")
        m = _VALID_YEARS.search(sentence)
        start = out.get("effective") or out.get("published") or out.get("written")
        if m and start:
            years = cn_to_int(m.group("n")) or 0
            if years:
                until = _years_later(start, years)
                which = "施行日期" if out.get("effective") else "发布日期" if out.get("published") else "成文日期"
                out.set("validity", f"有效期至{until}（{m.group(0)}）", f"“{sentence[:40]}”")
                out.set("expires", until, f"“{sentence[:40]}”，自{which}{start}起算")
    if "validity" in fields:
        out.fields["validity"] = Found(fields["validity"][0], "表头 有效性")


def _years_later(start: str, years: int) -> str:
    """The last day of a validity of whole years from an ISO date: 2022-03-20 + 5 years → 2027-03-19."""
    day = dt.date.fromisoformat(start)
    try:
        end = day.replace(year=day.year + years)
    except ValueError:  # 29 February
        end = day.replace(year=day.year + years, day=28)
    return (end - dt.timedelta(days=1)).isoformat()


def _amends(out: Detected, src: _Source) -> None:
    """What a document amends: "关于修改《…》的决定" in its title, "对《…》（…号）作如下修改" in its text;
    by 文号 where the text gives one."""
    doc = src.doc
    text = simp(fold_whitespace((doc.preamble + "".join(a.body for a in doc.articles[:2])) if doc is not None
                                else "\n".join(src.lines[:60])))
    numbers = {m.group(1): normalize_doc_number(m.group(2)) for m in _AMENDS.finditer(text) if m.group(2)}
    found: list[str] = []
    for t in re.findall(r"修改《([^《》]{2,80})》", simp(out.get("title") or "")) + \
            [m.group(1) for m in _AMENDS.finditer(text)]:
        ref = numbers.get(t) or t
        if ref not in found:
            found.append(ref)
    if found:
        out.set("amends", found, "标题或正文（对《…》作如下修改）")


_AMENDS = re.compile(r"对《([^《》]{2,80})》(?:\s*[（(]\s*([^（）()]{4,30})\s*[)）])?(?:的部分条款)?作(?:如下|以下)?(?:修改|修订|修正)")


def _repeals(out: Detected, closing_text: str) -> None:
    """What the closing provisions repeal (…废止): by 文号, else by title."""
    repeals: list[str] = []
    s_title = simp(out.get("title"))
    for sentence in split_sentences(closing_text):
        if not _REPEAL.search(sentence) or "不得" in sentence:
            continue
        numbers = [n for n in find_doc_numbers(sentence) if n != out.get("doc_number")]
        if numbers:
            repeals.extend(n for n in numbers if n not in repeals)
        else:
            for t in re.findall(r"《([^《》]{2,80})》", sentence):
                if t not in repeals and simp(t) != s_title:
                    repeals.append(t)
    if repeals:
        out.set("repeals", repeals, "附则（…废止）")


def _parent(out: Detected, doc: Document | None) -> None:
    """根据《…》（文号）: the parent's 文号 when given, and its title to resolve against the corpus."""
    intro = (doc.preamble if doc is not None else "") + "".join(
        a.body for a in (doc.articles[:1] if doc is not None else []))
    m = _PARENT.search(simp(fold_whitespace(intro)))
    if m:
        start = m.start(1)
        parent_title = fold_whitespace(intro)[start:start + len(m.group(1))]
        number = normalize_doc_number(m.group(2)) if m.group(2) else None
        if number:
            out.set("parent", number, f"“{m.group(0)[:90]}”")
        out.parent_title = parent_title
        out.fields.setdefault("parent_title", Found(parent_title, f"“{m.group(0)[:90]}”"))


def _organs(prefix: str, lines: list[str]) -> str:
    """'X市财政局X市人力资源和社会保障局' as written apart on its line → 'X市财政局、X市人力资源和社会保障局'."""
    compact = re.sub(r"\s+", "", prefix)
    for ln in lines[:40]:
        if re.sub(r"\s+", "", ln).startswith(compact):
            pieces, acc = [], ""
            for piece in ln.split():
                acc += piece
                pieces.append(piece)
                if len(acc) >= len(compact):
                    break
            if len(pieces) > 1 and "".join(pieces) == compact and all(ISSUER.match(simp(p)) for p in pieces):
                return "、".join(pieces)
            break
    return prefix


def _signature(lines: list[str], s_lines: list[str], doc: Document | None) -> tuple[str, str] | None:
    """The issuing organ(s) signed under the text (the lines just before the date)."""
    region = _after_body(lines, doc)
    names, first = [], None
    for i in region:
        s = s_lines[i].replace(" ", "")
        if ISSUER.match(s) and not s.endswith("文件") and len(s) <= 40:
            names.append(lines[i].replace(" ", ""))
            first = first if first is not None else i
        elif names:
            break
    if names:
        return "、".join(dict.fromkeys(names)), f"落款，第{first + 1}行"
    return None


def _after_body(lines: list[str], doc: Document | None) -> list[int]:
    """Line numbers after the last article (the signature, dates, 印发 line)."""
    fallback = list(range(max(0, len(lines) - 15), len(lines)))
    body = [a for a in (doc.articles if doc is not None else []) if a.kind != "closing"] or \
        (doc.articles if doc is not None else [])
    if not body:
        return fallback
    closing = [a for a in doc.articles if a.kind == "closing"]
    tail = re.sub(r"\s+", "", (closing or body)[-1].body)[-12:]
    compact = [re.sub(r"\s+", "", ln) for ln in lines]
    for i in range(len(lines) - 1, -1, -1):
        if tail in "".join(compact[max(0, i - 3):i + 1]) and tail not in "".join(compact[max(0, i - 4):i]):
            return list(range(i + 1, len(lines)))  # the last article ends on line i
    return fallback


def _closing_text(doc: Document | None, s_lines: list[str]) -> str:
    """Where 施行/废止/有效期 are stated: the closing provisions and the last articles."""
    if doc is None:
        return fold_whitespace("\n".join(s_lines[-30:]))
    closing = [a.body for a in doc.articles if a.kind == "closing"]
    last = [a.body for a in doc.articles if a.kind != "closing"][-3:]
    return simp("".join(last + closing))
