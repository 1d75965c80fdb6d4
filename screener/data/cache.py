"""The on-disk cache: one Parquet file per dataset and symbol, written atomically.

Layout under the cache root (platformdirs user cache dir ``screener``, or
``--cache-dir`` / ``$SCREENER_CACHE_DIR``)::

    v1/bars/600487.SH.parquet        daily bars (stocks and indices), BAR_COLUMNS
    v1/bars.snapshot.json (+ .npy)   all bars files consolidated (a read accelerator)
    v1/boards/BK0715.parquet         a board's index bars
    v1/boards/BK0715.members.parquet its constituents (symbol, name)
    v1/universe.parquet              symbol, name, full_name
    v1/valuations/2026-05-12.parquet a valuation snapshot

Each file carries JSON metadata (key ``screener``): the source that answered, when
(``fetched_at``), the date range the fetches covered (``covered_start``/``covered_end``,
which may extend past the last row when there were no sessions) and whether
``adj_factor`` came from an hfq series (``adj_known``).

Safety: writes go to a temp file in the same folder and ``os.replace`` it over the
old one, so a file is always either the old or the new version (a crash or Ctrl-C
leaves at most a stray ``.tmp`` file, ignored and cleaned up later). Read-modify-write
of one symbol holds an exclusive ``fcntl`` lock on ``<file>.lock``, so two processes
refreshing the same symbol serialise instead of losing rows.

Reading many symbols (``read_many``): opening a Parquet file costs about a millisecond,
so ``consolidate()`` (run by ``screener data fetch`` when many files changed) also copies
every bars file into one snapshot: a dates array and a (rows, 8) float64 array saved as
``.npy`` and memory-mapped copy-on-write when read, plus a JSON index of each symbol's
rows and the inode, mtime and size of the file they came from. A symbol is served from
the snapshot only while its own file is unchanged; anything newer, or a few symbols at a
time, is read from its own file (pyarrow, thread pool). Frames are views of the mapped
array, so 5,000 symbols × 2,500 sessions load in about a second. The snapshot is derived
data: deleting it only makes bulk loads slower.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from screener._atomic import atomic_writer, write_atomic
from screener.data import frames
from screener.data.model import BAR_COLUMNS
from screener.errors import DataError

LAYOUT = "v1"
META_KEY = b"screener"
SNAPSHOT_MIN = 64  # fewer symbols than this are read from their own files


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("screener"))


@dataclass(frozen=True)
class CacheMeta:
    """What a cached file says about itself."""

    origin: str
    fetched_at: datetime
    covered_start: date
    covered_end: date
    adj_known: bool = True
    name: str | None = None

    def to_json(self) -> bytes:
        return json.dumps({
            "origin": self.origin,
            "fetched_at": self.fetched_at.isoformat(timespec="seconds"),
            "covered_start": self.covered_start.isoformat(),
            "covered_end": self.covered_end.isoformat(),
            "adj_known": self.adj_known,
            "name": self.name,
        }, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> CacheMeta:
        d = json.loads(raw)
        return cls(
            d["origin"], datetime.fromisoformat(d["fetched_at"]), date.fromisoformat(d["covered_start"]),
            date.fromisoformat(d["covered_end"]), bool(d.get("adj_known", True)), d.get("name"),
        )


@dataclass(frozen=True)
class CacheEntry:
    """One cached dataset file (for ``screener data status``)."""

    dataset: str
    key: str
    path: Path
    size: int
    rows: int
    first: date | None
    last: date | None
    meta: CacheMeta | None


def _atomic_write_table(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(path) as fh:
        pq.write_table(table, fh, compression="zstd")


def _bars_table(frame: pd.DataFrame, meta: CacheMeta) -> pa.Table:
    arrays = [pa.array(frame.index.to_numpy().astype("datetime64[ns]"), type=pa.timestamp("ns"))]
    arrays += [pa.array(frame[c].to_numpy(dtype="float64"), type=pa.float64()) for c in BAR_COLUMNS]
    table = pa.Table.from_arrays(arrays, names=["date", *BAR_COLUMNS])
    return table.replace_schema_metadata({META_KEY: meta.to_json()})


def _frame_from_table(table: pa.Table) -> pd.DataFrame:
    dates = table.column("date").to_numpy().astype("datetime64[ns]", copy=False)
    n = table.num_rows
    block = np.empty((n, len(BAR_COLUMNS)), dtype="float64")
    for i, c in enumerate(BAR_COLUMNS):
        block[:, i] = table.column(c).to_numpy()
    return frames.from_arrays(dates, block)


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_ino, st.st_mtime_ns, st.st_size]


def _meta_of(schema_meta: dict | None) -> CacheMeta | None:
    if not schema_meta or META_KEY not in schema_meta:
        return None
    try:
        return CacheMeta.from_json(schema_meta[META_KEY])
    except (ValueError, KeyError):
        return None


class Cache:
    """Per-symbol Parquet files under ``root/v1``."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else default_cache_dir()
        self.base = self.root / LAYOUT

    # -- paths and locks -----------------------------------------------------------------
    def bars_path(self, symbol: str) -> Path:
        return self.base / "bars" / f"{symbol}.parquet"

    def board_path(self, code: str) -> Path:
        return self.base / "boards" / f"{code}.parquet"

    def members_path(self, code: str) -> Path:
        return self.base / "boards" / f"{code}.members.parquet"

    def universe_path(self) -> Path:
        return self.base / "universe.parquet"

    def valuations_path(self, day: date) -> Path:
        return self.base / "valuations" / f"{day.isoformat()}.parquet"

    @contextlib.contextmanager
    def lock(self, path: Path) -> Iterator[None]:
        """An exclusive inter-process lock for read-modify-write of ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name(path.name + ".lock"), "a+b") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    # -- bars ------------------------------------------------------------------------------
    def read_bars(self, symbol: str) -> tuple[pd.DataFrame, CacheMeta] | None:
        path = self.bars_path(symbol)
        try:
            table = pq.read_table(path)
        except FileNotFoundError:
            return None
        except (OSError, pa.ArrowException) as exc:
            raise DataError(
                f"cached file {path} cannot be read ({exc}); remove it with "
                f"`screener data clear {symbol}` and fetch again"
            ) from None
        meta = _meta_of(table.schema.metadata)
        if meta is None:
            raise DataError(f"cached file {path} has no screener metadata; run `screener data clear {symbol}`")
        return _frame_from_table(table), meta

    def read_many(
        self, symbols: Sequence[str], threads: int | None = None, use_snapshot: bool = True
    ) -> dict[str, tuple[pd.DataFrame, CacheMeta]]:
        """Every cached symbol of ``symbols`` (absent ones are left out): unchanged ones
        from the snapshot when there are many, the rest from their files in parallel."""
        out: dict[str, tuple[pd.DataFrame, CacheMeta]] = {}
        rest = list(symbols)
        if use_snapshot and len(rest) >= SNAPSHOT_MIN:
            out = self._read_snapshot(rest)
            rest = [s for s in rest if s not in out]
        if rest:
            workers = threads or min(8, (os.cpu_count() or 2) * 2)
            with ThreadPoolExecutor(max_workers=workers) as pool:
                out.update({s: r for s, r in zip(rest, pool.map(self.read_bars, rest)) if r is not None})
        return {s: out[s] for s in symbols if s in out}

    def write_bars(self, symbol: str, frame: pd.DataFrame, meta: CacheMeta) -> None:
        """Replace the symbol's file atomically (callers merging with old rows hold
        :meth:`lock`)."""
        frames.validate(frame, symbol)
        _atomic_write_table(_bars_table(frame, meta), self.bars_path(symbol))

    def bar_symbols(self) -> list[str]:
        folder = self.base / "bars"
        if not folder.is_dir():
            return []
        return sorted(p.name[: -len(".parquet")] for p in folder.glob("*.parquet") if not p.name.startswith("."))

    # -- the snapshot ----------------------------------------------------------------------
    def snapshot_path(self) -> Path:
        """The snapshot's index; its arrays live in ``bars.snapshot.<token>.{dates,values}.npy``."""
        return self.base / "bars.snapshot.json"

    def _array_paths(self, token: str) -> tuple[Path, Path]:
        return (self.base / f"bars.snapshot.{token}.dates.npy", self.base / f"bars.snapshot.{token}.values.npy")

    def _snapshot_index(self) -> dict | None:
        try:
            index = json.loads(self.snapshot_path().read_text())
            return index if isinstance(index, dict) and "symbols" in index else None
        except (OSError, ValueError):
            return None

    def _fresh(self, entries: dict[str, list], symbols: Sequence[str]) -> list[str]:
        """Symbols whose bars file is exactly the one the snapshot copied."""
        fresh = []
        for s in symbols:
            entry = entries.get(s)
            if entry is None:
                continue
            try:
                st = os.stat(self.bars_path(s))
            except OSError:
                continue
            if _stamp(st) == entry[2:5]:
                fresh.append(s)
        return fresh

    def _open_arrays(self, index: dict) -> tuple[np.ndarray, np.ndarray] | None:
        """The snapshot's dates and (rows, 8) values, memory-mapped copy-on-write: no
        decoding, pages are read on first touch, writes stay private to the process."""
        dates_path, values_path = self._array_paths(index["token"])
        try:
            dates = np.load(dates_path, mmap_mode="c")
            values = np.load(values_path, mmap_mode="c")
        except (OSError, ValueError):
            return None  # replaced by a newer snapshot meanwhile: read the files instead
        if values.shape != (index["rows"], len(BAR_COLUMNS)) or dates.shape != (index["rows"],):
            return None
        return dates, values

    def _read_snapshot(self, symbols: Sequence[str]) -> dict[str, tuple[pd.DataFrame, CacheMeta]]:
        """(frame, meta) for symbols whose bars file is unchanged since the snapshot was
        written; {} when there are too few of them to bother."""
        index = self._snapshot_index()
        if index is None:
            return {}
        entries = index["symbols"]
        fresh = self._fresh(entries, symbols)
        if len(fresh) < SNAPSHOT_MIN:
            return {}
        arrays = self._open_arrays(index)
        if arrays is None:
            return {}
        dates, values = arrays
        all_dates = pd.DatetimeIndex(dates.view("datetime64[ns]"), name="date")
        out = {}
        for s in fresh:
            start, count = entries[s][0], entries[s][1]
            frame = frames.from_arrays(all_dates[start : start + count], values[start : start + count])
            out[s] = (frame, CacheMeta.from_json(entries[s][5].encode()))
        return out

    def snapshot_stale(self) -> int:
        """How many bars files the snapshot lacks or has an older copy of."""
        symbols = self.bar_symbols()
        index = self._snapshot_index()
        return len(symbols) - len(self._fresh(index["symbols"] if index else {}, symbols))

    def maybe_consolidate(self) -> int:
        """Rewrite the snapshot when at least ``SNAPSHOT_MIN`` files are not in it as they
        are now (a few stale files are cheaper to read one by one). Returns the number
        of symbols written, 0 when nothing was done."""
        if self.snapshot_stale() < SNAPSHOT_MIN:
            return 0
        return self.consolidate()

    def consolidate(self) -> int:
        """Rewrite the snapshot from every bars file: unchanged symbols are copied from
        the old snapshot, files that change while being read are left out. The arrays
        are written under a new token and the index replaced last (atomically), so a
        reader sees the old or the new snapshot, never a mix. Returns the symbol count."""
        index_path = self.snapshot_path()
        with self.lock(index_path):
            symbols = self.bar_symbols()
            old = self._snapshot_index()
            old_arrays = self._open_arrays(old) if old else None
            reuse = set(self._fresh(old["symbols"], symbols)) if old_arrays is not None else set()
            parts: list[tuple[str, np.ndarray, np.ndarray, list[int], str]] = []
            for s in symbols:
                if s in reuse:
                    start, count, *stamp, meta_json = old["symbols"][s]
                    parts.append((s, old_arrays[0][start : start + count], old_arrays[1][start : start + count],
                                  stamp, meta_json))
                    continue
                file = self.bars_path(s)
                try:
                    before = os.stat(file)
                    table = pq.ParquetFile(file).read()
                    after = os.stat(file)
                except (OSError, pa.ArrowException):
                    continue
                meta = _meta_of(table.schema.metadata)
                if meta is None or _stamp(before) != _stamp(after):
                    continue
                frame = _frame_from_table(table)
                parts.append((s, frame.index.asi8, frame.to_numpy(), _stamp(after), meta.to_json().decode()))
            token = uuid.uuid4().hex[:12]
            dates_path, values_path = self._array_paths(token)
            rows = sum(len(p[1]) for p in parts)
            entries: dict[str, list] = {}
            try:
                for path, shape, dtype in ((dates_path, (rows,), np.int64), (values_path, (rows, len(BAR_COLUMNS)), np.float64)):
                    tmp = path.with_name(f".{path.name}.tmp")
                    out = np.lib.format.open_memmap(tmp, mode="w+", dtype=dtype, shape=shape)
                    offset = 0
                    for s, d, v, stamp, meta_json in parts:
                        n = len(d)
                        out[offset : offset + n] = d.view(np.int64) if dtype is np.int64 else v
                        entries[s] = [offset, n, *stamp, meta_json]
                        offset += n
                    out.flush()
                    del out
                    os.replace(tmp, path)
                text = json.dumps({"token": token, "rows": rows, "symbols": entries})
                write_atomic(index_path, text)
            except BaseException:
                for path in (dates_path, values_path):
                    path.unlink(missing_ok=True)
                    path.with_name(f".{path.name}.tmp").unlink(missing_ok=True)
                raise
            for stale in self.base.glob("bars.snapshot.*.npy"):
                if token not in stale.name:
                    stale.unlink(missing_ok=True)  # readers that mapped it keep their pages
        return len(entries)

    # -- boards, universe, valuations ----------------------------------------------------------
    def write_board(self, code: str, members: pd.DataFrame, bars: pd.DataFrame, meta: CacheMeta) -> None:
        self.write_frame(self.members_path(code), members, meta)
        _atomic_write_table(_bars_table(bars, meta), self.board_path(code))

    def read_board(self, code: str) -> tuple[pd.DataFrame, pd.DataFrame, CacheMeta] | None:
        members = self.read_frame(self.members_path(code))
        if members is None:
            return None
        try:
            table = pq.read_table(self.board_path(code))
        except FileNotFoundError:
            return None
        meta = _meta_of(table.schema.metadata)
        if meta is None:
            return None
        return members[0], _frame_from_table(table), meta

    def write_frame(self, path: Path, df: pd.DataFrame, meta: CacheMeta) -> None:
        table = pa.Table.from_pandas(df, preserve_index=False)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), META_KEY: meta.to_json()})
        _atomic_write_table(table, path)

    def read_frame(self, path: Path) -> tuple[pd.DataFrame, CacheMeta] | None:
        try:
            table = pq.read_table(path)
        except FileNotFoundError:
            return None
        meta = _meta_of(table.schema.metadata)
        if meta is None:
            return None
        return table.to_pandas(), meta

    # -- status and clear ------------------------------------------------------------------
    def entries(self) -> list[CacheEntry]:
        """Every cached file with its size, row count, date range and metadata."""
        out = []
        if not self.base.is_dir():
            return out
        for path in sorted(self.base.rglob("*.parquet")):
            if path.name.startswith("."):
                continue
            rel = path.relative_to(self.base)
            dataset = rel.parts[0] if len(rel.parts) > 1 else path.stem
            key = path.name[: -len(".parquet")]
            try:
                md = pq.read_metadata(path)
                meta = _meta_of(md.schema.to_arrow_schema().metadata)
                rows = md.num_rows
                first = last = None
                if "date" in md.schema.names and rows:
                    col = md.schema.names.index("date")
                    stats = [md.row_group(i).column(col).statistics for i in range(md.num_row_groups)]
                    if all(s is not None and s.has_min_max for s in stats):
                        first = min(pd.Timestamp(s.min) for s in stats).date()
                        last = max(pd.Timestamp(s.max) for s in stats).date()
            except (OSError, pa.ArrowException):
                meta, rows, first, last = None, 0, None, None
            out.append(CacheEntry(dataset, key, path, path.stat().st_size, rows, first, last, meta))
        index = self._snapshot_index()
        if index is not None:
            size = sum(p.stat().st_size for p in self._array_paths(index["token"]) if p.exists())
            out.append(CacheEntry("snapshot", f"{len(index['symbols'])} symbols", self.snapshot_path(),
                                  size, index["rows"], None, None, None))
        return out

    def clear(self, symbols: Sequence[str] | None = None) -> list[Path]:
        """Remove the named symbols' files (bars and boards), or everything. Returns
        the removed paths."""
        removed: list[Path] = []
        if not self.base.is_dir():
            return removed
        if symbols is None:
            targets = [p for p in self.base.rglob("*") if p.is_file()]
        else:
            targets = []
            for s in symbols:
                targets += [self.bars_path(s), self.board_path(s), self.members_path(s)]
        for path in targets:
            if path.name.endswith(".lock"):
                continue
            if path.exists():
                with self.lock(path):
                    path.unlink(missing_ok=True)
                removed.append(path)
        for stray in self.base.rglob(".*.tmp"):
            stray.unlink(missing_ok=True)
        return removed
