"""export(): every format, file names, no overwrite without force, nothing outside --out."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from screener.report import ReportError, export, parse_formats
from screener.fmt import pct

STEM = "synthetic-fiber_2025-01-01_2026-05-11"
ALL = ["html", "md", "csv", "json", "xlsx"]
EXPECTED = sorted(
    [f"{STEM}.html", f"{STEM}.md", f"{STEM}.json", f"{STEM}.xlsx"]
    + [f"{STEM}_{c}.png" for c in ("equity", "drawdown", "relative", "monthly", "members")]
    + [f"{STEM}_{t}.csv" for t in ("equity", "members", "claims")]
)


@pytest.fixture
def exported(synthetic_reports) -> Path:
    """All five formats of the synthetic result (rendered once for the session)."""
    return synthetic_reports


def test_all_formats_are_written_with_predictable_names(exported):
    assert sorted(p.name for p in exported.iterdir()) == EXPECTED


def test_json_is_the_contract_unchanged(exported, result):
    assert json.loads((exported / f"{STEM}.json").read_text("utf-8")) == result


def test_csv_files_hold_the_results_numbers(exported, result):
    def rows(name):
        text = (exported / f"{STEM}_{name}.csv").read_bytes().decode("utf-8")
        assert text.startswith("\ufeff")  # BOM: Excel/WPS read the Chinese names right
        return list(csv.DictReader(io.StringIO(text[1:])))

    equity = rows("equity")
    assert len(equity) == len(result["equity"])
    for got, want in zip(equity, result["equity"]):
        assert got["date"] == want["date"]
        assert float(got["basket"]) == want["basket"] and float(got["benchmark"]) == want["benchmark"]
    members = rows("members")
    assert [m["name"] for m in members] == [m["name"] for m in result["members"]]
    assert [float(m["contribution"]) if m["contribution"] else None for m in members] == [
        m["contribution"] for m in result["members"]
    ]
    assert members[3]["board"] == "STAR Market"  # filled in from the code when the result has none
    assert members[4]["in_basket"] == "False" and members[4]["total_return"] == ""
    claims = rows("claims")
    assert [c["verdict"] for c in claims] == ["fails", "no_data"]
    for table in (equity, members, claims):  # demo prices are marked on every row
        assert list(table[0])[-1] == "data_source" and {r["data_source"] for r in table} == {"demo"}
    assert json.loads(claims[1]["claimed"]) == ["600522.SH", "600487.SH"]
    assert claims[0]["quote"].startswith("Wind数据显示")


def test_excel_has_the_four_sheets_with_real_numbers(exported, result):
    from openpyxl import load_workbook

    wb = load_workbook(exported / f"{STEM}.xlsx")
    assert wb.sheetnames == ["summary", "equity", "members", "claims"]
    summary = {r[0]: r[1] for r in wb["summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["WARNING"].startswith("DEMO DATA")
    assert summary["basket total return"] == pytest.approx(result["basket"]["total_return"], rel=1e-14)
    assert summary["beta"] == pytest.approx(result["relative"]["beta"], rel=1e-14)
    eq = list(wb["equity"].iter_rows(min_row=2, values_only=True))
    assert len(eq) == len(result["equity"])
    assert eq[-1][1] == pytest.approx(result["equity"][-1]["basket"], rel=1e-14) and eq[-1][0].date().isoformat() == result["equity"][-1]["date"]
    assert wb["equity"]["B2"].number_format == "0.000000"
    members = list(wb["members"].iter_rows(min_row=2, values_only=True))
    assert [m[1] for m in members] == ["中天科技", "亨通光电", "通鼎互联", "仕佳光子", "特发信息"]
    first = result["members"][0]  # Excel keeps 15 significant digits
    assert members[0][3:8] == ("yes", "yes", 0.25, pytest.approx(first["total_return"], rel=1e-14),
                               pytest.approx(first["contribution"], rel=1e-14))
    assert members[4][3:5] == ("added", "dropped: no data")
    assert wb["members"]["F2"].number_format == "0.00%"
    assert wb["members"]["G2"].number_format == "[Red]+0.00%;[Green]-0.00%;0.00%"  # red up, green down
    claims = list(wb["claims"].iter_rows(min_row=2, values_only=True))
    assert claims[0][4:6] == ("at_least", 1.2165) and wb["claims"]["F2"].number_format.startswith("[Red]+0.00%")


def test_markdown_has_the_sections_tables_and_existing_images(exported, result):
    md = (exported / f"{STEM}.md").read_text("utf-8")
    for heading in ("## Headline figures", "## Performance", "## Members", "## Claims", "## Warnings", "## Methodology"):
        assert heading in md
    assert "DEMO DATA" in md.splitlines()[0]
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert len(images) == 5 and all((exported / i).is_file() for i in images)
    assert f"| 中天科技 | 600522.SH | main board | yes | 25.00% | {pct(result['members'][0]['total_return'])} |" in md
    assert "| 特发信息 (dropped: no data) | 000070.SZ | main board | added | — | — | — | 0 | 0 |" in md
    assert "| ≥ +121.65% |" in md
    assert "- **missing data**: no data for 000070.SZ" in md
    assert pct(result["basket"]["total_return"]) in md
    assert "Wind数据显示" in md
    assert "| 2025 |" in md  # the monthly returns table
    assert "<script>" not in md and "&lt;script&gt;alert(1)&lt;/script&gt;" in md  # raw HTML neutralised
    assert "| fiber-index-ytd | period return |" in md


def test_pngs_are_real_images(exported):
    from PIL import Image, ImageStat

    for chart in ("equity", "drawdown", "monthly", "members"):
        with Image.open(exported / f"{STEM}_{chart}.png") as im:
            assert im.width >= 800
            assert max(ImageStat.Stat(im.convert("L")).stddev) > 10  # not blank


def test_html_is_self_contained_with_every_section(exported, result, cjk_font):
    page = (exported / f"{STEM}.html").read_text("utf-8")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page.replace("&lt;script&gt;", "")
    for section in ("header", "headline", "performance", "members", "claims", "warnings", "methodology"):
        assert f'id="{section}"' in page
    # each chart twice: wide for a desktop, narrow for a phone (CSS shows one)
    assert page.count('<svg class="chart wide"') == 5 and page.count('<svg class="chart narrow"') == 5
    assert 'id="demo-banner"' in page
    assert "@font-face{font-family:'ReportCJK'" in page  # the CJK names render without system fonts
    assert pct(result["basket"]["total_return"]) in page and pct(result["benchmark"]["total_return"]) in page
    assert "中天科技" in page and "Wind数据显示" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # warnings are escaped
    first = pct(result["members"][0]["total_return"])  # returns red when up, green when down
    assert f'<td class="n {"up" if first.startswith("+") else "down"}">{first}</td>' in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "duplicate element ids across the inline charts"


def test_a_cache_result_has_no_demo_banner(tmp_path, result, quick_render):
    result["data_source"], result["label"], result["demo"] = "cache", "cache (last refresh 2026-05-12)", False
    (path,) = export(result, ["html"], tmp_path)
    page = path.read_text("utf-8")
    assert "demo-banner" not in page and "DEMO" not in page
    assert "cache (last refresh 2026-05-12)" in page


def test_existing_files_are_not_overwritten_and_nothing_is_written(tmp_path, result):
    victim = tmp_path / f"{STEM}_claims.csv"
    victim.write_text("mine")
    with pytest.raises(ReportError, match=r"already exist.*--force"):
        export(result, ALL, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [victim.name]
    assert victim.read_text() == "mine"


def test_force_overwrites(tmp_path, result):
    (tmp_path / f"{STEM}.json").write_text("old")
    export(result, ["json"], tmp_path, force=True)
    assert json.loads((tmp_path / f"{STEM}.json").read_text("utf-8")) == result


def test_a_symlink_target_is_replaced_not_followed(tmp_path, result):
    outside = tmp_path / "outside.json"
    outside.write_text("keep")
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{STEM}.json").symlink_to(outside)
    with pytest.raises(ReportError):
        export(result, ["json"], out)
    export(result, ["json"], out, force=True)
    assert outside.read_text() == "keep" and not (out / f"{STEM}.json").is_symlink()


@pytest.mark.parametrize("theme", ["../evil", "/tmp/evil", "a/../../b", "evil\x00"])
def test_path_tricks_in_the_theme_id_are_rejected(tmp_path, result, theme):
    result["theme"] = theme
    out = tmp_path / "out"
    with pytest.raises(ReportError, match="slug"):
        export(result, ALL, out)
    assert list(tmp_path.iterdir()) == []


def test_out_must_be_a_folder(tmp_path, result):
    f = tmp_path / "file"
    f.write_text("")
    with pytest.raises(ReportError, match="is a file"):
        export(result, ["json"], f)


def test_out_is_created(tmp_path, result):
    paths = export(result, ["json", "csv"], tmp_path / "a" / "b")
    assert [p.parent for p in paths] == [tmp_path / "a" / "b"] * 4


def test_a_failed_render_writes_nothing(tmp_path, result, monkeypatch):
    import screener.report.xlsx as xlsx

    def boom(view, stem):
        raise RuntimeError("render failed")

    monkeypatch.setattr(xlsx, "render", boom)
    with pytest.raises(RuntimeError):
        export(result, ["json", "xlsx"], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_temporary_file(tmp_path, result, monkeypatch):
    import os

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(ReportError, match="cannot write the reports in .*disk full|cannot write"):
        export(result, ["json"], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_writing_leaves_no_report_behind(tmp_path, result, monkeypatch):
    import screener.report.files as files

    real, calls = files.stage, []

    def stage(path, data):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(files, "stage", stage)
    with pytest.raises(ReportError, match="No space left on device; pass a folder you can write to"):
        export(result, ["json", "csv"], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_at_a_target_is_refused_even_with_force(tmp_path, result):
    (tmp_path / f"{STEM}.html").mkdir()
    with pytest.raises(ReportError, match=r"is a folder, not a report file"):
        export(result, ["json", "html"], tmp_path, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{STEM}.html"]


def test_an_out_folder_that_cannot_be_made_is_a_one_line_error(tmp_path, result, monkeypatch):
    from pathlib import Path

    def denied(self, *a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", denied)
    with pytest.raises(ReportError, match=r"cannot create --out .*new: Permission denied; pass a folder"):
        export(result, ["json"], tmp_path / "new")


def test_out_below_a_file_is_refused(tmp_path, result):
    (tmp_path / "file").write_text("")
    with pytest.raises(ReportError, match=r"file is a file, not a folder"):
        export(result, ["json"], tmp_path / "file" / "sub")


def test_formats_are_parsed_with_aliases_and_refused_when_unknown():
    assert parse_formats("HTML, markdown,csv,md") == ["html", "md", "csv"]
    assert parse_formats(["xlsx,json", "excel"]) == ["xlsx", "json"]
    with pytest.raises(ReportError, match="unknown export format 'pdf'"):
        parse_formats("html,pdf")
    with pytest.raises(ReportError, match="no export format"):
        parse_formats(" , ")


def test_nan_in_a_result_is_refused_for_json(tmp_path, result, quick_render):
    result["basket"]["sharpe"] = float("nan")
    with pytest.raises(ReportError, match="cannot be written as JSON"):
        export(result, ["json"], tmp_path)
    export(result, ["html"], tmp_path)  # shown as a dash instead
    assert "Sharpe" in (tmp_path / f"{STEM}.html").read_text("utf-8")


def test_the_embedded_font_covers_every_chinese_character_of_the_page(exported, cjk_font):
    import base64

    from fontTools.ttLib import TTFont

    from screener.report.fonts import is_cjk

    page = (exported / f"{STEM}.html").read_text("utf-8")
    data = re.search(r"src:url\(data:font/\w+;base64,([A-Za-z0-9+/=]+)\)", page).group(1)
    cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
    text = re.sub(r"<style>.*?</style>|<svg.*?</svg>", "", page, flags=re.S)
    needed = {ch for ch in text if is_cjk(ch)}
    assert {"中", "纤", "，"} <= needed
    assert needed <= {chr(c) for c in cmap}
    assert len(data) < 400_000  # a subset, not the whole 20 MB font


def test_without_a_cjk_font_charts_label_members_by_code_and_html_relies_on_system_fonts(tmp_path, result, monkeypatch):
    import screener.report.charts as charts
    import screener.report.fonts as fonts
    from screener.report.view import ReportView

    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    monkeypatch.setattr(charts, "find_cjk_faces", lambda: ())
    (path,) = export(result, ["html"], tmp_path)
    page = path.read_text("utf-8")
    assert "@font-face" not in page and "中天科技" in page and page.count('<svg class="chart wide"') == 5
    member = ReportView(result).members[0]
    assert charts._member_label(member, cjk=False) == "600522.SH"
    assert charts._member_label(member, cjk=True) == "中天科技 600522.SH"


@pytest.mark.parametrize(
    "equity",
    [
        [{"date": "2025-01-02", "basket": 1.0, "benchmark": None}],
        [{"date": "2025-01-02", "basket": 1.0}, {"date": "2025-01-03", "basket": 0.97}],
    ],
)
def test_a_minimal_result_renders_every_format(tmp_path, equity):
    """Only the required fields: no settings, figures, members, claims or benchmark series."""
    minimal = {"theme": "tiny", "start": "2025-01-02", "end": "2025-01-03", "equity": equity}
    paths = export(minimal, ALL, tmp_path)
    assert len(paths) == 12
    page = (tmp_path / "tiny_2025-01-02_2025-01-03.html").read_text("utf-8")
    assert "The theme makes no claims to check." in page and "No data-quality or trading warnings." in page
    assert "demo-banner" not in page and page.count('<svg class="chart wide"') == 3  # no member or relative chart without members or benchmark
    md = (tmp_path / "tiny_2025-01-02_2025-01-03.md").read_text("utf-8")
    assert "| Total return | — | — |" in md
    assert f"> Window too short to annualise: {len(equity) - 1} session" in md  # one session or none


def test_text_that_looks_like_a_formula_stays_text_in_excel(tmp_path, result):
    from openpyxl import load_workbook

    name = '=HYPERLINK("http://example.invalid/","click")'
    result["members"][0]["name"] = name
    result["claims"][0]["detail"] = "=1+2"
    (path,) = export(result, ["xlsx"], tmp_path)
    wb = load_workbook(path)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert wb["members"]["B2"].value == name
