"""Writing several files all or nothing: each goes to a temporary file beside its target and is renamed
over it; if a rename fails, the files already replaced are put back. A reader that watches the folder
never sees half a file."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
