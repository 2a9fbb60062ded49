"""What a document's first lines say about it: a web page's metadata table, its title line, its organs.

Web pages carry a table before the text, with or without colons and with its labels spaced out to a
width ("发布机构 阿合奇县水利局 发布日期 2022-06-14", "名        称 巡河要求", "- 信息来源:海陵区档案馆");
their navigation ("当前位置: 首页 > … > 正文") is dropped by lines.py before anything here reads them.
A letterhead carries the title, sometimes over two lines, sometimes as a bare "公 告". metadata.py
decides what to trust; this module only reads.
"""
from __future__ import annotations

import re

from .doc_numbers import date_in, normalize_doc_number
from .text import fold_whitespace, simp

_ORGAN = (r"(?:人民政府办公室|人民政府办公厅|政府办公室|人民政府|办公室|办公厅|管理委员会|委员会|管委会|领导小组|指挥部|工作组|"
          r"局|厅|部|署|院|会|中心|政府|办事处|分局|支队|总队|集团|研究室|档案馆|图书馆|纪念馆|博物馆)")
ORGAN_END = re.compile(rf"{_ORGAN}$")
# An organ's name: Chinese (a hotline office may carry its number: 12345政府综合服务热线管理办公室).
ISSUER = re.compile(rf"^(?=(?:.*?[\u4e00-\u9fa5]){{2}})[\u4e00-\u9fa50-9“”\"（）()、\s]{{2,60}}?{_ORGAN}$")
_DOC_TYPES = ("实施意见|指导意见|意见|通知|管理办法|暂行办法|实施办法|办法|规定|实施方案|工作方案|方案|决定|实施细则|细则|条例|规则|批复|"
              "公告|通告|通报|函|报告|纲要|规划|计划|措施|指引|指南|标准|制度|章程|守则|解释|答复|决议|命令|要点|清单|目录|规范|准则|"
              "规程|须知|公约|安排|法|令")
TITLE_END = re.compile(rf"(?:{_DOC_TYPES})(?:[（(][^）)]{{1,16}}[)）])?$")
# A bare document type as the whole title line ("公 告"), and a site's column named by two ("通知公告").
_BARE_TYPE = re.compile(rf"^(?:{_DOC_TYPES})$")
_COLUMN = re.compile(rf"^(?:{_DOC_TYPES}){{2,}}$")
_NAV = re.compile(r"当前位置|您的位置|您现在的位置|首页|>|›|»|网站|登录|注册|无障碍|English|简体|繁體|搜索")

HEADER_FIELDS = {
    "标题": "title", "名称": "title", "信息名称": "title", "文件名称": "title",
    "发文字号": "doc_number", "文号": "doc_number", "文件编号": "doc_number", "发布文号": "doc_number",
    "发文机关": "issuer", "发布机构": "issuer", "发文单位": "issuer", "制发机关": "issuer", "发布机关": "issuer",
    "成文日期": "written", "生成日期": "written", "成文时间": "written",
    "发布日期": "published", "公布日期": "published", "印发日期": "published", "发文日期": "published", "发布时间": "published",
    "实施日期": "effective", "施行日期": "effective", "生效日期": "effective",
    "有效性": "validity", "时效性": "validity", "效力状态": "validity", "效力": "validity",
    "废止日期": "expired", "索引号": "index_number", "信息来源": "source", "来源": "source", "文章来源": "source",
    # read only so that they end the value before them
    "主题分类": "", "主题词": "", "关键词": "", "体裁分类": "", "公文种类": "", "统一登记号": "", "组配分类": "",
    "浏览次数": "", "访问次数": "", "点击数": "", "阅读次数": "", "字体大小": "", "字号": "", "所属主题": "",
}
_LABEL = "|".join("\\s*".join(label) for label in sorted(HEADER_FIELDS, key=len, reverse=True))
# A label at the start of a line (after a list bullet), then a colon or the space of a table cell
_FIELD_START = re.compile(rf"^(?:[-*•·]\s*)?({_LABEL})(?:\s*[:：]|\s+|$)")
# Labels further on: after a colon anywhere, or standing after a space and before one (a table row)
_FIELD_ANY = re.compile(rf"({_LABEL})\s*[:：]|(?:(?<=\s)|^)({_LABEL})(?=\s|$)")


def field_line(line: str) -> bool:
    """A line of a web page's metadata table ("发布日期: …", "索  引  号 …", "- 信息来源:…")."""
    return bool(_FIELD_START.match(simp(line.strip())))


def _label_key(label: str) -> str:
    return HEADER_FIELDS[re.sub(r"\s+", "", label)]


