"""The index kept on disk next to the corpus, so start-up loads instead of re-parsing and re-tokenizing.

    CORPUS/.index/
      manifest.json           format, lexicon signature, one signature per document (size + mtime of
                              its YAML and text), the document order
      docs/<slug>.json        the parsed document, its obligations and quoted terms
      docs/<slug>.counts.json word, bigram and character counts of its articles (read only to rebuild)
      words/, grams/, chars/  the sparse BM25 matrices over all articles (retrieval/bm25.py)

A document whose files changed is parsed again; one that disappeared is dropped; the matrices are
rebuilt from the cached counts (seconds, no tokenizing). Many new documents are parsed on every core.
JSON, not pickle: a corpus folder may come from someone else, and loading it must not run code.
When the corpus folder is read-only (an installed package), the index lives in the user's cache.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from .bm25 import SparseBM25
from .corpus import (VOCABULARY_FILES, CorpusError, lexicon_dir, lexicon_file, link_documents, load_document,
                     metadata_files, read_lexicon)
from .index import ArticleIndex, article_counts, document_prior
from .models import Article, Document, DocumentMeta, Obligation
from .obligations import extract
from .tokenize import Tokenizer, quoted_terms

FORMAT = 5
PARALLEL_FROM = 40  # documents to parse before it pays to start a second process


@dataclass
class Loaded:
    documents: list[Document]
    obligations: list[Obligation]
    index: ArticleIndex
    tokenizer: Tokenizer
    rebuilt: int  # documents parsed in this load (0: everything came from the index)


def index_dir(corpus_dir: Path) -> Path:
    own = corpus_dir / ".index"
    if _writable(corpus_dir):
        return own
    base = Path(os.environ.get("POLICYBOT_CACHE") or Path.home() / ".cache" / "policybot")
    return base / hashlib.sha1(str(corpus_dir.resolve()).encode()).hexdigest()[:16]


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and (not (path / ".index").exists() or os.access(path / ".index", os.W_OK))


def _signature(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _lexicon_signature(corpus_dir: Path) -> str:
    """What the cached data depends on besides the documents: the lexicon and the code that
    parses, extracts and counts (a new release re-indexes by itself)."""
    h = hashlib.sha1(str(FORMAT).encode())
    from . import bm25, index, models, obligations, parse, periods, text, tokenize

    for module in (bm25, index, models, obligations, parse, periods, text, tokenize):
        h.update(Path(module.__file__).read_bytes())
    lex = lexicon_dir(corpus_dir)
    paths = [lex / name for name in ("dictionary.txt", "synonyms.yaml", "stopwords.txt")]
    paths += [lexicon_file(name, corpus_dir) for name in VOCABULARY_FILES]
    for p in paths:
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


def make_tokenizer(corpus_dir: Path) -> Tokenizer:
    words, synonyms, stopwords = read_lexicon(corpus_dir)
    return Tokenizer(words, synonyms, stopwords)


# ---- one document -------------------------------------------------------------------------------

_worker_tokenizer: Tokenizer | None = None


def _init_worker(corpus_dir: str) -> None:
    global _worker_tokenizer
    _worker_tokenizer = make_tokenizer(Path(corpus_dir))


def _process(meta_path: str, tokenizer: Tokenizer | None = None) -> dict:
    """Parse one document and count its articles' words: the cache entry, as plain data."""
    tokenizer = tokenizer or _worker_tokenizer
    try:
        doc = load_document(Path(meta_path))
    except CorpusError as exc:
        return {"error": str(exc)}
    terms = sorted(quoted_terms("".join(a.body for a in doc.articles)))
    for t in terms:
        tokenizer.add_word(t)
    counts = [article_counts(tokenizer, a) for a in doc.articles]
    return {"document": asdict(doc), "obligations": [asdict(o) for o in extract(doc)], "terms": terms,
            "counts": {"words": [c[0] for c in counts], "grams": [c[1] for c in counts],
                       "chars": [c[2] for c in counts]}}


def _document(data: dict) -> Document:
    return Document(meta=DocumentMeta(**data["meta"]), articles=[Article(**a) for a in data["articles"]],
                    parts=data["parts"], preamble=data["preamble"], layout=data["layout"],
                    warnings=data["warnings"])


# ---- the whole index ----------------------------------------------------------------------------

