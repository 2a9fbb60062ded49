"""The engine the bot answers from, reloaded when its corpus folder changes.

CorpusWatch holds the current Engine and reloads it on /reload or when check() sees the corpus's
documents change; bot/app.py runs check() on PTB's JobQueue. A reload that fails keeps the old
engine and says why.
"""
from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Callable

from retrieval.corpus import documents_dir
from retrieval.engine import Engine

log = logging.getLogger(__name__)

WATCH_INTERVAL = 10.0  # seconds between checks of the corpus folder for new or changed documents


class CorpusWatch:
    def __init__(self, corpus: Path | None, engine: Engine | None = None,
                 on_load: Callable[[Engine], None] = lambda engine: None):
        """corpus: the configured folder (None: the bundled corpus); on_load(engine) runs after
        every successful (re)load."""
        self.corpus = corpus
        self.engine = engine
        self.on_load = on_load
        self.loaded_at = time.time()
        self.last_error: str | None = None
        self._signature = None  # the corpus as loaded
        self._seen_signature = None  # the corpus at the last check
        self._failed_signature = None  # the corpus a reload failed on
        self._lock = asyncio.Lock()
        if engine is not None:
            self._loaded(engine)

    def _loaded(self, engine: Engine) -> None:
        self.engine = engine
        self.loaded_at = time.time()
        self.on_load(engine)

    async def initialize(self) -> None:
        if self.engine is None:
            self._loaded(await asyncio.to_thread(Engine.load, self.corpus))
        self._signature = self._seen_signature = self.signature()

    def folder(self) -> Path:
        return Path(self.engine.corpus_dir if self.engine else (self.corpus or "."))

    def signature(self) -> tuple:
        """Names, sizes and modification times of the corpus's documents (*.yaml, *.txt)."""
        folder = documents_dir(self.folder())
        entries = []
        try:
            for p in folder.iterdir():
                if p.suffix in (".yaml", ".yml", ".txt"):
                    try:
                        st = p.stat()
                    except OSError:
                        continue
                    entries.append((p.name, st.st_size, st.st_mtime_ns))
        except OSError:
            return ()
        return tuple(sorted(entries))

    async def reload(self) -> tuple[bool, str]:
        """Re-read the corpus. On failure the old engine stays and the message says why."""
        async with self._lock:
            signature = self.signature()
            before = len(self.engine.documents) if self.engine else 0
            try:
                engine = await asyncio.to_thread(Engine.load, self.corpus or self.folder())
            except Exception as exc:  # noqa: BLE001 - any failure keeps the old engine
                self.last_error = f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc)
                self._failed_signature = signature
                log.warning("corpus reload failed: %s", self.last_error)
                return False, f"重新加载失败，继续使用原来的{before}份文件。原因：{self.last_error}"
            self._loaded(engine)
            self._signature = self._seen_signature = signature
            self.last_error = None
            self._failed_signature = None
            log.info("corpus reloaded: %d documents", len(engine.documents))
            return True, f"已重新加载：{len(engine.documents)}份文件（之前{before}份）。"

    async def check(self) -> tuple[bool, str] | None:
        """One watcher tick: reload when the corpus changed and has stayed unchanged for one tick
        (an ingest writes the YAML and the text one after the other). None: nothing to do."""
        sig = self.signature()
        if sig == self._signature or sig == self._failed_signature:
            self._seen_signature = sig
            return None
        if sig != self._seen_signature:
            self._seen_signature = sig  # changed since the last look: wait for it to settle
            return None
        return await self.reload()
