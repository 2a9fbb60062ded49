"""Adding documents to a corpus: plan → check → commit.

`plan(options)` reads each file (.txt .md .html .docx .pdf; folders recursively), parses it, detects its
metadata, matches it against the corpus and checks that its metadata file reads back as planned.
Each file is read and parsed in a child process with a memory cap and a time limit (retrieval/workers.py,
limits in retrieval/limits.py): a hostile or broken file is refused with its name, and the batch goes on.
`commit(report)` writes, unless a file was refused (and not `keep_going`) or it is a dry run: each
document lands as DIR/documents/<slug>.txt (the text as received or as extracted) beside <slug>.yaml
(its metadata, each value commented with where it was found). The new documents are staged and indexed
beside the corpus and swapped in at once, so a failure or a kill leaves the corpus as it was or as
ingested and a running bot that watches the files never sees half a document. Ingesting a document again
(same 文号, or same title when it has none) updates it in place. `ingest(options)` does both and returns
the report the command line prints.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .atomic_files import TEMPORARY, WriteError, fsync_dir, link_or_copy, locked, restore, swap_in, write_all
from .catalog import Existing, existing_entries
from .corpus import CorpusError, bundled_corpus_dir, documents_dir, find_by_title, meta_from_yaml, title_key
from .doc_numbers import normalize_doc_number
from .in_force import Register
from .ingest_yaml import KEPT, META_KEYS, with_value, yaml_text
from .limits import FILE_SECONDS, MAX_ARTICLES, MAX_TITLE, MB, WORKER_MEMORY
from .metadata import Detected, detect, place_of_issuer
from .models import Document, DocumentMeta
from .parse import parse_document
from .readers import _CONVERT_FIRST, Extracted, ReadError, read, supported
from .text import truncate
from .workers import Failed, bounded

IN_CORPUS = "已在语料文件夹中"
STAGE = ".ingest-"  # a staging folder in the corpus folder: the new documents and their index until swapped in
LOCK_WAIT = 10  # seconds to wait for another ingest of the corpus to finish


class IngestError(Exception):
    """A problem with the command as given (paths, options, the corpus folder)."""


@dataclass
class IngestOptions:
    paths: list[str]
    corpus: Path | None = None  # None: the bundled corpus
    city: str | None = None
    parent: str | None = None
    level: str | None = None
    issuer: str | None = None
    title: str | None = None  # one file only
    doc_number: str | None = None  # one file only
    dry_run: bool = False
    keep_going: bool = False  # write the documents that pass even when others are refused
    progress: bool = False  # progress bars on stderr


@dataclass
class Plan:
    source: Path
    extracted: Extracted
    doc: Document
    meta: DocumentMeta
    detected: Detected
    obligations: list
    warnings: list[str] = field(default_factory=list)
    status: str = "new"  # new | updated | unchanged
    existing: Existing | None = None
    kept: list[str] = field(default_factory=list)  # fields kept from the previous version
    yaml_text: str = ""
    text_bytes: bytes = b""
    has_number: bool = True
    relations: list["Relation"] = field(default_factory=list)  # what it repeals or amends, what repealed it

    @property
    def key(self) -> str:
        return self.meta.doc_number if self.has_number else "title:" + title_key(self.meta.title)

    @property
    def ident(self) -> str:
        return self.meta.doc_number if self.has_number else f"《{self.meta.title}》"

    @property
    def articles(self) -> int:
        return sum(1 for a in self.doc.articles if a.kind == "article" and a.number is not None)


@dataclass
class Relation:
    """One document of a plan repealing or amending another, or repealed or amended by one in the corpus."""
    verb: str  # repeals | amends | repealed_by | amended_by
    ref: str  # as the text names it: a 文号 or a title
    found: str | None = None  # 《title》（文号） of the document of the corpus or this batch; None: not in the corpus
    recorded: bool = False  # the other document's metadata file was updated to say so


@dataclass
class Refusal:
    source: Path
    reason: str


@dataclass
class IndexStats:
    articles: int
    rebuilt: int  # documents (re)indexed
    seconds: float
    path: Path


@dataclass
class IngestReport:
    corpus_dir: Path
    docs_dir: Path
    dry_run: bool
    plans: list[Plan] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files left aside, each with why
    problems: list[str] = field(default_factory=list)  # corpus files that could not be read
    stopped: bool = False  # nothing written because files were refused
    written: list[Plan] = field(default_factory=list)
    touched: list[tuple[Path, str]] = field(default_factory=list)  # corpus YAML files updated: repealed_by …
    index: IndexStats | None = None
    seconds: float = 0.0

    @property
    def articles(self) -> int:
        return sum(p.articles for p in self.plans)

    def count(self, status: str) -> int:
        return sum(1 for p in self.plans if p.status == status)


# ---- the whole command --------------------------------------------------------------------------------

def ingest(options: IngestOptions) -> IngestReport:
    started = time.perf_counter()
    report = plan(options)
    commit(report, options.keep_going, options.progress)
    report.seconds = time.perf_counter() - started
    return report


def plan(options: IngestOptions) -> IngestReport:
    """Read, parse and match every file; nothing is written (but what a killed ingest left is cleared
    first, unless a dry run). Raises IngestError for a command that cannot run as given, CorpusError
    when a planned metadata file would not read back as planned."""
    corpus_dir = options.corpus or bundled_corpus_dir()
    if corpus_dir.exists() and not corpus_dir.is_dir():
        raise IngestError(f"--corpus {corpus_dir}：这是一个文件，不是文件夹")
    if corpus_dir.is_dir() and not options.dry_run:
        with _exclusive(corpus_dir):  # what a killed ingest left is cleared before the corpus is read
            pass
    if (corpus_dir / "documents").is_dir() or not corpus_dir.is_dir() or not any(corpus_dir.glob("*.yaml")):
        docs_dir = corpus_dir / "documents"
    else:
        docs_dir = corpus_dir  # a flat corpus: YAML files right in the folder
    report = IngestReport(corpus_dir, docs_dir, options.dry_run)
    files = _collect(options.paths, docs_dir.resolve() if docs_dir.exists() else None, report)
    if (options.title or options.doc_number) and len(files) != 1:
        raise IngestError("--title 和 --doc-number 只能用于一份文件：请只给一个文件")
    if options.doc_number and not normalize_doc_number(options.doc_number):
        raise IngestError(f"--doc-number {options.doc_number}：不是文号（形如 某政发〔2024〕1号）")
    existing, report.problems = existing_entries(docs_dir)
    plans: list[Plan] = []
    for path, result in _plan_all(files, options):
        if isinstance(result, ReadError):
            report.refused.append(Refusal(path, str(result)))
        else:
            plans.append(result)
    _match(plans, existing, report.refused)
    refused = {r.source for r in report.refused}
    report.plans = [p for p in plans if p.source not in refused]
    _resolve_parents(report.plans, existing, options.parent)
    when = dt.datetime.now().isoformat(timespec="seconds")
    _relate(report, existing, when)
    taken = {p.stem for p in docs_dir.glob("*.yaml")} | {p.stem for p in docs_dir.glob("*.txt")} \
        if docs_dir.is_dir() else set()
    for p in report.plans:
        _check(p, when, taken)
    return report


def commit(report: IngestReport, keep_going: bool = False, progress: bool = False) -> None:
    """Write what changed and bring the index up to date, unless a dry run or stopped by a refusal.

    Nothing reaches the corpus before it is indexed: its documents as they will be (the files it has,
    linked, and the new ones) are staged in a folder of the corpus with their index, then swapped in for
    the documents folder in one step. A failure or a kill at any point leaves the corpus as it was or as
    ingested, never a mix, and the next ingest clears what a killed one left."""
    if report.dry_run:
        return
    if report.refused and not keep_going:
        report.stopped = True
        return
    report.written = [p for p in report.plans if p.status != "unchanged"]
    writes = [(p.meta.text_file, p.text_bytes) for p in report.written]  # texts first
    writes += [(p.meta.slug + ".yaml", p.yaml_text.encode("utf-8")) for p in report.written]
    writes += [(path.name, text.encode("utf-8")) for path, text in report.touched]
    if not writes:
        if report.corpus_dir.is_dir():
            report.index = _index(report.corpus_dir, report.corpus_dir, progress)
        return
    try:
        report.corpus_dir.mkdir(parents=True, exist_ok=True)
        with _exclusive(report.corpus_dir):
            stage = Path(tempfile.mkdtemp(prefix=STAGE, dir=report.corpus_dir))
            try:
                before = _files(report.docs_dir)
                _stage(report, stage, writes)
                report.index = _index(stage, report.corpus_dir, progress)
                if _files(report.docs_dir) != before:
                    raise IngestError(f"{report.docs_dir} 在收录期间被改动：没有写入任何文件，请重新收录")
                _swap(report, stage, writes)
            finally:
                shutil.rmtree(stage, ignore_errors=True)
    except WriteError as exc:
        raise IngestError(str(exc)) from None
    except CorpusError as exc:  # the staged corpus does not load: named by the loader
        raise IngestError(f"{exc}；没有写入任何文件") from None
    except OSError as exc:
        raise IngestError(f"无法写入 {report.corpus_dir}：{exc.strerror or exc}；没有写入任何文件") from None


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and time of each file of a folder (its hidden ones aside): what another writer would change."""
    if not folder.is_dir():
        return {}
    with os.scandir(folder) as entries:
        return {e.name: (st.st_size, st.st_mtime_ns) for e in entries if not e.name.startswith(".")
                for st in [e.stat(follow_symlinks=False)]}


