"""The words and tables of a compare/sweep/scan document, in the language in use: the
headline, the ranked table and the spread of each figure (min / median / max over every
cell), as columns and rows of text for the terminal, the notebook and the reports."""

from __future__ import annotations

from typing import Any

from screener.backtest.metrics import MIN_ANNUALISE_SESSIONS
from screener.batch.document import figure, shown_cells, summary
from screener.fmt import money, pct, plain, ratio
from screener.i18n import N_, _, ngettext
from screener.report.text import SETTINGS, SHORT_WINDOW_FIGURES, source_label, stamp_duty_text

# figure -> column title: the ranked table's figure columns, in order
COLUMNS: dict[str, str] = {
    "total_return": N_("total"),
    "annualized_return": N_("annualised"),
    "volatility": N_("volatility"),
    "sharpe": N_("Sharpe"),
    "max_drawdown": N_("max DD"),
    "excess_return": N_("excess"),
}
# figure -> its name in the spread table and chart titles
LABELS: dict[str, str] = {
    "total_return": N_("total return"),
    "annualized_return": N_("annualised return"),
    "volatility": N_("volatility"),
    "sharpe": N_("Sharpe"),
    "sortino": N_("Sortino"),
    "max_drawdown": N_("max drawdown"),
    "calmar": N_("Calmar"),
    "turnover": N_("turnover"),
    "costs_paid": N_("costs paid"),
    "final_value": N_("final value"),
    "benchmark_return": N_("benchmark return"),
    "excess_return": N_("excess return"),
    "beta": N_("beta"),
    "alpha": N_("alpha"),
    "tracking_error": N_("tracking error"),
    "information_ratio": N_("information ratio"),
    "claims_hold": N_("claims that hold"),
}
SPREAD = ("total_return", "annualized_return", "volatility", "sharpe", "max_drawdown", "excess_return", "turnover")
_RATIOS = ("sharpe", "sortino", "calmar", "beta", "information_ratio", "claims_hold")
_UNSIGNED = ("volatility", "turnover", "tracking_error")


def figure_format(name: str) -> str:
    """How a figure is shown: ``ratio``, ``pct`` (signed), ``pct0`` (unsigned) or ``money``."""
    if name in ("costs_paid", "final_value"):
        return "money"
    return "ratio" if name in _RATIOS else "pct0" if name in _UNSIGNED else "pct"


def shown(value: Any, how: str) -> str:
    if how == "pct":
        return pct(value)
    if how == "pct0":
        return pct(value, signed=False)
    if how == "money":
        return money(value)
    return ratio(value)


def value_text(key: str, value: Any) -> str:
    """A grid value as the user writes it: ``default`` for an option left out (None),
    numbers as the settings table shows them (``100,000``, ``0.05``), a stamp duty
    schedule in words."""
    if value is None:
        return _("default")
    return stamp_duty_text(value) if key == "stamp_duty" and isinstance(value, list) else plain(value)


def param_text(cell: dict[str, Any], key: str) -> str:
    """A cell's grid value as tables show it (:func:`value_text`); a benchmark that
    resolved to another symbol than the value shows names it: "default (000300.SH)"."""
    value = cell["params"][key]
    symbol = (cell.get("benchmark") or {}).get("symbol")
    if key == "benchmark" and symbol and symbol != value:
        return _("{value} ({symbol})").format(value=value_text(key, value), symbol=symbol)
    return value_text(key, value)


def grid_value_text(doc: dict[str, Any], key: str, value: Any) -> str:
    """A grid value as the headline and the heat map show it: as its first cell shows it
    (:func:`param_text`; a sweep's cells resolve a benchmark value alike)."""
    cell = next((c for c in doc["cells"] if key in c["params"] and c["params"][key] == value), None)
    return value_text(key, value) if cell is None else param_text(cell, key)


def cell_figure(cell: dict[str, Any], name: str, hidden: Any = None) -> Any:
    """A figure of a cell as tables show it: ``hidden`` (None, which tables show as "—")
    where the cell's window is too short for it to mean anything (the single backtest's
    rule; the document keeps the raw value)."""
    return hidden if cell.get("short_window") and name in SHORT_WINDOW_FIGURES else figure(cell, name)


def label(name: str) -> str:
    """A figure's name in the language in use."""
    return _(LABELS[name]) if name in LABELS else name


def param_label(key: str) -> str:
    """A grid key as a column title: the settings table's label (``rebalance``, a cost
    rate such as ``commission``), ``board`` for a scan's boards, else the key."""
    for k in (key, f"costs.{key}"):
        if k in SETTINGS:
            return _(SETTINGS[k])
    return _(N_("board")) if key == "board" else key


