"""Which documents are in force: what each repeals or amends and when it expires, read from the metadata
(recorded at ingest in both documents' YAML, or written by hand in either).

A document is repealed once a document of the corpus that repeals it has taken effect (or says it was
repealed, `repealed_by`, when its repealer is not in the corpus); it has expired after its 有效期;
a header that reads 失效/废止 says it lapsed. Everything else is in force, a document whose 施行日期
is still to come included (it is the text that will govern; the answer's dates say so).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Iterable

from .corpus import find_by_title, title_key
from .doc_numbers import normalize_doc_number
from .models import DocumentMeta, document_name

_LAPSED = re.compile(r"失效|废止|停止执行|不再执行")  # a header's 有效性 saying the document no longer applies
_UNTIL = re.compile(r"有效期至\s*((?:19|20)\d{2}-\d{2}-\d{2})")

IN_FORCE, REPEALED, EXPIRED, LAPSED, PENDING = "in_force", "repealed", "expired", "lapsed", "pending"
LABELS = {IN_FORCE: "有效", REPEALED: "已废止", EXPIRED: "已到期", LAPSED: "已失效", PENDING: "尚未施行"}


def expiry(meta: DocumentMeta) -> str | None:
    """The last day a document is valid (ISO), from `expires` or a validity written "有效期至2027-03-19"."""
    if meta.expires:
        return meta.expires
    m = _UNTIL.search(meta.validity or "")
    return m.group(1) if m else None


def _date(meta: DocumentMeta) -> str | None:
    """When a document came into being, as far as its metadata says (ISO dates compare as text)."""
    return meta.effective or meta.published or meta.written


@dataclass(frozen=True)
class Status:
    state: str
    repealed_by: str | None = None  # 文号 (or title, when not in the corpus) of the repealing document
    since: str | None = None  # the repealer's 施行日期; the day after the 有效期
    expires: str | None = None
    effective: str | None = None
    amended_by: tuple[str, ...] = field(default_factory=tuple)
    will_be_repealed_by: str | None = None  # a repealer that has not taken effect yet

    @property
    def in_force(self) -> bool:
        return self.state in (IN_FORCE, PENDING)

    @property
    def label(self) -> str:
        return LABELS[self.state]


class Register:
    """The corpus's documents by 文号 and title, to resolve what a document repeals or amends ("招政发
    〔2019〕24号", "《某市物业管理办法》") to a document of the corpus, and each document's status on a day.
    The links are found on first use, from the few documents that repeal or amend something."""

    def __init__(self, metas: Iterable[DocumentMeta], links: tuple[dict, dict] | None = None):
        """links: what repeals and amends what, as resolved before (the roster keeps them)."""
        self.metas = {m.doc_number: m for m in metas}
        if links is not None:
            self.links = links

    @functools.cached_property
    def titles(self) -> dict[str, str]:
        return {title_key(m.title): m.doc_number for m in self.metas.values()}

    def find(self, ref: str) -> str | None:
        number = normalize_doc_number(ref)
        if number and number in self.metas:
            return number
        if ref in self.metas:
            return ref
        return find_by_title(ref.strip("《》"), self.titles)

    def target(self, ref: str, by: DocumentMeta) -> str | None:
        """The document of the corpus a document's repeal or amendment names, if any: never itself, nor
        one dated after it (an earlier namesake is meant: 《人民检察院刑事诉讼规则（试行）》 of 2013
        repealing the 规则 of 1999, not the one of 2019)."""
        found = self.find(ref)
        if found is None or found == by.doc_number:
            return None
        mine, theirs = _date(by), _date(self.metas[found])
        return None if mine and theirs and mine < theirs else found

    def name(self, ref: str, short: bool = False) -> str:
        """《title》（文号） of a document of the corpus (short: its 文号, else 《title》); the reference itself
        for one outside it."""
        m = self.metas.get(self.find(ref) or "")
        if m is None:
            return ref
        if short:
            return m.doc_number if m.doc_number != m.title else f"《{m.title}》"
        return document_name(m.title, m.doc_number)

    @functools.cached_property
    def links(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        """({repealed: repealer}, {amended: [amenders]}), from either side's metadata."""
        repealers: dict[str, str] = {}
        amenders: dict[str, list[str]] = {}
        for m in self.metas.values():
            for ref in m.repeals:
                target = self.target(ref, m)
                if target:
                    repealers.setdefault(target, m.doc_number)
            for ref in m.amends:
                target = self.target(ref, m)
                if target and m.doc_number not in amenders.get(target, []):
                    amenders.setdefault(target, []).append(m.doc_number)
            if m.repealed_by:
                by = self.find(m.repealed_by)
                if by is None or self.target(m.doc_number, self.metas[by]) == m.doc_number:  # not a namesake
                    repealers.setdefault(m.doc_number, by or m.repealed_by)
            for ref in m.amended_by:
                found = self.find(ref) or ref
                if found not in amenders.get(m.doc_number, []):
                    amenders.setdefault(m.doc_number, []).append(found)
        return repealers, amenders

    def repealed(self, ref: str) -> tuple[str, str] | None:
        """(what, repealer) for a 文号 or title some document of the corpus repeals, in the corpus or not."""
        number = normalize_doc_number(ref) or ref
        for m in self.metas.values():
            if any((normalize_doc_number(r) or r) == number for r in m.repeals):
                return number, m.doc_number
        return None

    def status(self, doc_number: str, today: dt.date) -> Status:
        repealers, amenders = self.links
        return self._status(self.metas[doc_number], repealers.get(doc_number),
                            tuple(amenders.get(doc_number, [])), today)

    def statuses(self, today: dt.date) -> dict[str, Status]:
        """Every document's status on a given day."""
        return {n: self.status(n, today) for n in self.metas}

    def lapsed(self, today: dt.date) -> frozenset[str]:
        """The documents not in force on a day: only those with a repealer, an expiry or a validity can be."""
        repealers, _ = self.links
        maybe = set(repealers) | {n for n, m in self.metas.items() if m.expires or m.validity}
        return frozenset(n for n in maybe if n in self.metas and not self.status(n, today).in_force)

    def _status(self, m: DocumentMeta, by: str | None, amended: tuple[str, ...], today: dt.date) -> Status:
        iso = today.isoformat()
        until = expiry(m)
        common = dict(expires=until, effective=m.effective, amended_by=amended)
        if by:
            repealer = self.metas.get(by)
            since = repealer.effective if repealer else None
            if since and since > iso:
                state = PENDING if m.effective and m.effective > iso else IN_FORCE
                return Status(state, will_be_repealed_by=by, since=since, **common)
            return Status(REPEALED, repealed_by=by, since=since, **common)
        if until and until < iso:
            return Status(EXPIRED, since=(dt.date.fromisoformat(until) + dt.timedelta(days=1)).isoformat(), **common)
        if _LAPSED.search(m.validity or ""):
            return Status(LAPSED, **common)
        if m.effective and m.effective > iso:
            return Status(PENDING, **common)
        return Status(IN_FORCE, **common)

    def describe(self, status: Status, short: bool = False) -> str:
        """A status in a sentence's words: "已被《…》（…号）废止，2022-05-12起", "现行有效，有效期至2027-03-19";
        short: other documents named by 文号."""
        if status.state == REPEALED:
            since = f"，{status.since}起" if status.since else ""
            return f"已被{self.name(status.repealed_by, short)}废止{since}"
        if status.state == EXPIRED:
            return f"有效期至{status.expires}，已到期失效"
        if status.state == LAPSED:
            return "已失效（据文件的有效性标注）"
        parts = ["尚未施行，" + f"自{status.effective}起施行" if status.state == PENDING else "现行有效"]
        parts.append(f"有效期至{status.expires}" if status.expires else "文件没有写明有效期")
        if status.will_be_repealed_by:
            parts.append(f"将于{status.since}起被{self.name(status.will_be_repealed_by, short)}废止")
        if status.amended_by:
            parts.append("已被" + "、".join(self.name(a, short) for a in status.amended_by) + "修改")
        return "，".join(parts)

    def standing_lines(self, meta: DocumentMeta, status: Status) -> list[str]:
        """A document's standing, unless plainly in force, and what it repeals or amends, one line each
        (`policybot docs`, /docs)."""
        plain = status.state == IN_FORCE and not (status.expires or status.amended_by or status.will_be_repealed_by)
        lines = [] if plain else [self.describe(status)]
        for verb, refs in (("废止", meta.repeals), ("修改", meta.amends)):
            lines += [f"{verb} {self.name(ref)}" + ("" if self.find(ref) else "（未收录）") for ref in refs]
        return lines
