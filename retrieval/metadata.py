"""What a document says about itself: 文号, title, issuer, city, level, dates, validity, repeals, parent.

Every value comes with where it was found, so the ingest report (and the YAML written for review)
can say so. Nothing here guesses beyond the text: a value not found stays empty and the report says
which option supplies it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .models import Document
from .parse import clean_lines, marker
from .text import cn_to_int, fold_whitespace, simp, split_sentences

# ---- 文号 -----------------------------------------------------------------------------------------

_OPEN = "〔\\[［(（【﹝{｛<＜〈"
_CLOSE = "〕\\]］)）】﹞}｝>＞〉"
_DOC_NUMBER = re.compile(rf"([\u4e00-\u9fa5]{{1,14}}?)\s*[{_OPEN}]\s*((?:19|20)\d{{2}})\s*[{_CLOSE}]\s*第?\s*(\d{{1,5}})\s*号")
_DECREE = re.compile(r"([\u4e00-\u9fa5]{2,30}?令)\s*[（(]?\s*第\s*(\d{1,5})\s*号\s*[)）]?")
_DOC_NUMBER_LINE = re.compile(rf"^(?:文号|发文字号|文件编号)?[:：]?\s*({_DOC_NUMBER.pattern})")


def normalize_doc_number(text: str) -> str | None:
    """'烟政发[2022] 8 号', '烟政发（2022）8号', '煙政發〔２０２２〕８號' → '烟政发〔2022〕8号'; None if it is not one."""
    t = simp(unicodedata.normalize("NFKC", text or "")).strip()
    t = re.sub(r"\s+", "", t)
    m = re.fullmatch(_DOC_NUMBER.pattern, t)
    if m:
        return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号"
    m = re.fullmatch(_DECREE.pattern, t)
    if m:
        return f"{m.group(1)}第{int(m.group(2))}号"
    return None


def find_doc_numbers(text: str) -> list[str]:
    """Every 文号 named in parentheses or on its own in a text, normalized, in order."""
    t = simp(unicodedata.normalize("NFKC", text))
    out = []
    for m in re.finditer(rf"(?:^|[（(《》、，,；;\s]|和|及|与)({_DOC_NUMBER.pattern})", t):
        n = normalize_doc_number(m.group(1))
        if n and n not in out:
            out.append(n)
    return out


# ---- dates ----------------------------------------------------------------------------------------

_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:年|[-./])\s*(\d{1,2})\s*(?:月|[-./])\s*(\d{1,2})\s*日?")
_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_DATE = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
_ANY_DATE = re.compile(rf"{_DATE.pattern}|{_CN_DATE.pattern}")


def normalize_date(text: str) -> str | None:
    """'2022年5月12日', '2022-5-12', '二〇二二年五月十二日' → '2022-05-12'."""
    t = unicodedata.normalize("NFKC", text or "")
    m = _DATE.search(t)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _CN_DATE.search(text or "")
        if not m:
            return None
        y = int("".join(str(_CN_DIGIT[c]) for c in m.group(1)))
        mo, d = cn_to_int(m.group(2)) or 0, cn_to_int(m.group(3)) or 0
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _date_in(text: str) -> tuple[str, re.Match] | None:
    m = _ANY_DATE.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    iso = normalize_date(m.group(0))
    return (iso, m) if iso else None


# ---- organs, cities, titles -----------------------------------------------------------------------

_ORGAN = (r"(?:人民政府办公室|人民政府办公厅|政府办公室|人民政府|办公室|办公厅|管理委员会|委员会|管委会|领导小组|指挥部|工作组|"
          r"局|厅|部|署|院|会|中心|政府|办事处|分局|支队|总队|集团)")
_ISSUER = re.compile(rf"^[\u4e00-\u9fa5（）()、\s]{{2,60}}?{_ORGAN}$")
_PLACE = re.compile(r"^(?:(?P<prov>[\u4e00-\u9fa5]{2,7}?(?:省|自治区))|(?P<muni>北京市|天津市|上海市|重庆市))?"
                    r"(?P<city>[\u4e00-\u9fa5]{2,6}?(?:市|自治州|地区|盟))?"
                    r"(?P<county>[\u4e00-\u9fa5]{1,6}?(?:自治县|县|区|旗))?")
_DOC_TYPES = ("实施意见|指导意见|意见|通知|管理办法|暂行办法|实施办法|办法|规定|实施方案|工作方案|方案|决定|实施细则|细则|条例|规则|批复|"
              "公告|通告|通报|函|报告|纲要|规划|计划|措施|指引|指南|标准|制度|章程|守则|解释|答复|决议|命令|要点|清单|目录|规范|准则|"
              "规程|须知|公约|安排|法|令")
_TITLE_END = re.compile(rf"(?:{_DOC_TYPES})(?:[（(][^）)]{{1,16}}[)）])?$")
_NAV = re.compile(r"当前位置|您的位置|您现在的位置|首页|>|›|»|网站|登录|注册|无障碍|English|简体|繁體|搜索")
_HEADER_FIELDS = {
    "标题": "title", "名称": "title", "信息名称": "title", "文件名称": "title",
    "发文字号": "doc_number", "文号": "doc_number", "文件编号": "doc_number",
    "发文机关": "issuer", "发布机构": "issuer", "发文单位": "issuer", "制发机关": "issuer", "发布机关": "issuer",
    "成文日期": "written", "生成日期": "written", "成文时间": "written",
    "发布日期": "published", "公布日期": "published", "印发日期": "published", "发文日期": "published", "发布时间": "published",
    "实施日期": "effective", "施行日期": "effective", "生效日期": "effective",
    "有效性": "validity", "时效性": "validity", "效力状态": "validity", "效力": "validity",
    "废止日期": "expired", "索引号": "index_number",
}
_FIELD = re.compile("(" + "|".join(sorted(_HEADER_FIELDS, key=len, reverse=True)) + r")\s*[:：]\s*")
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
    where: str  # "header 发文字号", "line 3", "closing provision", "the issuer", "option --city" …


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


def detect(text: str, doc: Document | None = None, hints: dict[str, str] | None = None,
           file_stem: str = "") -> Detected:
    """Metadata from a document's raw text (and its parse, when given)."""
    hints = hints or {}
    lines = clean_lines(text)
    s_lines = [simp(ln) for ln in lines]
    first_marker = next((i for i, ln in enumerate(lines) if marker(ln)), len(lines))
    header = list(range(first_marker))
    tail = list(range(max(first_marker, len(lines) - 25), len(lines)))
    out = Detected()

    # Web page header fields: "成文日期: 2022-03-07 发布日期: 2022-03-07"
    fields: dict[str, tuple[str, int]] = {}
    for i in header + [j for j in tail if j not in header]:
        s = s_lines[i]
        if not _FIELD.match(s):
            continue
        matches = list(_FIELD.finditer(s))
        for k, m in enumerate(matches):
            end = matches[k + 1].start() if k + 1 < len(matches) else len(s)
            value = lines[i][m.end():end].strip()
            key = _HEADER_FIELDS[m.group(1)]
            if value and key not in fields:
                fields[key] = (value, i)

    # 文号
    if "doc_number" in fields:
        n = normalize_doc_number(fields["doc_number"][0])
        if n:
            out.set("doc_number", n, "header 发文字号")
    for i in header:
        m = _DOC_NUMBER_LINE.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", s_lines[i])))
        if m and len(re.sub(r"\s+", "", s_lines[i])) <= 40:
            out.set("doc_number", normalize_doc_number(m.group(1)), f"line {i + 1}")
        joined = re.sub(r"\s+", "", s_lines[i] + (s_lines[i + 1] if i + 1 < len(lines) and s_lines[i].endswith("令") else ""))
        m = re.fullmatch(_DECREE.pattern, joined)
        if m and len(joined) <= 40:
            out.set("doc_number", normalize_doc_number(joined), f"line {i + 1}")

    # Title
    md = next((ln for ln in text.splitlines() if ln.strip()), "")
    if "title" in fields:
        out.set("title", _clean_title(fields["title"][0]), "header 标题")
    if md.lstrip().startswith("#"):
        t = _clean_title(md.lstrip("# \t"))
        if re.search(r"[\u4e00-\u9fff]", t):
            out.set("title", t, "markdown heading")
    title, where = _letterhead_title(lines, s_lines, header)
    out.set("title", title, where)
    for key in ("title", "page_title"):
        if hints.get(key):
            t = _clean_title(_site_suffix(hints[key]) if key == "page_title" else hints[key])
            if re.search(r"[\u4e00-\u9fff]{4}", t) and _TITLE_END.search(simp(t)):
                out.set("title", t, "the file's own title" if key == "title" else "the web page's <title>")
    if "title" not in out.fields:
        out.set("title", file_stem, "file name")
        out.warnings.append("no title found in the text: named after the file (give --title)")
    title = out.get("title")
    s_title = simp(title)

    # Issuer
    if "issuer" in fields:
        out.set("issuer", fields["issuer"][0], "header 发文机关")
    m = re.match(r"^(.{2,60}?)关于", s_title)
    if m and re.search(rf"{_ORGAN}$", m.group(1)):
        out.set("issuer", _organs(title[:len(m.group(1))], lines), "the title")
    number = out.get("doc_number") or ""
    m = re.match(r"^(.{2,30}?)令第\d+号$", number)
    if m and re.search(rf"{_ORGAN}$", m.group(1)):
        out.set("issuer", m.group(1), "the decree number")
    for i in header:
        m = re.match(r"^(.{2,40}?)文件$", s_lines[i].replace(" ", ""))
        if m and _ISSUER.match(m.group(1)):
            out.set("issuer", lines[i].replace(" ", "")[:len(m.group(1))], f"letterhead, line {i + 1}")
    signature = _signature(lines, s_lines, doc)
    if signature:
        out.set("issuer", signature[0], signature[1])
    if "issuer" not in out.fields and hints.get("source_site") and _ISSUER.match(simp(hints["source_site"])):
        out.set("issuer", hints["source_site"], "the web page's source")

    # City and level
    issuer = simp(out.get("issuer", "") or "")
    place = _place(issuer) if issuer else None
    where_city = "the issuer"
    if not place or not (place["city"] or place["county"] or place["prov"] or place["muni"]):
        m = re.match(r"^([\u4e00-\u9fa5]{2,4}?[市县])", s_title)
        body = "".join(s_lines)
        if m and body.count(m.group(1)) >= 2 and not m.group(1).startswith(("城市", "都市", "超市")):
            place, where_city = _place(m.group(1)), "the title"
    if place:
        city = place["county"] or place["city"] or place["muni"] or ""
        if city.endswith("市") and len(city) > 2:
            city = city[:-1]
        out.set("city", city, where_city)
        out.set("level", _level(place, doc, s_lines, header), "the issuer and the addressees")

    # Dates
    for key in ("written", "published", "effective"):
        if key in fields:
            iso = normalize_date(fields[key][0])
            if iso:
                out.set(key, iso, f"header {next(k for k, v in _HEADER_FIELDS.items() if v == key)}")
    end_region = _after_body(lines, doc)
    for i in end_region:
        s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", s_lines[i]))
        d = _date_in(s)
        if not d:
            continue
        iso, m = d
        if m.start() == 0 and m.end() == len(s):
            out.set("written", iso, f"the date under the signature, line {i + 1}")
        elif s.endswith("印发") or s.endswith("印发。"):
            out.set("published", iso, f"the 印发 line, line {i + 1}")
    if "written" not in out.fields:
        # a date under a signature before the text (a decree's 公布 date, a covering notice's date)
        for i in header[1:]:
            s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", s_lines[i]))
            d = _date_in(s)
            if not d or d[1].start() != 0 or d[1].end() != len(s):
                continue
            prev = s_lines[i - 1].replace(" ", "")
            if _ISSUER.match(prev) or re.match(r"^(?:市长|省长|区长|县长|州长|主任|局长|厅长)", prev):
                out.set("written", d[0], f"the date under the signature, line {i + 1}")
                if re.search(r"令第\d+号$", number):
                    out.set("published", d[0], f"the decree's date (现予公布), line {i + 1}")
                break
    if hints.get("published"):
        out.set("published", normalize_date(hints["published"]), "the web page's publication date")
    closing_text = _closing_text(doc, s_lines)
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
            out.set("validity", f"有效期至{normalize_date(m.group('d'))}", f"“{sentence[:40]}”")
        m = _VALID_YEARS.search(sentence)
        if m and out.get("effective"):
            years = cn_to_int(m.group("n")) or 0
            start = out.get("effective")
            if years:
                out.set("validity", f"有效期至{int(start[:4]) + years}{start[4:]}（{m.group(0)}）", f"“{sentence[:40]}”")
    if "validity" in fields:
        out.fields["validity"] = Found(fields["validity"][0], "header 有效性")

    # Repeals
    repeals: list[str] = []
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
        out.set("repeals", repeals, "the closing provisions (…废止)")

    # Parent: 根据《…》要求
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
    return out


