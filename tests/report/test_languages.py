"""Reports in Chinese and English, and the short-window rule in every format: below 20
sessions annualised return, Sharpe, Sortino and Calmar are shown as "—" with a note;
the JSON keeps the raw values and says ``short_window: true``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import cli

SPEC = Path(__file__).resolve().parents[2] / "backtests" / "green-power-2026-05-11.yaml"  # 2 sessions


@pytest.fixture(params=["zh", "en"])
def reports(request, short_reports) -> tuple[str, dict[str, Path]]:
    """The short result's HTML, Markdown, Excel and JSON reports in each language
    (``short_result`` and ``short_reports`` come from the report conftest)."""
    return request.param, short_reports(request.param)


WORDS = {  # words each language's reports must show, and the other's must not
    "zh": ["核心指标", "成分股", "论断核验", "警告", "方法说明", "区间过短，不做年化", "不成立"],
    "en": ["Headline figures", "Members", "Claims", "Warnings", "Methodology", "Window too short to annualise"],
}


def test_json_keeps_raw_annualised_figures_and_flags_the_short_window(short_result):
    assert short_result["sessions"] == 2 and short_result["short_window"] is True
    for key in ("annualized_return", "sharpe", "sortino", "calmar"):
        assert isinstance(short_result["basket"][key], float)
    assert short_result["sources"][0]["date"] == "2026-05-12"


def test_html_in_the_language_with_dashes_for_annualised_figures(reports):
    lang, paths = reports
    page = paths["html"].read_text("utf-8")
    assert f'<html lang="{"zh-Hans" if lang == "zh" else "en"}">' in page
    assert all(w in page for w in WORDS[lang]), [w for w in WORDS[lang] if w not in page]
    assert not any(w in page for w in WORDS["en" if lang == "zh" else "zh"][:3])
    assert 'id="short-window"' in page
    figures = re.search(r'<table class="figures">(.*?)</table>', page, re.S).group(1)
    rows = {re.sub("<[^>]+>", "", r.split("</td>")[0]): re.findall(r'class="n[^"]*">([^<]*)<', r)
            for r in figures.split("<tr>")[2:]}
    annualised = ["年化收益", "夏普比率", "索提诺比率", "卡玛比率"] if lang == "zh" else [
        "Annualised return", "Sharpe ratio", "Sortino ratio", "Calmar ratio"]
    assert all(rows[k] == ["—", "—"] for k in annualised), rows
    total = "区间收益" if lang == "zh" else "Total return"
    assert rows[total][0].endswith("%") and rows[total][0] != "—"


def test_markdown_in_the_language_with_the_short_window_note(reports):
    lang, paths = reports
    md = paths["md"].read_text("utf-8")
    assert all(w in md for w in WORDS[lang] if w != "不成立")
    annual = "年化收益" if lang == "zh" else "Annualised return"
    assert f"| {annual} | — | — |" in md
    assert "> " + ("区间过短，不做年化" if lang == "zh" else "Window too short to annualise") in md


def test_excel_sheets_and_columns_in_the_language(reports, short_result):
    from openpyxl import load_workbook

    lang, paths = reports
    wb = load_workbook(paths["xlsx"])
    names = ["概要", "净值", "成分股", "论断"] if lang == "zh" else ["summary", "equity", "members", "claims"]
    assert wb.sheetnames == names
    pairs = list(wb[names[0]].iter_rows(min_row=2, values_only=True))
    summary = dict(pairs)
    annual, total = ("组合年化收益", "组合区间收益") if lang == "zh" else ("basket annualised return", "basket total return")
    assert summary[annual] == "—" and summary[total] == pytest.approx(short_result["basket"]["total_return"], rel=1e-14)
    assert any(str(v).startswith("区间过短" if lang == "zh" else "Window too short") for k, v in pairs
               if k == ("说明" if lang == "zh" else "note"))
    members = wb[names[2]]
    assert members["A1"].value == ("代码" if lang == "zh" else "symbol")
    assert members.auto_filter.ref == f"A1:K{len(short_result['members']) + 1}"
    equity = wb[names[1]]
    (chart,) = equity._charts  # a native line chart of the equity columns
    assert type(chart).__name__ == "LineChart" and len(chart.series) == 2


def test_json_export_is_the_result_unchanged_in_either_language(reports, short_result):
    _, paths = reports
    assert json.loads(paths["json"].read_text("utf-8")) == short_result


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_terminal_shows_dashes_and_the_note(lang):
    res = CliRunner().invoke(cli, ["backtest", str(SPEC), "--demo", "--lang", lang])
    assert res.exit_code == 0, res.output
    label = "年化收益" if lang == "zh" else "Annualised return"
    line = next(x for x in res.stdout.splitlines() if x.startswith(label))
    assert line.split()[-2:] == ["—", "—"]
    assert ("区间过短，不做年化" if lang == "zh" else "Window too short to annualise") in res.stdout
    verdicts = ["成立"] if lang == "zh" else ["HOLDS", "FAILS"]  # 不成立 holds 成立 too
    assert any(v in res.stdout for v in verdicts)


def test_report_command_takes_lang_and_template(tmp_path, short_result, quick_render):
    """`screener report --lang zh --template DIR`: a user template that extends the
    built-in one and replaces a block; a broken one is a one-line error naming it."""
    saved = tmp_path / "r.json"
    saved.write_text(json.dumps(short_result, ensure_ascii=False), "utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "report.md.j2").write_text(
        '{% extends "builtin/report.md.j2" %}{% block header %}# {{ _("Members") }} — my header\n\n{% endblock %}', "utf-8")
    res = CliRunner().invoke(cli, ["report", str(saved), "--export", "md", "--out", str(tmp_path / "out"),
                                   "--lang", "zh", "--template", str(templates)])
    assert res.exit_code == 0, res.output
    md = Path(res.stdout.splitlines()[0]).read_text("utf-8")
    assert md.splitlines()[2] == "# 成分股 — my header" and "## 核心指标" in md  # the rest is built-in
    (templates / "report.md.j2").write_text("{% block header %}{{ oops( }}{% endblock %}", "utf-8")
    bad = CliRunner().invoke(cli, ["report", str(saved), "--export", "md", "--out", str(tmp_path / "out2"),
                                   "--lang", "en", "--template", str(templates)])
    assert bad.exit_code == 2 and "report.md.j2:1: template error" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and not (tmp_path / "out2").exists()


def test_a_results_stored_lot_rule_is_shown_in_the_language_in_use():
    """A result made with --lang en stores the board-lot rule in English; its Chinese report
    says it in Chinese (a text the catalog does not know is shown as stored)."""
    from screener import i18n
    from screener.report.text import settings_rows

    english = "board lots: 100 shares (STAR: 200, then steps of 1; BSE: 100, then steps of 1)"
    i18n.set_language("zh")
    shown = dict(settings_rows({"lot_rule": english}))
    assert len(shown) == 1
    text = next(iter(shown.values()))
    assert "科创板" in text and "北交所" in text and "STAR" not in text
    assert settings_rows({"lot_rule": "100 shares on every board"})[0][1] == "100 shares on every board"
