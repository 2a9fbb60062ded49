"""Which documents govern an asker: by place (retrieval/places.py) and by the documents a document is
issued under (meta.parent).

An asker's own place first; where its documents are silent, the documents they are issued under and
those of the places containing it (city, province); documents of no place (national) next; documents
no longer in force last. Documents of other places never govern.
"""
from __future__ import annotations

import re

from .models import Document
from .places import Place, places
from .text import fold


def document_place(doc: Document) -> Place | None:
    """Where a document applies: its city as the metadata names it, else its issuer's or title's place."""
    table = places()
    named = table.named(doc.city) if doc.city else None
    return named or table.leading(doc.meta.issuer) or table.leading(doc.title)


class Scope:
    def __init__(self, documents: list[Document], place_of: dict[str, Place | None]):
        """place_of: each document's place (document_place, found when the corpus changed: retrieval/roster.py)."""
        self.documents = documents
        self.by_number = {d.doc_number: d for d in documents}
        self.cities = sorted({d.city for d in documents if d.city}, key=len, reverse=True)
        self.place_of = place_of
        # every name a question may use for a place that has documents: 苏州, 苏州市, 丰泽区, 丰泽
        self.place_names = sorted({n for p in self.place_of.values() if p for n in (p.name, p.short)}
                                  | set(self.cities), key=len, reverse=True)
        # folded, with the pattern that takes each out of a question (asked of every question)
        self._names = [(n, fold(n), re.compile(re.escape(fold(n)) + "[市区县]?")) for n in self.place_names]
        self._scopes: dict[str | None, list[tuple[frozenset[str], str]]] = {}
        self.lapsed: frozenset[str] = frozenset()  # documents not in force (retrieval/in_force.py)

    def set_lapsed(self, lapsed: frozenset[str]) -> None:
        if lapsed != self.lapsed:
            self.lapsed = lapsed
            self._scopes.clear()

    def resolve_city(self, name: str | None) -> str | None:
        """'苏州市' / '蘇州' → '苏州'; a place without documents of its own ('青岛') → its short name when
        a place containing it has documents; None when no document governs it."""
        if not name:
            return None
        f = fold(name).removesuffix("市")
        known = next((c for c in self.cities if fold(c) == f or fold(c).removesuffix("市") == f), None)
        if known:
            return known
        place = places().named(name)
        if place and any(p and place.within(p) for p in self.place_of.values()):
            return place.short
        return None

    def mentioned(self, fq: str) -> list[str]:
        """Places with documents that a question names, in the order it names them (short names)."""
        found: list[tuple[int, str]] = []
        text = fq
        for name, folded, _ in self._names:
            at = text.find(folded)
            if at >= 0:
                place = places().named(name)
                found.append((at, place.short if place else name))
                text = text.replace(folded, " " * len(name))
        return list(dict.fromkeys(n for _, n in sorted(found)))

    def without_places(self, fq: str) -> str:
        """A question with its place names taken out: they choose the scope, not the clause."""
        for _, folded, pattern in self._names:
            if folded in fq:
                fq = pattern.sub(_leave_office, fq)
        return fq

    def own(self, city: str) -> set[str]:
        """The documents of a place itself."""
        asker = places().named(city)
        return {d.doc_number for d in self.documents
                if d.city == city or (asker is not None and self.place_of[d.doc_number] == asker)}

    def scopes(self, city: str | None) -> list[tuple[frozenset[str], str]]:
        """The documents that govern an asker of this place, nearest first, as (documents, kind); found
        once per place (the index keeps a filter per scope, and knows a frozenset at once)."""
        found = self._scopes.get(city or None)
        if found is None:
            if len(self._scopes) > 1024:
                self._scopes.clear()
            found = self._scopes[city or None] = self._in_force_first(self._find(city))
        return found

    def _in_force_first(self, scopes: list[tuple[set[str], str]]) -> list[tuple[frozenset[str], str]]:
        """The documents in force govern; repealed or expired ones only where none of them says anything,
        last, as scopes of their own ("lapsed") so the answer can say so."""
        live = [(frozenset(docs - self.lapsed), kind) for docs, kind in scopes if docs - self.lapsed]
        return live + [(frozenset(docs & self.lapsed), "lapsed") for docs, _ in scopes if docs & self.lapsed]

    def _find(self, city: str | None) -> list[tuple[set[str], str]]:
        if not city:
            return [(set(self.by_number), "all")]
        own = self.own(city)
        scopes = [(own, "own")] if own else []
        seen = set(own)
        frontier = own
        while frontier:
            parents = {self.by_number[n].meta.parent for n in frontier} - {None} - seen
            parents &= set(self.by_number)
            if parents:
                scopes.append((parents, "parent"))
            seen |= parents
            frontier = parents
        asker = places().named(city)
        for code in (asker.ancestors() if asker else []):
            docs = {n for n, p in self.place_of.items() if p and p.code == code} - seen
            if docs:
                scopes.append((docs, "parent"))
                seen |= docs
        national = {n for n, d in self.by_number.items() if self.place_of[n] is None and not d.city} - seen
        if national:
            scopes.append((national, "national"))
        return scopes

    def other_places(self, home: Place) -> dict[str, set[str]]:
        """The documents of every other place, by short name."""
        by_place: dict[str, set[str]] = {}
        for n, p in self.place_of.items():
            if p is not None and p != home and n not in self.lapsed:
                by_place.setdefault(p.short, set()).add(n)
        return by_place


def _leave_office(m: re.Match) -> str:
    """A place name goes, but not the 市/县/区/省 of the office that follows it: 抚顺市长 → 市长."""
    name, after = m.group(0), m.string[m.end():m.end() + 2]
    return " " + name[-1] if name[-1] in "市县区省" and _OFFICE.match(after) else " "


_OFFICE = re.compile(r"[长委]|民(?!政)")  # 市长, 县委, 区长, 省委, 市民 (not 市民政局)
