"""When the basket trades: the formation session and the rebalance sessions.

Row 0 of the engine's session index is the base date (the last session before the
window's start); row 1 is the window's first session. The basket is formed at the base
close (``fill=close``) or at the first session's open (``fill=open``, decided at the base
close). ``monthly`` rebalances on the first session of each later month, ``quarterly`` on
the first session of each later January, April, July and October; both strictly after
the window's first session, at that session's open or close (``fill``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from screener.i18n import _

QUARTER_MONTHS = (1, 4, 7, 10)


def formation_row(fill: str) -> int:
    return 0 if fill == "close" else 1


def rebalance_rows(dates: pd.DatetimeIndex, rebalance: str) -> list[int]:
    """Rows of ``dates`` (row 0 = base date) that rebalance, after row 1."""
    if rebalance == "none" or len(dates) < 3:
        return []
    months = dates.month.to_numpy()
    new_month = np.r_[False, months[1:] != months[:-1]]
    if rebalance == "quarterly":
        new_month &= np.isin(months, QUARTER_MONTHS)
    elif rebalance != "monthly":
        raise ValueError(_("unknown rebalance schedule {rebalance!r}").format(rebalance=rebalance))
    rows = np.flatnonzero(new_month)
    return [int(r) for r in rows if r >= 2]
