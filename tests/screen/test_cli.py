"""`screener screen` through click's CliRunner on the demo data, with values checked
against a recomputation straight from the demo bars (pandas, not the factor code)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from screener.calendar import sessions as xshg_sessions
from screener.cli import cli
from screener.data import DataOptions, open_store
from screener.screen.factors import FACTOR_NAMES

FIBER = ["600522.SH", "600487.SH", "002491.SZ", "601869.SH", "600498.SH", "600105.SH", "000070.SZ"]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def ok(*args: str):
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def demo_json(*args: str) -> dict:
    return json.loads(ok("screen", *args, "--demo", "--format", "json").stdout)


@pytest.fixture(scope="module")
def demo_closes() -> pd.DataFrame:
    """Adjusted closes of the fiber members and CSI 300 on XSHG sessions, carried over
    suspensions: pandas reindex + ffill, independent of screener.screen."""
    md = open_store(DataOptions(demo=True)).load(FIBER + ["000300.SH"])
    cal = xshg_sessions("2024-01-01", "2026-11-20")
    return pd.DataFrame({s: b.adjusted_close().reindex(cal.union(b.frame.index)).ffill().reindex(cal) for s, b in md.bars.items()})


def test_sort_top_matches_recomputation(demo_closes: pd.DataFrame) -> None:
    result = ok("screen", "fiber", "--demo", "--sort", "ret_60d", "--top", "5")
    lines = result.stdout.splitlines()
    assert lines[0] == "DEMO — synthetic prices"
    assert "as of 2026-11-20" in lines[1] and "data: demo" in lines[1]
    expected = (demo_closes.iloc[-1] / demo_closes.iloc[-61] - 1).drop("000300.SH").sort_values(ascending=False)
    body = [ln.split() for ln in lines[3:8]]
    assert [r[1] for r in body] == list(expected.index[:5])
    assert [r[0] for r in body] == ["1", "2", "3", "4", "5"]
    # the ret_60d column (header position) shows the recomputed value, rounded
    col = lines[2].split().index("ret_60d")
    assert [r[col] for r in body] == [f"{v:+.1%}" for v in expected.iloc[:5]]
    assert "screened 7; showing 5 sorted by ret_60d (desc)" in result.stdout
    assert len(lines) == 9


def test_json_carries_as_of_source_and_every_factor(demo_closes: pd.DataFrame) -> None:
    doc = demo_json("fiber", "--sort", "ret_20d", "--asc")
    assert doc["as_of"] == "2026-11-20" and doc["data_source"] == "demo"
    assert doc["label"] == "DEMO — synthetic prices"
    assert doc["universe"] == {"kind": "theme", "id": "fiber", "name": "光纤 Optical fiber", "size": 7}
    assert doc["benchmark"] == "000300.SH" and doc["order"] == "asc"
    assert [r["symbol"] for r in doc["rows"]] == list(
        (demo_closes.iloc[-1] / demo_closes.iloc[-21] - 1).drop("000300.SH").sort_values().index
    )
    bench = demo_closes["000300.SH"]
    for row in doc["rows"]:
        assert list(row) == ["symbol", "name", *FACTOR_NAMES]
        p = demo_closes[row["symbol"]]
        assert row["ret_5d"] == pytest.approx(p.iloc[-1] / p.iloc[-6] - 1, rel=1e-12)
        assert row["ret_250d"] == pytest.approx(p.iloc[-1] / p.iloc[-251] - 1, rel=1e-12)
        ytd = p.iloc[-1] / p[p.index < "2026-01-01"].iloc[-1] - 1
        assert row["ret_ytd"] == pytest.approx(ytd, rel=1e-12)
        assert row["excess_60d"] == pytest.approx(
            (p.iloc[-1] / p.iloc[-61]) - (bench.iloc[-1] / bench.iloc[-61]), rel=1e-9
        )
        r = p.pct_change().iloc[-20:]
        assert row["vol_20d"] == pytest.approx(r.std() * 242**0.5, rel=1e-9)
        assert row["pe_ttm"] is None and row["mcap"] is None  # the demo has no valuations
        assert isinstance(row["limit_up_today"], bool) and isinstance(row["suspended_60d"], int)
    assert "valuations" in " ".join(doc["notes"])


def test_where_filter_and_summary() -> None:
    doc = demo_json("fiber", "--where", "ret_60d > 0 and vol_20d < 60%")
    s = doc["summary"]
    assert doc["where"] == "ret_60d > 0 and vol_20d < 60%"
    assert s["screened"] == 7 and s["passed"] == len(doc["rows"]) and s["failed"] == 7 - s["passed"]
    assert 0 < s["passed"] < 7
    everything = demo_json("fiber")["rows"]
    expected = [r["symbol"] for r in everything if r["ret_60d"] > 0 and r["vol_20d"] < 0.6]
    assert [r["symbol"] for r in doc["rows"]] == expected

    # A missing value fails the comparison and is counted, not crashed on.
    doc = demo_json("fiber", "--where", "pe_ttm < 30 or ret_5d > 100%")
    assert doc["rows"] == [] and doc["summary"]["failed_missing"] == 7

    table = ok("screen", "fiber", "--demo", "--where", "not limit_up_today and ret_20d > -5%").stdout
    assert "where not limit_up_today and ret_20d > -5%" in table
    assert "failed on missing values 0" in table


def test_csv_carries_as_of_source_and_every_factor(tmp_path: Path) -> None:
    text = ok("screen", "fiber", "--demo", "--format", "csv", "--sort", "ret_60d").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["as_of", "data_source", "label", "symbol", "name", *FACTOR_NAMES]
    assert {(r["as_of"], r["data_source"], r["label"]) for r in rows} == {("2026-11-20", "demo", "DEMO — synthetic prices")}
    doc = demo_json("fiber", "--sort", "ret_60d")
    for r, j in zip(rows, doc["rows"]):
        assert r["symbol"] == j["symbol"]
        assert float(r["ret_60d"]) == pytest.approx(j["ret_60d"], rel=1e-12)
        assert r["pe_ttm"] == "" and r["limit_up_20d"] == str(j["limit_up_20d"])

    out = tmp_path / "fiber.csv"
    result = ok("screen", "fiber", "--demo", "--sort", "ret_60d", "--out", str(out))  # csv from the suffix
    assert out.read_text(encoding="utf-8") == text
    assert f"wrote 7 rows to {out}" in result.stderr and "DEMO" in result.stderr
    assert result.stdout == ""
    assert [p.name for p in tmp_path.iterdir()] == ["fiber.csv"]  # no temp file left behind


def test_out_json_and_columns(tmp_path: Path) -> None:
    out = tmp_path / "top.json"
    ok("screen", "fiber", "--demo", "--top", "2", "--sort", "amount_20d", "--out", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["rows"]) == 2 and doc["as_of"] == "2026-11-20"
    table = ok("screen", "fiber", "--demo", "--columns", "beta_120d,limit_up_20d").stdout
    assert table.splitlines()[2].split() == ["#", "symbol", "name", "beta_120d", "limit_up_20d"]
    wide = ok("screen", "fiber", "--demo", "--columns", "all").stdout
    assert all(f in wide for f in FACTOR_NAMES)


def test_as_of() -> None:
    doc = demo_json("fiber", "--as-of", "2026-05-11")
    assert doc["as_of"] == "2026-05-11"
    result = run("screen", "fiber", "--demo", "--as-of", "2026-05-10", "--format", "json")  # a Sunday
    assert json.loads(result.stdout)["as_of"] == "2026-05-08"
    assert "2026-05-10 is not a trading session" in result.stderr
    late = run("screen", "fiber", "--demo", "--as-of", "2026-11-27")
    assert late.exit_code == 2 and "the data ends on 2026-11-20" in late.stderr


def test_boards_and_universe_all() -> None:
    star = demo_json("--board", "star")
    assert star["universe"]["kind"] == "exchange_board" and star["rows"]
    assert all(r["symbol"].startswith("688") for r in star["rows"])
    everything = demo_json("--universe", "all", "--sort", "ret_20d", "--top", "3")
    assert everything["universe"]["size"] > 40 and len(everything["rows"]) == 3
    assert not any(r["symbol"] == "000300.SH" for r in demo_json("--universe", "all")["rows"])  # no indices
    board = demo_json("--board", "BK9002", "--benchmark", "399006.SZ")
    assert board["universe"]["kind"] == "board" and board["benchmark"] == "399006.SZ"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--where", "ret_6d > 0"], ["position 1", "unknown field 'ret_6d'", "valid fields: ret_5d"]),
        (["--where", "ret_5d >"], ["position 9", "unexpected end"]),
        (["--sort", "ret_6d"], ["--sort: unknown field 'ret_6d' (did you mean ret_60d?)"]),
        (["--columns", "nope"], ["--columns: unknown field 'nope'"]),
        (["--board", "star"], ["give only one of"]),
        (["--out", "x.txt"], ["use --format json or --format csv"]),
    ],
)
def test_user_errors_exit_2(args: list[str], words: list[str]) -> None:
    result = run("screen", "fiber", "--demo", *args)
    assert result.exit_code == 2, result.output
    for w in words:
        assert w in result.stderr
    assert "Traceback" not in result.output


def test_no_target_and_unknown_theme() -> None:
    result = run("screen", "--demo")
    assert result.exit_code == 2 and "say what to screen" in result.stderr
    result = run("screen", "nosuchtheme", "--demo")
    assert result.exit_code == 2 and "unknown theme 'nosuchtheme'" in result.stderr


def test_help_factors_defines_every_factor() -> None:
    text = ok("screen", "--help-factors").stdout
    for name in FACTOR_NAMES:
        assert f"\n  {name}\n" in text
    assert "√242" in text and "suspended" in text


def test_help_factors_fits_80_columns() -> None:
    result = CliRunner().invoke(cli, ["screen", "--help-factors"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_as_of_date_parses() -> None:
    assert date.fromisoformat(demo_json("fiber", "--as-of", "2025-12-31")["as_of"]) == date(2025, 12, 31)


def _fill_cache(root: Path, symbols: list[str]) -> None:
    """Demo bars written into a real cache folder, plus a valuation snapshot for 2026-11-20."""
    from datetime import datetime

    from screener.data.cache import Cache, CacheMeta

    cache = Cache(root)
    md = open_store(DataOptions(demo=True)).load(symbols)
    for s, b in md.bars.items():
        meta = CacheMeta("eastmoney", datetime(2026, 11, 20, 16), b.frame.index[0].date(), date(2026, 11, 20), True, b.name)
        cache.write_bars(s, b.frame, meta)
    snapshot = pd.DataFrame({"symbol": ["600522.SH", "600487.SH"], "pe_ttm": [25.5, -3.0], "pb": [2.1, 1.2],
                             "mcap": [8.1e10, 4.5e10], "float_mcap": [7.9e10, 4.4e10]})
    cache.write_frame(cache.valuations_path(date(2026, 11, 20)), snapshot,
                      CacheMeta("eastmoney", datetime(2026, 11, 20, 16), date(2026, 11, 20), date(2026, 11, 20)))


def test_offline_cache_with_valuations(tmp_path: Path) -> None:
    _fill_cache(tmp_path, ["600522.SH", "600487.SH", "601869.SH", "000300.SH"])
    result = run("screen", "fiber", "--offline", "--cache-dir", str(tmp_path), "--format", "json",
                 "--where", "pe_ttm > 0 or pb > 1.5")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["data_source"] == "cache" and doc["as_of"] == "2026-11-20"
    assert [r["symbol"] for r in doc["rows"]] == ["600522.SH"]
    row = doc["rows"][0]
    assert (row["pe_ttm"], row["pb"], row["mcap"], row["float_mcap"]) == (25.5, 2.1, 8.1e10, 7.9e10)
    s = doc["summary"]
    assert (s["screened"], s["passed"], s["failed"], s["failed_missing"]) == (3, 1, 1, 1)  # 601869: no snapshot row
    assert sorted(s["no_data"]) == ["000070.SZ", "002491.SZ", "600105.SH", "600498.SH"]
    # The same numbers as the demo store computes from the same bars.
    demo = {r["symbol"]: r for r in demo_json("fiber")["rows"]}
    assert row["ret_60d"] == pytest.approx(demo["600522.SH"]["ret_60d"], rel=1e-12)


def test_universe_all_reads_the_cache_without_network(tmp_path: Path) -> None:
    _fill_cache(tmp_path, ["600522.SH", "688339.SH", "300251.SZ", "000300.SH"])
    result = run("screen", "--universe", "all", "--cache-dir", str(tmp_path), "--format", "csv")  # no --offline
    assert result.exit_code == 0, result.output
    assert "read the cache as it is" in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(r["symbol"] for r in rows) == ["300251.SZ", "600522.SH", "688339.SH"]
    assert {r["data_source"] for r in rows} == {"cache"}
    table = run("screen", "--universe", "all", "--cache-dir", str(tmp_path)).stdout
    assert "data: cache, fetched 2026-11-20" in table.splitlines()[0]  # not "cache (cache, fetched ...)"
    star = run("screen", "--board", "star", "--cache-dir", str(tmp_path), "--format", "json")
    assert [r["symbol"] for r in json.loads(star.stdout)["rows"]] == ["688339.SH"]


def test_out_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        out = tmp_path / "top.csv"
        result = ok("screen", "fiber", "--demo", "--top", "1", "--out", str(out))
        assert out.stat().st_mode & 0o777 == 0o644  # not mkstemp's private 0600
        assert "wrote 1 row to" in result.stderr
        out.chmod(0o640)  # replacing a file keeps its permissions
        ok("screen", "fiber", "--demo", "--out", str(out), "--force")
        assert out.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


def test_offline_symbol_not_cached_up_to_the_as_of_is_left_out_not_called_suspended(tmp_path: Path) -> None:
    from datetime import datetime

    from screener.data.cache import Cache, CacheMeta

    cache = Cache(tmp_path)
    md = open_store(DataOptions(demo=True)).load(["600522.SH", "600487.SH", "000300.SH"], end=date(2026, 5, 11))
    for s, b in md.bars.items():
        end = date(2026, 4, 30) if s == "600487.SH" else date(2026, 5, 11)  # one symbol refreshed earlier
        frame = b.frame[b.frame.index <= pd.Timestamp(end)]
        cache.write_bars(s, frame, CacheMeta("eastmoney", datetime(2026, 5, 12, 16), date(2016, 1, 4), end, True, b.name))
    result = run("screen", "fiber", "--offline", "--cache-dir", str(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2026-05-11"
    assert [r["symbol"] for r in doc["rows"]] == ["600522.SH"]  # 600487.SH is not "suspended since May"
    assert doc["summary"]["not_cached"] == ["600487.SH"]
    table = run("screen", "fiber", "--offline", "--cache-dir", str(tmp_path))
    assert "not in the cache up to 2026-05-11 (left out; run `screener data fetch`): 600487.SH" in table.stdout
    # an as-of the cache does cover keeps it
    earlier = json.loads(run("screen", "fiber", "--offline", "--cache-dir", str(tmp_path), "--as-of", "2026-04-30",
                             "--format", "json").stdout)
    assert sorted(r["symbol"] for r in earlier["rows"]) == ["600487.SH", "600522.SH"]


def test_quality_warnings_are_reported(tmp_path: Path) -> None:
    doc = demo_json("fiber")
    assert any(w.startswith("600522.SH: ") and "sessions without a row" in w for w in doc["warnings"])
    md = open_store(DataOptions(demo=True)).load(["600487.SH"], start=date(2025, 1, 1))
    frame = md.bars["600487.SH"].frame.reset_index()
    frame.loc[100, "high"] = frame.loc[100, "low"] - 0.5  # high < low
    frame.to_csv(tmp_path / "600487.SH.csv", index=False)
    result = run("screen", "fiber", "--data-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    day = frame.loc[100, "date"].date()
    assert f"warning: data quality: 1 symbol with high below low: 600487.SH (first {day})" in result.stderr


def test_out_never_overwrites_without_force(tmp_path: Path) -> None:
    out = tmp_path / "mine.csv"
    out.write_text("precious\n")
    result = run("screen", "fiber", "--demo", "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr == f"error: --out {out} already exists; add --force to replace it\n"  # checked first: no notes
    assert out.read_text() == "precious\n"
    ok("screen", "fiber", "--demo", "--out", str(out), "--force")
    assert out.read_text().startswith("as_of,data_source,label,symbol")
    missing = run("screen", "fiber", "--demo", "--out", str(tmp_path / "nope" / "x.csv"))
    assert missing.exit_code == 2 and missing.stderr.startswith("error: --out")


def test_out_interrupted_leaves_the_old_file_and_no_temp_file(tmp_path: Path, monkeypatch) -> None:
    import os

    out = tmp_path / "top.csv"
    out.write_text("old\n")
    real = os.replace

    def interrupted(src, dst):
        raise KeyboardInterrupt  # Ctrl-C just before the rename

    monkeypatch.setattr(os, "replace", interrupted)
    result = run("screen", "fiber", "--demo", "--out", str(out), "--force")
    monkeypatch.setattr(os, "replace", real)
    assert result.exit_code == 130
    assert out.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["top.csv"]
