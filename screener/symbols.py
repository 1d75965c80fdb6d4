"""A-share symbols: parse the forms users type, normalise to ``600487.SH``, and infer
exchange, board, price-limit band and lot rules from the code.

Facts follow ``a-share-rules.md``: main boards ±10%, STAR ±20%, ChiNext ±20% since
2020-08-24 (±10% before), BSE ±30%, risk-warning (ST) names on main boards ±5%.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import lru_cache

from screener.errors import SymbolError
from screener.i18n import _, language

CHINEXT_20PCT_FROM = date(2020, 8, 24)


class Exchange(str, Enum):
    SH = "SH"
    SZ = "SZ"
    BJ = "BJ"
    CSI = "CSI"  # China Securities Index Co. indices (e.g. 931897.CSI)


class Board(str, Enum):
    MAIN = "main"
    STAR = "star"
    CHINEXT = "chinext"
    BSE = "bse"
    INDEX = "index"


BOARD_LABELS = {
    Board.MAIN: "main board",
    Board.STAR: "STAR Market",
    Board.CHINEXT: "ChiNext",
    Board.BSE: "Beijing SE",
    Board.INDEX: "index",
}

# the major indices: code -> (Chinese name, as the exchanges and data sources give it; English name)
INDICES: dict[str, tuple[str, str]] = {
    "000300.SH": ("沪深300", "CSI 300"),
    "000001.SH": ("上证指数", "SSE Composite"),
    "000016.SH": ("上证50", "SSE 50"),
    "000905.SH": ("中证500", "CSI 500"),
    "000852.SH": ("中证1000", "CSI 1000"),
    "000688.SH": ("科创50", "STAR 50"),
    "399001.SZ": ("深证成指", "SZSE Component"),
    "399006.SZ": ("创业板指", "ChiNext Index"),
}


def index_name(code: str) -> str | None:
    """The name of a major index in the language in use (None for any other code)."""
    names = INDICES.get(code)
    return None if names is None else names[0 if language() == "zh" else 1]


_SUFFIX_ALIASES = {
    "SH": Exchange.SH, "SS": Exchange.SH, "XSHG": Exchange.SH, "SSE": Exchange.SH,
    "SZ": Exchange.SZ, "XSHE": Exchange.SZ, "SZSE": Exchange.SZ,
    "BJ": Exchange.BJ, "BSE": Exchange.BJ, "XBSE": Exchange.BJ,
    "CSI": Exchange.CSI,
}
# ASCII digits only: ``\d`` would also take Arabic-Indic or Devanagari digits
_PREFIX_RE = re.compile(r"^(SH|SZ|BJ|CSI)([0-9]{6})$")
_SUFFIX_RE = re.compile(r"^([0-9]{6})\.([A-Z]+)$")
_BARE_RE = re.compile(r"^[0-9]{6}$")
# concept/industry board codes, upper case: eastmoney's BK0715, or a THS six-digit code
EM_BOARD_CODE = re.compile(r"BK\d{4}")
BOARD_CODE = re.compile(r"BK\d{4}|\d{6}")


@dataclass(frozen=True, order=True)
class Symbol:
    """A normalised A-share stock or index symbol, e.g. ``Symbol("600487", Exchange.SH)``."""

    code: str
    exchange: Exchange

    def __str__(self) -> str:
        return f"{self.code}.{self.exchange.value}"

    @property
    def is_index(self) -> bool:
        return self.board is Board.INDEX

    @property
    def board(self) -> Board:
        return _board_of(self.code, self.exchange)

    @property
    def prefixed(self) -> str:
        """The ``sh600487`` form used by sina and tencent."""
        return f"{self.exchange.value.lower()}{self.code}"

    def limit_band(self, on: date | None = None, *, st: bool = False) -> float | None:
        """The daily price-limit band as a fraction (0.1 = ±10%); None for indices."""
        board = self.board
        if board is Board.INDEX:
            return None
        if board is Board.BSE:
            return 0.30
        if board is Board.STAR:
            return 0.20
        if board is Board.CHINEXT:
            return 0.20 if on is None or on >= CHINEXT_20PCT_FROM else (0.05 if st else 0.10)
        return 0.05 if st else 0.10

    def lot_rule(self) -> tuple[int, int]:
        """(minimum buy quantity, step) in shares: 100/100 on main boards and ChiNext,
        200/1 on STAR, 100/1 on BSE."""
        board = self.board
        if board is Board.STAR:
            return 200, 1
        if board is Board.BSE:
            return 100, 1
        return 100, 100


@lru_cache(maxsize=16384)  # read per symbol in every limit and lot computation
def _board_of(code: str, exchange: Exchange) -> Board:
    if exchange is Exchange.CSI:
        return Board.INDEX
    if exchange is Exchange.SH:
        if code.startswith(("600", "601", "603", "605")):
            return Board.MAIN
        if code.startswith(("688", "689")):
            return Board.STAR
        if code.startswith("000"):
            return Board.INDEX
    elif exchange is Exchange.SZ:
        if code.startswith(("000", "001", "002", "003")):
            return Board.MAIN
        if code.startswith(("300", "301")):
            return Board.CHINEXT
        if code.startswith("399"):
            return Board.INDEX
    elif exchange is Exchange.BJ:
        if code.startswith("899"):
            return Board.INDEX
        if code.startswith(("43", "83", "87", "88", "920")):
            return Board.BSE
    raise SymbolError(_(
        "{code}.{value} is not an A-share stock or index code"
    ).format(code=code, value=exchange.value))


def _infer_exchange(code: str) -> Exchange:
    if code.startswith(("600", "601", "603", "605", "688", "689")):
        return Exchange.SH
    if code.startswith(("000", "001", "002", "003", "300", "301", "399")):
        return Exchange.SZ
    if code.startswith(("43", "83", "87", "88", "920")):
        return Exchange.BJ
    raise SymbolError(
        _(
            "cannot tell the exchange of {code!r}: add a suffix such as {code}.SH, {code}.SZ or {code}.BJ"
        ).format(code=code)
    )


def parse_symbol(text: str) -> Symbol:
    """Parse ``600487``, ``sh600487``, ``SH600487``, ``600487.SH`` or ``600487.XSHG``.

    A bare six-digit code is read as a stock (``000300`` is 000300.SZ); index codes
    keep their suffix (``000300.SH`` is CSI 300). Full-width forms (``６００４８７``, as
    Chinese input methods type them) are read as their ASCII equivalents. Raises
    :class:`SymbolError`.
    """
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    up = raw.upper()
    if m := _SUFFIX_RE.fullmatch(up):
        code, suffix = m.groups()
        exchange = _SUFFIX_ALIASES.get(suffix)
        if exchange is None:
            raise SymbolError(
                _("unknown exchange suffix in {raw!r}: use .SH, .SZ, .BJ (or .XSHG/.XSHE)").format(raw=raw)
            )
    elif m := _PREFIX_RE.fullmatch(up):
        prefix, code = m.groups()
        exchange = _SUFFIX_ALIASES[prefix]
    elif _BARE_RE.fullmatch(up):
        code, exchange = up, _infer_exchange(up)
    else:
        raise SymbolError(
            _(
                "invalid symbol {raw!r}: expected a six-digit A-share code such as 600487, sh600487 or 600487.SH"
            ).format(raw=raw)
        )
    _board_of(code, exchange)  # raises when the code does not belong to its exchange
    return Symbol(code, exchange)


def normalize(text: str) -> str:
    """``parse_symbol(text)`` as the canonical string, e.g. ``'600487.SH'``."""
    return str(parse_symbol(text))