def load(corpus_dir: Path, progress: bool = False, workers: int | None = None) -> Loaded:
    """The corpus with its index: from .index where it is current, parsing only what changed."""
    corpus_dir = Path(corpus_dir)
    metas = metadata_files(corpus_dir)
    root = index_dir(corpus_dir)
    manifest = _read_json(root / "manifest.json") or {}
    lexicon = _lexicon_signature(corpus_dir)
    if manifest.get("format") != FORMAT or manifest.get("lexicon") != lexicon:
        manifest = {"docs": {}}
    cached: dict = manifest.get("docs", {})
    signatures, stale, kept = _current(metas, root, cached)

    tokenizer = make_tokenizer(corpus_dir)
    fresh = _process_all(stale, corpus_dir, tokenizer, progress, workers)
    errors = [e["error"] for e in fresh.values() if "error" in e]
    if errors:
        raise CorpusError(errors[0] + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))

    writable = _can_write(root)
    for stem, data in fresh.items():
        if writable:
            _write_json(root / "docs" / f"{stem}.counts.json", data.pop("counts"))
            _write_json(root / "docs" / f"{stem}.json", data)

    documents, obligations, terms = [], [], set()
    for meta in metas:
        data = fresh.get(meta.stem) or kept[meta.stem]
        documents.append(_document(data["document"]))
        obligations.extend(Obligation(**o) for o in data["obligations"])
        terms.update(data["terms"])
    link_documents(documents)
    for t in terms:
        tokenizer.add_word(t)

    order = [m.stem for m in metas]
    articles = [a for d in documents for a in d.articles]
    index = _saved_index(root, articles, tokenizer) if not fresh and manifest.get("order") == order else None
    if index is None:
        index = ArticleIndex.build(articles, _all_counts(metas, root, fresh, tokenizer), tokenizer)
        if writable:
            _save_matrices(root, index)
            for stem in set(cached) - set(order):  # documents removed from the corpus
                for suffix in (".json", ".counts.json"):
                    (root / "docs" / f"{stem}{suffix}").unlink(missing_ok=True)
            _write_json(root / "manifest.json", {"format": FORMAT, "lexicon": lexicon, "order": order,
                                                 "docs": {s: {"sig": signatures[s]} for s in order}})
    return Loaded(documents, obligations, index, tokenizer, len(fresh))


def _current(metas: list[Path], root: Path, cached: dict) -> tuple[dict, list[Path], dict]:
    """(signature of every document, the documents to parse again, the cache entries still current)."""
    signatures, stale, kept = {}, [], {}
    for meta in metas:
        text = _text_path(meta)
        sig = _signature(meta) + (_signature(text) if text.exists() else [0, 0])
        signatures[meta.stem] = sig
        entry = cached.get(meta.stem)
        data = _read_json(root / "docs" / f"{meta.stem}.json") if entry and entry.get("sig") == sig else None
        if data is None:  # new, changed, or its cache file is missing or unreadable
            stale.append(meta)
        else:
            kept[meta.stem] = data
    return signatures, stale, kept


def _saved_index(root: Path, articles: list[Article], tokenizer: Tokenizer) -> ArticleIndex | None:
    """The matrices saved with the index, when they are whole and cover these articles."""
    try:
        index = ArticleIndex(articles, SparseBM25.load(root / "words"), SparseBM25.load(root / "grams"),
                             SparseBM25.load(root / "chars"), document_prior(articles), tokenizer)
    except (OSError, ValueError, KeyError):
        return None  # missing or half-replaced matrices: rebuilt by the caller
    return index if index.words.n_docs == len(articles) else None


def _all_counts(metas: list[Path], root: Path, fresh: dict, tokenizer: Tokenizer) -> list:
    """Word, bigram and character counts of every article, in corpus order: fresh, cached, or counted again."""
    counts = []
    for meta in metas:
        c = fresh[meta.stem]["counts"] if meta.stem in fresh and "counts" in fresh[meta.stem] \
            else _read_json(root / "docs" / f"{meta.stem}.counts.json")
        if c is None:  # counts lost: count this document again
            c = _process(str(meta), tokenizer)["counts"]
        if "chars" not in c:  # counts of an older index: count this document again
            c = _process(str(meta), tokenizer)["counts"]
        counts.extend(zip(c["words"], c["grams"], c["chars"]))
    return counts


def _text_path(meta_path: Path) -> Path:
    """The text a YAML names (text_file), found without parsing the whole YAML."""
    for line in meta_path.read_text(encoding="utf-8").splitlines():
        if line.startswith("text_file:"):
            name = line.split(":", 1)[1].split("#", 1)[0].strip().strip("'\"")
            if name:
                return meta_path.parent / name
    return meta_path.with_suffix(".txt")


def _process_all(stale: list[Path], corpus_dir: Path, tokenizer: Tokenizer, progress: bool,
                 workers: int | None) -> dict[str, dict]:
    if not stale:
        return {}
    bar = _progress(len(stale), progress)
    out: dict[str, dict] = {}
    workers = workers or min(os.cpu_count() or 1, 4)
    if len(stale) >= PARALLEL_FROM and workers > 1:
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(str(corpus_dir),)) as pool:
            for meta, data in zip(stale, pool.map(_process, [str(m) for m in stale], chunksize=8)):
                out[meta.stem] = data
                bar.update(1)
    else:
        for meta in stale:
            out[meta.stem] = _process(str(meta), tokenizer)
            bar.update(1)
    bar.close()
    return out


def _progress(total: int, show: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", desc="indexing", disable=not show, leave=False)


def _save_matrices(root: Path, index: ArticleIndex) -> None:
    for name, bm25 in (("words", index.words), ("grams", index.grams), ("chars", index.chars)):
        tmp = Path(tempfile.mkdtemp(dir=root, prefix=f".{name}-"))
        bm25.save(tmp)
        final = root / name
        if final.exists():
            shutil.rmtree(final)
        tmp.rename(final)


def _can_write(root: Path) -> bool:
    try:
        (root / "docs").mkdir(parents=True, exist_ok=True)
        return os.access(root / "docs", os.W_OK)
    except OSError:
        return False


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_json(path: Path, data) -> None:
    """Write whole or not at all: a crash mid-write leaves the previous file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
    os.replace(tmp, path)
