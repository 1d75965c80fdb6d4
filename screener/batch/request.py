"""Many backtests from options: the one path shared by ``screener compare|sweep|scan``
and :func:`screener.compare` / :func:`screener.sweep` (targets and options resolved to
cells, one data load, the cells run in-process or on Dask, the JSON document)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from screener import clock
from screener.backtest.settings import BacktestSettings
from screener.batch import document, execute, plan
from screener.batch.execute import Execution, Progress
from screener.data.model import DataOptions
from screener.errors import UserError
from screener.i18n import _
from screener.theme.model import Theme

Note = Callable[[str], None]
Target = str | Theme


@dataclass(frozen=True)
class Run:
    """How to run and present a batch, besides the backtest options."""

    data: DataOptions = DataOptions()
    execution: Execution = Execution()
    sort: str | None = None
    ascending: bool = False
    top: int | None = None
    themes_dirs: Sequence[Path] = ()
    specs_dirs: Sequence[Path] = ()
    progress: Progress = field(default=lambda _d, _n: None)
    note: Note = field(default=lambda _t: None)  # told the notes once the cells have run
    today: date | None = None


def compare(targets: Sequence[Target], options: Mapping[str, Any], run: Run) -> dict[str, Any]:
    """Backtest each target (theme or spec, id or path, or a loaded theme) over one
    window with the same options. Without ``start``/``end`` options and when the
    targets' own windows differ, the earliest start and the latest end are used."""
    today = _today(run)
    sort = _begin(run)
    if not targets:
        raise UserError(_("compare: name at least one theme or spec"))
    notes: list[str] = []
    resolved = [_target(t, options, run) for t in targets]
    resolved = _one_window(resolved, options, today, notes.append)
    varying = _differing(resolved)
    if "benchmark" in varying:
        notes.append(_("the targets have different benchmarks: each cell's excess return is over its own "
                       "(the benchmark column)"))
    cells = []
    for i, (theme, s) in enumerate(resolved):
        params = {"theme": theme.id, **{k: _shown(theme, s, k) for k in varying}}
        cells.append(plan.Cell(i, theme, s, params))
    grid = {"theme": [t.id for t, _ in resolved],
            **{k: list(dict.fromkeys(_shown(t, s, k) for t, s in resolved)) for k in varying}}
    return _run("compare", cells, grid, _shared(*resolved[0], varying), sort, run, notes=notes)


def sweep(target: Target, vary: Mapping[str, Sequence[Any] | str] | None, options: Mapping[str, Any],
          run: Run) -> dict[str, Any]:
    """Backtest ``target`` over the Cartesian grid ``vary`` (option → values, or
    ``rolling:FROM..TO/N`` for start); a spec's ``sweep:`` block is the grid when
    ``vary`` is empty, and ``vary`` replaces it key by key otherwise."""
    from screener.backtest.request import SWEEP
    from screener.batch import grid as grid_mod

    sort = _begin(run)
    theme, spec_values = _load_target(target, run)
    spec_grid = dict(spec_values.get(SWEEP) or {})
    given = {grid_mod.key_name(k): v for k, v in (vary or {}).items()}
    axes = {**{grid_mod.key_name(k): v for k, v in spec_grid.items()}, **given}
    grid, points = grid_mod.expand(axes, spec_values, options)
    cells = [plan.Cell(i, theme, p.settings, p.params) for i, p in enumerate(points)]
    base = _settings(spec_values, options)
    return _run("sweep", cells, grid.axes, _shared(theme, base, list(grid.axes)), sort, run)


def scan_boards(options: Mapping[str, Any], run: Run, source: str = "em") -> dict[str, Any]:
    """Every board the data lists (the demo's, or the cache's), as an equal-weight basket
    of its stocks, over one window against one benchmark (``benchmark``, default CSI 300)."""
    from screener.batch import boards
    from screener.data import open_store

    sort = _begin(run)
    s = _settings({}, options)
    store = open_store(run.data)
    notes: list[str] = []
    found = boards.themes(store, source, notes.append)
    if not found:
        raise UserError(_("scan boards: no board with stocks to scan"))
    if s.start is None:  # boards have no claims: one default window for all
        s = BacktestSettings.model_validate({**s.model_dump(), "start": date(_today(run).year, 1, 1)})
    cells = [plan.Cell(i, theme, s, {"board": code}) for i, (code, theme) in enumerate(found)]
    grid = {"board": [code for code, _ in found]}
    return _run("scan", cells, grid, _shared(found[0][1], s, []), sort, run, store=store, skip_failed=True, notes=notes)


# -- steps --------------------------------------------------------------------------------

def _begin(run: Run) -> str:
    """A batch's first steps: its ``--sort`` checked (returned), and the local cluster's
    workers starting to import when they will surely be needed."""
    sort = document.check_sort(run.sort)
    execute.warm_up(run.execution)
    return sort


