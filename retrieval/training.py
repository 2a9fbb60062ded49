"""Trainers built on the extracted obligations: quiz questions, duty lists per role, article
comparison across cities, and document outlines. Plain functions and dataclasses; the Telegram
front end and the command line (bot/cli_training.py) only render what these return.

    quiz_questions(engine, city=None, role=None, part=None, seed=None) -> list[QuizQuestion]
    duties(engine, role, city=None) -> DutyList;  duties_ics(dl) -> bytes;  duties_html(dl) -> str
    compare_article(engine, number, cities) -> Comparison
    outline(engine, doc_key) -> list[(part title, [Article])]

Every lookup that fails (unknown city, role, part, document or article) raises TrainingError with
a one-line message meant for the user.
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import html
import random
import re
from dataclasses import dataclass, field

from .obligations import actor_match
from .models import Article, Citation, Document, Obligation
from .text import PUNCT, cn_to_int, fold, split_clauses, split_sentences, truncate

# Canonical periods in the order duty lists show them; others (每天, 每3个月 …) follow by length of period.
PERIODS = ["每周", "每2周", "每月", "每季度", "每半年", "每年"]
_PERIOD_DAYS = {"天": 1, "日": 1, "工作日": 1, "周": 7, "星期": 7, "月": 30, "个月": 30, "季度": 91,
                "季": 91, "半年": 182, "年": 365}


class TrainingError(ValueError):
    """A lookup a user can correct (unknown city, role, part, document, article): one clear line."""


# ---- text normalization shared by the quiz checks ---------------------------------------------

_CN = "一二两三四五六七八九十"
_CN_COUNT = re.compile(rf"([{_CN}]+)(?=次|天|个工作日|个月)")
_RANGE_DASH = re.compile(r"(?<=\d)\s*[-—－～~至到]\s*(?=\d)")
_UNITS = "个工作日|个月|个|次|天|项|起|名|人|家|场|轮|篇|小时|周|件|条|户|批"
_QTY = re.compile(rf"(?<![\d.\-])(\d+(?:\.\d+)?(?:-\d+)?)({_UNITS})")
_PERIOD_ANY = re.compile(rf"每(?:个)?(?:\d+|[{_CN}])?(?:个)?(?:星期|季度|半年|工作日|个月|周|月|季|年|天|日)(?!\d)|全年"
                         r"|(?<![每\d一二两三四个])(?:周|月|季)(?=调度|分析|通报|研判|报告|考核|例会)")
_RATIO_ANY = re.compile(r"\d+(?:\.\d+)?%|百分之")


def normalize(text: str) -> str:
    """Matching form for quiz checks: fold(), Chinese numerals before 次/天/个月 as digits, '1—2' → '1-2'."""
    t = fold(text).replace("％", "%")
    t = _CN_COUNT.sub(lambda m: str(cn_to_int(m.group(1)) or m.group(1)), t)
    return _RANGE_DASH.sub("-", t)


def occurs(option: str, text: str) -> bool:
    """Whether an answer option is stated in a text (after normalize), not as part of a longer number."""
    o, t = normalize(option), normalize(text)
    if not o:
        return False
    return re.search(rf"(?<![\d.\-]){re.escape(o)}(?![\d.%])", t) is not None


# ---- roles ------------------------------------------------------------------------------------

def _role_key(text: str) -> str:
    k = PUNCT.sub("", fold(text))
    for prefix in ("每个", "各"):
        if k.startswith(prefix) and len(k) > len(prefix) + 1:
            k = k[len(prefix):]
    return k


def actor_parts(actor: str) -> list[str]:
    """"市政府领导班子成员、经济发展服务部门主要负责人" → both actors; an obligation belongs to each."""
    return [p for p in (s.strip() for s in actor.split("、")) if p]


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def role_matches(role: str, actor: str) -> bool:
    """Whether an obligation's actor (possibly a list) includes the role.

    One actor of the list matches when it is the role (folded, 各/每个 and punctuation ignored); or it
    ends with the role ("热点部门主要负责人" is a "部门主要负责人"); or it holds the role's words in
    order with the same office ("市县两级政府领导班子成员" includes "市政府领导班子成员"); or nearly all
    of it is named by the role (actor_match). Never across a 非 ("非热点部门…" is not "热点部门…").
    """
    r = _role_key(role)
    if len(r) < 2:
        return False
    for part in actor_parts(actor):
        a = _role_key(part)
        if len(a) < 2:
            continue
        if a == r:
            return True
        if a.endswith(r) and not a[: -len(r)].endswith("非"):
            return True
        if len(r) >= 4 and a.startswith(r) and a[len(r):] in ("班子成员", "班子", "同志"):
            return True  # "市政府领导" for "市政府领导班子成员"
        if (len(r) >= 4 and a[-2:] == r[-2:] and _subsequence(r, a) and "非" not in a.replace(r, "", 1)
                and actor_match(part, r) >= 2 and actor_match(role, a) >= 0.6 * (len(r) - 1)):
            return True
        grams = len(a) - 1
        if grams >= 2 and actor_match(part, r) >= grams - 0.5 and r.endswith(a[-2:]):
            return True  # the role names the whole actor ("招远市政府领导班子成员" → "市政府领导班子成员")
    return False


def roles(engine, city: str | None = None) -> list[str]:
    """The actors the documents in scope name, one per entry of an actor list, most duties first."""
    docs = _docs_for_city(engine, city)
    counts: dict[str, int] = {}
    for o in engine.obligations:
        if o.doc_number in docs:
            for part in actor_parts(o.actor):
                counts[part] = counts.get(part, 0) + 1
    return sorted(counts, key=lambda p: (-counts[p], p))


def _city_list(engine) -> str:
    return "、".join(dict.fromkeys(d.city for d in engine.documents if d.city)) or "无"


def _docs_for_city(engine, city: str | None) -> set[str]:
    if city is None or city == "":
        return {d.doc_number for d in engine.documents}
    resolved = engine.resolve_city(city)
    if not resolved:
        raise TrainingError(f"还没有收录“{truncate(city, 20)}”的文件（已收录：{_city_list(engine)}）。")
    return {d.doc_number for d in engine.documents if d.city == resolved}


def _unknown_role(engine, role: str, docs: set[str]) -> TrainingError:
    names = roles(engine)
    names = [n for n in names if any(o.doc_number in docs and n in actor_parts(o.actor) for o in engine.obligations)]
    close = sorted(names, key=lambda n: -max(actor_match(n, _role_key(role)), actor_match(role, _role_key(n))))
    close = [n for n in close if max(actor_match(n, _role_key(role)), actor_match(role, _role_key(n))) > 0][:5]
    hint = f"相近的角色：{'、'.join(close)}" if close else f"例如：{'、'.join(names[:5])}"
    return TrainingError(f"文件里没有“{truncate(role, 20)}”这个角色的规定。{hint}")


# ---- parts ------------------------------------------------------------------------------------

def _part_matches(key: str, part: str) -> bool:
    if not part:
        return False
    k = fold(key).strip().rstrip("、.．")
    n = cn_to_int(k)
    if n is not None:  # "三" / "3" / "三、": the part numbered so
        m = re.match(rf"^([{_CN}百]+|\d+)\s*[、.．]", fold(part))
        return bool(m) and cn_to_int(m.group(1)) == n
    kk = PUNCT.sub("", k)
    return bool(kk) and kk in PUNCT.sub("", fold(part))


# ---- quiz -------------------------------------------------------------------------------------

@dataclass
class QuizQuestion:
    id: str  # stable across runs for the same clause and question
    prompt: str
    options: list[str]  # exactly 4
    answer_index: int
    citation: Citation
    explanation: str
    clause: str = ""  # the statement the answer is checked against
    slot: str = ""  # period | count | deadline | ratio | date

    @property
    def answer(self) -> str:
        return self.options[self.answer_index]

    def is_correct(self, choice: int) -> bool:
        return choice == self.answer_index


_DEADLINE_STEPS = {"天": [1, 2, 3, 5, 7, 10, 15, 30], "日": [1, 2, 3, 5, 7, 10, 15, 30],
                   "个工作日": [1, 2, 3, 5, 7, 10, 15, 20], "个月": [1, 2, 3, 6, 12], "小时": [2, 4, 12, 24, 48]}
_RATIOS = ["20%", "30%", "50%", "60%", "70%", "80%", "90%", "100%"]
_QUARTERS = ["一季度", "二季度", "三季度", "四季度"]


def _statement(o: Obligation) -> str:
    """The clause as a self-contained statement: prefixed with its actor when the clause omits it."""
    text = o.clause
    if o.actor and not fold(text).startswith(fold(actor_parts(o.actor)[0])) and fold(o.actor) not in fold(text):
        text = o.actor + text
    return text


def quote_for(article: Article, o: Obligation) -> str:
    """The sentence an obligation comes from, with the sentences before it (joined by ；) back to the
    one that names its actor: "…市政府领导班子成员每年至少参加…；每年参加1次…组织生活会" is quoted whole."""
    sentences = article.sentences
    try:
        at = sentences.index(o.sentence)
    except ValueError:
        return o.sentence
    actor = actor_parts(o.actor)[0] if o.actor else ""
    start = at
    while actor and actor not in "".join(sentences[start:at + 1]) and start > 0 \
            and sentences[start - 1].rstrip().endswith(("；", ";")):
        start -= 1
    if actor and actor not in "".join(sentences[start:at + 1]):
        return o.sentence
    return "".join(sentences[start:at + 1])


def _mask(text: str, spans: list[str]) -> str:
    for s in spans:
        if s:
            text = text.replace(s, "＿" * len(s))
    return text


def _question_id(o: Obligation, slot: str, prompt: str) -> str:
    key = f"{o.doc_number}|{o.article_number}|{o.article_index}|{slot}|{normalize(o.clause)}|{prompt}"
    return "q" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def _pick_distractors(right: str, pool: list[str], rng: random.Random, extra: list[str]) -> list[str] | None:
    """Three alternatives differing from the right one after normalization: the pool first, then extra."""
    seen = {normalize(right)}
    chosen: list[str] = []
    pool = [p for p in dict.fromkeys(pool)]
    rng.shuffle(pool)
    for cand in pool + extra:
        n = normalize(cand)
        if n and n not in seen:
            seen.add(n)
            chosen.append(cand)
        if len(chosen) == 3:
            return chosen
    return None


def _near_numbers(value: float, steps: list[int] | None = None) -> list[int]:
    v = int(value) if value else 1
    cands = steps or sorted({max(1, v - 1), v + 1, v + 2, v * 2, max(1, v - 2), v + 3, v * 3})
    return sorted((c for c in cands if c != v), key=lambda c: (abs(c - v), c))


class _QuizBuilder:
    def __init__(self, engine):
        self.engine = engine
        counts: dict[str, list[str]] = {}
        for o in engine.obligations:
            if o.count and o.count_unit:
                counts.setdefault(o.count_unit, []).append(normalize(o.count))
        self.counts = {u: list(dict.fromkeys(v)) for u, v in counts.items()}
        self.ratios = list(dict.fromkeys(normalize(o.ratio) for o in engine.obligations if o.ratio))

    def questions(self, o: Obligation, rng_for) -> list[tuple[str, str, str, list[str], str]]:
        """(slot, prompt body, right option, distractors, statement) for each unambiguous slot of o."""
        text = _statement(o)
        norm = normalize(text)
        out = []
        periods = [m.group(0) for m in _PERIOD_ANY.finditer(norm)]
        # --- period: stated once, literally (每月 …), with no date sharing it ("每月20日", "每年一季度")
        if (o.period and o.period_text and o.period_text == o.period and not o.date and len(periods) == 1
                and normalize(periods[0]) == normalize(o.period) and text.count(o.period_text) == 1):
            body = text.replace(o.period_text, "多久", 1)
            if o.count and normalize(o.count) == "1次":
                body = body.replace(o.count, "一次", 1)
            rng = rng_for("period")
            wrong = _pick_distractors(o.period, [p for p in PERIODS if p != o.period], rng, [])
            if wrong:
                out.append(("period", body, o.period, wrong, text))
        # --- count: exactly one number-with-unit besides the period, deadline and date
        if o.count and o.count_unit:
            masked = _mask(norm, [normalize(p) for p in periods] + [normalize(o.deadline or ""), normalize(o.date or "")])
            qty = list(_QTY.finditer(masked))
            right = normalize(o.count)
            if len(qty) == 1 and qty[0].group(0) == right and text.count(o.count) == 1:
                unit = o.count_unit
                body = text.replace(o.count, f"几{unit}", 1)
                rng = rng_for("count")
                pool = [c for c in self.counts.get(unit, []) if c != right]
                if "-" in right:  # a range: ranges of the same unit read as real alternatives
                    lo, hi = (int(float(x)) for x in right[: -len(unit)].split("-"))
                    extra = [f"{lo + d}-{hi + d}{unit}" for d in (1, 2, -1, 3) if lo + d >= 1]
                    pool = [c for c in pool if "-" in c]
                else:
                    pool = [c for c in pool if "-" not in c]
                    extra = [f"{n}{unit}" for n in _near_numbers(o.count_value or 1)]
                wrong = _pick_distractors(right, pool, rng, extra)
                if wrong:
                    out.append(("count", body, right, wrong, text))
        # --- deadline: 提前3天 / 3个工作日内 / 不超过3个工作日
        if o.deadline and text.count(o.deadline) == 1:
            m = re.search(rf"(\d+|[{_CN}]+)\s*(个工作日|个月|天|日|周|小时)", o.deadline)
            stated = re.findall(rf"提前\s*\d+|\d+\s*(?:个工作日|个月|天|日|小时)\s*(?:以内|之内|内)|不超过\s*\d+", norm)
            if m and len(stated) == 1:
                value = cn_to_int(m.group(1)) or 0
                unit = m.group(2)
                right = f"{value}{unit}"
                body = text.replace(o.deadline, o.deadline[: m.start()] + "几" + o.deadline[m.start(2):], 1)
                rng = rng_for("deadline")
                pool = [normalize(re.search(rf"\d+\s*{unit}", normalize(x.deadline)).group(0))
                        for x in self.engine.obligations
                        if x.deadline and re.search(rf"\d+\s*{unit}", normalize(x.deadline))]
                extra = [f"{n}{unit}" for n in _near_numbers(value, _DEADLINE_STEPS.get(unit))]
                wrong = _pick_distractors(right, [p for p in pool if p != right], rng, extra)
                if wrong:
                    out.append(("deadline", body, right, wrong, text))
        # --- ratio: one percentage in the statement
        if o.ratio and len(_RATIO_ANY.findall(norm)) == 1 and text.count(o.ratio) == 1:
            right = normalize(o.ratio)
            body = text.replace(o.ratio, "多少", 1)
            wrong = _pick_distractors(right, [r for r in self.ratios if r != right], rng_for("ratio"),
                                      sorted(_RATIOS, key=lambda r: abs(float(r[:-1]) - float(right[:-1]))))
            if wrong:
                out.append(("ratio", body, right, wrong, text))
        # --- date: which quarter (每年一季度), which day of the month (每月20日左右)
        if o.date and text.count(o.date) == 1:
            if o.date in _QUARTERS and sum(text.count(q) for q in _QUARTERS) == 1:
                body = text.replace(o.date, "哪个季度", 1)
                wrong = _pick_distractors(o.date, [q for q in _QUARTERS if q != o.date], rng_for("date"), [])
                if wrong:
                    out.append(("date", body, o.date, wrong, text))
            else:
                m = re.fullmatch(r"每月(\d{1,2})日(左右|前|之前|以前)?", normalize(o.date))
                if m and len(re.findall(r"\d{1,2}日", norm)) == 1:
                    day = int(m.group(1))
                    right = f"{day}日"
                    body = text.replace(o.date, o.date.replace(m.group(1), "几", 1), 1)
                    extra = [f"{d}日" for d in sorted({1, 5, 10, 15, 20, 25, 28} - {day}, key=lambda d: abs(d - day))]
                    wrong = _pick_distractors(right, [], rng_for("date"), extra)
                    if wrong:
                        out.append(("date", body, right, wrong, text))
        return out


def check_question(q: QuizQuestion) -> bool:
    """Exactly one option is stated in the question's clause, and it is the answer key's."""
    if len(q.options) != 4 or len({normalize(o) for o in q.options}) != 4:
        return False
    stated = [i for i, o in enumerate(q.options) if occurs(o, q.clause)]
    return stated == [q.answer_index]


def quiz_questions(engine, city: str | None = None, role: str | None = None, part: str | None = None,
                   seed=None) -> list[QuizQuestion]:
    """Questions from the obligations in scope: one per unambiguous slot (period, count, deadline, ratio,
    date). Without a seed: document order, options in a fixed order per question; with a seed: both
    shuffled by it. Raises TrainingError for an unknown city, role or part."""
    docs = _docs_for_city(engine, city)
    obligations = [o for o in engine.obligations if o.doc_number in docs]
    if role:
        mine = [o for o in obligations if role_matches(role, o.actor)]
        if not mine:
            raise _unknown_role(engine, role, docs)
        obligations = mine
    if part:
        parts = [p for n in docs for p in engine.by_number[n].parts]
        if not any(_part_matches(part, p) for p in parts):
            numerals = "、".join(dict.fromkeys(p.split("、", 1)[0] for p in parts if "、" in p))
            raise TrainingError(f"没有“{truncate(part, 20)}”这一部分。可选：{numerals}，或部分标题里的词。")
    builder = _QuizBuilder(engine)
    out: list[QuizQuestion] = []
    seen: set[str] = set()
    for o in obligations:
        doc = engine.by_number[o.doc_number]
        article = doc.articles[o.article_index]
        if part and not _part_matches(part, article.part):
            continue

        def rng_for(slot, _o=o):
            return random.Random(f"{seed}|{_o.doc_number}|{_o.article_index}|{normalize(_o.clause)}|{slot}")

        for slot, body, right, wrong, statement in builder.questions(o, rng_for):
            prompt = (f"【{doc.city}】" if doc.city else "") + body.rstrip("。；;，,") + "？"
            qid = _question_id(o, slot, prompt)
            if qid in seen:
                continue
            seen.add(qid)
            options = [right] + wrong
            random.Random(f"{seed}|{qid}|order").shuffle(options)
            citation = engine.citation(article, quote_for(article, o), 1.0)
            where = f"{article.label}{article.heading}".strip()
            explanation = (f"正确答案：{right}。原文：“{statement}”"
                           f"（《{doc.title}》{doc.doc_number}{('，' + where) if where else ''}）")
            q = QuizQuestion(id=qid, prompt=prompt, options=options, answer_index=options.index(right),
                             citation=citation, explanation=explanation, clause=statement, slot=slot)
            if check_question(q):
                out.append(q)
    if seed is not None:
        random.Random(f"{seed}|questions").shuffle(out)
    return out


# ---- duty lists -------------------------------------------------------------------------------

@dataclass
class Duty:
    text: str  # the obligation statement
    obligation: Obligation
    citation: Citation

    @property
    def period(self) -> str:
        return self.obligation.period or ""


def _period_days(period: str) -> float:
    m = re.fullmatch(r"每(\d+)?(个月|工作日|星期|季度|半年|周|月|季|年|天|日)", period)
    if not m:
        return 10_000
    return int(m.group(1) or 1) * _PERIOD_DAYS[m.group(2)]


def period_order(period: str) -> tuple:
    return (PERIODS.index(period) if period in PERIODS else len(PERIODS), _period_days(period), period)


@dataclass
class DutyList:
    role: str
    city: str | None
    groups: list[tuple[str, list[Duty]]] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # 文号 of the documents in scope

    @property
    def duties(self) -> list[Duty]:
        return [d for _, ds in self.groups for d in ds]

    def title(self) -> str:
        where = f"（{self.city}）" if self.city else ""
        return f"{self.role}{where}的周期性职责"

    def to_text(self) -> str:
        lines = [f"{self.title()}：共{len(self.duties)}项"]
        if not self.duties:
            lines.append("文件里没有这个角色按周期（每周、每月、每季度、每年……）要做的事。")
        multi = len({d.citation.doc_number for d in self.duties}) > 1
        for period, ds in self.groups:
            lines.append(f"\n【{period}】")
            for i, d in enumerate(ds, 1):
                lines.append(f"{i}. {d.text}")
                lines.append(f"   依据：{_where(d.citation, with_doc=multi)}")
        return "\n".join(lines)


def _where(c: Citation, with_doc: bool = True) -> str:
    art = f"{c.label}{c.heading}".strip() or "正文"
    doc = f"《{c.title}》（{c.doc_number}）" if with_doc else f"{c.doc_number} "
    return f"{doc}{c.part + '，' if c.part and with_doc else ''}{art}"


def _duty_text(o: Obligation) -> str:
    text = _statement(o)
    if o.period_text and not o.period_text.startswith("每") and o.period_text != "全年":
        text += f"（{o.period_text}）"  # "周调度、月分析" is listed under both periods: say which one
    elif o.period_text and o.period_text not in text:
        text += f"（{o.period}）"  # the period is the sentence's, stated in an earlier clause
    return text


def duties(engine, role: str, city: str | None = None) -> DutyList:
    """Every periodic obligation of a role, grouped by period (每周, 每2周, 每月, 每季度, 每半年, 每年)."""
    if not role or not role.strip():
        raise TrainingError("请给出一个角色，例如：市政府领导班子成员。")
    docs = _docs_for_city(engine, city)
    resolved = engine.resolve_city(city) if city else None
    mine = [o for o in engine.obligations if o.doc_number in docs and role_matches(role, o.actor)]
    if not mine:
        raise _unknown_role(engine, role, docs)
    groups: dict[str, list[Duty]] = {}
    seen = set()
    for o in mine:
        if not o.period:
            continue
        key = (o.doc_number, o.article_index, normalize(o.clause), o.period)
        if key in seen:
            continue
        seen.add(key)
        article = engine.by_number[o.doc_number].articles[o.article_index]
        groups.setdefault(o.period, []).append(Duty(_duty_text(o), o, engine.citation(article, quote_for(article, o), 1.0)))
    ordered = [(p, groups[p]) for p in sorted(groups, key=period_order)]
    return DutyList(role=role.strip(), city=resolved, groups=ordered,
                    documents=[d.doc_number for d in engine.documents if d.doc_number in docs])


_RRULES = {"天": ("DAILY", 1), "日": ("DAILY", 1), "工作日": ("DAILY", 1), "周": ("WEEKLY", 1), "星期": ("WEEKLY", 1),
           "月": ("MONTHLY", 1), "个月": ("MONTHLY", 1), "季度": ("MONTHLY", 3), "季": ("MONTHLY", 3),
           "半年": ("MONTHLY", 6), "年": ("YEARLY", 1)}


def rrule_for(period: str) -> dict | None:
    """每季度 → {'FREQ': 'MONTHLY', 'INTERVAL': 3}; None for a period with no calendar rhythm."""
    m = re.fullmatch(r"每(\d+)?(个月|工作日|星期|季度|半年|周|月|季|年|天|日)", period or "")
    if not m:
        return None
    freq, interval = _RRULES[m.group(2)]
    interval *= int(m.group(1) or 1)
    rule = {"FREQ": freq}
    if interval > 1:
        rule["INTERVAL"] = interval
    if m.group(2) == "工作日":
        rule = {"FREQ": "WEEKLY", "BYDAY": ["MO", "TU", "WE", "TH", "FR"]}
    return rule


def _first_date(duty: Duty, start: dt.date) -> dt.date:
    """Where the series begins: the stated day (每月20日) or quarter (每年一季度), else the start date."""
    o = duty.obligation
    if o.date:
        m = re.fullmatch(r"每月(\d{1,2})日.*", normalize(o.date))
        if m and 1 <= int(m.group(1)) <= 28:
            d = start.replace(day=int(m.group(1)))
            return d if d >= start else (d.replace(month=d.month % 12 + 1, year=d.year + (d.month == 12)))
        if o.date in _QUARTERS:
            month = 3 * _QUARTERS.index(o.date) + 1
            d = dt.date(start.year, month, 1)
            return d if d >= start.replace(day=1) else d.replace(year=d.year + 1)
    return start


def duties_ics(dl: DutyList, start: dt.date | None = None, stamp: dt.datetime | None = None) -> bytes:
    """An iCalendar file: one all-day recurring event (RRULE) per periodic duty, described with its
    citation. start: the first day of each series (default: the first day of next month)."""
    from icalendar import Calendar, Event, vRecur

    today = dt.date.today()
    start = start or (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//PolicyBot//duties//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", dl.title())
    for duty in dl.duties:
        rule = rrule_for(duty.period)
        if rule is None:
            continue
        c = duty.citation
        first = _first_date(duty, start)
        ev = Event()
        uid_key = f"{c.doc_number}|{duty.obligation.article_index}|{normalize(duty.obligation.clause)}|{duty.period}|{dl.role}"
        ev.add("uid", hashlib.sha1(uid_key.encode("utf-8")).hexdigest()[:20] + "@policybot")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", first)
        ev.add("dtend", first + dt.timedelta(days=1))
        ev.add("rrule", vRecur(rule))
        ev.add("summary", f"{duty.period}：{truncate(duty.text, 60)}")
        ev.add("description", f"{duty.text}\n依据：{_where(c)}\n原文：“{c.quote}”")
        ev.add("categories", [duty.period])
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    return cal.to_ical()


def duties_html(dl: DutyList) -> str:
    """A printable page (A4, one section per period), every piece of text escaped."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(dl.title())}</title>",
        "<style>",
        "body{font-family:'Noto Serif CJK SC','Songti SC','SimSun',serif;max-width:48em;margin:2em auto;"
        "line-height:1.6;color:#000}",
        "h1{font-size:1.4em;border-bottom:2px solid #000;padding-bottom:.3em}",
        "h2{font-size:1.15em;margin-top:1.5em;border-left:4px solid #000;padding-left:.5em}",
        "ol{padding-left:1.8em}li{margin:.5em 0;page-break-inside:avoid}",
        ".cite{font-size:.85em;color:#444}.box{display:inline-block;width:1em;height:1em;border:1px solid #000;"
        "margin-right:.4em;vertical-align:middle}",
        "@media print{body{margin:0;max-width:none}@page{size:A4;margin:2cm}}",
        "</style>",
        "</head>",
        "<body>",
        f"<h1>{e(dl.title())}</h1>",
        f"<p>共{len(dl.duties)}项。依据：{e('、'.join(dl.documents))}</p>",
    ]
    if not dl.duties:
        parts.append("<p>文件里没有这个角色按周期要做的事。</p>")
    for period, ds in dl.groups:
        parts.append(f"<section><h2>{e(period)}</h2><ol>")
        for d in ds:
            parts.append(f'<li><span class="box"></span>{e(d.text)}<br><span class="cite">依据：{e(_where(d.citation))}'
                         f"<br>原文：“{e(d.citation.quote)}”</span></li>")
        parts.append("</ol></section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


# ---- comparison -------------------------------------------------------------------------------

def article_clauses(article: Article) -> list[str]:
    """An article as a list of clauses (the heading first), the unit comparison aligns."""
    out: list[str] = []
    for s in article.sentences or split_sentences(article.body):
        out.extend(split_clauses(s) or [s])
    return out


def _same(a: str, b: str) -> bool:
    """Clauses that say the same thing: equal once folded ("（" = "(") and "一次" = "1次"."""
    return normalize(a) == normalize(b)


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=fold(a), b=fold(b), autojunk=False).ratio()


