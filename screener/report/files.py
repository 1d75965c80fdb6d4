"""Writing report files safely: only inside the output folder, never over an existing
file unless forced (every target is checked before any is written), every file staged
under a temporary name first and then renamed into place, so nothing is ever
half-written; file-system failures are one-line errors. Messages name the options as
``spell`` does: the commands' ``--out``/``--force``, or the Python API's keywords."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from screener._atomic import os_reason, stage
from screener.errors import Spell, cli_flag
from screener.i18n import _
from screener.report.view import ReportError


def check_targets(out_dir: Path, names: list[str], *, force: bool, spell: Spell = cli_flag,
                  probe: bool = True) -> list[Path]:
    """The target paths for ``names`` in ``out_dir``; raise when ``out_dir`` is refused
    (:func:`check_folder`; with ``probe`` off, without trying a file in it: the caller
    just did), or a target would land outside the folder, or exists and ``force`` is off."""
    if probe:
        check_folder(out_dir, spell)
    else:
        _nearest_folder(out_dir, spell)
    targets = []
    for name in names:
        if Path(name).name != name or name in ("", ".", ".."):
            raise ReportError(_("report file name {name!r} is not a plain file name").format(name=name))
        targets.append(out_dir / name)
    folders = [p for p in targets if p.is_dir() and not p.is_symlink()]
    if folders:
        raise ReportError(_(
            "{folders} is a folder, not a report file: move it away or choose another {out}"
        ).format(folders=folders[0], out=spell("out")))
    if not force:
        existing = [p for p in targets if p.exists() or p.is_symlink()]
        if existing:
            shown = ", ".join(p.name for p in existing[:3]) + (" ..." if len(existing) > 3 else "")
            raise ReportError(
                _(
                    "{n} report file(s) already exist in {out_dir} ({shown}): pass {force} to overwrite "
                    "them or choose another {out}"
                ).format(n=len(existing), out_dir=out_dir, shown=shown, force=spell("force"), out=spell("out"))
            )
    return targets


def write_all(out_dir: Path, files: Mapping[str, bytes], *, force: bool, spell: Spell = cli_flag) -> list[Path]:
    """Write every file of ``files`` (name -> content) into ``out_dir`` atomically (the
    targets checked again, the folder not tried again: the export did before rendering)."""
    targets = check_targets(out_dir, list(files), force=force, spell=spell, probe=False)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(_(
            "cannot create {out} {out_dir}: {value}; pass a folder you can write to"
        ).format(out=spell("out"), out_dir=out_dir, value=exc.strerror or exc.__class__.__name__)) from None
    staged: list[str] = []
    try:
        for path, data in zip(targets, files.values()):
            staged.append(stage(path, data))
        for tmp, path in zip(list(staged), targets):
            os.replace(tmp, path)  # a symlink at ``path`` is replaced, never followed
            staged.remove(tmp)
    except OSError as exc:
        raise _cannot_write(out_dir, exc, targets[0]) from None
    finally:
        for tmp in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
    return targets


def check_folder(out_dir: Path, spell: Spell = cli_flag) -> None:
    """Refuse an ``out_dir`` that is a file, sits below a file, or whose nearest existing
    folder does not take new files (``/proc``, no permission: tried with an empty
    temporary file, removed at once), so that a command can refuse it before any work."""
    out_dir = Path(out_dir)
    folder = _nearest_folder(out_dir, spell)
    if folder is not None:
        _try_a_file_in(folder, out_dir)


def _nearest_folder(out_dir: Path, spell: Spell) -> Path | None:
    """``out_dir`` or its nearest existing parent (None if none exists); raise when that is a file."""
    for folder in (out_dir, *out_dir.parents):
        if folder.exists():
            if not folder.is_dir():
                if folder == out_dir:
                    message = _("{out} {out_dir} is a file, not a folder: pass a folder for the reports")
                else:
                    message = _("{out} {out_dir}: {folder} is a file, not a folder: pass a folder for the reports")
                raise ReportError(message.format(out=spell("out"), out_dir=out_dir, folder=folder))
            return folder
    return None


def _try_a_file_in(folder: Path, out_dir: Path) -> None:
    try:
        fd, probe = tempfile.mkstemp(prefix=".screener-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _cannot_write(out_dir, exc, folder / ".screener.tmp") from None
    os.close(fd)
    os.unlink(probe)


def _cannot_write(out_dir: Path, exc: OSError, target: Path) -> ReportError:
    return ReportError(_(
        "cannot write the reports in {out_dir}: {exc}; pass a folder you can write to"
    ).format(out_dir=out_dir, exc=os_reason(exc, target)))