@contextmanager
def _exclusive(corpus_dir: Path):
    """The corpus to this ingest alone (another waits its turn), cleared of what a killed one left."""
    busy = IngestError(f"另一个 policybot ingest 正在写入 {corpus_dir}：请等它结束再运行")
    with locked(corpus_dir, LOCK_WAIT, busy):
        _clear(corpus_dir)
        yield


def _clear(corpus_dir: Path) -> None:
    """What a killed ingest left: its staging folders (the old documents put back should it have died
    between swap_in's two renames) and write_all's temporary files."""
    for stage in corpus_dir.glob(STAGE + "*"):
        restore(corpus_dir / "documents", stage / "old")
        restore(corpus_dir / ".index", stage / "old.index")
        shutil.rmtree(stage, ignore_errors=True)
    for tmp in documents_dir(corpus_dir).glob(TEMPORARY):
        tmp.unlink(missing_ok=True)


def _stage(report: IngestReport, stage: Path, writes: list[tuple[str, bytes]]) -> None:
    """`stage` laid out as a corpus: the documents as they will be and the corpus's index (and lexicon)."""
    from .index_store import copy_index

    docs = stage / "documents"
    if report.docs_dir == report.corpus_dir:  # a flat corpus: its own files, not .index or lexicon/
        docs.mkdir()
        with os.scandir(report.corpus_dir) as entries:
            for e in entries:
                if e.is_file(follow_symlinks=False) and not e.name.startswith("."):
                    link_or_copy(e.path, str(docs / e.name))
    elif report.docs_dir.is_dir():
        shutil.copytree(report.docs_dir, docs, symlinks=True, ignore=shutil.ignore_patterns(TEMPORARY),
                        copy_function=link_or_copy)
    write_all(docs, [(docs / name, data) for name, data in writes])  # a linked file is replaced, not written into
    fsync_dir(docs)
    if (report.corpus_dir / "lexicon").is_dir():
        (stage / "lexicon").symlink_to((report.corpus_dir / "lexicon").resolve())
    copy_index(report.corpus_dir, stage / ".index")