def _pair_block(a: list[str], b: list[str], threshold: float = 0.45) -> list[tuple[str, str, bool]]:
    """Order-preserving alignment of two runs of changed clauses (similar ones side by side)."""
    n, m = len(a), len(b)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best, how = -1.0, ""
            if i and j:
                s = _similarity(a[i - 1], b[j - 1])
                if s >= threshold and score[i - 1][j - 1] + s > best:
                    best, how = score[i - 1][j - 1] + s, "pair"
            if i and score[i - 1][j] > best:
                best, how = score[i - 1][j], "a"
            if j and score[i][j - 1] > best:
                best, how = score[i][j - 1], "b"
            score[i][j], move[i][j] = best, how
    rows = []
    i, j = n, m
    while i or j:
        how = move[i][j]
        if how == "pair":
            rows.append((a[i - 1], b[j - 1], not _same(a[i - 1], b[j - 1])))
            i, j = i - 1, j - 1
        elif how == "a":
            rows.append((a[i - 1], "", True))
            i -= 1
        else:
            rows.append(("", b[j - 1], True))
            j -= 1
    return rows[::-1]


def align_clauses(a: list[str], b: list[str]) -> list[tuple[str, str, bool]]:
    """Two clause lists aligned (difflib on folded clauses): (clause a, clause b, differs)."""
    sm = difflib.SequenceMatcher(a=[normalize(x) for x in a], b=[normalize(x) for x in b], autojunk=False)
    rows: list[tuple[str, str, bool]] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            rows.extend((a[i1 + k], b[j1 + k], False) for k in range(i2 - i1))
        else:
            rows.extend(_pair_block(a[i1:i2], b[j1:j2]))
    return rows


