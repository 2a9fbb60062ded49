"""The corpus on disk: documents/*.yaml (metadata) beside the raw texts they name, and lexicon/.

Loading parses every document; a bad file is reported with its name, never half-loaded.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import fields
from pathlib import Path

import yaml

from .models import Document, DocumentMeta
from .parse import parse_document


class CorpusError(Exception):
    """A corpus problem a user can fix: the message says which file and what is wrong."""


def bundled_corpus_dir() -> Path:
    """The corpus shipped inside the package (works from an installed wheel and from a checkout)."""
    import corpus

    return Path(corpus.__file__).resolve().parent


def documents_dir(corpus_dir: Path) -> Path:
    return corpus_dir / "documents" if (corpus_dir / "documents").is_dir() else corpus_dir


def lexicon_dir(corpus_dir: Path) -> Path:
    """A corpus may bring its own lexicon; otherwise the bundled one applies."""
    own = corpus_dir / "lexicon"
    return own if own.is_dir() else bundled_corpus_dir() / "lexicon"


_META_FIELDS = {f.name for f in fields(DocumentMeta)}


def read_meta(path: Path) -> DocumentMeta:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CorpusError(f"{path.name}: cannot read metadata ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise CorpusError(f"{path.name}: metadata must be a YAML mapping")
    for key in ("doc_number", "title"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise CorpusError(f"{path.name}: '{key}' is missing or empty")
    clean = {}
    for key, value in data.items():
        if key not in _META_FIELDS:
            continue  # unknown keys are kept in the file for reviewers, ignored here
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()[:10]
        clean[key] = value
    clean["repeals"] = [str(r) for r in (clean.get("repeals") or [])]
    for key in ("city", "issuer", "level", "validity", "source"):
        clean[key] = "" if clean.get(key) is None else str(clean[key])
    meta = DocumentMeta(**clean)
    meta.slug = path.stem
    if not meta.text_file:
        meta.text_file = path.stem + ".txt"
    return meta


def load_document(meta_path: Path) -> Document:
    meta = read_meta(meta_path)
    text_path = meta_path.parent / meta.text_file
    try:
        raw = text_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CorpusError(f"{meta_path.name}: text file '{meta.text_file}' not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{meta.text_file}: cannot read text ({exc})") from None
    try:
        return parse_document(raw, meta)
    except ValueError as exc:
        raise CorpusError(f"{meta.text_file}: {exc}") from None


def load_documents(corpus_dir: Path) -> list[Document]:
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus directory not found: {corpus_dir}")
    metas = sorted(documents_dir(corpus_dir).glob("*.yaml"))
    if not metas:
        raise CorpusError(f"no documents in {corpus_dir} (expected documents/*.yaml beside their texts)")
    docs = [load_document(p) for p in metas]
    seen: dict[str, str] = {}
    for d in docs:
        if d.doc_number in seen:
            raise CorpusError(f"{d.meta.slug}.yaml: 文号 {d.doc_number} is also used by {seen[d.doc_number]}.yaml")
        seen[d.doc_number] = d.meta.slug
    return docs


def read_lexicon(corpus_dir: Path) -> tuple[list[tuple[str, int | None]], dict[str, list[str]], set[str]]:
    """(dictionary words, synonyms, stopwords) from the corpus's lexicon folder."""
    lex = lexicon_dir(Path(corpus_dir))
    words: list[tuple[str, int | None]] = []
    path = lex / "dictionary.txt"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                parts = line.split()
                freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
                words.append((parts[0], freq))
    synonyms: dict[str, list[str]] = {}
    path = lex / "synonyms.yaml"
    if path.exists():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise CorpusError(f"synonyms.yaml: {str(exc).splitlines()[0]}") from None
        if not isinstance(data, dict):
            raise CorpusError("synonyms.yaml: must map a word to a list of words")
        synonyms = {str(k): [str(v) for v in (vs if isinstance(vs, list) else [vs])] for k, vs in data.items()}
    stopwords: set[str] = set()
    path = lex / "stopwords.txt"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                stopwords.update(line.split())
    return words, synonyms, stopwords
