"""The comparison report of ``screener compare|sweep|scan boards``: the ranked table, the
spread of each figure, the overlaid equity curves of the first ranked cells and, when
exactly two grid keys vary, a heat map of the ranking figure over the grid.

Files (in ``--out``, named ``<stem>`` = ``compare_<start>_<end>``,
``sweep-<theme>_<start>_<end>`` or ``scan-boards_<start>_<end>``): ``html`` one
self-contained page (inline SVG, no script, the backtest report's style and CSP);
``md`` tables with the charts as PNG beside it; ``csv`` ``<stem>_cells.csv`` (every
cell, figures as fractions) and ``<stem>_summary.csv``; ``json`` the document as given;
``xlsx`` sheets cells, summary, about. Every number is read from the document; the
checks and atomic writes are those of :mod:`screener.report`, the CSV cells those of
:mod:`screener.csvcell`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from screener import __version__
from screener.batch.document import FIGURES, KINDS, figure
from screener.batch.output import (
    cell_figure,
    cell_label,
    figure_format,
    grid_value_text,
    headline,
    label,
    ranked_table,
    short_window_note,
    shown,
    spread_table,
    spread_title,
)
from screener.errors import Spell, cli_flag
from screener.fmt import DASH
from screener.i18n import _
from screener.report.view import ReportError
from screener.theme.model import SLUG_RE

UP, DOWN = "#c8332b", "#1e8a4c"
WINDOW_COLUMNS = ("start", "base_date", "end", "sessions")  # a cell's window, as the document has it
FigureReader = Callable[[dict[str, Any], str], Any]  # (cell, figure name) -> the value a file shows


class ComparisonView:
    """A compare/sweep/scan document, checked once, with what the renderers share."""

    def __init__(self, doc: dict[str, Any]):
        _check(doc)
        self.doc = doc
        self.kind = doc["kind"]
        self.start, self.end = str(doc["window"]["start"]), str(doc["window"]["end"])
        self.demo = bool(doc.get("demo")) or doc.get("data_source") == "demo"
        self.sort = str(doc["sort"]["figure"])

    @property
    def stem(self) -> str:
        subject = {"compare": "compare", "scan": "scan-boards"}.get(self.kind)
        if subject is None:
            theme = str(self.doc["cells"][0]["theme"])
            if not SLUG_RE.match(theme):
                raise ReportError(_(
                    "theme id {theme!r} cannot name a report file: use a slug (e.g. green-power)"
                ).format(theme=theme))
            subject = f"sweep-{theme}"
        return f"{subject}_{self.start[:10]}_{self.end[:10]}"

    def heat_axes(self) -> tuple[str, str] | None:
        """The two grid keys of a sweep when exactly two vary, else None."""
        varying = [k for k, v in self.doc["grid"].items() if len(v) > 1]
        return (varying[0], varying[1]) if self.kind == "sweep" and len(varying) == 2 else None

    def heat_matrix(self) -> tuple[list[Any], list[Any], list[list[float | None]]]:
        """(row values, column values, the ranking figure per grid point)."""
        axes = self.heat_axes()
        assert axes is not None
        rows, cols = self.doc["grid"][axes[0]], self.doc["grid"][axes[1]]
        at = {(repr(c["params"][axes[0]]), repr(c["params"][axes[1]])): figure(c, self.sort) for c in self.doc["cells"]}
        return rows, cols, [[at.get((repr(r), repr(c))) for c in cols] for r in rows]

    def charts(self) -> list[str]:
        return ["curves"] + (["heatmap"] if self.heat_axes() else [])


# the document's keys the renderers read, with their types (a cell's, a curve's)
_SHAPE = {"kind": str, "data_source": str, "label": str, "window": dict, "settings": dict, "grid": dict, "sort": dict,
          "n_cells": int, "cells": list, "summary": dict, "curves": list, "notes": list, "executed": dict}
_CELL = {"rank": int, "params": dict, "theme": str, "theme_name": str, "window": dict, "basket": dict,
         "benchmark": dict, "claims_hold": int, "claims_total": int, "warnings_n": int}
_CURVE = {"rank": int, "dates": list, "basket": list}


def _check(doc: Any) -> None:
    """Raise :class:`ReportError` unless ``doc`` has the shape of a compare/sweep/scan
    document (a file edited by hand, or another program's, is refused in one line)."""
    what = _("a comparison must be the JSON of `screener compare|sweep|scan --format json`")
    if not isinstance(doc, dict) or doc.get("kind") not in KINDS:
        raise ReportError(what)
    for where, item, shape in ([("the document", doc, _SHAPE)] + [(f"cell {i + 1}", c, _CELL) for i, c in
                               enumerate(doc.get("cells") or [])] + [(f"curve {i + 1}", c, _CURVE) for i, c in
                                                                     enumerate(doc.get("curves") or [])]):
        if not isinstance(item, dict):
            raise ReportError(_("{where} is not a JSON object: {what}").format(where=where, what=what))
        for key, kind in shape.items():
            if not isinstance(item.get(key), kind) or isinstance(item.get(key), bool):
                raise ReportError(_(
                    "{where}: {key!r} is missing or not {name__}: {what}"
                ).format(where=where, key=key, name__=kind.__name__, what=what))
    if not doc["cells"]:
        raise ReportError(_("the comparison has no cells to report"))
    if not all(isinstance(doc["window"].get(k), str) for k in ("start", "end")) or "figure" not in doc["sort"]:
        raise ReportError(_("the document's window or sort is incomplete: {what}").format(what=what))


# -- charts ----------------------------------------------------------------------------------

def _draw_curves(view: ComparisonView, fig: Any, cjk: bool) -> None:
    import pandas as pd

    from screener.report.charts import _percent_axis

    ax = fig.subplots()
    labels = {c["rank"]: cell_label(c) for c in view.doc["cells"]}
    for curve in view.doc["curves"]:
        dates = pd.to_datetime(curve["dates"])
        ax.plot(dates, [v - 1.0 for v in curve["basket"]], lw=1.4, label=f"#{curve['rank']} {labels[curve['rank']]}")
    ax.axhline(0, color="#444", lw=0.6)
    _percent_axis(ax.yaxis)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="best", frameon=False, fontsize=8)
    ax.set_title(_("Cumulative return of the first {n} by {figure}").format(n=len(view.doc["curves"]),
                                                                              figure=label(view.sort)))
    fig.autofmt_xdate()


