"""A sweep's grid: ``--vary KEY=V1,V2`` (or a spec's ``sweep:`` block) as the Cartesian
product of backtest settings.

Keys are backtest options by their settings name or flag spelling (``lot_size`` or
``lot-size``), the flat cost fields and ``costs`` (on/off). Values are validated by the
one path from options to settings (:func:`screener.backtest.request.settings`), so a
bad value is reported as ``screener backtest`` would, naming the key. ``default`` stands
for the option left out (the spec's value, else the command's default). ``start`` may
also be ``rolling:FROM..TO/N``: a start every N XSHG sessions from the first session on
or after FROM through TO.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from screener.backtest.settings import BacktestSettings
from screener.clock import range_problem
from screener.errors import UserError
from screener.i18n import _

ROLLING = re.compile(r"rolling:\s*(?P<first>\d{4}-\d{2}-\d{2})\s*\.\.\s*(?P<last>\d{4}-\d{2}-\d{2})\s*/\s*(?P<step>\d+)")
DEFAULT = "default"  # a grid value meaning "the option left out"
_SWITCHES = {"on": True, "true": True, "yes": True, "off": False, "false": False, "no": False}


@dataclass(frozen=True)
class Grid:
    """The keys that vary and their values (as validated, JSON-ready), in the order given."""

    axes: dict[str, list[Any]]

    def __len__(self) -> int:
        n = 1
        for values in self.axes.values():
            n *= len(values)
        return n if self.axes else 0


@dataclass(frozen=True)
class Point:
    """One cell of a grid: its values (``params``) and the validated settings."""

    params: dict[str, Any]
    settings: BacktestSettings


def key_name(raw: str) -> str:
    """``lot-size`` / ``--lot-size`` / ``lot_size`` → ``lot_size``; raise for an unknown key."""
    from screener.backtest.settings import option_names

    name = raw.strip().lstrip("-").replace("-", "_").lower()
    known = option_names()
    if name not in known:
        raise UserError(_(
            "--vary {raw}: not a backtest option; vary any of: {known}"
        ).format(raw=raw.strip(), known=', '.join(known)))
    return name


def parse_vary(items: Iterable[str]) -> dict[str, list[Any] | str]:
    """``["rebalance=none,monthly", "start=rolling:2025-01-01..2025-12-31/20"]`` as a
    sweep mapping (the same shape as a spec's ``sweep:`` block)."""
    out: dict[str, list[Any] | str] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.strip() or not text.strip():
            raise UserError(_(
                "--vary {item!r}: write KEY=V1,V2,... (e.g. --vary rebalance=none,monthly)"
            ).format(item=item))
        name = key_name(key)
        if name in out:
            raise UserError(_(
                "--vary {name} is given twice: put all its values in one --vary {name}=V1,V2"
            ).format(name=name))
        text = text.strip()
        out[name] = text if ROLLING.fullmatch(text) else [v.strip() for v in text.split(",") if v.strip()]
    return out


def rolling_starts(text: str, key: str) -> list[date]:
    """The starts of ``rolling:FROM..TO/N``: XSHG sessions in [FROM, TO], every N-th."""
    from screener import calendar

    m = ROLLING.fullmatch(text.strip())
    if m is None:
        raise UserError(_(
            "{key}: {text!r} is not rolling:FROM..TO/N (e.g. rolling:2025-01-01..2025-12-31/20)"
        ).format(key=key, text=text))
    if key != "start":
        raise UserError(_("{key}: rolling:FROM..TO/N is for start only").format(key=key))
    try:
        first, last = date.fromisoformat(m["first"]), date.fromisoformat(m["last"])
    except ValueError as exc:
        raise UserError(_("start: {text!r}: {exc}; write dates as YYYY-MM-DD").format(text=text, exc=exc)) from None
    for day in (first, last):
        problem = range_problem(day)
        if problem:
            raise UserError(_("start: {text!r}: {problem}").format(text=text, problem=problem))
    step = int(m["step"])
    if step < 1:
        raise UserError(_("start: {text!r}: the step must be at least 1 session").format(text=text))
    if last < first:
        raise UserError(_("start: {text!r}: {last} is before {first}").format(text=text, last=last, first=first))
    days = calendar.sessions(first, last)
    if len(days) == 0:
        raise UserError(_(
            "start: {text!r}: no XSHG session between {first} and {last} in the calendar ({date} to {date2})"
        ).format(
            text=text,
            first=first,
            last=last,
            date=calendar.first_known_session().date(),
            date2=calendar.last_known_session().date(),
        ))
    return [d.date() for d in days[::step]]


def expand(
    sweep: Mapping[str, Sequence[Any] | str],
    base: Mapping[str, Any],
    options: Mapping[str, Any],
) -> tuple[Grid, list[Point]]:
    """The grid and its cells, in grid order (the last key varies fastest). ``base`` is
    a spec's options, ``options`` the command's (``None``: not given); a key may not be
    both varied and given as an option."""
    from screener.backtest.request import settings as make_settings

    if not sweep:
        raise UserError(_("nothing to sweep: give --vary KEY=V1,V2,... (or a spec with a sweep: block)"))
    raw_axes: dict[str, list[Any]] = {}
    for raw_key, values in sweep.items():
        key = key_name(str(raw_key))
        if options.get(key) is not None:
            raise UserError(_("{key} is both varied and given as an option: drop one of them").format(key=key))
        items = rolling_starts(values, key) if isinstance(values, str) else list(values)
        raw_axes[key] = list(dict.fromkeys(_value(key, v) for v in items))  # repeats run once
    for key, values in raw_axes.items():  # each value alone first: errors name key and value
        for v in values:
            _settings_for(make_settings, base, options, {key: v})
    points = []
    shown: dict[str, list[Any]] = {k: [] for k in raw_axes}
    for combo in itertools.product(*raw_axes.values()):
        chosen = dict(zip(raw_axes, combo))
        s = _settings_for(make_settings, base, options, chosen)
        params = {k: display(s, k) for k in chosen}
        for k, v in params.items():
            if v not in shown[k]:
                shown[k].append(v)
        points.append(Point(params, s))
    return Grid(shown), points


def _value(key: str, value: Any) -> Any:
    """A grid value as the settings path takes it: ``default`` → None (left out),
    on/off for ``costs``."""
    if isinstance(value, str):
        text = value.strip()
        if text.lower() == DEFAULT:
            return None
        if key == "costs":
            if text.lower() not in _SWITCHES:
                raise UserError(_("costs: {text!r}: use on or off").format(text=text))
            return _SWITCHES[text.lower()]
        if key == "stamp_duty":  # one rate for every date, as --stamp-duty takes it
            try:
                return float(text)
            except ValueError:
                raise UserError(_("stamp_duty: {text!r} is not a rate; write e.g. 0.0005").format(text=text)) from None
        return text
    return value


def _settings_for(make_settings: Any, base: Mapping[str, Any], options: Mapping[str, Any],
                  chosen: Mapping[str, Any]) -> BacktestSettings:
    merged = {**options, **chosen}
    try:
        return make_settings(base, merged, spell=lambda name: name)
    except UserError as exc:
        shown = ", ".join(f"{k}={_text(v)}" for k, v in chosen.items())
        raise UserError(_("grid cell {shown}: {exc}").format(shown=shown, exc=exc)) from None


def display(settings: BacktestSettings, key: str) -> Any:
    """The value of option ``key`` in ``settings``, JSON-ready: dates as text, ``costs``
    as on/off, a stamp duty with one rate as that rate."""
    dumped = settings.model_dump(mode="json")
    if key == "costs":
        return "on" if settings.costs.enabled else "off"
    if key in dumped:
        return dumped[key]
    value = dumped["costs"][key]
    if key == "stamp_duty" and len(value) == 1 and value[0]["since"] is None:
        return value[0]["rate"]
    return value


def _text(value: Any) -> str:
    return DEFAULT if value is None else str(value)
