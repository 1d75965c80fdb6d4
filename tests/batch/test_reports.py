"""The comparison report in every format: the files planned, the numbers as the
document has them, a heat map only when exactly two grid keys vary, nothing written
over existing files without --force."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import cli

STEM = "sweep-fiber_2026-01-05_2026-06-30"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("reports")
    result = CliRunner().invoke(cli, [
        "sweep", "fiber", "--demo", "--end", "2026-06-30", "--vary", "rebalance=none,monthly",
        "--vary", "start=2026-01-05,2026-02-02,2026-03-02", "--top", "4", "--workers", "0",
        "--format", "json", "--export", "html,md,csv,json,xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    return out, json.loads(result.stdout)


def test_every_format_is_written_with_the_charts_beside_the_markdown(exported: tuple[Path, dict]) -> None:
    out, _ = exported
    assert sorted(p.name for p in out.iterdir()) == sorted([
        f"{STEM}.html", f"{STEM}.md", f"{STEM}_curves.png", f"{STEM}_heatmap.png", f"{STEM}_cells.csv",
        f"{STEM}_summary.csv", f"{STEM}.json", f"{STEM}.xlsx"])


def test_the_json_file_is_the_document_and_the_csv_has_every_cell(exported: tuple[Path, dict]) -> None:
    out, doc = exported
    assert json.loads((out / f"{STEM}.json").read_text(encoding="utf-8")) == doc
    text = (out / f"{STEM}_cells.csv").read_text(encoding="utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert len(header) == len(set(header))  # the varied start is not a second "start" column
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == doc["n_cells"] == 6  # all cells, not just --top 4
    for row, cell in zip(rows, doc["cells"]):
        assert (row["rank"], row["rebalance"], row["grid_start"]) == (str(cell["rank"]), cell["params"]["rebalance"],
                                                                       cell["params"]["start"])
        assert (row["start"], row["base_date"]) == (cell["window"]["start"], cell["window"]["base_date"])
        assert float(row["total_return"]) == cell["basket"]["total_return"]
        assert float(row["excess_return"]) == cell["benchmark"]["excess_return"]
        assert row["data_source"] == "demo"


def test_the_page_shows_the_top_cells_two_charts_and_no_script(exported: tuple[Path, dict]) -> None:
    out, doc = exported
    page = (out / f"{STEM}.html").read_text(encoding="utf-8")
    assert "<script" not in page and "default-src 'none'" in page and 'id="demo-banner"' in page
    ranked = page.split('id="ranked"')[1].split("</table>")[0]
    assert ranked.count("<tr>") == 1 + 4  # header and --top 4
    assert f"{doc['cells'][0]['basket']['total_return']:+.2%}" in ranked
    assert page.count('data-chart="curves"') == 1 and page.count('data-chart="heatmap"') == 1


def test_one_varying_key_has_no_heat_map_and_existing_files_need_force(tmp_path: Path) -> None:
    args = ["compare", "fiber", "green-power", "--demo", "--end", "2026-05-11", "--export", "md", "--out", str(tmp_path)]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compare_2026-01-01_2026-05-11.md",
                                                          "compare_2026-01-01_2026-05-11_curves.png"]
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 2 and "already exist" in again.stderr and again.stdout == ""
    assert CliRunner().invoke(cli, [*args, "--force"]).exit_code == 0


def test_a_saved_document_renders_again_through_screener_report(exported: tuple[Path, dict], tmp_path: Path) -> None:
    out, _ = exported
    result = CliRunner().invoke(cli, ["report", str(out / f"{STEM}.json"), "--export", "csv", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / f"{STEM}_cells.csv").read_bytes() == (out / f"{STEM}_cells.csv").read_bytes()


def test_the_report_speaks_the_language_in_use(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["compare", "fiber", "green-power", "--demo", "--end", "2026-05-11", "--lang", "zh",
                                      "--export", "html", "--out", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "compare_2026-01-01_2026-05-11.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in page and "主题对比：2 次回测" in page and "各组共同的设置" in page
    assert json.loads(result.stdout)["sort"] == {"figure": "total_return", "order": "descending"}  # JSON stays as is


@pytest.mark.parametrize("edit", [
    lambda d: d.pop("cells"),
    lambda d: d["cells"][0].update(rank="1"),
    lambda d: d["cells"][0]["params"].clear() or d["cells"][0].pop("window"),
    lambda d: d.update(kind="backtest"),
    lambda d: d["curves"].append(7),
])
def test_a_broken_document_is_refused_in_one_line(exported: tuple[Path, dict], tmp_path: Path, edit) -> None:
    out, doc = exported
    broken = json.loads(json.dumps(doc))
    edit(broken)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(path), "--export", "csv", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "out").exists()


def test_a_compare_of_themes_with_their_own_benchmarks_names_each_cells(tmp_path: Path) -> None:
    """fiber's theme file names 000300.SH, green-power's 399438.SZ: a benchmark column and
    a note, in the table, the document and every report; not "benchmark: default"."""
    stem = "compare_2026-01-01_2026-05-11"
    args = ["compare", "fiber", "green-power", "--demo", "--end", "2026-05-11"]
    result = CliRunner().invoke(cli, [*args, "--format", "json", "--export", "md,csv,xlsx,html", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    own = {"fiber": "000300.SH", "green-power": "399438.SZ"}
    assert doc["grid"]["benchmark"] == ["000300.SH", "399438.SZ"] and "benchmark" not in doc["settings"]
    assert {c["theme"]: (c["params"]["benchmark"], c["benchmark"]["symbol"]) for c in doc["cells"]} == {
        t: (b, b) for t, b in own.items()}
    note = "the targets have different benchmarks: each cell's excess return is over its own (the benchmark column)"
    assert note in doc["notes"] and note in result.stderr
    md = (tmp_path / f"{stem}.md").read_text(encoding="utf-8")
    assert "| # | theme | benchmark | name |" in md and "| fiber | 000300.SH |" in md and "| green-power | 399438.SZ |" in md
    assert "| benchmark |" not in md.split("Settings every cell shares")[1] and f"- {note}" in md
    page = (tmp_path / f"{stem}.html").read_text(encoding="utf-8")
    assert ">benchmark</th>" in page and ">399438.SZ</td>" in page and note.replace("'", "&#39;") in page
    cells_csv = csv.reader(io.StringIO((tmp_path / f"{stem}_cells.csv").read_text(encoding="utf-8-sig")))
    header, *values = list(cells_csv)
    assert header[:4] == ["rank", "benchmark", "theme", "theme_name"]  # the theme once, not as a grid key too
    rows = [dict(zip(header, v)) for v in values]
    assert {r["theme"]: r["benchmark"] for r in rows} == own
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / f"{stem}.xlsx")["cells"]
    header = [c.value for c in sheet[1]]
    assert header.count("theme") == 1
    assert {sheet.cell(i, header.index("theme_name") + 1).value[:2]: sheet.cell(i, header.index("benchmark") + 1).value
            for i in (2, 3)} == {"光纤": "000300.SH", "绿色": "399438.SZ"}
    table = CliRunner().invoke(cli, [*args, "--lang", "zh"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.stderr
    assert "#  主题         基准" in table.stdout and "各目标的基准不同：每组的超额收益相对其自身基准计算" in table.stderr


def test_a_benchmark_every_cell_shares_is_named_in_the_settings(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["compare", "fiber", "ai-content", "--demo", "--end", "2026-05-11", "--format",
                                      "json", "--export", "md", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["settings"]["benchmark"] == "000300.SH" and "benchmark" not in doc["grid"] and not doc["notes"]
    assert "| benchmark | 000300.SH |" in (tmp_path / "compare_2026-01-01_2026-05-11.md").read_text(encoding="utf-8")


def test_comparison_csv_cells_are_neutralised_like_every_other_csv(exported: tuple[Path, dict], tmp_path: Path) -> None:
    # #10: the comparison CSV had its own check, blind to a tab or CR before a formula
    out, doc = exported
    hostile = json.loads(json.dumps(doc))
    hostile["cells"][0]["theme_name"] = "\t=HYPERLINK(1)"
    hostile["cells"][1]["theme_name"] = "ab\r=cmd"
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(hostile), encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(path), "--export", "csv", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "out" / f"{STEM}_cells.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == doc["n_cells"]
    assert [r["theme_name"] for r in rows[:2]] == ["'\t=HYPERLINK(1)", "ab\r=cmd"]
    assert '"ab\r=cmd"' in text  # quoted: a bare CR read as a row break cannot start a cell with "="


def test_a_default_benchmark_in_a_sweep_names_the_symbol_it_resolved_to(tmp_path: Path) -> None:
    """fiber's theme file names 000300.SH: a grid value "default" stays None in the
    document (the grid as given) but the table, headline and reports say which index."""
    stem = "sweep-fiber_2026-01-05_2026-03-30"
    args = ["sweep", "fiber", "--demo", "--start", "2026-01-05", "--end", "2026-03-30", "--vary",
            "benchmark=default,000905.SH", "--vary", "rebalance=none,monthly", "--workers", "0"]
    result = CliRunner().invoke(cli, [*args, "--format", "json", "--export", "md,xlsx", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["grid"]["benchmark"] == [None, "000905.SH"]
    assert {(c["params"]["benchmark"], c["benchmark"]["symbol"]) for c in doc["cells"]} == {
        (None, "000300.SH"), ("000905.SH", "000905.SH")}
    md = (tmp_path / f"{stem}.md").read_text(encoding="utf-8")
    assert "varying: benchmark = default (000300.SH), 000905.SH; rebalance = none, monthly" in md
    assert md.count("| default (000300.SH) |") == 2 and md.count("| 000905.SH |") == 2
    from openpyxl import load_workbook

    about = {r[0]: r[1] for r in load_workbook(tmp_path / f"{stem}.xlsx")["about"].iter_rows(values_only=True)}
    assert about["grid: benchmark"] == "default (000300.SH), 000905.SH"
    table = CliRunner().invoke(cli, [*args, "--lang", "zh"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.stderr
    assert table.stdout.count("默认（000300.SH）") == 3  # the headline and two rows
