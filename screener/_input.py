"""Reading user-given input files safely: regular files only, up to a size cap.

A FIFO would block the read forever and a device such as ``/dev/zero`` never ends, so
the path is opened without blocking and checked (on the open file, not a second lookup)
before a byte is read. The cap (50 MB unless ``$SCREENER_MAX_INPUT_MB`` says otherwise)
stops a huge or sparse file from filling memory; the message names it and the variable.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from screener.errors import UserError
from screener.i18n import N_, _

MAX_INPUT_ENV = "SCREENER_MAX_INPUT_MB"
DEFAULT_MAX_INPUT_MB = 50
_KINDS = (
    (stat.S_ISDIR, N_("a folder")),
    (stat.S_ISFIFO, N_("a FIFO (named pipe)")),
    (stat.S_ISCHR, N_("a character device")),
    (stat.S_ISBLK, N_("a block device")),
    (stat.S_ISSOCK, N_("a socket")),
)


class InputError(UserError):
    """An input path that is not a readable regular file within the size cap."""


def special_kind(mode: int) -> str | None:
    """What a file of this ``st_mode`` is when it is not a regular file ("a FIFO
    (named pipe)", "a folder", ...); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return _(next((name for test, name in _KINDS if test(mode)), N_("a special file")))


def max_input_bytes() -> int:
    """The size cap for input files, from ``$SCREENER_MAX_INPUT_MB`` (default 50 MB)."""
    raw = os.environ.get(MAX_INPUT_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_INPUT_MB * 1_000_000
    try:
        mb = float(raw)
    except ValueError:
        mb = -1.0
    if not (mb > 0 and mb < 1e9):
        raise UserError(_(
            "${MAX_INPUT_ENV}={raw!r} is not a size in MB: write e.g. {MAX_INPUT_ENV}=200"
        ).format(MAX_INPUT_ENV=MAX_INPUT_ENV, raw=raw[:40]))
    return int(mb * 1_000_000)


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:,.1f} MB" if n < 10**9 else f"{n / 10**9:,.1f} GB"


def _too_big(origin: str, size: int | None, limit: int) -> InputError:
    if size is None:
        message = _(
            "{origin} is over the {limit} limit for input files; "
            "if it is right, raise the limit with {env}=<MB>"
        )
    else:
        message = _(
            "{origin} is {size}, over the {limit} limit for input files; "
            "if it is right, raise the limit with {env}=<MB>"
        )
    return InputError(message.format(
        origin=origin, size=_megabytes(size or 0), limit=_megabytes(limit), env=MAX_INPUT_ENV))


def read_input(path: Path | str, limit: int | None = None) -> bytes:
    """The bytes of the regular file at ``path`` (symlinks followed), at most ``limit``
    bytes (default :func:`max_input_bytes`). Raises :class:`InputError` naming the path:
    missing, unreadable, not a regular file, or over the cap."""
    limit = max_input_bytes() if limit is None else limit
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError(_("{path}: no such file").format(path=path)) from None
    except OSError as exc:
        raise InputError(_(
            "{path}: cannot read it: {value}"
        ).format(path=path, value=exc.strerror or exc.__class__.__name__)) from None
    st = os.fstat(fd)
    kind = special_kind(st.st_mode)
    if kind is not None:  # checked before os.fdopen, which refuses a folder with its own error
        os.close(fd)
        raise InputError(_(
            "{path} is {kind}, not a regular file: pass a regular file"
        ).format(path=path, kind=kind))
    with os.fdopen(fd, "rb") as fh:
        if st.st_size > limit:
            raise _too_big(str(path), st.st_size, limit)
        return _read_capped(fh, str(path), limit)


def read_stream(stream: BinaryIO, origin: str, limit: int | None = None) -> bytes:
    """Everything on ``stream`` (e.g. standard input), refusing more than ``limit`` bytes."""
    limit = max_input_bytes() if limit is None else limit
    return _read_capped(stream, origin, limit)


def _read_capped(fh: BinaryIO, origin: str, limit: int) -> bytes:
    try:
        data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(_(
            "{origin}: cannot read it: {value}"
        ).format(origin=origin, value=exc.strerror or exc.__class__.__name__)) from None
    if len(data) > limit:
        raise _too_big(origin, None, limit)
    return data
