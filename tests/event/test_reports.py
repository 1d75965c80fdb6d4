"""Event-study reports in every format from a study of the hand-made market (not demo
data): names, the JSON contract unchanged, CSV/Excel numbers equal to the result's, the
charts, the heat table, the DEMO banner on demo data, and `screener report` on a saved
event result."""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import cli
from screener.event.run import run_event_study
from screener.event.settings import EventSettings
from screener.report import export
from screener.theme.model import Theme
from tests.backtest.helpers import FakeStore
from tests.event.market import THEME, frames

STEM = "event-test_event_2024-03-15_2024-04-10"
FILES = [f"{STEM}.html", f"{STEM}.md", f"{STEM}_caar.png", f"{STEM}_heat.png", f"{STEM}_caar.csv",
         f"{STEM}_tests.csv", f"{STEM}_members.csv", f"{STEM}_ar.csv", f"{STEM}.json", f"{STEM}.xlsx"]


@pytest.fixture(scope="module")
def result() -> dict:
    settings = EventSettings(dates=[date(2024, 3, 15), date(2024, 4, 10)], window=(-3, 6), estimation=(-80, -6),
                             min_estimation=40)
    return run_event_study(Theme.model_validate(THEME), settings, FakeStore(frames()), today=date(2024, 7, 1))


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, result: dict) -> Path:
    out = tmp_path_factory.mktemp("reports")
    paths = export(result, ["html", "md", "csv", "json", "xlsx"], out)
    assert [p.name for p in paths] == FILES
    return out


def _csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark for Excel and WPS
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_json_is_the_contract_unchanged(exported: Path, result: dict) -> None:
    assert json.loads((exported / f"{STEM}.json").read_text(encoding="utf-8")) == result


def test_csv_files_hold_the_results_numbers(exported: Path, result: dict) -> None:
    caar = _csv(exported / f"{STEM}_caar.csv")
    assert [int(r["day"]) for r in caar] == list(range(-3, 7))
    assert [float(r["caar"]) for r in caar] == [c["caar"] for c in result["caar"]]
    assert [float(r["caar_lo95"]) for r in caar] == [c["ci95"][0] for c in result["caar"]]
    assert {r["data_source"] for r in caar} == {"dir"}
    members = _csv(exported / f"{STEM}_members.csv")
    assert [(r["symbol"], r["event_date"]) for r in members] == [(m["symbol"], m["event_date"]) for m in result["members"]]
    assert [float(r["car"]) for r in members] == [m["car"] for m in result["members"]]
    ar = _csv(exported / f"{STEM}_ar.csv")
    assert len(ar) == sum(len(m["ar"]) for m in result["members"])
    tests = _csv(exported / f"{STEM}_tests.csv")
    assert [r["window"] for r in tests] == list(result["tests"]["windows"])
    assert float(tests[-1]["bmp_t"]) == result["tests"]["windows"]["window"]["bmp_t"]


def test_excel_has_every_sheet_and_the_ar_matrix(exported: Path, result: dict) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(exported / f"{STEM}.xlsx")
    assert wb.sheetnames == ["summary", "CAAR by day", "tests", "members", "abnormal returns", "warnings"]
    ws = wb["abnormal returns"]
    assert [c.value for c in ws[1]] == ["member · day 0", *range(-3, 7)]
    first = result["members"][0]
    by_day = {a["day"]: a["ar"] for a in first["ar"]}
    assert [c.value for c in ws[2]][1:] == pytest.approx([by_day.get(d) for d in range(-3, 7)], rel=1e-14)  # Excel keeps 15 digits
    assert ws.conditional_formatting  # the red/green colour scale
    assert wb["CAAR by day"]["F2"].number_format.startswith("[Red]+0.00%")  # a return: red up, green down