_TOKEN = re.compile(rf"[{_CN}]+(?=次|天|个工作日|个月)|\d+(?:\.\d+)?%?|[A-Za-z]+|\s+|.", re.S)
_NUMBER_TOKEN = re.compile(rf"\d|[{_CN}]+$")


def _token_key(token: str) -> str:
    if token and token[0] in _CN and cn_to_int(token) is not None:
        return str(cn_to_int(token))  # "一次" and "1次" say the same
    return fold(token)


def _split_numbers(sa: list[str], sb: list[str]) -> list[tuple[list[str], list[str]]]:
    """A changed run that starts or ends with a number on both sides is cut there: 12345政务 → 89000民生
    reads 12345 → 89000, 政务 → 民生."""
    head: list = []
    tail: list = []
    while len(sa) > 1 and len(sb) > 1 and _NUMBER_TOKEN.match(sa[0]) and _NUMBER_TOKEN.match(sb[0]):
        head.append(([sa[0]], [sb[0]]))
        sa, sb = sa[1:], sb[1:]
    while len(sa) > 1 and len(sb) > 1 and _NUMBER_TOKEN.match(sa[-1]) and _NUMBER_TOKEN.match(sb[-1]):
        tail.insert(0, ([sa[-1]], [sb[-1]]))
        sa, sb = sa[:-1], sb[:-1]
    return head + [(sa, sb)] + tail


