"""How often jieba's dictionary says a word occurs in everyday Chinese, looked up without loading it.

jieba-rs does not expose its counts, and reading jieba's 349,046-line dict.txt into a dict costs
0.3 s and 40 MB at every start. The counts are copied once into an SQLite table in the user's cache
(half a second, the first time on a machine), and each look-up reads one row.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from functools import lru_cache
from pathlib import Path


def _dict_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("jieba")  # found, not imported: jieba's import costs 80 ms
    return Path(spec.origin).parent / "dict.txt"


def cache_dir() -> Path:
    """The user's cache of PolicyBot (jieba's counts; the index of a read-only corpus)."""
    return Path(os.environ.get("POLICYBOT_CACHE") or Path.home() / ".cache" / "policybot")


class Frequencies:
    def __init__(self, path: Path | None = None):
        self._source = path or _dict_path()
        self._db: sqlite3.Connection | None = None

    def _open(self) -> sqlite3.Connection:
        st = self._source.stat()
        tag = hashlib.sha1(f"{self._source}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:12]
        target = cache_dir() / f"jieba-freq-{tag}.sqlite"
        if not target.exists():
            _build(self._source, target)
        db = sqlite3.connect(f"file:{target}?mode=ro", uri=True, check_same_thread=False)
        return db

    def __call__(self, word: str) -> int:
        return self.get(word)

    @lru_cache(maxsize=8192)
    def get(self, word: str) -> int:
        """jieba's count of the word; 0 when its dictionary does not have it."""
        if self._db is None:
            self._db = self._open()
        row = self._db.execute("SELECT n FROM freq WHERE w = ?", (word,)).fetchone()
        return row[0] if row else 0


def _build(source: Path, target: Path) -> None:
    """The table written beside its final name and renamed over it: two processes may race, neither
    reads half a table."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".freq-", suffix=".tmp")
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        db.execute("CREATE TABLE freq (w TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID")
        counts: dict[str, int] = {}
        with open(source, encoding="utf-8") as f:
            for line in f:
                parts = line.split(" ")
                if len(parts) >= 2:
                    counts[parts[0]] = int(parts[1])  # a later line wins, as in jieba's gen_pfdict
        db.executemany("INSERT INTO freq VALUES (?, ?)", counts.items())
        db.commit()
        db.close()
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
