"""`screener report RESULT.json`: re-render a saved result; user errors exit 2."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from screener.cli import cli

STEM = "synthetic-fiber_2025-01-01_2026-05-11"


@pytest.fixture
def saved(tmp_path, result):
    path = tmp_path / "result.json"
    path.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def test_report_renders_a_saved_result(tmp_path, saved, result):
    out = tmp_path / "out"
    res = run("report", saved, "--export", "json,csv", "--out", out)
    assert res.exit_code == 0, res.output
    written = res.stdout.splitlines()
    assert written == [str(out / f"{STEM}{s}") for s in (".json", "_equity.csv", "_members.csv", "_claims.csv")]
    assert all(len(line) <= 80 for line in res.stderr.splitlines())
    assert json.loads((out / f"{STEM}.json").read_text("utf-8")) == result


def test_report_defaults_to_html_and_refuses_to_overwrite(tmp_path, saved, quick_render):
    out = tmp_path / "out"
    assert run("report", saved, "--out", out).exit_code == 0
    assert [p.name for p in out.iterdir()] == [f"{STEM}.html"]
    again = run("report", saved, "--out", out)
    assert again.exit_code == 2
    assert again.stderr.startswith("error: 1 report file(s) already exist") and "--force" in again.stderr
    assert run("report", saved, "--out", out, "--force").exit_code == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"theme": "x"}', "has no start, end, equity"),
    ],
)
def test_bad_result_files_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "r.json"
    if content is not None:
        path.write_text(content)
    res = run("report", path, "--out", tmp_path / "out")
    assert res.exit_code == 2
    assert message in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_unknown_format_is_refused(tmp_path, saved):
    res = run("report", saved, "--export", "html,pdf", "--out", tmp_path / "out")
    assert res.exit_code == 2 and "unknown export format 'pdf'" in res.stderr


def test_path_tricks_are_refused(tmp_path, result):
    result["theme"] = "../../escape"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(result))
    res = run("report", path, "--export", "json", "--out", tmp_path / "out")
    assert res.exit_code == 2 and "slug" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_help_fits_80_columns():
    res = CliRunner().invoke(cli, ["report", "--help"], terminal_width=80)
    assert res.exit_code == 0
    assert max(len(line) for line in res.output.splitlines()) <= 80