def _swap(report: IngestReport, stage: Path, writes: list[tuple[str, bytes]]) -> None:
    """The moment the corpus changes: the documents folder exchanged for the staged one (a flat corpus has
    the new files renamed in, one by one), then the index."""
    from .index_store import index_dir

    if report.docs_dir == report.corpus_dir:
        write_all(report.docs_dir, [(report.docs_dir / name, data) for name, data in writes])
    else:
        swap_in(stage / "documents", report.docs_dir, stage / "old")
    if index_dir(report.corpus_dir) == report.corpus_dir / ".index":
        try:
            swap_in(stage / ".index", report.corpus_dir / ".index", stage / "old.index")
        except OSError:
            pass  # the documents are in: the next start brings the index up to date


def _index(corpus_dir: Path, shown: Path, progress: bool) -> IndexStats:
    """Bring the persisted index of corpus_dir (the corpus, or one staged) up to date, so the CLI and the
    bot start without re-tokenizing."""
    from .index_store import index_dir, load

    t = time.perf_counter()
    loaded = load(corpus_dir, progress=progress)
    loaded.store.close()
    return IndexStats(loaded.index.size, loaded.rebuilt, time.perf_counter() - t, index_dir(shown))


# ---- plan ---------------------------------------------------------------------------------------------------

