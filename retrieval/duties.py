"""Duty lists: every periodic obligation of a role, grouped by period in calendar order (每周 before
每月 before 每年). duties_export.py writes them as a printable page and an iCalendar file."""
from __future__ import annotations

from dataclasses import dataclass, field

from .models import Citation, Obligation, document_name
from .periods import order, period_order
from .roles import ScopeError, docs_for_city, role_matches, unknown_role
from .statements import normalize, quote_for, statement

# Canonical periods in the order duty lists show them; others (每天, 每3个月 …) follow by length of period.
PERIODS = order()
QUARTERS = ["一季度", "二季度", "三季度", "四季度"]  # the dates "每年一季度" … name


@dataclass
class Duty:
    text: str  # the obligation statement
    obligation: Obligation
    citation: Citation

    @property
    def period(self) -> str:
        return self.obligation.period or ""


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
        scope = f"（{self.city}）" if self.city else ""
        return f"{self.role}{scope}的周期性职责"

    def to_text(self) -> str:
        lines = [f"{self.title()}：共{len(self.duties)}项"]
        if not self.duties:
            lines.append("文件里没有这个角色按周期（每周、每月、每季度、每年……）要做的事。")
        multi = len({d.citation.doc_number for d in self.duties}) > 1
        for period, ds in self.groups:
            lines.append(f"\n【{period}】")
            for i, d in enumerate(ds, 1):
                lines.append(f"{i}. {d.text}")
                lines.append(f"   依据：{where(d.citation, with_doc=multi)}")
        return "\n".join(lines)


def where(c: Citation, with_doc: bool = True) -> str:
    """《title》（文号）part，label heading — the citation a duty is listed with."""
    art = f"{c.label}{c.heading}".strip() or "正文"
    doc = document_name(c.title, c.doc_number) if with_doc else f"{c.doc_number} "
    return f"{doc}{c.part + '，' if c.part and with_doc else ''}{art}"


def _duty_text(o: Obligation) -> str:
    text = statement(o)
    if o.period_text and not o.period_text.startswith("每") and o.period_text != "全年":
        text += f"（{o.period_text}）"  # "周调度、月分析" is listed under both periods: say which one
    elif o.period_text and o.period_text not in text:
        text += f"（{o.period}）"  # the period is the sentence's, stated in an earlier clause
    return text


def duties(engine, role: str, city: str | None = None) -> DutyList:
    """Every periodic obligation of a role, grouped by period (每周, 每2周, 每月, 每季度, 每半年, 每年)."""
    if not role or not role.strip():
        raise ScopeError("请给出一个角色，例如：市政府领导班子成员。")
    docs = docs_for_city(engine, city)
    resolved = engine.resolve_city(city) if city else None
    mine = [o for o in engine.obligations if o.doc_number in docs and role_matches(role, o.actor)]
    if not mine:
        raise unknown_role(engine, role, docs)
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

