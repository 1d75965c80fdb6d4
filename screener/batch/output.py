"""The terminal view of a compare/sweep/scan document: the ranked table and the spread
of each figure (min / median / max over every cell), as columns and rows of text."""

from __future__ import annotations

from typing import Any

from screener.batch.document import figure, shown_cells
from screener.report.view import money, pct, ratio

# figure -> column title: the ranked table's figure columns, in order
COLUMNS: dict[str, str] = {
    "total_return": "total",
    "annualized_return": "annualised",
    "volatility": "volatility",
    "sharpe": "Sharpe",
    "max_drawdown": "max DD",
    "excess_return": "excess",
}
SPREAD = ("total_return", "annualized_return", "volatility", "sharpe", "max_drawdown", "excess_return", "turnover")
TITLES = {"compare": "Themes compared", "sweep": "Sweep", "scan": "Boards scanned"}


def shown(value: Any, how: str) -> str:
    if how == "pct":
        return pct(value)
    if how == "pct0":
        return pct(value, signed=False)
    if how == "money":
        return money(value)
    return ratio(value)


_RATIOS = ("sharpe", "sortino", "calmar", "beta", "information_ratio", "claims_hold")
_UNSIGNED = ("volatility", "turnover", "tracking_error")


def figure_format(name: str) -> str:
    """How a figure is shown: a ratio, a signed or an unsigned percentage; money as is."""
    if name in ("costs_paid", "final_value"):
        return "money"
    return "ratio" if name in _RATIOS else "pct0" if name in _UNSIGNED else "pct"


def ranked_table(doc: dict[str, Any]) -> tuple[list[str], list[list[str]], list[str]]:
    """(columns, rows, justify) of the ranked cells."""
    keys = _param_keys(doc)
    sort = doc["sort"]["figure"]
    figures = list(COLUMNS) + ([sort] if sort not in COLUMNS else [])
    named = doc["kind"] != "sweep"  # a sweep has one theme, named in the headline
    columns = ["#", *keys, *(["name"] if named else []), *(COLUMNS.get(f, f) for f in figures), "claims"]
    rows = []
    for c in shown_cells(doc):
        params = [str(c["params"].get(k, "-")) for k in keys]
        name = [c["theme_name"]] if named else []
        claims = f"{c['claims_hold']}/{c['claims_total']}" if c["claims_total"] else "-"
        rows.append([str(c["rank"]), *params, *name, *(shown(figure(c, f), figure_format(f)) for f in figures), claims])
    justify = ["right", *(["left"] * (len(keys) + named)), *(["right"] * (len(figures) + 1))]
    return columns, rows, justify


def spread_table(doc: dict[str, Any]) -> tuple[list[str], list[list[str]], list[str]]:
    """(columns, rows, justify) of each figure's min, median and max over every cell."""
    rows = []
    for name in SPREAD:
        s = doc["summary"][name]
        how = figure_format(name)
        rows.append([name.replace("_", " "), shown(s["min"], how), shown(s["median"], how), shown(s["max"], how)])
    return ["figure", "min", "median", "max"], rows, ["left", "right", "right", "right"]


def headline(doc: dict[str, Any]) -> list[str]:
    """The lines above the tables: data source, window, what varies, how it ran."""
    w = doc["window"]
    n, shown_n = doc["n_cells"], len(shown_cells(doc))
    lines = [doc["label"]] if doc["demo"] else [f"data: {doc['label']}"]
    theme = f" of {doc['cells'][0]['theme']} ({doc['cells'][0]['theme_name']})" if doc["kind"] == "sweep" and doc["cells"] else ""
    what = f"{TITLES[doc['kind']]}{theme}: {n} backtest{'s' if n != 1 else ''}, {w['start']} → {w['end']}"
    if doc.get("executed"):
        what += f", run {doc['executed']}"
    lines.append(what)
    varying = [k for k in doc["grid"] if len(doc["grid"][k]) > 1 or doc["kind"] == "sweep"]
    if doc["kind"] == "sweep" and varying:
        lines.append("varying: " + "; ".join(f"{k} = {', '.join(map(str, doc['grid'][k]))}" for k in varying))
    order = "lowest first" if doc["sort"]["order"] == "ascending" else "highest first"
    top = f", top {shown_n} of {n}" if shown_n < n else ""
    lines.append(f"ranked by {doc['sort']['figure']} ({order}){top}")
    return lines


def _param_keys(doc: dict[str, Any]) -> list[str]:
    """The params worth a column: those that vary (a compare's theme, a scan's board)."""
    return [k for k, values in doc["grid"].items() if len(values) > 1 or k in ("theme", "board")]
