"""screener from Python: themes, backtests, screens and bars, as the commands give them.

    import screener
    r = screener.backtest("fiber", demo=True)     # = screener backtest fiber --demo
    r.summary["total_return"], r.equity, r.members, r.claims, r.trades, r.warnings
    r.plot(); r.export("html,md", "reports")

Every function here follows the same conventions (a new one must too):

- **Options are the command's**, with its defaults, checked by the same code path
  (``screener.backtest.request``, ``screener.screen.request``), so values are validated
  and errors worded alike. A user's mistake raises a :class:`screener.UserError`
  subclass, never ``SystemExit``.
- **Data options** are the keywords ``demo, data_dir, offline, cache_dir, proxy,
  provider`` (``--demo`` … ``--provider``), made into a store by :func:`_store`.
- **Dates** may be ``datetime.date``, ``datetime`` / ``pandas.Timestamp`` or
  ``"YYYY-MM-DD"`` text (:func:`_date`).
- **Results** are :class:`Result` subclasses: the command's ``--format json`` document
  (``to_dict()``, ``to_json()``), pandas views of it, ``plot()``, and a notebook view.
- **Imports stay cheap**: pandas, matplotlib and the engines load inside the functions.

Adding a function for a new command (``event``, ``compare``, ``sweep``...):

1. Put the command's option checks and run in a module below ``cli/`` that the command
   calls too (as ``screen/request.py``), taking the options, a ``DataOptions`` and a
   ``note`` callback for what the command would print as ``note:``.
2. Subclass :class:`Result` around the command's JSON document: pandas views as
   properties, ``_title``/``_lines``/``_tables`` for the notebook view.
3. Write the function here: the command's options as keywords (``None``: the default),
   then the data keywords, built with :func:`_data_options` / :func:`_store`.
4. Export it lazily in ``screener/__init__.py`` (``_LAZY``); when a subpackage has the
   same name, make it callable (``screener._callable.make_callable(__name__)``).
5. Test it against the command's ``--format json`` in ``tests/api/test_api_vs_cli.py``.
"""

from __future__ import annotations

import copy
import html
import json
import warnings as _warnings
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screener._json import json_text
from screener.errors import DataError, UserError, keyword
from screener.i18n import _

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from screener.data.model import DataOptions, DataStore
    from screener.screen.run import ScreenResult as _Screened
    from screener.theme.model import Theme

__all__ = ["BacktestResult", "ComparisonResult", "EventResult", "Result", "ScreenResult", "backtest", "bars", "compare",
           "event", "load_theme", "scan_boards", "screen", "sweep"]

PathLike = str | Path
WARNING_COLUMNS = ["kind", "symbol", "date", "message"]


# -- shared steps -------------------------------------------------------------------------


