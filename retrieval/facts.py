"""What kind of fact a question asks for, and where a clause states it.

The kinds, their question patterns and their fact patterns are data (corpus/lexicon/answer_types.yaml).
A question that asks in a measure ("几年", "多少天", "罚多少钱") only takes a fact in that measure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .corpus import YAML_LOADER
from .text import fold

NUM = r"(?:\d+(?:\.\d+)?(?:\s*[-—～~至到]\s*\d+(?:\.\d+)?)?|[零〇一二两三四五六七八九十百千万]+(?:点[零一二三四五六七八九]+)?)"
_ANY_UNIT = ("个工作日|工作日|个月|分钟|小时|公里|千米|平方米|立方米|厘米|米|万元|元|个人|人|名|日|天|年|月|周|次|个|项|件|只|条|"
             "级|岁|户|家|届|倍|层|辆|所|批|起|篇|摄氏度|度|℃|亩|千克|公斤|吨")
# The measure a question names after 几 / 多少, and the measures a clause may state it in.
_ASKED_UNIT = re.compile(r"(?:几|多少)\s*(个工作日|工作日|个月|分钟|小时|公里|千米|平方米|平方|立方米|厘米|米|钱|元|摄氏度|度|亩|千克|公斤|吨|个人|人|名|天|日|年|月|周|次|项|件|只|条|级|岁|户|家|届|"
                         r"辆|台|套|所|间|张|本|份|批|座|处|栋|层|页|倍|轮|场|位|类|种|点)"
                         r"|(多远)|(多少钱)|(多长时间|多久)|(多长|多宽|多高)")
# "多少代表到场", "几个业主同意": the people counted stand where the measure would
_COUNTED_PEOPLE = re.compile(r"(?:几|多少)(?:个|名|位)?([\u4e00-\u9fff]{0,3}?(?:代表|委员|人员|成员|职工|员工|党员|学生|村民|居民|业主))")
_ANY_COUNT = re.compile(r"(?:几|多少)个(?!工作日|月|人)")
# What a question about an amount of money names: a fee, a wage, a subsidy (交多少, 标准是多少).
_MONEY = re.compile(r"钱|费|工资|薪|补贴|补助|奖金|奖励|价格|收费|经费|罚款")
_UNIT_FORMS = {"天": "天|日|个工作日|工作日", "日": "日|天|个工作日|工作日", "个工作日": "个工作日|工作日", "工作日": "工作日",
               "个月": "个月|月", "月": "个月|月", "钱": "万元|元", "元": "万元|元", "个人": "人|名", "人": "人|名",
               "名": "名|人", "点": "点|时|[:：]", "只": "只|条", "条": "条|只", "多远": "米|公里|千米", "多少钱": "万元|元",
               "多长": "米|厘米|公里|千米|分钟|小时|日|天|个月|年", "多宽": "米|厘米", "多高": "米|厘米",
               "多长时间": "分钟|小时|日|天|个工作日|工作日|个月|月|年|周", "多久": "分钟|小时|日|天|个工作日|工作日|个月|月|年|周",
               "度": "摄氏度|度|℃", "摄氏度": "摄氏度|度|℃", "平方": "平方米|平方", "平方米": "平方米|平方",
               "公斤": "公斤|千克", "千克": "千克|公斤"}


@dataclass(frozen=True)
class FactType:
    name: str
    question: re.Pattern
    fact_source: str
    required: bool
    with_unit: str = ""  # the fact pattern when the question names its measure (几天 → only "15日")
    heading: re.Pattern | None = None  # an item headed so states this kind of fact ("服务时间", "报名方式")

    def heads(self, heading: str) -> bool:
        """An item with this heading states this kind of fact ("服务时间" for a date)."""
        return bool(self.heading and heading and self.heading.search(fold(heading)))

    @property
    def measured(self) -> bool:
        """Its fact is stated in a measure the question may name (几年, 多少钱)."""
        return "{UNIT}" in self.fact_source or bool(self.with_unit)

    def fact(self, question: str) -> re.Pattern | None:
        """The fact pattern for this question: its {UNIT} is the measure the question names."""
        if not self.fact_source:
            return None
        unit = asked_unit(question)
        source = self.with_unit if unit and self.with_unit else self.fact_source
        source = source.replace("{NUM}", NUM).replace("{UNIT}", f"(?:{unit or _ANY_UNIT})")
        return re.compile(source)


def _last(pattern: re.Pattern, text: str) -> re.Match | None:
    """The pattern's last match in the text: a question asks at its end."""
    m = None
    for m in pattern.finditer(text):
        pass
    return m


def asked_unit(question: str) -> str | None:
    """The measure a question asks in, the last it names ("多久提报…？至少几个？" asks a count)."""
    m, bare = _last(_ASKED_UNIT, question), _last(_ANY_COUNT, question)
    if bare and (m is None or bare.start() > m.start()):
        return None  # "至少几个": a count in any measure (5个, 五人)
    if not m:
        if _MONEY.search(question):
            return "万元|元"
        people = _last(_COUNTED_PEOPLE, question)  # "多少代表": a number of them, not of anything else
        return rf"(?:名|人|个|位)?\s*(?:以上|以下)?\s*的?\s*{people.group(1)}" if people else None
    word = next(g for g in m.groups() if g)
    return _UNIT_FORMS.get(word, re.escape(word))


def load(path: Path) -> list[FactType]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}
    return [FactType(name, re.compile(spec["question"]), spec.get("fact") or "", bool(spec.get("required")),
                     spec.get("with_unit") or "", re.compile(spec["heading"]) if spec.get("heading") else None)
            for name, spec in data.items()]


def question_type(types: list[FactType], folded_question: str) -> FactType | None:
    """The kind whose question pattern matches, kinds named with a leading _ being no kind of fact. Where
    several match, the order of the types decides, unless one asks wholly after another: a question asks
    at its end ("办理时限，是谁定的" asks who; "要罚多少钱" stays a penalty though 多少钱 ends it), or says more
    from where it starts ("哪几步" asks a procedure, not which ones)."""
    best, best_start, best_end = None, -1, -1
    for t in types:
        if t.name.startswith("_"):
            continue
        found = _last(t.question, folded_question)
        if found and (best is None or found.start() >= best_end
                      or (found.start() == best_start and found.end() > best_end)):
            best, best_start, best_end = t, found.start(), found.end()
    return best


def term_question(types: list[FactType], folded_question: str) -> re.Pattern | None:
    """For a question about a term as the document uses it, the pattern of a sentence that defines it."""
    term = next((t for t in types if t.name == "_term"), None)
    return term.fact(folded_question) if term and term.question.search(folded_question) else None
