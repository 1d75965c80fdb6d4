"""Languages: the catalogs cover the source, the language is chosen as documented, and
numbers are formatted for it (expected values written out by hand)."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener import fmt, i18n
from screener.cli import cli

REPO = Path(__file__).resolve().parents[1]


def _catalog_tool():
    spec = importlib.util.spec_from_file_location("catalog_tool", REPO / "tools" / "catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_chinese_catalog_has_every_message_of_the_source_and_is_compiled():
    assert _catalog_tool().problems("zh") == []


def test_a_message_missing_from_the_catalog_is_reported(tmp_path, monkeypatch):
    """The check is not blind: drop one entry (and a translation) from a copy of the .po."""
    tool = _catalog_tool()
    po = tmp_path / "zh" / "LC_MESSAGES" / "screener.po"
    po.parent.mkdir(parents=True)
    text = tool.po_path("zh").read_text("utf-8")
    text = text.replace('msgid "Headline figures"\nmsgstr "核心指标"\n', "")
    text = text.replace('msgid "Max drawdown"\nmsgstr "最大回撤"', 'msgid "Max drawdown"\nmsgstr ""')
    po.write_text(text, "utf-8")
    shutil.copy(tool.po_path("zh").with_suffix(".mo"), po.with_suffix(".mo"))
    monkeypatch.setattr(tool, "po_path", lambda lang: po)
    found = tool.problems("zh")
    assert "missing: 'Headline figures'" in found and "untranslated: 'Max drawdown'" in found
    assert any("is not compiled from" in p for p in found)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "SCREENER_LANG": "en"}, "en"),
        ({"LANG": "en_US.UTF-8", "SCREENER_LANG": "zh-Hans"}, "zh"),
    ],
)
def test_the_language_comes_from_screener_lang_then_the_locale(monkeypatch, env, expected):
    for var in ("SCREENER_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert i18n.language() == expected
    i18n.set_language("en" if expected == "zh" else "zh")  # --lang wins over both
    assert i18n.language() != expected


def _locale(monkeypatch, lang_env: str, screener_lang: str) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", lang_env)
    monkeypatch.setenv("SCREENER_LANG", screener_lang)


@pytest.mark.parametrize(("lang_env", "expected"), [("en_US.UTF-8", "en"), ("zh_CN.UTF-8", "zh")])
def test_a_bad_screener_lang_warns_and_falls_back_to_the_locale(monkeypatch, lang_env, expected):
    _locale(monkeypatch, lang_env, "fr")
    with pytest.warns(UserWarning, match=r"\$SCREENER_LANG='fr'"):
        assert i18n.language() == expected


@pytest.mark.parametrize(("lang_env", "warning", "shown"), [
    ("en_US.UTF-8", "warning: ignoring $SCREENER_LANG='fr': set it to zh or en", "defined in"),
    ("zh_CN.UTF-8", "警告：已忽略 $SCREENER_LANG='fr'：请设为 zh 或 en", "编号"),
])
def test_a_bad_screener_lang_is_one_warning_line_not_a_crash(monkeypatch, lang_env, warning, shown):
    """It used to recurse (normalize -> _ -> language -> normalize) into a RecursionError."""
    _locale(monkeypatch, lang_env, "fr")
    res = CliRunner().invoke(cli, ["themes", "list"])
    assert res.exit_code == 0, res.output
    assert res.stderr.splitlines() == [warning]
    assert shown in res.stdout


@pytest.mark.parametrize("args", [["--lang", "zh", "themes", "list"], ["themes", "list", "--lang", "zh"]])
def test_an_explicit_lang_wins_over_a_bad_screener_lang(monkeypatch, args):
    _locale(monkeypatch, "en_US.UTF-8", "fr")
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    assert res.stderr == "" and "编号" in res.stdout


def test_translations_follow_the_language():
    i18n.set_language("zh")
    assert i18n._("Max drawdown") == "最大回撤"
    assert i18n.ngettext("{n} session", "{n} sessions", 2).format(n=2) == "2 个交易日"
    i18n.set_language("en")
    assert i18n._("Max drawdown") == "Max drawdown"
    assert i18n.ngettext("{n} session", "{n} sessions", 1).format(n=1) == "1 session"
    with pytest.raises(i18n.LanguageError, match="use zh or en"):
        i18n.set_language("fr")


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (683_000_000, "6.83亿", "683.00M"),
        (456_700, "45.67万", "456.70K"),
        (1_234_000_000_000, "1.23万亿", "1.23T"),
        (9_999, "9,999", "10.00K"),
        (-25_000_000, "-2,500.00万", "-25.00M"),
        (None, "—", "—"),
    ],
)
def test_amounts_in_yi_and_wan_in_chinese(value, zh, en):
    i18n.set_language("zh")
    assert fmt.amount(value) == zh
    i18n.set_language("en")
    assert fmt.amount(value) == en


def test_money_percentages_and_dates():
    from datetime import date

    i18n.set_language("zh")
    assert (fmt.money(892_172.53), fmt.money(255.47), fmt.money(float("nan"))) == ("89.22万", "255.47", "—")
    assert fmt.pct(0.12345) == "+12.35%" and fmt.pct(0.12345).tone == "up" and fmt.pct(-0.5).tone == "down"
    assert fmt.day(date(2026, 5, 11)) == "2026-05-11"
    i18n.set_language("en")
    assert fmt.money(892_172.53) == "892,172.53" and fmt.pct(-0.5, signed=False) == "-50.00%"


def test_lang_option_on_every_command_and_a_bad_value_is_a_usage_error():
    from screener.cli import COMMANDS
    from screener.cli._app import LazyGroup

    ctx = cli.make_context("screener", [], resilient_parsing=True)

    def leaves(group, path):
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            if hasattr(cmd, "list_commands"):
                yield from leaves(cmd, [*path, name])
            yield [*path, name], cmd

    found = dict((" ".join(p), c) for p, c in leaves(cli, []))
    assert set(COMMANDS) <= set(found) and isinstance(cli, LazyGroup)
    assert all(any(p.name == "lang" for p in c.params) for c in found.values()), [
        n for n, c in found.items() if not any(p.name == "lang" for p in c.params)]
    res = CliRunner().invoke(cli, ["themes", "list", "--lang", "fr"])
    assert res.exit_code == 2 and "unknown language 'fr': use zh or en" in res.stderr


@pytest.mark.parametrize(("args", "zh", "en"), [
    (["themes", "list"], "编号", "defined in"),
    (["themes", "show", "fiber"], "成分股", "members"),
    (["screen", "fiber", "--demo", "--as-of", "2026-05-11"], "共筛选", "screened"),
    (["backtest", "fiber", "--demo", "--end", "2026-05-11"], "最大回撤", "Max drawdown"),
])
def test_commands_print_in_either_language(args, zh, en, monkeypatch):
    runner = CliRunner()
    chinese = runner.invoke(cli, [*args, "--lang", "zh"])
    assert chinese.exit_code == 0, chinese.output
    assert zh in chinese.stdout and en not in chinese.stdout
    monkeypatch.setenv("SCREENER_LANG", "zh")
    english = runner.invoke(cli, ["--lang", "en", *args])  # the root group takes it too
    assert english.exit_code == 0, english.output
    assert en in english.stdout and zh not in english.stdout


def test_the_screen_table_shows_amounts_in_yi_and_wan_in_chinese():
    res = CliRunner().invoke(cli, ["screen", "fiber", "--demo", "--as-of", "2026-05-11", "--lang", "zh",
                                   "--columns", "amount_20d"])
    assert res.exit_code == 0, res.output
    amounts = [line.split()[-1] for line in res.stdout.splitlines() if ".S" in line and line.strip()[0].isdigit()]
    assert amounts and all(a.endswith(("亿", "万")) for a in amounts), amounts


def _bad_theme(tmp: Path) -> list[str]:
    path = tmp / "bad.yaml"
    path.write_text("id: bad\nname: Bad\nmembers: [{symbol: 600487.SH, name: 亨通光电}]\nbogus: 1\n", "utf-8")
    return ["backtest", str(path), "--demo"]


def _bad_rows(tmp: Path) -> list[str]:
    (tmp / "600487.SH.csv").write_text(
        "date,open,high,low,close,volume\n2026-01-05,10,11,9,10.5,1000\n2026-01-06,10,9,11,10.5,1000\n", "utf-8")
    return ["data", "fetch", "600487.SH", "--data-dir", str(tmp)]


# (arguments, exit status, Chinese words, English words, the value the message names);
# the Chinese is written out by hand, not read from the catalog
USER_ERRORS = {
    "bad theme YAML": (_bad_theme, 2, "未知键", "unknown key", "bogus"),
    "unknown theme": (lambda tmp: ["backtest", "no-such-theme", "--demo"], 2, "未知主题或规格", "unknown theme or spec",
                      "no-such-theme"),
    "bad ticker": (lambda tmp: ["data", "fetch", "12345X", "--demo"], 2, "无效代码", "invalid symbol", "12345X"),
    "bad date": (lambda tmp: ["backtest", "fiber", "--demo", "--start", "2026-13-01"], 2, "不是日期", "is not a date",
                 "2026-13-01"),
    "bad choice": (lambda tmp: ["backtest", "fiber", "--demo", "--rebalance", "yearly"], 2, "不是可选值之一",
                   "is not one of", "yearly"),
    "offline, no data": (lambda tmp: ["backtest", "fiber", "--offline", "--cache-dir", str(tmp)], 2,
                         "的成分股在", "no data for the members of", "screener data fetch fiber"),
    "bad --where": (lambda tmp: ["screen", "fiber", "--demo", "--where", "ret_20x > 1"], 2, "未知字段",
                    "unknown field", "ret_20x"),
    "quality warning": (_bad_rows, 0, "最高价低于最低价", "row with high below low", "2026-01-06"),
    "batch error": (lambda tmp: ["sweep", "fiber", "--demo", "--vary", "foo=1,2"], 2, "不是回测选项",
                    "not a backtest option", "foo"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", list(USER_ERRORS))
def test_user_errors_and_warnings_follow_lang(case, lang, tmp_path):
    """Each message is one line in the language asked for, naming the value at fault; the
    other language's words are absent. (--where adds its caret and field lines below.)"""
    make_args, status, zh, en, value = USER_ERRORS[case]
    res = CliRunner().invoke(cli, ["--lang", lang, *make_args(tmp_path)])
    assert res.exit_code == status, res.output
    prefix = ("警告：" if lang == "zh" else "warning: ") if status == 0 else ("错误：" if lang == "zh" else "error: ")
    lines = [line for line in res.stderr.splitlines() if line.startswith(prefix)]
    assert lines and "Traceback" not in res.output, res.stderr
    if case != "bad --where" and status:
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    said, other = (zh, en) if lang == "zh" else (en, zh)
    assert any(said in line and value in line for line in lines), res.stderr
    assert other not in res.stderr


