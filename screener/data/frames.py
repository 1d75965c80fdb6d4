"""Build and check bar frames in the shape ``model.py`` promises (``BAR_COLUMNS``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from screener.clock import EARLIEST
from screener.data.model import BAR_COLUMNS
from screener.errors import DataError, excerpt
from screener.i18n import N_, _, ngettext
from screener.limits import TICK

REQUIRED_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close", "volume")
OPTIONAL_DEFAULTS: Mapping[str, float] = {"amount": np.nan, "adj_factor": 1.0, "turnover": np.nan}
# the dates a bar may carry: the exchange's first session to the last day pandas can hold
FIRST_DATE = pd.Timestamp(EARLIEST)
LAST_DATE = pd.Timestamp.max.normalize()
# values no market reports, by column: the rule in words, and the test on a float array
_IMPOSSIBLE: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    **{c: (N_("an untradable price (infinite, or above 0 but below the 0.01 CNY tick)"), lambda v: np.isinf(v) | _sub_tick(v))
       for c in ("open", "high", "low", "close")},
    **{c: (N_("a negative or infinite value"), lambda v: np.isinf(v) | (v < 0)) for c in ("volume", "amount", "turnover")},
    "adj_factor": (N_("a factor that is not a positive finite number"), lambda v: np.isinf(v) | (v <= 0)),
}

_COLUMNS = pd.Index(list(BAR_COLUMNS))
_AFTER_PRICES = _COLUMNS.get_loc("volume")  # volume, amount, adj_factor, turnover: never negative
_ADJ = _COLUMNS.get_loc("adj_factor")


def _sub_tick(prices: np.ndarray) -> np.ndarray:
    """Prices above zero but below the exchange's tick: no share trades there (zero and
    negative prices are a quality finding instead, see ``quality``)."""
    return (prices > 0) & (prices < TICK)


def from_arrays(dates: np.ndarray | pd.DatetimeIndex, values: np.ndarray) -> pd.DataFrame:
    """A bar frame from sorted unique dates and an (n, len(BAR_COLUMNS)) float64 block.
    Dates are kept at nanosecond resolution in every frame the data layer returns."""
    if isinstance(dates, pd.DatetimeIndex) and dates.name == "date":
        index = dates  # slices of one shared index: no re-validation
    else:
        index = pd.DatetimeIndex(dates, name="date")
    if index.unit != "ns":
        index = index.as_unit("ns")
    return pd.DataFrame(values, index=index, columns=_COLUMNS, copy=False)


def to_bar_frame(
    raw: pd.DataFrame, origin: str, *, fill_adj: bool = True, reject_impossible: bool = True
) -> pd.DataFrame:
    """Normalise a frame with a ``date`` column (or DatetimeIndex) and at least
    ``REQUIRED_COLUMNS`` into a bar frame. Optional columns get their defaults;
    unknown columns are dropped; gaps in ``adj_factor`` are filled from neighbours unless
    ``fill_adj`` is false. Raises :class:`DataError` naming ``origin`` and the
    column at fault: missing columns, non-numeric values, bad, duplicate or out-of-range
    dates, and (unless ``reject_impossible`` is false: a provider's rows are flagged and
    excluded by the loader instead) values no market reports (:func:`impossible_rows`)."""
    df = raw.copy()
    df.columns = [str(c).strip().lower() for c in df.columns]
    if "date" in df.columns:
        dates = df.pop("date")
    elif isinstance(df.index, pd.DatetimeIndex) or df.index.name == "date":
        dates = df.index.to_series()
    else:
        require_columns(df.columns, origin)  # raises: no 'date' column
    require_columns(["date", *df.columns], origin)  # the dates were found above
    idx = _parse_dates(pd.Series(dates).reset_index(drop=True), origin)
    if idx.tz is not None:  # sessions are Shanghai dates, whatever zone the timestamps were stored in
        idx = idx.tz_convert("Asia/Shanghai").tz_localize(None)
    if idx.hasnans:
        raise DataError(_("{origin}: column 'date' has empty values").format(origin=origin))
    idx = _in_range(idx.normalize(), origin).as_unit("ns")
    out = pd.DataFrame(index=pd.DatetimeIndex(idx, name="date"))
    for col in BAR_COLUMNS:
        if col in df.columns:
            values = pd.to_numeric(pd.Series(df[col].to_numpy()), errors="coerce")
            bad = values.isna() & pd.Series(df[col].to_numpy()).notna()
            if bad.any():
                example = df[col].to_numpy()[bad.to_numpy()][0]
                raise DataError(_(
                    "{origin}: column {col!r} has a non-numeric value {example}"
                ).format(origin=origin, col=col, example=excerpt(example)))
            out[col] = values.to_numpy(dtype="float64")
        else:
            out[col] = OPTIONAL_DEFAULTS[col]
    if col_nan := [c for c in ("open", "high", "low", "close") if out[c].isna().all() and len(out)]:
        raise DataError(_("{origin}: column {col_nan!r} is empty").format(origin=origin, col_nan=col_nan[0]))
    if fill_adj and out["adj_factor"].isna().any():
        out["adj_factor"] = out["adj_factor"].ffill().bfill().fillna(1.0)
    out = out.sort_index(kind="stable")
    dup = out.index[out.index.duplicated()]
    if len(dup):
        raise DataError(_("{origin}: date {date} appears more than once").format(origin=origin, date=dup[0].date()))
    if reject_impossible:
        _reject_impossible(out, origin)
    return out


def require_columns(columns: Sequence[object], origin: str) -> None:
    """Raise :class:`DataError` unless ``columns`` (any case, spaces around) hold ``date``
    and ``REQUIRED_COLUMNS``."""
    have = {str(c).strip().lower() for c in columns}
    header = excerpt(", ".join(map(str, columns)) or "nothing")
    if "date" not in have:
        raise DataError(_("{origin}: no 'date' column (the header has {header})").format(origin=origin, header=header))
    missing = [c for c in REQUIRED_COLUMNS if c not in have]
    if missing:
        raise DataError(
            ngettext(
                "{origin}: missing column {missing} (need date, {REQUIRED_COLUMNS}; optional "
                "amount, adj_factor, turnover; the header has {header})",
                "{origin}: missing columns {missing} (need date, {REQUIRED_COLUMNS}; optional "
                "amount, adj_factor, turnover; the header has {header})",
                len(missing),
            ).format(
                origin=origin,
                missing=', '.join(missing),
                REQUIRED_COLUMNS=', '.join(REQUIRED_COLUMNS),
                header=header,
            )
        )


def impossible_rows(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Column → boolean row mask of values no market reports: infinite prices or prices
    above 0 but below the 0.01 CNY tick, negative or infinite volume, amount and turnover, an ``adj_factor`` that is not positive and
    finite. Columns without any are left out."""
    values = frame.to_numpy(dtype="float64")  # one block: a view, no copy
    if _all_finite_positive(values) and _all_prices_tradable(values):
        return {}
    # the usual case in four array operations: nothing infinite, nothing negative after
    # the prices, no zero factor, no price below the tick (NaN passes each test, as it should)
    if not (np.isinf(values).any() or (values[:, _AFTER_PRICES:] < 0).any() or (values[:, _ADJ] == 0).any()
            or _sub_tick(values[:, :_AFTER_PRICES]).any()):
        return {}
    out = {}
    for col, (_what, test) in _IMPOSSIBLE.items():
        mask = test(values[:, _COLUMNS.get_loc(col)])
        if mask.any():
            out[col] = mask
    return out


