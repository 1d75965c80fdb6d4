"""The charts' derived series (checked by hand), their marks and shading, and the
fonts: every CJK face registered, no findfont warnings, reproducible font subsets."""

from __future__ import annotations

import logging
import pandas as pd
import pytest

from screener.report import charts
from screener.report.view import ReportView


def _view(n: int = 70, **extra) -> ReportView:
    dates = pd.bdate_range("2026-01-02", periods=n)
    rows = [{"date": d.date().isoformat(), "basket": 1.0 + 0.01 * i, "benchmark": 1.0 + 0.005 * i}
            for i, d in enumerate(dates)]
    return ReportView({"theme": "t", "start": rows[1]["date"], "end": rows[-1]["date"], "equity": rows, **extra})


def test_relative_strength_and_the_rolling_excess_return_by_hand():
    view = _view()
    rs = view.relative_strength()
    assert rs.iloc[0] == 1.0 and rs.iloc[10] == pytest.approx(1.10 / 1.05)
    excess = view.rolling_excess()
    assert excess.iloc[:60].isna().all()
    # session 60: basket 1.60 over 1.00, benchmark 1.30 over 1.00 -> 0.60 - 0.30
    assert excess.iloc[60] == pytest.approx(0.30)
    # session 69: basket 1.69 / 1.09, benchmark 1.345 / 1.045
    assert excess.iloc[69] == pytest.approx(1.69 / 1.09 - 1.345 / 1.045)


def test_news_marks_come_from_events_when_present_else_from_sources():
    sources = [{"title": "t", "publisher": "证券日报", "date": "2026-01-20"}]
    events = [{"date": "2026-01-15", "label": "action plan"}, {"date": "bad"}]
    assert [(str(m.date), m.label, m.kind) for m in _view(sources=sources).marks()] == [("2026-01-20", "证券日报", "source")]
    marks = _view(sources=sources, events=events).marks()
    assert [(str(m.date), m.label, m.kind) for m in marks] == [("2026-01-15", "action plan", "event")]


def test_the_equity_chart_shades_claim_windows_marks_news_and_ends_at_the_last_date():
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure

    view = _view(
        claims=[{"id": "ytd", "kind": "period_return", "start": "2026-01-05", "end": "2026-01-16", "verdict": "holds"},
                {"id": "lu", "kind": "limit_up", "date": "2026-02-02", "verdict": "fails"},
                {"id": "late", "kind": "limit_up", "date": "2027-01-04", "verdict": "no_data"}],
        sources=[{"title": "a", "publisher": "p", "date": "2026-02-03"}, {"title": "b", "publisher": "q", "date": "2027-01-01"}],
    )
    fig = Figure()
    charts._equity(view, fig, False, False)
    ax = fig.axes[0]
    xs = sorted(round(p.get_x()) for p in ax.patches)
    assert len(ax.patches) == 2  # the two claims inside the window; the 2027 one is outside
    assert xs[0] == round(date2num(pd.Timestamp("2026-01-05")))
    lines = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert [date2num(pd.Timestamp(line.get_xdata()[0])) for line in lines] == [date2num(pd.Timestamp("2026-02-03"))]
    assert ax.get_xlim() == pytest.approx((date2num(view.equity.index[0]), date2num(view.equity.index[-1])))
    assert "After the last data date (2026-04-09): 2027-01-01 q." in charts.caption(view, "equity")


def test_chart_fonts_have_a_bold_cjk_face_and_draw_without_findfont_warnings(caplog, cjk_font):
    from matplotlib import font_manager

    from screener import i18n
    from screener.report.fonts import find_cjk_faces

    faces = find_cjk_faces()
    i18n.set_language("zh")  # titles (bold) and labels in Chinese
    with caplog.at_level(logging.DEBUG, logger="matplotlib.font_manager"):
        charts.figure(_view(sources=[{"title": "a", "publisher": "证券日报", "date": "2026-02-03"}]), "equity", "png")
    assert not [r for r in caplog.records if "findfont" in r.getMessage() and "not found" in r.getMessage()]
    registered = {(f.fname, f.weight) for f in font_manager.fontManager.ttflist}
    if len(faces) > 1:  # the bold face beside the regular one is registered too
        assert any(fname == str(faces[1]) and weight in (700, "bold") for fname, weight in registered)


def test_a_bold_face_beside_the_regular_one_is_found(tmp_path, monkeypatch, cjk_font):
    from screener.report import fonts

    real = fonts.find_cjk_font()
    bold = real.path.with_name(real.path.name.replace("Regular", "Bold"))
    if "Regular" not in real.path.name or not bold.is_file():
        pytest.skip("the installed CJK font has no Regular/Bold pair")
    (tmp_path / "MyCJK-Regular.ttc").symlink_to(real.path)
    (tmp_path / "MyCJK-Bold.ttc").symlink_to(bold)
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: fonts.CJKFont(tmp_path / "MyCJK-Regular.ttc", real.index, real.family))
    fonts.find_cjk_faces.cache_clear()
    try:
        assert fonts.find_cjk_faces() == (tmp_path / "MyCJK-Regular.ttc", tmp_path / "MyCJK-Bold.ttc")
    finally:
        fonts.find_cjk_faces.cache_clear()


def test_the_font_subset_is_the_same_bytes_whenever_it_is_made(monkeypatch, cjk_font):
    from screener.report.fonts import subset_font_css

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # fontTools' "now"
    first = subset_font_css("中天科技 亨通光电")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert subset_font_css("中天科技 亨通光电") == first and first
