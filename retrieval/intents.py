"""What a question asks for, from its wording: the intent and the obligation slot that answers it."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Order matters: the first pattern that matches decides. Patterns run on folded text.
_PATTERNS: list[tuple[str, str | None, re.Pattern]] = [
    ("repeal", None, re.compile(r"废止|废除|作废|取代|替代了|代替了")),
    ("effective", None, re.compile(r"(什么时候|何时|哪天|哪一天|几号|日期|时间|哪年|几月|啥时候|哪一年).{0,8}(施行|生效|实施|执行)|(施行|生效|实施)(日期|时间)|(起|开始)(施行|生效)")),
    ("issued", None, re.compile(r"(什么时候|何时|哪天|哪一天|几号|日期|时间|哪年).{0,6}(印发|发布|出台|下发|成文|发文|制定)|(印发|发布|出台|下发|成文|发文)(日期|时间)")),
    ("deadline", "deadline", re.compile(r"提前(几|多少|多久|多长)|(几|多少)个?工作日|(几|多少)(天|日|个月)(以?内|之内)|多久(以?内|之内)|期限|时限|截止|(不超过|不得超过)(几|多少)")),
    ("ratio", "ratio", re.compile(r"比例|比率|占比|百分之|百分比|(多少|几)\s*%|(?<![频效速])率.{0,4}(多少|几)|(多少|几).{0,4}(?<![频效速])率")),
    ("date", "date", re.compile(r"什么时候|何时|哪天|哪一天|几号|几日|哪个月|几月份?|什么时间|哪个季度|几点|什么日子")),
    ("frequency", "period", re.compile(r"多久|多长时间|多少时间|频次|频率|每隔|隔多|多少天一次|几天一次|多长一次|周期")),
    ("count", "count", re.compile(r"几次|多少次|几回|次数")),
    ("quantity", "count", re.compile(r"几[个项名人天家起场轮批件条户辆位所台套篇]|多少[个项名人天家起场轮批件条户辆位所台套篇]?|数量|多长")),
    ("who", None, re.compile(r"谁|哪个部门|哪些部门|哪个单位|哪些单位|哪些人|什么人|由哪|负责人是|责任人")),
    ("definition", None, re.compile(r"什么是|是指|指什么|含义|什么意思|是什么|哪[一二三四五六七八九十两几]个|哪些")),
]

_COMPARE = re.compile(r"不同|区别|差异|差别|对比|相比|比较|一样吗|相同吗|有何异同|异同|各自|分别|各")


@dataclass
class Intent:
    name: str  # frequency, count, quantity, deadline, date, ratio, who, definition, repeal, effective, lookup
    slot: str | None  # the obligation field that answers it, for structured intents

    @property
    def structured(self) -> bool:
        return self.slot is not None


def detect(folded_question: str) -> Intent:
    for name, slot, pattern in _PATTERNS:
        if pattern.search(folded_question):
            return Intent(name, slot)
    return Intent("lookup", None)


def wants_comparison(folded_question: str, cities_mentioned: list[str]) -> bool:
    return len(cities_mentioned) >= 2 or (len(cities_mentioned) == 1 and bool(
        re.search(r"不同|区别|差异|差别|对比|相比|比较|异同", folded_question)))


def compare_words(folded_question: str) -> bool:
    return bool(_COMPARE.search(folded_question))
