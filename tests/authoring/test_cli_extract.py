"""`screener themes extract` through click's CliRunner."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import cli
from screener.theme.loader import load_theme

from .conftest import TRICKY_UNIVERSE
from .test_seed_article import SEED_FIRMS


def run(*args: str, **kw):
    return CliRunner().invoke(cli, list(args), **kw)


@pytest.fixture
def universe_csv(tmp_path: Path) -> Path:
    path = tmp_path / "universe.csv"
    TRICKY_UNIVERSE.to_csv(path, index=False)
    return path


def test_extract_seed_to_stdout(seed_path, universe_csv):
    result = run("themes", "extract", str(seed_path), "--single", "--universe", str(universe_csv))
    assert result.exit_code == 0, result.output
    out, err = result.stdout, result.stderr
    assert out.startswith("# ---- draft theme")
    assert "id: seed-article-securities-daily-2026-05" in out
    for symbol, name in SEED_FIRMS.items():
        assert f"  {symbol}  {name}" in err
    assert "unlisted: 中国大唐 — listed arms: 601991.SH 大唐发电, 600236.SH 桂冠电力 (member), 600744.SH 华银电力" in err
    assert "unlisted: 中国航发 — listed arms: 600893.SH 航发动力, 000738.SZ 航发控制, 600391.SH 航发科技" in err
    assert "mentioned, not a member: 601688.SH 华泰证券 (research source)" in err
    assert "mentioned, not a member: 000681.SZ 视觉中国 (image credit)" in err
    assert "claims to confirm: 3" in err


def test_extract_out_never_overwrites_without_force(seed_path, universe_csv, tmp_path):
    out = tmp_path / "draft.yaml"
    args = ["themes", "extract", str(seed_path), "--single", "--universe", str(universe_csv), "--out", str(out),
            "--id", "seed-page", "--name", "证券日报 2026-05"]
    assert run(*args).exit_code == 0
    theme = load_theme(out)
    assert (theme.id, theme.name, len(theme.members)) == ("seed-page", "证券日报 2026-05", 11)
    out.write_text("mine", encoding="utf-8")
    again = run(*args)
    assert again.exit_code == 2
    assert f"{out} already exists; pass --force to overwrite it" in again.stderr
    assert out.read_text(encoding="utf-8") == "mine"
    assert run(*args, "--force").exit_code == 0
    assert load_theme(out).id == "seed-page"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files left


def test_extract_from_stdin_and_gb18030(tmp_path, universe_csv):
    text = "江苏亨通光电股份有限公司与600522.SH同日公告。"
    result = run("themes", "extract", "-", "--universe", str(universe_csv), input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert "id: draft" in result.stdout and "symbol: 600487.SH" in result.stdout and "symbol: 600522.SH" in result.stdout
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gb18030"))
    result = run("themes", "extract", str(gbk), "--universe", str(universe_csv))
    assert result.exit_code == 0 and "name: 亨通光电" in result.stdout


def test_extract_works_with_no_universe_at_all(seed_path, tmp_path):
    """Offline with no cache: the firms of every known theme are still recognised."""
    result = run("themes", "extract", str(seed_path), "--single", "--cache-dir", str(tmp_path / "empty-cache"))
    assert result.exit_code == 0, result.output
    assert "note: no A-share list: offline: the A-share list is not cached" in result.stderr
    assert "screener data fetch --universe" in result.stderr and "(--fetch-universe fetches it)" in result.stderr
    assert "listed firms named: 11" in result.stderr
    # each firm is said to be known only through a theme, and how to get the full list
    assert "note: without an A-share list, these firms were found only because a known theme lists them:" in result.stderr
    assert "  002278.SZ  神开股份  (built-in theme hydrogen-low-altitude)" in result.stderr
    assert "  600522.SH  中天科技  (built-in theme fiber)" in result.stderr
    assert "fetch the full A-share list with `screener data fetch --universe`" in result.stderr
    assert "found only because known theme fiber lists it (no A-share list)" in result.stdout
    assert "mentioned, not a member" not in result.stderr  # 华泰证券/视觉中国 are in no theme


def test_fetch_universe_fetches_once_then_uses_the_cache(seed_path, tmp_path, monkeypatch):
    from screener.data.akshare_provider import AkshareProvider

    calls = []

    def fake_universe(self):
        calls.append(1)
        return TRICKY_UNIVERSE.copy()

    monkeypatch.setattr(AkshareProvider, "universe", fake_universe)
    cache = str(tmp_path / "cache")
    first = run("themes", "extract", str(seed_path), "--single", "--fetch-universe", "--cache-dir", cache)
    assert first.exit_code == 0, first.output
    assert "mentioned, not a member: 601688.SH 华泰证券 (research source)" in first.stderr
    second = run("themes", "extract", str(seed_path), "--single", "--cache-dir", cache)  # cache only
    assert second.exit_code == 0 and "mentioned, not a member: 601688.SH" in second.stderr
    assert calls == [1]
    both = run("themes", "extract", str(seed_path), "--fetch-universe", "--universe", str(seed_path))
    assert both.exit_code == 2 and "cannot be combined" in both.stderr


def test_theme_dir_firms_are_recognised(tmp_path, universe_csv):
    themes = tmp_path / "themes"
    themes.mkdir()
    (themes / "mine.yaml").write_text(
        "id: mine\nname: Mine\nmembers:\n  - {symbol: 688981.SH, name: 中芯国际, full_name: 中芯国际集成电路制造有限公司}\n",
        encoding="utf-8",
    )
    article = tmp_path / "a.txt"
    article.write_text("中芯国际集成电路制造有限公司发布公告。", encoding="utf-8")
    result = run("themes", "extract", str(article), "--universe", str(universe_csv), "--themes-dir", str(themes))
    assert result.exit_code == 0, result.output
    assert "symbol: 688981.SH" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.txt"], "missing.txt: no such file"),
        (["{article}", "--id", "Bad Id"], "--id 'Bad Id' is not a theme id"),
        (["{empty}"], "no listed A-share firm found in empty.txt"),
    ],
)
def test_extract_user_errors(tmp_path, universe_csv, args, message):
    article = tmp_path / "article.txt"
    article.write_text("中天科技公告。", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("今天天气很好。", encoding="utf-8")
    args = [a.format(article=article, empty=empty) for a in args]
    result = run("themes", "extract", *args, "--universe", str(universe_csv))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_bad_universe_file(tmp_path):
    bad = tmp_path / "u.csv"
    bad.write_text("code,title\n600522,中天科技\n", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("中天科技公告。", encoding="utf-8")
    result = run("themes", "extract", str(article), "--universe", str(bad))
    assert result.exit_code == 2
    assert "lacks column(s) name, symbol" in result.stderr


def test_written_draft_gets_ordinary_file_permissions(seed_path, universe_csv, tmp_path):
    """The temp file behind the atomic write is private (0600): the draft must not be."""
    import os

    out = tmp_path / "draft.yaml"
    old = os.umask(0o022)
    try:
        args = ("themes", "extract", str(seed_path), "--single", "--universe", str(universe_csv), "-o", str(out))
        assert run(*args).exit_code == 0
        assert out.stat().st_mode & 0o777 == 0o644
        out.chmod(0o640)  # --force keeps the permissions of the file it replaces
        assert run(*args, "--force").exit_code == 0
        assert out.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


# themes-and-tickers.md: the firms each story names, and the claims each makes
STORY_FIRMS = {
    "hydrogen-low-altitude": {"002278.SZ", "601222.SH"},
    "fiber": {"600522.SH", "600487.SH", "002491.SZ"},
    "green-power": {"600236.SH", "002585.SZ", "301307.SZ", "601126.SH", "002601.SZ", "002034.SZ"},
}


def _drafted_claims(path: Path) -> set[tuple]:
    """The claims listed in a draft's comments, uncommented and validated as claims."""
    from ruamel.yaml import YAML

    from screener.theme.model import Theme

    text = path.read_text(encoding="utf-8")
    if "# ---- claims found" not in text:
        return set()
    block = text.split("# ---- claims found in the text")[1].split("\n# ----")[0]
    data = YAML(typ="safe").load(text)
    data["claims"] = YAML(typ="safe").load("\n".join(ln[2:] for ln in block.splitlines()[1:] if ln.startswith("#   ")))
    out = set()
    for c in Theme.model_validate(data).claims:
        if c.kind == "period_return":
            out.add((c.kind, c.start, c.end, c.value, c.comparison))
        else:
            out.add((c.kind, c.date, tuple(c.symbols)))
    return out


