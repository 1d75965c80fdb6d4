"""Numbers and dates as every output shows them (terminal, HTML, Markdown, Excel text,
charts): one set of formatters, in the language in use.

Percentages are the same in both languages (``+12.34%``); amounts are compact —
``1.23B`` in English, ``6.83亿`` / ``45.67万`` in Chinese; dates are ISO
(``2026-05-11``). A missing value (None, NaN, text) is shown as :data:`DASH`, never
guessed."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from screener.i18n import _, language

DASH = "—"

# (scale, suffix), largest first; Chinese counts in 万 (1e4) and 亿 (1e8)
_EN_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
_ZH_SCALES = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))


def number(value: Any) -> float | None:
    """``value`` as a finite float, or None (missing, NaN, infinite, text, a bool)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


class Shown(str):
    """A formatted figure that remembers its sign: ``tone`` is ``up``, ``down`` or None,
    for renderers that colour it (red up, green down); otherwise plain text."""

    tone: str | None = None


def toned(text: str, tone_: str | None) -> Shown:
    shown = Shown(text)
    shown.tone = tone_
    return shown


def pct(value: Any, digits: int = 2, *, signed: bool = True) -> str:
    """A fraction as a percentage: ``+12.35%`` (toned by its sign), ``12.35%`` unsigned."""
    f = number(value)
    if f is None:
        return DASH
    return toned(f"{f:+.{digits}%}", tone(f)) if signed else f"{f:.{digits}%}"


def ratio(value: Any, digits: int = 2) -> str:
    """A plain figure (Sharpe, beta): ``1.23``."""
    f = number(value)
    return DASH if f is None else f"{f:,.{digits}f}"


def amount(value: Any, digits: int = 2) -> str:
    """An amount of money or shares, compact: ``1.23B`` / ``6.83亿``; small ones whole."""
    f = number(value)
    if f is None:
        return DASH
    for scale, suffix in _ZH_SCALES if language() == "zh" else _EN_SCALES:
        if abs(f) >= scale:
            return f"{f / scale:,.{digits}f}{suffix}"
    return f"{f:,.0f}"


def money(value: Any) -> str:
    """CNY: exact to the fen in English (``1,023,456.78``); in Chinese from 万 up in
    万/亿 (``102.35万``), below that exact."""
    f = number(value)
    if f is None:
        return DASH
    if language() == "zh" and abs(f) >= 1e4:
        return amount(f)
    return f"{f:,.2f}"


SHARE_DECIMALS = 4  # a fractional share count (cash dividends reinvested) is shown and exported to this


def shares(value: Any) -> str:
    """A share count: whole as ``3,300``; fractional (cash dividends reinvested as shares)
    to :data:`SHARE_DECIMALS` decimals, ``3,328.2124``."""
    f = number(value)
    if f is None:
        return DASH
    f = round(f, SHARE_DECIMALS)
    return f"{f:,.0f}" if f.is_integer() else f"{f:,.{SHARE_DECIMALS}f}"


def count(value: Any) -> str:
    """A whole number (trades, blocked orders)."""
    f = number(value)
    return DASH if f is None else f"{int(f):,}"


def day(value: Any) -> str:
    """A date as ``2026-05-11`` (text is cut to its date part)."""
    if value is None or value == "":
        return DASH
    if isinstance(value, (date, datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value)[:10]


def rate(value: Any) -> str:
    """A cost rate as a percentage with no trailing zeros: ``0.025%``."""
    f = number(value)
    return DASH if f is None else f"{format(Decimal(repr(f * 100)).normalize(), 'f')}%"


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def plain(value: Any) -> str:
    """A setting as text: numbers as given (no unit guessing), lists joined."""
    if value is None:
        return DASH
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, float):
        if value.is_integer():
            return f"{int(value):,}"
        return format(Decimal(repr(value)), "f")
    if isinstance(value, (list, tuple)):
        return ", ".join(plain(v) for v in value) or DASH
    return str(value)


def tone(value: Any) -> str | None:
    """``up`` for a positive figure, ``down`` for a negative one (coloured red and green
    by the A-share convention), None otherwise."""
    f = number(value)
    if f is None or f == 0:
        return None
    return "up" if f > 0 else "down"
