"""A read-only view of an event-study result (the JSON contract of ``screener event``)
for the renderers: checked once, the members' rows typed, the AR matrix of the heat
table. Nothing here computes a figure: every number is read from the result; the words
are in :mod:`screener.report.event.text`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from screener.i18n import _
from screener.report.view import ReportError
from screener.theme.model import SLUG_RE

STUDY = "event"
REQUIRED = ("theme", "events", "members", "aar", "caar", "tests", "window", "estimation")


def is_event_study(result: Any) -> bool:
    return isinstance(result, dict) and result.get("study") == STUDY


@dataclass(frozen=True)
class MemberRow:
    """One case (member and event): the figures every format's tradability table shows."""

    symbol: str
    name: str
    event_date: str
    session: str
    model: str
    estimation_n: int
    car: float | None
    car_t: float | None
    car_p: float | None
    car_0_1: float | None
    car_from_day0: float | None
    day0_open_at_limit: bool | None
    day1_open_at_limit: bool | None
    limit_up_run: int
    limit_up_run_more: bool
    first_date: str | None
    first_day: int | None
    first_price: float | None
    car_from_first: float | None
    return_from_first: float | None
    raw: dict[str, Any]


class EventView:
    """The event-study result, checked once."""

    def __init__(self, result: dict[str, Any]):
        if not is_event_study(result):
            raise ReportError(_("an event-study result must be the JSON object `screener event --format json` writes"))
        missing = [k for k in REQUIRED if k not in result]
        if missing:
            raise ReportError(_(
                "the event-study result has no {missing}: pass a file written by `screener event "
                "--format json` or `--export json`"
            ).format(missing=', '.join(missing)))
        self.result = result
        self.theme_id = str(result["theme"])
        self.theme_name = str(result.get("theme_name") or self.theme_id)
        self.data_source = str(result.get("data_source") or "unknown")
        self.label = str(result.get("label") or "")
        self.model = str(result.get("model") or "")
        self.benchmark: dict[str, Any] = dict(result.get("benchmark") or {})
        self.window: tuple[int, int] = (int(result["window"][0]), int(result["window"][1]))
        self.estimation: tuple[int, int] = (int(result["estimation"][0]), int(result["estimation"][1]))
        self.settings: dict[str, Any] = dict(result.get("settings") or {})
        self.events: list[dict[str, Any]] = list(result["events"])
        self.members = [_member(m) for m in result["members"]]
        self.aar: list[dict[str, Any]] = list(result["aar"])
        self.caar: list[dict[str, Any]] = list(result["caar"])
        self.tests: dict[str, Any] = dict(result["tests"])
        self.windows: dict[str, dict[str, Any]] = dict(self.tests.get("windows") or {})
        self.warnings: list[dict[str, Any]] = [w for w in result.get("warnings") or [] if isinstance(w, dict)]

    @property
    def is_demo(self) -> bool:
        return bool(self.result.get("demo")) or self.data_source == "demo"

    @property
    def limit_up(self) -> bool:
        return self.settings.get("on") == "limit-up"

    @property
    def stem(self) -> str:
        """``<theme>_event_<first day 0>_<last day 0>`` (``_limit-up_`` for the scan)."""
        if not SLUG_RE.fullmatch(self.theme_id):
            raise ReportError(_(
                "theme id {theme_id!r} cannot name a report file: use a slug such as green-power"
            ).format(theme_id=self.theme_id))
        sessions = sorted(str(e["session"]) for e in self.events) or ["none"]
        kind = "limit-up" if self.limit_up else "event"
        return f"{self.theme_id}_{kind}_{sessions[0]}_{sessions[-1]}"

    def heat(self) -> tuple[list[int], list[MemberRow], list[list[float | None]]]:
        """(relative days, the cases, each case's AR by day: None without one)."""
        lo, hi = self.window
        days = list(range(lo, hi + 1))
        values = []
        for m in self.members:
            by_day = {r["day"]: r.get("ar") for r in m.raw.get("ar") or []}
            values.append([by_day.get(d) for d in days])
        return days, self.members, values


def _member(m: dict[str, Any]) -> MemberRow:
    first = m.get("first_tradable") or {}
    subs = m.get("sub_windows") or {}
    return MemberRow(
        symbol=str(m["symbol"]), name=str(m.get("name") or m["symbol"]), event_date=str(m.get("event_date") or ""),
        session=str(m.get("session") or ""), model=str(m.get("model") or ""),
        estimation_n=int(m.get("estimation_n") or 0), car=m.get("car"), car_t=m.get("car_t"), car_p=m.get("car_p"),
        car_0_1=(subs.get("day0_1") or {}).get("car"), car_from_day0=(subs.get("from_day0") or {}).get("car"),
        day0_open_at_limit=m.get("day0_open_at_limit"), day1_open_at_limit=m.get("day1_open_at_limit"),
        limit_up_run=int(m.get("limit_up_run") or 0), limit_up_run_more=bool(m.get("limit_up_run_more")),
        first_date=first.get("date"), first_day=first.get("day"),
        first_price=first.get("price"), car_from_first=m.get("car_from_first_tradable"),
        return_from_first=m.get("return_from_first_tradable"), raw=dict(m),
    )
