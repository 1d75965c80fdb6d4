"""Reports from a backtest or event-study result: HTML, Markdown, CSV, JSON and Excel.

``export(result, ["html", "md"], Path("reports"))`` renders a result dict (the JSON
contract of ``screener backtest``, or of ``screener event``: :mod:`screener.report.event`)
into ``reports/<theme>_<start>_<end>.<ext>`` (charts ``<theme>_<start>_<end>_<chart>.png``)
and returns the paths written, in the language in use (:mod:`screener.i18n`);
``template_dir`` holds your own HTML/Markdown templates."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from screener.errors import Spell, cli_flag
from screener.i18n import _
from screener.report.view import ReportError, ReportView

# format -> module under screener.report; aliases map what users type to a format
FORMATS: dict[str, str] = {"html": "html", "md": "markdown", "csv": "csv", "json": "json", "xlsx": "xlsx"}
TEMPLATED = {"html", "md"}  # formats laid out by Jinja2 templates (see screener.report.templating)
ALIASES = {"markdown": "md", "excel": "xlsx", "htm": "html"}

__all__ = ["ALIASES", "FORMATS", "TEMPLATED", "ReportError", "check_export", "export", "parse_formats", "planned_files"]


def parse_formats(formats: Iterable[str] | str) -> list[str]:
    """Normalise ``"html,md"`` or ``["html", "MD"]`` to known format names, in order,
    without duplicates; raise :class:`ReportError` for an unknown one."""
    items = formats.split(",") if isinstance(formats, str) else [p for f in formats for p in str(f).split(",")]
    out: list[str] = []
    for raw in items:
        name = raw.strip().lower()
        if not name:
            continue
        name = ALIASES.get(name, name)
        if name not in FORMATS:
            raise ReportError(_(
                "unknown export format {raw!r}: use any of {FORMATS}"
            ).format(raw=raw.strip(), FORMATS=','.join(FORMATS)))
        if name not in out:
            out.append(name)
    if not out:
        raise ReportError(_("no export format given: use any of {FORMATS}").format(FORMATS=','.join(FORMATS)))
    return out


def _module(fmt: str, package: str = "screener.report") -> Any:
    import importlib

    return importlib.import_module(f"{package}.{FORMATS[fmt]}")


def is_comparison(result: dict[str, Any]) -> bool:
    """A ``screener compare|sweep|scan`` document (:mod:`screener.report.comparison`)."""
    return "kind" in result


def _view(result: dict[str, Any]) -> tuple[Any, str]:
    """The view of ``result`` and the package of its renderers: an event study's
    (``study: event``, :mod:`screener.report.event`) or a backtest's."""
    from screener.report.event.view import EventView, is_event_study

    if is_event_study(result):
        return EventView(result), "screener.report.event"
    return ReportView(result), "screener.report"


def planned_files(stem: str, formats: list[str], package: str = "screener.report") -> list[str]:
    """The file names ``formats`` produce for a report stem."""
    return [name for fmt in formats for name in _module(fmt, package).files(stem)]


def check_export(result: dict[str, Any], formats: list[str], out_dir: Path, *, force: bool = False,
                 probe: bool = True) -> None:
    """Raise the error :func:`export` would raise for its targets (an existing file
    without ``force``, a bad ``out_dir`` or theme id), without rendering or writing;
    ``probe=False`` skips trying a file in ``out_dir`` (the caller just did)."""
    from screener.report.files import check_targets

    if is_comparison(result):
        from screener.report import comparison

        comparison.check_export(result, formats, out_dir, force=force, probe=probe)
        return
    view, package = _view(result)
    check_targets(Path(out_dir), planned_files(view.stem, parse_formats(formats), package), force=force, probe=probe)


def export(
    result: dict[str, Any], formats: list[str], out_dir: Path, *, force: bool = False, template_dir: Path | None = None,
    spell: Spell = cli_flag, probe: bool = True,
) -> list[Path]:
    """Render ``result`` in each of ``formats`` into ``out_dir`` and return the paths.

    Every target is checked before anything is rendered or written: an existing file
    stops the export unless ``force`` (nothing is written then), and names come only
    from the theme id (a slug) and the window dates, so nothing lands outside
    ``out_dir``. Each file is written to a temporary name and renamed into place.
    ``template_dir`` is a folder of templates that replace or extend the built-in ones;
    errors name ``out``/``force`` as ``spell`` does (``--out``, or the API's keywords).
    ``out_dir`` is tried with one temporary file first, unless ``probe`` is off (the
    caller just tried it: :func:`screener.report.files.check_folder`)."""
    from screener.report.files import check_targets, write_all

    if is_comparison(result):
        from screener.report import comparison

        return comparison.export(result, formats, out_dir, force=force, template_dir=template_dir, spell=spell,
                                 probe=probe)
    fmts = parse_formats(formats)
    view, package = _view(result)
    stem = view.stem
    out_dir = Path(out_dir)
    check_targets(out_dir, planned_files(stem, fmts, package), force=force, spell=spell, probe=probe)
    rendered: dict[str, bytes] = {}
    for fmt in fmts:
        module = _module(fmt, package)
        extra = {"template_dir": template_dir} if fmt in TEMPLATED else {}
        produced = module.render(view, stem, **extra)
        assert list(produced) == module.files(stem), f"{fmt} renderer produced unexpected files"
        rendered.update(produced)
    return write_all(out_dir, rendered, force=force, spell=spell)
