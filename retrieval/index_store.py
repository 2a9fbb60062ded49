"""The index kept next to the corpus, so start-up opens it instead of parsing and tokenizing.

    CORPUS/.index/
      store.sqlite    every document's head, articles (with the words they are indexed under), duties
                      and article links; a signature (size + mtime of its YAML and text) per document;
                      the format and lexicon the rest was made with (retrieval/store.py)
      tantivy/        the inverted index over all articles (retrieval/index.py)

Loading compares the signatures with the corpus folder: a document whose files changed is parsed
again and replaced, one that disappeared is removed, a new one is added; the rest is not touched.
Many new documents are parsed and tokenized on every core.

Tokenizing is the same whatever the order and split: every article is cut with the lexicon and all
the quoted terms of the corpus (“四不两直”); when a document brings or takes away such a term, the
stored articles holding its text are cut again.
When the corpus folder is read-only (an installed package), the index lives in the user's cache.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path

import tantivy

from . import roster
from .corpus import (VOCABULARY_FILES, CorpusError, corpus_files, lexicon_dir, lexicon_file,
                     link_documents, load_document, metadata_files, read_lexicon)
from .examples import digest
from .frequencies import cache_dir
from .index import ArticleIndex, article_bigrams, article_tokens, bigrams, entry, key, schema
from .limits import MAX_YAML_BYTES
from .models import Article, Document, DocumentMeta, Obligation
from .obligations import extract
from .references import links
from .store import READ_CACHE_KB, Store, StoredDocument
from .tokenize import Tokenizer, quoted_terms
from .whole_documents import glosses
from .workers import die_with_parent

FORMAT = 7
COMPACT_UP_TO = 20_000  # articles: a corpus this size gets its inverted index rewritten after a replacement
TOKENIZE_WINDOW = 256  # documents handed to the workers at once
PARALLEL_FROM = 40  # documents to parse before it pays to start a second process
WRITER_HEAP = 64_000_000  # tantivy's indexing buffer (bytes)
WRITE_CACHE_KB = 32_768  # SQLite's page cache while writing


@dataclass
class Loaded:
    documents: list[Document]
    store: Store
    index: ArticleIndex
    tokenizer: Tokenizer
    rebuilt: int  # documents parsed in this load (0: everything came from the index)
    roster: roster.Roster


def index_dir(corpus_dir: Path) -> Path:
    own = corpus_dir / ".index"
    if _writable(corpus_dir):
        return own
    return cache_dir() / hashlib.sha1(str(corpus_dir.resolve()).encode()).hexdigest()[:16]


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and (not (path / ".index").exists() or os.access(path / ".index", os.W_OK))


def _lexicon_signature(corpus_dir: Path) -> str:
    """What the stored data depends on besides the documents: the lexicon and the code that
    parses, extracts and tokenizes (a new release re-indexes by itself)."""
    h = hashlib.sha1(str(FORMAT).encode())
    from . import index, models, obligations, parse, periods, references, segment, text, tokenize

    for module in (index, models, obligations, parse, periods, references, segment, text, tokenize):
        h.update(Path(module.__file__).read_bytes())
    lex = lexicon_dir(corpus_dir)
    paths = [lex / name for name in ("dictionary.txt", "synonyms.yaml", "stopwords.txt")]
    paths += [lexicon_file(name, corpus_dir) for name in VOCABULARY_FILES]
    for p in paths:
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


def make_tokenizer(corpus_dir: Path, terms=()) -> Tokenizer:
    words, synonyms, stopwords = read_lexicon(corpus_dir)
    tokenizer = Tokenizer(words, synonyms, stopwords)
    for t in sorted(terms):
        tokenizer.add_word(t)
    return tokenizer


# ---- one document (run in worker processes for many) ------------------------------------------------

def _parse(meta_path: str) -> dict:
    """Parse one document: what the store keeps of it, as plain data (no words yet)."""
    try:
        doc = load_document(Path(meta_path))
    except CorpusError as exc:
        return {"error": str(exc)}
    doc.glosses = glosses(doc)
    return {"document": asdict(doc), "duties": [asdict(o) for o in extract(doc)], "links": links(doc),
            "terms": sorted(quoted_terms("".join(a.body for a in doc.articles)))}


_worker_tokenizer: Tokenizer | None = None


def _init_worker(parent: int, corpus_dir: str, terms: list[str]) -> None:
    global _worker_tokenizer
    die_with_parent(parent)
    _worker_tokenizer = make_tokenizer(Path(corpus_dir), terms)


def _tokenize(articles: list[Article], tokenizer: Tokenizer | None = None) -> list[tuple[list[str], list[str]]]:
    tokenizer = tokenizer or _worker_tokenizer
    return [article_tokens(tokenizer, a) for a in articles]


def _document(data: dict) -> Document:
    return Document(meta=DocumentMeta(**data["meta"]), articles=[Article(**a) for a in data["articles"]],
                    parts=data["parts"], preamble=data["preamble"], layout=data["layout"],
                    warnings=data["warnings"], glosses=[tuple(g) for g in data["glosses"]])


# ---- the whole index --------------------------------------------------------------------------------

def load(corpus_dir: Path, progress: bool = False, workers: int | None = None) -> Loaded:
    """The corpus with its index: opened where current, brought up to date where documents changed."""
    corpus_dir = Path(corpus_dir)
    files = corpus_files(corpus_dir)
    root = index_dir(corpus_dir)
    if not _can_write(root):
        root = Path(tempfile.mkdtemp(prefix="policybot-index-"))  # nowhere to keep it: this process only
    store = _open(root, _lexicon_signature(corpus_dir))
    rebuilt = 0
    known = roster.read(store.info(roster.INFO), files) if store.info("complete") == "1" else None
    if known is None:
        known, rebuilt = _refresh(corpus_dir, root, store, files, progress, workers)
    tokenizer = make_tokenizer(corpus_dir, known.terms)
    documents = [StoredDocument(store, e.store_id, e.meta, e.n_articles, e.glosses) for e in known.entries]
    index = ArticleIndex(root / "tantivy", [(e.store_id, e.meta.doc_number, e.n_articles) for e in known.entries],
                         store.article, store.words, tokenizer)
    return Loaded(documents, store, index, tokenizer, rebuilt, known)


def _refresh(corpus_dir: Path, root: Path, store: Store, files: dict, progress: bool,
             workers: int | None) -> tuple[roster.Roster, int]:
    """The documents whose files changed parsed and stored again, the links across documents checked, and
    the roster made and kept for the next start: (roster, documents parsed)."""
    metas = metadata_files(corpus_dir, files)
    stored = _stored(store)
    signatures = {m.stem: _sig_text(files, m, stored.get(m.stem)) for m in metas}
    stale = [m for m in metas if m.stem not in stored or stored[m.stem][1] != signatures[m.stem]]
    gone = [slug for slug in stored if slug not in signatures]
    rebuilt = 0
    if stale or gone or store.info("complete") != "1":
        rebuilt = _update(corpus_dir, root, store, stored, stale, gone, signatures, progress, workers)
        stored = _stored(store)
    rows = [stored[m.stem] for m in metas]
    documents = [StoredDocument(store, i, DocumentMeta(**head["meta"]), n, [tuple(g) for g in head["glosses"]])
                 for i, _, head, _, n in rows]
    link_documents(documents)
    made = roster.make(documents, [r[1] for r in rows], {t for s in stored.values() for t in s[3]})
    store.begin()
    store.set_info(roster.INFO, made.dump())
    store.commit()
    return made, rebuilt


def _stored(store: Store) -> dict[str, tuple]:
    """{slug: (id, signature, head, quoted terms, number of articles)} of every stored document."""
    return {slug: (i, sig, head, terms, n) for i, slug, sig, head, terms, n in store.heads()}


def _sig_text(files: dict, meta: Path, stored: tuple | None) -> str:
    """The signature of a document's YAML and text. The text's name is in the YAML; while the document's
    files are as stored it is taken from the store rather than read from each YAML."""
    text = stored[2]["meta"]["text_file"] if stored else None
    if text is None or stored[1] != roster.signature(files, meta.stem, text):
        text = _text_name(meta)
    return roster.signature(files, meta.stem, text)


def _open(root: Path, lexicon: str) -> Store:
    """The store, emptied with the inverted index when they were made by another format or lexicon."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / "store.sqlite"
    store = None
    try:
        store = Store(path)
        current = store.info("format") == str(FORMAT) and store.info("lexicon") == lexicon
    except Exception:  # sqlite3.DatabaseError: not a database, or damaged
        current = False
    tree = root / "tantivy"
    if not current or not (tree.is_dir() and tantivy.Index.exists(str(tree))):
        if store is not None:
            store.close()
        for p in root.iterdir():  # older formats' files too
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        store = Store(path)
        (root / "tantivy").mkdir()
        tantivy.Index(schema(), str(root / "tantivy"))
        store.begin()
        store.set_info("format", str(FORMAT))
        store.set_info("lexicon", lexicon)
        store.commit()
    return store


