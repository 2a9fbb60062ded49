"""A document's outline: its parts in order, each with its articles (/outline, `policybot outline`)."""
from __future__ import annotations

from .models import Article, document_name
from .roles import ScopeError
from .text import truncate


def outline(engine, doc_key: str) -> list[tuple[str, list[Article]]]:
    """A document's parts in order, each with its articles. Articles under no part (the closing
    provisions) come last under the title ""."""
    key = (doc_key or "").strip()
    doc = engine.document(key)
    if doc is None:
        known = "；".join(f"{d.doc_number}（{d.city or d.title}）" for d in engine.documents[:5])
        raise ScopeError(f"没有找到文件“{truncate(doc_key or '', 30)}”。可用文号或城市，例如：{known}")
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
    lines = [document_name(doc.title, doc.doc_number)]
    for part, arts in parts:
        lines.append(part or "（文末条款）")
        for a in arts:
            lines.append(f"  {a.label}{a.heading or truncate(a.body, 20)}".rstrip())
    return "\n".join(lines)