def fields_of(line: str, s_line: str) -> list[tuple[str, str]]:
    """(key, value) of each field on a table line, in order; keys of ignored labels are ''."""
    line, s = line.strip(), s_line.strip()
    start = _FIELD_START.match(s)
    if not start or len(line) != len(s):
        return []
    found = [(start.start(1), start.end(), start.group(1))]
    for m in _FIELD_ANY.finditer(s, start.end()):
        label = m.group(1) or m.group(2)
        found.append((m.start(), m.end(), label))
    out = []
    for k, (_, value_start, label) in enumerate(found):
        end = found[k + 1][0] if k + 1 < len(found) else len(s)
        value = line[value_start:end].strip().lstrip(":：").strip()
        out.append((_label_key(label), value))
    return out


def clean_title(t: str) -> str:
    t = fold_whitespace(t).strip()
    if t.startswith("《") and t.endswith("》") and t.count("《") == 1:
        t = t[1:-1]
    if _BARE_TYPE.match(re.sub(r"\s+", "", t)):
        t = re.sub(r"\s+", "", t)  # "公 告" is the title 公告
    return t


def site_suffix(t: str) -> str:
    """'X市人民政府关于…的通知_X市人民政府' → the longest piece that ends like a title."""
    pieces = [p.strip() for p in re.split(r"\s*[_|｜–—-]+\s*", t) if p.strip()]
    good = [p for p in pieces if TITLE_END.search(simp(p))]
    return max(good or pieces or [t], key=len)


def _candidate(s: str, min_cjk: int = 4) -> bool:
    if re.fullmatch(r"[\u4e00-\u9fa5]{2,30}令|第\s*\d+\s*号|[（(]?第\s*\d+\s*号[)）]?", s.replace(" ", "")):
        return False  # a decree's header: 济南市人民政府令 / 第285号
    if len(s) > 100 or "。" in s or s.endswith(("：", ":", "，", ",", "；")) or _NAV.search(s) or field_line(s):
        return False
    if s.count("《") != s.count("》") or re.match(r"^(?:根据|按照|为|各|经|现将|现就|依据)", s):
        return False
    if normalize_doc_number(s) or date_in(s) and len(re.sub(r"[\d\s年月日\-./]", "", s)) <= 2:
        return False
    return bool(re.search(rf"[\u4e00-\u9fff]{{{min_cjk}}}", s)) and not _COLUMN.match(s)


def letterhead_title(lines: list[str], s_lines: list[str], header: list[int]) -> tuple[str | None, str]:
    """The title in the letterhead: the first line that ends like a title (or opens with 关于), joined
    with the lines it runs on to; a bare "公 告" only when no fuller title follows."""
    bare = None
    for k, i in enumerate(header):
        s = s_lines[i].replace(" ", "")
        if bare is None and _BARE_TYPE.match(s):
            bare = (clean_title(lines[i]), f"第{i + 1}行")
            continue
        if not _candidate(s) or s.endswith("文件") and ISSUER.match(s[:-2]):
            continue
        if not ("关于" in s or TITLE_END.search(s)):
            continue
        parts = _title_lines(lines, s_lines, header, k)
        if parts is None:
            continue
        if s.startswith("关于") and k > 0:
            prev = s_lines[header[k - 1]].replace(" ", "")
            if ISSUER.match(prev) and not prev.endswith("文件"):
                parts.insert(0, header[k - 1])
        title = "".join(fold_whitespace(lines[p]) for p in parts)
        return clean_title(title), f"第{parts[0] + 1}行"
    return bare or (None, "")


def _title_lines(lines: list[str], s_lines: list[str], header: list[int], k: int) -> list[int] | None:
    """A title broken over lines: keep adding lines until it ends like a title."""
    i = header[k]
    s = s_lines[i].replace(" ", "")
    parts = [i]
    j = k + 1
    while not TITLE_END.search(simp("".join(lines[p] for p in parts)).replace(" ", "")) and j < len(header) \
            and _candidate(s_lines[header[j]]) and len("".join(lines[p] for p in parts)) < 80:
        parts.append(header[j])
        j += 1
    if not TITLE_END.search(simp("".join(lines[p] for p in parts)).replace(" ", "")):
        parts = [i]
        if not TITLE_END.search(s) and not s.startswith("关于"):
            return None
    return parts


def heading_title(lines: list[str], s_lines: list[str], header: list[int]) -> tuple[str | None, str]:
    """A page's own heading when it does not end like a title ("巡河要求"): the first short line of the
    header that is no organ, date, field or navigation."""
    for i in header:
        s = s_lines[i].replace(" ", "")
        if len(s) <= 40 and _candidate(s, 2) and not ISSUER.match(s) and not date_in(s) \
                and not re.search(r"[，,；;：:、]", s):
            return clean_title(lines[i]), f"第{i + 1}行，网页标题"
    return None, ""
