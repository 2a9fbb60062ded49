"""文号 and dates as official documents write them: normalized, and found in a text.

'X政发[2022] 8 号' and 'X政發〔２０２２〕８號' are one 文号; '二〇二二年五月十二日' and '2022-5-12' one date.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .text import cn_to_int, simp

# ---- 文号 -----------------------------------------------------------------------------------------

_OPEN = "〔\\[［(（【﹝{｛<＜〈"
_CLOSE = "〕\\]］)）】﹞}｝>＞〉"
_DOC_NUMBER = re.compile(rf"([\u4e00-\u9fa5]{{1,14}}?)\s*[{_OPEN}]\s*((?:19|20)\d{{2}})\s*[{_CLOSE}]\s*第?\s*(\d{{1,5}})\s*号")
DECREE = re.compile(r"([\u4e00-\u9fa5]{2,30}?令)\s*[（(]?\s*第\s*(\d{1,5})\s*号\s*[)）]?")
DOC_NUMBER_LINE = re.compile(rf"^(?:文号|发文字号|发布文号|文件编号)?[:：]?\s*({_DOC_NUMBER.pattern})")


def normalize_doc_number(text: str) -> str | None:
    """'X政发[2022] 8 号', 'X政发（2022）8号', 'X政發〔２０２２〕８號' → 'X政发〔2022〕8号'; None if it is not one."""
    t = simp(unicodedata.normalize("NFKC", text or "")).strip()
    t = re.sub(r"\s+", "", t)
    m = re.fullmatch(_DOC_NUMBER.pattern, t)
    if m:
        return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号"
    m = re.fullmatch(DECREE.pattern, t)
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
        y, mo, d = (cn_to_int(m.group(k)) or 0 for k in (1, 2, 3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def date_in(text: str) -> tuple[str, re.Match] | None:
    m = _ANY_DATE.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    iso = normalize_date(m.group(0))
    return (iso, m) if iso else None


# ---- the record of adoption under a law's title ------------------------------------------------------

_ORDINAL = r"[一二三四五六七八九十百零〇○\d]+"
_VERB = re.compile(r"(通过|修正|修订|批准|公布|施行)[)）]?$")
_MEETING = re.compile(rf"第{_ORDINAL}次(?:全体)?会议")
_PUBLISHED_AS = re.compile(r"([\u4e00-\u9fa5]{2,40}?(?:公告|令))\s*第\s*(\d{1,5})\s*号")


@dataclass(frozen=True)
class Passage:
    """One line (or part of one) of the record under a law's title: "2014年11月28日 北京市第十四届人民代表
    大会常务委员会第十五次会议通过", "…公告第44号公布", "2016年8月1日 施行"."""
    date: str  # ISO
    verb: str  # 通过 / 修正 / 修订 / 批准 / 公布 / 施行
    organ: str  # "北京市人民代表大会常务委员会"; '' when the line names none
    number: str | None  # "浙江省人民代表大会常务委员会公告第44号" when published under one
    line: int


def passages(lines: list[str]) -> list[Passage]:
    """The adoption, amendment, approval, publication and entry-into-force records among the lines."""
    out = []
    for i, ln in enumerate(lines):
        t = re.sub(r"\s+", "", simp(unicodedata.normalize("NFKC", ln))).strip("（）()")
        starts = [m.start() for m in _ANY_DATE.finditer(t)]
        if not starts or starts[0] != 0:
            continue
        for a, b in zip(starts, starts[1:] + [len(t)]):
            seg = re.sub(r"(?:根据|依据|经|并)$", "", t[a:b].rstrip("；;，,、"))
            p = _passage(seg, i)
            if p:
                out.append(p)
    return out


def _passage(seg: str, line: int) -> Passage | None:
    d = date_in(seg)
    verb = _VERB.search(seg)
    if not d or d[1].start() != 0 or not verb:
        return None
    body = seg[d[1].end():verb.start()]
    if body and not (_MEETING.search(body) or _PUBLISHED_AS.search(body)):
        return None
    bare = re.sub(r"《[^《》]*》", "", body)
    organ = re.sub(rf"第{_ORDINAL}届", "", re.split(rf"{_MEETING.pattern}|公告第|令第", bare)[0])
    m = _PUBLISHED_AS.search(body)
    number = f"{m.group(1)}第{int(m.group(2))}号" if m else None
    return Passage(d[0], verb.group(1), organ, number, line)
