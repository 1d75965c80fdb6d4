"""One event study as named steps: plan → load → align (the backtest pipeline's own
stages) → returns → cases → fit → abnormal returns → tests and tradability → result::

    plan = resolve(theme, settings, today)          # events, and the bars they need
    aligned = stages.align(stages.load(plan.request, store))
    study = measure(plan, aligned)                  # every figure of the result
    result = assemble(study)                        # the JSON result

:func:`run_event_study` is that composition. No backtest engine runs: the study reads
the aligned panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from screener import clock
from screener.backtest import run as stages
from screener.backtest.result import data_warnings, warning
from screener.data.model import DataStore
from screener.errors import DataError
from screener.event import events as events_mod
from screener.event import models, result, returns, stats, tradability
from screener.event.plan import Plan, resolve
from screener.event.settings import EventSettings
from screener.i18n import _
from screener.theme.model import Theme


@dataclass(frozen=True)
class Study:
    """Everything :func:`assemble` writes."""

    plan: Plan
    aligned: stages.Aligned
    benchmark: dict[str, Any]
    market: returns.Market
    cases: events_mod.Cases
    fit: models.Fit
    ab: stats.Abnormal
    windows: dict[str, tuple[int, int, stats.CaseWindow]]
    tests: dict[str, tuple[int, int, dict[str, Any]]]
    r_bar: float
    daily: dict[str, np.ndarray]
    trad: tradability.Tradability
    warnings: list[dict[str, Any]]


def run_event_study(theme: Theme, settings: EventSettings, store: DataStore, *, today: date | None = None) -> dict[str, Any]:
    """Study ``theme``'s events with ``settings`` on data from ``store``; the JSON result."""
    plan = resolve(theme, settings, today or clock.today())
    aligned = stages.align(stages.load(plan.request, store))
    return assemble(measure(plan, aligned))


def measure(plan: Plan, aligned: stages.Aligned) -> Study:
    """Every figure of the study, from the aligned panel."""
    settings = plan.settings
    # the event windows say themselves where the data ends (the stage's window warning speaks of a backtest)
    warnings = [w for w in aligned.warnings if w["kind"] != "window"]
    market, bench = _market(aligned, settings, warnings)
    cases = events_mod.locate(plan, market, warnings)
    if not len(cases):
        raise DataError(_no_cases(plan, aligned))
    fit = models.fit(market, cases, settings, warnings)
    ab = stats.abnormal(market, cases, fit, settings.window)
    windows = {name: (a, b, stats.case_window(ab, fit, a, b)) for name, a, b in stats.sub_windows(settings.window)}
    r_bar = stats.residual_correlation(fit, cases)
    tests = {name: (a, b, stats.window_tests(cw, fit, r_bar)) for name, (a, b, cw) in windows.items()}
    warnings += _window_warnings(market, cases, ab)
    warnings += events_mod.overlap_warnings(cases, settings.window)
    loaded = aligned.loaded
    used = set(market.symbols) | {plan.request.benchmark.code}
    warned = {w["symbol"] for w in warnings if w["kind"] in ("dropped_member", "benchmark")}
    warnings += data_warnings(loaded.md, used, market.dates[0].date(), aligned.end, warned)
    return Study(plan, aligned, bench, market, cases, fit, ab, windows, tests, r_bar, stats.daily(ab),
                 tradability.assess(market, cases, fit, ab, first_day=1 if plan.scan else 0), warnings)


def assemble(study: Study) -> dict[str, Any]:
    """The JSON result (see :mod:`screener.event.result`)."""
    loaded, market = study.aligned.loaded, study.market
    names = {**loaded.names, **{m.symbol: m.name for m in study.plan.theme.members}}
    aar, caar = result.daily_rows(study.ab.days, study.daily)
    scan = study.plan.scan
    return result.assemble(
        theme=study.plan.theme, md=loaded.md, settings=study.plan.settings,
        scan=(scan[0], scan[1] or study.aligned.end) if scan else None, benchmark=study.benchmark,
        events=result.event_rows(study.cases.events, market),
        members=result.member_rows(market, study.cases, study.fit, study.ab, study.windows, study.trad, names),
        aar=aar, caar=caar, tests=result.test_block(study.tests, study.r_bar), warnings=study.warnings,
    )


def _market(aligned: stages.Aligned, settings: EventSettings,
            warnings: list[dict[str, Any]]) -> tuple[returns.Market, dict[str, Any]]:
    """The panel's returns and limit states, against the benchmark (required by the
    market-based models)."""
    loaded = aligned.loaded
    bench = aligned.request.benchmark
    required = f"({loaded.md.label})" if settings.benchmark else None
    frame, board_name = stages.benchmark_frame(loaded, warnings, required)
    if frame is None and settings.needs_benchmark:
        raise DataError(
            _(
                "no data for the benchmark {code} ({label}): the {model} model measures returns against "
                "it; pass --benchmark SYMBOL (e.g. 000300.SH), or use --model mean"
            ).format(code=bench.code, label=loaded.md.label, model=settings.model)
        )
    block = {"symbol": bench.code, "name": bench.name or board_name or loaded.names.get(bench.code)}
    return returns.build(aligned.panel, frame), block


def _no_cases(plan: Plan, aligned: stages.Aligned) -> str:
    label = aligned.loaded.md.label
    if plan.scan is not None:
        start, end = plan.scan
        return (_(
            "no member of {id!r} closed at its upper limit from {start} to {value} ({label}); widen --start/--end"
        ).format(id=plan.theme.id, start=start, value=end or aligned.end, label=label))
    days = ", ".join(e.date.isoformat() for e in plan.events)
    sessions = aligned.panel.dates
    return (_(
        "no member of {id!r} trades around its events ({days}) in the data, which runs from {date} to "
        "{date2} ({label}): pick dates inside it, or fetch more (`screener data fetch {id}`)"
    ).format(
        id=plan.theme.id,
        days=days,
        date=sessions[0].date(),
        date2=sessions[-1].date(),
        label=label,
    ))


def _window_warnings(market: returns.Market, cases: events_mod.Cases, ab: stats.Abnormal) -> list[dict[str, Any]]:
    """Event windows cut by the data's end (once per event) and suspensions inside them
    (once per case)."""
    out = []
    last = market.dates[-1].date()
    for e, event in enumerate(cases.events):
        i = int(np.flatnonzero(cases.event == e)[0])
        inside = ab.days[ab.inside[i]]
        if len(inside) < len(ab.days):
            cut = _("day {day} of").format(day=f"{int(inside[-1]):+d}") if len(inside) else _("before the window of")
            out.append(warning("window", None, event.date, _(
                "the data ends on {last}, {where} the event of {date}: {n} day(s) of the window are missing"
            ).format(last=last, where=cut, date=event.date, n=len(ab.days) - len(inside))))
    no_bar = ab.inside & ~market.has_bar[np.clip(ab.rows, 0, len(market.dates) - 1), cases.member[:, None]]
    for i in np.flatnonzero(no_bar.any(axis=1)):
        symbol = market.symbols[int(cases.member[i])]
        event = cases.events[int(cases.event[i])]
        out.append(warning("suspended", symbol, event.date, _(
            "no bar on {n} session(s) of the event window of {date} (suspended, or not yet listed): no abnormal "
            "return on those days; the first session after a suspension carries the whole move since the last close"
        ).format(n=int(no_bar[i].sum()), date=event.date)))
    return out
