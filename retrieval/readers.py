"""Files as maintainers receive them → text: .txt/.md as they are, a saved web page (.html), a Word
file (.docx) or a PDF. What comes out is what the corpus stores as the document's raw text.

Every problem a user can cause (an empty file, binary junk, a scan without a text layer, a
password, an old .doc, a device or a FIFO, a file past a limit of retrieval/limits.py such as a zip
bomb) is a ReadError whose message says what is wrong and what to do.
"""
from __future__ import annotations

import io
import logging
import os
import re
import stat
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .limits import MAX_BYTES, MAX_CHARS, MAX_PAGES, MAX_RATIO, MAX_TEXT_BYTES, MAX_UNZIPPED, MB, RATIO_FROM

TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
SUPPORTED = sorted({*TEXT_SUFFIXES, *HTML_SUFFIXES, ".docx", ".pdf"})
_CONVERT_FIRST = {
    ".doc": "an old Word .doc file: open it in Word or WPS and save it as .docx (or PDF), then ingest that",
    ".wps": "a WPS file: save it as .docx (or PDF), then ingest that",
    ".rtf": "an RTF file: save it as .docx, then ingest that",
    ".odt": "an OpenDocument file: save it as .docx, then ingest that",
    ".ofd": "an OFD file: export it as PDF, then ingest that",
    ".mht": "a web archive: open it in a browser and save it as .html, then ingest that",
    ".mhtml": "a web archive: open it in a browser and save it as .html, then ingest that",
}


class ReadError(Exception):
    """A file that cannot become text: the message says why and what to do."""


@dataclass
class Extracted:
    text: str
    kind: str  # text | markdown | html | docx | pdf
    hints: dict[str, str] = field(default_factory=dict)  # title, dates … from the file's own metadata
    warnings: list[str] = field(default_factory=list)
    pages: int | None = None

    @property
    def description(self) -> str:
        return {"text": "plain text", "markdown": "markdown text", "html": "saved web page (HTML)",
                "docx": "Word file (.docx)", "pdf": "PDF"}[self.kind]


def supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED


def read(path: Path) -> Extracted:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in _CONVERT_FIRST:
        raise ReadError(_CONVERT_FIRST[suffix])
    if suffix not in SUPPORTED:
        raise ReadError(f"unsupported file type '{suffix or '(none)'}': give .txt, .md, .html, .docx or .pdf")
    data = read_bytes(path, MAX_TEXT_BYTES if suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES else MAX_BYTES)
    if not data.strip():
        raise ReadError("the file is empty")
    if suffix in TEXT_SUFFIXES:
        out = Extracted(decode(data), TEXT_SUFFIXES[suffix])
    elif suffix in HTML_SUFFIXES:
        out = read_html(data)
    elif suffix == ".docx":
        out = read_docx(data)
    else:
        out = read_pdf(data)
    if not out.text.strip():
        raise ReadError("no text in the file")
    if len(out.text) > MAX_CHARS:
        raise ReadError(f"too much text ({len(out.text):,} characters; limit {MAX_CHARS:,}): "
                        "a policy document is far shorter")
    _check_plausible(out.text, out.kind)
    return out