def _draw_heatmap(view: ComparisonView, fig: Any, cjk: bool) -> None:
    import numpy as np
    from matplotlib.colors import LinearSegmentedColormap, TwoSlopeNorm

    rows, cols, matrix = view.heat_matrix()
    axes = view.heat_axes() or ("", "")
    values = np.array([[np.nan if v is None else v for v in r] for r in matrix], dtype=float)
    ax = fig.subplots()
    finite = values[np.isfinite(values)]
    span = float(np.max(np.abs(finite))) if finite.size else 0.01
    span = span or 0.01
    cmap = LinearSegmentedColormap.from_list("a_share", [DOWN, "#ffffff", UP])
    ax.imshow(values, cmap=cmap, norm=TwoSlopeNorm(0.0, -span, span), aspect="auto")
    ax.set_xticks(range(len(cols)), [grid_value_text(view.doc, axes[1], c) for c in cols],
                  rotation=45 if len(cols) > 6 else 0, ha="right" if len(cols) > 6 else "center")
    ax.set_yticks(range(len(rows)), [grid_value_text(view.doc, axes[0], r) for r in rows])
    ax.set_xlabel(axes[1])
    ax.set_ylabel(axes[0])
    ax.set_title(_("{figure} over the grid").format(figure=label(view.sort)))
    how = figure_format(view.sort)
    if len(rows) * len(cols) <= 150:
        for (r, c), v in np.ndenumerate(values):
            ax.text(c, r, shown(None if v != v else v, how), ha="center", va="center", fontsize=7)


def _chart(view: ComparisonView, name: str, fmt: str) -> bytes:
    from screener.report.charts import draw

    if name == "heatmap":
        rows, cols, _ = view.heat_matrix()
        size = (min(14.0, 3.0 + 0.9 * len(cols)), 1.6 + 0.4 * len(rows))
        return draw(lambda fig, cjk: _draw_heatmap(view, fig, cjk), size=size, salt=f"{view.stem}-heatmap", fmt=fmt,
                    narrow=False, demo=view.demo)
    return draw(lambda fig, cjk: _draw_curves(view, fig, cjk), size=(10.0, 4.2), salt=f"{view.stem}-curves", fmt=fmt,
                narrow=False, demo=view.demo)


# -- formats ---------------------------------------------------------------------------------

def _files(view: ComparisonView, fmt: str) -> list[str]:
    stem = view.stem
    return {
        "html": [f"{stem}.html"],
        "md": [f"{stem}.md"] + [f"{stem}_{c}.png" for c in view.charts()],
        "csv": [f"{stem}_cells.csv", f"{stem}_summary.csv"],
        "json": [f"{stem}.json"],
        "xlsx": [f"{stem}.xlsx"],
    }[fmt]


