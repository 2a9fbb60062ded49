"""Text folding and splitting shared by the parser, the index and the answerer.

Two forms of every text exist: the *original* (kept for quoting, only whitespace artefacts removed)
and the *folded* form used for matching (NFKC, traditional → simplified, lower case).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’…—·"
# Whitespace next to a CJK character or full-width punctuation is a layout artefact (PDF line
# breaks, "21 号"); whitespace between two Latin words is real and becomes one space.
_WS_NEAR_CJK = re.compile(rf"\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+")
_WS = re.compile(r"\s+")
# Zero-width characters, BOM, soft hyphen and C0/C1 controls other than newline and tab.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def fold_whitespace(text: str) -> str:
    """Remove whitespace artefacts without touching any other character."""
    return _WS.sub(" ", _WS_NEAR_CJK.sub("", text)).strip()


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """The matching form: NFKC (full-width → half-width), simplified script, lower case, no artefacts."""
    text = unicodedata.normalize("NFKC", strip_invisible(text))
    text = _t2s().convert(text)
    return fold_whitespace(text).lower()


_T2S_TABLE: dict[int, str] = {}
_T2S_SEEN: set[str] = set()


def simp(text: str) -> str:
    """Traditional → simplified, character for character, so positions map back to the original."""
    new = {ch for ch in set(text) - _T2S_SEEN if ch >= "\u2e80"}
    if new:
        cc = _t2s()
        for ch in new:
            s = cc.convert(ch)
            if len(s) == 1 and s != ch:
                _T2S_TABLE[ord(ch)] = s
    _T2S_SEEN.update(text)
    return text.translate(_T2S_TABLE)


# Punctuation and spacing, removed when two texts are compared word for word.
PUNCT = re.compile(r"[\s，,。；;：:、“”\"‘’()（）《》〔〕\[\]【】!！?？·.…-]")


def key(text: str) -> str:
    """A text compared as an identity: script, width, case, spacing, punctuation and quote marks do not matter."""
    return PUNCT.sub("", fold(text or "")).replace("'", "")


_CLAUSE_SEP = re.compile(r"[，,；;：:]")


def split_sentences(text: str) -> list[str]:
    """Sentences end at 。！？ (and ；, which separates independent provisions). Quotes stay whole."""
    parts, buf, depth = [], "", 0
    for ch in text:
        buf += ch
        if ch in "“「『《（(":
            depth += 1
        elif ch in "”」』》）)":
            depth = max(0, depth - 1)
        elif ch in "。！？!?；;" and depth == 0:
            parts.append(buf.strip())
            buf = ""
    if buf.strip():
        parts.append(buf.strip())
    return [p for p in parts if p]


def split_clauses(sentence: str) -> list[str]:
    """Clauses at ，；： outside quotes and brackets; the final 。 is dropped."""
    out, buf, depth = [], "", 0
    for ch in sentence:
        if ch in "“「『《（(":
            depth += 1
        elif ch in "”」』》）)":
            depth = max(0, depth - 1)
        if depth == 0 and _CLAUSE_SEP.fullmatch(ch):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
            continue
        buf += ch
    buf = buf.strip().rstrip("。！？!?")
    if buf:
        out.append(buf)
    return out


# Regex character classes: any Chinese numeral (article labels), and the small ones counts are written in.
CN_NUMERAL = "零〇一二三四五六七八九十百千两"
CN_SMALL = "一二两三四五六七八九十"
_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(text: str) -> int | None:
    """'十三' → 13, '一百零五' → 105, '13' → 13, a year written digit by digit '二〇二二' → 2022;
    None when it is not a number."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    if len(text) > 1 and not any(ch in _CN_UNITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
    return total + current


def article_number(text: str) -> int | None:
    """An article number as users write it: '13', '13.', '十三', '第十三条', '第13条' → 13; None otherwise."""
    t = unicodedata.normalize("NFKC", text).strip().removeprefix("第").removesuffix("条").rstrip(".、")
    n = cn_to_int(t)
    return n if n is not None and n >= 1 else None


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
