"""Atomic file writes: the data goes to a temporary file beside the target, which is then
renamed over it, so a reader (or a crash) sees the old file or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def umask() -> int:
    """The process's current umask (read without changing it for good)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def stage(path: Path, data: bytes) -> str:
    """Write ``data`` to a new temporary file beside ``path`` and return its name.

    The file gets the mode a plain write would give (the replaced file's, else the
    umask's), not mkstemp's private 0600. The caller renames it into place."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        replaced = path.exists() and not path.is_symlink()
        os.chmod(tmp, path.stat().st_mode & 0o777 if replaced else 0o666 & ~umask())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_atomic(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) in one rename."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = stage(path, raw)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
