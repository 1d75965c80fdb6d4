"""A read-only view of a backtest result (the JSON contract of ``screener backtest``)
for the renderers: checked fields, tolerant of optional ones, plus the few series that
are *derived* from the equity curve (drawdown, monthly returns). Nothing here invents a
number: every figure is read from the result or computed from its equity series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from screener.errors import UserError
from screener.fmt import number as _num
from screener.i18n import _
from screener.theme.model import SLUG_RE

ROLLING = 60  # sessions of the rolling excess return


class ReportError(UserError):
    """A result that cannot be rendered, or a report that cannot be written."""


@dataclass(frozen=True)
class Member:
    symbol: str
    name: str
    board: str | None
    weight: float | None
    total_return: float | None
    contribution: float | None
    trades: int | None
    blocked_orders: int | None
    shares_end: float | None  # raw shares held at the last session (see text.shares_note)
    named_in_source: bool | None
    in_basket: bool
    raw: dict[str, Any]


@dataclass(frozen=True)
class Warning:
    kind: str
    symbol: str
    date: str
    message: str


@dataclass(frozen=True)
class Mark:
    date: date
    label: str
    kind: str  # "event" or "source"


@dataclass(frozen=True)
class Claim:
    id: str
    kind: str
    subject: str
    window: str
    claimed: Any
    measured: Any
    verdict: str
    detail: str
    quote: str
    raw: dict[str, Any]


class ReportView:
    """The result dict, checked once, with helpers the renderers share."""

    def __init__(self, result: dict[str, Any]):
        if not isinstance(result, dict):
            raise ReportError(_(
                "a backtest result must be a JSON object (the output of `screener backtest --format json`)"
            ))
        missing = [k for k in ("theme", "start", "end", "equity") if result.get(k) in (None, "", [])]
        if missing:
            raise ReportError(
                _(
                    "the backtest result has no {missing}: pass a result written by `screener backtest "
                    "--format json` or `--export json`"
                ).format(missing=', '.join(missing))
            )
        self.result = result
        theme = result["theme"]
        self.theme_id: str = str(theme.get("id") if isinstance(theme, dict) else theme)
        self.theme_name: str = str(
            (theme.get("name") if isinstance(theme, dict) else None) or result.get("theme_name") or self.theme_id
        )
        self.start = _iso_date(result["start"], "start")
        self.end = _iso_date(result["end"], "end")
        self.base_date = _opt_date(result.get("base_date"))
        self.data_source = str(result.get("data_source") or "unknown")
        self.label = str(result.get("label") or "")
        self.settings: dict[str, Any] = dict(result.get("settings") or {})
        self.basket: dict[str, Any] = dict(result.get("basket") or {})
        self.benchmark: dict[str, Any] = dict(result.get("benchmark") or {})
        # basket-vs-benchmark figures: a ``relative`` block, or (older results) the benchmark's
        self.relative: dict[str, Any] = dict(result.get("relative") or self.benchmark)
        self.members = [_member(m) for m in result.get("members") or []]
        self.claims = [_claim(c) for c in result.get("claims") or []]
        self.warnings = [_warning(w) for w in result.get("warnings") or []]
        self.equity = _equity_frame(result["equity"])

    # -- identity ---------------------------------------------------------------------
    @property
    def is_demo(self) -> bool:
        return bool(self.result.get("demo")) or self.data_source == "demo" or "DEMO" in self.label

    @property
    def stem(self) -> str:
        """``<theme>_<start>_<end>``; the theme id must be a slug (no path tricks)."""
        if not SLUG_RE.match(self.theme_id):
            raise ReportError(
                _(
                    "theme id {theme_id!r} cannot name a report file: use a slug of lower-case letters, "
                    "digits and '-' (e.g. green-power)"
                ).format(theme_id=self.theme_id)
            )
        return f"{self.theme_id}_{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def data_through(self) -> date:
        """The last date in the equity series: the data's date."""
        return self.equity.index[-1].date()

    @property
    def sessions(self) -> int:
        """Sessions after the base date: the result's count, else the equity rows'."""
        n = self.result.get("sessions")
        return n if isinstance(n, int) and not isinstance(n, bool) else len(self.equity) - 1

    @property
    def min_sessions(self) -> int:
        """Sessions needed for annualised figures (fewer: a short window)."""
        from screener.backtest.metrics import MIN_ANNUALISE_SESSIONS  # numpy and pandas: only when rendering

        return MIN_ANNUALISE_SESSIONS

    @property
    def short_window(self) -> bool:
        """Too few sessions to annualise: the result's ``short_window``, else the count's."""
        flag = self.result.get("short_window")
        return flag if isinstance(flag, bool) else self.sessions < self.min_sessions

    def marks(self) -> list[Mark]:
        """Dated news to mark on the charts: the theme's ``events`` when the result has
        them, else its sources' publication dates."""
        marks = [_mark(e, "event") for e in self.result.get("events") or [] if isinstance(e, dict)]
        if not marks:
            marks = [_mark(s, "source") for s in self.result.get("sources") or [] if isinstance(s, dict)]
        return sorted((m for m in marks if m is not None), key=lambda m: m.date)

    def claim_windows(self) -> list[tuple[str, date, date]]:
        """(claim id, first day, last day) of each claim with dates, in order."""
        out = []
        for c in self.claims:
            first = _loose_date(c.raw.get("date") or c.raw.get("start"))
            last = _loose_date(c.raw.get("date") or c.raw.get("end")) or first
            if first is not None and last is not None:
                out.append((c.id or c.kind, first, last))
        return out

    @property
    def has_benchmark_series(self) -> bool:
        return "benchmark" in self.equity and self.equity["benchmark"].notna().any()

    # -- derived series ---------------------------------------------------------------
    def drawdown(self) -> Any:
        """Underwater curves: value / running peak − 1, per column of the equity frame."""
        eq = self.equity
        return eq / eq.cummax() - 1.0

    def relative_strength(self) -> Any:
        """Basket ÷ benchmark equity (1.0 at the base date; rising: the basket leads)."""
        eq = self.equity
        return eq["basket"] / eq["benchmark"]

    def rolling_excess(self, window: int = ROLLING) -> Any:
        """The basket's return over the last ``window`` sessions minus the benchmark's over
        the same sessions, at each session (NaN before ``window`` sessions have passed)."""
        eq = self.equity
        return eq["basket"] / eq["basket"].shift(window) - eq["benchmark"] / eq["benchmark"].shift(window)

    def monthly_returns(self, column: str = "basket") -> Any:
        """Monthly returns of one equity column as a year × month DataFrame (NaN where
        the window has no session) plus a ``year`` column compounding the year's months.

        A month's return is its last value over the last value before it; the first
        month is measured from the base value (the first row). A month holding only the
        base row is left out."""
        import pandas as pd

        s = self.equity[column].dropna()
        if len(s) < 2:
            return pd.DataFrame()
        period = s.index.to_period("M")
        last = s.groupby(period).last()
        counts = s.groupby(period).size()
        prev = last.shift(1)
        prev.iloc[0] = s.iloc[0]
        rets = last / prev - 1.0
        if counts.iloc[0] == 1:
            rets = rets.iloc[1:]
        table = pd.DataFrame(
            {"year": rets.index.year, "month": rets.index.month, "ret": rets.to_numpy()}
        ).pivot(index="year", columns="month", values="ret")
        table = table.reindex(columns=range(1, 13))
        table["year"] = (1.0 + table[list(range(1, 13))]).prod(axis=1, min_count=1) - 1.0
        return table