def _context(view: ComparisonView) -> dict[str, Any]:
    """What both templates get: the document's words and formatted numbers."""
    from screener.report import text

    lines = headline(view.doc)
    doc = view.doc
    columns, rows, justify = ranked_table(doc)
    spread = None
    if doc["n_cells"] > 1:
        s_columns, s_rows, s_justify = spread_table(doc)
        spread = {"columns": s_columns, "rows": s_rows, "justify": s_justify}
    source = text.label(text.DATA_SOURCES, str(doc["data_source"]))
    return {
        "version": __version__,
        "title": lines[1],
        "lines": lines[2:],
        "data_line": _("Data source: {source}").format(source=text.source_label(str(doc["data_source"]), doc["label"])),
        "demo": dict(zip(("title", "text"), text.demo_banner())) if view.demo else None,
        "ranked_title": _("Ranked by {figure}").format(figure=label(view.sort)),
        "ranked": {"columns": columns, "rows": rows, "justify": justify},
        "spread_title": spread_title(doc),
        "spread": spread,
        "settings": text.settings_rows(doc["settings"]),
        "notes": list(doc["notes"]),
        "footer": _("Generated by screener {version} from a {kind} result ({source} data). Returns are fractions "
                    "of each cell's base value; not investment advice.").format(
                        version=__version__, kind=view.kind, source=source),
    }


def _captions(view: ComparisonView) -> dict[str, str]:
    return {
        "curves": _("Cumulative return of the first {n} cells by {figure}, each from its own base date.").format(
            n=len(view.doc["curves"]), figure=label(view.sort)),
        "heatmap": _("{figure} at each point of the grid.").format(figure=label(view.sort)),
    }


def _html(view: ComparisonView, template_dir: Path | None) -> dict[str, bytes]:
    from markupsafe import Markup

    from screener.i18n import language
    from screener.report import templating
    from screener.report.charts import inline_svg
    from screener.report.fonts import subset_font_css
    from screener.report.html import CSP

    slot = "\x00screener-font-css\x00"  # replaced by the font subset once the page's text is known
    captions = _captions(view)
    charts = [{"name": name, "svg": Markup(inline_svg(_chart(view, name, "svg"), name)), "caption": captions[name]}
              for name in view.charts()]
    page = templating.render("comparison.html.j2", template_dir, **_context(view), charts=charts,
                             html_lang="zh-Hans" if language() == "zh" else "en", csp=Markup(CSP), font_css=Markup(slot))
    page = page.replace(slot, subset_font_css(page))
    return {f"{view.stem}.html": page.encode("utf-8")}


def _markdown(view: ComparisonView, template_dir: Path | None) -> dict[str, bytes]:
    from screener.report import templating

    captions = _captions(view)
    charts = [{"file": f"{view.stem}_{name}.png", "caption": captions[name]} for name in view.charts()]
    page = templating.render("comparison.md.j2", template_dir, **_context(view), charts=charts)
    files = {f"{view.stem}.md": page.encode("utf-8")}
    files.update({f"{view.stem}_{name}.png": _chart(view, name, "png") for name in view.charts()})
    return files


def cell_rows(view: ComparisonView, read: FigureReader = figure) -> tuple[list[str], list[list[Any]]]:
    """Every cell flat: rank, params, theme, window, every figure as ``read`` gives it (the
    document's raw value by default), claims, warnings (a compare's ``theme`` grid key is
    the theme column, not a second one; a varied ``start`` or ``end`` is ``grid_start`` or
    ``grid_end`` beside the window's own, as given)."""
    keys = [k for k in view.doc["grid"] if k != "theme"]
    columns = ["rank", *(f"grid_{k}" if k in WINDOW_COLUMNS else k for k in keys), "theme", "theme_name",
               *WINDOW_COLUMNS, *FIGURES, "claims_total", "warnings_n", "data_source"]
    rows = [[c["rank"], *(c["params"].get(k) for k in keys), c["theme"], c["theme_name"],
             *(c["window"][k] for k in WINDOW_COLUMNS),
             *(read(c, f) for f in FIGURES), c["claims_total"], c["warnings_n"], view.doc["data_source"]]
            for c in view.doc["cells"]]
    return columns, rows