def test_seed_page_drafts_one_theme_per_story(seed_path, tmp_path):
    from datetime import date

    out = tmp_path / "drafts"
    result = run("themes", "extract", str(seed_path), "--out", str(out), "--cache-dir", str(tmp_path / "no-cache"))
    assert result.exit_code == 0, result.output
    assert "story 1: 算力成本抬升 内容产业竞争重心从“效率比拼”转向“创意资产沉淀” — names no listed firm" in result.stderr
    assert "story 3: 光纤行业头部企业抢滩高端市场 — draft fiber" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["fiber.yaml", "green-power.yaml", "hydrogen-low-altitude.yaml"]
    for theme_id, firms in STORY_FIRMS.items():
        theme = load_theme(out / f"{theme_id}.yaml")
        assert theme.id == theme_id and {m.symbol for m in theme.members} == firms
    assert _drafted_claims(out / "hydrogen-low-altitude.yaml") == set()
    assert _drafted_claims(out / "fiber.yaml") == {("period_return", date(2026, 1, 1), date(2026, 5, 11), 1.2165, "at_least")}
    assert _drafted_claims(out / "green-power.yaml") == {
        ("limit_up", date(2026, 5, 11), ("600236.SH", "002585.SZ")),
        ("close_up", date(2026, 5, 11), ("301307.SZ", "601126.SH")),
    }
    hydrogen = (out / "hydrogen-low-altitude.yaml").read_text(encoding="utf-8")
    assert "# Days without a year (5月10日) are read as 2026" in hydrogen  # this story's own example
    assert "#     author: 李万晨" in hydrogen and "#   - title: 氢能技术再迎突破 推动低空经济商业化提速" in hydrogen
    check = run("themes", "validate", str(out))
    assert check.exit_code == 0, check.output
    assert check.stdout.count("ok  ") == 3


