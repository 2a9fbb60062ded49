"""What start-up needs of every document, made once when the corpus changes and read as one row.

A corpus of 20,000 documents would otherwise have every head parsed, every title searched for its
place and every parent resolved at each start (1.4 s). The roster keeps, per document, its store id,
the signature of its files, its metadata (parents resolved), its place and the text a question about
it is judged against (speaker), with the quoted terms of the whole corpus; the rest of a head
(parts, preamble, headings) is read when asked for (store.StoredDocument).

A roster is current while the files it was made from have the signatures it holds and it was made by this
code (_key): start-up then checks one stat per file and reads nothing else.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import astuple, dataclass
from pathlib import Path

from .in_force import Register
from .models import Document, DocumentMeta
from .places import Place, places
from .scope import document_place
from .store import StoredDocument

INFO = "roster"
KIND_ONLY_TITLE = 6  # a title this short names only the kind of document ("公告", "查档须知"), not its subject


def _key() -> str:
    """The code and data a roster was made by: this module, how parents are resolved, how a place is found
    and the table of places it is found in, how what repeals what is resolved."""
    from . import corpus, in_force, places as places_module, scope

    h = hashlib.sha1()
    for module in (corpus, in_force, places_module, scope):
        h.update(Path(module.__file__).read_bytes())
    h.update(Path(__file__).read_bytes())
    table = places_module.table_path()
    if table:
        st = table.stat()
        h.update(f"{table}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


@dataclass
class Entry:
    """One document as start-up knows it (its file's stem and text's name are in its metadata)."""

    store_id: int
    sig: str  # sizes and modification times of its YAML and text (signature())
    n_articles: int
    meta: DocumentMeta
    place: Place | None
    speaker: str
    glosses: list[tuple[str, str, int]]


@dataclass
class Roster:
    entries: list[Entry]  # in the corpus folder's order
    terms: list[str]  # the quoted terms of every document
    # what repeals and amends what ({repealed: repealer}, {amended: [amenders]}: in_force.Register.links),
    # resolved when the corpus changed: resolving titles at every start costs 0.2 s at a million articles
    links: tuple[dict[str, str], dict[str, list[str]]] | None = None

    def dump(self) -> str:
        rows = [[e.store_id, e.sig, e.n_articles, list(astuple(e.meta)), list(astuple(e.place)) if e.place else None,
                 e.speaker, e.glosses] for e in self.entries]
        return json.dumps({"key": _key(), "terms": self.terms, "documents": rows,
                           "links": list(self.links) if self.links is not None else None},
                          ensure_ascii=False, separators=(",", ":"))


def speaker(doc: Document) -> str:
    """A document's title, and its issuer where the title names no place ("查档须知", "公告"): a notice
    speaks of its issuer's business (宣城党史地方志研究室的档案). A title that is only its kind ("公告")
    leaves the subject to the introduction (顺城区人民政府领导将于8月13日上午接听热线)."""
    if places().leading(doc.title) or not doc.meta.issuer:
        return doc.title
    if len(doc.title) <= KIND_ONLY_TITLE:
        return f"{doc.title} {doc.meta.issuer} {doc.preamble}"
    return f"{doc.title} {doc.meta.issuer}"


def make(documents: list[StoredDocument], sigs: list[str], terms: set[str]) -> Roster:
    """The roster of stored, linked documents (corpus.link_documents) with their files' signatures."""
    return Roster([Entry(d.store_id, sig, d.n_articles, d.meta, document_place(d), speaker(d), d.glosses)
                   for d, sig in zip(documents, sigs)], sorted(terms), Register(d.meta for d in documents).links)


def read(text: str | None, files: dict[str, tuple[int, int]]) -> Roster | None:
    """The stored roster when it is current for the folder's files ({name: (size, mtime)}), else None."""
    if not text:
        return None
    data = json.loads(text)
    if data.get("key") != _key():
        return None
    entries = [Entry(store_id, sig, n, DocumentMeta(*meta), Place(*place) if place else None, said,
                     [tuple(g) for g in glosses])
               for store_id, sig, n, meta, place, said, glosses in data["documents"]]
    if [f"{e.meta.slug}.yaml" for e in entries] != sorted(n for n in files if n.endswith(".yaml")):  # metadata_files
        return None
    if any(e.sig != signature(files, e.meta.slug, e.meta.text_file) for e in entries):
        return None
    links = data.get("links")
    return Roster(entries, data["terms"], tuple(links) if links is not None else None)


def signature(files: dict[str, tuple[int, int]], slug: str, text_file: str) -> str:
    """Size and modification time of a document's YAML and of its text, beside it ("…,0,0" when missing)."""
    own, text = files[f"{slug}.yaml"], files.get(text_file, (0, 0))
    return f"{own[0]},{own[1]},{text[0]},{text[1]}"