def _update(corpus_dir: Path, root: Path, store: Store, stored: dict, stale: list[Path], gone: list[str],
            signatures: dict, progress: bool, workers: int | None) -> int:
    """Parse what changed, cut it (and what a changed quoted term touches) into words, and write both
    indexes: the inverted index committed first, then the store, so a crash between them leaves
    documents the next load replaces."""
    workers = workers or min(os.cpu_count() or 1, 4)
    parallel = len(stale) >= PARALLEL_FROM and workers > 1
    bar = _progress(2 * len(stale), progress)
    parsed: dict[str, dict] = {}
    if parallel:
        with ProcessPoolExecutor(workers, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            for meta, data in zip(stale, pool.map(_parse, [str(m) for m in stale], chunksize=8)):
                parsed[meta.stem] = data
                bar.update(1)
    else:
        for meta in stale:
            parsed[meta.stem] = _parse(str(meta))
            bar.update(1)
    errors = [d["error"] for d in parsed.values() if "error" in d]
    if errors:
        bar.close()
        raise CorpusError(errors[0] + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))

    replaced = {m.stem for m in stale if m.stem in stored} | set(gone)
    kept_terms = {t for slug, s in stored.items() if slug not in replaced for t in s[3]}
    old_terms = {t for s in stored.values() for t in s[3]}
    terms = kept_terms | {t for d in parsed.values() for t in d["terms"]}

    ix = tantivy.Index.open(str(root / "tantivy"))
    writer = ix.writer(heap_size=WRITER_HEAP, num_threads=1)  # one thread: the same index whatever the run
    store.db.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KB}")  # writing every row wants SQLite's pages at hand
    store.begin()
    try:
        for slug in replaced:
            doc_id = stored[slug][0]
            store.drop(doc_id)
            writer.delete_documents_by_term("doc", doc_id)
        new_ids = {}
        next_id = store.next_id()
        for meta in stale:
            data = parsed[meta.stem]
            doc = _document(data["document"])
            new_ids[meta.stem] = next_id
            writer.delete_documents_by_term("doc", next_id)  # left by an update that crashed before the store's commit
            store.put(next_id, meta.stem, signatures[meta.stem], doc, data["terms"],
                      [Obligation(**o) for o in data["duties"]], [tuple(x) for x in data["links"]])
            next_id += 1
        parsed.clear()  # the articles are in the store now
        tokens = _tokens(corpus_dir, store, [new_ids[m.stem] for m in stale], sorted(terms), parallel, workers, bar)
        for doc_id, idx, words, grams in tokens:
            store.set_words(doc_id, idx, words)
            writer.add_document(entry(doc_id, idx, words, grams))
        changed = sorted(terms ^ old_terms)
        recut = 0
        if changed and len(stored) > len(replaced):
            # a quoted term came or went: the kept articles holding its text are cut again
            tokenizer = make_tokenizer(corpus_dir, terms)
            skip = set(new_ids.values()) | {stored[slug][0] for slug in replaced}
            for doc_id, idx in sorted(_holding(ix, changed)):
                if doc_id in skip:
                    continue
                words, grams = article_tokens(tokenizer, store.articles(doc_id)[idx])
                if words == store.words(doc_id, idx):
                    continue  # the term's characters are there, but not cut as it
                store.set_words(doc_id, idx, words)
                writer.delete_documents_by_term("key", key(doc_id, idx))
                writer.add_document(entry(doc_id, idx, words, grams))
                recut += 1
        writer.commit()
        writer.wait_merging_threads()
        if (replaced or recut) and store.size() <= COMPACT_UP_TO:
            _compact(root, store)
        store.set_info("digest", json.dumps(digest(list(store.all_duties())), ensure_ascii=False))
        store.set_info("complete", "1")
        store.commit()
    except BaseException:
        store.rollback()
        raise
    finally:
        bar.close()
        store.db.execute(f"PRAGMA cache_size = -{READ_CACHE_KB}")
    return len(stale)


