"""Price claims a story makes, drafted for the user to confirm.

- **Percent moves with a date**: "截至5月11日收盘，A股市场光纤指数年内涨幅已超121.65%" →
  a ``period_return`` from the start of the year to 2026-05-11, ``at_least`` +121.65%
  ("上涨1.2倍" is +120%).
- **Limit-up / rising names on a day**: "5月11日，…桂冠电力、双星新材等多股涨停，美利信、
  四方股份等个股纷纷跟涨" → ``limit_up`` (600236.SH, 002585.SZ) and ``close_up``
  (301307.SZ, 601126.SH) on 2026-05-11, for the firms named in the same clause.

Everything found here is a suggestion: the draft lists it as comments.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from screener.authoring.text import LINE_BREAKS, Sentence, days_in

_CLAUSE_SPLIT = re.compile(r"[，；,;]")
_LIMIT_UP = re.compile(r"(?<![未没不])涨停(?!板?打开)")
_CLOSE_UP = re.compile(r"跟涨|收涨|上涨|走高|飘红|翻红|拉升|大涨|走强")
_YEAR_TO_DATE = ("年内", "今年以来", "年初至今", "年初以来", "本年以来")
_PERIOD_WORDS = "|".join(_YEAR_TO_DATE) + r"|(?P<since>\d{1,2})月(?:份)?以来|当日|当天|全天"
_MOVE = re.compile(
    rf"(?P<period>{_PERIOD_WORDS})?(?:累计|收)?(?P<dir>涨幅|跌幅|上涨了?|下跌了?|大涨|大跌|涨|跌)"
    r"(?P<cmp>已超过|已超|超过|超|逾|高于|达到|达|约为|约|近|接近|不足|不到|低于|为)?"
    r"\s*(?P<pct>\d+(?:\.\d+)?)\s*(?P<unit>[%％]|倍)(?P<tail>以上|左右|多)?"
)
_AT_LEAST = {"已超过", "已超", "超过", "超", "逾", "高于", "以上", "多"}
_AT_MOST = {"不足", "不到", "低于"}
ABOUT_TOLERANCE = 0.005


@dataclass
class DraftClaim:
    """A claim as it would go in the theme's ``claims:`` list, plus review notes."""

    fields: dict[str, Any]
    notes: dict[str, str] = field(default_factory=dict)  # field -> why it has that value
    problems: list[str] = field(default_factory=list)  # what the user must fill in


@dataclass(frozen=True)
class NamedSpan:
    start: int
    end: int
    symbol: str


def _clauses(sentence: Sentence, text: str) -> list[tuple[int, int]]:
    body = text[sentence.start : sentence.end]
    spans, pos = [], 0
    for m in _CLAUSE_SPLIT.finditer(body):
        spans.append((sentence.start + pos, sentence.start + m.start()))
        pos = m.end()
    spans.append((sentence.start + pos, sentence.end))
    return spans


def _symbols_in(span: tuple[int, int], named: Sequence[NamedSpan]) -> list[str]:
    out: list[str] = []
    for n in named:
        if span[0] <= n.start < span[1] and n.symbol not in out:
            out.append(n.symbol)
    return out


def _one_line(s: str) -> str:
    return LINE_BREAKS.sub("", s).strip()


def find_claims(
    text: str, sents: Sequence[Sentence], named: Sequence[NamedSpan], year: int | None
) -> list[DraftClaim]:
    """Claims in ``text``; ``named`` are the member firms' mentions (for day moves)."""
    claims: list[DraftClaim] = []
    for s in sents:
        days = [d for d in days_in(s.text, year)]
        day = days[0] if days else None
        for c_start, c_end in _clauses(s, text):
            clause = _one_line(text[c_start:c_end])
            symbols = _symbols_in((c_start, c_end), named)
            if m := _MOVE.search(clause):
                claims.append(_period_claim(m, clause, symbols, day, s.text))
            elif symbols and _LIMIT_UP.search(clause):
                claims.append(_day_claim("limit_up", symbols, day, s.text))
            elif symbols and _CLOSE_UP.search(clause):
                claims.append(_day_claim("close_up", symbols, day, s.text))
    return claims


def _day_claim(kind: str, symbols: list[str], day: Any, quote: str) -> DraftClaim:
    claim = DraftClaim({"kind": kind, "date": day.day if day and day.day else "YYYY-MM-DD", "symbols": symbols})
    if not day:
        claim.problems.append("the sentence gives no date: fill in `date`")
    elif not day.day:
        claim.problems.append(f"the year of {day.text!r} is unknown: fill in `date`")
    claim.fields["quote"] = quote
    return claim


def _period_claim(m: re.Match[str], clause: str, symbols: list[str], day: Any, quote: str) -> DraftClaim:
    subject = clause[: m.start()].strip() or None
    times = m.group("unit") == "倍"  # 上涨1.2倍: up 120%
    value = float(m.group("pct")) / (1 if times else 100) * (-1 if "跌" in m.group("dir") else 1)
    words = {m.group("cmp"), m.group("tail")} - {None}
    if words & _AT_LEAST:
        comparison = "at_least"
    elif words & _AT_MOST:
        comparison = "at_most"
    else:
        comparison = "about"
    end: date | str = day.day if day and day.day else "YYYY-MM-DD"
    period = m.group("period")
    notes: dict[str, str] = {}
    problems: list[str] = []
    if isinstance(end, str):
        problems.append("the sentence gives no full date: fill in `start` and `end`")
        start: date | str = "YYYY-MM-DD"
    elif period in _YEAR_TO_DATE:
        start = date(end.year, 1, 1)
        notes["start"] = f"{period}: from the start of the year"
    elif m.group("since") and not 1 <= int(m.group("since")) <= 12:
        start = "YYYY-MM-DD"
        problems.append(f"{period!r} names no month: fill in `start`")
    elif m.group("since"):
        month = int(m.group("since"))
        # "11月以来" at a January date means last November
        start = date(end.year - (month > end.month), month, 1)
        notes["start"] = f"{period}: from the start of that month"
    else:
        start = end
        notes["start"] = "a one-day move: start = end"
    fields: dict[str, Any] = {"kind": "period_return"}
    if subject:
        fields["subject"] = subject
    fields.update(start=start, end=end, value=round(value, 6), comparison=comparison)
    if comparison == "about":
        fields["tolerance"] = ABOUT_TOLERANCE
        notes["tolerance"] = "an assumed ±0.5 percentage points: adjust"
    fields["proxy"] = symbols[0] if len(symbols) == 1 else "basket"
    if fields["proxy"] == "basket":
        notes["proxy"] = "the theme's members stand in for the quoted subject"
    notes["comparison"] = "".join(sorted(words)) or "no qualifier"
    fields["quote"] = quote
    return DraftClaim(fields, notes, problems)
