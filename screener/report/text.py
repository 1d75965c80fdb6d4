"""The words of a report, in the language in use: labels, table rows, verdicts, notes.
Every renderer (terminal, HTML, Markdown, Excel) takes its text from here, so the
formats say the same thing; numbers go through :mod:`screener.fmt`."""

from __future__ import annotations

from typing import Any

from screener.fmt import DASH, number, pct, plain, rate, ratio, money
from screener.i18n import N_, _, ngettext
from screener.report.view import Claim, Member, ReportView, Warning

VERDICTS = {"holds": N_("holds"), "fails": N_("fails"), "no_data": N_("no data")}
CLAIM_KINDS = {"period_return": N_("period return"), "limit_up": N_("limit up"), "close_up": N_("closed up")}
BOARDS = {  # the result's board labels (screener.symbols.BOARD_LABELS)
    "main board": N_("main board"), "STAR Market": N_("STAR Market"), "ChiNext": N_("ChiNext"),
    "Beijing SE": N_("Beijing SE"), "index": N_("index"),
}
WARNING_KINDS = {
    "blocked_order": N_("blocked order"), "waiting_order": N_("waiting order"), "not_bought": N_("not bought"),
    "rebalance": N_("rebalance"), "missing_data": N_("missing data"), "data": N_("data"),
    "missing_sessions": N_("missing sessions"), "non_session_date": N_("non-session date"),
    "missing_price": N_("missing price"), "non_positive_price": N_("price ≤ 0"),
    "high_below_low": N_("high below low"), "close_outside_range": N_("close outside range"),
    "limit_breach": N_("beyond the price limit"), "zero_volume": N_("zero volume"),
    "adj_factor_unknown": N_("no adjustment factors"), "benchmark": N_("benchmark"),
    "member_listing": N_("listing"),
}
SETTINGS = {  # setting key -> label; keys not listed are shown as they are
    "theme": N_("theme"), "start": N_("start"), "end": N_("end"), "rebalance": N_("rebalance"), "weights": N_("weights"),
    "members": N_("members"), "benchmark": N_("benchmark"), "fill": N_("fill"), "cash": N_("starting cash (CNY)"),
    "lot_size": N_("lot size"), "lot_rule": N_("lot rule"), "risk_free": N_("risk-free rate"),
    "sessions_per_year": N_("sessions a year"), "costs.enabled": N_("costs"),
    "costs.commission": N_("commission"), "costs.min_commission": N_("minimum commission (CNY)"),
    "costs.stamp_duty": N_("stamp duty (sells)"), "costs.transfer_fee": N_("transfer fee"),
    "engine": N_("engine"), "max_participation": N_("maximum participation"), "slippage": N_("slippage"),
    "sweep": N_("sweep"),
}
SETTING_VALUES = {
    ("rebalance", "none"): N_("none (buy and hold)"), ("rebalance", "monthly"): N_("monthly"),
    ("rebalance", "quarterly"): N_("quarterly"), ("weights", "equal"): N_("equal"),
    ("weights", "theme"): N_("the theme's weights"), ("members", "all"): N_("all"),
    ("members", "named"): N_("named in the source"), ("fill", "open"): N_("next open"),
    ("fill", "close"): N_("same close"),
}
DATA_SOURCES = {"live": N_("live"), "cache": N_("cache"), "dir": N_("local files"), "demo": N_("demo"),
                "unknown": N_("unknown")}
# where a symbol's bars came from (``screener.data.model.Bars.origin``, a board's source),
# besides the data sources above
ORIGINS = {"eastmoney": N_("eastmoney"), "em": N_("eastmoney"), "sina": N_("sina"), "tencent": N_("tencent"),
           "ths": N_("THS")}
