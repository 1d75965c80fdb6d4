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
leaves at most a stray ``.tmp`` file, ignored, and removed once it is an hour old by the
next ``screener data fetch``, or by ``screener data clear``). Read-modify-write of one
symbol holds an exclusive lock on ``<file>.lock`` (``filelock``: POSIX and Windows), so
two processes refreshing the same symbol serialise instead of losing rows.

Integrity: every file carries a checksum of its content (length and CRC-32, key
``screener.digest``; the snapshot index holds a 64-bit word sum per symbol, checked for
thousands of symbols in one pass over the arrays), checked on every read. A
file that does not match, or cannot be read at all, is treated as not cached, with a
warning naming it and ``screener data clear SYMBOL``; a live fetch replaces it.

Only files of this layout (and their ``.lock`` and ``.tmp`` files) are ever deleted:
``clear()`` leaves anything else alone and refuses a folder holding none of them.

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
import json
import os
import re
import time
import uuid
import warnings
import zlib
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from screener._atomic import atomic_writer, os_reason, write_atomic
from screener._cache_folder import small_cache_file
from screener._input import InputError, read_input
from screener.data import frames
from screener.data.model import BAR_COLUMNS
from screener.errors import DataError
from screener.i18n import N_, _

LAYOUT = "v1"
META_KEY = b"screener"
DIGEST_KEY = b"screener.digest"
SNAPSHOT_MIN = 64  # fewer symbols than this are read from their own files
SNAPSHOT_FORMAT = 2  # 2: entries carry a checksum of their rows
STALE_TMP_SECONDS = 3600  # a temp file this old is left over from an interrupted write
ENV_VAR = "SCREENER_CACHE_DIR"

# the files the cache writes, by folder under ``v1`` (their .lock and .tmp files follow)
_OWN_NAMES = {
    "": r"universe\.parquet|bars\.snapshot\.json|bars\.snapshot\.[0-9a-f]{12}\.(?:dates|values)\.npy",
    "bars": r"[0-9]{6}\.(?:SH|SZ|BJ)\.parquet",
    "boards": r"(?:BK[0-9]{4}|[0-9]{6})(?:\.members)?\.parquet",
    "valuations": r"[0-9]{4}-[0-9]{2}-[0-9]{2}\.parquet",
}
_BARS_FILE = re.compile(_OWN_NAMES["bars"])
_OWN = {folder: re.compile(rf"(?:{names})(?:\.lock)?|\.(?:{names})(?:\.[a-z0-9_]+)?\.tmp")
        for folder, names in _OWN_NAMES.items()}


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("screener"))


def digest(arrays: Sequence[np.ndarray]) -> str:
    """``<bytes>:<crc32>`` of the arrays' bytes in order: what a cached file's content
    must still hash to when it is read back."""
    crc, size = 0, 0
    for a in arrays:
        a = np.ascontiguousarray(a)
        crc = zlib.crc32(a, crc)
        size += a.nbytes
    return f"{size}:{crc:08x}"


def word_sum(dates: np.ndarray, values: np.ndarray) -> str:
    """``<rows>:<sum>``: the 64-bit wrapping sum of the rows' 8-byte words (dates, then
    values). Any change confined to one word — a flipped bit, a damaged byte — changes
    it; it costs a quarter of a CRC, which matters for the snapshot, checked on every
    bulk read of thousands of symbols."""
    total = int(dates.view(np.uint64).sum(dtype=np.uint64)) + int(values.view(np.uint64).sum(dtype=np.uint64))
    return f"{len(dates)}:{total % 2**64:016x}"


def word_sums(dates: np.ndarray, values: np.ndarray, spans: Sequence[tuple[int, int]]) -> list[str]:
    """:func:`word_sum` of many row spans ``(start, count)`` of the same arrays (spans within
    the arrays, not overlapping): when they cover much of the arrays, one pass of
    ``np.add.reduceat`` over them (about a tenth of a second for 5,000 symbols × 2,500
    sessions) instead of two numpy calls per span."""
    if sum(count for _, count in spans) < len(dates) // 4:  # a few: the gaps would cost more
        return [word_sum(dates[start : start + count], values[start : start + count]) for start, count in spans]
    order = sorted((i for i, (_, count) in enumerate(spans) if count), key=lambda i: spans[i][0])
    totals = np.zeros(len(spans), dtype=np.uint64)
    if order:
        bounds = np.array([(spans[i][0], spans[i][0] + spans[i][1]) for i in order], dtype=np.int64).reshape(-1)
        if bounds[-1] == len(dates):
            bounds = bounds[:-1]  # the last span runs to the end anyway
        words = values.reshape(-1).view(np.uint64)  # (rows, 8) float64: 8 words a row
        with np.errstate(over="ignore"):  # sums wrap at 2**64
            # each span, then the gap up to the next one (left out)
            got = np.add.reduceat(dates.view(np.uint64), bounds)[::2] + np.add.reduceat(words, bounds * values.shape[1])[::2]
        totals[order] = got
    return [f"{count}:{int(total):016x}" for (_, count), total in zip(spans, totals)]


