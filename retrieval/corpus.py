"""The corpus on disk: documents/*.yaml (metadata) beside the raw texts they name, and lexicon/.

Loading parses every document; a bad file is reported with its name, never half-loaded.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

import yaml

from .limits import MAX_YAML_BYTES
from .models import Document, DocumentMeta
from .parse import parse_document
from .text import key as text_key


class StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader (PyYAML's C one where it was built: several times faster) refusing aliases: a node
    met a second time is one. A 1 KB file of nested aliases ("billion laughs") is gigabytes once its
    values are used; no file of the corpus needs them."""

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(None, None, "uses an alias (*name): write the value out",
                                                    node.start_mark)
        return super().construct_object(node, deep)


YAML_LOADER = StrictLoader


class CorpusError(Exception):
    """A corpus problem a user can fix: the message says which file and what is wrong."""


def read_yaml_text(path: Path) -> str:
    """A YAML file of the corpus as text, refused (OSError) past MAX_YAML_BYTES before it is read."""
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise OSError(f"too large for a YAML file of the corpus ({size:,} bytes; limit {MAX_YAML_BYTES:,})")
    return path.read_text(encoding="utf-8")


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


# The vocabulary the extractors read (actors, periods, question frames): a corpus's own file, else the bundled one.
VOCABULARY_FILES = ("periods.yaml", "actors.yaml", "intents.yaml")


def lexicon_file(name: str, corpus_dir: Path | None = None) -> Path:
    """A lexicon file: the corpus's own when it brings one, otherwise the bundled one."""
    if corpus_dir is not None:
        own = Path(corpus_dir) / "lexicon" / name
        if own.is_file():
            return own
    return bundled_corpus_dir() / "lexicon" / name


def read_vocabulary(name: str, corpus_dir: Path | None = None) -> dict:
    """One of VOCABULARY_FILES as a mapping (read once per file)."""
    return _read_yaml_file(lexicon_file(name, corpus_dir).resolve())


@lru_cache(maxsize=16)
def _read_yaml_file(path: Path) -> dict:
    try:
        data = yaml.load(read_yaml_text(path), Loader=YAML_LOADER) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CorpusError(f"{path.name}: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise CorpusError(f"{path.name}: must be a YAML mapping")
    return data


_META_FIELDS = {f.name for f in fields(DocumentMeta)}


def read_meta(path: Path) -> DocumentMeta:
    try:
        text = read_yaml_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path.name}: cannot read metadata ({str(exc).splitlines()[0]})") from None
    return meta_from_yaml(text, path.name)


def meta_from_yaml(text: str, name: str) -> DocumentMeta:
    """A document's metadata from its YAML text. A document without a 文号 (a law) is identified by its title."""
    try:
        data = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        raise CorpusError(f"{name}: cannot read metadata ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise CorpusError(f"{name}: metadata must be a YAML mapping")
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        raise CorpusError(f"{name}: 'title' is missing or empty")
    if data.get("doc_number") in (None, ""):
        data["doc_number"] = data["title"]  # no 文号: the title is the identifier citations carry
    if not isinstance(data.get("doc_number"), str) or not data["doc_number"].strip():
        raise CorpusError(f"{name}: 'doc_number' must be the 文号 as text (or null when there is none)")
    clean = {}
    for key, value in data.items():
        if key not in _META_FIELDS:
            continue  # unknown keys are kept in the file for reviewers, ignored here
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()[:10]
        clean[key] = value
    for key in ("repeals", "amends", "amended_by"):
        values = clean.get(key) or []
        clean[key] = [str(r) for r in (values if isinstance(values, list) else [values])]
    for key in ("city", "issuer", "level", "validity", "source", "text_file"):
        clean[key] = "" if clean.get(key) is None else str(clean[key])
    for key in ("parent", "written", "published", "effective", "expires", "repealed_by"):
        if clean.get(key) is not None:
            clean[key] = str(clean[key])
    meta = DocumentMeta(**clean)
    stem = name[:-5] if name.endswith(".yaml") else name.rsplit(".", 1)[0]
    meta.slug = stem
    if not meta.text_file:
        meta.text_file = stem + ".txt"
    if "/" in meta.text_file or "\\" in meta.text_file or meta.text_file.startswith("."):
        raise CorpusError(f"{name}: 'text_file' must name a file beside the YAML file")
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


def corpus_files(corpus_dir: Path) -> dict[str, tuple[int, int]]:
    """{name: (size, modification time)} of every file beside a corpus's documents, in one pass over the
    folder (a start-up checks them all); there must be a YAML file, a document, among them."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus directory not found: {corpus_dir}")
    files = {}
    with os.scandir(documents_dir(corpus_dir)) as entries:
        for e in entries:
            try:
                st = e.stat()
            except OSError:  # gone since listed
                continue
            files[e.name] = (st.st_size, st.st_mtime_ns)
    if not any(name.endswith(".yaml") for name in files):
        raise CorpusError(f"no documents in {corpus_dir} (expected documents/*.yaml beside their texts)")
    return files


def metadata_files(corpus_dir: Path, files: dict | None = None) -> list[Path]:
    """The YAML file of every document in a corpus, in a stable order."""
    folder = documents_dir(Path(corpus_dir))
    return [folder / name for name in sorted(n for n in files or corpus_files(corpus_dir) if n.endswith(".yaml"))]


def link_documents(docs: list[Document]) -> None:
    """Checks and links across documents: one document per 文号; parents named by title → 文号."""
    seen: dict[str, str] = {}
    for d in docs:
        if d.doc_number in seen:
            raise CorpusError(f"{d.meta.slug}.yaml: 文号 {d.doc_number} is also used by {seen[d.doc_number]}.yaml")
        seen[d.doc_number] = d.meta.slug
    resolve_parents(docs)


def load_documents(corpus_dir: Path) -> list[Document]:
    docs = [load_document(p) for p in metadata_files(corpus_dir)]
    link_documents(docs)
    return docs


def title_key(title: str) -> str:
    """A title compared as an identity (text.key): script, width, spacing and punctuation do not matter."""
    return text_key(title)


def find_by_title(title: str, titles: dict[str, str]) -> str | None:
    """The identifier of the document a reference names by title ({title_key: doc_number}); a law may be named
    with or without its 中华人民共和国 prefix."""
    k = title_key(title)
    if k in titles:
        return titles[k]
    short = k.removeprefix("中华人民共和国")
    for cand in (short, "中华人民共和国" + short):
        if cand in titles:
            return titles[cand]
    return None


def resolve_parents(docs: list[Document]) -> None:
    """A parent given by title (根据《…》, not in the corpus when the document came in) → its 文号."""
    numbers = {d.doc_number for d in docs}
    by_title = {title_key(d.title): d.doc_number for d in docs}
    for d in docs:
        p = d.meta.parent
        if p and p not in numbers:
            found = find_by_title(p, by_title)
            if found and found != d.doc_number:
                d.meta.parent = found


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
            data = yaml.load(read_yaml_text(path), Loader=YAML_LOADER) or {}
        except (OSError, yaml.YAMLError) as exc:
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