CACHED_ORIGIN = N_("cache ({origin})")  # bars read from the cache, fetched from origin
DEMO_TEXT = N_("DEMO — synthetic prices")  # screener.data.model.DEMO_LABEL, translated where shown
SHORT_WINDOW_FIGURES = ("annualized_return", "sharpe", "sortino", "calmar", "alpha", "information_ratio")
_COMPARISONS = {"at_least": "≥ ", "at_most": "≤ ", "about": "≈ "}
# claim kinds whose claimed/measured numbers are returns or daily changes (fractions)
_FRACTION_KINDS = {"period_return", "limit_up", "close_up"}


def label(table: dict[str, str], key: str) -> str:
    """``key``'s label from one of the tables above, translated (the key when unknown)."""
    return _(table[key]) if key in table else key.replace("_", " ")


def verdict(value: str) -> str:
    return label(VERDICTS, value)


def claim_kind(value: str) -> str:
    return label(CLAIM_KINDS, value)


def board(value: str | None) -> str:
    return DASH if not value else label(BOARDS, value)


def warning_text(w: Warning) -> str:
    """One line: the kind, then the message (which names the symbol and dates)."""
    return f"{label(WARNING_KINDS, w.kind)}: {w.message}" if w.kind else w.message


def in_article(member: Member) -> str:
    """Whether the story names the member, or it was added."""
    if member.named_in_source is None:
        return DASH
    return _("yes") if member.named_in_source else _("added")


def member_name(member: Member) -> str:
    return member.name if member.in_basket else _("{name} (dropped: no data)").format(name=member.name)


def shares_note() -> str:
    """What the members table's "shares at end" column (the result's ``shares_end``) is."""
    return _(
        "Shares at end: the raw shares held at the last session (not adjusted units); cash dividends "
        "are reinvested as shares at the ex-date reference price, so a count can have decimals."
    )


def benchmark_label(view: ReportView) -> str:
    b = view.benchmark
    sym = b.get("symbol") or view.settings.get("benchmark") or _("benchmark")
    return f"{b['name']} ({sym})" if b.get("name") else str(sym)


def sessions_text(n: int) -> str:
    return ngettext("{n} session", "{n} sessions", n).format(n=n)


# -- figures ----------------------------------------------------------------------------
def figure(view: ReportView, side: dict[str, Any], key: str, hidden: Any = None) -> Any:
    """A figure of the basket, benchmark or relative block, or ``hidden`` where a short
    window makes it meaningless (annualised figures below :data:`MIN_SESSIONS` sessions)."""
    if view.short_window and key in SHORT_WINDOW_FIGURES:
        return hidden
    return side.get(key)


def short_window_note(view: ReportView) -> str:
    return _(
        "Window too short to annualise: {sessions}, fewer than {minimum}; annualised return, "
        "Sharpe, Sortino, Calmar, alpha and information ratio are not shown."
    ).format(sessions=sessions_text(view.sessions), minimum=view.min_sessions)


def headline_rows(view: ReportView) -> list[tuple[str, str, str]]:
    """(figure, basket, benchmark) rows for the summary tables, read from the result."""
    b, m = view.basket, view.benchmark

    def both(key: str, show: Any) -> tuple[str, str]:
        return show(figure(view, b, key)), show(figure(view, m, key))

    def unsigned(v: Any) -> str:
        return pct(v, signed=False)

    return [
        (_("Total return"), *both("total_return", pct)),
        (_("Annualised return"), *both("annualized_return", pct)),
        (_("Volatility (annualised)"), *both("volatility", unsigned)),
        (_("Sharpe ratio"), *both("sharpe", ratio)),
        (_("Sortino ratio"), *both("sortino", ratio)),
        (_("Max drawdown"), *both("max_drawdown", pct)),
        (_("Calmar ratio"), *both("calmar", ratio)),
    ]