def _compact(root: Path, store: Store) -> None:
    """The inverted index written anew from the store. tantivy counts a replaced article in its
    statistics (document frequencies, BM25's averages) until it merges segments, so a corpus built
    document by document would rank a little differently from the same corpus built at once. The new
    index is built beside the old one and swapped in; a crash leaves the old one, and the next update
    compacts again."""
    fresh, old = root / "tantivy.new", root / "tantivy.old"
    for p in (fresh, old):
        shutil.rmtree(p, ignore_errors=True)
    fresh.mkdir()
    ix = tantivy.Index(schema(), str(fresh))
    writer = ix.writer(heap_size=WRITER_HEAP, num_threads=1)
    for doc_id, idx, words, article in store.indexed():
        writer.add_document(entry(doc_id, idx, words, article_bigrams(article)))
    writer.commit()
    writer.wait_merging_threads()
    os.rename(root / "tantivy", old)
    os.rename(fresh, root / "tantivy")
    shutil.rmtree(old)


def _holding(ix: tantivy.Index, terms: list[str]) -> set[tuple[int, int]]:
    """(document, article) of the indexed articles that have all of a term's bigrams, for some term: those
    that may hold its text (found in the index as it was before this update)."""
    ix.reload()
    searcher = ix.searcher()
    found: set[tuple[int, int]] = set()
    for t in terms:
        grams = bigrams(t)
        if not grams:
            continue
        q = tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.term_query(ix.schema, "grams", g))
                                         for g in grams])
        n = searcher.search(q, 1, count=True).count
        if n:
            addresses = [a for _, a in searcher.search(q, n).hits]
            found.update(zip(searcher.fast_field_values("doc", addresses),
                             searcher.fast_field_values("art", addresses)))
    return found


