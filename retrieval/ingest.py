"""Maintainers add, list and remove documents without touching code.

    policybot ingest PATH... [--corpus DIR] [--city C] [--parent 文号] [--dry-run] [...]
    policybot docs [--corpus DIR]
    policybot remove 文号|title... [--corpus DIR] [--dry-run]

`ingest` reads each file (.txt .md .html .docx .pdf; folders recursively), parses it, detects its
metadata and prints a report. Nothing is written unless every file passes (or --keep-going), and
then each document lands as DIR/documents/<slug>.txt (the text as received or as extracted) beside
<slug>.yaml (its metadata, each value commented with where it was found). Writes go through a
temporary file and a rename, text before YAML, so a failure leaves the corpus as it was and a
running bot that watches the files never sees half a document. Ingesting a document again (same
文号, or same title when it has none) updates it in place.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .corpus import (CorpusError, bundled_corpus_dir, documents_dir, find_by_title, load_document, meta_from_yaml,
                     title_key)
from .metadata import Detected, detect, normalize_doc_number
from .models import Document, DocumentMeta
from .parse import parse_document
from .readers import _CONVERT_FIRST, Extracted, ReadError, read, supported
from .text import fold, truncate


class IngestError(Exception):
    """A problem with the command as given (paths, options, the corpus folder)."""


# ---- planning ---------------------------------------------------------------------------------------

@dataclass
class Existing:
    meta: DocumentMeta
    yaml_path: Path
    text_path: Path
    has_number: bool


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

    @property
    def key(self) -> str:
        return self.meta.doc_number if self.has_number else "title:" + title_key(self.meta.title)


@dataclass
class Refusal:
    source: Path
    reason: str


_META_KEYS = ("doc_number", "title", "issuer", "city", "level", "parent", "written", "published", "effective",
              "validity", "repeals")


def _existing(docs_dir: Path) -> tuple[list[Existing], list[str]]:
    out, problems = [], []
    if not docs_dir.is_dir():
        return out, problems
    for path in sorted(docs_dir.glob("*.yaml")):
        try:
            text = path.read_text(encoding="utf-8")
            meta = meta_from_yaml(text, path.name)
            raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except (OSError, UnicodeDecodeError, CorpusError, yaml.YAMLError) as exc:
            problems.append(f"{path.name}: {exc}")
            continue
        has_number = raw.get("doc_number") not in (None, "")
        out.append(Existing(meta, path, docs_dir / meta.text_file, has_number))
    return out, problems


def _collect(paths: list[str], skip_dir: Path | None) -> tuple[list[Path], list[Refusal], list[str]]:
    files: list[Path] = []
    refused: list[Refusal] = []
    skipped: list[str] = []
    for p in paths:
        path = Path(p)
        if not path.exists():
            raise IngestError(f"{p}: no such file or folder")
        if path.is_dir():
            found = 0
            for f in sorted(path.rglob("*")):
                if not f.is_file() or any(part.startswith(".") for part in f.relative_to(path).parts):
                    continue
                if skip_dir is not None and f.resolve().parent == skip_dir:
                    skipped.append(f"{f}: already in the corpus folder")
                    continue
                if supported(f):
                    files.append(f)
                    found += 1
                elif f.suffix.lower() in _CONVERT_FIRST:
                    refused.append(Refusal(f, _CONVERT_FIRST[f.suffix.lower()]))
                else:
                    skipped.append(f"{f}: not a document type ingest reads")
            if not found and not refused:
                if any("already in the corpus folder" in x for x in skipped):
                    raise IngestError(f"{p}: these are the corpus's own files; ingest the originals instead")
                raise IngestError(f"{p}: no .txt, .md, .html, .docx or .pdf files in this folder")
        else:
            files.append(path)
    seen, unique = set(), []
    for f in files:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(f)
    return unique, refused, skipped


def _plan_one(path: Path, args) -> Plan:
    extracted = read(path)
    provisional = DocumentMeta(doc_number="?", title="")
    try:
        doc = parse_document(extracted.text, provisional)
    except ValueError as exc:
        raise ReadError(f"{exc}. Ingest reads documents numbered 第X条 (under 第X章/节), 1. under 一、, "
                        "一、 with （一）, or 一、 alone") from None
    detected = detect(extracted.text, doc, extracted.hints, path.stem)
    if args.title:
        detected.fields.pop("title", None)
        detected.set("title", args.title.strip(), "option --title")
        detected.warnings = [w for w in detected.warnings if "no title" not in w]
    if args.doc_number:
        detected.fields.pop("doc_number", None)
        detected.set("doc_number", normalize_doc_number(args.doc_number), "option --doc-number")
    for opt, key in (("city", "city"), ("level", "level"), ("issuer", "issuer")):
        value = getattr(args, opt)
        if value:
            detected.fields.pop(key, None)
            detected.set(key, value.strip(), f"option --{opt}")
    number = detected.get("doc_number")
    title = detected.get("title")
    meta = DocumentMeta(
        doc_number=number or title, title=title, issuer=detected.get("issuer", ""), city=detected.get("city", ""),
        level=detected.get("level", ""), parent=detected.get("parent"), written=detected.get("written"),
        published=detected.get("published"), effective=detected.get("effective"),
        validity=detected.get("validity", ""), repeals=list(detected.get("repeals", [])))
    doc.meta = meta
    for a in doc.articles:
        a.doc_number = meta.doc_number
    warnings = list(extracted.warnings) + list(detected.warnings)
    if not number:
        warnings.append("no 文号 found: the document is identified by its title (give --doc-number if it has one)")
    if not meta.city and meta.issuer:
        warnings.append(f"no city found in the issuer {meta.issuer}: the document applies everywhere "
                        "(give --city if it is a city's)")
    try:
        from .obligations import extract
        obligations = extract(doc)
    except Exception as exc:  # noqa: BLE001 - the extractor is not ours to fail an ingest
        obligations = []
        warnings.append(f"obligations could not be extracted ({type(exc).__name__}: {exc})")
    plan = Plan(path, extracted, doc, meta, detected, obligations, warnings, has_number=bool(number))
    return plan


def _slug(meta: DocumentMeta, has_number: bool) -> str:
    if has_number:
        s = re.sub(r"[〔〕]", "-", meta.doc_number).removesuffix("号")
        s = re.sub(r"令第(\d+)$", r"令-\1", s)
    else:
        s = meta.title
    s = re.sub(r"[^\w\u4e00-\u9fff]+", "-", s).strip("-_")[:60] or "document"
    return s


# ---- YAML ---------------------------------------------------------------------------------------------

def _scalar(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]" if value else "[]"
    s = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1 << 20).strip()
    if s.endswith("..."):
        s = s[:-3].strip()
    return s


def _yaml_text(plan: Plan, slug: str, when: str) -> str:
    m, d = plan.meta, plan.detected
    x = plan.extracted
    described = {"text": "the text file exactly as received", "markdown": "the markdown file exactly as received",
                 "html": "the text of the saved web page (navigation and footers included)",
                 "docx": "the text of the Word file, paragraph by paragraph",
                 "pdf": "the text layer of the PDF as extracted (hard line breaks, page numbers, headers included)"}
    where = {k: f.where for k, f in d.fields.items()}
    for k in plan.kept:
        where[k] = "kept from the previous version"
    notes = {
        "doc_number": where.get("doc_number", "no 文号 in the text: the title identifies it"),
        "title": where.get("title", ""),
        "issuer": where.get("issuer", "not found"),
        "city": where.get("city", "not found: applies everywhere"),
        "level": where.get("level", "not found"),
        "parent": where.get("parent") or (f"“{d.parent_title}”" if d.parent_title else "none stated"),
        "written": "成文日期, " + where.get("written", "not found"),
        "published": "发布日期, " + where.get("published", "not found"),
        "effective": "施行日期, " + where.get("effective", "not stated"),
        "validity": where.get("validity", "not stated"),
        "repeals": where.get("repeals", "none stated"),
    }
    source = (f"{plan.source.name}: {x.description}" + (f", {x.pages} pages" if x.pages else "")
              + f"; ingested {when}")
    values = {**{k: getattr(m, k) for k in _META_KEYS}, "text_file": slug + ".txt", "source": source}
    if not plan.has_number:
        values["doc_number"] = None
    lines = [f"# {m.title} — metadata for review, written by `policybot ingest`.",
             f"# The text beside this file is {described[x.kind]};",
             "# the parser removes layout noise when the corpus is loaded. Each comment says where a value was",
             "# found; correct a value here and the bot uses it once it reloads the corpus."]
    for key, value in values.items():
        line = f"{key}: {_scalar(value)}"
        note = notes.get(key)
        if note:
            line += "  # " + note.replace("\n", " ")
        lines.append(line)
    return "\n".join(lines) + "\n"


# ---- the command ----------------------------------------------------------------------------------------

def cmd_ingest(args) -> int:
    started = time.perf_counter()
    out = sys.stdout
    corpus_dir = Path(args.corpus) if args.corpus else bundled_corpus_dir()
    if corpus_dir.exists() and not corpus_dir.is_dir():
        raise IngestError(f"--corpus {corpus_dir}: this is a file, not a folder")
    if (corpus_dir / "documents").is_dir() or not corpus_dir.is_dir() or not any(corpus_dir.glob("*.yaml")):
        docs_dir = corpus_dir / "documents"
    else:
        docs_dir = corpus_dir  # a flat corpus: YAML files right in the folder
    files, refused, skipped = _collect(args.paths, docs_dir.resolve() if docs_dir.exists() else None)
    if (args.title or args.doc_number) and len(files) != 1:
        raise IngestError("--title and --doc-number name one document: give exactly one file with them")
    if args.doc_number and not normalize_doc_number(args.doc_number):
        raise IngestError(f"--doc-number {args.doc_number}: not a 文号 (like 烟政发〔2022〕8号)")
    existing, problems = _existing(docs_dir)
    for p in problems:
        print(f"warning: corpus file {p}", file=sys.stderr)

    plans: list[Plan] = []
    for path, result in _plan_all(files, args):
        if isinstance(result, ReadError):
            refused.append(Refusal(path, str(result)))
        else:
            plans.append(result)
    _match(plans, existing, refused, docs_dir)
    plans = [p for p in plans if not any(r.source == p.source for r in refused)]
    _resolve_parents(plans, existing, args)
    when = dt.datetime.now().isoformat(timespec="seconds")
    taken = {p.stem for p in docs_dir.glob("*.yaml")} | {p.stem for p in docs_dir.glob("*.txt")} \
        if docs_dir.is_dir() else set()
    for plan in plans:
        _finish(plan, when, taken)

    for plan in plans:
        print(brief_line(plan) if args.brief else report(plan), file=out)
    for r in refused:
        print(f"REFUSED  {r.source}: {r.reason}", file=out)
    if args.brief is False and skipped:
        for s in skipped[:20]:
            print(f"skipped  {s}", file=out)
        if len(skipped) > 20:
            print(f"skipped  … and {len(skipped) - 20} more", file=out)

    articles = sum(sum(1 for a in p.doc.articles if a.kind == "article" and a.number is not None) for p in plans)
    counts = {s: sum(1 for p in plans if p.status == s) for s in ("new", "updated", "unchanged")}
    summary = (f"{len(plans)} document(s), {articles} articles: {counts['new']} new, {counts['updated']} updated, "
               f"{counts['unchanged']} unchanged")
    if refused:
        summary += f"; {len(refused)} refused"
    if args.dry_run:
        print(f"\ndry run: {summary}. Nothing was written to {docs_dir}.", file=out)
        _timing(started, out)
        return 1 if refused else 0
    if refused and not args.keep_going:
        print(f"\nnothing written: {len(refused)} file(s) refused (see above). Fix or leave them out, or give "
              "--keep-going to add the others.", file=out)
        _timing(started, out)
        return 1
    to_write = [p for p in plans if p.status != "unchanged"]
    if to_write:
        _commit(docs_dir, to_write)
    print(f"\n{summary} → {docs_dir}", file=out)
    if to_write:
        print("a running bot picks the change up by itself (it watches the corpus files) or on /reload", file=out)
    _index(corpus_dir, out)
    _timing(started, out)
    return 1 if refused else 0


def _index(corpus_dir: Path, out) -> None:
    """Bring the persisted index up to date, so the CLI and the bot start without re-tokenizing."""
    from .index_store import index_dir, load

    t = time.perf_counter()
    loaded = load(corpus_dir, progress=sys.stderr.isatty())
    print(f"index: {len(loaded.index.articles)} articles, {loaded.rebuilt} document(s) (re)indexed in "
          f"{time.perf_counter() - t:.1f} s → {index_dir(corpus_dir)}", file=out)


PARALLEL_FROM = 40  # files to read before a second process pays for its start


def _plan_safe(path: Path, args) -> Plan | ReadError:
    try:
        return _plan_one(path, args)
    except ReadError as exc:
        return exc


def _plan_all(files: list[Path], args):
    """(path, Plan or ReadError) for every file, in order: on every core when there are many, with a progress bar."""
    from tqdm import tqdm

    bar = tqdm(total=len(files), unit="file", desc="reading", disable=not sys.stderr.isatty(), leave=False)
    workers = min(os.cpu_count() or 1, 4)
    if len(files) >= PARALLEL_FROM and workers > 1:
        from concurrent.futures import ProcessPoolExecutor
        from functools import partial

        options = argparse.Namespace(**{k: v for k, v in vars(args).items() if not callable(v)})
        with ProcessPoolExecutor(workers) as pool:
            for path, result in zip(files, pool.map(partial(_plan_safe, args=options), files, chunksize=8)):
                bar.update(1)
                yield path, result
    else:
        for path in files:
            result = _plan_safe(path, args)
            bar.update(1)
            yield path, result
    bar.close()


def _timing(started: float, out) -> None:
    print(f"ingest took {time.perf_counter() - started:.1f} s", file=out)


def _match(plans: list[Plan], existing: list[Existing], refused: list[Refusal], docs_dir: Path) -> None:
    """Same 文号 (or same title when there is none) as a document in the corpus → update it in place."""
    by_number = {e.meta.doc_number: e for e in existing if e.has_number}
    by_title: dict[str, Existing] = {}
    for e in existing:
        by_title.setdefault(title_key(e.meta.title), e)
    batch: dict[str, Plan] = {}
    for plan in plans:
        if plan.key in batch:
            refused.append(Refusal(plan.source, f"the same document ({_ident(plan)}) as {batch[plan.key].source} "
                                                 "in this batch: ingest one of them"))
            continue
        batch[plan.key] = plan
        e = by_number.get(plan.meta.doc_number) if plan.has_number else None
        if e is None:
            t = by_title.get(title_key(plan.meta.title))
            if t is not None and (not plan.has_number or not t.has_number):
                e = t
        plan.existing = e


def _ident(plan: Plan) -> str:
    return plan.meta.doc_number if plan.has_number else f"《{plan.meta.title}》"


def _resolve_parents(plans: list[Plan], existing: list[Existing], args) -> None:
    titles = {title_key(e.meta.title): e.meta.doc_number for e in existing}
    numbers = {e.meta.doc_number for e in existing}
    for p in plans:
        titles[title_key(p.meta.title)] = p.meta.doc_number
        numbers.add(p.meta.doc_number)
    forced = None
    if args.parent:
        forced = normalize_doc_number(args.parent) or args.parent.strip()
    for plan in plans:
        d = plan.detected
        if forced:
            plan.meta.parent = forced if forced in numbers else (find_by_title(forced, titles) or forced)
            d.fields.pop("parent", None)
            d.set("parent", plan.meta.parent, "option --parent")
            if plan.meta.parent not in numbers:
                plan.warnings.append(f"parent {forced} is not in the corpus (yet): the link works once it is")
            continue
        if plan.meta.parent:
            if plan.meta.parent not in numbers:
                plan.warnings.append(f"parent {plan.meta.parent} is not in the corpus (yet)")
            continue
        if d.parent_title:
            number = find_by_title(d.parent_title, titles)
            where = d.fields["parent_title"].where
            if number and number != plan.meta.doc_number:
                plan.meta.parent = number
                d.set("parent", number, f"{where}, found in the corpus")
            elif not number:
                plan.meta.parent = d.parent_title
                d.set("parent", d.parent_title, f"{where}; not in the corpus (yet): linked once it is")


def _finish(plan: Plan, when: str, taken: set[str]) -> None:
    """Slug, merge with the previous version, YAML text, and the check that it reads back as planned."""
    e = plan.existing
    if e is not None:
        old = e.meta
        for key in _META_KEYS:
            new = getattr(plan.meta, key)
            if new in (None, "", []) and getattr(old, key) not in (None, "", []):
                setattr(plan.meta, key, getattr(old, key))
                plan.kept.append(key)
        if not plan.has_number and e.has_number:
            plan.has_number = True
            plan.meta.doc_number = old.doc_number
            for a in plan.doc.articles:
                a.doc_number = old.doc_number
        slug = e.yaml_path.stem
    else:
        base = slug = _slug(plan.meta, plan.has_number)
        n = 2
        while slug in taken:
            slug = f"{base}-{n}"
            n += 1
        taken.add(slug)
    plan.meta.slug = slug
    plan.meta.text_file = slug + ".txt"
    plan.text_bytes = plan.extracted.text.encode("utf-8")
    plan.yaml_text = _yaml_text(plan, slug, when)
    back = meta_from_yaml(plan.yaml_text, slug + ".yaml")
    for key in _META_KEYS:
        if getattr(back, key) != getattr(plan.meta, key):
            raise CorpusError(f"{plan.source}: metadata '{key}' does not read back as written "
                              f"({getattr(back, key)!r} ≠ {getattr(plan.meta, key)!r}); nothing written")
    plan.meta.source = back.source
    if e is not None:
        try:
            same_text = e.text_path.read_bytes() == plan.text_bytes
        except OSError:
            same_text = False
        same_meta = all(getattr(e.meta, k) == getattr(plan.meta, k) for k in _META_KEYS)
        plan.status = "unchanged" if same_text and same_meta else "updated"


def _commit(docs_dir: Path, plans: list[Plan]) -> None:
    """Every file through a temporary file and a rename; on any failure, everything is put back."""
    try:
        docs_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IngestError(f"cannot create {docs_dir}: {exc.strerror or exc}") from None
    writes: list[tuple[Path, bytes]] = []
    for plan in plans:
        writes.append((docs_dir / plan.meta.text_file, plan.text_bytes))
        writes.append((docs_dir / (plan.meta.slug + ".yaml"), plan.yaml_text.encode("utf-8")))
    mask = os.umask(0)
    os.umask(mask)
    temps: list[tuple[Path, Path]] = []
    try:
        for path, data in writes:
            fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=docs_dir)
            temps.append((Path(tmp), path))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o666 & ~mask)
    except OSError as exc:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise IngestError(f"cannot write to {docs_dir}: {exc.strerror or exc}; nothing was changed") from None
    done: list[tuple[Path, bytes | None]] = []
    try:
        for tmp, path in temps:
            backup = path.read_bytes() if path.exists() else None
            os.replace(tmp, path)
            done.append((path, backup))
    except OSError as exc:
        for path, backup in reversed(done):
            try:
                if backup is None:
                    path.unlink(missing_ok=True)
                else:
                    path.write_bytes(backup)
            except OSError:
                pass
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise IngestError(f"cannot write to {docs_dir}: {exc.strerror or exc}; the corpus was put back") from None


# ---- the report -------------------------------------------------------------------------------------------

_LABELS = [("doc_number", "文号"), ("title", "标题"), ("issuer", "发文机关"), ("city", "城市"), ("level", "层级"),
           ("written", "成文日期"), ("published", "发布日期"), ("effective", "施行日期"), ("validity", "有效性"),
           ("repeals", "废止"), ("parent", "上级文件")]
_MISSING = {"doc_number": "not found (identified by its title; --doc-number)", "issuer": "not found (--issuer)",
            "city": "not found: applies everywhere (--city)", "level": "not found (--level)",
            "written": "not found", "published": "not found", "effective": "not stated", "validity": "not stated",
            "repeals": "none stated", "parent": "none stated (--parent)"}


def report(plan: Plan) -> str:
    m, d, doc = plan.meta, plan.detected, plan.doc
    x = plan.extracted
    size = plan.source.stat().st_size if plan.source.exists() else 0
    target = f"documents/{m.slug}.yaml + {m.text_file}"
    lines = [f"── {m.title}",
             f"   file       {plan.source} ({x.description}{f', {x.pages} pages' if x.pages else ''}, {size:,} bytes)",
             f"   corpus     {target} ({plan.status})"]
    for key, name in _LABELS:
        value = getattr(m, key)
        if key == "doc_number" and not plan.has_number:
            value = None
        if value in (None, "", []):
            shown, where = "—", _MISSING.get(key, "")
        else:
            shown = "、".join(value) if isinstance(value, list) else str(value)
            where = "kept from the previous version" if key in plan.kept else (
                d.fields[key].where if key in d.fields else "")
        lines.append(f"   {_pad(name, 10)} {shown}" + (f"   [{where}]" if where else ""))
    articles = [a for a in doc.articles if a.kind == "article" and a.number is not None]
    other = [a for a in doc.articles if a.kind == "article" and a.number is None]
    closing = [a for a in doc.articles if a.kind == "closing"]
    span = f" ({articles[0].label} … {articles[-1].label})" if articles else ""
    layout = getattr(doc, "layout", "")
    lines.append(f"   structure  {layout}: {len(doc.parts)} parts, {len(articles)} articles{span}"
                 + (f", {len(other)} unnumbered passages" if other else "")
                 + (", closing provisions (施行/废止)" if closing else ""))
    numbering = [w for w in doc.warnings if w.startswith(("duplicate", "numbering gaps", "out of order"))]
    lines.append("   numbering  " + ("; ".join(numbering) if numbering else "no gaps or duplicates"))
    lines.append(f"   obligations {len(plan.obligations)}" + (", e.g." if plan.obligations else ""))
    for o in _examples(plan.obligations):
        art = next((a for a in doc.articles if a.index == o.article_index), None)
        label = art.label if art and art.label else "施行与废止"
        slots = " · ".join(o.slots().values())
        lines.append(f"     {label} {truncate(o.clause, 48)}  [{slots}]")
    other_warnings = [w for w in doc.warnings if w not in numbering] + plan.warnings
    if plan.kept:
        other_warnings.append("kept from the previous version: " + ", ".join(plan.kept))
    lines.append("   warnings   " + ("none" if not other_warnings else other_warnings[0]))
    lines.extend(f"              {w}" for w in other_warnings[1:])
    return "\n".join(lines)


def _pad(text: str, width: int) -> str:
    w = sum(2 if ord(c) > 0x2e80 else 1 for c in text)
    return text + " " * max(0, width - w)


def _examples(obligations: list, n: int = 3) -> list:
    """A few obligations from different articles that show different slots (period and count, deadline…)."""
    tests = [lambda o: o.period and o.count, lambda o: o.deadline, lambda o: o.ratio or o.date,
             lambda o: o.period, lambda o: o.count]
    picked: list = []
    for test in tests:
        for o in obligations:
            if test(o) and all(o.article_index != p.article_index for p in picked):
                picked.append(o)
                break
        if len(picked) >= n:
            break
    return picked


def brief_line(plan: Plan) -> str:
    n = sum(1 for a in plan.doc.articles if a.kind == "article" and a.number is not None)
    warn = len(plan.doc.warnings) + len(plan.warnings)
    return (f"{plan.status:9} {_ident(plan)}  {n} articles, {len(plan.obligations)} obligations"
            f"{f', {warn} warnings' if warn else ''}  ← {plan.source}")


# ---- docs and remove ----------------------------------------------------------------------------------------

def _corpus_docs_dir(args) -> Path:
    corpus_dir = Path(args.corpus) if args.corpus else bundled_corpus_dir()
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus directory not found: {corpus_dir}")
    return documents_dir(corpus_dir)


def cmd_docs(args) -> int:
    docs_dir = _corpus_docs_dir(args)
    paths = sorted(docs_dir.glob("*.yaml"))
    if not paths:
        print(f"no documents in {docs_dir}")
        return 0
    rows, broken = [], []
    for path in paths:
        try:
            doc = load_document(path)
        except CorpusError as exc:
            broken.append(str(exc))
            continue
        if args.city and fold(doc.city) != fold(args.city).removesuffix("市"):
            continue
        n = sum(1 for a in doc.articles if a.kind == "article" and a.number is not None)
        rows.append((doc.doc_number if doc.doc_number != doc.title else "—", doc.city or "—", str(n),
                     doc.meta.validity or "—", doc.title, path.name))
    header = ("文号", "城市", "条款", "有效性", "标题", "文件")
    widths = [max(_w(r[i]) for r in rows + [header]) for i in range(4)]
    print("  ".join(_pad(h, w) for h, w in zip(header[:4], widths)) + "  " + header[4] + "  (" + header[5] + ")")
    for r in rows:
        print("  ".join(_pad(c, w) for c, w in zip(r[:4], widths)) + f"  {r[4]}  ({r[5]})")
    total = sum(int(r[2]) for r in rows)
    print(f"{len(rows)} document(s), {total} articles in {docs_dir}")
    for b in broken:
        print(f"BROKEN  {b}", file=sys.stderr)
    return 1 if broken else 0


def _w(text: str) -> int:
    return sum(2 if ord(c) > 0x2e80 else 1 for c in text)


def _key(text: str) -> str:
    return re.sub(r"[\s《》〔〕\[\]()（）【】]", "", fold(text or ""))


def cmd_remove(args) -> int:
    docs_dir = _corpus_docs_dir(args)
    existing, problems = _existing(docs_dir)
    targets: list[Existing] = []
    for key in args.keys:
        number = normalize_doc_number(key)
        k = _key(key)
        found = [e for e in existing if (number and e.meta.doc_number == number) or _key(e.meta.doc_number) == k
                 or title_key(e.meta.title) == title_key(key) or e.yaml_path.stem == key]
        if not found:
            near = [e for e in existing if k and (k in _key(e.meta.doc_number) or k in _key(e.meta.title))][:5]
            hint = ("; did you mean: " + ", ".join(e.meta.doc_number for e in near)) if near else \
                ": `policybot docs` lists the documents"
            print(f"policybot remove: no document {key} in {docs_dir}{hint}. Nothing removed.", file=sys.stderr)
            return 1
        if len(found) > 1:
            print(f"policybot remove: {key} names {len(found)} documents ("
                  + ", ".join(e.yaml_path.name for e in found) + "): give its 文号 or file name. Nothing removed.",
                  file=sys.stderr)
            return 1
        if found[0] not in targets:
            targets.append(found[0])
    gone = {e.meta.doc_number for e in targets}
    for e in existing:
        if e.meta.parent in gone and e not in targets:
            print(f"note: {e.meta.doc_number} names {e.meta.parent} as its parent; the link is dropped")
    for e in targets:
        what = f"{e.meta.doc_number if e.has_number else '《' + e.meta.title + '》'} ({e.yaml_path.name}, {e.text_path.name})"
        if args.dry_run:
            print(f"would remove {what}")
            continue
        shared = any(o.text_path == e.text_path for o in existing if o is not e and o not in targets)
        try:
            e.yaml_path.unlink()  # the loader sees YAML files: the document is gone from here on
            if not shared:
                e.text_path.unlink(missing_ok=True)
        except OSError as exc:
            raise IngestError(f"cannot remove {e.yaml_path}: {exc.strerror or exc}") from None
        print(f"removed {what}")
    if not args.dry_run:
        print("a running bot picks the change up by itself (it watches the corpus files) or on /reload")
    return 0


# ---- registration -----------------------------------------------------------------------------------------

def _guard(func):
    def run(args) -> int:
        try:
            return func(args)
        except IngestError as exc:
            print(f"policybot {args.command}: {exc}", file=sys.stderr)
            return 2
    return run


def add_commands(sub) -> None:
    ing = sub.add_parser(
        "ingest", help="add or update documents (.txt .md .html .docx .pdf; folders recursively)",
        description="Read each document, detect its metadata, print a report, and add it to the corpus "
                    "(or update it when the same 文号 or title is already there). Nothing is written when a file is "
                    "refused, unless --keep-going.")
    ing.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    ing.add_argument("--corpus", help="corpus folder (default: the bundled corpus); created when missing")
    ing.add_argument("--city", help="the city the documents belong to, when the text does not say (e.g. 烟台)")
    ing.add_argument("--parent", metavar="文号", help="文号 (or title) of the document these are issued under")
    ing.add_argument("--level", help="地级市, 县级市, 县, 市辖区, 省级 … when not detected")
    ing.add_argument("--issuer", help="发文机关, when not detected")
    ing.add_argument("--title", help="the title (one file only)")
    ing.add_argument("--doc-number", metavar="文号", help="the 文号 (one file only)")
    ing.add_argument("--dry-run", action="store_true", help="print the report and write nothing")
    ing.add_argument("--brief", action="store_true", help="one line per document instead of the full report")
    ing.add_argument("--keep-going", action="store_true",
                     help="add the documents that pass even when others are refused (exit status is still 1)")
    ing.set_defaults(func=_guard(cmd_ingest))

    docs = sub.add_parser("docs", help="list the documents in the corpus")
    docs.add_argument("--corpus", help="corpus folder (default: the bundled corpus)")
    docs.add_argument("--city", help="only this city's documents")
    docs.set_defaults(func=_guard(cmd_docs))

    rm = sub.add_parser("remove", help="take documents out of the corpus (by 文号, title or file name)")
    rm.add_argument("keys", nargs="+", metavar="文号", help="文号 (any bracket form), title, or file name")
    rm.add_argument("--corpus", help="corpus folder (default: the bundled corpus)")
    rm.add_argument("--dry-run", action="store_true", help="say what would be removed, remove nothing")
    rm.set_defaults(func=_guard(cmd_remove))


if __name__ == "__main__":  # pragma: no cover
    p = argparse.ArgumentParser(prog="policybot")
    add_commands(p.add_subparsers(dest="command"))
    a = p.parse_args()
    sys.exit(a.func(a))