def _organs(prefix: str, lines: list[str]) -> str:
    """'烟台市财政局烟台市人力资源和社会保障局' as written apart on its line → '烟台市财政局、烟台市人力资源和社会保障局'."""
    compact = re.sub(r"\s+", "", prefix)
    for ln in lines[:40]:
        if re.sub(r"\s+", "", ln).startswith(compact):
            pieces, acc = [], ""
            for piece in ln.split():
                acc += piece
                pieces.append(piece)
                if len(acc) >= len(compact):
                    break
            if len(pieces) > 1 and "".join(pieces) == compact and all(_ISSUER.match(simp(p)) for p in pieces):
                return "、".join(pieces)
            break
    return prefix


def _clean_title(t: str) -> str:
    t = fold_whitespace(t).strip()
    if t.startswith("《") and t.endswith("》") and t.count("《") == 1:
        t = t[1:-1]
    return t


def _site_suffix(t: str) -> str:
    """'XX市人民政府关于…的通知_烟台市人民政府' → the longest piece that ends like a title."""
    pieces = [p.strip() for p in re.split(r"\s*[_|｜–—-]+\s*", t) if p.strip()]
    good = [p for p in pieces if _TITLE_END.search(simp(p))]
    return max(good or pieces or [t], key=len)


def _title_candidate(s: str) -> bool:
    if re.fullmatch(r"[\u4e00-\u9fa5]{2,30}令|第\s*\d+\s*号|[（(]?第\s*\d+\s*号[)）]?", s.replace(" ", "")):
        return False  # a decree's header: 济南市人民政府令 / 第285号
    if len(s) > 100 or "。" in s or s.endswith(("：", ":", "，", ",", "；")) or _NAV.search(s) or _FIELD.match(s):
        return False
    if s.count("《") != s.count("》") or re.match(r"^(?:根据|按照|为|各|经|现将|现就|依据)", s):
        return False
    if normalize_doc_number(s) or _date_in(s) and len(re.sub(r"[\d\s年月日\-./]", "", s)) <= 2:
        return False
    return bool(re.search(r"[\u4e00-\u9fff]{4}", s))


