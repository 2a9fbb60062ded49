"""Quiz questions from the extracted obligations: one four-option question per unambiguous slot of
a clause (its period, count, deadline, ratio or date), checked against the clause it comes from.

    quiz_questions(engine, city=None, role=None, part=None, seed=None) -> list[QuizQuestion]
"""
from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass

from .duties import PERIODS, QUARTERS
from .models import Citation, Obligation
from .roles import ScopeError, docs_for_city, role_matches, unknown_role
from .statements import CN_NUMERALS, normalize, occurs, quote_for, statement
from .text import PUNCT, cn_to_int, fold, truncate

_UNITS = "个工作日|个月|个|次|天|项|起|名|人|家|场|轮|篇|小时|周|件|条|户|批"
_QTY = re.compile(rf"(?<![\d.\-])(\d+(?:\.\d+)?(?:-\d+)?)({_UNITS})")
_PERIOD_ANY = re.compile(rf"每(?:个)?(?:\d+|[{CN_NUMERALS}])?(?:个)?(?:星期|季度|半年|工作日|个月|周|月|季|年|天|日)(?!\d)|全年"
                         r"|(?<![每\d一二两三四个])(?:周|月|季)(?=调度|分析|通报|研判|报告|考核|例会)")
_RATIO_ANY = re.compile(r"\d+(?:\.\d+)?%|百分之")


def _part_matches(key: str, part: str) -> bool:
    """Whether a part title is the one a user names: by its numeral ("三", "3") or by words of it."""
    if not part:
        return False
    k = fold(key).strip().rstrip("、.．")
    n = cn_to_int(k)
    if n is not None:  # "三" / "3" / "三、": the part numbered so
        m = re.match(rf"^([{CN_NUMERALS}百]+|\d+)\s*[、.．]", fold(part))
        return bool(m) and cn_to_int(m.group(1)) == n
    kk = PUNCT.sub("", k)
    return bool(kk) and kk in PUNCT.sub("", fold(part))


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



# (slot, prompt body with the answer blanked, right option, three distractors, the statement)
Draft = tuple[str, str, str, list[str], str]


