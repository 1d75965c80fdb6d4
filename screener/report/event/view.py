"""A read-only view of an event-study result (the JSON contract of ``screener event``)
for the renderers: checked once, with the tables every format shows. Nothing here
computes a figure: every number is read from the result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from screener.report.view import DASH, ReportError, pct, ratio
from screener.theme.model import SLUG_RE

STUDY = "event"
REQUIRED = ("theme", "events", "members", "aar", "caar", "tests", "window", "estimation")
WINDOW_NAMES = {"pre": "before day 0", "day0": "day 0", "day0_1": "days 0 and +1", "post": "after day +1",
                "from_day0": "from day 0", "window": "whole window"}
MODEL_NAMES = {"market": "market model (OLS α, β)", "market-adjusted": "market-adjusted (R − Rm)",
               "mean": "mean-adjusted (R − μ)"}


def is_event_study(result: Any) -> bool:
    return isinstance(result, dict) and result.get("study") == STUDY


def stars(p: Any) -> str:
    """Significance marks: *** p < 0.01, ** p < 0.05, * p < 0.10."""
    if p is None:
        return ""
    return "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.10 else ""


def day(d: int) -> str:
    return f"{d:+d}" if d else "0"


def days(a: int, b: int) -> str:
    return day(a) if a == b else f"{day(a)}..{day(b)}"


def flag(value: Any) -> str:
    return DASH if value is None else ("yes" if value else "no")


@dataclass(frozen=True)
class MemberRow:
    """One case's headline figures, as shown in every format's tradability table."""

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
            raise ReportError("an event-study result must be the JSON object `screener event --format json` writes")
        missing = [k for k in REQUIRED if k not in result]
        if missing:
            raise ReportError(f"the event-study result has no {', '.join(missing)}: pass a file written by "
                              "`screener event --format json` or `--export json`")
        self.result = result
        self.theme_id = str(result["theme"])
        self.theme_name = str(result.get("theme_name") or self.theme_id)
        self.data_source = str(result.get("data_source") or "unknown")
        self.label = str(result.get("label") or "")
        self.model = str(result.get("model") or "")
        self.benchmark: dict[str, Any] = dict(result.get("benchmark") or {})
        self.window: tuple[int, int] = tuple(result["window"])  # type: ignore[assignment]
        self.estimation: tuple[int, int] = tuple(result["estimation"])  # type: ignore[assignment]
        self.settings: dict[str, Any] = dict(result.get("settings") or {})
        self.events: list[dict[str, Any]] = list(result["events"])
        self.members = [_member(m) for m in result["members"]]
        self.aar: list[dict[str, Any]] = list(result["aar"])
        self.caar: list[dict[str, Any]] = list(result["caar"])
        self.tests: dict[str, Any] = dict(result["tests"])
        self.warnings: list[dict[str, Any]] = list(result.get("warnings") or [])

    @property
    def is_demo(self) -> bool:
        return bool(self.result.get("demo")) or self.data_source == "demo"

    @property
    def limit_up(self) -> bool:
        return self.settings.get("on") == "limit-up"

    @property
    def stem(self) -> str:
        """``<theme>_event_<first day 0>_<last day 0>`` (``_limit-up_`` for the scan)."""
        if not SLUG_RE.match(self.theme_id):
            raise ReportError(f"theme id {self.theme_id!r} cannot name a report file: use a slug such as green-power")
        sessions = sorted(str(e["session"]) for e in self.events) or ["none"]
        kind = "limit-up" if self.limit_up else "event"
        return f"{self.theme_id}_{kind}_{sessions[0]}_{sessions[-1]}"

    @property
    def benchmark_label(self) -> str:
        b = self.benchmark
        return f"{b['name']} ({b['symbol']})" if b.get("name") else str(b.get("symbol") or "benchmark")

    @property
    def model_label(self) -> str:
        return MODEL_NAMES.get(self.model, self.model)

    def title(self) -> str:
        what = "limit-up closes" if self.limit_up else f"{len(self.events)} event(s)"
        return f"{self.theme_name} [{self.theme_id}]: event study of {what}"

    def setup_line(self) -> str:
        lo, hi = self.window
        elo, ehi = self.estimation
        minimum = self.settings.get("min_estimation")
        return (f"{self.model_label} against {self.benchmark_label}; event window {days(lo, hi)}, "
                f"estimation {days(elo, ehi)}" + (f" (at least {minimum} sessions)" if minimum else ""))

    # -- tables (header, rows) shared by the formats --------------------------------
    def event_table(self) -> tuple[list[str], list[list[str]]]:
        rows = [[e["date"], e["session"], e["label"], str(len(e.get("symbols") or []))] for e in self.events]
        return ["date", "day 0", "event", "members"], rows

    def caar_table(self) -> tuple[list[str], list[list[str]]]:
        rows = []
        for a, c in zip(self.aar, self.caar):
            rows.append([day(a["day"]), pct(a["aar"]), ratio(a["t"]) + stars(a["p"]), pct(c["caar"]),
                         ratio(c["t"]) + stars(c["p"]), str(c["n"])])
        return ["day", "AAR", "t", "CAAR", "t", "N"], rows

    def test_table(self) -> tuple[list[str], list[list[str]]]:
        rows = []
        for name, w in (self.tests.get("windows") or {}).items():
            rows.append([
                WINDOW_NAMES.get(name, name), days(w["from"], w["to"]), str(w["n"]), pct(w["caar"]),
                ratio(w["cs_t"]) + stars(w["cs_p"]), ratio(w["patell_z"]) + stars(w["patell_p"]),
                ratio(w["bmp_t"]) + stars(w["bmp_p"]), ratio(w["bmp_kp_t"]) + stars(w["bmp_kp_p"]),
            ])
        return ["window", "days", "N", "CAAR", "t (cross-section)", "Patell Z", "BMP t", "BMP t (KP)"], rows

    def member_table(self) -> tuple[list[str], list[list[str]]]:
        rows = []
        for m in self.members:
            first = f"{m.first_date} ({day(m.first_day)})" if m.first_date and m.first_day is not None else "none"
            rows.append([
                m.symbol, m.name, m.session, pct(m.car) + stars(m.car_p), pct(m.car_0_1), pct(m.car_from_day0),
                f"{flag(m.day0_open_at_limit)}/{flag(m.day1_open_at_limit)}", str(m.limit_up_run), first,
                pct(m.car_from_first),
            ])
        hi = day(self.window[1])
        return ["symbol", "name", "day 0", "CAR", "CAR 0..+1", f"CAR 0..{hi}", "open at limit 0/+1", "limit-up run",
                "first buy", "CAR from buy"], rows

    def heat(self) -> tuple[list[int], list[str], list[list[float | None]]]:
        """(relative days, one label per case, AR per case and day: None without one)."""
        lo, hi = self.window
        span = list(range(lo, hi + 1))
        labels, values = [], []
        for m in self.members:
            by_day = {r["day"]: r.get("ar") for r in m.raw.get("ar") or []}
            labels.append(f"{m.name} {m.symbol} · {m.session}")
            values.append([by_day.get(d) for d in span])
        return span, labels, values

    def residual_note(self) -> str:
        r = self.tests.get("residual_correlation")
        return ("BMP t (KP) is adjusted for the cases' cross-correlation (Kolari & Pynnönen 2010): "
                f"mean residual correlation {ratio(r, 3)}." if r is not None else "")

    def methodology(self) -> list[str]:
        return [
            "Day 0 is the first session on or after the event's date; relative days count XSHG sessions.",
            f"Normal returns: {self.model_label}, fitted on each member's estimation window "
            f"{days(*self.estimation)} (one-session returns only); a member with fewer sessions than the minimum "
            "falls back to market-adjusted returns without t statistics (see the warnings).",
            "Returns are trade to trade on adjusted closes: the first session after a suspension carries the "
            "move since the last close, against the benchmark over the same sessions.",
            "AR t = AR / (σ√k); CAR t = CAR / (σ√L), σ from the estimation window (MacKinlay 1997). "
            "Across members: the cross-sectional t, Patell's Z (1976), BMP's t (Boehmer, Musumeci & Poulsen "
            "1991) and BMP's t adjusted for cross-correlation (Kolari & Pynnönen 2010); two-sided p-values.",
            "Significance: *** p < 0.01, ** p < 0.05, * p < 0.10.",
            "Tradability: a session that opened at its upper limit price (cent-exact, by board and date, "
            "new listings exempt) takes no buy at the open; the first tradable session is the first from day 0 "
            "with a bar and an open below the limit; the CAR from it counts that day from its open.",
            "Colours follow the A-share convention: red is up, green is down.",
        ]


def _member(m: dict[str, Any]) -> MemberRow:
    first = m.get("first_tradable") or {}
    subs = m.get("sub_windows") or {}
    return MemberRow(
        symbol=str(m["symbol"]), name=str(m.get("name") or m["symbol"]), event_date=str(m.get("event_date") or ""),
        session=str(m.get("session") or ""), model=str(m.get("model") or ""),
        estimation_n=int(m.get("estimation_n") or 0), car=m.get("car"), car_t=m.get("car_t"), car_p=m.get("car_p"),
        car_0_1=(subs.get("day0_1") or {}).get("car"), car_from_day0=(subs.get("from_day0") or {}).get("car"), day0_open_at_limit=m.get("day0_open_at_limit"),
        day1_open_at_limit=m.get("day1_open_at_limit"), limit_up_run=int(m.get("limit_up_run") or 0),
        first_date=first.get("date"), first_day=first.get("day"), first_price=first.get("price"),
        car_from_first=m.get("car_from_first_tradable"), return_from_first=m.get("return_from_first_tradable"),
        raw=dict(m),
    )