def relative_rows(view: ReportView) -> list[tuple[str, str]]:
    """Basket-vs-benchmark figures and the basket's money figures, read from the result."""
    b, r = view.basket, view.relative
    return [
        (_("Excess return"), pct(r.get("excess_return"))),
        (_("Beta"), ratio(r.get("beta"))),
        (_("Alpha (annualised)"), pct(figure(view, r, "alpha"))),
        (_("Tracking error"), pct(r.get("tracking_error"), signed=False)),
        (_("Information ratio"), ratio(figure(view, r, "information_ratio"))),
        (_("Final value (CNY)"), money(b.get("final_value"))),
        (_("Costs paid (CNY)"), money(b.get("costs_paid"))),
        (_("Turnover"), pct(b.get("turnover"), signed=False)),
    ]


# -- claims -----------------------------------------------------------------------------
def claim_value(claim: Claim, value: Any) -> str:
    """A claim's claimed/measured value: fractions shown as % for return and day-move
    claims (a day move's measured value maps each symbol to its change that day)."""
    if value is None:
        return DASH
    as_pct = claim.kind in _FRACTION_KINDS

    def one(v: Any) -> str:
        return pct(v) if as_pct and number(v) is not None and not isinstance(v, str) else plain(v)

    if isinstance(value, dict):
        return _("; ").join(f"{k} {one(v)}" for k, v in value.items()) or DASH
    return one(value)


def claimed_text(claim: Claim) -> str:
    """What the story claimed, with its comparison: "≥ +121.65%", "≈ +10.00% ±2.00%"."""
    text = claim_value(claim, claim.claimed)
    if claim.kind != "period_return" or text == DASH:
        return text
    op = _COMPARISONS.get(str(claim.raw.get("comparison") or ""), "")
    tol = number(claim.raw.get("tolerance"))
    return op + text + (f" ±{pct(tol, signed=False)}" if tol is not None else "")


def claimed_short(claim: Claim) -> str:
    """The claim in a table cell: the comparison for a return, the count for day moves."""
    if claim.kind == "period_return":
        return claimed_text(claim)
    n = len(claim.claimed) if isinstance(claim.claimed, (list, tuple)) else 0
    return ngettext("{kind}: {n} stock", "{kind}: {n} stocks", n).format(kind=claim_kind(claim.kind), n=n)


def measured_short(claim: Claim) -> str:
    """The measurement in a table cell: the return, or how many day moves hold."""
    if claim.kind == "period_return":
        return claim_value(claim, claim.measured)
    results = [r for r in claim.raw.get("results") or [] if isinstance(r, dict)]
    if not results:
        return DASH
    held = sum(r.get("verdict") == "holds" for r in results)
    return _("{held} of {n} hold").format(held=held, n=len(results))


# -- settings and method ----------------------------------------------------------------
def stamp_duty_text(value: Any) -> str:
    """``[{since, rate}, ...]`` as "0.1%, 0.05% from 2023-08-28" (a bare number as a rate)."""
    if isinstance(value, list) and all(isinstance(r, dict) and "rate" in r for r in value):
        parts = [
            _("{rate} from {date}").format(rate=rate(r["rate"]), date=r["since"]) if r.get("since") else rate(r["rate"])
            for r in value
        ]
        return ", ".join(parts) or DASH
    return rate(value) if number(value) is not None else plain(value)


def costs_note(costs: Any) -> str:
    """The cost settings in words; rates are fractions of traded value."""
    if costs is None:
        return _("Costs: not stated in the result.")
    if not isinstance(costs, dict) or not costs or costs.get("enabled") is False:
        return _("Costs: none (the run excluded trading costs).")
    parts = []
    if "commission" in costs:
        if costs.get("min_commission") is not None:
            parts.append(_("commission {rate} of traded value (at least {minimum} CNY an order)").format(
                rate=rate(costs["commission"]), minimum=plain(costs["min_commission"])))
        else:
            parts.append(_("commission {rate} of traded value").format(rate=rate(costs["commission"])))
    if "stamp_duty" in costs:
        parts.append(_("stamp duty on sells {rates}").format(rates=stamp_duty_text(costs["stamp_duty"])))
    if "transfer_fee" in costs:
        parts.append(_("transfer fee {rate}").format(rate=rate(costs["transfer_fee"])))
    known = {"enabled", "commission", "min_commission", "stamp_duty", "transfer_fee"}
    parts += [f"{k} {plain(v)}" for k, v in flatten({k: v for k, v in costs.items() if k not in known})]
    return _("Costs: {parts}.").format(parts=_("; ").join(parts))