def _folder_files(folder: Path, skip_dir: Path | None, report: IngestReport) -> list[Path]:
    """The files of a folder, its own only: a symlink leading out of it is refused. What is not a regular
    file (a FIFO, a device) goes on to be refused by the reader, which never blocks on it."""
    root, files = folder.resolve(), []
    for f in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in f.relative_to(folder).parts):
            continue
        if f.is_symlink() and not f.resolve().is_relative_to(root):
            report.refused.append(Refusal(f, f"符号链接指向所给文件夹之外（{f.resolve()}）：不收录；"
                                             "如确需收录，请直接给出该文件"))
            continue
        if f.is_dir():
            continue
        if skip_dir is not None and f.resolve().parent == skip_dir:
            report.skipped.append(f"{f}：{IN_CORPUS}")
        elif supported(f):
            files.append(f)
        elif f.suffix.lower() in _CONVERT_FIRST:
            report.refused.append(Refusal(f, _CONVERT_FIRST[f.suffix.lower()]))
        else:
            report.skipped.append(f"{f}：不是 ingest 能读的文件类型")
    return files


def _collect(paths: list[str], skip_dir: Path | None, report: IngestReport) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        if not path.exists():
            raise IngestError(f"{p}：没有这个文件或文件夹")
        if not path.is_dir():
            files.append(path)
            continue
        refused_before = len(report.refused)
        found = _folder_files(path, skip_dir, report)
        if not found and len(report.refused) == refused_before:
            if any(s.endswith(IN_CORPUS) for s in report.skipped):
                raise IngestError(f"{p}：这些是语料自己的文件，请收录原始文件")
            raise IngestError(f"{p}：文件夹里没有 .txt、.md、.html、.docx 或 .pdf 文件")
        files.extend(found)
    seen, unique = set(), []
    for f in files:
        if f.resolve() not in seen:
            seen.add(f.resolve())
            unique.append(f)
    return unique


def _apply_options(detected: Detected, options: IngestOptions) -> None:
    """What the options say wins over what was detected."""
    if options.title:
        detected.fields.pop("title", None)
        detected.set("title", options.title.strip(), "选项 --title")
        detected.warnings = [w for w in detected.warnings if "no title" not in w]
    if options.doc_number:
        detected.fields.pop("doc_number", None)
        detected.set("doc_number", normalize_doc_number(options.doc_number), "选项 --doc-number")
    if options.issuer and not options.city:  # the issuer named is the document's place, not one found before
        place = place_of_issuer(options.issuer.strip())
        if place is not None:
            for key, value in zip(("city", "level"), place):
                detected.fields.pop(key, None)
                detected.set(key, value, "选项 --issuer")
    for key in ("city", "level", "issuer"):
        value = getattr(options, key)
        if value:
            detected.fields.pop(key, None)
            detected.set(key, value.strip(), f"选项 --{key}")


