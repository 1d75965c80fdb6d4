"""Calendar days in news text: written out ("2026年4月4日", "5月11日", "2026-05-11") or
relative to the publication date ("昨日", "上周五", "本月8日", "11日").

A day without a year takes the publication year, else the latest year the text gives in
a full date (:func:`infer_year`). A relative day needs the publication date; each one
carries a note saying how it was read, for the draft's comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from screener.authoring.numerals import DIGITS

_FULL_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?(?:\s*(\d{1,2})\s*[日号])?")
_DAY = re.compile(r"(?:(?P<y>\d{4})\s*年\s*|(?P<rel_y>今年|去年|前年))?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")
_ISO_DAY = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_WEEKDAYS = "一二三四五六日天"
_RELATIVE = re.compile(
    r"(?P<back>昨日|昨天|前日|前天|今日|今天)"
    rf"|(?P<week>上上|上|本|这)?(?:个)?(?:周|星期|礼拜)(?P<wd>[{_WEEKDAYS}])"
    r"|(?P<month>上个?月|本月)(?P<md>\d{1,2})\s*[日号]"
    r"|(?<![\d月年近前后续每数第])(?P<bare>\d{1,2})\s*日(?![\d内均])"
)
_BACK = {"今日": 0, "今天": 0, "昨日": 1, "昨天": 1, "前日": 2, "前天": 2}
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TOP_LINES = 5  # a masthead or a date line counts as the page's within its first non-empty lines
_DATE_LINE = re.compile(
    r"\s*(?:(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|(\d{4})-(\d{1,2})-(\d{1,2}))"
    r"\s*(?:(?:星期|周|礼拜)[一二三四五六日天])?\s*"
)


@dataclass(frozen=True)
class DayMention:
    start: int
    end: int
    text: str
    day: date | None  # None when the year or the publication date is unknown, or no such day
    reading: str | None = None  # how a relative day was read ("上周五: the Friday of the week before …")
    problem: str | None = None  # why ``day`` is None, for a TODO


def infer_year(text: str) -> tuple[int | None, str | None]:
    """The year of a text's undated days ("5月11日"): the latest year in its fully dated
    mentions ("2026年4月4日", "2026年3月份"). Returns (year, the mention it came from)."""
    best: tuple[int, str] | None = None
    for m in _FULL_DATE.finditer(text):
        year = int(m.group(1))
        if best is None or year > best[0]:
            best = (year, m.group(0))
    return best if best else (None, None)


def top_lines(text: str, count: int = TOP_LINES) -> list[str]:
    """The first ``count`` non-empty lines of ``text``: where a page prints its masthead
    and its date."""
    return [ln for ln in text.splitlines() if ln.strip()][:count]


def date_line(text: str, lines: int = TOP_LINES) -> date | None:
    """A publication date printed on a line of its own near the top of a page
    ("2026年5月12日 星期二", "2026-05-12")."""
    for line in top_lines(text, lines):
        if m := _DATE_LINE.fullmatch(line):
            y, mo, d = (int(g) for g in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
            return _date(y, mo, d)
    return None


def days_in(text: str, year: int | None, published: date | None = None) -> list[DayMention]:
    """Calendar days mentioned in ``text``, in order: written out, then relative ones
    that no written-out day covers, read against ``published``."""
    out = [_written(m, year, published) for m in _DAY.finditer(text)]
    out += [
        DayMention(m.start(), m.end(), m.group(0), _date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        for m in _ISO_DAY.finditer(text)
    ]
    taken = [(d.start, d.end) for d in out]
    for m in _RELATIVE.finditer(text):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            out.append(_relative(m, published))
    return sorted(out, key=lambda d: d.start)


def _written(m: re.Match[str], year: int | None, published: date | None) -> DayMention:
    month, day = int(m.group("m")), int(m.group("d"))
    if m.group("y"):
        return DayMention(m.start(), m.end(), m.group(0), _date(int(m.group("y")), month, day))
    if m.group("rel_y"):
        if published is None:
            return DayMention(m.start(), m.end(), m.group(0), None, problem=_needs_published(m.group(0)))
        back = {"今年": 0, "去年": 1, "前年": 2}[m.group("rel_y")]
        got = _date(published.year - back, month, day)
        reading = f"{m.group(0)}: {got} ({m.group('rel_y')} of publication on {published})" if got else None
        return DayMention(m.start(), m.end(), m.group(0), got, reading)
    y = published.year if published else year
    return DayMention(m.start(), m.end(), m.group(0), _date(y, month, day) if y else None)


def _relative(m: re.Match[str], published: date | None) -> DayMention:
    said = m.group(0)
    if published is None:
        return DayMention(m.start(), m.end(), said, None, problem=_needs_published(said))
    day, rule = _resolve(m, published)
    if day is None:
        return DayMention(m.start(), m.end(), said, None, problem=f"{said!r}: no such day ({rule})")
    reading = f"{said}: {day} ({_WEEKDAY_NAMES[day.weekday()]}), {rule}, published {published}"
    return DayMention(m.start(), m.end(), said, day, reading)


def _resolve(m: re.Match[str], pub: date) -> tuple[date | None, str]:
    """(the day, the rule in words) for a relative mention against the publication date."""
    if m.group("back"):
        n = _BACK[m.group("back")]
        return pub - timedelta(days=n), ("the publication day", "the day before publication",
                                         "two days before publication")[n]
    if m.group("wd"):
        wd = 6 if m.group("wd") in "日天" else DIGITS[m.group("wd")] - 1
        monday = pub - timedelta(days=pub.weekday())
        name = _WEEKDAY_NAMES[wd]
        if m.group("week") in ("上", "上上"):
            weeks = 1 if m.group("week") == "上" else 2
            ago = "the week before" if weeks == 1 else "two weeks before"
            return monday - timedelta(weeks=weeks) + timedelta(days=wd), f"the {name} of {ago} the publication week"
        if m.group("week"):
            return monday + timedelta(days=wd), f"the {name} of the publication week"
        back = (pub.weekday() - wd) % 7
        return pub - timedelta(days=back), f"the last {name} on or before publication"
    if m.group("md"):
        n = int(m.group("md"))
        if m.group("month").startswith("上"):
            first = (pub.replace(day=1) - timedelta(days=1)).replace(day=1)
            return _date(first.year, first.month, n), f"day {n} of the month before publication"
        return _date(pub.year, pub.month, n), f"day {n} of the publication month"
    n = int(m.group("bare"))
    if n <= pub.day:
        return _date(pub.year, pub.month, n), f"day {n} of the publication month"
    first = (pub.replace(day=1) - timedelta(days=1)).replace(day=1)
    return _date(first.year, first.month, n), f"day {n}: after the publication day, so the month before"


def _needs_published(said: str) -> str:
    return f"{said!r} is relative to the publication date: pass --published YYYY-MM-DD, or fill in the date"


def _date(y: int | None, m: int, d: int) -> date | None:
    if y is None:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def undated_day(text: str) -> str | None:
    """The first day ``text`` gives without a year ("5月10日"), as written."""
    return next((m.group(0) for m in _DAY.finditer(text) if not (m.group("y") or m.group("rel_y"))), None)