def _date(value: date | str | None, name: str) -> date | None:
    """A date option: a ``date``, a ``datetime``/``Timestamp`` (its day) or YYYY-MM-DD text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise UserError(_(
        "{name}: {value!r} is not a date; write YYYY-MM-DD, e.g. 2026-05-11"
    ).format(name=name, value=value))


def _folders(values: Iterable[PathLike] | None, name: str) -> tuple[Path, ...]:
    """Folder options (``themes_dirs``...): each must exist."""
    folders = tuple(Path(v) for v in values or ())
    for folder in folders:
        if not folder.is_dir():
            raise UserError(_("{name}: {folder} is not a folder").format(name=name, folder=folder))
    return folders


def _target(
    theme: str | Path | Theme, themes_dirs: Iterable[PathLike] | None, specs_dirs: Iterable[PathLike] | None
) -> tuple[Theme, dict[str, Any]]:
    """(theme, the spec's options or ``{}``) for a theme or spec id, a file, or a loaded theme."""
    from screener.backtest.request import target
    from screener.theme.model import Theme as ThemeModel

    if isinstance(theme, ThemeModel):
        return theme, {}
    return target(str(theme), _folders(themes_dirs, "themes_dirs"), _folders(specs_dirs, "specs_dirs"))


def _data_options(
    demo: bool, data_dir: PathLike | None, offline: bool, cache_dir: PathLike | None,
    proxy: str | None, provider: str | None,
) -> DataOptions:
    """The commands' data options (``--demo --data-dir --offline --cache-dir --proxy --provider``)."""
    from screener.data.model import DataOptions

    return DataOptions(
        demo=demo,
        data_dir=Path(data_dir) if data_dir is not None else None,
        offline=offline,
        cache_dir=Path(cache_dir) if cache_dir is not None else None,
        proxy=proxy,
        provider=provider,
    )


def _store(
    demo: bool, data_dir: PathLike | None, offline: bool, cache_dir: PathLike | None,
    proxy: str | None, provider: str | None,
) -> DataStore:
    """The store the data options ask for (see :func:`screener.data.open_store`)."""
    from screener.data import open_store

    return open_store(_data_options(demo, data_dir, offline, cache_dir, proxy, provider))


def _export_keyword(name: str) -> str:
    """How export errors name :meth:`Result.export`'s keywords: ``force=True`` (the
    switch to pass), ``out``."""
    return f"{name}=True" if name == "force" else keyword(name)


# -- results ------------------------------------------------------------------------------


class Result:
    """What an API function returns: its command's ``--format json`` document plus views.

    ``to_dict()`` is that document exactly (the README's contract for the command) and
    ``to_json()`` its text; ``data_source``, ``label``, ``demo`` say where the data came
    from; ``warnings`` lists the data-quality and trading warnings as a DataFrame.
    A notebook shows the result through ``_repr_html_``: a DEMO banner on demo data, a
    title, a few lines of text, then tables (headline figures first). Subclasses provide
    those by overriding :meth:`_title`, :meth:`_lines` and :meth:`_tables`, and add pandas
    views of their document as properties.
    """

    def __init__(self, document: Mapping[str, Any]) -> None:
        # through JSON and back: exactly what `--format json` prints (NaN and infinities null)
        self._doc: dict[str, Any] = json.loads(json_text(document, indent=None))

    def to_dict(self) -> dict[str, Any]:
        """The command's JSON document (a copy)."""
        return copy.deepcopy(self._doc)

    def to_json(self, indent: int | None = 2) -> str:
        """The document as strict JSON text; with ``indent=2`` the command's ``--format json`` output."""
        return json_text(self._doc, indent=indent)

    @property
    def data_source(self) -> str:
        """``live``, ``cache``, ``dir`` or ``demo``."""
        return str(self._doc["data_source"])

    @property
    def label(self) -> str:
        """Where the data came from, e.g. ``DEMO — synthetic prices``."""
        return str(self._doc["label"])

    @property
    def demo(self) -> bool:
        """True on the synthetic demo data: never read such figures as market data."""
        return self.data_source == "demo"

    @property
    def warnings(self) -> pd.DataFrame:
        """One row per warning: ``kind, symbol, date, message``."""
        import pandas as pd

        return pd.DataFrame(self._warning_records(), columns=WARNING_COLUMNS)

    def _warning_records(self) -> list[dict[str, Any]]:
        return list(self._doc.get("warnings", []))

    def _title(self) -> str:
        return type(self).__name__

    def _lines(self) -> list[str]:
        """Lines of text under the title in the notebook view."""
        return []

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        """(caption, table of values as shown) pairs for the notebook view."""
        return []

    def _repr_html_(self) -> str:
        parts = []
        if self.demo:
            parts.append(
                '<div style="background:#b00020;color:#fff;font-weight:bold;padding:4px 8px">'
                f"{html.escape(self.label)} — not real market data</div>"
            )
        parts.append(f"<p><b>{html.escape(self._title())}</b><br><small>data: {html.escape(self.label)}</small></p>")
        parts += [f"<p>{html.escape(line)}</p>" for line in self._lines()]
        for caption, table in self._tables():
            parts.append(f"<p><b>{html.escape(caption)}</b></p>{table.to_html(index=False, na_rep='-')}")
        n = len(self._warning_records())
        if n:
            parts.append(f"<p><small>{n} warning{'s' if n != 1 else ''}: see <code>.warnings</code></small></p>")
        return "<div>" + "".join(parts) + "</div>"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._title()}{' (DEMO data)' if self.demo else ''}>"


class _Reported(Result):
    """A result of a theme that the report layer renders (:mod:`screener.report`):
    ``theme``, ``settings`` and ``export()``."""

    @property
    def theme(self) -> str:
        return str(self._doc["theme"])

    @property
    def settings(self) -> dict[str, Any]:
        """Every option in effect (a backtest's costs included)."""
        return copy.deepcopy(self._doc["settings"])

    def export(self, formats: str | Sequence[str], out: PathLike = "reports", force: bool = False) -> list[Path]:
        """Write reports (``"html,md"`` or ``["csv", "xlsx"]``: html, md, csv, json, xlsx)
        into ``out`` as the command's ``--export`` does; returns the paths. Existing
        files are kept unless ``force``."""
        from screener.report import export

        fmts = formats.split(",") if isinstance(formats, str) else list(formats)
        return export(self._doc, fmts, Path(out), force=force, spell=_export_keyword)


def _prefixed(prefix: str, figures: Mapping[str, Any]) -> dict[str, Any]:
    """The numeric (or missing) ``figures`` with their names prefixed."""
    return {prefix + k: v for k, v in figures.items() if isinstance(v, (int, float)) or v is None}