def test_story_picks_one_and_several_need_a_folder(seed_path, tmp_path):
    cache = ("--cache-dir", str(tmp_path / "no-cache"))
    one = run("themes", "extract", str(seed_path), "--story", "3", *cache)
    assert one.exit_code == 0, one.output
    assert "id: fiber\n" in one.stdout and "symbol: 600236.SH" not in one.stdout
    several = run("themes", "extract", str(seed_path), *cache)
    assert several.exit_code == 2
    assert "stories 2, 3, 4 of seed-article-securities-daily-2026-05.txt name listed firms" in several.stderr
    assert "--out FOLDER" in several.stderr and "--story N" in several.stderr and "--single" in several.stderr
    none = run("themes", "extract", str(seed_path), "--story", "1", *cache)
    assert none.exit_code == 2 and "no listed A-share firm found in story 1 of seed-article" in none.stderr
    first = run("themes", "extract", str(seed_path), "--story", "2", *cache)  # a page's story keeps its story id
    assert "id: hydrogen-low-altitude\n" in first.stdout and "# Source text: seed-article-securities-daily-2026-05.txt, story 2" in first.stdout
    for args, message in [
        (("--story", "9"), "--story 9: the text has 4 stories; give 1 to 4"),
        (("--story", "2", "--single"), "--story and --single cannot be combined"),
        (("--id", "mine", "--out", str(tmp_path / "d")), "--id and --name name one draft, and 3 stories are drafted"),
        (("--out", str(tmp_path / "one.yaml")), "is one file, and 3 stories are drafted: give a folder"),
    ]:
        result = run("themes", "extract", str(seed_path), *args, *cache)
        assert result.exit_code == 2 and message in result.stderr, (args, result.output)
        assert "Traceback" not in result.output
    assert not (tmp_path / "d").exists() and not (tmp_path / "one.yaml").exists()


def test_out_folder_writes_all_or_nothing(seed_path, tmp_path):
    out = tmp_path / "drafts"
    out.mkdir()
    (out / "fiber.yaml").write_text("mine", encoding="utf-8")
    args = ("themes", "extract", str(seed_path), "--out", str(out), "--cache-dir", str(tmp_path / "no-cache"))
    refused = run(*args)
    assert refused.exit_code == 2 and "fiber.yaml already exists; pass --force" in refused.stderr
    assert sorted(p.name for p in out.iterdir()) == ["fiber.yaml"]  # nothing else written, no temp files
    assert (out / "fiber.yaml").read_text(encoding="utf-8") == "mine"
    assert run(*args, "--force").exit_code == 0
    assert load_theme(out / "fiber.yaml").id == "fiber"
    assert sorted(p.name for p in out.iterdir()) == ["fiber.yaml", "green-power.yaml", "hydrogen-low-altitude.yaml"]


def test_published_resolves_relative_days_in_the_draft(tmp_path, universe_csv):
    article = tmp_path / "a.txt"
    article.write_text("绿电板块活跃\n本报记者 张三\n上周五，桂冠电力涨停。中天科技今年以来累计上涨二成。\n", encoding="utf-8")
    result = run("themes", "extract", str(article), "--universe", str(universe_csv), "--published", "2026-05-12")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "#     date: 2026-05-08  # 上周五: 2026-05-08 (Friday), the Friday of the week before the publication week" in out
    assert re.search(r"#     start: 2026-01-01 +# 今年以来: from 1 January 2026\n", out)
    assert re.search(r"#     end: 2026-05-12 +# the sentence gives no date: the publication date 2026-05-12", out)
    assert "# Published 2026-05-12: relative days (昨日, 上周五) are read against it" in out
    assert "#     date: 2026-05-12\n" in out  # the source's date


@pytest.mark.parametrize(
    "top, publisher, published",
    [("2026年5月12日 星期二", "'...'", "2026-05-12"), ("证券日报", "证券日报", "YYYY-MM-DD")],
)
def test_the_masthead_and_the_date_line_stay_out_of_the_name(tmp_path, universe_csv, top, publisher, published):
    article = tmp_path / "a.txt"
    article.write_text(f"{top}\n\n光纤板块持续走强\n本报记者 张三\n中天科技昨日涨停。\n", encoding="utf-8")
    result = run("themes", "extract", str(article), "--universe", str(universe_csv))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "\nname: 光纤板块持续走强\n" in out
    assert "#   - title: 光纤板块持续走强\n" in out
    assert f"#     publisher: {publisher}\n" in out
    assert f"#     date: {published}\n" in out
