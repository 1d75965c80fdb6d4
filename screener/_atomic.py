"""Atomic file writes: the data goes to a temporary file beside the target, which is then
renamed over it, so a reader (or a crash) sees the old file or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def umask() -> int:
    """The process's current umask (read without changing it for good)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def _staged(path: Path) -> Iterator[tuple[BinaryIO, str]]:
    """A new temporary file beside ``path``, open for binary writing, with its name.

    On a clean exit it is flushed to disk and given the mode a plain write would give
    (the replaced file's, else the umask's — not mkstemp's private 0600); on an error
    it is removed."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh, tmp
            fh.flush()
            os.fsync(fh.fileno())
        replaced = path.exists() and not path.is_symlink()
        os.chmod(tmp, path.stat().st_mode & 0o777 if replaced else 0o666 & ~umask())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def stage(path: Path, data: bytes) -> str:
    """Write ``data`` to a new temporary file beside ``path`` and return its name; the
    caller renames it into place (e.g. once every file of a set is staged)."""
    with _staged(path) as (fh, tmp):
        fh.write(data)
    return tmp


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary file handle whose content replaces ``path`` in one rename on a clean
    exit; on an error ``path`` is left as it was."""
    with _staged(path) as (fh, tmp):
        yield fh
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) in one rename."""
    with atomic_writer(path) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
