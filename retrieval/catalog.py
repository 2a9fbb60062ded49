"""What the corpus holds, for maintainers: its entries (`policybot docs`) and taking some out
(`policybot remove`). Functions return data; the command line prints it."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .corpus import (YAML_LOADER, CorpusError, bundled_corpus_dir, documents_dir, load_document, meta_from_yaml,
                     read_yaml_text, title_key)
from .doc_numbers import normalize_doc_number
from .in_force import Register
from .models import DocumentMeta
from .text import fold


@dataclass
class Existing:
    """A document already in the corpus, as its YAML file describes it."""
    meta: DocumentMeta
    yaml_path: Path
    text_path: Path
    has_number: bool

    @property
    def ident(self) -> str:
        return self.meta.doc_number if self.has_number else f"《{self.meta.title}》"


def existing_entries(docs_dir: Path) -> tuple[list[Existing], list[str]]:
    """Every readable entry, and one problem line per YAML file that cannot be read."""
    out, problems = [], []
    if not docs_dir.is_dir():
        return out, problems
    for path in sorted(docs_dir.glob("*.yaml")):
        try:
            text = read_yaml_text(path)
            meta = meta_from_yaml(text, path.name)
            raw = yaml.load(text, Loader=YAML_LOADER)
        except (OSError, UnicodeDecodeError, CorpusError, yaml.YAMLError) as exc:
            problems.append(f"{path.name}: {exc}")
            continue
        has_number = raw.get("doc_number") not in (None, "")
        out.append(Existing(meta, path, docs_dir / meta.text_file, has_number))
    return out, problems


def corpus_documents_dir(corpus: Path | None) -> Path:
    """The documents folder of an existing corpus (None: the bundled one)."""
    corpus_dir = corpus or bundled_corpus_dir()
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus directory not found: {corpus_dir}")
    return documents_dir(corpus_dir)


# ---- docs -------------------------------------------------------------------------------------------

@dataclass
class Entry:
    doc_number: str | None  # None: a document identified by its title
    city: str
    articles: int
    status: str  # 有效 / 已废止 / 已到期 / 已失效 / 尚未施行 (retrieval/in_force.py)
    title: str
    file: str
    relations: list[str] = field(default_factory=list)  # "已被《…》废止，2022-05-12起", "废止 …（未收录）"


@dataclass
class Listing:
    docs_dir: Path
    entries: list[Entry] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # YAML files that do not load, with the reason

    @property
    def articles(self) -> int:
        return sum(e.articles for e in self.entries)


def list_documents(corpus: Path | None, city: str | None = None, today: dt.date | None = None) -> Listing:
    listing = Listing(corpus_documents_dir(corpus))
    docs = []
    for path in sorted(listing.docs_dir.glob("*.yaml")):
        try:
            docs.append((load_document(path), path))
        except CorpusError as exc:
            listing.broken.append(str(exc))
    register = Register(d.meta for d, _ in docs)
    statuses = register.statuses(today or dt.date.today())
    for doc, path in docs:
        if city and fold(doc.city) != fold(city).removesuffix("市"):
            continue
        n = sum(1 for a in doc.articles if a.kind == "article" and a.number is not None)
        listing.entries.append(Entry(doc.doc_number if doc.doc_number != doc.title else None, doc.city, n,
                                     statuses[doc.doc_number].label, doc.title, path.name,
                                     register.standing_lines(doc.meta, statuses[doc.doc_number])))
    return listing


# ---- remove -----------------------------------------------------------------------------------------

@dataclass
class Removal:
    """What `remove` did, or why it did nothing: a key that names no document (with near matches) or
    several. Nothing is removed unless every key names exactly one document."""
    docs_dir: Path
    dry_run: bool
    removed: list[Existing] = field(default_factory=list)
    orphans: list[Existing] = field(default_factory=list)  # documents whose parent goes away
    unknown: str | None = None
    near: list[str] = field(default_factory=list)
    ambiguous: str | None = None
    matches: list[str] = field(default_factory=list)


def _key(text: str) -> str:
    return re.sub(r"[\s《》〔〕\[\]()（）【】]", "", fold(text or ""))


def _find(key: str, existing: list[Existing]) -> list[Existing]:
    number, k = normalize_doc_number(key), _key(key)
    return [e for e in existing if (number and e.meta.doc_number == number) or _key(e.meta.doc_number) == k
            or title_key(e.meta.title) == title_key(key) or e.yaml_path.stem == key]


def remove_documents(corpus: Path | None, keys: list[str], dry_run: bool = False) -> Removal:
    """Take the documents named by 文号 (any bracket form), title or file name out of the corpus.
    Raises OSError when a file cannot be deleted."""
    result = Removal(corpus_documents_dir(corpus), dry_run)
    existing, _ = existing_entries(result.docs_dir)
    for key in keys:
        found = _find(key, existing)
        if not found:
            k = _key(key)
            result.unknown = key
            result.near = [e.meta.doc_number for e in existing
                           if k and (k in _key(e.meta.doc_number) or k in _key(e.meta.title))][:5]
            return result
        if len(found) > 1:
            result.ambiguous, result.matches = key, [e.yaml_path.name for e in found]
            return result
        if found[0] not in result.removed:
            result.removed.append(found[0])
    gone = {e.meta.doc_number for e in result.removed}
    result.orphans = [e for e in existing if e.meta.parent in gone and e not in result.removed]
    if not dry_run:
        for e in result.removed:
            shared = any(o.text_path == e.text_path for o in existing if o is not e and o not in result.removed)
            e.yaml_path.unlink()  # the loader sees YAML files: the document is gone from here on
            if not shared:
                e.text_path.unlink(missing_ok=True)
    return result