_NOT_REGULAR = {stat.S_IFCHR: "a device", stat.S_IFBLK: "a device", stat.S_IFIFO: "a named pipe (FIFO)",
                stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def read_bytes(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most limit. A device (/dev/zero behind a symlink), a FIFO or a socket is
    refused before it is read, and it is opened without blocking: a FIFO cannot hang the ingest."""
    try:
        _check_regular(os.stat(path))
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(fd)
            _check_regular(st)  # what was opened, should the path have changed since
            if st.st_size > limit:
                raise ReadError(f"file too large ({st.st_size / MB:.0f} MB; limit {limit // MB} MB): "
                                "a policy document is far smaller")
            data = f.read(limit + 1)
    except OSError as exc:
        raise ReadError(f"cannot read the file ({exc.strerror or exc})") from None
    if len(data) > limit:  # it grew while read
        raise ReadError(f"file too large (limit {limit // MB} MB): a policy document is far smaller")
    return data


def _check_regular(st: os.stat_result) -> None:
    kind = _NOT_REGULAR.get(stat.S_IFMT(st.st_mode))
    if kind is not None:
        raise ReadError(f"not a regular file but {kind}: give a document file")


# ---- plain text ----------------------------------------------------------------------------------

_COMMON = set("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学"
              "法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
              "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题"
              "党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战"
              "先回则任取据处府")


def decode(data: bytes) -> str:
    """Bytes of a text file → str: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030 or Big5."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16")
    if b"\x00" in data:
        raise ReadError("binary data, not text (it contains NUL bytes): give the document as text, .docx or PDF")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((sum(ch in _COMMON for ch in text), text))
    if not candidates:
        raise ReadError("not readable text (neither UTF-8, GB18030 nor Big5): binary data?")
    return max(candidates, key=lambda c: c[0])[1]


def _strict(data: bytes, enc: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError:
        raise ReadError(f"the file says it is {enc.upper()} but is not: binary data?") from None


def _check_plausible(text: str, kind: str) -> None:
    """Refuse binary junk that happened to decode: control characters, private-use or unassigned code points."""
    sample = text[:200_000]
    visible = [ch for ch in sample if not ch.isspace()]
    if not visible:
        raise ReadError("no text in the file")
    bad = sum(1 for ch in visible if unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs") or ch == "\ufffd")
    if bad / len(visible) > 0.02:
        what = "the PDF's text cannot be extracted (its fonts carry no Unicode map)" if kind == "pdf" else \
            "binary data, not text"
        raise ReadError(f"{what}: {bad} of {len(visible)} characters are control or unassigned codes")
    cjk = sum(1 for ch in visible if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff")
    if cjk < 2:
        raise ReadError("no Chinese text in the file: PolicyBot reads Chinese policy documents")


# ---- HTML ------------------------------------------------------------------------------------------

_BLOCK_TAGS = ["p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "section",
               "article", "header", "footer", "nav", "aside", "blockquote", "pre", "dd", "dt", "dl", "hr", "center",
               "form", "main", "figure", "figcaption", "address", "tbody", "thead", "caption", "title"]
_SOURCE_BREAK = "\ue000"
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
_TITLE_META = ("ArticleTitle", "og:title", "title", "dc.title", "DC.Title")


def read_html(data: bytes) -> Extracted:
    from bs4 import BeautifulSoup, Comment, NavigableString

    m = _CHARSET.search(data[:4096])
    text = None
    if m:
        enc = m.group(1).decode("ascii", "ignore").lower()
        enc = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}.get(enc, enc)
        try:
            text = data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text = decode(data)
    if not re.search(r"<\s*(html|body|p|div|head|table|br)\b", text[:20000], re.I):
        raise ReadError("not a web page (no HTML tags found): save it as .txt if it is plain text")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(text, "html.parser")
    hints: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        name = meta.get("name") or meta.get("property") or ""
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        if name in _TITLE_META and "title" not in hints:
            hints["title"] = content
        elif name in ("PubDate", "pubdate", "publishdate", "article:published_time") and "published" not in hints:
            hints["published"] = content
        elif name in ("ContentSource", "source") and "issuer" not in hints:
            hints["source_site"] = content
    if soup.title and soup.title.string and "title" not in hints:
        hints["page_title"] = soup.title.string.strip()
    for tag in soup(["script", "style", "noscript", "template", "iframe", "svg", "head", "select", "button", "input"]):
        tag.decompose()
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    # Source line breaks inside a paragraph are formatting, not text (a browser shows at most a space,
    # and none between Chinese characters); block elements are lines.
    for s in soup.find_all(string=True):
        if isinstance(s, NavigableString) and s.parent is not None and s.parent.name != "pre":
            s.replace_with(re.sub(r"[ \t]*[\r\n]+[ \t]*", _SOURCE_BREAK, str(s)).replace("\t", " "))
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for cell in soup.find_all(["td", "th"]):
        cell.insert_after(" ")
    body = soup.get_text()
    body = re.sub(rf"(?<=[A-Za-z,.;:!?]){_SOURCE_BREAK}+(?=[A-Za-z])", " ", body).replace(_SOURCE_BREAK, "")
    lines = [re.sub(r"[ \t\xa0\u3000]+", " ", ln).strip() for ln in body.split("\n")]
    out = "\n".join(ln for ln in lines if ln)
    if not out.strip():
        raise ReadError("the web page has no text (is it filled in by JavaScript? save the page's text instead)")
    return Extracted(out + "\n", "html", hints)


# ---- Word -----------------------------------------------------------------------------------------

def read_docx(data: bytes) -> Extracted:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError:  # pragma: no cover - a dependency
        raise ReadError("python-docx is not installed") from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise ReadError("this is an old Word .doc file renamed .docx: save it as .docx in Word or WPS")
        raise ReadError("not a Word .docx file (it is not a .docx package): corrupt or another format?")
    _check_unpacked(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ReadError(f"cannot open the Word file ({type(exc).__name__}): corrupt or not a .docx?") from None
    numbering = _Numbering(document)
    lines: list[str] = []
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, document)
            label = numbering.label(p)
            text = p.text.strip()
            if text or label:
                lines.append(label + text)
        elif tag == "tbl":
            table = Table(child, document)
            for row in table.rows:
                cells = []
                for cell in row.cells:
                    t = " ".join(x.strip() for x in cell.text.split("\n") if x.strip())
                    if t and (not cells or cells[-1] != t):
                        cells.append(t)
                if cells:
                    lines.append(" ".join(cells))
    hints = {}
    try:
        if document.core_properties.title:
            hints["title"] = document.core_properties.title.strip()
    except Exception:  # noqa: BLE001 - broken core properties only lose a hint
        pass
    out = Extracted("\n".join(lines) + "\n", "docx", hints)
    if numbering.used:
        out.warnings.append(f"{numbering.used} paragraph labels came from Word's automatic numbering "
                            "and were written into the text")
    return out


def _check_unpacked(data: bytes) -> None:
    """Refuse a zip bomb from the zip's directory, before any member is unpacked (zipfile never unpacks a
    member past the size the directory gives it, so the directory's sizes bound what parsing reads)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise ReadError(f"cannot open the Word file ({type(exc).__name__}): corrupt or not a .docx?") from None
    total = sum(m.file_size for m in members)
    if total > MAX_UNZIPPED:
        raise ReadError(f"the Word file unpacks to {total // MB:,} MB (limit {MAX_UNZIPPED // MB} MB): a zip bomb?")
    for m in members:
        if m.file_size > RATIO_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise ReadError(f"its part {m.filename} unpacks {m.file_size // max(m.compress_size, 1):,} times its "
                            f"packed size (limit {MAX_RATIO}): a zip bomb?")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class _Numbering:
    """Word's automatic numbering (第一条 / 一、 / （一） / 1.) rebuilt as text, so labels are not lost."""

    def __init__(self, document):
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}  # (numId, ilvl) → (fmt, text, start)
        self.counters: dict[tuple[str, int], int] = {}
        self.used = 0
        try:
            part = document.part.numbering_part
        except (NotImplementedError, KeyError, AttributeError):
            return
        root = part.element
        abstract = {}
        for a in root.findall(f"{_W}abstractNum"):
            levels = {}
            for lvl in a.findall(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                levels[ilvl] = (fmt.get(f"{_W}val") if fmt is not None else "decimal",
                                text.get(f"{_W}val") if text is not None else "",
                                int(start.get(f"{_W}val")) if start is not None else 1)
            abstract[a.get(f"{_W}abstractNumId")] = levels
        for num in root.findall(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(f"{_W}val"), {}).items():
                self.levels[(num.get(f"{_W}numId"), ilvl)] = spec

    def label(self, paragraph) -> str:
        if not self.levels:
            return ""
        ppr = paragraph._p.pPr
        numpr = ppr.numPr if ppr is not None else None
        if numpr is None and paragraph.style is not None:
            sppr = paragraph.style.element.pPr
            numpr = sppr.numPr if sppr is not None else None
        if numpr is None or numpr.numId is None:
            return ""
        num_id = str(numpr.numId.val)
        ilvl = int(numpr.ilvl.val) if numpr.ilvl is not None else 0
        spec = self.levels.get((num_id, ilvl))
        if spec is None or spec[0] in ("bullet", "none"):
            return ""
        for (n, level) in list(self.counters):
            if n == num_id and level > ilvl:
                del self.counters[(n, level)]
        key = (num_id, ilvl)
        self.counters[key] = self.counters.get(key, spec[2] - 1) + 1
        text = spec[1]
        for level in range(ilvl + 1):
            s = self.levels.get((num_id, level))
            if s is None:
                continue
            value = self.counters.get((num_id, level), s[2])
            text = text.replace(f"%{level + 1}", _format_number(value, s[0]))
        self.used += 1
        label = text.strip()
        return label + " " if label.endswith("条") else label


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "chineseLegalSimplified",
               "taiwaneseCounting", "taiwaneseCountingThousand", "ideographLegalTraditional"):
        return _cn_number(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalEnclosedCircle":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    return str(n)


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + digits[rest] if rest < 10 else
                                     (digits[rest // 10] + "十" + (digits[rest % 10] if rest % 10 else "")))
        return digits[n // 100] + "百" + tail
    return str(n)


# ---- PDF ------------------------------------------------------------------------------------------

def read_pdf(data: bytes) -> Extracted:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:  # pragma: no cover - a dependency
        raise ReadError("pypdf is not installed") from None
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ReadError("not a PDF file (no %PDF header): corrupt or another format?")
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except Exception:  # noqa: BLE001 - any failure means we cannot open it
                    ok = 0
                if not ok:
                    raise ReadError("the PDF is password-protected: ask for an unprotected copy")
            if len(reader.pages) > MAX_PAGES:
                raise ReadError(f"the PDF has {len(reader.pages):,} pages (limit {MAX_PAGES:,}): "
                                "a policy document is far shorter")
            pages = [(page.extract_text() or "") for page in reader.pages]
    except ReadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, AssertionError, ZeroDivisionError) as exc:
        raise ReadError(f"cannot read the PDF ({type(exc).__name__}): corrupt or unreadable") from None
    text = "\n\f\n".join(pages)  # a form feed between pages: running headers are told by where they stand
    if len(re.sub(r"\s", "", text)) < 20:
        raise ReadError(f"the PDF has no text layer ({len(pages)} page(s), a scan?): run OCR on it or get the "
                        "document as text, .docx or a text PDF")
    hints = {}
    try:
        if reader.metadata and reader.metadata.title:
            hints["title"] = str(reader.metadata.title).strip()
    except Exception:  # noqa: BLE001 - broken metadata only loses a hint
        pass
    return Extracted(text + "\n", "pdf", hints, pages=len(pages))
