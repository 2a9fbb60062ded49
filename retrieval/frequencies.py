"""Word tables from large data files, looked up without loading them: jieba's dictionary counts
(how often a word occurs in everyday Chinese) and the thesaurus's synonym groups.

jieba-rs does not expose its counts, and reading jieba's 349,046-line dict.txt into a dict costs
0.3 s and 40 MB at every start; the thesaurus's groups held as Python objects cost 25 MB. Each file
is copied once into an SQLite table in the user's cache (named after the file's path, size and
time, so an updated file is copied again), and each look-up reads one row.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path


def _dict_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("jieba")  # found, not imported: jieba's import costs 80 ms
    return Path(spec.origin).parent / "dict.txt"


def cache_dir() -> Path:
    """The user's cache of PolicyBot (word tables; the index of a read-only corpus)."""
    return Path(os.environ.get("POLICYBOT_CACHE") or Path.home() / ".cache" / "policybot")


class WordTable:
    """word → value, read from an SQLite copy of `source` made by `rows` (word, value) the first time."""

    def __init__(self, name: str, source: Path | None, rows: Callable[[Path], Iterable[tuple[str, object]]]):
        self._name, self._source, self._rows = name, source, rows
        self._db: sqlite3.Connection | None = None

    def _open(self) -> sqlite3.Connection:
        st = self._source.stat()
        tag = hashlib.sha1(f"{self._source}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:12]
        target = cache_dir() / f"{self._name}-{tag}.sqlite"
        for _ in range(2):
            if not target.exists():
                _build(self._rows(self._source), target)
            db = sqlite3.connect(f"file:{target}?mode=ro", uri=True, check_same_thread=False)
            try:
                db.execute("PRAGMA cache_size = -128")  # one row per look-up: SQLite's 2 MB would be spent on nothing
                db.execute("SELECT v FROM t LIMIT 1")
                return db
            except sqlite3.DatabaseError:  # damaged, or another release's layout: copied again
                db.close()
                target.unlink()
        raise RuntimeError(f"cannot make the word table {target}")

    def get(self, word: str):
        """The word's value; None when the table does not have it (or there is no file)."""
        if self._source is None:
            return None
        if self._db is None:
            self._db = self._open()
        row = self._db.execute("SELECT v FROM t WHERE w = ?", (word,)).fetchone()
        return row[0] if row else None


def _build(rows: Iterable[tuple[str, object]], target: Path) -> None:
    """The table written beside its final name and renamed over it: two processes may race, neither
    reads half a table."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".table-", suffix=".tmp")
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        db.execute("CREATE TABLE t (w TEXT PRIMARY KEY, v) WITHOUT ROWID")
        db.executemany("INSERT INTO t VALUES (?, ?)", dict(rows).items())  # a later row wins
        db.commit()
        db.close()
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _jieba_counts(source: Path) -> Iterable[tuple[str, int]]:
    with open(source, encoding="utf-8") as f:
        for line in f:
            parts = line.split(" ")
            if len(parts) >= 2:
                yield parts[0], int(parts[1])  # a later line wins, as in jieba's gen_pfdict


class Frequencies:
    def __init__(self, path: Path | None = None):
        self._table = WordTable("jieba-freq", path or _dict_path(), _jieba_counts)

    def __call__(self, word: str) -> int:
        return self.get(word)

    @lru_cache(maxsize=8192)
    def get(self, word: str) -> int:
        """jieba's count of the word; 0 when its dictionary does not have it."""
        return self._table.get(word) or 0
