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
import os
from dataclasses import astuple, dataclass
from pathlib import Path

from .models import Document, DocumentMeta
from .places import Place, places
from .scope import document_place

INFO = "roster"
KIND_ONLY_TITLE = 6  # a title this short names only the kind of document ("公告", "查档须知"), not its subject


def _key() -> str:
    """The code and data a roster was made by: this module, how parents are resolved, how a place is found
    and the table of places it is found in."""
    from . import corpus, places as places_module, scope

    h = hashlib.sha1()
    for module in (corpus, places_module, scope):
        h.update(Path(module.__file__).read_bytes())
    h.update(Path(__file__).read_bytes())
    table = places_module.table_path()
    if table:
        st = table.stat()
        h.update(f"{table}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


@dataclass
class Entry:
    """One document as start-up knows it."""

    store_id: int
    slug: str
    sig: str  # sizes and modification times of its YAML and text (index_store.signature)
    text_file: str  # the text's name, beside the YAML
    n_articles: int
    meta: DocumentMeta
    place: Place | None
    speaker: str
    glosses: list[tuple[str, str, int]]


@dataclass
class Roster:
    entries: list[Entry]  # in the corpus folder's order
    terms: list[str]  # the quoted terms of every document

    def dump(self) -> str:
        rows = [[e.store_id, e.slug, e.sig, e.text_file, e.n_articles, list(astuple(e.meta)),
                 list(astuple(e.place)) if e.place else None, e.speaker, e.glosses] for e in self.entries]
        return json.dumps({"key": _key(), "terms": self.terms, "documents": rows}, ensure_ascii=False,
                          separators=(",", ":"))


def speaker(doc: Document) -> str:
    """A document's title, and its issuer where the title names no place ("查档须知", "公告"): a notice
    speaks of its issuer's business (宣城党史地方志研究室的档案). A title that is only its kind ("公告")
    leaves the subject to the introduction (顺城区人民政府领导将于8月13日上午接听热线)."""
    if places().leading(doc.title) or not doc.meta.issuer:
        return doc.title
    if len(doc.title) <= KIND_ONLY_TITLE:
        return f"{doc.title} {doc.meta.issuer} {doc.preamble}"
    return f"{doc.title} {doc.meta.issuer}"


def make(documents: list[Document], ids: list[int], sigs: list[str], sizes: list[int], terms: list[str]) -> Roster:
    """The roster of linked documents (corpus.link_documents) with their store ids and signatures."""
    return Roster([Entry(i, d.meta.slug, sig, d.meta.text_file, n, d.meta, document_place(d), speaker(d),
                          [tuple(g) for g in d.glosses])
                    for d, i, sig, n in zip(documents, ids, sigs, sizes)], sorted(terms))


def read(text: str | None, folder: Path, files: dict[str, tuple[int, int]]) -> Roster | None:
    """The stored roster when it is current for the folder's files ({name: (size, mtime)}), else None."""
    if not text:
        return None
    data = json.loads(text)
    if data.get("key") != _key():
        return None
    rows = data["documents"]
    if [f"{r[1]}.yaml" for r in rows] != sorted(n for n in files if n.endswith(".yaml")):  # corpus.metadata_files
        return None
    entries = []
    for store_id, slug, sig, text_file, n, meta, place, said, glosses in rows:
        own, text = files[f"{slug}.yaml"], files.get(text_file or f"{slug}.txt")
        # signature() inlined for the usual case, a text beside its YAML: this runs for every document
        if text is None or sig != f"{own[0]},{own[1]},{text[0]},{text[1]}":
            if sig != signature(folder, files, slug, text_file or f"{slug}.txt"):
                return None
        entries.append(Entry(store_id, slug, sig, text_file, n, DocumentMeta(*meta),
                             Place(*place) if place else None, said, [tuple(g) for g in glosses]))
    return Roster(entries, data["terms"])


def signature(folder: Path, files: dict[str, tuple[int, int]], slug: str, text_name: str) -> str:
    """Size and modification time of a document's YAML and of its text ("…,0,0" when the text is missing)."""
    text = files.get(text_name)
    if text is None and os.sep in text_name:  # a text in a folder of its own
        try:
            st = (folder / text_name).stat()
            text = (st.st_size, st.st_mtime_ns)
        except OSError:
            pass
    own, text = files[f"{slug}.yaml"], text or (0, 0)
    return f"{own[0]},{own[1]},{text[0]},{text[1]}"
