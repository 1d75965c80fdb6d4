"""A read-only view of a backtest result (the JSON contract of ``screener backtest``)
for the renderers: checked fields, tolerant of optional ones, plus the few series that
are *derived* from the equity curve (drawdown, monthly returns). Nothing here invents a
number: every figure is read from the result or computed from its equity series."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from screener.errors import UserError
from screener.theme.model import SLUG_RE

DASH = "—"


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
    named_in_source: bool | None
    in_basket: bool
    raw: dict[str, Any]


@dataclass(frozen=True)
class Warning:
    kind: str
    symbol: str
    date: str
    message: str

    @property
    def text(self) -> str:
        """One line: the kind, then the message (which names the symbol and dates)."""
        label = self.kind.replace("_", " ")
        return f"{label}: {self.message}" if label else self.message


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
            raise ReportError("a backtest result must be a JSON object (the output of `screener backtest --format json`)")
        missing = [k for k in ("theme", "start", "end", "equity") if result.get(k) in (None, "", [])]
        if missing:
            raise ReportError(
                f"the backtest result has no {', '.join(missing)}: "
                "pass a result written by `screener backtest --format json` or `--export json`"
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
                f"theme id {self.theme_id!r} cannot name a report file: use a slug of "
                "lower-case letters, digits and '-' (e.g. green-power)"
            )
        return f"{self.theme_id}_{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def data_through(self) -> date:
        """The last date in the equity series: the data's date."""
        return self.equity.index[-1].date()

    @property
    def benchmark_label(self) -> str:
        b = self.benchmark
        sym = b.get("symbol") or self.settings.get("benchmark") or "benchmark"
        return f"{b['name']} ({sym})" if b.get("name") else str(sym)

    @property
    def has_benchmark_series(self) -> bool:
        return "benchmark" in self.equity and self.equity["benchmark"].notna().any()

    # -- derived series ---------------------------------------------------------------
    def drawdown(self) -> Any:
        """Underwater curves: value / running peak − 1, per column of the equity frame."""
        eq = self.equity
        return eq / eq.cummax() - 1.0

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
        raise ReportError(f"the backtest result's {field} {value!r} is not a YYYY-MM-DD date") from None


def _opt_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return _iso_date(value, "base_date")