def _plan_one(path: Path, options: IngestOptions) -> Plan:
    extracted = read(path)
    try:
        doc = parse_document(extracted.text, DocumentMeta(doc_number="?", title=""))
    except ValueError as exc:
        raise ReadError(f"{exc}。ingest 能读的编号：第X条（可在第X章/节下）、一、下的 1.、一、带（一）、"
                        "或只有一、") from None
    n = sum(1 for a in doc.articles if a.kind == "article")
    if n > MAX_ARTICLES:  # before the metadata and the obligations are looked for in every one
        raise ReadError(f"条款过多（{n:,} 条，上限 {MAX_ARTICLES:,} 条）：不像一份政策文件")
    detected = detect(extracted.text, doc, extracted.hints, path.stem)
    _apply_options(detected, options)
    number, title = detected.get("doc_number"), detected.get("title")
    if title and len(title) > MAX_TITLE:
        raise ReadError(f"标题过长（{len(title):,} 字，上限 {MAX_TITLE} 字：“{truncate(title, 30)}”）："
                        "请用 --title 给出标题")
    meta = DocumentMeta(
        doc_number=number or title, title=title, issuer=detected.get("issuer", ""), city=detected.get("city", ""),
        level=detected.get("level", ""), parent=detected.get("parent"), written=detected.get("written"),
        published=detected.get("published"), effective=detected.get("effective"),
        validity=detected.get("validity", ""), expires=detected.get("expires"),
        repeals=list(detected.get("repeals", [])), amends=list(detected.get("amends", [])))
    doc.meta = meta
    for a in doc.articles:
        a.doc_number = meta.doc_number
    warnings = list(extracted.warnings) + list(detected.warnings)
    if not number:
        warnings.append("没有找到文号：以标题识别这份文件（如有文号，请用 --doc-number 给出）")
    if not meta.city and meta.issuer:
        warnings.append(f"发文机关“{meta.issuer}”里没有城市：文件适用于各地（如属某市，请用 --city 给出）")
    try:
        from .obligations import extract
        obligations = extract(doc)
    except Exception as exc:  # noqa: BLE001 - the extractor is not ours to fail an ingest
        obligations = []
        warnings.append(f"无法提取义务（{type(exc).__name__}: {exc}）")
    return Plan(path, extracted, doc, meta, detected, obligations, warnings, has_number=bool(number))


def _plan_safe(path: Path, options: IngestOptions) -> Plan | ReadError:
    try:
        return _plan_one(path, options)
    except ReadError as exc:
        return exc
    except MemoryError:
        return ReadError(f"读取它需要超过 {WORKER_MEMORY // MB} MB 内存：文件异常或是炸弹文件？")
    except Exception as exc:  # noqa: BLE001 - a file that breaks a parser is refused, the batch goes on
        return ReadError(f"无法读取（{type(exc).__name__}: {truncate(str(exc), 80)}）：文件损坏或格式不对？")


def _plan_all(files: list[Path], options: IngestOptions):
    """(path, Plan or ReadError) for every file, in order. Untrusted files are read and parsed in child
    processes with a memory cap and a time limit (retrieval/workers.py), on every core when there are many."""
    from tqdm import tqdm

    results: list = [None] * len(files)
    with tqdm(total=len(files), unit="file", desc="reading", disable=not options.progress, leave=False) as bar:
        for i, result in bounded(partial(_plan_safe, options=options), files, min(os.cpu_count() or 1, 4),
                                 FILE_SECONDS, WORKER_MEMORY):
            results[i] = ReadError(result.reason) if isinstance(result, Failed) else result
            bar.update(1)
    return zip(files, results)


