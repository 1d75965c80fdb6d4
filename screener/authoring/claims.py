"""Price claims a story makes, drafted for the user to confirm.

- **Moves over a period**: "截至5月11日收盘，A股市场光纤指数年内涨幅已超121.65%" → a
  ``period_return`` from 1 January to 2026-05-11, ``at_least`` +121.65%. Amounts in
  ordinary Chinese count too: 上涨1.2倍 / 一倍 (+120% / +100%), 二成 (+20%), 三成多 (at
  least +30%), 两成半 (+25%), 百分之十二 (+12%), 翻番 / 翻倍 (at least +100%), 翻两番
  (at least +300%), 腰斩 / 跌了一半 (−50%). The period: 今年以来 / 年内 → from 1 January of
  the year to the day the sentence states, else the publication date; 5月以来 → from 1
  May; 5月6日以来 → from that day; 本月以来 / 本周以来; otherwise one day (start = end).
- **Limit-up / rising names on a day**: "5月11日，…桂冠电力、双星新材等多股涨停，美利信、
  四方股份等个股纷纷跟涨" → ``limit_up`` (600236.SH, 002585.SZ) and ``close_up``
  (301307.SZ, 601126.SH) on 2026-05-11, for the firms named in the same clause. A clause
  that speaks of a period (5月以来上涨) is not a one-day move.
- Relative days (昨日, 上周五) are read against the publication date; the reading is
  written beside the date in the draft.

Moves of costs, prices of goods, sales or other business figures (成本涨了5倍) are not
price claims. Everything found here is a suggestion: the draft lists it as comments.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from screener.authoring.dates import DayMention, days_in
from screener.authoring.numerals import CN_NUMERAL_CHARS, DIGITS, cn_number
from screener.authoring.text import LINE_BREAKS, Sentence
from screener.fmt import pct

_CLAUSE_SPLIT = re.compile(r"[，；,;]")
_LIMIT_UP = re.compile(r"(?<![未没不])涨停(?!板?打开)")
_CLOSE_UP = re.compile(r"跟涨|收涨|上涨|走高|飘红|翻红|拉升|大涨|走强")
_ANY_MOVE = re.compile(r"[涨跌翻]|腰斩|走高|飘红|拉升|走强")  # sentences without one state no claim
_NUM = rf"\d+(?:\.\d+)?|[{CN_NUMERAL_CHARS}]+"
_MOVE = re.compile(
    r"(?:累计|收)?(?P<dir>涨幅|跌幅|上涨|下跌|大涨|大跌|涨|跌)(?:了|去|掉)?"
    r"(?P<cmp>已超过|已超|超过|超|逾|高于|达到|达|约为|约|近|接近|不足|不到|低于|为)?\s*"
    rf"(?:(?P<num>{_NUM})\s*(?P<unit>[%％]|倍|成)(?P<half>半)?|百分之(?P<pnum>{_NUM})|(?P<halfword>一半))"
    r"(?P<tail>以上|左右|多|有余|余)?"
)
_DOUBLING = re.compile(r"翻了?(?:(?P<times>[一两二三四1-4])番|番|一?倍)|(?P<halved>腰斩)")
_NOT_A_PRICE = re.compile(
    r"成本|价格|售价|报价|营收|收入|利润|净利|销量|销售|出货|产量|产能|需求|规模|费用|稿费|工资|租金|效率|订单|业绩|用户|流量"
)
_YTD = "年内|今年以来|今年来|年初至今|年初以来|本年以来"
_PERIOD = re.compile(
    rf"(?P<ytd>{_YTD})"
    r"|(?P<since_day>(?P<sd_m>\d{1,2})\s*月\s*(?P<sd_d>\d{1,2})\s*[日号](?:以来|至今))"
    r"|(?:(?P<sm_year>今年|去年))?(?P<since_month>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月份?(?:以来|至今)"
    r"|(?P<this>本月|本周)(?:以来|至今)"
    r"|(?P<one_day>当日|当天|全天|日内)"
)
# Words around what moved that are not part of it: a lead-in (而, 其中), and at the end a
# point of reference (较高点) or adverbs (已, 均) — "而旺能环境股价", "龙佰集团股价较高点已".
_LEAD_IN = re.compile(r"^(?:而且|而|但是|但|不过|同时|此外|另外|其中|且)")
_TRAILING = re.compile(r"(?:(?:较|相较于?|相比于?)[^\s，。]{1,6}|已经|已|均|亦|也|则|分别|一度|再度|更是)+$")
_AT_LEAST = {"已超过", "已超", "超过", "超", "逾", "高于", "以上", "多", "有余", "余"}
_AT_MOST = {"不足", "不到", "低于"}
ABOUT_TOLERANCE = 0.005  # a figure in per cent: ±0.5 percentage points
ROUND_TOLERANCE = 0.05  # a round figure in 成 or 倍: ±5 percentage points


@dataclass
class DraftClaim:
    """A claim as it would go in the theme's ``claims:`` list, plus review notes."""

    fields: dict[str, Any]
    notes: dict[str, str] = field(default_factory=dict)  # field -> why it has that value
    problems: list[str] = field(default_factory=list)  # what the user must fill in

    def key(self) -> tuple[Any, ...]:
        """What makes two drafted claims the same claim (the quote aside)."""
        return tuple((k, str(v)) for k, v in self.fields.items() if k != "quote")