def _all_finite_positive(values: np.ndarray) -> bool:
    """Whether every value is finite and none negative, with no zero factor: clean data
    in two passes over the block (its sum is not finite when a value is NaN or infinite)."""
    lowest = values.min(initial=np.inf)
    if not lowest >= 0:  # NaN, or a negative value
        return False
    with np.errstate(over="ignore"):  # a sum beyond float range: the exact tests decide
        if not np.isfinite(np.add.reduce(values, axis=None)):
            return False
    return bool(lowest > 0 or not (values[:, _ADJ] == 0).any())


def _all_prices_tradable(values: np.ndarray) -> bool:
    """Whether no price is below the tick: one pass, the lowest price (after
    :func:`_all_finite_positive`, none is NaN)."""
    return bool(values[:, :_AFTER_PRICES].min(initial=np.inf) >= TICK)


def impossible_text(column: str) -> str:
    """What makes a value of ``column`` impossible, in words ("an infinite price")."""
    return _(_IMPOSSIBLE[column][0])


def _reject_impossible(frame: pd.DataFrame, origin: str) -> None:
    for col, mask in impossible_rows(frame).items():
        i = int(np.flatnonzero(mask)[0])
        raise DataError(
            _(
                "{origin}: column {col!r} has {what}: {iloc:g} on {date}; fix or remove the row"
            ).format(
                origin=origin,
                col=col,
                what=impossible_text(col),
                iloc=frame[col].iloc[i],
                date=frame.index[i].date(),
            )
        )


