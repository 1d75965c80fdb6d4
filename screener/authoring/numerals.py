"""Numbers as Chinese news writes them: ``121.65``, ``一``, ``两``, ``十二``,
``一百二十一点六五``, ``二〇二六``.

This covers what price claims use (digits, 十/百/千/万/亿, 点 decimals, 两, 〇). The
``cn2an`` package does the same and more, but installs stray top-level packages
(``build``, ``src``, ``example``) into site-packages, pulls in ``proces`` and takes
about 1.8 s to import — more than the rest of ``themes extract`` on a normal page.
"""

from __future__ import annotations

import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10**4, "亿": 10**8}
CN_NUMERAL_CHARS = "".join(DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS) + "点"
_ARABIC = re.compile(r"\d+(?:\.\d+)?")


def cn_number(s: str) -> float | None:
    """The value of a number written in Arabic digits or Chinese numerals, or None when
    ``s`` is not one (``十二`` → 12, ``一百零五`` → 105, ``一点五`` → 1.5)."""
    if _ARABIC.fullmatch(s):
        return float(s)
    whole, dot, frac = s.partition("点")
    if not whole or (dot and not frac) or any(c not in DIGITS for c in frac):
        return None
    value = _integer(whole)
    if value is None:
        return None
    return value + (float("0." + "".join(str(DIGITS[c]) for c in frac)) if frac else 0.0)


def _integer(s: str) -> int | None:
    """``一百二十一`` → 121; a run of bare digits (``二〇二六``) reads place by place; a
    last digit right after a unit counts in the unit below it (``一千二`` → 1200,
    ``三万五`` → 35000), but after a 零 it is units (``一千零二`` → 1002)."""
    if all(c in DIGITS for c in s):
        return int("".join(str(DIGITS[c]) for c in s))
    total = section = 0
    digit: int | None = None
    last_unit = 10  # the unit written right before the current digit; 10 reads it as units
    for c in s:
        if c in DIGITS:
            if digit is not None and DIGITS[c] != 0:
                return None  # two digits in a row (一二十) is no number
            digit = DIGITS[c] or None  # a 零 only marks a gap (一百零五)
            if not DIGITS[c]:
                last_unit = 10
        elif c in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[c]
            digit, last_unit = None, _SMALL_UNITS[c]
        elif c in _BIG_UNITS:
            total += (section + (digit or 0)) * _BIG_UNITS[c]
            section, digit, last_unit = 0, None, _BIG_UNITS[c]
        else:
            return None
    return total + section + (digit or 0) * (last_unit // 10)