@dataclass(frozen=True)
class NamedSpan:
    start: int
    end: int
    symbol: str


@dataclass(frozen=True)
class _Amount:
    value: float  # a signed fraction: +1.0 is +100%
    comparison: str
    said: str  # the words the amount came from, for the note
    tolerance: float | None


def _clauses(sentence: Sentence, text: str) -> list[tuple[int, int]]:
    body = text[sentence.start : sentence.end]
    spans, pos = [], 0
    for m in _CLAUSE_SPLIT.finditer(body):
        spans.append((sentence.start + pos, sentence.start + m.start()))
        pos = m.end()
    spans.append((sentence.start + pos, sentence.end))
    return spans


def _symbols_in(span: tuple[int, int], named: Sequence[NamedSpan], starts: Sequence[int]) -> list[str]:
    """The symbols named in ``span``: ``named`` is sorted by start, ``starts`` its starts."""
    out: list[str] = []
    for n in named[bisect_left(starts, span[0]) : bisect_left(starts, span[1])]:
        if n.symbol not in out:
            out.append(n.symbol)
    return out


def _one_line(s: str) -> str:
    return LINE_BREAKS.sub("", s).strip()


def find_claims(
    text: str,
    sents: Sequence[Sentence],
    named: Sequence[NamedSpan],
    year: int | None,
    published: date | None = None,
) -> list[DraftClaim]:
    """Claims in ``text``, each once; ``named`` are the member firms' mentions (for day
    moves), ``year`` the year of undated days, ``published`` the publication date."""
    named = sorted(named, key=lambda n: n.start)
    starts = [n.start for n in named]
    claims: dict[tuple[Any, ...], DraftClaim] = {}
    for s in sents:
        if not _ANY_MOVE.search(s.text):
            continue
        days: list[DayMention] | None = None  # read only for sentences with a claim
        period = None  # the last period phrase so far in the sentence (今年以来 often opens it)
        for c_start, c_end in _clauses(s, text):
            clause = _one_line(text[c_start:c_end])
            period = _last_period(clause) or period
            found = _move_in(clause)
            symbols = _symbols_in((c_start, c_end), named, starts)
            if not found and (not symbols or (period and not period.group("one_day"))):
                continue  # no move; or names on a period (5月以来上涨), not on one day
            days = days if days is not None else days_in(s.text, year, published)
            if found:
                claim = _period_claim(*found, symbols, period, days, published, s.text)
            elif _LIMIT_UP.search(clause):
                claim = _day_claim("limit_up", symbols, days, s.text)
            elif _CLOSE_UP.search(clause):
                claim = _day_claim("close_up", symbols, days, s.text)
            else:
                continue
            claims.setdefault(claim.key(), claim)
    return list(claims.values())


def _move_in(clause: str) -> tuple[_Amount, str] | None:
    """The amount a clause says something moved by, and the subject before it (None
    when the clause states no price move)."""
    m = _MOVE.search(clause) or _DOUBLING.search(clause)
    if not m:
        return None
    subject = clause[: m.start()]
    if _NOT_A_PRICE.search(subject):
        return None
    amount = _amount(m)
    return (amount, subject) if amount else None


def _amount(m: re.Match[str]) -> _Amount | None:
    said = m.group(0)
    if m.re is _DOUBLING:
        if m.group("halved"):
            return _Amount(-0.5, "at_most", said, None)
        times = m.group("times")
        doublings = 1 if not times else (int(times) if times.isdigit() else DIGITS[times])
        return _Amount(2.0**doublings - 1, "at_least", said, None)
    if m.group("halfword"):
        value, tolerance = 0.5, ROUND_TOLERANCE
    else:
        number = cn_number(m.group("pnum") or m.group("num"))
        if number is None:
            return None
        unit = "%" if m.group("pnum") else m.group("unit").replace("％", "%")
        scale = {"%": 0.01, "倍": 1.0, "成": 0.1}[unit]
        value = (number + (0.5 if m.group("half") else 0)) * scale
        tolerance = ABOUT_TOLERANCE if unit == "%" else ROUND_TOLERANCE
    words = {m.group("cmp"), m.group("tail")} - {None}
    comparison = "at_least" if words & _AT_LEAST else "at_most" if words & _AT_MOST else "about"
    sign = -1 if "跌" in m.group("dir") else 1
    return _Amount(sign * value, comparison, said, tolerance if comparison == "about" else None)


