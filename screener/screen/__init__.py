"""Screen and rank: factors for theme members, boards and the whole market.

Calling this package runs a screen: ``screener.screen("fiber", demo=True)`` is
:func:`screener.api.screen` (see :mod:`screener._callable`)."""

from screener._callable import make_callable

make_callable(__name__)