def _letterhead_title(lines: list[str], s_lines: list[str], header: list[int]) -> tuple[str | None, str]:
    for k, i in enumerate(header):
        s = s_lines[i].replace(" ", "")
        if not _title_candidate(s) or s.endswith("文件") and _ISSUER.match(s[:-2]):
            continue
        if not ("关于" in s or _TITLE_END.search(s)):
            continue
        parts = [i]
        # a title broken over lines: keep adding until it ends like a title
        j = k + 1
        while not _TITLE_END.search(simp("".join(lines[p] for p in parts)).replace(" ", "")) and j < len(header) \
                and _title_candidate(s_lines[header[j]]) and len("".join(lines[p] for p in parts)) < 80:
            parts.append(header[j])
            j += 1
        if not _TITLE_END.search(simp("".join(lines[p] for p in parts)).replace(" ", "")):
            parts = [i]
            if not _TITLE_END.search(s) and not s.startswith("关于"):
                continue
        if s.startswith("关于") and k > 0:
            prev = s_lines[header[k - 1]].replace(" ", "")
            if _ISSUER.match(prev) and not prev.endswith("文件"):
                parts.insert(0, header[k - 1])
        title = "".join(fold_whitespace(lines[p]) for p in parts)
        return _clean_title(title), f"line {parts[0] + 1}"
    return None, ""