class BacktestResult(_Reported):
    """A backtest: the document of ``screener backtest --format json`` (README
    "Backtests") with pandas views, ``plot()`` and ``export()``."""

    @property
    def equity(self) -> pd.DataFrame:
        """Value over the starting value, 1.0 at the base date: columns ``basket``,
        ``benchmark`` (NaN without benchmark data), indexed by session ``date``."""
        import pandas as pd

        frame = pd.DataFrame(self._doc["equity"], columns=["date", "basket", "benchmark"])
        frame["date"] = pd.to_datetime(frame["date"])
        return frame.set_index("date").astype(float)

    @property
    def members(self) -> pd.DataFrame:
        """One row per selected member, indexed by ``symbol``: weights, own return,
        contribution, trades, blocked orders, shares held at the end, costs."""
        import pandas as pd

        return pd.DataFrame(self._doc["members"]).set_index("symbol")

    @property
    def trades(self) -> pd.DataFrame:
        """Every fill: ``date, symbol, side, shares`` (raw), ``price`` (raw CNY), ``value``,
        ``commission, stamp_duty, transfer_fee, cost`` (CNY)."""
        import pandas as pd

        columns = ["date", "symbol", "side", "shares", "price", "value", "commission", "stamp_duty",
                   "transfer_fee", "cost"]
        frame = pd.DataFrame(self._doc["trades"], columns=columns)
        frame["date"] = pd.to_datetime(frame["date"])
        return frame

    @property
    def claims(self) -> pd.DataFrame:
        """One row per claim of the theme: ``id, kind, subject, start, end, claimed,
        measured, verdict, detail, quote`` (day moves also ``results`` per symbol)."""
        import pandas as pd

        return pd.DataFrame(self._doc["claims"])

    @property
    def summary(self) -> pd.Series:
        """The headline figures: the basket's (``total_return``, ``sharpe``, ...), the
        benchmark's own prefixed ``benchmark_`` (``benchmark_total_return``...), and the
        basket's against the benchmark (the JSON's ``relative``) prefixed ``relative_``
        (``relative_excess_return``, ``relative_beta``, ``relative_alpha``,
        ``relative_tracking_error``, ``relative_information_ratio``). Those five also keep
        their old names ``benchmark_beta``... for one more release, deprecated, as the
        JSON keeps them in ``benchmark``."""
        import pandas as pd

        relative = self._doc.get("relative") or {}
        own = {k: v for k, v in self._doc["benchmark"].items() if k not in relative}
        figures = {**self._doc["basket"], **_prefixed("benchmark_", own), **_prefixed("relative_", relative),
                   **_prefixed("benchmark_", relative)}  # the last: the deprecated names
        return pd.Series(figures, name=self.theme, dtype=float)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Cumulative return of the basket and the benchmark on ``ax`` (a new figure when None)."""
        import matplotlib.pyplot as plt
        from matplotlib.ticker import PercentFormatter

        if ax is None:
            _fig, ax = plt.subplots(figsize=(8, 4))
        equity = self.equity - 1.0
        ax.plot(equity.index, equity["basket"], label=f"basket ({self.theme})", color="#1f4e9c")
        if equity["benchmark"].notna().any():
            ax.plot(equity.index, equity["benchmark"], label=str(self._doc["benchmark"]["symbol"]), color="#8a8a8a")
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.axhline(0.0, color="#cccccc", linewidth=0.8)
        ax.set_title(f"{self.theme}: {self._doc['start']} → {self._doc['end']}" + (f" — {self.label}" if self.demo else ""))
        ax.legend(loc="best")
        return ax

    def _title(self) -> str:
        d = self._doc
        return f"{d['theme']} {d['theme_name']}: {d['start']} → {d['end']} ({d['sessions']} sessions)"

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        """The reports' headline figures and claims (see :mod:`screener.report.text`)."""
        import pandas as pd

        from screener.report.text import benchmark_label, claim_value, claimed_text, headline_rows, relative_rows
        from screener.report.view import ReportView

        view = ReportView(self._doc)
        figures = pd.DataFrame(headline_rows(view), columns=["figure", "basket", benchmark_label(view)])
        relative = pd.DataFrame(relative_rows(view), columns=["figure", "value"])
        claims = pd.DataFrame(
            [(c.id or c.kind, c.subject, claimed_text(c), claim_value(c, c.measured), c.verdict) for c in view.claims],
            columns=["claim", "subject", "claimed", "measured", "verdict"],
        )
        return [("Performance", figures), ("Against the benchmark", relative)] + ([("Claims", claims)] if len(claims) else [])


class ScreenResult(Result):
    """A screen: the document of ``screener screen --format json`` (README "Screens")
    with the rows, every screened symbol's factors, ``to_csv()`` and ``plot()``."""

    def __init__(self, screened: _Screened) -> None:
        from screener.screen.output import to_payload

        super().__init__(to_payload(screened))
        self._screened = screened

    @property
    def as_of(self) -> date:
        return self._screened.as_of

    @property
    def rows(self) -> pd.DataFrame:
        """The passing rows, sorted and cut to ``top``: ``symbol, name`` and every factor."""
        return self._screened.rows.copy()

    @property
    def table(self) -> pd.DataFrame:
        """Every screened symbol's factors, passing the filter or not."""
        return self._screened.table.copy()

    @property
    def summary(self) -> pd.Series:
        """Counts: ``screened, passed, failed, failed_missing``."""
        import pandas as pd

        s = self._doc["summary"]
        return pd.Series({k: s[k] for k in ("screened", "passed", "failed", "failed_missing")}, name="summary")

    @property
    def notes(self) -> list[str]:
        return list(self._doc["notes"])

    def to_csv(self) -> str:
        """The text of ``screener screen --format csv``."""
        from screener.screen.output import to_csv

        return to_csv(self._screened)

    def plot(self, field: str | None = None, ax: Axes | None = None) -> Axes:
        """A bar per row of ``field`` (default: the first sort field, else ``ret_20d``)."""
        import matplotlib.pyplot as plt

        name = field or (self._screened.sort[0] if self._screened.sort else "ret_20d")
        if name not in self._screened.rows.columns:
            raise UserError(_(
                "field: unknown factor {name!r}; valid fields: {doc}"
            ).format(name=name, doc=', '.join(self._doc['factors'])))
        if ax is None:
            _fig, ax = plt.subplots(figsize=(8, max(2.0, 0.3 * len(self._screened.rows))))
        rows = self._screened.rows
        ax.barh(list(rows["symbol"])[::-1], list(rows[name].astype(float))[::-1], color="#1f4e9c")
        ax.set_title(f"{name}, as of {self.as_of}" + (f" — {self.label}" if self.demo else ""))
        return ax

    def _warning_records(self) -> list[dict[str, Any]]:
        return [
            {"kind": i.kind, "symbol": i.symbol, "date": i.date.isoformat() if i.date else None, "message": i.message}
            for i in self._screened.warnings
        ]

    def _title(self) -> str:
        u = self._doc["universe"]
        return f"{u['name']} [{u['id']}]: {u['size']} symbols as of {self._doc['as_of']}"

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        """The rows as the terminal table shows them (see :mod:`screener.screen.output`)."""
        import pandas as pd

        from screener.screen.output import table_columns, table_rows

        columns = table_columns(self._screened, None)
        rows = pd.DataFrame(table_rows(self._screened, columns), columns=["#", "symbol", "name", *columns])
        return [("Rows", rows)]

    def _lines(self) -> list[str]:
        from screener.screen.output import summary_lines

        where = f", where {self._doc['where']}" if self._doc["where"] else ""
        return [f"benchmark {self._doc['benchmark']}{where}", *summary_lines(self._screened)]


