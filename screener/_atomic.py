"""Atomic file writes: the data goes to a temporary file beside the target, which is then
renamed over it, so a reader (or a crash) sees the old file or the new one, never half.

Every writer goes through here, so one rule holds for all of them (``screen --out``,
``themes extract -o``, reports, the cache): only a regular file, or a symlink (the link
itself is replaced, never followed), may be replaced. A FIFO, a device node, a socket or
a folder at the target is refused before anything is written."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from screener._input import special_kind
from screener.errors import UserError
from screener.i18n import _


class WriteError(UserError):
    """A file screener must not replace (a device, a FIFO, ...) or cannot write."""


def check_replaceable(path: Path) -> None:
    """Raise :class:`WriteError` when something other than a regular file or a symlink
    sits at ``path`` (nothing there is fine)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WriteError(_("cannot write {path}: {exc}").format(path=path, exc=os_reason(exc, Path(path)))) from None
    kind = None if Path(path).is_symlink() else special_kind(mode)
    if kind is not None:
        raise not_regular(path, kind)


def not_regular(path: Path, kind: str) -> WriteError:
    """The refusal of every writer for a ``kind`` of file (a FIFO, a device, ...) at ``path``."""
    return WriteError(
        _(
            "{path} is {kind}, not a regular file: screener only replaces regular files; choose "
            "another file name"
        ).format(path=path, kind=kind)
    )


def os_reason(exc: OSError, path: Path) -> str:
    """Why writing ``path`` failed, in words: the folder that is missing or refuses new
    files or lacks permission; else the system's own words ("No space left on device")."""
    folder = path.parent if str(path.parent) else Path(".")
    if exc.errno == errno.ENOENT:
        if folder.is_dir():
            return _("folder {folder} does not accept new files").format(folder=folder)
        return _("folder {folder} does not exist").format(folder=folder)
    if exc.errno == errno.ENOTDIR:
        return _("a part of {folder} is a file, not a folder").format(folder=folder)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _("no permission to write in {folder}").format(folder=folder)
    return exc.strerror or exc.__class__.__name__


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
    it is removed. A target that is not a regular file or a symlink is refused first."""
    path = Path(path)
    check_replaceable(path)
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


def write_output(path: Path, data: bytes | str, *, option: str = "--out") -> None:
    """:func:`write_atomic` for a file the user asked for with ``option``: a refusal or a
    file-system failure is one :class:`WriteError` naming the option and the path."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise WriteError(
            _(
                "cannot write {option} {path}: {exc}; choose a file you can write"
            ).format(option=option, path=path, exc=os_reason(exc, Path(path)))
        ) from None