def _in_range(idx: pd.DatetimeIndex, origin: str) -> pd.DatetimeIndex:
    """``idx`` unless a date lies before the exchange's first session or past what
    pandas can hold (2262): DataError naming the first such row."""
    bad = (idx < FIRST_DATE) | (idx > LAST_DATE)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(
            _(
                "{origin}: column 'date' has {date} (row {value}), outside {FIRST_DATE}..{LAST_DATE}; "
                "fix or remove the row"
            ).format(
                origin=origin,
                date=idx[row].date(),
                value=row + 1,
                FIRST_DATE=FIRST_DATE.date(),
                LAST_DATE=LAST_DATE.date(),
            )
        )
    return idx


def _parse_dates(values: pd.Series, origin: str) -> pd.DatetimeIndex:
    """Dates from ISO text, datetimes, mixed spellings (2024/01/02) or YYYYMMDD numbers
    (tushare's trade_date); DataError naming the first value that is not a date."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        whole = values.dropna()
        if len(whole) and ((whole % 1 == 0) & (whole >= 1900_01_01) & (whole <= 2199_12_31)).all():
            values = values.astype("Int64").astype("string")  # 20240102 → "20240102", not ns since 1970
    try:
        return pd.DatetimeIndex(pd.to_datetime(values.to_numpy(), errors="raise"))
    except (ValueError, TypeError, OverflowError):
        pass
    try:
        parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    except (ValueError, TypeError, OverflowError):
        parsed = pd.Series(pd.NaT, index=values.index)
    bad = parsed.isna() & values.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            _(
                "{origin}: column 'date' has a value that is not a date: {iloc} (row {value}; write "
                "dates as YYYY-MM-DD)"
            ).format(origin=origin, iloc=excerpt(values.iloc[row]), value=row + 1)
        )
    return pd.DatetimeIndex(parsed)


def validate(frame: pd.DataFrame, origin: str) -> None:
    """Raise :class:`DataError` unless ``frame`` is a bar frame: a sorted unique
    DatetimeIndex named ``date`` and float64 ``BAR_COLUMNS``."""
    if list(frame.columns) != list(BAR_COLUMNS):
        missing = [c for c in BAR_COLUMNS if c not in frame.columns]
        raise DataError(_(
            "{origin}: bar columns {columns} (missing: {missing})"
        ).format(origin=origin, columns=list(frame.columns), missing=missing))
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise DataError(_("{origin}: the index is not a DatetimeIndex").format(origin=origin))
    if not frame.index.is_monotonic_increasing or not frame.index.is_unique:
        raise DataError(_("{origin}: dates are not sorted and unique").format(origin=origin))
    for col in BAR_COLUMNS:
        if frame[col].dtype != np.float64:
            raise DataError(_(
                "{origin}: column {col!r} has dtype {dtype}, expected float64"
            ).format(origin=origin, col=col, dtype=frame[col].dtype))


def clip(frame: pd.DataFrame, start: date | None, end: date | None) -> pd.DataFrame:
    """Rows with start <= date <= end (either bound may be None)."""
    if start is None and end is None:
        return frame
    idx = frame.index
    lo = 0 if start is None else idx.searchsorted(pd.Timestamp(start), side="left")
    hi = len(idx) if end is None else idx.searchsorted(pd.Timestamp(end), side="right")
    return frame.iloc[lo:hi]