def ranked_table(doc: dict[str, Any]) -> tuple[list[str], list[list[str]], list[str]]:
    """(columns, rows, justify) of the cells the tables show (``top``)."""
    keys = _param_keys(doc)
    sort = doc["sort"]["figure"]
    figures = list(COLUMNS) + ([sort] if sort not in COLUMNS else [])
    named = doc["kind"] != "sweep"  # a sweep has one theme, named in the headline
    titles = [_(COLUMNS[f]) if f in COLUMNS else label(f) for f in figures]
    columns = ["#", *map(param_label, keys), *([_("name")] if named else []), *titles, _("claims")]
    rows = []
    for c in shown_cells(doc):
        params = [param_text(c, k) if k in c["params"] else "-" for k in keys]
        name = [c["theme_name"]] if named else []
        claims = f"{c['claims_hold']}/{c['claims_total']}" if c["claims_total"] else "-"
        rows.append([str(c["rank"]), *params, *name, *(shown(cell_figure(c, f), figure_format(f)) for f in figures), claims])
    justify = ["right", *(["left"] * (len(keys) + named)), *(["right"] * (len(figures) + 1))]
    return columns, rows, justify


def spread_title(doc: dict[str, Any]) -> str:
    return _("Spread over all {n} cells").format(n=doc["n_cells"])


def spread_table(doc: dict[str, Any]) -> tuple[list[str], list[list[str]], list[str]]:
    """(columns, rows, justify) of each figure's min, median and max over every cell."""
    rows, spread = [], summary(doc["cells"], cell_figure)
    for name in SPREAD:
        s = spread[name]
        how = figure_format(name)
        rows.append([label(name), shown(s["min"], how), shown(s["median"], how), shown(s["max"], how)])
    return [_("figure"), _("min"), _("median"), _("max")], rows, ["left", "right", "right", "right"]


def title(doc: dict[str, Any]) -> str:
    """What was run: "Sweep of fiber (光纤): 12 backtests, 2025-01-02 → 2026-11-20"."""
    n, w = doc["n_cells"], doc["window"]
    count = ngettext("{n} backtest", "{n} backtests", n).format(n=n)
    if doc["kind"] == "sweep" and doc["cells"]:
        first = doc["cells"][0]
        what = _("Sweep of {theme} ({name})").format(theme=first["theme"], name=first["theme_name"])
    elif doc["kind"] == "scan":
        what = _("Boards scanned")
    else:
        what = _("Themes compared")
    return _("{what}: {count}, {start} → {end}").format(what=what, count=count, start=w["start"], end=w["end"])


def executed_text(executed: dict[str, Any]) -> str:
    """Where the cells ran, in words."""
    if executed.get("mode") == "scheduler":
        return _("run on the Dask scheduler {address}").format(address=executed.get("scheduler"))
    if executed.get("mode") == "local":
        n = int(executed.get("workers") or 0)
        return ngettext("run on a local Dask cluster of {n} worker process",
                        "run on a local Dask cluster of {n} worker processes", n).format(n=n)
    return _("run in this process")


def headline(doc: dict[str, Any]) -> list[str]:
    """The lines above the tables: the data's label, what ran (and where), what varies,
    how the cells are ranked."""
    source = source_label(doc["data_source"], doc["label"])
    lines = [source] if doc["demo"] else [_("data: {label}").format(label=source)]
    lines.append(_("{title}, {where}").format(title=title(doc), where=executed_text(doc["executed"])))
    if doc["kind"] == "sweep":
        lines.append(_("varying: {axes}").format(
            axes=_("; ").join(f"{k} = {', '.join(grid_value_text(doc, k, x) for x in v)}" for k, v in doc["grid"].items())))
    n, shown_n = doc["n_cells"], len(shown_cells(doc))
    order = _("lowest first") if doc["sort"]["order"] == "ascending" else _("highest first")
    ranked = _("ranked by {figure} ({order})").format(figure=label(doc["sort"]["figure"]), order=order)
    if shown_n < n:
        ranked += _(", top {shown} of {n}").format(shown=shown_n, n=n)
    lines.append(ranked)
    if any(c.get("short_window") for c in doc["cells"]):
        lines.append(_("note: {text}").format(text=short_window_note()))
    return lines


def short_window_note() -> str:
    """Why some cells show no annualised figures (see :func:`cell_figure`)."""
    return _(
        "some windows are too short to annualise (fewer than {minimum} sessions): their annualised "
        "return, Sharpe, Sortino, Calmar, alpha and information ratio are not shown").format(
            minimum=MIN_ANNUALISE_SESSIONS)


def cell_label(cell: dict[str, Any]) -> str:
    """A cell in a legend: its theme's name (a compare, a scan), else the values of its
    grid keys (``rebalance=monthly, start=2025-01-02``)."""
    params = cell["params"]
    if set(params) <= {"theme", "board"}:
        return str(cell["theme_name"])
    return ", ".join(f"{k}={param_text(cell, k)}" for k in params)


def _param_keys(doc: dict[str, Any]) -> list[str]:
    """The params worth a column: those that vary (a compare's theme, a scan's board)."""
    return [k for k, values in doc["grid"].items() if len(values) > 1 or k in ("theme", "board")]
