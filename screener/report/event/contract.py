"""The JSON contract of a saved event-study result, as far as its renderers read it
(``screener report`` checks a file against :class:`EventResult` before rendering, as it
does a backtest's: :mod:`screener.report.contract`). Keys not named here are allowed."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from screener.report.contract import Number, WarningRow, _Open

Pair = tuple[int, int]


class EventRow(_Open):
    date: str
    session: str
    label: str
    quote: str | None = None
    symbols: list[str] = Field(default_factory=list)


class ArRow(_Open):
    day: int
    date: str | None = None
    ret: Number = None
    benchmark_ret: Number = None
    ar: Number = None
    t: Number = None
    span: int = 1


class Window(_Open):
    car: Number = None
    t: Number = None
    p: Number = None


class FirstTradable(_Open):
    date: str
    day: int
    price: Number = None


class CaseRow(_Open):
    symbol: str
    name: str | None = None
    event_date: str | None = None
    session: str | None = None
    model: str | None = None
    estimation_n: int | None = None
    car: Number = None
    car_t: Number = None
    car_p: Number = None
    ar: list[ArRow] = Field(default_factory=list)
    sub_windows: dict[str, Window] = Field(default_factory=dict)
    day0_open_at_limit: bool | None = None
    day1_open_at_limit: bool | None = None
    limit_up_run: int | None = None
    limit_up_run_more: bool | None = None
    first_tradable: FirstTradable | None = None
    car_from_first_tradable: Number = None
    return_from_first_tradable: Number = None


class AarRow(_Open):
    day: int
    aar: Number = None
    t: Number = None
    p: Number = None
    n: int = 0


class CaarRow(_Open):
    day: int
    caar: Number = None
    t: Number = None
    p: Number = None
    n: int = 0
    ci95: tuple[Number, Number] = (None, None)


class WindowTests(_Open):
    from_: int = Field(alias="from")
    to: int
    n: int
    caar: Number = None
    cs_t: Number = None
    cs_p: Number = None
    patell_z: Number = None
    patell_p: Number = None
    bmp_t: Number = None
    bmp_p: Number = None
    bmp_kp_t: Number = None
    bmp_kp_p: Number = None


class Tests(_Open):
    residual_correlation: Number = None
    windows: dict[str, WindowTests] = Field(default_factory=dict)


class EventResult(_Open):
    """What the event renderers read from a result (see ``screener.event.result``)."""

    study: Literal["event"]
    theme: str
    theme_name: str | None = None
    data_source: str | None = None
    label: str | None = None
    demo: bool | None = None
    model: str | None = None
    benchmark: dict[str, Any] = Field(default_factory=dict)
    window: Pair
    estimation: Pair
    settings: dict[str, Any] = Field(default_factory=dict)
    events: list[EventRow]
    members: list[CaseRow]
    aar: list[AarRow]
    caar: list[CaarRow]
    tests: Tests
    warnings: list[WarningRow | str] = Field(default_factory=list)
