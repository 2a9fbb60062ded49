"""One SQLite file holding what ingest made of every document: its head (metadata, parts, preamble),
its articles with the words they were indexed under, its duties and the links between its articles.

Start-up reads one row (the roster, retrieval/roster.py, kept in the info table); a head, an article's
text, sentences and duties are read when a question cites it, and the last few stay in memory. JSON in the rows,
not pickle: a corpus folder may come from someone else, and reading it must not run code.
"""
from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from dataclasses import asdict
from pathlib import Path

from .models import Article, Document, DocumentMeta, Obligation

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (id INTEGER PRIMARY KEY, slug TEXT UNIQUE NOT NULL, sig TEXT NOT NULL,
    head TEXT NOT NULL, terms TEXT NOT NULL, n_articles INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS articles (doc INTEGER NOT NULL, idx INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (doc, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS words (doc INTEGER NOT NULL, idx INTEGER NOT NULL, words TEXT NOT NULL,
    PRIMARY KEY (doc, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS duties (id INTEGER PRIMARY KEY, doc INTEGER NOT NULL, idx INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS duties_by_article ON duties (doc, idx);
CREATE TABLE IF NOT EXISTS links (doc INTEGER NOT NULL, src INTEGER NOT NULL, dst INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS links_by_doc ON links (doc);
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
MAX_DOCUMENTS = 8  # documents whose articles all stay in memory (a law's run to hundreds)
READ_CACHE_KB = 256
MAX_ARTICLES = 128  # articles read one at a time (the candidates of a question) that stay
MAX_HEADS = 64


class Store:
    def __init__(self, path: Path, readonly: bool = False):
        self.path = Path(path)
        uri = f"file:{self.path}?mode=ro" if readonly else f"file:{self.path}"
        self.db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        # a serving process reads a few rows per question: a small page cache (SQLite's default is 2 MB)
        self.db.execute(f"PRAGMA cache_size = -{READ_CACHE_KB}")
        if not readonly:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(SCHEMA)
        self._articles: OrderedDict[int, list[Article]] = OrderedDict()
        self._article: OrderedDict[tuple[int, int], Article] = OrderedDict()
        self._duties: OrderedDict[int, Obligation] = OrderedDict()
        self._heads: OrderedDict[int, dict] = OrderedDict()

    def close(self) -> None:
        self.db.close()

    # ---- reading --------------------------------------------------------------------------------

    def info(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM info WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def heads(self) -> list[tuple[int, str, str, dict, list[str], int]]:
        """(id, slug, signature, head, quoted terms, number of articles) of every document."""
        return [(i, slug, sig, json.loads(head), json.loads(terms), n)
                for i, slug, sig, head, terms, n in self.db.execute(
                    "SELECT id, slug, sig, head, terms, n_articles FROM documents")]

    def head(self, doc_id: int) -> dict:
        """A document's head (metadata, parts, preamble, headings), kept while among the last MAX_HEADS read."""
        head = self._heads.get(doc_id)
        if head is None:
            row = self.db.execute("SELECT head FROM documents WHERE id = ?", (doc_id,)).fetchone()
            head = json.loads(row[0])
            _keep(self._heads, doc_id, head, MAX_HEADS)
        return head

    def articles(self, doc_id: int) -> list[Article]:
        """A document's articles, read once and kept while it is among the last MAX_DOCUMENTS asked for."""
        cached = self._articles.get(doc_id)
        if cached is not None:
            self._articles.move_to_end(doc_id)
            return cached
        rows = self.db.execute("SELECT data FROM articles WHERE doc = ? ORDER BY idx", (doc_id,)).fetchall()
        arts = [Article(**json.loads(r[0])) for r in rows]
        _keep(self._articles, doc_id, arts, MAX_DOCUMENTS)
        return arts

    def article(self, doc_id: int, idx: int) -> Article:
        """One article: from its document when that is in memory, else read alone (and kept a while)."""
        whole = self._articles.get(doc_id)
        if whole is not None:
            return whole[idx]
        a = self._article.get((doc_id, idx))
        if a is not None:
            self._article.move_to_end((doc_id, idx))
            return a
        row = self.db.execute("SELECT data FROM articles WHERE doc = ? AND idx = ?", (doc_id, idx)).fetchone()
        if row is None:
            raise IndexError(f"no article {idx} in document {doc_id}")
        a = Article(**json.loads(row[0]))
        _keep(self._article, (doc_id, idx), a, MAX_ARTICLES)
        return a

    def words(self, doc_id: int, idx: int) -> list[str]:
        """The words an article was indexed under (search mode, with repeats)."""
        row = self.db.execute("SELECT words FROM words WHERE doc = ? AND idx = ?", (doc_id, idx)).fetchone()
        return row[0].split(" ") if row and row[0] else []

    def duty(self, duty_id: int) -> Obligation:
        o = self._duties.get(duty_id)
        if o is None:
            row = self.db.execute("SELECT data FROM duties WHERE id = ?", (duty_id,)).fetchone()
            o = Obligation(**json.loads(row[0]))
            _keep(self._duties, duty_id, o, MAX_ARTICLES)
        return o

    def duty_ids(self, doc_id: int | None = None, idx: int | None = None) -> list[int]:
        if doc_id is None:
            return [r[0] for r in self.db.execute("SELECT id FROM duties ORDER BY id")]
        return [r[0] for r in self.db.execute("SELECT id FROM duties WHERE doc = ? AND idx = ? ORDER BY id",
                                              (doc_id, idx))]

    def all_duties(self):
        """Every duty in id order, read afresh (a walk through all of them does not stay in memory)."""
        for (data,) in self.db.execute("SELECT data FROM duties ORDER BY id").fetchall():
            yield Obligation(**json.loads(data))

    def size(self) -> int:
        """Number of articles stored."""
        return self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def indexed(self):
        """(document id, article index, words, article) of every stored article, in id order."""
        rows = self.db.execute("SELECT a.doc, a.idx, w.words, a.data FROM articles a JOIN words w "
                               "ON a.doc = w.doc AND a.idx = w.idx ORDER BY a.doc, a.idx")
        for doc_id, idx, words, data in rows:
            yield doc_id, idx, words.split(" ") if words else [], Article(**json.loads(data))

    def links(self, doc_id: int) -> list[tuple[int, int]]:
        return self.db.execute("SELECT src, dst FROM links WHERE doc = ?", (doc_id,)).fetchall()

    # ---- writing (one transaction per batch: a crash leaves the previous state) -----------------------

    def begin(self) -> None:
        self.db.execute("BEGIN")

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def set_info(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO info VALUES (?, ?)", (key, value))

    def next_id(self) -> int:
        return (self.db.execute("SELECT max(id) FROM documents").fetchone()[0] or 0) + 1

    def put(self, doc_id: int, slug: str, sig: str, doc: Document, terms: list[str], duties: list[Obligation],
            links: list[tuple[int, int]]) -> None:
        """A document without its words (set_words adds them once cut)."""
        head = {"meta": asdict(doc.meta), "parts": doc.parts, "preamble": doc.preamble, "layout": doc.layout,
                "warnings": doc.warnings, "glosses": doc.glosses,
                "headings": doc.headings() if any(a.heading for a in doc.articles) else []}
        self.db.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                        (doc_id, slug, sig, _dumps(head), _dumps(terms), len(doc.articles)))
        self.db.executemany("INSERT INTO articles VALUES (?, ?, ?)",
                            [(doc_id, a.index, _dumps(asdict(a))) for a in doc.articles])
        self.db.executemany("INSERT INTO duties (doc, idx, data) VALUES (?, ?, ?)",
                            [(doc_id, o.article_index, _dumps(asdict(o))) for o in duties])
        self.db.executemany("INSERT INTO links VALUES (?, ?, ?)", [(doc_id, s, d) for s, d in links])
        self._forget(doc_id)

    def set_words(self, doc_id: int, idx: int, words: list[str]) -> None:
        self.db.execute("INSERT OR REPLACE INTO words VALUES (?, ?, ?)", (doc_id, idx, " ".join(words)))

    def drop(self, doc_id: int) -> None:
        for table in ("documents", "articles", "words", "duties", "links"):
            self.db.execute(f"DELETE FROM {table} WHERE {'id' if table == 'documents' else 'doc'} = ?", (doc_id,))
        self._forget(doc_id)
        self._duties.clear()

    def _forget(self, doc_id: int) -> None:
        self._articles.pop(doc_id, None)
        self._heads.pop(doc_id, None)
        for k in [k for k in self._article if k[0] == doc_id]:
            del self._article[k]


def _keep(cache: OrderedDict, k, value, limit: int) -> None:
    cache[k] = value
    if len(cache) > limit:
        cache.popitem(last=False)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class StoredDocument(Document):
    """A document as start-up knows it (its metadata and glosses: retrieval/roster.py); the rest of its head
    and its articles are read from the store when a question first needs them."""

    def __init__(self, store: Store, doc_id: int, meta: DocumentMeta, n_articles: int,
                 glosses: list[tuple[str, str, int]]):
        self._store = store
        self.store_id = doc_id
        self.meta = meta
        self.glosses = glosses
        self.n_articles = n_articles

    def headings(self) -> list[str]:
        """Kept in the head: which item is headed by what is asked without reading the articles."""
        return self._store.head(self.store_id)["headings"] or [""] * self.n_articles

    @property
    def articles(self) -> list[Article]:
        return self._store.articles(self.store_id)

    @property
    def parts(self) -> list[str]:
        return self._store.head(self.store_id)["parts"]

    @property
    def preamble(self) -> str:
        return self._store.head(self.store_id)["preamble"]

    @property
    def layout(self) -> str:
        return self._store.head(self.store_id)["layout"]

    @property
    def warnings(self) -> list[str]:
        return self._store.head(self.store_id)["warnings"]


class Duties:
    """The duties extracted at ingest, by their store id: read when asked for, all of them only when a
    trainer's list or quiz walks through them."""

    def __init__(self, store: Store):
        self._store = store

    def __getitem__(self, duty_id: int) -> Obligation:
        return self._store.duty(duty_id)

    def __iter__(self):
        return self._store.all_duties()

    def __len__(self) -> int:
        return self._store.db.execute("SELECT count(*) FROM duties").fetchone()[0]