# English that used to be left in Chinese output: the demo label, the default benchmark's
# name, the board and where a theme is defined
LEFT_IN_ENGLISH = ("DEMO", "synthetic", "CSI 300", "built-in", "main board")


@pytest.mark.parametrize("args", [
    ["compare", "fiber", "green-power", "--demo"],
    ["sweep", "fiber", "--demo", "--vary", "rebalance=none,monthly"],
    ["scan", "boards", "--demo", "--start", "2026-04-01"],
    ["data", "status", "--demo"],
    ["data", "fetch", "fiber", "--demo"],
    ["themes", "show", "fiber"],
    ["themes", "list"],
    ["backtest", "fiber", "--demo", "--end", "2026-05-11"],
], ids=" ".join)
def test_chinese_output_has_no_english_left(args):
    res = CliRunner().invoke(cli, ["--lang", "zh", *args])
    assert res.exit_code == 0, res.output
    left = [w for w in LEFT_IN_ENGLISH if w in res.output]
    assert left == [], res.output


def test_the_chinese_comparison_report_names_its_data_source_in_chinese(tmp_path):
    res = CliRunner().invoke(cli, ["--lang", "zh", "compare", "fiber", "green-power", "--demo", "--export", "md",
                                   "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    (md,) = tmp_path.glob("*.md")
    page = md.read_text("utf-8")
    assert "数据来源：演示数据——合成价格" in page
    assert [w for w in LEFT_IN_ENGLISH if w in page] == []


# Chinese text followed by an ASCII colon, semicolon, comma or full stop ("区间:", "行情.",
# "）; "): Chinese punctuation is full width ("区间：", "行情。", "）；")
ASCII_AFTER_CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef][:;,.]")


@pytest.mark.parametrize("args", [
    ["backtest", "backtests/green-power-2026-05-11.yaml", "--demo"],  # day-move details, short window
    ["backtest", "fiber", "--demo", "--end", "2026-05-11"],  # warnings
    ["compare", "fiber", "green-power", "--demo", "--start", "2026-05-08", "--end", "2026-05-11"],
    ["event", "fiber", "--demo"],
], ids=lambda a: " ".join(a[:2]))
def test_chinese_output_has_chinese_punctuation(args, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("COLUMNS", "60")  # narrow: tables as "label: value" records too
    res = CliRunner().invoke(cli, ["--lang", "zh", *args, "--export", "md", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    (md,) = tmp_path.glob("*.md")
    for where, shown in (("terminal", res.stdout), (md.name, md.read_text("utf-8"))):
        slips = [line for line in shown.splitlines() if ASCII_AFTER_CHINESE.search(line)]
        assert slips == [], (where, slips)


def test_chinese_screen_warnings_have_chinese_punctuation():
    res = CliRunner().invoke(cli, ["--lang", "zh", "screen", "fiber", "--demo", "--as-of", "2026-05-11"])
    assert res.exit_code == 0, res.output
    assert "（首次 2025-06-26）、" in res.output
    assert [line for line in res.output.splitlines() if ASCII_AFTER_CHINESE.search(line)] == []


@pytest.mark.parametrize(("args", "chinese", "english"), [
    (["specs", "list"], ["编号", "主题", "区间", "定义于", "内置"], ["defined in", "window", "built-in"]),
    (["specs", "show", "fiber-named-monthly-2025"],
     ["选项", "数值", "主题", "调仓  ", "每月", "初始资金（元）", "1,000,000", "佣金", "0.025%", "印花税（卖出）", "2023-08-28 起 0.05%"],
     ["option", "rebalance", "cash", "commission", "since", "built-in", "1000000.0"]),
    (["data", "status", "--demo"], ["代码", "名称", "行数", "首日", "末日", "来源", "演示"],
     ["symbol", "rows", "first", "last", "origin", "demo"]),
    (["scan", "boards", "--demo", "--start", "2026-04-01"],
     ["板块", "名称", "总收益", "年化", "波动率", "夏普比率", "最大回撤", "超额", "论断", "按区间收益排序"],
     ["board", "name", "total", "annualised", "volatility", "Sharpe", "max DD", "excess", "claims", "ranked"]),
    (["sweep", "fiber", "--demo", "--vary", "rebalance=none,monthly", "--vary", "cash=100000,200000"],
     ["调仓", "初始资金（元）", "总收益", "按区间收益排序", "全部 4 组的分布", "指标", "最小", "中位数", "最大", "区间收益"],
     ["starting cash", "total", "annualised", "volatility", "Sharpe", "figure", "median", "Spread", "ranked"]),
], ids=["specs list", "specs show", "data status", "scan boards", "sweep"])
def test_tables_in_chinese(args, chinese, english, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # tables, not records
    res = CliRunner().invoke(cli, ["--lang", "zh", *args])
    assert res.exit_code == 0, res.output
    assert [w for w in chinese if w not in res.stdout] == [], res.stdout
    assert [w for w in english if w in res.stdout] == [], res.stdout
