"""#10 cache items: checksums, a malformed snapshot, `data clear` that removes only the
cache's own files (asking first), stale temp files, a cache folder that cannot be made,
locks that do not need fcntl."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import warnings
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import screener.data.cache as cache_mod
from screener.data import frames
from screener.data.cache import Cache, CacheMeta
from tests.hostile.conftest import one_line_error, run

META = CacheMeta("eastmoney", datetime(2024, 1, 10, 16), date(2024, 1, 2), date(2024, 1, 9))
ROOT = Path(__file__).resolve().parents[2]


def bars(n: int = 5, close: float = 10.0) -> pd.DataFrame:
    days = pd.bdate_range("2024-01-02", periods=n)
    values = np.column_stack([np.full(n, close + i) for i in range(4)] + [np.full(n, 1e6), np.full(n, 1e7),
                                                                          np.ones(n), np.full(n, 0.01)])
    return frames.from_arrays(days, values)


def flipped_but_readable(path: Path) -> bytes:
    """The file's bytes with one byte changed such that pyarrow still reads the file but
    gets different numbers (found by trying, with pyarrow alone)."""
    original = path.read_bytes()
    expected = pq.read_table(path).to_pandas()
    for i in range(4, len(original) - 8):
        data = bytearray(original)
        data[i] ^= 0x01
        path.write_bytes(bytes(data))
        try:
            got = pq.read_table(path).to_pandas()
        except Exception:  # noqa: BLE001 (this byte breaks the file: try the next)
            continue
        if got.shape == expected.shape and not got.equals(expected) and got.columns.equals(expected.columns):
            return bytes(data)
    raise AssertionError("no single-byte change reads back as different values")


def test_a_file_whose_content_no_longer_matches_is_not_cached(tmp_path):
    cache = Cache(tmp_path)
    cache.write_bars("600487.SH", bars(), META)
    flipped_but_readable(cache.bars_path("600487.SH"))
    with pytest.warns(UserWarning, match=r"600487\.SH\.parquet does not match its checksum .*treated as not "
                                          r"cached; remove it with `screener data clear 600487\.SH`"):
        assert cache.read_bars("600487.SH") is None


def test_damaged_rows_in_the_snapshot_are_read_from_their_file(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_mod, "SNAPSHOT_MIN", 2)
    cache = Cache(tmp_path)
    for i, s in enumerate(("600000.SH", "600004.SH", "600006.SH")):
        cache.write_bars(s, bars(close=10 + i), META)
    cache.consolidate()
    index = json.loads(cache.snapshot_path().read_text())
    values_path = cache._array_paths(index["token"])[1]
    data = bytearray(values_path.read_bytes())
    data[-9] ^= 0x10  # a byte of the last symbol's turnover, in the array's last row
    values_path.write_bytes(bytes(data))
    with pytest.warns(UserWarning, match=r"does not match its checksums for 1 symbol\(s\) \(600006\.SH\)"):
        got = cache.read_many(["600000.SH", "600004.SH", "600006.SH"])
    pd.testing.assert_frame_equal(got["600006.SH"][0], bars(close=12), check_freq=False)


@pytest.mark.parametrize("index", [
    {"format": 2, "token": "0123456789ab", "rows": 5},  # no "symbols"
    {"format": 2, "token": "0123456789ab", "rows": 5, "symbols": {"600000.SH": [0, 5]}},
    "not json at all",
])
def test_a_malformed_snapshot_is_ignored_with_a_warning(tmp_path, index):
    cache = Cache(tmp_path)
    cache.write_bars("600000.SH", bars(), META)
    cache.snapshot_path().write_text(json.dumps(index) if isinstance(index, dict) else index)
    res = run("data", "status", "--cache-dir", tmp_path)
    assert res.exit_code == 0 and "600000.SH" in res.stdout
    assert "warning: the cache snapshot" in res.stderr and "is malformed and is ignored" in res.stderr
    screen = run("screen", "--universe", "all", "--cache-dir", tmp_path, "--offline", "--format", "json")
    assert screen.exit_code == 0, screen.stderr
    assert [r["symbol"] for r in json.loads(screen.stdout)["rows"]] == ["600000.SH"]


def test_status_names_a_damaged_file_instead_of_0_rows(tmp_path):
    cache = Cache(tmp_path)
    cache.write_bars("600522.SH", bars(), META)
    cache.bars_path("600487.SH").write_bytes(b"PAR1 not really")
    res = run("data", "status", "--cache-dir", tmp_path)
    row = next(line for line in res.stdout.splitlines() if "600487.SH" in line)
    cells = row.split()
    assert cells[:2] == ["bars", "600487.SH"] and cells[-1] == "DAMAGED"
    assert len(cells) == 7 and len(set(cells[2:6])) == 1 and "0" not in cells  # rows, dates, fetched: all missing
    assert (f"warning: {cache.bars_path('600487.SH')} cannot be read (not a valid Parquet file): it is not used; "
            "remove it with `screener data clear 600487.SH`") in res.stderr


def cache_with_strangers(root: Path) -> tuple[Cache, list[Path]]:
    cache = Cache(root)
    cache.write_bars("600487.SH", bars(), META)
    cache.write_frame(cache.universe_path(), pd.DataFrame({"symbol": ["600487.SH"], "name": ["亨通光电"]}), META)
    strangers = [root / "v1" / "notes.txt", root / "v1" / "bars" / "mine.parquet", root / "v1" / "bars" / "600487.SH.csv",
                 root / "keep.txt"]
    for p in strangers:
        p.write_text("not the cache's")
    (root / "v1" / "bars" / ".600487.SH.parquet.abc123.tmp").write_bytes(b"half")
    return cache, strangers


def test_clear_removes_only_the_caches_own_files_after_asking(tmp_path):
    cache, strangers = cache_with_strangers(tmp_path)
    dry = run("data", "clear", "--cache-dir", tmp_path, "--dry-run")
    assert dry.exit_code == 0 and "would remove" in dry.stderr
    listed = sorted(Path(line).name for line in dry.stdout.splitlines())
    assert listed == [".600487.SH.parquet.abc123.tmp", "600487.SH.parquet", "universe.parquet"]
    assert cache.bar_symbols() == ["600487.SH"]  # a dry run removes nothing
    no = run("data", "clear", "--cache-dir", tmp_path, input="n\n")
    assert no.exit_code == 1 and cache.bar_symbols() == ["600487.SH"]
    yes = run("data", "clear", "--cache-dir", tmp_path, input="y\n")
    assert yes.exit_code == 0 and "removed 2 files" in yes.stdout
    assert "note: left 3 file(s) that screener did not write" in yes.stderr
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        "keep.txt", "v1/bars/600487.SH.csv", "v1/bars/mine.parquet", "v1/notes.txt"]


def test_clear_refuses_a_folder_that_is_not_a_cache(tmp_path):
    (tmp_path / "v1").mkdir()
    (tmp_path / "v1" / "thesis.docx").write_text("years of work")
    err = one_line_error(run("data", "clear", "--cache-dir", tmp_path, "--yes"))
    assert "does not look like a screener cache" in err
    assert (tmp_path / "v1" / "thesis.docx").exists()


def test_stale_temp_files_are_swept_and_fresh_ones_kept(tmp_path):
    cache = Cache(tmp_path)
    cache.write_bars("600487.SH", bars(), META)
    folder = cache.bars_path("x").parent
    stale, fresh = folder / ".600487.SH.parquet.old111.tmp", folder / ".600487.SH.parquet.new222.tmp"
    for p in (stale, fresh):
        p.write_bytes(b"interrupted")
    hour_ago = time.time() - 3700
    os.utime(stale, (hour_ago, hour_ago))
    cache.maybe_consolidate()  # what every `screener data fetch` runs at its end
    assert not stale.exists() and fresh.exists()


def test_a_cache_folder_that_cannot_be_made_names_what_set_it(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    res = run("data", "fetch", "600487", "--cache-dir", blocker / "cache")
    assert res.exit_code == 2 and "Traceback" not in res.stderr
    assert (f"failed: 600487.SH: cannot create the cache folder {blocker / 'cache' / 'v1' / 'bars'} "
            "(set by --cache-dir): Not a directory;") in res.stderr
    env = run("data", "fetch", "600487", env={"SCREENER_CACHE_DIR": str(blocker / "env")})
    assert "(set by $SCREENER_CACHE_DIR)" in env.stderr
    home = run("data", "fetch", "600487", env={"XDG_CACHE_HOME": str(blocker / "xdg")})
    assert "(set by $XDG_CACHE_HOME or $HOME: the default)" in home.stderr


def test_the_cache_lock_does_not_need_fcntl(tmp_path):
    # as on Windows: no fcntl module at all
    code = ("import sys; sys.modules['fcntl'] = None\n"
            "from pathlib import Path\n"
            "from screener.data.cache import Cache\n"
            f"cache = Cache(Path({str(tmp_path)!r}))\n"
            "with cache.lock(cache.bars_path('600487.SH')):\n"
            "    print('locked')\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert res.returncode == 0 and res.stdout == "locked\n", res.stderr


def rewrite(path: Path, change) -> None:
    """Write ``path`` again with ``change(table)``, keeping its metadata (and checksum)."""
    table = pq.read_table(path)
    pq.write_table(change(table).replace_schema_metadata(table.schema.metadata), path)


@pytest.mark.parametrize(("change", "column"), [
    (lambda t: t.rename_columns(["dave", *t.column_names[1:]]), "date"),  # what a flipped bit in the footer does
    (lambda t: t.set_column(4, "close", t.column("close").cast("string")), "close"),
    (lambda t: t.drop_columns(["volume"]), "volume"),
], ids=["renamed", "mistyped", "dropped"])
def test_a_cached_file_with_a_column_missing_or_mistyped_is_not_cached(tmp_path, change, column):
    # #10: KeyError 'Field "date" does not exist in schema' from the checksum, exit 1
    cache = Cache(tmp_path)
    for s in ("600487.SH", "600522.SH"):
        cache.write_bars(s, bars(), META)
    path = cache.bars_path("600487.SH")
    rewrite(path, change)
    said = (f"cached file {path} has no column {column!r} of the expected type: it is treated as not cached; "
            "remove it with `screener data clear 600487.SH`")
    with pytest.warns(UserWarning, match="has no column"):
        assert cache.read_bars("600487.SH") is None
    screen = run("screen", "--universe", "all", "--cache-dir", tmp_path, "--offline", "--as-of", "2024-01-08",
                 "--format", "json")
    assert screen.exit_code == 0, screen.stderr
    assert said in screen.stderr and [r["symbol"] for r in json.loads(screen.stdout)["rows"]] == ["600522.SH"]
    fetch = run("data", "fetch", "600487", "600522", "--cache-dir", tmp_path, "--offline")
    assert said in fetch.stderr and "Traceback" not in fetch.stderr + fetch.stdout


def test_consolidating_leaves_out_a_file_with_a_column_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_mod, "SNAPSHOT_MIN", 2)
    cache = Cache(tmp_path)
    for s in ("600000.SH", "600004.SH", "600006.SH"):
        cache.write_bars(s, bars(), META)
    rewrite(cache.bars_path("600004.SH"), lambda t: t.rename_columns(["dave", *t.column_names[1:]]))
    assert cache.consolidate() == 2
    assert sorted(json.loads(cache.snapshot_path().read_text())["symbols"]) == ["600000.SH", "600006.SH"]


def snapshot_of_three(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Cache, Path, Path]:
    """A consolidated cache of three symbols (the snapshot used from two on) and its
    dates and values arrays."""
    monkeypatch.setattr(cache_mod, "SNAPSHOT_MIN", 2)
    cache = Cache(root)
    for i, s in enumerate(("600000.SH", "600004.SH", "600006.SH")):
        cache.write_bars(s, bars(close=10 + i), META)
    cache.consolidate()
    dates, values = cache._array_paths(json.loads(cache.snapshot_path().read_text())["token"])
    return cache, dates, values


def flip(path: Path, at: int, bit: int = 0x01) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= bit
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["header", "truncated"])
def test_a_damaged_snapshot_array_is_ignored_with_a_warning(tmp_path, monkeypatch, damage):
    # #10: a flipped bit in the .npy header raised tokenize.TokenError (exit 1); a truncated
    # array was ignored without a word
    cache, dates, values = snapshot_of_three(tmp_path, monkeypatch)
    if damage == "header":
        flip(dates, 10)
        damaged = dates
    else:
        values.write_bytes(values.read_bytes()[:-8])
        damaged = values
    with pytest.warns(UserWarning, match=f"the cache snapshot {damaged} is malformed and is ignored"):
        got = cache.read_many(["600000.SH", "600004.SH", "600006.SH"])
    pd.testing.assert_frame_equal(got["600006.SH"][0], bars(close=12), check_freq=False)  # from its file
    screen = run("screen", "--universe", "all", "--cache-dir", tmp_path, "--offline", "--format", "json")
    assert screen.exit_code == 0, screen.stderr
    assert f"warning: the cache snapshot {damaged} is malformed and is ignored" in screen.stderr
    assert len(json.loads(screen.stdout)["rows"]) == 3


def test_a_snapshot_replaced_meanwhile_is_not_warned_about(tmp_path, monkeypatch):
    cache, dates, _ = snapshot_of_three(tmp_path, monkeypatch)
    index = json.loads(cache.snapshot_path().read_text())
    dates.unlink()  # what a concurrent `data fetch` writing a new snapshot does
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cache._open_arrays(index) is None


def test_status_marks_a_file_that_no_longer_matches_its_checksum(tmp_path):
    # #10: status read the metadata only, so a changed file passed as fine
    cache = Cache(tmp_path)
    for s in ("600487.SH", "600522.SH"):
        cache.write_bars(s, bars(), META)
    cache.consolidate()  # its copy of 600487.SH is no excuse once the file has changed
    flipped_but_readable(cache.bars_path("600487.SH"))
    res = run("data", "status", "--cache-dir", tmp_path)
    assert res.exit_code == 0, res.stderr
    marks = {line.split()[1]: line.split()[-1] for line in res.stdout.splitlines() if line.startswith("bars")}
    assert marks == {"600487.SH": "DAMAGED", "600522.SH": "eastmoney"}
    assert (f"warning: {cache.bars_path('600487.SH')} does not match its checksum (it was changed or damaged on "
            "disk): it is not used; remove it with `screener data clear 600487.SH`") in res.stderr
    problems = {e["key"]: e["problem"] for e in json.loads(run("data", "status", "--cache-dir", tmp_path,
                                                               "--format", "json").stdout)["entries"]}
    assert problems["600522.SH"] is None and "checksum" in problems["600487.SH"]


def test_clearing_a_symbol_leaves_no_lock_file_behind(tmp_path):
    # #10: clear took the symbol's lock, which made a new .lock file, and left it there
    cache = Cache(tmp_path)
    for s in ("600487.SH", "600522.SH"):
        cache.write_bars(s, bars(), META)
    res = run("data", "clear", "600487", "--cache-dir", tmp_path)
    assert res.exit_code == 0 and "removed 1 file" in res.stdout, res.stderr
    assert sorted(p.name for p in cache.bars_path("x").parent.iterdir()) == ["600522.SH.parquet"]


def test_clear_refuses_a_folder_with_files_but_no_cache_layout(tmp_path):
    # #10: with no v1/ at all it said "removed 0 files" instead of refusing
    (tmp_path / "thesis.docx").write_text("years of work")
    err = one_line_error(run("data", "clear", "--cache-dir", tmp_path, "--yes"))
    assert err.startswith(f"error: {tmp_path} does not look like a screener cache (none of the files under {tmp_path} ")
    assert (tmp_path / "thesis.docx").exists()


def test_clear_accepts_a_cache_folder_holding_only_the_small_caches(tmp_path):
    for name in ("xshg-sessions.json", "parsed-yaml.json", ".parsed-yaml.json.abc123.tmp"):
        (tmp_path / name).write_text("{}")
    res = run("data", "clear", "--cache-dir", tmp_path, "--yes")
    assert res.exit_code == 0 and "removed 0 files" in res.stdout, res.stderr