def _table_digest(table: pa.Table) -> str:
    """The checksum of a bars table: its dates (int64 ns) then each bar column."""
    dates = table.column("date").to_numpy().astype("datetime64[ns]", copy=False).view(np.int64)
    return digest([dates, *(table.column(c).to_numpy() for c in BAR_COLUMNS)])


def _frame_digest(df: pd.DataFrame) -> str:
    """The checksum of a small table (members, universe, valuations): its CSV text."""
    return digest([np.frombuffer(df.to_csv(index=False).encode(), dtype=np.uint8)])


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
    rows: int | None
    first: date | None
    last: date | None
    meta: CacheMeta | None
    problem: str | None = None  # why the file cannot be used ("cannot be read: ...")


class _Damaged(Exception):
    """A cached file that cannot be read or no longer matches its checksum."""


def _bars_table(frame: pd.DataFrame, meta: CacheMeta) -> pa.Table:
    arrays = [pa.array(frame.index.to_numpy().astype("datetime64[ns]"), type=pa.timestamp("ns"))]
    arrays += [pa.array(frame[c].to_numpy(dtype="float64"), type=pa.float64()) for c in BAR_COLUMNS]
    table = pa.Table.from_arrays(arrays, names=["date", *BAR_COLUMNS])
    return table.replace_schema_metadata({META_KEY: meta.to_json(), DIGEST_KEY: _table_digest(table).encode()})


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
    except (ValueError, KeyError, TypeError):
        return None


def _intact(table: pa.Table, content: str) -> bool:
    """Whether ``table`` still hashes to the checksum it was written with (a file
    without one, written before checksums, is taken as it is)."""
    stored = (table.schema.metadata or {}).get(DIGEST_KEY)
    return stored is None or stored.decode(errors="replace") == content


_BARS_TYPES = {"date": pa.types.is_timestamp, **{c: pa.types.is_floating for c in BAR_COLUMNS}}
_CHANGED = N_("does not match its checksum (it was changed or damaged on disk)")


def _bars_of(table: pa.Table) -> tuple[pd.DataFrame, CacheMeta]:
    """The frame and metadata of a cached bars table. Raises _Damaged when it has no
    screener metadata, lacks a column (or has one of another type) or no longer matches
    its checksum."""
    meta = _meta_of(table.schema.metadata)
    if meta is None:
        raise _Damaged(_("has no screener metadata"))
    for name, expected in _BARS_TYPES.items():
        i = table.schema.get_field_index(name)  # -1: absent, or twice
        if i < 0 or not expected(table.schema.field(i).type):
            raise _Damaged(_("has no column {name!r} of the expected type").format(name=name))
    if not _intact(table, _table_digest(table)):
        raise _Damaged(_(_CHANGED))
    return _frame_from_table(table), meta


def _frame_of(table: pa.Table) -> tuple[pd.DataFrame, CacheMeta] | None:
    """The frame and metadata of a cached small table (members, universe, valuations);
    None when it has no screener metadata. Raises _Damaged when it no longer matches its
    checksum."""
    meta = _meta_of(table.schema.metadata)
    if meta is None:
        return None
    df = table.to_pandas()
    if not _intact(table, _frame_digest(df)):
        raise _Damaged(_(_CHANGED))
    return df, meta


def _valid_entry(entry: object) -> bool:
    """A snapshot index entry: [start, count, inode, mtime_ns, size, meta JSON, checksum]."""
    return (isinstance(entry, list) and len(entry) == 7
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in entry[:5])
            and isinstance(entry[5], str) and isinstance(entry[6], str))