def setting_text(key: str, value: Any) -> str:
    """A setting's value for display."""
    if key == "lot_size" and value is None:
        return _("board lots")
    if key == "lot_rule" and isinstance(value, str):
        return _(value)  # a result made in English shows the board-lot rule in the language in use
    if key.endswith("stamp_duty"):
        return stamp_duty_text(value)
    if key.endswith(("costs.commission", "costs.transfer_fee", "risk_free")) and number(value) is not None:
        return rate(value)
    if key in ("start", "end", "benchmark") and value is None:
        return _("default")
    if key == "max_participation":
        return _("no cap") if value is None else _("{rate} of a session's volume").format(rate=rate(value))
    if key == "slippage" and number(value) is not None:
        return _("none") if not value else _("{bps} bps").format(bps=plain(value))
    if (key, value) in SETTING_VALUES:
        return _(SETTING_VALUES[(key, value)])
    return plain(value)


def settings_rows(settings: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) for every setting in effect, nested ones flattened."""
    return [(label(SETTINGS, k), setting_text(k, v)) for k, v in flatten(settings)]


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


def settings_line(view: ReportView) -> str:
    """The settings in one line for the terminal."""
    s = view.settings
    costs = s.get("costs") if isinstance(s.get("costs"), dict) else {}
    rebalance = {"none": _("buy and hold"), "monthly": _("monthly rebalancing"),
                 "quarterly": _("quarterly rebalancing")}.get(s.get("rebalance") or "")
    parts = [
        rebalance,
        _("weights: {value}").format(value=setting_text("weights", s["weights"])) if s.get("weights") else None,
        _("members: {value}").format(value=setting_text("members", s["members"])) if s.get("members") else None,
        _("fill: {value}").format(value=setting_text("fill", s["fill"])) if s.get("fill") else None,
        _("{cash} CNY").format(cash=money(s["cash"])) if number(s.get("cash")) is not None else None,
        setting_text("lot_size", s.get("lot_size")) if s.get("lot_size") is None else
        _("lots of {n}").format(n=plain(s["lot_size"])),
        (_("costs on") if costs.get("enabled", True) else _("no costs")) if costs else None,
        *liquidity_parts(s),
        _("engine: {value}").format(value=plain(s["engine"])) if s.get("engine") not in (None, default_engine()) else None,
    ]
    return " · ".join(p for p in parts if p)


def liquidity_parts(s: dict[str, Any]) -> list[str | None]:
    """The volume cap and the slippage for the settings line, when set."""
    cap, slippage = s.get("max_participation"), s.get("slippage")
    return [
        _("volume cap: {value}").format(value=setting_text("max_participation", cap)) if number(cap) is not None else None,
        _("slippage: {value}").format(value=setting_text("slippage", slippage)) if number(slippage) else None,
    ]


def default_engine() -> str:
    """The ledger a backtest runs on unless told otherwise (not named in the settings line)."""
    from screener.backtest.settings import BacktestSettings  # pydantic: only when rendering

    return str(BacktestSettings.model_fields["engine"].default)


def methodology(view: ReportView) -> list[str]:
    """Notes on how the figures were made, with the settings in effect."""
    s = view.settings
    notes = [
        _("A window is measured like an index: the basket is formed at the close of the last session "
          "before the start (base date {base}) and valued at each close through {end}; every equity "
          "series starts at 1.0 on the base date.").format(base=view.base_date or DASH, end=view.end),
    ]
    if s.get("fill"):
        notes.append(
            _("Orders decided at a session's close fill at the next session's open.")
            if s["fill"] == "open" else _("Orders decided at a session's close fill at that same close.")
        )
    if s.get("rebalance") or s.get("weights"):
        notes.append(_("Rebalancing: {rebalance}; weights: {weights}; members: {members}.").format(
            rebalance=setting_text("rebalance", s.get("rebalance")),
            weights=setting_text("weights", s.get("weights")),
            members=setting_text("members", s.get("members"))))
    notes.append(_(
        "A-share rules: buys in board lots, odd-lot sells allowed; T+1; no buy at the upper limit price "
        "and no sell at the lower one (such orders are counted as blocked); suspended members are not "
        "traded and are valued at their last close."))
    notes.append(costs_note(s.get("costs")))
    if s.get("sessions_per_year"):
        if number(s.get("risk_free")) is not None:
            notes.append(_("Annualised figures use {n} sessions a year and a risk-free rate of {rate}.").format(
                n=plain(s["sessions_per_year"]), rate=pct(s["risk_free"], signed=False)))
        else:
            notes.append(_("Annualised figures use {n} sessions a year.").format(n=plain(s["sessions_per_year"])))
    notes.append(_("Annualised return, Sharpe, Sortino and Calmar need at least {n} sessions; "
                   "a shorter window shows them as —.").format(n=view.min_sessions))
    notes.append(_("Returns use adjusted prices (dividends and splits); lots, limits and costs use raw prices."))
    notes.append(_(
        "Return figures are read from the backtest result; drawdown, monthly returns, relative "
        "strength and the rolling excess return are computed by the report from the daily equity series."))
    notes.append(_(
        "A period-return claim is measured over its own window on its proxy: an index that stands for "
        "the quoted one, or the theme's members at equal weight, no costs, close fills."))
    notes.append(_("Colours follow the A-share convention: red is up, green is down."))
    return notes


def source_text(view: ReportView) -> str:
    """The data source of ``view`` and its label (see :func:`source_label`)."""
    return source_label(view.data_source, view.label)


def source_label(data_source: str, data_label: str | None) -> str:
    """A data source and its label in words: "demo — DEMO — synthetic prices" reads
    "DEMO — synthetic prices" (translated); "cache — cache (last refresh 2026-05-12)" the
    label alone."""
    source = label(DATA_SOURCES, data_source)
    if data_label == DEMO_TEXT:
        return _(DEMO_TEXT)
    if not data_label or data_label == data_source:
        return source
    return data_label if data_label.startswith(data_source) else f"{source} — {data_label}"


def origin_label(origin: str | None) -> str:
    """Where bars came from, in words: a provider (eastmoney), a data source (demo, the
    cache, local files); anything else (a file's path) as it is; None as a dash."""
    if origin is None:
        return DASH
    name = ORIGINS.get(origin) or DATA_SOURCES.get(origin)
    return _(name) if name else origin


def cached_origin_label(origin: str) -> str:
    """An origin as ``data fetch`` reports it ("cache (eastmoney)", see
    :data:`CACHED_ORIGIN`), in words."""
    prefix, suffix = CACHED_ORIGIN.split("{origin}")
    if origin.startswith(prefix) and origin.endswith(suffix):
        return _(CACHED_ORIGIN).format(origin=origin_label(origin[len(prefix):-len(suffix)]))
    return origin_label(origin)


def data_line(view: ReportView) -> str:
    """Where the prices came from and how far they go."""
    return _("Data source: {source} · data through {date}").format(source=source_text(view), date=view.data_through)


def window_line(view: ReportView) -> str:
    return _("{start} → {end} (base date {base}, {sessions})").format(
        start=view.start, end=view.end, base=view.base_date or DASH, sessions=sessions_text(view.sessions))


def demo_banner() -> tuple[str, str]:
    """The demo banner's headline and its explanation."""
    return (_("DEMO DATA — synthetic prices, not market data"),
            _("Every figure below comes from generated prices. Do not use it to judge the theme."))