def _segments(a: str, b: str) -> list[tuple[str, str, bool]]:
    """Two clauses cut into aligned segments (text a, text b, differs); numbers and Latin words are
    kept whole, and a changed period keeps its 每 (每季度 → 每月, not 季度 → 月)."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    sm = difflib.SequenceMatcher(a=[_token_key(t) for t in ta], b=[_token_key(t) for t in tb], autojunk=False)
    segs: list[list] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            segs.append(["".join(ta[i1:i2]), "".join(tb[j1:j2]), False])
            continue
        for xa, xb in _split_numbers(ta[i1:i2], tb[j1:j2]):
            sa, sb = "".join(xa), "".join(xb)
            if segs and not segs[-1][2] and segs[-1][0].endswith("每") and segs[-1][1].endswith("每"):
                segs[-1][0], segs[-1][1] = segs[-1][0][:-1], segs[-1][1][:-1]
                sa, sb = "每" + sa, "每" + sb
            segs.append([sa, sb, True])
    return [(x, y, d) for x, y, d in segs if x or y]


def diff_spans(a: str, b: str) -> list[tuple[str, str]]:
    """The differing spans of two clauses: [("每季度", "每月")], [("12345政务", "89000民生"), ...]."""
    return [(x, y) for x, y, d in _segments(a, b) if d]


def mark(a: str, b: str, open_: str = "【", close: str = "】") -> tuple[str, str]:
    """Both clauses with their differing spans bracketed."""
    merged: list[list] = []
    for x, y, d in _segments(a, b):
        if merged and d and merged[-1][2]:
            merged[-1][0] += x
            merged[-1][1] += y
        else:
            merged.append([x, y, d])
    ma = "".join(f"{open_}{x}{close}" if d and x else x for x, _, d in merged)
    mb = "".join(f"{open_}{y}{close}" if d and y else y for _, y, d in merged)
    return ma, mb


def first_difference(a: Article, b: Article) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """The first pair of aligned clauses that differ, each with the sentence it stands in:
    ((clause a, sentence a), (clause b, sentence b)); None when no clause has a counterpart that differs.
    The same alignment as compare_article, for the comparison intent of plain questions."""
    def sentence_of(article: Article, clause: str) -> str:
        return next((s for s in article.sentences if clause in s), clause)

    for left, right, differs in align_clauses(article_clauses(a), article_clauses(b)):
        if differs and left and right:
            return (left, sentence_of(a, left)), (right, sentence_of(b, right))
    return None


@dataclass
class Comparison:
    number: int
    cities: list[str]
    documents: list[Document]
    articles: list[Article]
    rows: list[tuple[str, str, bool]]

    @property
    def differs(self) -> bool:
        return any(d for _, _, d in self.rows)

    @property
    def differing_rows(self) -> list[tuple[str, str, bool]]:
        return [r for r in self.rows if r[2]]

    def to_text(self) -> str:
        a, b = self.cities
        da, db = self.documents
        head = self.articles[0].heading or self.articles[1].heading
        lines = [f"第{self.number}条 {head}：{a}（{da.doc_number}）与{b}（{db.doc_number}）对比，"
                 + (f"{len(self.differing_rows)}处不同" if self.differs else "内容相同")]
        if self.articles[1].heading and self.articles[1].heading != self.articles[0].heading:
            lines[0] += f"（{b}的标题：{self.articles[1].heading}）"
        for left, right, differs in self.rows:
            if not differs:
                lines.append(f"  = {left}")
                continue
            if left and right:
                ml, mr = mark(left, right)
                lines.append(f"  ≠ {a}：{ml}")
                lines.append(f"    {b}：{mr}")
                changes = "；".join(f"{x or '（无）'} → {y or '（无）'}" for x, y in diff_spans(left, right))
                lines.append(f"    差异：{changes}")
            elif left:
                lines.append(f"  − {a}独有：{left}")
            else:
                lines.append(f"  + {b}独有：{right}")
        return "\n".join(lines)


def compare_article(engine, number: int, cities: list[str]) -> Comparison:
    """The same article number in two cities' documents, aligned clause by clause."""
    if len(cities) != 2:
        raise TrainingError(f"请给出两个城市，例如：{','.join(_city_list(engine).split('、')[:2])}。")
    resolved = []
    for c in cities:
        r = engine.resolve_city(c)
        if not r:
            raise TrainingError(f"还没有收录“{truncate(c, 20)}”的文件（已收录：{_city_list(engine)}）。")
        resolved.append(r)
    if resolved[0] == resolved[1]:
        raise TrainingError("请给出两个不同的城市。")
    candidates = []
    for c in resolved:
        docs = [d for d in engine.documents if d.city == c and d.article(number)]
        if not docs:
            raise TrainingError(f"{c}的文件里没有第{number}条。")
        candidates.append(docs)
    da, db = max(((x, y) for x in candidates[0] for y in candidates[1]), key=lambda p: _doc_affinity(*p))
    aa, ab = da.article(number), db.article(number)
    rows = align_clauses(article_clauses(aa), article_clauses(ab))
    return Comparison(number=number, cities=resolved, documents=[da, db], articles=[aa, ab], rows=rows)


