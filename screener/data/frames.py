"""Build and check bar frames in the shape ``model.py`` promises (``BAR_COLUMNS``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from screener.clock import EARLIEST
from screener.data.model import BAR_COLUMNS
from screener.errors import DataError, excerpt

REQUIRED_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close", "volume")
OPTIONAL_DEFAULTS: Mapping[str, float] = {"amount": np.nan, "adj_factor": 1.0, "turnover": np.nan}
# the dates a bar may carry: the exchange's first session to the last day pandas can hold
FIRST_DATE = pd.Timestamp(EARLIEST)
LAST_DATE = pd.Timestamp.max.normalize()
# values no market reports, by column: the rule in words, and the test on a float array
_IMPOSSIBLE: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    **{c: ("an infinite price", np.isinf) for c in ("open", "high", "low", "close")},
    **{c: ("a negative or infinite value", lambda v: np.isinf(v) | (v < 0)) for c in ("volume", "amount", "turnover")},
    "adj_factor": ("a factor that is not a positive finite number", lambda v: np.isinf(v) | (v <= 0)),
}

_COLUMNS = pd.Index(list(BAR_COLUMNS))
_AFTER_PRICES = _COLUMNS.get_loc("volume")  # volume, amount, adj_factor, turnover: never negative
_ADJ = _COLUMNS.get_loc("adj_factor")


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
        raise DataError(f"{origin}: column 'date' has empty values")
    idx = _in_range(idx.normalize(), origin).as_unit("ns")
    out = pd.DataFrame(index=pd.DatetimeIndex(idx, name="date"))
    for col in BAR_COLUMNS:
        if col in df.columns:
            values = pd.to_numeric(pd.Series(df[col].to_numpy()), errors="coerce")
            bad = values.isna() & pd.Series(df[col].to_numpy()).notna()
            if bad.any():
                example = df[col].to_numpy()[bad.to_numpy()][0]
                raise DataError(f"{origin}: column {col!r} has a non-numeric value {excerpt(example)}")
            out[col] = values.to_numpy(dtype="float64")
        else:
            out[col] = OPTIONAL_DEFAULTS[col]
    if col_nan := [c for c in ("open", "high", "low", "close") if out[c].isna().all() and len(out)]:
        raise DataError(f"{origin}: column {col_nan[0]!r} is empty")
    if fill_adj and out["adj_factor"].isna().any():
        out["adj_factor"] = out["adj_factor"].ffill().bfill().fillna(1.0)
    out = out.sort_index(kind="stable")
    dup = out.index[out.index.duplicated()]
    if len(dup):
        raise DataError(f"{origin}: date {dup[0].date()} appears more than once")
    if reject_impossible:
        _reject_impossible(out, origin)
    return out


def require_columns(columns: Sequence[object], origin: str) -> None:
    """Raise :class:`DataError` unless ``columns`` (any case, spaces around) hold ``date``
    and ``REQUIRED_COLUMNS``."""
    have = {str(c).strip().lower() for c in columns}
    header = excerpt(", ".join(map(str, columns)) or "nothing")
    if "date" not in have:
        raise DataError(f"{origin}: no 'date' column (the header has {header})")
    missing = [c for c in REQUIRED_COLUMNS if c not in have]
    if missing:
        raise DataError(
            f"{origin}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(need date, {', '.join(REQUIRED_COLUMNS)}; optional amount, adj_factor, turnover; "
            f"the header has {header})"
        )


def impossible_rows(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Column → boolean row mask of values no market reports: infinite prices, negative or
    infinite volume, amount and turnover, an ``adj_factor`` that is not positive and
    finite. Columns without any are left out."""
    values = frame.to_numpy(dtype="float64")  # one block: a view, no copy
    # the usual case in three array operations: nothing infinite, nothing negative after
    # the prices, no zero factor (NaN passes each test, as it should)
    if not (np.isinf(values).any() or (values[:, _AFTER_PRICES:] < 0).any() or (values[:, _ADJ] == 0).any()):
        return {}
    out = {}
    for col, (_, test) in _IMPOSSIBLE.items():
        mask = test(values[:, _COLUMNS.get_loc(col)])
        if mask.any():
            out[col] = mask
    return out


def impossible_text(column: str) -> str:
    """What makes a value of ``column`` impossible, in words ("an infinite price")."""
    return _IMPOSSIBLE[column][0]


def _reject_impossible(frame: pd.DataFrame, origin: str) -> None:
    for col, mask in impossible_rows(frame).items():
        i = int(np.flatnonzero(mask)[0])
        raise DataError(
            f"{origin}: column {col!r} has {impossible_text(col)}: {frame[col].iloc[i]:g} on "
            f"{frame.index[i].date()}; fix or remove the row"
        )


def _in_range(idx: pd.DatetimeIndex, origin: str) -> pd.DatetimeIndex:
    """``idx`` unless a date lies before the exchange's first session or past what
    pandas can hold (2262): DataError naming the first such row."""
    bad = (idx < FIRST_DATE) | (idx > LAST_DATE)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{origin}: column 'date' has {idx[row].date()} (row {row + 1}), outside "
            f"{FIRST_DATE.date()}..{LAST_DATE.date()}; fix or remove the row"
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
            f"{origin}: column 'date' has a value that is not a date: {excerpt(values.iloc[row])} "
            f"(row {row + 1}; write dates as YYYY-MM-DD)"
        )
    return pd.DatetimeIndex(parsed)


def validate(frame: pd.DataFrame, origin: str) -> None:
    """Raise :class:`DataError` unless ``frame`` is a bar frame: a sorted unique
    DatetimeIndex named ``date`` and float64 ``BAR_COLUMNS``."""
    if list(frame.columns) != list(BAR_COLUMNS):
        missing = [c for c in BAR_COLUMNS if c not in frame.columns]
        raise DataError(f"{origin}: bar columns {list(frame.columns)} (missing: {missing})")
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise DataError(f"{origin}: the index is not a DatetimeIndex")
    if not frame.index.is_monotonic_increasing or not frame.index.is_unique:
        raise DataError(f"{origin}: dates are not sorted and unique")
    for col in BAR_COLUMNS:
        if frame[col].dtype != np.float64:
            raise DataError(f"{origin}: column {col!r} has dtype {frame[col].dtype}, expected float64")


def clip(frame: pd.DataFrame, start: date | None, end: date | None) -> pd.DataFrame:
    """Rows with start <= date <= end (either bound may be None)."""
    if start is None and end is None:
        return frame
    idx = frame.index
    lo = 0 if start is None else idx.searchsorted(pd.Timestamp(start), side="left")
    hi = len(idx) if end is None else idx.searchsorted(pd.Timestamp(end), side="right")
    return frame.iloc[lo:hi]
