"""Amounts a question states and the conditions on amounts a clause sets, to tell which branch applies.

"我们村二十几个人想去走访，最多能派几个代表？" against "十人以下的，代表人数最多不得超过三人；超过十人的，
代表人数最多不得超过五人": the asker's 20 people meet 超过十人, so the 五人 branch answers.
"""
from __future__ import annotations

import re

from .text import cn_to_int

_NUM = r"[零〇一二两三四五六七八九十百千万\d]+(?:\.\d+)?"
# the measure words compared, each to one name (名 people are 人; 公斤 are 千克)
_UNITS = {"人": "人", "名": "人", "吨": "吨", "千克": "千克", "公斤": "千克", "元": "元", "米": "米", "天": "天",
          "日": "天", "只": "只", "户": "户", "辆": "辆", "平方米": "平方米", "年": "年", "岁": "岁",
          "摄氏度": "度", "度": "度", "℃": "度"}
_UNIT = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
# "二十几个人", "八十吨", "3个人": an amount the asker states (几 or 多 after it: at least that many)
_STATED = re.compile(rf"({_NUM})[几多余]?个?({_UNIT})")
# "超过十人的", "十人以下的", "不满十八岁的": a clause that sets a condition on an amount
_CONDITION = re.compile(rf"((?:高于|大于|低于|小于)或者?等于|不低于|不少于|不高于|不超过|超过|多于|高于|大于|不足|少于|低于|小于|不满|未满|满)?"
                        rf"({_NUM})个?({_UNIT})(以上|以下|以内)?")
_AT_LEAST = ("高于或者等于", "高于或等于", "大于或者等于", "大于或等于", "不低于", "不少于", "满")
_AT_MOST = ("低于或者等于", "低于或等于", "小于或者等于", "小于或等于", "不高于", "不超过")


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        n = cn_to_int(text)
        return float(n) if n is not None else None


def stated_amounts(question: str) -> dict[str, float]:
    """Unit → amount the question states ("二十几个人" → {"人": 20})."""
    out: dict[str, float] = {}
    for m in _STATED.finditer(question):
        n = _number(m.group(1))
        if n is not None:
            out.setdefault(_UNITS[m.group(2)], n)
    return out


def condition_met(clause: str, amounts: dict[str, float]) -> bool | None:
    """Whether the asker's amounts meet the condition a clause sets ("超过十人的"); None when the clause
    sets none on a measure the question states. Only a clause ending in 的 (a condition, not a rule) counts."""
    if not amounts or not clause.rstrip("，,；;").endswith("的"):
        return None
    met = []  # "高于或者等于十六摄氏度、低于十八摄氏度的": a range, every bound of it
    for m in _CONDITION.finditer(clause):
        before, number, unit, after = m.groups()
        unit, value = _UNITS[unit], _number(number)
        if unit not in amounts or value is None or not (before or after):
            continue
        n = amounts[unit]
        if before in _AT_LEAST:
            met.append(n >= value)
        elif before in _AT_MOST:
            met.append(n <= value)
        elif before in ("超过", "多于", "高于", "大于"):
            met.append(n > value)
        elif before in ("不足", "少于", "低于", "小于", "不满", "未满"):
            met.append(n < value)
        else:
            met.append(n >= value if after == "以上" else n <= value)  # 以下, 以内
    return all(met) if met else None