# -- parsing helpers -------------------------------------------------------------------
def _iso_date(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ReportError(_(
            "the backtest result's {field} {value!r} is not a YYYY-MM-DD date"
        ).format(field=field, value=value)) from None


def _opt_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return _iso_date(value, "base_date")


def _loose_date(value: Any) -> date | None:
    """A YYYY-MM-DD date, or None when missing or malformed (optional decoration)."""
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _mark(record: dict[str, Any], kind: str) -> Mark | None:
    day = _loose_date(record.get("date"))
    if day is None:
        return None
    text = record.get("label") or record.get("publisher") or record.get("title") or ""
    return Mark(day, str(text), kind)


def _int(value: Any) -> int | None:
    f = _num(value)
    return None if f is None else int(f)


def _board(symbol: str, given: Any) -> str | None:
    if given:
        return str(given)
    from screener.errors import SymbolError
    from screener.symbols import BOARD_LABELS, parse_symbol

    try:
        return BOARD_LABELS[parse_symbol(symbol).board]
    except SymbolError:
        return None


def _member(m: dict[str, Any]) -> Member:
    symbol = str(m.get("symbol") or "")
    blocked = m.get("blocked_orders")
    if isinstance(blocked, list):  # a list of blocked orders: count them
        blocked = len(blocked)
    trades = m.get("trades")
    if isinstance(trades, list):
        trades = len(trades)
    return Member(
        symbol=symbol,
        name=str(m.get("name") or symbol),
        board=_board(symbol, m.get("board")),
        weight=_num(m.get("weight_start", m.get("weight"))),
        total_return=_num(m.get("total_return")),
        contribution=_num(m.get("contribution")),
        trades=_int(trades),
        blocked_orders=_int(blocked),
        shares_end=_num(m.get("shares_end")),
        named_in_source=m.get("named_in_source") if isinstance(m.get("named_in_source"), bool) else None,
        in_basket=m.get("in_basket") is not False,
        raw=dict(m),
    )


def _claim(c: dict[str, Any]) -> Claim:
    if c.get("date"):
        window = str(c["date"])
    elif c.get("start") and c.get("end") and c["start"] != c["end"]:
        window = f"{c['start']} → {c['end']}"
    else:
        window = str(c.get("start") or c.get("end") or "")
    verdict = str(c.get("verdict") or "no_data")
    return Claim(
        id=str(c.get("id") or ""),
        kind=str(c.get("kind") or ""),
        subject=str(c.get("subject") or ", ".join(map(str, c.get("symbols") or [])) or ""),
        window=window,
        claimed=c.get("claimed"),
        measured=c.get("measured"),
        verdict=verdict,
        detail=str(c.get("detail") or ""),
        quote=str(c.get("quote") or ""),
        raw=dict(c),
    )


def _warning(w: Any) -> Warning:
    if not isinstance(w, dict):
        return Warning("", "", "", str(w))
    msg = w.get("message") or w.get("detail") or w.get("text")
    if not msg:
        msg = ", ".join(f"{k}={v}" for k, v in w.items() if k not in ("kind", "symbol", "date"))
    symbol, day = str(w.get("symbol") or ""), str(w.get("date") or "")
    if symbol and symbol not in str(msg):
        msg = f"{symbol}: {msg}"
    return Warning(str(w.get("kind") or ""), symbol, day, str(msg))


def _equity_frame(rows: Any) -> Any:
    import pandas as pd

    if not isinstance(rows, list) or not all(isinstance(r, dict) and "date" in r for r in rows):
        raise ReportError(_("the backtest result's equity must be a list of {date, basket, benchmark} rows"))
    frame = pd.DataFrame(rows)
    try:
        frame["date"] = pd.to_datetime(frame["date"], format="ISO8601")
    except (ValueError, TypeError):
        raise ReportError(_("the backtest result's equity has a date that is not YYYY-MM-DD")) from None
    if "basket" not in frame:
        raise ReportError(_("the backtest result's equity rows have no 'basket' value"))
    frame = frame.set_index("date").sort_index()
    cols = ["basket"] + (["benchmark"] if "benchmark" in frame else [])
    out = frame[cols].apply(pd.to_numeric, errors="coerce").astype(float)
    if out["basket"].isna().all():
        raise ReportError(_("the backtest result's equity has no basket values"))
    return out