class EventResult(_Reported):
    """An event study: the document of ``screener event --format json`` (README "Event
    studies") with pandas views, ``plot()`` and ``export()``."""

    @property
    def events(self) -> pd.DataFrame:
        """One row per event: ``date`` (as given), ``session`` (day 0), ``label``,
        ``quote``, ``source``, ``symbols`` (the members studied at it)."""
        import pandas as pd

        return pd.DataFrame(self._doc["events"], columns=["date", "session", "label", "quote", "source", "symbols"])

    @property
    def members(self) -> pd.DataFrame:
        """One row per member and event, indexed by (``symbol``, ``event_date``): the
        model's estimates, CAR with its t and p, and tradability (the columns of the
        members CSV report)."""
        import pandas as pd

        from screener.report.event.csv import MEMBER_COLUMNS, member_row

        rows = [member_row(m) for m in self._doc["members"]]
        return pd.DataFrame(rows, columns=MEMBER_COLUMNS).set_index(["symbol", "event_date"])

    @property
    def ar(self) -> pd.DataFrame:
        """Every abnormal return, long: ``symbol, event_date, day, date, ret,
        benchmark_ret, ar, t, span`` (``span``: sessions the return covers)."""
        import pandas as pd

        from screener.report.event.csv import AR_COLUMNS

        rows = [{"symbol": m["symbol"], "event_date": m["event_date"], **a} for m in self._doc["members"] for a in m["ar"]]
        return pd.DataFrame(rows, columns=AR_COLUMNS)

    @property
    def caar(self) -> pd.DataFrame:
        """By relative ``day``: ``aar`` with its t, p and n; ``caar`` with its t, p and 95% band."""
        import pandas as pd

        from screener.report.event.csv import CAAR_COLUMNS, caar_rows
        from screener.report.event.view import EventView

        return pd.DataFrame(caar_rows(EventView(self._doc)), columns=CAAR_COLUMNS).set_index("day")

    @property
    def tests(self) -> pd.DataFrame:
        """By window (``pre``, ``day0``, ``day0_1``, ``post``, ``from_day0``, ``window``): the
        days, N, CAAR and the cross-sectional, Patell, BMP and adjusted BMP statistics."""
        import pandas as pd

        return pd.DataFrame.from_dict(self._doc["tests"]["windows"], orient="index")

    def plot(self, ax: Axes | None = None) -> Axes:
        """The CAAR by relative day with its 95% band, day 0 marked."""
        import matplotlib.pyplot as plt
        from matplotlib.ticker import PercentFormatter

        if ax is None:
            _fig, ax = plt.subplots(figsize=(8, 4))
        caar = self.caar
        ax.fill_between(caar.index, caar["caar_lo95"].astype(float), caar["caar_hi95"].astype(float), color="#1f4e9c",
                        alpha=0.15, lw=0, label="95% band")
        ax.plot(caar.index, caar["caar"].astype(float), color="#1f4e9c", marker="o", ms=3, label="CAAR")
        ax.axvline(0, color="#b00020", ls="--", lw=1.0, label="day 0")
        ax.axhline(0.0, color="#cccccc", linewidth=0.8)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel("session relative to day 0")
        ax.set_title(f"{self.theme}: CAAR ({self._doc['model']} model)" + (f" — {self.label}" if self.demo else ""))
        ax.legend(loc="best")
        return ax

    def _view(self) -> Any:
        from screener.report.event.view import EventView

        return EventView(self._doc)

    def _title(self) -> str:
        from screener.report.event import text

        return str(text.title(self._view()))

    def _lines(self) -> list[str]:
        from screener.report.event import text

        view = self._view()
        return [text.setup_line(view), text.residual_note(view)]

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        """The reports' tests, CAR and tradability tables."""
        import pandas as pd

        from screener.report.event import text

        view = self._view()
        return [(caption, pd.DataFrame(rows, columns=headers)) for caption, (headers, rows) in (
            ("Tests", text.test_table(view)), ("Members", text.car_table(view)),
            ("Tradability", text.tradability_table(view)))]


