"""The words of an event-study report, in the language in use: titles, table headers
and rows, the tests' names, notes. Every renderer (terminal, HTML, Markdown, Excel)
takes its text from here; numbers go through :mod:`screener.fmt`."""

from __future__ import annotations

from typing import Any

from screener.event.events import LIMIT_UP_LABEL
from screener.event.plan import LIMIT_UP_RUN_CAP
from screener.fmt import DASH, pct, ratio, tone, toned, yes_no
from screener.i18n import N_, _, ngettext
from screener.report import text as report_text
from screener.report.event.view import EventView, MemberRow

MODELS = {"market": N_("market model (OLS α, β)"), "market-adjusted": N_("market-adjusted (R − Rm)"),
          "mean": N_("mean-adjusted (R − μ)")}
WINDOWS = {"pre": N_("before day 0"), "day0": N_("day 0"), "day0_1": N_("days 0 and +1"), "post": N_("after day +1"),
           "from_day0": N_("from day 0"), "window": N_("whole window")}
CAR_COLUMNS = {"day0_1": "car_0_1", "from_day0": "car_from_day0"}  # sub-window -> MemberRow field, in the CAR table
WARNING_KINDS = {
    **report_text.WARNING_KINDS, "estimation": N_("short estimation"), "window": N_("window cut"),
    "suspended": N_("suspended"), "overlap": N_("overlapping events"), "event": N_("event left out"),
    "dropped_member": N_("dropped member"), "calendar": N_("calendar"),
}


def stars(p: Any) -> str:
    """Significance marks: *** p < 0.01, ** p < 0.05, * p < 0.10."""
    if p is None:
        return ""
    return "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.10 else ""


def day(d: int | None) -> str:
    if d is None:
        return DASH
    return f"{d:+d}" if d else "0"


def days(a: int, b: int) -> str:
    return day(a) if a == b else f"{day(a)}..{day(b)}"


def flag(value: bool | None) -> str:
    return DASH if value is None else yes_no(value)


def marked(value: Any, p: Any) -> str:
    """A t statistic with its significance marks."""
    return ratio(value) + stars(p)


def title(view: EventView) -> str:
    what = (_("limit-up closes") if view.limit_up
            else ngettext("{n} event", "{n} events", len(view.events)).format(n=len(view.events)))
    return _("{name} [{id}]: event study of {what}").format(name=view.theme_name, id=view.theme_id, what=what)


def benchmark_label(view: EventView) -> str:
    b = view.benchmark
    return f"{b['name']} ({b['symbol']})" if b.get("name") else str(b.get("symbol") or _("benchmark"))


def setup_line(view: EventView) -> str:
    model = _(MODELS[view.model]) if view.model in MODELS else view.model
    return _("{model} against {benchmark}; event window {window}, estimation {estimation} "
             "(at least {minimum} sessions)").format(
        model=model, benchmark=benchmark_label(view), window=days(*view.window), estimation=days(*view.estimation),
        minimum=view.settings.get("min_estimation", DASH))


def data_line(view: EventView) -> str:
    return _("data: {source}").format(source=report_text.source_text(view))  # reads data_source and label only


def event_label(label: str) -> str:
    return _(LIMIT_UP_LABEL) if label == LIMIT_UP_LABEL else label


# -- tables: (headers, rows) ----------------------------------------------------------
def event_table(view: EventView) -> tuple[list[str], list[list[str]]]:
    rows = [[e["date"], e["session"], event_label(str(e["label"])), str(len(e.get("symbols") or []))]
            for e in view.events]
    return [_("date"), _("day 0"), _("event"), _("members")], rows


def caar_table(view: EventView) -> tuple[list[str], list[list[str]]]:
    rows = [[day(a["day"]), pct(a["aar"]), marked(a["t"], a["p"]), pct(c["caar"]), marked(c["t"], c["p"]), str(c["n"])]
            for a, c in zip(view.aar, view.caar)]
    return [_("day"), "AAR", "t", "CAAR", "t", "N"], rows


def test_table(view: EventView) -> tuple[list[str], list[list[str]]]:
    rows = [
        [window_name(name), days(w["from"], w["to"]), str(w["n"]), pct(w["caar"]), marked(w["cs_t"], w["cs_p"]),
         marked(w["patell_z"], w["patell_p"]), marked(w["bmp_t"], w["bmp_p"]), marked(w["bmp_kp_t"], w["bmp_kp_p"])]
        for name, w in view.windows.items()
    ]
    return [_("sub-window"), _("days"), "N", "CAAR", _("t (cross-section)"), "Patell Z", "BMP t", _("BMP t (KP)")], rows


def window_name(name: str) -> str:
    return _(WINDOWS[name]) if name in WINDOWS else name


def first_buy(m: MemberRow) -> str:
    """``05-14 (+2)``: the first buy's date (month-day; day 0's year) and relative day."""
    if not m.first_date:
        return _("none")
    return f"{m.first_date[5:]} ({day(m.first_day)})"