def _signature(lines: list[str], s_lines: list[str], doc: Document | None) -> tuple[str, str] | None:
    """The issuing organ(s) signed under the text (the lines just before the date)."""
    region = _after_body(lines, doc)
    names, first = [], None
    for i in region:
        s = s_lines[i].replace(" ", "")
        if _ISSUER.match(s) and not s.endswith("文件") and len(s) <= 40:
            names.append(lines[i].replace(" ", ""))
            first = first if first is not None else i
        elif names:
            break
    if names:
        return "、".join(dict.fromkeys(names)), f"the signature, line {first + 1}"
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


def _place(issuer: str) -> dict | None:
    m = _PLACE.match(issuer)
    if not m:
        return None
    d = m.groupdict()
    # "市场监督管理局" is not a place: a county must be followed by an organ, not a word going on
    if d["county"] and re.match(r"(?:域|划|块|间|别|位)", issuer[m.end("county"):][:1] or " "):
        d["county"] = None
    return d


def _level(place: dict, doc: Document | None, s_lines: list[str], header: list[int]) -> str:
    if place["county"]:
        c = place["county"]
        return "县" if c.endswith("县") else "旗" if c.endswith("旗") else "市辖区"
    if place["muni"] and not place["city"]:
        return "直辖市"
    if place["prov"] and not place["city"]:
        return "省级"
    addressees = simp((doc.preamble if doc is not None else "") + "".join(s_lines[i] for i in header))[:600]
    if re.search(r"各区市|各县市区|各县[（(]市、?区[)）]|各区[（(]市[)）]|各区县|各县区|各市辖区|区市人民政府|区市政府|各县级", addressees):
        return "地级市"
    if re.search(r"各镇|各乡镇|乡镇人民政府|各街道|街道办事处", addressees):
        return "县级市"
    return ""