class ComparisonResult(Result):
    """Many backtests side by side: the document of ``screener compare|sweep|scan boards
    --format json`` (README "Many backtests at once") with the ranked cells, the spread
    of each figure, the equity curves, ``plot()`` and ``export()``."""

    @property
    def kind(self) -> str:
        """``compare``, ``sweep`` or ``scan``."""
        return str(self._doc["kind"])

    @property
    def grid(self) -> dict[str, list[Any]]:
        """What varies: key -> values (a compare's ``theme``, a scan's ``board``)."""
        return copy.deepcopy(self._doc["grid"])

    @property
    def cells(self) -> pd.DataFrame:
        """One row per cell in rank order, indexed by ``rank``: its params (one column a
        grid key), ``theme``, ``theme_name``, ``start``, ``end``, ``sessions``, then every
        figure (``total_return`` ... ``information_ratio``), ``claims_hold``,
        ``claims_total``, ``warnings_n``."""
        import pandas as pd

        from screener.batch.document import FIGURES, figure

        rows = []
        for c in self._doc["cells"]:
            row: dict[str, Any] = {"rank": c["rank"], **c["params"], "theme": c["theme"], "theme_name": c["theme_name"],
                                   "start": c["window"]["start"], "end": c["window"]["end"],
                                   "sessions": c["window"]["sessions"]}
            row.update({name: figure(c, name) for name in FIGURES})
            row.update(claims_total=c["claims_total"], warnings_n=c["warnings_n"])
            rows.append(row)
        return pd.DataFrame(rows).set_index("rank")

    @property
    def summary(self) -> pd.DataFrame:
        """Each figure's ``min``, ``median`` and ``max`` over every cell (not just ``top``)."""
        import pandas as pd

        return pd.DataFrame(self._doc["summary"]).T[["min", "median", "max"]].astype(float)

    @property
    def curves(self) -> pd.DataFrame:
        """The basket's equity (1.0 at each cell's base date) of the first ranked cells,
        one column per rank, indexed by date (NaN outside a cell's window)."""
        import pandas as pd

        series = {c["rank"]: pd.Series(c["basket"], index=pd.to_datetime(c["dates"])) for c in self._doc["curves"]}
        return pd.DataFrame(series).sort_index()

    def export(self, formats: str | Sequence[str], out: PathLike = "reports", force: bool = False) -> list[Path]:
        """Write the comparison report (``"html,md"`` or a list: html, md, csv, json, xlsx)
        into ``out`` as ``--export`` does; returns the paths. Existing files are kept
        unless ``force``."""
        from screener.report.comparison import export

        fmts = formats.split(",") if isinstance(formats, str) else list(formats)
        return export(self._doc, fmts, Path(out), force=force, spell=_export_keyword)

    def plot(self, ax: Axes | None = None) -> Axes:
        """The first ranked cells' cumulative returns, overlaid, on ``ax`` (a new figure when None)."""
        import matplotlib.pyplot as plt
        from matplotlib.ticker import PercentFormatter

        from screener.batch.output import cell_label

        if ax is None:
            _fig, ax = plt.subplots(figsize=(8, 4))
        labels = {c["rank"]: cell_label(c) for c in self._doc["cells"]}
        for rank, equity in self.curves.items():
            ax.plot(equity.index, equity - 1.0, label=f"#{rank} {labels.get(rank, '')}".strip())
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.axhline(0.0, color="#cccccc", linewidth=0.8)
        ax.set_title(self._title() + (f" — {self.label}" if self.demo else ""))
        ax.legend(loc="best", fontsize="small")
        return ax

    def _warning_records(self) -> list[dict[str, Any]]:
        return [{"kind": "note", "symbol": None, "date": None, "message": n} for n in self._doc["notes"]]

    def _title(self) -> str:
        from screener.batch.output import headline

        return headline(self._doc)[1]  # after the data's label, which the view shows already

    def _lines(self) -> list[str]:
        from screener.batch.output import headline

        return headline(self._doc)[2:]

    def _tables(self) -> list[tuple[str, pd.DataFrame]]:
        """The ranked table and the spread, as the terminal shows them."""
        import pandas as pd

        from screener.batch.output import ranked_table, spread_table

        columns, rows, _ = ranked_table(self._doc)
        spread, spread_rows, _ = spread_table(self._doc)
        return [("Ranked", pd.DataFrame(rows, columns=columns)),
                (f"Spread over all {self._doc['n_cells']} cells", pd.DataFrame(spread_rows, columns=spread))]


# -- functions ----------------------------------------------------------------------------


def load_theme(id_or_path: str | Path, themes_dirs: Iterable[PathLike] | None = None) -> Theme:
    """A theme by id (searched like ``--themes-dir``: ``themes_dirs`` first, then
    ``$SCREENER_THEMES_PATH``, the user's folder, built-in, plugins) or by YAML path.
    Raises :class:`screener.ThemeError` listing each ``file:line`` problem."""
    from screener.theme.registry import ThemeRegistry

    return ThemeRegistry.default(_folders(themes_dirs, "themes_dirs")).load(str(id_or_path))


