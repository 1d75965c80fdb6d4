"""Writing report files safely: only inside the output folder, never over an existing
file unless forced (every target is checked before any is written), every file staged
under a temporary name first and then renamed into place, so nothing is ever
half-written; file-system failures are one-line errors."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from screener._atomic import os_reason, stage
from screener.report.view import ReportError


def check_targets(out_dir: Path, names: list[str], *, force: bool) -> list[Path]:
    """The target paths for ``names`` in ``out_dir``; raise when one would land outside
    the folder, or exists and ``force`` is off."""
    _check_folder(out_dir)
    targets = []
    for name in names:
        if Path(name).name != name or name in ("", ".", ".."):
            raise ReportError(f"report file name {name!r} is not a plain file name")
        targets.append(out_dir / name)
    folders = [p for p in targets if p.is_dir() and not p.is_symlink()]
    if folders:
        raise ReportError(f"{folders[0]} is a folder, not a report file: move it away or choose another --out")
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
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create --out {out_dir}: {exc.strerror or exc.__class__.__name__}; "
                          "pass a folder you can write to") from None
    staged: list[str] = []
    try:
        for path, data in zip(targets, files.values()):
            staged.append(stage(path, data))
        for tmp, path in zip(list(staged), targets):
            os.replace(tmp, path)  # a symlink at ``path`` is replaced, never followed
            staged.remove(tmp)
    except OSError as exc:
        raise ReportError(f"cannot write the reports in {out_dir}: {os_reason(exc, targets[0])}; "
                          "pass a folder you can write to") from None
    finally:
        for tmp in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
    return targets


def _check_folder(out_dir: Path) -> None:
    """Refuse an ``out_dir`` that is a file, or sits below a file."""
    for folder in (out_dir, *out_dir.parents):
        if folder.exists():
            if not folder.is_dir():
                where = "" if folder == out_dir else f": {folder}"
                raise ReportError(f"--out {out_dir}{where} is a file, not a folder: pass a folder for the reports")
            return