def _csv(view: ComparisonView, _template_dir: Path | None) -> dict[str, bytes]:
    from screener.csvcell import csv_text

    summary = [[name, s["min"], s["median"], s["max"], view.doc["data_source"]] for name, s in view.doc["summary"].items()]
    return {f"{view.stem}_cells.csv": csv_text(*cell_rows(view)).encode("utf-8-sig"),
            f"{view.stem}_summary.csv": csv_text(["figure", "min", "median", "max", "data_source"],
                                                 summary).encode("utf-8-sig")}


def _json(view: ComparisonView, _template_dir: Path | None) -> dict[str, bytes]:
    from screener.report.json import dumps

    return {f"{view.stem}.json": (dumps(view.doc) + "\n").encode("utf-8")}


def _dashed_columns(columns: list[str], rows: list[list[Any]]) -> list[int]:
    """The indexes of the figure columns that show "—" in some row."""
    return [i for i, name in enumerate(columns) if name in FIGURES and any(row[i] == DASH for row in rows)]


def _xlsx(view: ComparisonView, _template_dir: Path | None) -> dict[str, bytes]:
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    from screener.report.text import settings_rows
    from screener.report.xlsx import MONEY, PCT, RATIO, _sheet

    wb = Workbook()
    wb.remove(wb.active)
    # the CSV's rows with the figures as the tables read them: "—" where a cell's window is too short
    columns, rows = cell_rows(view, partial(cell_figure, hidden=DASH))
    formats = {columns.index(f): {"money": MONEY, "ratio": RATIO}.get(figure_format(f), PCT) for f in FIGURES}
    ws = _sheet(wb, "cells", columns, rows, formats)
    for i in _dashed_columns(columns, rows):  # the headers of the figures shown as "—" say why
        ws.cell(row=1, column=i + 1).comment = Comment(short_window_note(), "screener", width=320, height=110)
    summary = [[name, s["min"], s["median"], s["max"]] for name, s in view.doc["summary"].items()]
    ws = _sheet(wb, "summary", ["figure", "min", "median", "max"], summary, {})
    for row in ws.iter_rows(min_row=2):
        fmt = {"money": MONEY, "ratio": RATIO}.get(figure_format(str(row[0].value)), PCT)
        for cell in row[1:]:
            cell.number_format = fmt
    about = [[line, ""] for line in headline(view.doc)]
    about += [["data_source", view.doc["data_source"]], ["label", view.doc["label"]]]
    about += [[f"grid: {k}", ", ".join(grid_value_text(view.doc, k, x) for x in v)]
              for k, v in view.doc["grid"].items()]
    about += [[k, v] for k, v in settings_rows(view.doc["settings"])]
    about += [["note", n] for n in view.doc["notes"]]
    _sheet(wb, "about", ["item", "value"], about, {})
    buf = io.BytesIO()
    wb.save(buf)
    return {f"{view.stem}.xlsx": buf.getvalue()}


_RENDER = {"html": _html, "md": _markdown, "csv": _csv, "json": _json, "xlsx": _xlsx}


def planned_files(doc: dict[str, Any], formats: list[str]) -> list[str]:
    view = ComparisonView(doc)
    return [name for fmt in formats for name in _files(view, fmt)]


def check_export(doc: dict[str, Any], formats: list[str], out_dir: Any, *, force: bool = False,
                 probe: bool = True) -> None:
    """Raise the error :func:`export` would raise for its targets, writing nothing
    (``probe`` as :func:`export`'s)."""
    from screener.report import parse_formats
    from screener.report.files import check_targets

    check_targets(Path(out_dir), planned_files(doc, parse_formats(formats)), force=force, probe=probe)


def export(doc: dict[str, Any], formats: list[str], out_dir: Any, *, force: bool = False,
           template_dir: Path | None = None, spell: Spell = cli_flag, probe: bool = True) -> list[Any]:
    """Render the comparison in each of ``formats`` into ``out_dir`` (checked first,
    written atomically, as backtest reports are) and return the paths. ``template_dir``
    may hold a ``comparison.html.j2`` / ``comparison.md.j2`` of your own; ``probe`` as
    :func:`screener.report.export`'s."""
    from screener.report import parse_formats
    from screener.report.files import check_targets, write_all

    fmts = parse_formats(formats)
    view = ComparisonView(doc)
    check_targets(Path(out_dir), planned_files(doc, fmts), force=force, spell=spell, probe=probe)
    rendered: dict[str, bytes] = {}
    for fmt in fmts:
        produced = _RENDER[fmt](view, template_dir)
        assert list(produced) == _files(view, fmt), f"{fmt} renderer produced unexpected files"
        rendered.update(produced)
    return write_all(Path(out_dir), rendered, force=force, spell=spell)


__all__ = ["ComparisonView", "check_export", "export", "planned_files"]