def _run(kind: str, cells: list[plan.Cell], grid: dict[str, list[Any]], settings: dict[str, Any], sort: str,
         run: Run, *, store: Any = None, skip_failed: bool = False, notes: list[str] | None = None) -> dict[str, Any]:
    from screener.data import open_store

    notes = [] if notes is None else notes
    execute.warm_up(run.execution, len(cells))  # enough cells for a local cluster: its workers start importing
    panels = plan.resolve(cells, _today(run))
    with execute.starting(run.execution) as early:  # workers start while the data load
        md = plan.align(panels, store or open_store(run.data), skip_failed=skip_failed, note=notes.append)
        if not any(p.aligned is not None for p in panels):
            raise UserError(_("{kind}: no cell has data to backtest ({why})").format(kind=kind, why=_why(panels, md)))
        outcomes, executed = execute.run(panels, run.execution, run.progress, early)
    for text in notes:  # told once the batch has run: on a user error, its one line is all
        run.note(text)
    return document.build(kind, panels, outcomes, md, grid=grid, settings=settings, sort=sort,
                          ascending=run.ascending, top=run.top, notes=notes, executed=executed)


def _why(panels: Sequence[plan.Panel], md: Any) -> str:
    """Why no cell has data: the first failed cell and its error (its notes are not told
    on an error), else the data's label."""
    failed = [p for p in panels if p.error is not None]
    return f"{plan.describe(failed[0].cells[0])}: {failed[0].error}" if failed else md.label


def _today(run: Run) -> date:
    return run.today or clock.today()


def _load_target(target: Target, run: Run) -> tuple[Theme, dict[str, Any]]:
    from screener.backtest import request

    if isinstance(target, Theme):
        return target, {}
    return request.target(str(target), run.themes_dirs, run.specs_dirs)


def _settings(base: Mapping[str, Any], options: Mapping[str, Any]) -> BacktestSettings:
    from screener.backtest import request

    return request.settings(base, options, spell=lambda name: name)


def _target(target: Target, options: Mapping[str, Any], run: Run) -> tuple[Theme, BacktestSettings]:
    theme, spec_values = _load_target(target, run)
    return theme, _settings(spec_values, options)


def _one_window(resolved: list[tuple[Theme, BacktestSettings]], options: Mapping[str, Any], today: date,
                note: Note) -> list[tuple[Theme, BacktestSettings]]:
    """Every target on the same window: the options' start/end, else the targets' own
    when they agree, else the earliest start and the latest end (with a note)."""
    from screener.backtest.run import resolve_window

    starts = [resolve_window(t, s, today).start for t, s in resolved]
    ends = [s.end for _, s in resolved]
    start = starts[0] if len(set(starts)) == 1 else min(starts)
    end = ends[0] if len(set(ends)) == 1 else (None if None in ends else max(e for e in ends if e is not None))
    if len(set(starts)) > 1 and options.get("start") is None:
        note(_(
            "the targets' windows start on different days: all start on the earliest, {start}; pass "
            "--start to choose"
        ).format(start=start))
    if len(set(ends)) > 1 and options.get("end") is None:
        note(_(
            "the targets' windows end on different days: all end on {end}; pass --end to choose"
        ).format(end=end or _("the latest session with data")))
    out = []
    for theme, s in resolved:
        values = {**s.model_dump(), "start": start, "end": end}
        try:
            out.append((theme, BacktestSettings.model_validate(values)))
        except ValueError as exc:
            raise UserError(f"{theme.id}: {exc}") from None
    return out


def _differing(resolved: list[tuple[Theme, BacktestSettings]]) -> list[str]:
    """Options whose values differ between the targets (their specs disagree, or their
    themes have benchmarks of their own)."""
    from screener.backtest.request import setting_names

    names = [n for n in setting_names() if n not in ("start", "end")]
    return [n for n in names if len({repr(_shown(t, s, n)) for t, s in resolved}) > 1]


def _shown(theme: Theme, settings: BacktestSettings, key: str) -> Any:
    """Option ``key`` of a target, JSON-ready; the benchmark as resolved (the theme's own
    when the option is left out)."""
    from screener.backtest.run import resolve_benchmark
    from screener.batch.grid import display

    if key == "benchmark":
        return resolve_benchmark(theme, settings).code
    return display(settings, key)


def _shared(theme: Theme, settings: BacktestSettings, varying: Sequence[str]) -> dict[str, Any]:
    """The settings every cell shares: ``settings`` of ``theme`` (its benchmark resolved)
    without the keys that vary."""
    out = {**settings.model_dump(mode="json"), "benchmark": _shown(theme, settings, "benchmark")}
    for key in varying:
        if key == "costs":
            out["costs"].pop("enabled", None)
        elif key in out:
            del out[key]
        else:
            out["costs"].pop(key, None)
    return out