def backtest(
    theme: str | Path | Theme,
    *,
    start: date | str | None = None,
    end: date | str | None = None,
    rebalance: str | None = None,
    weights: str | None = None,
    members: str | None = None,
    benchmark: str | None = None,
    fill: str | None = None,
    cash: float | None = None,
    costs: bool | Mapping[str, Any] | None = None,
    engine: str | None = None,
    demo: bool = False,
    data_dir: PathLike | None = None,
    offline: bool = False,
    cache_dir: PathLike | None = None,
    proxy: str | None = None,
    provider: str | None = None,
    themes_dirs: Iterable[PathLike] | None = None,
    specs_dirs: Iterable[PathLike] | None = None,
    **options: Any,
) -> BacktestResult:
    """Backtest a theme, as ``screener backtest`` does (README "Backtests").

    ``theme`` is a theme id (``"fiber"``), a saved spec id (``"fiber-ytd-2026"``), a path
    to a theme or spec file, or a loaded :class:`~screener.theme.model.Theme`. Options
    left at ``None`` take the spec's value, else the command's default: the window from
    the first ``period_return`` claim's start (else 1 January) to the latest session
    with data; ``rebalance="none"`` (``monthly``, ``quarterly``), ``weights="equal"``
    (``theme``), ``members="all"`` (``named``), the theme's benchmark (else
    ``000300.SH``), ``fill="open"`` (``close``), ``cash=1_000_000`` CNY, costs on
    (``costs=False``: none; or a mapping of cost fields). ``**options`` takes every other
    field of :class:`~screener.backtest.settings.BacktestSettings` (``lot_size``,
    ``risk_free``, ...) and the cost fields flat (``commission``, ``min_commission``,
    ``stamp_duty``, ``transfer_fee``). Data: ``demo`` (synthetic, labelled DEMO),
    ``data_dir`` (your CSV/Parquet files), else akshare behind the cache (``offline``:
    the cache only).
    """
    from screener.backtest import request
    from screener.backtest.run import run_backtest

    given = {"start": _date(start, "start"), "end": _date(end, "end"), "rebalance": rebalance,
             "weights": weights, "members": members, "benchmark": benchmark, "fill": fill, "cash": cash,
             "costs": costs, "engine": engine, **options}
    chosen, spec_values = _target(theme, themes_dirs, specs_dirs)
    settings = request.settings(spec_values, given, spell=keyword)
    store = _store(demo, data_dir, offline, cache_dir, proxy, provider)
    return BacktestResult(run_backtest(chosen, settings, store))


def screen(
    target: str | Path | None = None,
    *,
    board: str | None = None,
    board_source: str = "em",
    universe: str | None = None,
    as_of: date | str | None = None,
    where: str | None = None,
    sort: str | Sequence[str] | None = None,
    descending: bool = True,
    top: int | None = None,
    benchmark: str | None = None,
    demo: bool = False,
    data_dir: PathLike | None = None,
    offline: bool = False,
    cache_dir: PathLike | None = None,
    proxy: str | None = None,
    provider: str | None = None,
    themes_dirs: Iterable[PathLike] | None = None,
) -> ScreenResult:
    """Screen and rank, as ``screener screen`` does (README "Screens").

    Exactly one of ``target`` (a theme id or path), ``board`` (``main``, ``star``,
    ``chinext``, ``bse``, or a board code such as ``BK0715`` from ``board_source``) or
    ``universe="all"``. Factors are computed at the close of ``as_of`` (default: the
    latest session in the data); ``where`` is the ``--where`` language
    (``"ret_20d > 5% and not limit_up_today"``); ``sort`` one field or several
    (``"ret_60d"`` or ``["ret_60d", "vol_20d"]``), descending unless ``descending=False``;
    ``top`` keeps the first rows. Data options as for :func:`backtest`.
    """
    from screener.screen import request

    screened = request.run(
        str(target) if target is not None else None, board=board, board_source=board_source,
        universe=universe, as_of=_date(as_of, "as_of"), where=where, sort=sort, descending=descending,
        top=top, benchmark=benchmark, themes_dirs=_folders(themes_dirs, "themes_dirs"),
        data=_data_options(demo, data_dir, offline, cache_dir, proxy, provider),
        note=lambda text: _warnings.warn(text, stacklevel=4),  # at the caller of screen()
        spell=keyword,
    )
    return ScreenResult(screened)


def event(
    theme: str | Path | Theme,
    *,
    dates: date | str | Sequence[date | str] | None = None,
    on: str | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
    window: str | tuple[int, int] | None = None,
    estimation: str | tuple[int, int] | None = None,
    model: str | None = None,
    min_estimation: int | None = None,
    benchmark: str | None = None,
    members: str | None = None,
    demo: bool = False,
    data_dir: PathLike | None = None,
    offline: bool = False,
    cache_dir: PathLike | None = None,
    proxy: str | None = None,
    provider: str | None = None,
    themes_dirs: Iterable[PathLike] | None = None,
    specs_dirs: Iterable[PathLike] | None = None,
) -> EventResult:
    """Study a theme's events, as ``screener event`` does (README "Event studies").

    ``theme`` is a theme id, a spec id (its theme, members and benchmark), a path, or a
    loaded :class:`~screener.theme.model.Theme`. Events: ``dates`` (one date or several),
    else the theme's ``events:``, else its sources' dates; or ``on="limit-up"`` for every
    limit-up close from ``start`` (default 1 January of this year) to ``end`` (default
    the latest session). ``window`` and ``estimation`` are ``"-10:20"`` text or a
    ``(from, to)`` pair of sessions from day 0 (defaults ``-10:20`` and ``-250:-30``);
    ``model`` is ``"market"`` (default), ``"market-adjusted"`` or ``"mean"``;
    ``min_estimation`` the fewest estimation sessions a fit needs (default 60).
    Data options as for :func:`backtest`.
    """
    from screener.event import request
    from screener.event.run import run_event_study

    listed = [dates] if isinstance(dates, (date, str)) else list(dates or [])
    given = {"dates": [_date(d, "dates") for d in listed], "on": on, "start": _date(start, "start"),
             "end": _date(end, "end"), "window": window, "estimation": estimation, "model": model,
             "min_estimation": min_estimation, "benchmark": benchmark, "members": members}
    chosen, spec_values = _target(theme, themes_dirs, specs_dirs)
    settings = request.settings(spec_values, given, spell=keyword)
    store = _store(demo, data_dir, offline, cache_dir, proxy, provider)
    return EventResult(run_event_study(chosen, settings, store))