def _num(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if f != f else f  # NaN -> None


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
        raise ReportError("the backtest result's equity must be a list of {date, basket, benchmark} rows")
    frame = pd.DataFrame(rows)
    try:
        frame["date"] = pd.to_datetime(frame["date"], format="ISO8601")
    except (ValueError, TypeError):
        raise ReportError("the backtest result's equity has a date that is not YYYY-MM-DD") from None
    if "basket" not in frame:
        raise ReportError("the backtest result's equity rows have no 'basket' value")
    frame = frame.set_index("date").sort_index()
    cols = ["basket"] + (["benchmark"] if "benchmark" in frame else [])
    out = frame[cols].apply(pd.to_numeric, errors="coerce").astype(float)
    if out["basket"].isna().all():
        raise ReportError("the backtest result's equity has no basket values")
    return out


# -- formatting shared by the renderers --------------------------------------------------
def pct(value: Any, digits: int = 2, *, signed: bool = True) -> str:
    f = _num(value)
    if f is None:
        return DASH
    return f"{f:+.{digits}%}" if signed else f"{f:.{digits}%}"


def ratio(value: Any, digits: int = 2) -> str:
    f = _num(value)
    return DASH if f is None else f"{f:.{digits}f}"


def money(value: Any) -> str:
    f = _num(value)
    return DASH if f is None else f"{f:,.2f}"


def count(value: Any) -> str:
    return DASH if value is None else str(value)


def plain(value: Any) -> str:
    """A settings value as text: numbers as given (no unit guessing), lists joined."""
    if value is None:
        return DASH
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer():
            return f"{int(value):,}"
        return format(Decimal(repr(value)), "f")
    if isinstance(value, (list, tuple)):
        return ", ".join(plain(v) for v in value) or DASH
    return str(value)


_COMPARISONS = {"at_least": "≥ ", "at_most": "≤ ", "about": "≈ "}


def claimed_text(claim: Claim) -> str:
    """What the story claimed, with its comparison: "≥ +121.65%", "≈ +10.00% ±2.00%"."""
    text = claim_value(claim, claim.claimed)
    if claim.kind != "period_return" or text == DASH:
        return text
    op = _COMPARISONS.get(str(claim.raw.get("comparison") or ""), "")
    tol = _num(claim.raw.get("tolerance"))
    return op + text + (f" ±{tol:.2%}" if tol is not None else "")


def in_article(member: Member) -> str:
    """Whether the story names the member ("yes"), or it was added ("added")."""
    return DASH if member.named_in_source is None else ("yes" if member.named_in_source else "added")


# claim kinds whose claimed/measured numbers are returns or daily changes (fractions)
_FRACTION_KINDS = {"period_return", "limit_up", "close_up"}


def claim_value(claim: Claim, value: Any) -> str:
    """A claim's claimed/measured value: fractions shown as % for return and day-move
    claims (a day move's measured value maps each symbol to its change that day)."""
    if value is None:
        return DASH
    as_pct = claim.kind in _FRACTION_KINDS

    def one(v: Any) -> str:
        return pct(v) if as_pct and _num(v) is not None and not isinstance(v, str) else plain(v)

    if isinstance(value, dict):
        return "; ".join(f"{k} {one(v)}" for k, v in value.items()) or DASH
    return one(value)


def _rate(value: Any) -> str:
    f = _num(value)
    return DASH if f is None else f"{format(Decimal(repr(f * 100)).normalize(), 'f')}%"


def stamp_duty_text(value: Any) -> str:
    """``[{since, rate}, ...]`` as "0.1%, 0.05% from 2023-08-28" (a bare number as a rate)."""
    if isinstance(value, list) and all(isinstance(r, dict) and "rate" in r for r in value):
        return ", ".join(_rate(r["rate"]) + (f" from {r['since']}" if r.get("since") else "") for r in value) or DASH
    return _rate(value) if _num(value) is not None else plain(value)


def costs_note(costs: Any) -> str:
    """The cost settings in words; rates are fractions of traded value."""
    if not isinstance(costs, dict) or costs.get("enabled") is False or not costs:
        return "Costs: none (the run excluded trading costs)." if costs is not None else "Costs: not stated in the result."
    parts = []
    if "commission" in costs:
        floor = f" (at least {plain(costs['min_commission'])} CNY an order)" if costs.get("min_commission") is not None else ""
        parts.append(f"commission {_rate(costs['commission'])} of traded value{floor}")
    if "stamp_duty" in costs:
        parts.append(f"stamp duty on sells {stamp_duty_text(costs['stamp_duty'])}")
    if "transfer_fee" in costs:
        parts.append(f"transfer fee {_rate(costs['transfer_fee'])}")
    known = {"enabled", "commission", "min_commission", "stamp_duty", "transfer_fee"}
    parts += [f"{k} {plain(v)}" for k, v in flatten({k: v for k, v in costs.items() if k not in known})]
    return "Costs: " + "; ".join(parts) + "."


def setting_text(key: str, value: Any) -> str:
    """A setting's value for display."""
    if key == "lot_size" and value is None:
        return "board lots"
    if key.endswith("stamp_duty"):
        return stamp_duty_text(value)
    if key.endswith(("costs.commission", "costs.transfer_fee", "risk_free")) and _num(value) is not None:
        return _rate(value)
    if key in ("start", "end", "benchmark") and value is None:
        return "default"
    if key == "max_participation":
        return "no cap" if value is None else f"{_rate(value)} of a session's volume"
    if key == "slippage" and _num(value) is not None:
        return "none" if not value else f"{plain(value)} bps"
    return plain(value)


def settings_rows(settings: dict[str, Any]) -> list[tuple[str, str]]:
    return [(k, setting_text(k, v)) for k, v in flatten(settings)]


def flatten(d: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested settings as ``("costs.commission", 0.00025)`` pairs, in order."""
    out: list[tuple[str, Any]] = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out += flatten(v, key + ".")
        else:
            out.append((key, v))
    return out


def headline_rows(view: ReportView) -> list[tuple[str, str, str]]:
    """(figure, basket, benchmark) rows for the summary tables, read from the result."""
    b, m = view.basket, view.benchmark
    rows = [
        ("Total return", pct(b.get("total_return")), pct(m.get("total_return"))),
        ("Annualised return", pct(b.get("annualized_return")), pct(m.get("annualized_return"))),
        ("Volatility (annualised)", pct(b.get("volatility"), signed=False), pct(m.get("volatility"), signed=False)),
        ("Sharpe ratio", ratio(b.get("sharpe")), ratio(m.get("sharpe"))),
        ("Sortino ratio", ratio(b.get("sortino")), ratio(m.get("sortino"))),
        ("Max drawdown", pct(b.get("max_drawdown")), pct(m.get("max_drawdown"))),
        ("Calmar ratio", ratio(b.get("calmar")), ratio(m.get("calmar"))),
    ]
    return rows


def relative_rows(view: ReportView) -> list[tuple[str, str]]:
    """Basket-vs-benchmark figures and the basket's money figures, read from the result."""
    b, m = view.basket, view.benchmark
    return [
        ("Excess return", pct(m.get("excess_return"))),
        ("Beta", ratio(m.get("beta"))),
        ("Alpha (annualised)", pct(m.get("alpha"))),
        ("Tracking error", pct(m.get("tracking_error"), signed=False)),
        ("Information ratio", ratio(m.get("information_ratio"))),
        ("Final value (CNY)", money(b.get("final_value"))),
        ("Costs paid (CNY)", money(b.get("costs_paid"))),
        ("Turnover", pct(b.get("turnover"), signed=False)),
    ]


def methodology(view: ReportView) -> list[str]:
    """Plain-text notes on how the figures were made, with the settings in effect."""
    s = view.settings
    notes = [
        "A window is measured like an index: the basket is formed at the close of the last "
        f"session before the start (base date {view.base_date or DASH}) and valued at each close "
        f"through {view.end}; every equity series starts at 1.0 on the base date.",
    ]
    if s.get("fill"):
        notes.append(
            "Orders decided at a session's close fill at the next session's open."
            if s["fill"] == "open"
            else "Orders decided at a session's close fill at that same close."
        )
    if s.get("rebalance") or s.get("weights"):
        notes.append(f"Rebalancing: {plain(s.get('rebalance'))}; weights: {plain(s.get('weights'))}; "
                     f"members: {plain(s.get('members'))}.")
    notes.append(
        "A-share rules: buys in board lots, odd-lot sells allowed; T+1; no buy at the upper "
        "limit price and no sell at the lower one (such orders are counted as blocked); "
        "suspended members are not traded and are valued at their last close."
    )
    notes.append(costs_note(s.get("costs")))
    if s.get("sessions_per_year"):
        notes.append(
            f"Annualised figures use {plain(s['sessions_per_year'])} sessions a year"
            + (f" and a risk-free rate of {pct(s['risk_free'], signed=False)}." if _num(s.get("risk_free")) is not None else ".")
        )
    notes.append("Returns use adjusted prices (dividends and splits); lots, limits and costs use raw prices.")
    notes.append(
        "Return figures are read from the backtest result; drawdown and monthly returns are "
        "computed by the report from the daily equity series."
    )
    notes.append(
        "A period-return claim is measured over its own window on its proxy: an index that stands "
        "for the quoted one, or the theme's members at equal weight, no costs, close fills."
    )
    notes.append("Colours follow the A-share convention: red is up, green is down.")
    return notes