def test_markdown_and_pngs(exported: Path) -> None:
    md = (exported / f"{STEM}.md").read_text(encoding="utf-8")
    for heading in ("## Events", "## Cumulative abnormal return", "## Tests", "## Abnormal returns by member and day",
                    "## Could you have traded it?", "## Warnings", "## Methodology"):
        assert heading in md
    assert f"]({STEM}_caar.png)" in md and f"]({STEM}_heat.png)" in md
    for name in ("caar", "heat"):
        assert (exported / f"{STEM}_{name}.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "DEMO" not in md


def test_html_is_self_contained_with_the_chart_heat_table_and_tradability(exported: Path, result: dict) -> None:
    page = (exported / f"{STEM}.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert 'data-chart="caar"' in page and '<table class="heat">' in page
    for section in ("events", "caar", "tests", "heat", "tradability", "warnings", "methodology"):
        assert f'<section id="{section}">' in page
    heat = page.split('<table class="heat">')[1].split("</table>")[0].split("<tbody>")[1]
    assert heat.count("<tr><th>") == len(result["members"])  # one row per member and event
    assert "src=\"http" not in page and "href=\"http" not in page
    assert "demo-banner" not in page


def test_demo_results_carry_the_banner_everywhere(tmp_path: Path, result: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from screener.report.event import charts

    monkeypatch.setattr(charts, "figure", lambda view, name, fmt, narrow=False: b"<svg></svg>")  # tested above
    demo = copy.deepcopy(result)
    demo.update(data_source="demo", label="DEMO — synthetic prices", demo=True)
    export(demo, ["html", "md", "xlsx"], tmp_path)
    assert 'id="demo-banner"' in (tmp_path / f"{STEM}.html").read_text(encoding="utf-8")
    assert "DEMO DATA" in (tmp_path / f"{STEM}.md").read_text(encoding="utf-8")
    from openpyxl import load_workbook

    assert load_workbook(tmp_path / f"{STEM}.xlsx")["summary"]["A2"].value == "WARNING"


def test_screener_report_renders_a_saved_event_result(tmp_path: Path, exported: Path) -> None:
    r = CliRunner().invoke(cli, ["report", str(exported / f"{STEM}.json"), "--export", "csv,json", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{STEM}.json", f"{STEM}_caar.csv", f"{STEM}_tests.csv", f"{STEM}_members.csv", f"{STEM}_ar.csv"])
    again = CliRunner().invoke(cli, ["report", str(exported / f"{STEM}.json"), "--export", "json", "--out", str(tmp_path)])
    assert again.exit_code == 2 and "already exist" in again.stderr


def test_a_broken_event_result_is_a_one_line_error(tmp_path: Path, result: dict) -> None:
    bad = {k: v for k, v in result.items() if k != "caar"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    r = CliRunner().invoke(cli, ["report", str(path), "--out", str(tmp_path / "out")])
    assert r.exit_code == 2 and "the event-study result has no caar" in r.stderr
    odd = copy.deepcopy(result)
    odd["members"][0]["ar"][0]["day"] = "minus three"
    path.write_text(json.dumps(odd), encoding="utf-8")
    r = CliRunner().invoke(cli, ["report", str(path), "--out", str(tmp_path / "out")])
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "not an event-study result: members.0.ar.0.day:" in r.stderr and "`screener event --format json`" in r.stderr


def test_reports_and_the_table_in_chinese(tmp_path: Path, result: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from screener import i18n
    from screener.report.event import charts

    monkeypatch.setattr(charts, "figure", lambda view, name, fmt, narrow=False: b"<svg></svg>")  # tested above
    i18n.set_language("zh")
    try:
        export(result, ["html", "md", "xlsx"], tmp_path)
        from openpyxl import load_workbook

        sheets = load_workbook(tmp_path / f"{STEM}.xlsx").sheetnames
    finally:
        i18n.set_language(None)
    page = (tmp_path / f"{STEM}.html").read_text(encoding="utf-8")
    md = (tmp_path / f"{STEM}.md").read_text(encoding="utf-8")
    for words in ("事件研究", "累计异常收益率", "当时能买进吗？", "连板", "方法说明"):
        assert words in page and words in md
    assert '<html lang="zh-Hans">' in page and "Could you have traded it?" not in page
    assert sheets == ["概要", "逐日 CAAR", "检验", "成分股", "异常收益率", "警告"]


def test_a_user_template_replaces_a_block_of_the_event_page(tmp_path: Path, exported: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "event.md.j2").write_text(
        '{% extends "builtin/event.md.j2" %}{% block header %}# my study\n\n{% endblock %}', "utf-8")
    r = CliRunner().invoke(cli, ["report", str(exported / f"{STEM}.json"), "--export", "md", "--out",
                                 str(tmp_path / "out"), "--template", str(templates)])
    assert r.exit_code == 0, r.stderr
    md = (tmp_path / "out" / f"{STEM}.md").read_text(encoding="utf-8")
    assert md.startswith("# my study") and "## Tests" in md


def test_the_page_loads_in_a_browser_with_no_console_message(tmp_path: Path, exported: Path, result: dict) -> None:
    from tests.report.test_browser import CHROMIUM, _Dom, chromium

    if CHROMIUM is None:
        pytest.skip("chromium not installed (apt-get install chromium)")
    dom_text, console = chromium(tmp_path, (exported / f"{STEM}.html").as_uri(), "--dump-dom")
    assert console == []
    dom = _Dom()
    dom.feed(dom_text)
    assert set(dom.charts) == {"caar", "heat"} and all(n > 20 for n in dom.charts.values()), dom.charts
    assert dom.rows["heat"] == dom.rows["members"] // 2 == len(result["members"])  # the CAR and tradability tables
    assert dom.rows["figures"] == len(result["caar"]) + len(result["tests"]["windows"])
    assert {"header", "events", "caar", "tests", "heat", "tradability", "warnings", "methodology"} <= dom.ids