def _last_period(clause: str) -> re.Match[str] | None:
    last = None
    for last in _PERIOD.finditer(clause):  # noqa: B007 (the last one is wanted)
        pass
    return last


def _day_claim(kind: str, symbols: list[str], days: list[DayMention], quote: str) -> DraftClaim:
    day = days[0] if days else None
    claim = DraftClaim({"kind": kind, "date": day.day if day and day.day else "YYYY-MM-DD", "symbols": symbols})
    if not day:
        claim.problems.append("the sentence gives no date: fill in `date`")
    elif not day.day:
        claim.problems.append(day.problem or f"the year of {day.text!r} is unknown: fill in `date`")
    elif day.reading:
        claim.notes["date"] = day.reading
    claim.fields["quote"] = quote
    return claim


def _period_claim(
    amount: _Amount,
    subject: str,
    symbols: list[str],
    period: re.Match[str] | None,
    days: list[DayMention],
    published: date | None,
    quote: str,
) -> DraftClaim:
    notes: dict[str, str] = {}
    problems: list[str] = []
    end = _claim_end(period, days, published, notes, problems)
    start = _claim_start(period, end, days, notes, problems) if isinstance(end, date) else "YYYY-MM-DD"
    subject = _subject(subject)
    fields: dict[str, Any] = {"kind": "period_return"}
    if subject:
        fields["subject"] = subject
    fields.update(start=start, end=end, value=round(amount.value, 6), comparison=amount.comparison)
    if amount.tolerance is not None:
        fields["tolerance"] = amount.tolerance
        notes["tolerance"] = (
            "an assumed ±0.5 percentage points: adjust"
            if amount.tolerance == ABOUT_TOLERANCE
            else f"{amount.said} is a round figure: ±5 percentage points assumed, adjust"
        )
    fields["proxy"] = symbols[0] if len(symbols) == 1 else "basket"
    if fields["proxy"] == "basket":
        notes["proxy"] = "the theme's members stand in for the quoted subject"
    notes["value"] = f"{amount.said} = {pct(amount.value)}"
    if amount.comparison != "about":
        notes["comparison"] = {"at_least": "or more", "at_most": "or less"}[amount.comparison]
    fields["quote"] = quote
    return DraftClaim(fields, notes, problems)


def _subject(before_move: str) -> str | None:
    """What moved, from the words before the move, without the period (年内), a lead-in
    or trailing references and adverbs."""
    subject = _PERIOD.sub("", before_move).strip()
    return _TRAILING.sub("", _LEAD_IN.sub("", subject)).strip() or None


def _claim_end(
    period: re.Match[str] | None,
    days: list[DayMention],
    published: date | None,
    notes: dict[str, str],
    problems: list[str],
) -> date | str:
    since = period.group(0) if period and period.group("since_day") else None
    day = next((d for d in days if not (since and d.text in since)), None)  # 5月6日以来 is the start
    if day and day.day:
        if day.reading:
            notes["end"] = day.reading
        return day.day
    if day:
        problems.append(day.problem or f"the year of {day.text!r} is unknown: fill in `start` and `end`")
        return "YYYY-MM-DD"
    if period and not period.group("one_day") and published:
        notes["end"] = f"the sentence gives no date: the publication date {published} (check: the move may be to the close before)"
        return published
    problems.append("the sentence gives no date: fill in `start` and `end`")
    return "YYYY-MM-DD"


def _claim_start(
    period: re.Match[str] | None, end: date, days: list[DayMention], notes: dict[str, str], problems: list[str]
) -> date | str:
    if period is None or period.group("one_day"):
        notes["start"] = "a one-day move: start = end"
        return end
    said = period.group(0)
    if period.group("ytd"):
        notes["start"] = f"{said}: from 1 January {end.year}"
        return date(end.year, 1, 1)
    if period.group("this"):
        start = end.replace(day=1) if period.group("this") == "本月" else end - timedelta(days=end.weekday())
        notes["start"] = f"{said}: from {start}"
        return start
    if period.group("since_day"):
        day = next((d for d in days if d.text in said and d.day), None)
        if day is None:
            problems.append(f"{said!r} names no day: fill in `start`")
            return "YYYY-MM-DD"
        notes["start"] = f"{said}: from {day.day}"
        return day.day
    month = cn_number(period.group("since_month"))
    if month is None or not 1 <= month <= 12 or month != int(month):
        problems.append(f"{said!r} names no month: fill in `start`")
        return "YYYY-MM-DD"
    year = end.year - 1 if period.group("sm_year") == "去年" else end.year
    if not period.group("sm_year") and month > end.month:
        year -= 1  # "11月以来" at a January date means last November
    notes["start"] = f"{said}: from 1 {date(year, int(month), 1):%B %Y}"
    return date(year, int(month), 1)