def car_table(view: EventView) -> tuple[list[str], list[list[str]]]:
    """Each member's CAR over the window (with marks), and over days 0..+1 and from day 0
    when the window holds them (a pre-event window holds neither)."""
    shown = [name for name in CAR_COLUMNS if name in view.windows]
    rows = [[m.symbol, m.name, m.session, toned(pct(m.car) + stars(m.car_p), tone(m.car))]
            + [pct(getattr(m, CAR_COLUMNS[name])) for name in shown] for m in view.members]
    return [_("symbol"), _("name"), _("day 0"), "CAR " + days(*view.window)] + [
        "CAR " + days(view.windows[name]["from"], view.windows[name]["to"]) for name in shown], rows


def tradability_table(view: EventView) -> tuple[list[str], list[list[str]]]:
    """Each member's opens at the limit, limit-up run, first buy and what it captured
    (the columns are explained by :func:`tradability_note`)."""
    rows = [[m.symbol, m.session, f"{flag(m.day0_open_at_limit)}/{flag(m.day1_open_at_limit)}", run_label(m),
             first_buy(m), pct(m.car_from_first), pct(m.return_from_first)]
            for m in view.members]
    return [_("symbol"), _("day 0"), _("at limit 0/+1"), _("run"), _("first buy"), _("CAR from it"), _("return")], rows


def run_label(m: MemberRow) -> str:
    """The limit-up run, "+" when it goes on past the count (30+, or through the data's end)."""
    return f"{m.limit_up_run}+" if m.limit_up_run_more else str(m.limit_up_run)


def tradability_note(view: EventView) -> str:
    start = _("day +1 (a limit-up is known at day 0's close)") if view.limit_up else _("day 0")
    note = _("at limit 0/+1: day 0 and day +1 opened at the upper limit price (no buy at the open); run: consecutive "
             "limit-up closes from day 0, counted to {cap} at most (a + when it goes on past that count or past the "
             "end of the data); first buy: the first session from {start} that opened below the limit; "
             "CAR from it: the abnormal return captured from that open to the window's end; return: the raw return "
             "over the same span.").format(start=start, cap=LIMIT_UP_RUN_CAP)
    first = 1 if view.limit_up else 0
    if view.window[1] < first:
        note += " " + _("The event window ends before day {day}, so it holds no first buy.").format(day=day(first))
    return note


def heat_label(m: MemberRow) -> str:
    return f"{m.name} {m.symbol} · {m.session}"


def residual_note(view: EventView) -> str:
    r = view.tests.get("residual_correlation")
    if r is None:
        return ""
    return _("BMP t (KP) is adjusted for the members' cross-correlation (Kolari & Pynnönen 2010): mean residual "
             "correlation {r}.").format(r=ratio(r, 3))


def warnings(view: EventView) -> list[tuple[str, str]]:
    """(kind label, message) per warning; the message names the symbol when it is about one."""
    out = []
    for w in view.warnings:
        message, symbol = str(w.get("message") or ""), w.get("symbol")
        if symbol and not message.startswith(str(symbol)):
            message = f"{symbol}: {message}"
        kind = str(w.get("kind") or "")
        out.append((report_text.label(WARNING_KINDS, kind) if kind else "", message))
    return out


def caption(name: str) -> str:
    return {
        "caar": _("CAAR: the mean of the members' cumulative abnormal returns from the window's first day; the band "
                  "is its 95% cross-sectional confidence interval; the dashed line marks day 0."),
        "heat": _("Each member's abnormal return by day around each event: red up, green down, blank without a "
                  "return (suspended, or past the data's end)."),
    }[name]


def methodology(view: EventView) -> list[str]:
    model = _(MODELS[view.model]) if view.model in MODELS else view.model
    return [
        _("Day 0 is the first session on or after an event's date; relative days count XSHG sessions."),
        _("Normal returns: {model}, fitted on each member's estimation window {window} (one-session returns only); "
          "a member with fewer sessions than the minimum falls back to market-adjusted returns without t statistics "
          "(see the warnings).").format(model=model, window=days(*view.estimation)),
        _("Returns are trade to trade on adjusted closes: the first session after a suspension carries the move since "
          "the last close, against the benchmark over the same sessions."),
        _("AR t = AR / (σ√k); CAR t = CAR / (σ√L), σ from the estimation window (MacKinlay 1997). Across members: the "
          "cross-sectional t, Patell's Z (1976), BMP's t (Boehmer, Musumeci & Poulsen 1991) and BMP's t adjusted for "
          "cross-correlation (Kolari & Pynnönen 2010); two-sided p-values."),
        _("Significance: *** p < 0.01, ** p < 0.05, * p < 0.10."),
        _("Tradability: a session that opened at its upper limit price (cent-exact, by board and date, new listings "
          "exempt) takes no buy at the open. The first buy is the first session with a bar and an open below the "
          "limit, from day 0 for dated news and from day +1 for a limit-up (known at day 0's close); the CAR from it "
          "counts that day from its open."),
        _("Colours follow the A-share convention: red is up, green is down."),
    ]