def _tokens(corpus_dir: Path, store: Store, doc_ids: list[int], terms: list[str], parallel: bool, workers: int, bar):
    """(document, article, words, bigrams) of every article of the documents, one document at a time
    (so a large ingest never holds all of its words)."""
    if parallel:
        with ProcessPoolExecutor(workers, initializer=_init_worker,
                                 initargs=(os.getpid(), str(corpus_dir), terms)) as pool:
            # a window of documents at a time: Executor.map takes in all its input at once
            for at in range(0, len(doc_ids), TOKENIZE_WINDOW):
                window = doc_ids[at:at + TOKENIZE_WINDOW]
                batches = pool.map(_tokenize, [store.articles(i) for i in window], chunksize=4)
                for doc_id, batch in zip(window, batches):
                    for idx, (words, grams) in enumerate(batch):
                        yield doc_id, idx, words, grams
                    bar.update(1)
    else:
        tokenizer = make_tokenizer(corpus_dir, terms)
        for doc_id in doc_ids:
            for idx, (words, grams) in enumerate(_tokenize(store.articles(doc_id), tokenizer)):
                yield doc_id, idx, words, grams
            bar.update(1)


def _text_name(meta_path: Path) -> str:
    """The text a YAML names (text_file), found without parsing the whole YAML (nor reading past the size
    a YAML of the corpus may have)."""
    with open(meta_path, encoding="utf-8", errors="replace") as f:
        head = f.read(MAX_YAML_BYTES)
    for line in head.splitlines():
        if line.startswith("text_file:"):
            name = line.split(":", 1)[1].split("#", 1)[0].strip().strip("'\"")
            if name:
                return name
    return f"{meta_path.stem}.txt"


def copy_index(corpus_dir: Path, to: Path) -> None:
    """The corpus's index copied to `to` (a staging corpus's .index), to be brought up to date there: the
    store through SQLite's backup, whole even while a bot reads or writes it; the inverted index's files
    copied (its lock files left). Nothing copied, or a copy that fails, means the index is built anew."""
    src = index_dir(corpus_dir)
    if not ((src / "store.sqlite").is_file() and (src / "tantivy").is_dir()):
        return
    try:
        to.mkdir(parents=True)
        with closing(sqlite3.connect(src / "store.sqlite")) as a, closing(sqlite3.connect(to / "store.sqlite")) as b:
            a.backup(b)
        shutil.copytree(src / "tantivy", to / "tantivy", ignore=shutil.ignore_patterns("*.lock"))
    except (OSError, sqlite3.Error):
        shutil.rmtree(to, ignore_errors=True)


def _progress(total: int, show: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", desc="indexing", disable=not show, leave=False)


def _can_write(root: Path) -> bool:
    try:
        root.mkdir(parents=True, exist_ok=True)
        return os.access(root, os.W_OK)
    except OSError:
        return False
