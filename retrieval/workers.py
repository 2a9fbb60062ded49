"""Child processes that cannot take the machine down or outlive their parent.

`bounded(fn, items, …)` runs fn on each item in forked workers, one item at a time each. A worker's
address space is capped (RLIMIT_AS) and each item has a wall-clock limit: a worker that runs out of
memory, crashes or overruns is killed, only its item fails (`Failed`), and a fresh worker takes the next.
Every worker here and in the index's process pools dies with its parent (`die_with_parent`), so a
killed ingest leaves no process behind.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Callable, Iterable, Iterator

from .limits import MB

PR_SET_PDEATHSIG = 1


@dataclass
class Failed:
    """An item whose worker died or overran: why."""
    reason: str


def die_with_parent(parent: int) -> None:
    """Have the kernel SIGKILL this process when its parent dies (Linux prctl); a parent already gone
    (it died before the call) ends it now. Without it a pool worker waits on its queue forever."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent check below and EOF on the pipe remain
        pass
    if os.getppid() != parent:
        os._exit(1)


def cap_memory(extra: int) -> None:
    """Cap this process's address space at what it maps now plus extra bytes: past it an allocation
    fails (MemoryError) instead of taking the machine's memory."""
    import resource

    try:
        with open("/proc/self/statm") as f:
            now = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        now = 0
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = now + extra if hard == resource.RLIM_INFINITY else min(now + extra, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _serve(conn, fn: Callable, parent: int, memory: int) -> None:
    die_with_parent(parent)
    cap_memory(memory)
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(fn(item))
        except BaseException:  # noqa: BLE001 - the parent reports the item, without a traceback on stderr
            os._exit(1)


def bounded(fn: Callable, items: Iterable, workers: int, seconds: float, memory: int) -> Iterator[tuple[int, object]]:
    """(position, fn(item) or Failed) for every item, as they finish."""
    ctx = multiprocessing.get_context("fork")  # the parent's modules, loaded once
    todo = deque(enumerate(items))
    idle: list = []
    busy: dict = {}  # connection → (process, position, deadline)

    def start():
        here, there = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(there, fn, os.getpid(), memory), daemon=True)
        proc.start()
        there.close()
        return proc, here

    def end(proc, conn):
        conn.close()
        proc.kill()
        proc.join()

    try:
        while todo or busy:
            while todo and len(busy) < workers:
                proc, conn = idle.pop() if idle else start()
                i, item = todo.popleft()
                conn.send(item)
                busy[conn] = (proc, i, time.monotonic() + seconds)
            for conn in wait(list(busy), max(0.0, min(d for _, _, d in busy.values()) - time.monotonic())):
                proc, i, _ = busy.pop(conn)
                try:
                    result = conn.recv()
                except (EOFError, OSError):  # it died: killed by the kernel, or a crash in a parser
                    end(proc, conn)
                    result = Failed(f"读取它的子进程异常退出（退出码 {proc.exitcode}；"
                                    f"内存上限 {memory // MB} MB）：文件损坏或是炸弹文件？")
                else:
                    idle.append((proc, conn))
                yield i, result
            now = time.monotonic()
            for conn, (proc, i, deadline) in list(busy.items()):
                if now >= deadline:
                    del busy[conn]
                    end(proc, conn)
                    yield i, Failed(f"读取超过 {seconds:g} 秒仍未完成：文件异常或过大")
    finally:
        for proc, conn in idle + [(p, c) for c, (p, _, _) in busy.items()]:
            end(proc, conn)
