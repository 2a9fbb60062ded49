"""Writing several files all or nothing: each goes to a temporary file beside its target and is renamed
over it; if a rename fails, the files already replaced are put back. A reader that watches the folder
never sees half a file.

For a whole folder at once (an ingest's staged documents): `link_or_copy` fills a staging folder with the
same files, `swap_in` puts it in place of the folder in one step, `locked` keeps a second writer out.
"""
from __future__ import annotations

import ctypes
import fcntl
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

TEMPORARY = ".*.tmp"  # the names write_all's temporary files have (a killed write leaves them)
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


class WriteError(Exception):
    """Nothing was changed, or everything was put back; the message says which."""


def _stage(folder: Path, writes: list[tuple[Path, bytes]]) -> list[tuple[Path, Path]]:
    """Every file written to a temporary file beside its target: (temporary, target)."""
    mask = os.umask(0)
    os.umask(mask)
    temps: list[tuple[Path, Path]] = []
    try:
        for path, data in writes:
            fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=folder)
            temps.append((Path(tmp), path))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o666 & ~mask)
    except OSError as exc:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise WriteError(f"无法写入 {folder}：{exc.strerror or exc}；没有改动任何文件") from None
    return temps


def write_all(folder: Path, writes: list[tuple[Path, bytes]]) -> None:
    """Write (path, bytes) pairs, in order, into folder (created when missing)."""
    if not writes:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"无法创建 {folder}：{exc.strerror or exc}") from None
    temps = _stage(folder, writes)
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
        raise WriteError(f"无法写入 {folder}：{exc.strerror or exc}；已恢复原样") from None


def link_or_copy(src: str, dst: str) -> str:
    """A hard link (the same file, its size and time kept: the index still knows it), else a copy with
    its time. Nothing writes into such a file: write_all replaces it."""
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst)
    return dst


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); OSError where it is not there."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        raise OSError(38, "renameat2 not available") from None
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), str(b))


def swap_in(new: Path, target: Path, aside: Path) -> None:
    """Put folder `new` in the place of `target`: in one step where the system can exchange two paths (the
    old folder is then at `new`), so a crash leaves the old folder or the new one. Elsewhere two renames
    through `aside`, and restore() puts the old folder back after a crash between them."""
    if not target.exists():
        os.rename(new, target)
    else:
        try:
            _exchange(new, target)
        except OSError:
            os.rename(target, aside)
            try:
                os.rename(new, target)
            except OSError:
                os.rename(aside, target)
                raise
    fsync_dir(target.parent)


def restore(target: Path, aside: Path) -> None:
    """A crash between swap_in's two renames left no `target`: the old folder goes back."""
    if aside.is_dir() and not target.exists():
        os.rename(aside, target)


def fsync_dir(folder: Path) -> None:
    """Renames and links in a folder made durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def locked(folder: Path, wait: float, busy: Exception):
    """An exclusive lock on a folder (flock on the folder itself: no lock file, and the kernel releases it
    when its holder dies); `busy` is raised when another holds it for longer than `wait` seconds."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise busy from None
                time.sleep(0.1)
            except OSError:  # a filesystem without locks (some network ones): go on unlocked
                break
        yield
    finally:
        os.close(fd)
