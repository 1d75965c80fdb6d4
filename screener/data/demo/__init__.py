"""The demo data: deterministic synthetic bars that behave like a market, generated
in-process, one symbol at a time, and labelled DEMO everywhere.

Symbols: the members and benchmarks of the built-in themes plus major indices
(``DEMO_INDICES``), on XSHG sessions from 2016-01-04 to 2026-11-20 (a fixed end, never
"today"). Loading k symbols generates only those k (each once per process).

A market, not a set of independent random walks (:mod:`.factors`, :mod:`.bars`): a
stock's daily return is beta × market + size loading × size style + sector loading ×
its theme's sector factor + its own noise. Betas are 0.6–1.5 around a per-sector
centre; the demo CSI 300 *is* the market factor and the other indices are mixes of
market and size (a theme's benchmark index, like 399438.SZ, follows its sector). Shared
factors come from named streams and are generated once per process; a symbol's own draws
come from its own stream (crc32 of the symbol), so its bars are the same whatever else
is loaded.

Realism the rest of the code can rely on (:mod:`.prices`, :mod:`.profiles`):

* prices are whole cents; every close stays inside the board's limit band
  (``screener.limits`` of the reference price, band by board and date; ChiNext ±10%
  before 2020-08-24) and some sessions close exactly at limit-up or limit-down (a
  stock's own news days, and sector news days that move a whole theme);
* a few suspensions per stock (sessions with no row; the first session back catches up
  on the market's move), and listing dates after 2016 for STAR (688), ChiNext-301 and
  other recently issued code ranges;
* a cash dividend in most years and bonus shares (送转) in a few: on the ex-date the
  reference price is (previous close − cash) / (1 + bonus ratio), and ``adj_factor``
  (hfq / raw) steps up by previous close / reference;
* ``volume`` in shares (whole lots), ``amount`` in CNY, ``turnover`` as a fraction of
  seeded float shares (NaN for indices, whose adj_factor is 1.0).

Boards (:mod:`.catalog`, :mod:`.concepts`): each built-in theme is a board ``BK9001``,
``BK9002``, ... in theme-id order (a theme whose benchmark is a board keeps that board
code), and thirty synthetic concept boards ``BK9101``–``BK9130`` (names marked 演示)
draw most members from one sector. A board's bars are an equal-weight index (base 1000)
of its members' hfq daily returns; ``DemoStore.boards()`` lists them all. Valuations are
never invented: ``valuations()`` is empty. An unknown symbol is reported in
``MarketData.missing``; the caller decides.
"""

from __future__ import annotations

from screener.data.demo.bars import DEMO_END, DEMO_START, generate
from screener.data.demo.catalog import DEMO_BOARD_BASE, DEMO_INDICES, DemoBoard, DemoCatalog, DemoEntry, catalog
from screener.data.demo.store import DemoStore

__all__ = [
    "DEMO_BOARD_BASE",
    "DEMO_END",
    "DEMO_INDICES",
    "DEMO_START",
    "DemoBoard",
    "DemoCatalog",
    "DemoEntry",
    "DemoStore",
    "catalog",
    "generate",
]