def _valid_index(index: object) -> bool:
    return (isinstance(index, dict) and isinstance(index.get("token"), str)
            and re.fullmatch(r"[0-9a-f]{12}", index["token"]) is not None
            and isinstance(index.get("rows"), int) and isinstance(index.get("symbols"), dict)
            and all(isinstance(k, str) and _valid_entry(v) for k, v in index["symbols"].items()))


class Cache:
    """Per-symbol Parquet files under ``root/v1``."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else default_cache_dir()
        self.base = self.root / LAYOUT

    # -- paths, folders and locks ----------------------------------------------------------
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

    def _where_set(self) -> str:
        """What chose the cache folder, for messages about it."""
        if os.environ.get(ENV_VAR) and Path(os.environ[ENV_VAR]) == self.root:
            return f"${ENV_VAR}"
        if self.root != default_cache_dir():
            return "--cache-dir"
        return "$XDG_CACHE_HOME or $HOME: the default"

    def _unwritable(self, path: Path, exc: OSError) -> DataError:
        return DataError(
            _(
                "cannot write the cache at {root} (set by {where}): {exc}; pass --cache-dir DIR (or set "
                "${ENV_VAR}) to a folder you can write to"
            ).format(
                root=self.root,
                where=self._where_set(),
                exc=os_reason(exc, path),
                ENV_VAR=ENV_VAR,
            )
        )

    def _folder(self, path: Path) -> None:
        """Create ``path``'s folder, or raise DataError naming what set the cache folder."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DataError(
                _(
                    "cannot create the cache folder {parent} (set by {where}): {value}; pass --cache-dir "
                    "DIR (or set ${ENV_VAR}) to a folder you can write to"
                ).format(
                    parent=path.parent,
                    where=self._where_set(),
                    value=exc.strerror or exc.__class__.__name__,
                    ENV_VAR=ENV_VAR,
                )
            ) from None

    @staticmethod
    def _lock_file(path: Path) -> Path:
        return path.with_name(path.name + ".lock")

    @contextlib.contextmanager
    def lock(self, path: Path) -> Iterator[None]:
        """An exclusive inter-process lock for read-modify-write of ``path``."""
        from filelock import FileLock

        self._folder(path)
        try:
            held = FileLock(str(self._lock_file(path)))
            held.acquire()
        except OSError as exc:
            raise self._unwritable(path, exc) from None
        try:
            yield
        finally:
            held.release()

    def _write_table(self, table: pa.Table, path: Path) -> None:
        self._folder(path)
        try:
            with atomic_writer(path) as fh:
                pq.write_table(table, fh, compression="zstd")
        except OSError as exc:
            raise self._unwritable(path, exc) from None

    def _read_table(self, path: Path) -> pa.Table | None:
        """The table at ``path``; None when absent. Raises _Damaged."""
        try:
            return pq.read_table(path)
        except FileNotFoundError:
            return None
        except pa.ArrowException:
            raise _Damaged(_("cannot be read (not a valid Parquet file)")) from None
        except OSError as exc:
            raise _Damaged(_("cannot be read ({value})").format(value=exc.strerror or exc.__class__.__name__)) from None

    @staticmethod
    def _damaged(path: Path, key: str | None, why: str) -> None:
        remove = f"`screener data clear {key}`" if key else _("`screener data clear` (the whole cache)")
        warnings.warn(
            _(
                "cached file {path} {why}: it is treated as not cached; remove it with {remove} (a live "
                "fetch replaces it)"
            ).format(path=path, why=why, remove=remove),
            stacklevel=3,
        )

    # -- bars ------------------------------------------------------------------------------
    def read_bars(self, symbol: str) -> tuple[pd.DataFrame, CacheMeta] | None:
        """The symbol's cached bars and metadata; None when not cached — or when the file
        is damaged (unreadable, or not matching its checksum), with a warning saying so."""
        path = self.bars_path(symbol)
        try:
            table = self._read_table(path)
            return None if table is None else _bars_of(table)
        except _Damaged as exc:
            self._damaged(path, symbol, str(exc))
            return None

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
        self._write_table(_bars_table(frame, meta), self.bars_path(symbol))

    def bar_symbols(self) -> list[str]:
        folder = self.base / "bars"
        if not folder.is_dir():
            return []
        return sorted(p.name[: -len(".parquet")] for p in folder.glob("*.parquet") if _BARS_FILE.fullmatch(p.name))

    # -- the snapshot ----------------------------------------------------------------------
    def snapshot_path(self) -> Path:
        """The snapshot's index; its arrays live in ``bars.snapshot.<token>.{dates,values}.npy``."""
        return self.base / "bars.snapshot.json"

    def _array_paths(self, token: str) -> tuple[Path, Path]:
        return (self.base / f"bars.snapshot.{token}.dates.npy", self.base / f"bars.snapshot.{token}.values.npy")

    def _snapshot_index(self) -> dict | None:
        """The snapshot index; None when there is none, or (with a warning) when it is
        malformed — the files are read instead. One of an older format is ignored quietly."""
        path = self.snapshot_path()
        if not path.exists():
            return None
        try:
            index = json.loads(read_input(path))
        except (InputError, ValueError, RecursionError):
            index = None
        if isinstance(index, dict) and "format" not in index and "symbols" in index:
            return None  # written before checksums: the next `data fetch` rewrites it
        if not (isinstance(index, dict) and index.get("format") == SNAPSHOT_FORMAT and _valid_index(index)):
            self._malformed(path)
            return None
        return index

    @staticmethod
    def _malformed(path: Path) -> None:
        warnings.warn(
            _(
                "the cache snapshot {path} is malformed and is ignored (each symbol is read from its "
                "own file); the next `screener data fetch` rewrites it"
            ).format(path=path),
            stacklevel=4,
        )

    def _fresh(self, entries: dict[str, list], symbols: Sequence[str]) -> list[str]:
        """Symbols whose bars file is exactly the one the snapshot copied."""
        fresh = []
        folder = str(self.bars_path("x").parent)  # paths as text: a Path per symbol costs more than its stat
        for s in symbols:
            entry = entries.get(s)
            if entry is None:
                continue
            try:
                st = os.stat(os.path.join(folder, f"{s}.parquet"))
            except OSError:
                continue
            if _stamp(st) == entry[2:5]:
                fresh.append(s)
        return fresh

    def _open_arrays(self, index: dict) -> tuple[np.ndarray, np.ndarray] | None:
        """The snapshot's dates and (rows, 8) values, memory-mapped copy-on-write: no
        decoding, pages are read on first touch, writes stay private to the process.
        None when they are gone (a newer snapshot replaced them meanwhile) or, with a
        warning, when either is damaged: the files are read instead."""
        rows = index["rows"]
        arrays = []
        for path, shape, dtype in zip(self._array_paths(index["token"]), ((rows,), (rows, len(BAR_COLUMNS))),
                                      (np.int64, np.float64)):
            try:
                array = np.load(path, mmap_mode="c")
            except FileNotFoundError:
                return None
            except Exception:  # noqa: BLE001 - a damaged header makes numpy raise nearly anything
                array = None
            if array is None or array.shape != shape or array.dtype != dtype:
                self._malformed(path)
                return None
            arrays.append(np.asarray(array))  # a plain view: slicing a memmap costs more
        return arrays[0], arrays[1]

    @staticmethod
    def _intact_rows(arrays: tuple[np.ndarray, np.ndarray], entries: list[list]) -> list[bool]:
        """Whether each entry's rows lie in the snapshot arrays and still match its
        checksum (all entries checked together: :func:`word_sums`)."""
        inside = [entry[0] + entry[1] <= len(arrays[0]) for entry in entries]
        sums = iter(word_sums(*arrays, [(e[0], e[1]) for e, ok in zip(entries, inside) if ok]))
        return [ok and next(sums) == entry[6] for entry, ok in zip(entries, inside)]

    def _read_snapshot(self, symbols: Sequence[str]) -> dict[str, tuple[pd.DataFrame, CacheMeta]]:
        """(frame, meta) for symbols whose bars file is unchanged since the snapshot was
        written; {} when there are too few of them to bother. Rows that no longer match
        their checksum are read from their own files, with a warning."""
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
        all_dates = pd.DatetimeIndex(arrays[0].view("datetime64[ns]"), name="date")
        out, damaged, metas = {}, [], {}
        for s, intact in zip(fresh, self._intact_rows(arrays, [entries[s] for s in fresh])):
            entry = entries[s]
            if entry[5] not in metas:  # symbols fetched together share their metadata
                metas[entry[5]] = _meta_of({META_KEY: entry[5].encode()})
            meta = metas[entry[5]]
            if meta is None or not intact:
                damaged.append(s)
                continue
            start, count = entry[0], entry[1]
            out[s] = (frames.from_arrays(all_dates[start : start + count], arrays[1][start : start + count]), meta)
        if damaged:
            warnings.warn(
                _(
                    "the cache snapshot {path} does not match its checksums for {n} symbol(s) "
                    "({symbols}): they are read from their own files; the next `screener data "
                    "fetch` rewrites the snapshot"
                ).format(
                    path=self.snapshot_path(),
                    n=len(damaged),
                    symbols=", ".join(damaged[:3]) + (" ..." if len(damaged) > 3 else ""),
                ),
                stacklevel=3,
            )
        return out

    def snapshot_stale(self) -> int:
        """How many bars files the snapshot lacks or has an older copy of."""
        symbols = self.bar_symbols()
        index = self._snapshot_index()
        return len(symbols) - len(self._fresh(index["symbols"] if index else {}, symbols))

    def maybe_consolidate(self) -> int:
        """Remove stale temp files, then rewrite the snapshot when at least
        ``SNAPSHOT_MIN`` files are not in it as they are now (a few stale files are
        cheaper to read one by one). Returns the number of symbols written, 0 when
        nothing was done."""
        self.remove_stale_tmp()
        if self.snapshot_stale() < SNAPSHOT_MIN:
            return 0
        return self.consolidate()

    def _snapshot_copies(
        self, index: dict | None, symbols: Sequence[str]
    ) -> tuple[tuple[np.ndarray, np.ndarray] | None, set[str]]:
        """The snapshot's arrays and the symbols of ``symbols`` it holds an intact copy of
        their unchanged file for (nothing when there is no snapshot)."""
        arrays = self._open_arrays(index) if index else None
        if arrays is None:
            return None, set()
        fresh = self._fresh(index["symbols"], symbols)
        intact = self._intact_rows(arrays, [index["symbols"][s] for s in fresh])
        return arrays, {s for s, ok in zip(fresh, intact) if ok}

    def _snapshot_parts(self, symbols: list[str]) -> list[tuple[str, np.ndarray, np.ndarray, list[int], str]]:
        """(symbol, dates, values, file stamp, meta JSON) for every intact bars file: the
        old snapshot's rows where the file is unchanged and they match their checksum,
        else the file itself; files that are damaged or change while read are left out."""
        old = self._snapshot_index()
        old_arrays, reuse = self._snapshot_copies(old, symbols)
        parts = []
        for s in symbols:
            if s in reuse:
                entry = old["symbols"][s]
                start, count = entry[0], entry[1]
                parts.append((s, old_arrays[0][start : start + count], old_arrays[1][start : start + count], entry[2:5], entry[5]))
                continue
            file = self.bars_path(s)
            try:
                before = os.stat(file)
                frame, meta = _bars_of(pq.ParquetFile(file).read())
                after = os.stat(file)
            except (OSError, pa.ArrowException, _Damaged):
                continue
            if _stamp(before) != _stamp(after):
                continue
            parts.append((s, frame.index.asi8, frame.to_numpy(), _stamp(after), meta.to_json().decode()))
        return parts

    def consolidate(self) -> int:
        """Rewrite the snapshot from every bars file: unchanged symbols are copied from
        the old snapshot, files that change while being read are left out. The arrays
        are written under a new token and the index replaced last (atomically), so a
        reader sees the old or the new snapshot, never a mix. Returns the symbol count."""
        index_path = self.snapshot_path()
        with self.lock(index_path):
            parts = self._snapshot_parts(self.bar_symbols())
            token = uuid.uuid4().hex[:12]
            dates_path, values_path = self._array_paths(token)
            rows = sum(len(p[1]) for p in parts)
            entries: dict[str, list] = {}
            try:
                for path, shape, dtype in ((dates_path, (rows,), np.int64), (values_path, (rows, len(BAR_COLUMNS)), np.float64)):
                    tmp = path.with_name(f".{path.name}.tmp")
                    out = np.lib.format.open_memmap(tmp, mode="w+", dtype=dtype, shape=shape)
                    offset = 0
                    for _, d, v, _, _ in parts:
                        out[offset : offset + len(d)] = d.view(np.int64) if dtype is np.int64 else v
                        offset += len(d)
                    out.flush()
                    del out
                    os.replace(tmp, path)
                offset = 0
                for s, d, v, stamp, meta_json in parts:
                    n = len(d)
                    entries[s] = [offset, n, *stamp, meta_json, word_sum(d.view(np.int64), v)]
                    offset += n
                text = json.dumps({"format": SNAPSHOT_FORMAT, "token": token, "rows": rows, "symbols": entries})
                write_atomic(index_path, text)
            except OSError as exc:
                self._remove_arrays(dates_path, values_path)
                raise self._unwritable(index_path, exc) from None
            except BaseException:
                self._remove_arrays(dates_path, values_path)
                raise
            for stale in self.base.glob("bars.snapshot.*.npy"):
                if token not in stale.name:
                    stale.unlink(missing_ok=True)  # readers that mapped it keep their pages
        return len(entries)

    @staticmethod
    def _remove_arrays(*paths: Path) -> None:
        for path in paths:
            path.unlink(missing_ok=True)
            path.with_name(f".{path.name}.tmp").unlink(missing_ok=True)

    # -- boards, universe, valuations ----------------------------------------------------------
    def write_board(self, code: str, members: pd.DataFrame, bars: pd.DataFrame, meta: CacheMeta) -> None:
        self.write_frame(self.members_path(code), members, meta)
        self._write_table(_bars_table(bars, meta), self.board_path(code))

    def read_board(self, code: str) -> tuple[pd.DataFrame, pd.DataFrame, CacheMeta] | None:
        members = self.read_frame(self.members_path(code))
        if members is None:
            return None
        path = self.board_path(code)
        try:
            table = self._read_table(path)
            if table is None:
                return None
            bars, meta = _bars_of(table)
        except _Damaged as exc:
            self._damaged(path, code, str(exc))
            return None
        return members[0], bars, meta

    def board_codes(self) -> list[str]:
        """The codes of the boards in the cache, sorted."""
        folder = self.base / "boards"
        return sorted(p.name.removesuffix(".members.parquet") for p in folder.glob("*.members.parquet"))

    def write_frame(self, path: Path, df: pd.DataFrame, meta: CacheMeta) -> None:
        table = pa.Table.from_pandas(df, preserve_index=False)
        extra = {META_KEY: meta.to_json(), DIGEST_KEY: _frame_digest(df).encode()}
        self._write_table(table.replace_schema_metadata({**(table.schema.metadata or {}), **extra}), path)

    def read_frame(self, path: Path) -> tuple[pd.DataFrame, CacheMeta] | None:
        """A cached table and its metadata; None when absent, without metadata, or
        damaged (with a warning)."""
        key = path.name[: -len(".parquet")].removesuffix(".members")
        try:
            table = self._read_table(path)
            return None if table is None else _frame_of(table)
        except _Damaged as exc:
            self._damaged(path, key if path.parent.name == "boards" else None, str(exc))
            return None

    # -- status and clear ------------------------------------------------------------------
    def entries(self) -> list[CacheEntry]:
        """Every cached file with its size, row count, date range and metadata; a file
        that cannot be read, or no longer matches its checksum, says why in ``problem``
        (files checked in parallel, as :meth:`read_many` reads them)."""
        paths = sorted(p for p in self.own_files() if p.name.endswith(".parquet") and not p.name.startswith("."))
        index = self._snapshot_index()
        # a file the snapshot holds an intact copy of is what a read uses: that copy is checked instead
        copied = {self.bars_path(s) for s in self._snapshot_copies(index, self.bar_symbols())[1]}
        with ThreadPoolExecutor(max_workers=min(8, (os.cpu_count() or 2) * 2)) as pool:
            out = list(pool.map(lambda p: self._entry(p, check=p not in copied), paths))
        if index is not None:
            size = sum(p.stat().st_size for p in self._array_paths(index["token"]) if p.exists())
            out.append(CacheEntry("snapshot", f"{len(index['symbols'])} symbols", self.snapshot_path(),
                                  size, index["rows"], None, None, None))
        return out

    def _entry(self, path: Path, check: bool) -> CacheEntry:
        """The file's entry; its content is read and checked too when ``check``."""
        rel = path.relative_to(self.base)
        dataset = rel.parts[0] if len(rel.parts) > 1 else path.stem
        key = path.name[: -len(".parquet")]
        problem = None
        try:
            md = pq.read_metadata(path)
            meta = _meta_of(md.schema.to_arrow_schema().metadata)
            rows: int | None = md.num_rows
            first = last = None
            if "date" in md.schema.names and rows:
                col = md.schema.names.index("date")
                stats = [md.row_group(i).column(col).statistics for i in range(md.num_row_groups)]
                if all(s is not None and s.has_min_max for s in stats):
                    first = min(pd.Timestamp(s.min) for s in stats).date()
                    last = max(pd.Timestamp(s.max) for s in stats).date()
        except (OSError, pa.ArrowException, ValueError):
            meta, rows, first, last = None, None, None, None
            problem = _("cannot be read (not a valid Parquet file)")
        if problem is None and meta is None:
            problem = _("has no screener metadata")
        if problem is None and check:
            problem = self._content_problem(path)
        return CacheEntry(dataset, key, path, path.stat().st_size, rows, first, last, meta, problem)

    def _content_problem(self, path: Path) -> str | None:
        """Why a read of the file would treat it as not cached (a column missing, the
        content not matching its checksum, ...); None when it would not."""
        bars = path.parent.name in ("bars", "boards") and not path.name.endswith(".members.parquet")
        try:
            table = self._read_table(path)
            if table is not None:
                (_bars_of if bars else _frame_of)(table)
        except _Damaged as exc:
            return str(exc)
        return None

    def own_files(self) -> list[Path]:
        """Every file under ``v1`` that the cache itself writes (data, snapshot, lock and
        temp files), by the known layout; nothing else."""
        out = []
        for folder, pattern in _OWN.items():
            where = self.base / folder if folder else self.base
            if where.is_dir():
                out += sorted(p for p in where.iterdir() if pattern.fullmatch(p.name) and (p.is_file() or p.is_symlink()))
        return out

    def foreign_files(self) -> list[Path]:
        """Files under ``v1`` that the cache did not write (left alone by :meth:`clear`)."""
        if not self.base.is_dir():
            return []
        own = set(self.own_files())
        return sorted(p for p in self.base.rglob("*") if not p.is_dir() and p not in own)

    def planned_removals(self, symbols: Sequence[str] | None = None) -> list[Path]:
        """What :meth:`clear` would remove: the named symbols' (or board codes') files and
        their temp files, or — for ``None`` — every file of the cache's own layout.
        Raises DataError when ``root`` holds files but none of the cache's."""
        if symbols is None:
            own = self.own_files()
            if own:
                return own
            foreign = self.foreign_files()  # a walk of the whole folder: only when nothing is the cache's
            if foreign or self._beside_layout():
                raise DataError(
                    _(
                        "{root} does not look like a screener cache (none of the files under {base} is "
                        "one screener writes); nothing removed — check --cache-dir / $SCREENER_CACHE_DIR"
                    ).format(root=self.root, base=self.base if foreign else self.root)
                )
            return own
        out = []
        for s in symbols:
            for path in (self.bars_path(s), self.board_path(s), self.members_path(s)):
                if path.is_file():
                    out.append(path)
                if path.parent.is_dir():
                    out += sorted(path.parent.glob(f".{path.name}.*tmp"))
        return out

    def _beside_layout(self) -> list[Path]:
        """What the cache folder holds besides ``v1`` and screener's small caches."""
        if not self.root.is_dir():
            return []
        return [p for p in self.root.iterdir() if p.name != LAYOUT and not small_cache_file(p.name)]

    def clear(self, symbols: Sequence[str] | None = None) -> list[Path]:
        """Remove the named symbols' files (bars and boards), or every file the cache
        wrote (see :meth:`planned_removals`). Returns the removed data files (not the
        lock and temp files)."""
        removed: list[Path] = []
        for path in self.planned_removals(symbols):
            if path.name.endswith(".tmp"):
                path.unlink(missing_ok=True)
            elif not path.name.endswith(".lock"):
                with self.lock(path):
                    path.unlink(missing_ok=True)
                self._lock_file(path).unlink(missing_ok=True)  # nothing left to lock
                removed.append(path)
        if symbols is None:  # lock files last, once nothing is left to lock
            for path in self.own_files():
                path.unlink(missing_ok=True)
        return removed

    def remove_stale_tmp(self, age: float = STALE_TMP_SECONDS) -> list[Path]:
        """Remove the cache's temp files older than ``age`` seconds (an interrupted write
        left them; a younger one may be another process's write in progress)."""
        now, removed = time.time(), []
        for path in self.own_files():
            if not path.name.endswith(".tmp"):
                continue
            try:
                if now - path.lstat().st_mtime > age:
                    path.unlink()
                    removed.append(path)
            except OSError:
                continue
        return removed