def bars(
    symbols: str | Sequence[str],
    start: date | str | None = None,
    end: date | str | None = None,
    *,
    demo: bool = False,
    data_dir: PathLike | None = None,
    offline: bool = False,
    cache_dir: PathLike | None = None,
    proxy: str | None = None,
    provider: str | None = None,
) -> pd.DataFrame:
    """Daily bars of ``symbols`` (any form: ``600522``, ``sh600522``, ``600522.SH``) from
    ``start`` to ``end`` (default: all the data has), as ``screener data fetch`` loads them.

    Long format, one row per symbol and session, in the order the symbols were given,
    then by date. Columns: ``date`` (datetime64), ``symbol``, ``open high low close``
    (raw, unadjusted CNY), ``volume`` (shares), ``amount`` (CNY; NaN when the source lacks
    it), ``adj_factor`` (hfq price / raw price; ``close * adj_factor`` is the
    total-return price), ``turnover`` (fraction of float shares; NaN when unknown). A
    session without a row is a suspension. ``attrs`` holds ``data_source``, ``label``,
    ``missing`` (symbols without data: also a warning) and ``issues`` (data-quality
    findings). No data for any symbol raises :class:`screener.DataError`.
    """
    import pandas as pd

    from screener.data.model import BAR_COLUMNS
    from screener.symbols import normalize

    wanted = list(dict.fromkeys(normalize(s) for s in ([symbols] if isinstance(symbols, str) else symbols)))
    if not wanted:
        raise UserError(_("symbols: name at least one symbol, e.g. 600522.SH"))
    first, last = _date(start, "start"), _date(end, "end")
    if first and last and first > last:
        raise UserError(_("start {first} is after end {last}").format(first=first, last=last))
    store = _store(demo, data_dir, offline, cache_dir, proxy, provider)
    md = store.load(wanted, first, last)
    frames = [md.bars[s].frame.reset_index().assign(symbol=s) for s in wanted if s in md.bars]
    missing = [s for s in wanted if s not in md.bars or md.bars[s].frame.empty]
    if len(missing) == len(wanted):
        raise DataError(
            _(
                "no data for {wanted} ({label}): fetch them first (`screener data fetch SYMBOL...`), or "
                "pass demo=True or data_dir=FOLDER"
            ).format(wanted=', '.join(wanted), label=md.label)
        )
    if missing:
        _warnings.warn(_("no data for {missing} ({label})").format(missing=', '.join(missing), label=md.label), stacklevel=2)
    frame = pd.concat(frames, ignore_index=True)[["date", "symbol", *BAR_COLUMNS]]
    frame.attrs = {"data_source": md.source.value, "label": md.label, "missing": missing,
                   "issues": [{"kind": i.kind, "symbol": i.symbol, "date": i.date, "message": i.message}
                              for i in md.issues]}
    return frame


def _batch_run(
    *, sort: str | None, ascending: bool, top: int | None, workers: int | None, scheduler: str | None,
    demo: bool, data_dir: PathLike | None, offline: bool, cache_dir: PathLike | None, proxy: str | None,
    provider: str | None, themes_dirs: Iterable[PathLike] | None, specs_dirs: Iterable[PathLike] | None,
) -> Any:
    """How :func:`compare`, :func:`sweep` and :func:`scan_boards` run: the options the
    three commands share (``scheduler`` None: ``$SCREENER_DASK_SCHEDULER``, as the
    commands read it)."""
    import os

    from screener.batch.execute import Execution
    from screener.batch.request import Run

    if workers is not None and workers < 0:
        raise UserError(_(
            "workers: {workers} is not a number of processes; give 0 (in this process) or more"
        ).format(workers=workers))
    return Run(
        data=_data_options(demo, data_dir, offline, cache_dir, proxy, provider),
        execution=Execution(workers=workers, scheduler=scheduler or os.environ.get("SCREENER_DASK_SCHEDULER") or None),
        sort=sort, ascending=ascending, top=top,
        themes_dirs=_folders(themes_dirs, "themes_dirs"), specs_dirs=_folders(specs_dirs, "specs_dirs"),
        note=lambda text: _warnings.warn(text, stacklevel=4),  # at the caller of the API function
    )


def _options(start: date | str | None, end: date | str | None, **options: Any) -> dict[str, Any]:
    """Backtest options as :mod:`screener.backtest.request` takes them (dates checked)."""
    return {"start": _date(start, "start"), "end": _date(end, "end"), **options}