class _QuizBuilder:
    """Drafts questions for one obligation at a time; distractors come first from the values the
    corpus itself uses for the same slot (its other counts, ratios and deadlines)."""

    def __init__(self, engine):
        self.engine = engine
        counts: dict[str, list[str]] = {}
        for o in engine.obligations:
            if o.count and o.count_unit:
                counts.setdefault(o.count_unit, []).append(normalize(o.count))
        self.counts = {u: list(dict.fromkeys(v)) for u, v in counts.items()}
        self.ratios = list(dict.fromkeys(normalize(o.ratio) for o in engine.obligations if o.ratio))

    def questions(self, o: Obligation, rng_for) -> list[Draft]:
        """A draft for each unambiguous slot of o; rng_for(slot) gives the random source of a slot."""
        text = statement(o)
        norm = normalize(text)
        periods = [m.group(0) for m in _PERIOD_ANY.finditer(norm)]
        drafts = [self._period(o, text, periods, rng_for), self._count(o, text, norm, periods, rng_for),
                  self._deadline(o, text, norm, rng_for), self._ratio(o, text, norm, rng_for),
                  self._date(o, text, norm, rng_for)]
        return [d for d in drafts if d]

    def _period(self, o: Obligation, text: str, periods: list[str], rng_for) -> Draft | None:
        """Stated once, literally (每月 …), with no date sharing it ("每月20日", "每年一季度")."""
        if not (o.period and o.period_text and o.period_text == o.period and not o.date and len(periods) == 1
                and normalize(periods[0]) == normalize(o.period) and text.count(o.period_text) == 1):
            return None
        body = text.replace(o.period_text, "多久", 1)
        if o.count and normalize(o.count) == "1次":
            body = body.replace(o.count, "一次", 1)
        wrong = _pick_distractors(o.period, [p for p in PERIODS if p != o.period], rng_for("period"), [])
        return ("period", body, o.period, wrong, text) if wrong else None

    def _count(self, o: Obligation, text: str, norm: str, periods: list[str], rng_for) -> Draft | None:
        """Exactly one number-with-unit besides the period, deadline and date."""
        if not (o.count and o.count_unit):
            return None
        masked = _mask(norm, [normalize(p) for p in periods] + [normalize(o.deadline or ""), normalize(o.date or "")])
        qty = list(_QTY.finditer(masked))
        right = normalize(o.count)
        if not (len(qty) == 1 and qty[0].group(0) == right and text.count(o.count) == 1):
            return None
        unit = o.count_unit
        body = text.replace(o.count, f"几{unit}", 1)
        pool = [c for c in self.counts.get(unit, []) if c != right]
        if "-" in right:  # a range: ranges of the same unit read as real alternatives
            lo, hi = (int(float(x)) for x in right[: -len(unit)].split("-"))
            extra = [f"{lo + d}-{hi + d}{unit}" for d in (1, 2, -1, 3) if lo + d >= 1]
            pool = [c for c in pool if "-" in c]
        else:
            pool = [c for c in pool if "-" not in c]
            extra = [f"{n}{unit}" for n in _near_numbers(o.count_value or 1)]
        wrong = _pick_distractors(right, pool, rng_for("count"), extra)
        return ("count", body, right, wrong, text) if wrong else None

    def _deadline(self, o: Obligation, text: str, norm: str, rng_for) -> Draft | None:
        """提前3天 / 3个工作日内 / 不超过3个工作日, stated once."""
        if not (o.deadline and text.count(o.deadline) == 1):
            return None
        m = re.search(rf"(\d+|[{CN_NUMERALS}]+)\s*(个工作日|个月|天|日|周|小时)", o.deadline)
        stated = re.findall(r"提前\s*\d+|\d+\s*(?:个工作日|个月|天|日|小时)\s*(?:以内|之内|内)|不超过\s*\d+", norm)
        if not (m and len(stated) == 1):
            return None
        value = cn_to_int(m.group(1)) or 0
        unit = m.group(2)
        right = f"{value}{unit}"
        body = text.replace(o.deadline, o.deadline[: m.start()] + "几" + o.deadline[m.start(2):], 1)
        pool = [normalize(re.search(rf"\d+\s*{unit}", normalize(x.deadline)).group(0))
                for x in self.engine.obligations
                if x.deadline and re.search(rf"\d+\s*{unit}", normalize(x.deadline))]
        extra = [f"{n}{unit}" for n in _near_numbers(value, _DEADLINE_STEPS.get(unit))]
        wrong = _pick_distractors(right, [p for p in pool if p != right], rng_for("deadline"), extra)
        return ("deadline", body, right, wrong, text) if wrong else None

    def _ratio(self, o: Obligation, text: str, norm: str, rng_for) -> Draft | None:
        """One percentage in the statement."""
        if not (o.ratio and len(_RATIO_ANY.findall(norm)) == 1 and text.count(o.ratio) == 1):
            return None
        right = normalize(o.ratio)
        body = text.replace(o.ratio, "多少", 1)
        wrong = _pick_distractors(right, [r for r in self.ratios if r != right], rng_for("ratio"),
                                  sorted(_RATIOS, key=lambda r: abs(float(r[:-1]) - float(right[:-1]))))
        return ("ratio", body, right, wrong, text) if wrong else None

    def _date(self, o: Obligation, text: str, norm: str, rng_for) -> Draft | None:
        """Which quarter (每年一季度), which day of the month (每月20日左右)."""
        if not (o.date and text.count(o.date) == 1):
            return None
        if o.date in QUARTERS and sum(text.count(q) for q in QUARTERS) == 1:
            body = text.replace(o.date, "哪个季度", 1)
            wrong = _pick_distractors(o.date, [q for q in QUARTERS if q != o.date], rng_for("date"), [])
            return ("date", body, o.date, wrong, text) if wrong else None
        m = re.fullmatch(r"每月(\d{1,2})日(左右|前|之前|以前)?", normalize(o.date))
        if not (m and len(re.findall(r"\d{1,2}日", norm)) == 1):
            return None
        day = int(m.group(1))
        right = f"{day}日"
        body = text.replace(o.date, o.date.replace(m.group(1), "几", 1), 1)
        extra = [f"{d}日" for d in sorted({1, 5, 10, 15, 20, 25, 28} - {day}, key=lambda d: abs(d - day))]
        wrong = _pick_distractors(right, [], rng_for("date"), extra)
        return ("date", body, right, wrong, text) if wrong else None


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
    shuffled by it. Raises ScopeError for an unknown city, role or part."""
    docs = docs_for_city(engine, city)
    obligations = [o for o in engine.obligations if o.doc_number in docs]
    if role:
        mine = [o for o in obligations if role_matches(role, o.actor)]
        if not mine:
            raise unknown_role(engine, role, docs)
        obligations = mine
    if part:
        parts = [p for n in docs for p in engine.by_number[n].parts]
        if not any(_part_matches(part, p) for p in parts):
            numerals = "、".join(dict.fromkeys(p.split("、", 1)[0] for p in parts if "、" in p))
            raise ScopeError(f"没有“{truncate(part, 20)}”这一部分。可选：{numerals}，或部分标题里的词。")
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

        for slot, body, right, wrong, said in builder.questions(o, rng_for):
            prompt = (f"【{doc.city}】" if doc.city else "") + body.rstrip("。；;，,") + "？"
            qid = _question_id(o, slot, prompt)
            if qid in seen:
                continue
            seen.add(qid)
            options = [right] + wrong
            random.Random(f"{seed}|{qid}|order").shuffle(options)
            citation = engine.citation(article, quote_for(article, o), 1.0)
            where = f"{article.label}{article.heading}".strip()
            # the quote is the citation's, shown once with it: not repeated here
            explanation = f"正确答案：{right}（{doc.doc_number}{('，' + where) if where else ''}）。"
            q = QuizQuestion(id=qid, prompt=prompt, options=options, answer_index=options.index(right),
                             citation=citation, explanation=explanation, clause=said, slot=slot)
            if check_question(q):
                out.append(q)
    if seed is not None:
        random.Random(f"{seed}|questions").shuffle(out)
    return spread(out)


def _gives_away(before: QuizQuestion, after: QuizQuestion) -> bool:
    """Whether what is shown after a question (its citation and quote) tells the next one's answer: the
    same article, or a quote holding the next question's statement (a city's copy of the clause)."""
    c, d = before.citation, after.citation
    return (c.doc_number, c.label, c.article) == (d.doc_number, d.label, d.article) or \
        normalize(after.clause) in normalize(c.quote)


def spread(questions: list[QuizQuestion]) -> list[QuizQuestion]:
    """The questions reordered so that none follows one whose explanation gives its answer away (two
    slots of one clause, two clauses of one article, a city's copy of the clause), keeping the order
    otherwise; where that cannot be helped (one article left) they stay as they are."""
    left, out = list(questions), []
    while left:
        k = next((i for i, q in enumerate(left) if not out or not _gives_away(out[-1], q)), 0)
        out.append(left.pop(k))
    return out