def _match(plans: list[Plan], existing: list[Existing], refused: list[Refusal]) -> None:
    """Same 文号 (or same title when there is none) as a document in the corpus → update it in place."""
    by_number = {e.meta.doc_number: e for e in existing if e.has_number}
    by_title: dict[str, Existing] = {}
    for e in existing:
        by_title.setdefault(title_key(e.meta.title), e)
    batch: dict[str, Plan] = {}
    for plan in plans:
        if plan.key in batch:
            refused.append(Refusal(plan.source, f"与本批的 {batch[plan.key].source} 是同一份文件（{plan.ident}）："
                                                 "请只收录其中一个"))
            continue
        batch[plan.key] = plan
        e = by_number.get(plan.meta.doc_number) if plan.has_number else None
        if e is None:
            t = by_title.get(title_key(plan.meta.title))
            if t is not None and (not plan.has_number or not t.has_number):
                e = t
        plan.existing = e


def _resolve_parents(plans: list[Plan], existing: list[Existing], parent: str | None) -> None:
    titles = {title_key(e.meta.title): e.meta.doc_number for e in existing}
    numbers = {e.meta.doc_number for e in existing}
    for p in plans:
        titles[title_key(p.meta.title)] = p.meta.doc_number
        numbers.add(p.meta.doc_number)
    forced = (normalize_doc_number(parent) or parent.strip()) if parent else None
    for plan in plans:
        d = plan.detected
        if forced:
            plan.meta.parent = forced if forced in numbers else (find_by_title(forced, titles) or forced)
            d.fields.pop("parent", None)
            d.set("parent", plan.meta.parent, "选项 --parent")
            if plan.meta.parent not in numbers:
                plan.warnings.append(f"上级文件 {forced} 还不在语料中：收录后即可关联")
        elif plan.meta.parent:
            if plan.meta.parent not in numbers:
                plan.warnings.append(f"上级文件 {plan.meta.parent} 还不在语料中")
        elif d.parent_title:
            number = find_by_title(d.parent_title, titles)
            where = d.fields["parent_title"].where
            if number and number != plan.meta.doc_number:
                plan.meta.parent = number
                d.set("parent", number, f"{where}，已在语料中找到")
            elif not number:
                plan.meta.parent = d.parent_title
                d.set("parent", d.parent_title, f"{where}；还不在语料中，收录后即可关联")


_BACK = {"repeals": "repealed_by", "amends": "amended_by"}
_VERB = {"repeals": "废止", "amends": "修改"}


def _relate(report: IngestReport, existing: list[Existing], when: str) -> None:
    """What each new document repeals or amends, recorded in both documents' metadata whichever arrives
    first: the new one's YAML says `repeals`, the other's (in the corpus or in this batch) `repealed_by`;
    a document arriving after the one that repeals it gets its `repealed_by` from that one."""
    updated = {p.existing.yaml_path for p in report.plans if p.existing is not None}
    staying = [e for e in existing if e.yaml_path not in updated]
    register = Register([e.meta for e in staying] + [p.meta for p in report.plans])
    planned = {p.meta.doc_number: p for p in report.plans}
    in_corpus = {e.meta.doc_number: e for e in staying}
    edits: dict[Path, str] = {}
    for plan in report.plans:
        for verb, back in _BACK.items():
            for ref in getattr(plan.meta, verb):
                target = register.target(ref, plan.meta)
                if target is None:
                    plan.relations.append(Relation(verb, ref))
                    continue
                relation = Relation(verb, ref, register.name(target))
                plan.relations.append(relation)
                where = f"{plan.ident} 的{_VERB[verb]}条款，policybot ingest {when[:10]} 记录"
                if target in planned:
                    _record(planned[target].meta, back, plan.meta.doc_number)
                    planned[target].detected.set(back, getattr(planned[target].meta, back), where)
                    relation.recorded = True
                elif target in in_corpus:
                    e = in_corpus[target]
                    if _record(e.meta, back, plan.meta.doc_number):
                        text = edits.get(e.yaml_path) or e.yaml_path.read_text(encoding="utf-8")
                        edited = with_value(text, back, getattr(e.meta, back), where)
                        if getattr(meta_from_yaml(edited, e.yaml_path.name), back) == getattr(e.meta, back):
                            edits[e.yaml_path] = edited
                            relation.recorded = True
                        else:
                            plan.warnings.append(f"无法在 {e.yaml_path.name} 里写入 {back}: {plan.meta.doc_number}，"
                                                 "请手动加上")
                    else:
                        relation.recorded = True  # it says so already
        # documents already in the corpus that repeal or amend this one (the register's links, both ways)
        repealers, amenders = register.links
        for verb, back, others in (("repeals", "repealed_by", [repealers.get(plan.meta.doc_number)]),
                                   ("amends", "amended_by", amenders.get(plan.meta.doc_number, []))):
            for e in (in_corpus[n] for n in others if n in in_corpus):
                _record(plan.meta, back, e.meta.doc_number)
                plan.detected.set(back, getattr(plan.meta, back), f"{e.ident} 的{_VERB[verb]}条款（已在语料中）")
                plan.relations.append(Relation(back, e.meta.doc_number, register.name(e.meta.doc_number), True))
    report.touched = sorted(edits.items())


