"""#10 `screener report` on results that break the contract, and CSV cells that a
spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
import json

import pytest

from screener.csvcell import csv_text, safe_cell
from tests.hostile.conftest import one_line_error, run, small_result


def report(tmp_path, content: str | dict, *args: str):
    path = tmp_path / "r.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return run("report", path, "--out", tmp_path / "out", "--export", "json", *args)


@pytest.mark.parametrize(("changes", "message"), [
    ({"members": {"600487.SH": 1}}, "members: Input should be a valid list (got {'600487.SH': 1})"),
    ({"members": [1, "junk"]}, "members.0: should be a JSON object (got 1); members.1: should be a JSON object"),
    ({"members": [{"symbol": 600487}]}, "members.0.symbol: Input should be a valid string"),
    ({"equity": [{"date": "yesterday", "basket": 1}]}, "equity.0.date: Input should be a valid date"),
    ({"claims": [{"tolerance": "wide"}]}, "claims.0.tolerance: Input should be a valid number"),
    ({"warnings": [[1]]}, "warnings.0"),
])
def test_a_result_that_breaks_the_contract_is_one_line(tmp_path, changes, message):
    err = one_line_error(report(tmp_path, small_result(**changes)))
    assert "r.json: not a backtest result: " in err and message in err
    assert not (tmp_path / "out").exists()


def test_nesting_beyond_any_result_is_one_line(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    assert "nested too deeply to be a backtest result" in one_line_error(report(tmp_path, deep))
    nested = small_result(extra=json.loads("[" * 70 + "]" * 70))
    assert "nested more than 64 levels deep" in one_line_error(report(tmp_path, nested))


def test_keys_the_contract_does_not_name_are_allowed(tmp_path):
    newer = small_result(relative={"excess_return": 0.01}, short_window=True)
    newer["settings"]["engine"] = "planner"
    res = report(tmp_path, newer)
    assert res.exit_code == 0, res.stderr
    written = json.loads((tmp_path / "out" / "t_2024-01-02_2024-01-04.json").read_text(encoding="utf-8"))
    assert written["relative"] == {"excess_return": 0.01} and written["settings"]["engine"] == "planner"


@pytest.mark.parametrize(("value", "cell"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("中天科技", "中天科技"), ("a=b", "a=b"),
    (-0.01, -0.01), (3, 3), (None, None),
])
def test_formula_cells_are_neutralised_and_numbers_kept(value, cell):
    assert safe_cell(value) == cell


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_report_csv_neutralises_text_fields_only(tmp_path):
    result = small_result()
    result["members"][0]["name"] = "=HYPERLINK(\"http://evil\",\"click\")"
    result["claims"][0].update(quote="+cmd|' /C calc'!A0", subject="@SUM(1+1)")
    path = tmp_path / "r.json"
    path.write_text(json.dumps(result), encoding="utf-8")
    assert run("report", path, "--out", tmp_path / "out", "--export", "csv").exit_code == 0
    (member,) = rows((tmp_path / "out" / "t_2024-01-02_2024-01-04_members.csv").read_bytes())
    assert member["name"] == "'=HYPERLINK(\"http://evil\",\"click\")"
    assert member["contribution"] == "-0.01"  # a negative number is a number, not a formula
    (claim,) = rows((tmp_path / "out" / "t_2024-01-02_2024-01-04_claims.csv").read_bytes())
    assert claim["quote"] == "'+cmd|' /C calc'!A0" and claim["subject"] == "'@SUM(1+1)"


def screen_csv(tmp_path, name_yaml: str):
    """``screen --format csv`` of a one-member theme whose member is named ``name_yaml``
    (a YAML scalar): its stdout and its one row."""
    theme = tmp_path / "t.yaml"
    theme.write_text(f"id: t\nname: T\nmembers:\n  - {{symbol: 600487.SH, name: {name_yaml}}}\n", encoding="utf-8")
    (tmp_path / "600487.SH.csv").write_text("date,open,high,low,close,volume\n2024-01-02,1,1,1,1,100\n"
                                            "2024-01-03,1,1,1,1.05,100\n")
    res = run("screen", theme, "--data-dir", tmp_path, "--format", "csv")
    assert res.exit_code == 0, res.stderr
    (row,) = list(csv.DictReader(io.StringIO(res.stdout)))
    assert row["close"] == "1.05"
    return res.stdout, row


def test_screen_csv_neutralises_names(tmp_path):
    _, row = screen_csv(tmp_path, '"=1+2"')
    assert row["name"] == "'=1+2"


@pytest.mark.parametrize("value", ["ab\r=cmd", "ab\n=cmd", "ab\r\n=cmd", "\r=cmd"])
def test_a_field_with_a_line_break_is_one_quoted_cell(value):
    # #10: with "\n" rows Python's csv left a bare CR unquoted ('ab\r=cmd' read as two rows)
    text = csv_text(["a", "b"], [[value, 1], [None, -0.5]])
    assert list(csv.reader(io.StringIO(text))) == [["a", "b"], [safe_cell(value), "1"], ["", "-0.5"]]
    assert text.count("\n") == 3 + value.count("\n") and f'"{safe_cell(value)}"' in text


def test_claims_and_screen_csv_quote_a_carriage_return(tmp_path):
    result = small_result()
    result["claims"][0]["quote"] = "ab\r=cmd"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(result), encoding="utf-8")
    assert run("report", path, "--out", tmp_path / "out", "--export", "csv").exit_code == 0
    claims = (tmp_path / "out" / "t_2024-01-02_2024-01-04_claims.csv").read_bytes()
    assert '"ab\r=cmd"'.encode() in claims and rows(claims)[0]["quote"] == "ab\r=cmd"
    stdout, row = screen_csv(tmp_path, '"ab\\r=HYPERLINK(1)"')
    assert '"ab\r=HYPERLINK(1)"' in stdout and row["name"] == "ab\r=HYPERLINK(1)"
