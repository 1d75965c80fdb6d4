"""--data-dir: per-symbol CSV/Parquet files."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from screener.data import DataOptions, Source, open_store
from screener.errors import DataError, UserError

ROWS = """date,open,high,low,close,volume
2024-01-02,10.00,10.50,9.90,10.20,100000
2024-01-03,10.20,10.40,10.00,10.10,90000
2024-01-05,10.10,10.30,10.00,10.25,80000
"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "600487.SH.csv").write_text(ROWS)
    df = pd.read_csv(pd.io.common.StringIO(ROWS))
    df["adj_factor"] = [1.0, 1.0, 1.05]
    df["amount"] = df["volume"] * df["close"]
    df.to_parquet(tmp_path / "sz000300.parquet")  # a stock file named in the sh/sz prefix form
    (tmp_path / "notes.csv").write_text("hello\n")
    return tmp_path


def test_reads_csv_and_parquet_with_defaults(folder):
    store = open_store(DataOptions(data_dir=folder))
    assert store.source is Source.DIR
    assert store.symbols() == ["000300.SZ", "600487.SH"]
    md = store.load(["600487", "000300.SZ"])
    assert md.source is Source.DIR and md.label == f"local files in {folder}"
    a = md.bars["600487.SH"].frame
    assert (a["adj_factor"] == 1.0).all() and a["amount"].isna().all() and a["turnover"].isna().all()
    assert a.dtypes.eq("float64").all() and a.index.name == "date"
    b = md.bars["000300.SZ"].frame
    assert b["adj_factor"].tolist() == [1.0, 1.0, 1.05]
    assert md.bars["600487.SH"].origin.endswith("600487.SH.csv")
    assert any("notes.csv" in n for n in md.notes)


def test_missing_session_is_a_suspension_warning_not_an_error(folder):
    md = open_store(DataOptions(data_dir=folder)).load(["600487.SH"])
    (issue,) = [i for i in md.issues if i.kind == "missing_sessions"]
    assert issue.date == date(2024, 1, 4)


def test_window_and_missing_symbol(folder):
    md = open_store(DataOptions(data_dir=folder)).load(["600487.SH", "600522.SH"], start=date(2024, 1, 3))
    assert len(md.bars["600487.SH"].frame) == 2
    assert md.missing == ["600522.SH"] and "600522.SH.csv" in md.errors["600522.SH"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("date,open,high,low,volume\n2024-01-02,1,1,1,1\n", "missing column close"),
        ("day,open,high,low,close,volume\n2024-01-02,1,1,1,1,1\n", "no 'date' column"),
        ("date,open,high,low,close,volume\n2024-01-02,1,1,1,x,1\n", "column 'close' has a non-numeric value 'x'"),
        ("date,open,high,low,close,volume\nsoon,1,1,1,1,1\n", "column 'date' has a value that is not a date"),
        ("date,open,high,low,close,volume\n2024-01-02,1,1,1,1,1\n2024-13-45,1,1,1,1,1\n",
         r"column 'date' has a value that is not a date: '2024-13-45' \(row 2; write dates as YYYY-MM-DD\)$"),
        ("date,open,high,low,close,volume\n2024-01-02,1,1,1,1,1\n2024-01-02,1,1,1,1,1\n", "2024-01-02 appears more than once"),
    ],
)
def test_bad_files_name_file_and_column(tmp_path, content, message):
    (tmp_path / "600487.SH.csv").write_text(content)
    with pytest.raises(DataError, match=message) as info:
        open_store(DataOptions(data_dir=tmp_path)).load(["600487.SH"])
    assert "600487.SH.csv" in str(info.value)


def test_bad_date_message_is_one_line(tmp_path):
    (tmp_path / "600487.SH.csv").write_text("date,open,high,low,close,volume\n2024-01-02,1,1,1,1,1\n2024-13-45,1,1,1,1,1\n")
    with pytest.raises(DataError) as info:
        open_store(DataOptions(data_dir=tmp_path)).load(["600487.SH"])
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_yyyymmdd_integer_dates(tmp_path, suffix):
    # tushare-style trade_date columns: 20240102 as a number, not nanoseconds since 1970
    df = pd.read_csv(pd.io.common.StringIO(ROWS))
    df["date"] = [20240102, 20240103, 20240105]
    path = tmp_path / f"600487.SH{suffix}"
    df.to_csv(path, index=False) if suffix == ".csv" else df.to_parquet(path)
    f = open_store(DataOptions(data_dir=tmp_path)).load(["600487.SH"]).bars["600487.SH"].frame
    assert list(f.index.strftime("%Y-%m-%d")) == ["2024-01-02", "2024-01-03", "2024-01-05"]


def test_mixed_date_spellings_are_read(tmp_path):
    lines = ROWS.splitlines()
    lines[2] = lines[2].replace("2024-01-03", "2024/01/03")
    (tmp_path / "600487.SH.csv").write_text("\n".join(lines) + "\n")
    f = open_store(DataOptions(data_dir=tmp_path)).load(["600487.SH"]).bars["600487.SH"].frame
    assert list(f.index.strftime("%Y-%m-%d")) == ["2024-01-02", "2024-01-03", "2024-01-05"]


def test_two_files_for_one_symbol_fail_that_symbol_only(tmp_path):
    (tmp_path / "600487.SH.csv").write_text(ROWS)
    (tmp_path / "sh600487.parquet").write_text("not read")
    (tmp_path / "600522.SH.csv").write_text(ROWS)
    store = open_store(DataOptions(data_dir=tmp_path))
    assert store.symbols() == ["600487.SH", "600522.SH"]
    md = store.load(["600487.SH", "600522.SH"])
    assert list(md.bars) == ["600522.SH"] and md.missing == ["600487.SH"]
    assert md.errors["600487.SH"] == (f"two files for 600487.SH in {tmp_path}: "
                                      "600487.SH.csv and sh600487.parquet; keep one")


def test_unsorted_rows_are_sorted(tmp_path):
    lines = ROWS.strip().splitlines()
    (tmp_path / "600487.SH.csv").write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n")
    f = open_store(DataOptions(data_dir=tmp_path)).load(["600487.SH"]).bars["600487.SH"].frame
    assert f.index.is_monotonic_increasing and f["close"].iloc[0] == 10.20


def test_boards_and_valuations(folder):
    store = open_store(DataOptions(data_dir=folder))
    with pytest.raises(DataError, match="board BK0715"):
        store.board("BK0715")
    assert store.valuations().empty


def test_demo_and_data_dir_cannot_be_combined(folder):
    with pytest.raises(UserError, match="--demo and --data-dir"):
        open_store(DataOptions(demo=True, data_dir=folder))


def test_utc_timestamps_are_read_as_shanghai_dates(tmp_path):
    # a tool that stores Shanghai midnight as UTC writes 2024-01-01 16:00Z for the session of 2024-01-02
    df = pd.read_csv(pd.io.common.StringIO(ROWS))
    df["date"] = pd.to_datetime(df["date"]).dt.tz_localize("Asia/Shanghai").dt.tz_convert("UTC")
    df.to_parquet(tmp_path / "600487.SH.parquet")
    f = open_store(DataOptions(data_dir=tmp_path)).load(["600487.SH"]).bars["600487.SH"].frame
    assert list(f.index.strftime("%Y-%m-%d")) == ["2024-01-02", "2024-01-03", "2024-01-05"]