def _record(meta: DocumentMeta, key: str, doc_number: str) -> bool:
    """Set repealed_by / add to amended_by; False when the metadata says so already."""
    if key == "repealed_by":
        if meta.repealed_by == doc_number:
            return False
        meta.repealed_by = doc_number
        return True
    if doc_number in meta.amended_by:
        return False
    meta.amended_by = [*meta.amended_by, doc_number]
    return True


# ---- check --------------------------------------------------------------------------------------------------

def _slug(meta: DocumentMeta, has_number: bool) -> str:
    if has_number:
        s = re.sub(r"[〔〕]", "-", meta.doc_number).removesuffix("号")
        s = re.sub(r"令第(\d+)$", r"令-\1", s)
    else:
        s = meta.title
    return re.sub(r"[^\w\u4e00-\u9fff]+", "-", s).strip("-_")[:60] or "document"


def _merge_previous(plan: Plan) -> str:
    """Values the new version lacks are kept from the one in the corpus; its file name (slug) stays."""
    e, old = plan.existing, plan.existing.meta
    for key in META_KEYS:
        if getattr(plan.meta, key) in (None, "", []) and getattr(old, key) not in (None, "", []):
            setattr(plan.meta, key, getattr(old, key))
            plan.kept.append(key)
    if not plan.has_number and e.has_number:
        plan.has_number = True
        plan.meta.doc_number = old.doc_number
        for a in plan.doc.articles:
            a.doc_number = old.doc_number
    return e.yaml_path.stem


def _new_slug(plan: Plan, taken: set[str]) -> str:
    base = slug = _slug(plan.meta, plan.has_number)
    n = 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    taken.add(slug)
    return slug


def _check(plan: Plan, when: str, taken: set[str]) -> None:
    """Slug, merge with the previous version, YAML text, and the check that it reads back as planned."""
    e = plan.existing
    slug = _merge_previous(plan) if e is not None else _new_slug(plan, taken)
    plan.meta.slug = slug
    plan.meta.text_file = slug + ".txt"
    plan.text_bytes = plan.extracted.text.encode("utf-8")
    plan.yaml_text = yaml_text(plan, slug, when)
    back = meta_from_yaml(plan.yaml_text, slug + ".yaml")
    for key in META_KEYS:
        if getattr(back, key) != getattr(plan.meta, key):
            raise CorpusError(f"{plan.source}：元数据“{key}”写入后读回不一致"
                              f"（{getattr(back, key)!r} ≠ {getattr(plan.meta, key)!r}）；没有写入任何文件")
    plan.meta.source = back.source
    if e is not None:
        try:
            same_text = e.text_path.read_bytes() == plan.text_bytes
        except OSError:
            same_text = False
        same_meta = all(getattr(e.meta, k) == getattr(plan.meta, k) for k in META_KEYS)
        plan.status = "unchanged" if same_text and same_meta else "updated"


def kept_where(plan: Plan, key: str) -> str:
    """Where a value of the plan's metadata came from, as the report shows it."""
    if key in plan.kept:
        return KEPT
    return plan.detected.fields[key].where if key in plan.detected.fields else ""
