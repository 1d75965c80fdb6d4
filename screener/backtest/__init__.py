"""Backtest theme baskets under A-share rules (backtrader), against a benchmark and the
story's claims. Heavy modules (pandas, backtrader) load only when a backtest runs.

Calling this package runs one: ``screener.backtest("fiber", demo=True)`` is
:func:`screener.api.backtest` (see :mod:`screener._callable`)."""

from screener._callable import make_callable

make_callable(__name__)
