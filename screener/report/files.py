"""Writing report files safely: only inside the output folder, never over an existing
file unless forced (every target is checked before any is written), each file written
to a temporary name and moved into place, so nothing is ever half-written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from screener.report.view import ReportError


def check_targets(out_dir: Path, names: list[str], *, force: bool) -> list[Path]:
    """The target paths for ``names`` in ``out_dir``; raise when one would land outside
    the folder, or exists and ``force`` is off."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ReportError(f"--out {out_dir} is a file, not a folder: pass a folder for the reports")
    targets = []
    for name in names:
        if Path(name).name != name or name in ("", ".", ".."):
            raise ReportError(f"report file name {name!r} is not a plain file name")
        targets.append(out_dir / name)
    if not force:
        existing = [p for p in targets if p.exists() or p.is_symlink()]
        if existing:
            shown = ", ".join(p.name for p in existing[:3]) + (" ..." if len(existing) > 3 else "")
            raise ReportError(
                f"{len(existing)} report file(s) already exist in {out_dir} ({shown}): "
                "pass --force to overwrite them or choose another --out"
            )
    return targets


def write_all(out_dir: Path, files: Mapping[str, bytes], *, force: bool) -> list[Path]:
    """Write every file of ``files`` (name -> content) into ``out_dir`` atomically."""
    targets = check_targets(out_dir, list(files), force=force)
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, data in zip(targets, files.values()):
        atomic_write(path, data)
    return targets


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place
    (a symlink at ``path`` is replaced, never followed)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
