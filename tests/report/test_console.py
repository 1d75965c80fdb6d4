"""Terminal tables: boxed when they fit, aligned text when piped or when only that fits,
one ``column: value`` line per field below a usable width; red up, green down on a
terminal, plain when piped or under NO_COLOR."""

from __future__ import annotations

import io
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from screener.fmt import pct
from screener.report import console as console_mod

COLS = ["#", "symbol", "name", "ret_20d", "ret_60d", "ret_ytd", "vol_20d", "mdd_60d", "amount_20d"]
ROW = ["1", "600105.SH", "永鼎股份", pct(0.222, 1), pct(-0.559, 1), "+149.6%", "41.3%", "-6.3%", "683.09M"]
RIGHT = ["right", "left", "left", *["right"] * 6]


@pytest.fixture
def terminal(monkeypatch):
    """A fake terminal of a given width whose output (rich's and click's) is returned."""

    def make(width: int, **kw):
        buf = io.StringIO()
        monkeypatch.setattr(console_mod, "console",
                            lambda err=False: Console(file=buf, force_terminal=True, width=width, **kw))
        return buf

    return make


def test_a_table_that_fits_is_boxed_with_red_up_and_green_down(terminal, capsys):
    buf = terminal(120)
    console_mod.print_table(COLS, [ROW], justify=RIGHT)
    out = buf.getvalue() + capsys.readouterr().out
    assert "┃" in out or "│" in out
    assert re.search(r"\x1b\[31m\s*\+22\.2%", out) and re.search(r"\x1b\[32m\s*-55\.9%", out)  # red up, green down
    assert not re.search(r"\x1b\[3\dm\s*\+149\.6%", out)  # plain text has no tone: not coloured


def test_at_80_columns_the_aligned_layout_is_used_instead_of_cutting_cells(terminal, capsys):
    buf = terminal(80)
    console_mod.print_table(COLS, [ROW], justify=RIGHT)
    out = buf.getvalue() + capsys.readouterr().out
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "600105.SH" in plain and "683.09M" in plain and "…" not in plain
    assert max(cell_len(line) for line in plain.splitlines()) <= 80
    assert "\x1b[31m+22.2%" in out  # still coloured on a terminal, the padding outside the colour


@pytest.mark.parametrize("width", [20, 30])
def test_below_a_usable_width_each_field_gets_its_own_line(terminal, capsys, width):
    buf = terminal(width)
    console_mod.print_table(COLS, [ROW, ["2", "600522.SH", "中天科技", "-", "-", "-", "-", "-", "1.00B"]], justify=RIGHT)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", buf.getvalue() + capsys.readouterr().out)
    lines = plain.splitlines()
    assert "…" not in plain
    assert "# 1" not in plain and lines[0] == "#: 1"
    assert "  symbol: 600105.SH" in lines and "  name: 永鼎股份" in lines and "  amount_20d: 1.00B" in lines
    assert "  ret_60d: -55.9%" in lines
    assert max(cell_len(line) for line in lines) <= width


def test_piped_output_is_plain_text(monkeypatch, capsys):
    console_mod.print_table(COLS, [ROW], justify=RIGHT)
    out = capsys.readouterr().out
    assert "\x1b[" not in out and "│" not in out and "+22.2%" in out


def test_no_color_keeps_the_layout_and_drops_the_colours(terminal, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    buf = terminal(120)
    console_mod.print_table(COLS, [ROW], justify=RIGHT)
    out = buf.getvalue() + capsys.readouterr().out
    assert "+22.2%" in out and "\x1b[31m" not in out and "\x1b[32m" not in out


def test_wrapped_text_fits_the_width_and_loses_nothing(terminal, capsys):
    buf = terminal(24)
    text = "中天科技 closed at its upper limit 光纤光缆行业头部企业抢滩高端市场"
    console_mod.echo_wrapped(text, indent="  ")
    lines = buf.getvalue().splitlines()
    assert max(cell_len(line) for line in lines) <= 24
    assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")