def _doc_affinity(a: Document, b: Document) -> tuple:
    linked = a.meta.parent == b.doc_number or b.meta.parent == a.doc_number
    ta, tb = a.title.replace(a.city, ""), b.title.replace(b.city, "")
    return (linked, difflib.SequenceMatcher(a=ta, b=tb).ratio())


# ---- outline ----------------------------------------------------------------------------------

def outline(engine, doc_key: str) -> list[tuple[str, list[Article]]]:
    """A document's parts in order, each with its articles. Articles under no part (the closing
    provisions) come last under the title ""."""
    key = (doc_key or "").strip()
    doc = engine.document(key)
    if doc is None:
        known = "；".join(f"{d.doc_number}（{d.city or d.title}）" for d in engine.documents[:5])
        raise TrainingError(f"没有找到文件“{truncate(doc_key or '', 30)}”。可用文号或城市，例如：{known}")
    groups: dict[str, list[Article]] = {p: [] for p in doc.parts}
    for a in doc.articles:
        groups.setdefault(a.part, []).append(a)
    ordered = [(p, arts) for p, arts in groups.items() if arts and p]
    if groups.get(""):
        ordered.append(("", groups[""]))
    return ordered


def outline_text(engine, doc_key: str) -> str:
    parts = outline(engine, doc_key)
    doc = engine.by_number[next(arts for _, arts in parts if arts)[0].doc_number]
    lines = [f"《{doc.title}》（{doc.doc_number}）"]
    for part, arts in parts:
        lines.append(part or "（文末条款）")
        for a in arts:
            lines.append(f"  {a.label}{a.heading or truncate(a.body, 20)}".rstrip())
    return "\n".join(lines)
