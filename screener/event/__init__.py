"""Event studies: what did the news do to a theme's members, and could you have traded it?

Abnormal returns around dated events (a theme's ``events:``, ``--date``, or every
limit-up close) under the market, market-adjusted or mean model, with the
cross-sectional, Patell and BMP tests, and each member's tradability under A-share
price limits. Loading and alignment are the backtest pipeline's own stages.

Calling this package runs one: ``screener.event("green-power", demo=True)`` is
:func:`screener.api.event` (see :mod:`screener._callable`).
"""

from screener._callable import make_callable

make_callable(__name__)
