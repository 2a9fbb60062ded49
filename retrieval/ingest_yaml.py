"""The metadata file `policybot ingest` writes beside each document's text: one YAML value a line, each
commented with where it was found, so a reviewer can check and correct it by hand."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

import yaml

from .metadata import Detected
from .models import DocumentMeta
from .readers import Extracted


class Plan(Protocol):
    """What the YAML is written from: an ingest plan (retrieval/ingest.py), without importing it."""

    source: Path
    extracted: Extracted
    meta: DocumentMeta
    detected: Detected
    kept: list[str]
    has_number: bool

META_KEYS = ("doc_number", "title", "issuer", "city", "level", "parent", "written", "published", "effective",
             "validity", "expires", "repeals", "amends", "repealed_by", "amended_by")
KEPT = "沿用上一版本"  # the "where" of a value a re-ingest could not find and kept from the corpus

_DESCRIBED = {"text": "the text file exactly as received", "markdown": "the markdown file exactly as received",
              "html": "the text of the saved web page (navigation and footers included)",
              "docx": "the text of the Word file, paragraph by paragraph",
              "pdf": "the text layer of the PDF as extracted (hard line breaks, page numbers, headers included)"}


def scalar(value) -> str:
    """One value as a single line of YAML."""
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]" if value else "[]"
    s = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1 << 20).strip()
    if s.endswith("..."):
        s = s[:-3].strip()
    return s


def _notes(plan: Plan) -> dict[str, str]:
    d = plan.detected
    where = {k: f.where for k, f in d.fields.items()}
    for k in plan.kept:
        where[k] = KEPT
    return {
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
        "expires": "有效期至, " + where.get("expires", "not stated"),
        "repeals": where.get("repeals", "none stated"),
        "amends": where.get("amends", "none stated"),
        "repealed_by": where.get("repealed_by", "no document of the corpus repeals it"),
        "amended_by": where.get("amended_by", "no document of the corpus amends it"),
    }


def yaml_text(plan: Plan, slug: str, when: str) -> str:
    m, x = plan.meta, plan.extracted
    source = (f"{plan.source.name}: {x.description}" + (f", {x.pages} pages" if x.pages else "")
              + f"; ingested {when}")
    values = {**{k: getattr(m, k) for k in META_KEYS}, "text_file": slug + ".txt", "source": source}
    if not plan.has_number:
        values["doc_number"] = None
    lines = [f"# {m.title} — metadata for review, written by `policybot ingest`.",
             f"# The text beside this file is {_DESCRIBED[x.kind]};",
             "# the parser removes layout noise when the corpus is loaded. Each comment says where a value was",
             "# found; correct a value here and the bot uses it once it reloads the corpus."]
    notes = _notes(plan)
    for key, value in values.items():
        line = f"{key}: {scalar(value)}"
        note = notes.get(key)
        if note:
            line += "  # " + note.replace("\n", " ")
        lines.append(line)
    return "\n".join(lines) + "\n"


def with_value(text: str, key: str, value, note: str) -> str:
    """A metadata file's text with one key set (its line replaced, a block list under it included, or a
    line added at the end), the other lines and their comments as they were."""
    line = f"{key}: {scalar(value)}  # {note}"
    lines = text.splitlines()
    at = next((i for i, ln in enumerate(lines) if re.match(rf"{re.escape(key)}\s*:", ln)), None)
    if at is None:
        return text.rstrip("\n") + "\n" + line + "\n"
    end = at + 1
    while end < len(lines) and re.match(r"\s+(-|#)|\s*$", lines[end]) and lines[end].strip():
        end += 1
    return "\n".join(lines[:at] + [line] + lines[end:]) + "\n"