def compare(
    targets: Sequence[str | Path | Theme],
    *,
    start: date | str | None = None,
    end: date | str | None = None,
    rebalance: str | None = None,
    weights: str | None = None,
    members: str | None = None,
    benchmark: str | None = None,
    fill: str | None = None,
    cash: float | None = None,
    costs: bool | Mapping[str, Any] | None = None,
    sort: str | None = None,
    ascending: bool = False,
    top: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    demo: bool = False,
    data_dir: PathLike | None = None,
    offline: bool = False,
    cache_dir: PathLike | None = None,
    proxy: str | None = None,
    provider: str | None = None,
    themes_dirs: Iterable[PathLike] | None = None,
    specs_dirs: Iterable[PathLike] | None = None,
    **options: Any,
) -> ComparisonResult:
    """Backtest several themes or specs over one window, as ``screener compare`` does.

    ``targets`` are theme or spec ids, paths, or loaded themes. Backtest options are
    those of :func:`backtest` and apply to every target (a spec's own options to its
    cell). ``sort`` ranks by a figure (default ``total_return``; ``ascending=True`` for
    the lowest first), ``top`` keeps the first cells. ``workers``/``scheduler`` choose
    where cells run (see :func:`sweep`). Data options as for :func:`backtest`.
    """
    from screener.batch import request
    from screener.theme.model import Theme as ThemeModel

    chosen: list[str | ThemeModel] = [t if isinstance(t, ThemeModel) else str(t) for t in targets]
    run = _batch_run(sort=sort, ascending=ascending, top=top, workers=workers, scheduler=scheduler, demo=demo,
                     data_dir=data_dir, offline=offline, cache_dir=cache_dir, proxy=proxy, provider=provider,
                     themes_dirs=themes_dirs, specs_dirs=specs_dirs)
    given = _options(start, end, rebalance=rebalance, weights=weights, members=members, benchmark=benchmark, fill=fill,
                     cash=cash, costs=costs, **options)
    return ComparisonResult(request.compare(chosen, given, run))


def sweep(
    theme: str | Path | Theme,
    vary: Mapping[str, Sequence[Any] | str] | None = None,
    *,
    start: date | str | None = None,
    end: date | str | None = None,
    rebalance: str | None = None,
    weights: str | None = None,
    members: str | None = None,
    benchmark: str | None = None,
    fill: str | None = None,
    cash: float | None = None,
    costs: bool | Mapping[str, Any] | None = None,
    sort: str | None = None,
    ascending: bool = False,
    top: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    demo: bool = False,
    data_dir: PathLike | None = None,
    offline: bool = False,
    cache_dir: PathLike | None = None,
    proxy: str | None = None,
    provider: str | None = None,
    themes_dirs: Iterable[PathLike] | None = None,
    specs_dirs: Iterable[PathLike] | None = None,
    **options: Any,
) -> ComparisonResult:
    """Backtest one theme or spec over a grid of options, as ``screener sweep`` does.

    ``vary`` maps an option to its values (``{"rebalance": ["none", "monthly"]}``; a
    ``start`` may be ``"rolling:2025-01-01..2025-12-31/20"``), the grid being every
    combination; a spec's ``sweep:`` block is used for the keys ``vary`` leaves out.
    Other options are shared by every cell. Cells run in this process when the grid is
    small or ``workers=0``, else on a local Dask cluster of ``workers`` processes
    (default: the CPU count), or on the cluster at ``scheduler`` (``tcp://HOST:PORT``;
    default ``$SCREENER_DASK_SCHEDULER``).
    """
    from screener.batch import request
    from screener.theme.model import Theme as ThemeModel

    chosen: str | ThemeModel = theme if isinstance(theme, ThemeModel) else str(theme)
    run = _batch_run(sort=sort, ascending=ascending, top=top, workers=workers, scheduler=scheduler, demo=demo,
                     data_dir=data_dir, offline=offline, cache_dir=cache_dir, proxy=proxy, provider=provider,
                     themes_dirs=themes_dirs, specs_dirs=specs_dirs)
    given = _options(start, end, rebalance=rebalance, weights=weights, members=members, benchmark=benchmark, fill=fill,
                     cash=cash, costs=costs, **options)
    return ComparisonResult(request.sweep(chosen, vary, given, run))


def scan_boards(
    *,
    source: str = "em",
    start: date | str | None = None,
    end: date | str | None = None,
    rebalance: str | None = None,
    benchmark: str | None = None,
    fill: str | None = None,
    cash: float | None = None,
    costs: bool | Mapping[str, Any] | None = None,
    sort: str | None = None,
    ascending: bool = False,
    top: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    demo: bool = False,
    data_dir: PathLike | None = None,
    offline: bool = False,
    cache_dir: PathLike | None = None,
    proxy: str | None = None,
    provider: str | None = None,
    **options: Any,
) -> ComparisonResult:
    """Every board the data lists (the demo's boards, or the boards in the cache) as an
    equal-weight basket of its stocks, ranked, as ``screener scan boards`` does."""
    from screener.batch import request

    run = _batch_run(sort=sort, ascending=ascending, top=top, workers=workers, scheduler=scheduler, demo=demo,
                     data_dir=data_dir, offline=offline, cache_dir=cache_dir, proxy=proxy, provider=provider,
                     themes_dirs=None, specs_dirs=None)
    given = _options(start, end, rebalance=rebalance, benchmark=benchmark, fill=fill, cash=cash, costs=costs, **options)
    return ComparisonResult(request.scan_boards(given, run, source=source))
