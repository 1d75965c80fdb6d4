"""The HTML report in a real browser: headless Chromium, offline.

Skipped when Chromium is not installed locally; in CI (``CI`` set) a missing Chromium
fails, since `.ci/run` installs Debian's ``chromium``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

CHROMIUM = next(
    (p for p in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium") if p and os.path.exists(p)),
    None,
)
if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI must run the browser tests: .ci/run installs Debian's chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium)")

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
    "--enable-logging=stderr", "--v=0",
]
# Chromium logs each console message (log, warning, error, uncaught exception, CSP
# violation) as "...:CONSOLE:<line>] ..." or "...:CONSOLE(<line>)] ..." with --enable-logging.
CONSOLE_RE = re.compile(r":CONSOLE(?::\d+|\(\d+\))\]\s*(.*)")


def chromium(tmp: Path, url: str, *args: str, env: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Run headless Chromium on ``url``; return (stdout, console messages)."""
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    proc = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, url],
        capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp), **(env or {})},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, [m.group(1) for m in CONSOLE_RE.finditer(proc.stderr)]


class _Dom(HTMLParser):
    """Counts what rendered: chart SVGs and their drawn shapes, table rows per table."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.charts: dict[str, int] = {}
        self.rows: dict[str, int] = {}
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "svg" and a.get("class") == "chart wide":  # the desktop variant of each chart
            self.charts[a.get("data-chart") or "?"] = 0
        chart = next((s[1].get("data-chart") for s in reversed(self.stack) if s[0] == "svg" and s[1].get("class") == "chart wide"), None)
        if chart and tag in ("path", "use", "rect", "polyline"):
            self.charts[chart] += 1
        if tag == "tr" and any(s[0] == "tbody" for s in self.stack):
            table = next(((s[1].get("class") or "?").split()[0] for s in reversed(self.stack) if s[0] == "table"), "?")
            self.rows[table] = self.rows.get(table, 0) + 1
        if tag not in ("path", "use", "rect", "polyline", "meta", "br", "img", "stop", "circle", "line", "ellipse", "polygon"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


@pytest.fixture
def report_html(synthetic_reports) -> Path:
    """The synthetic result's HTML report (rendered once for the session)."""
    (path,) = synthetic_reports.glob("*.html")
    return path


@pytest.fixture
def demo_backtest(demo_pages) -> tuple[Path, dict]:
    """The HTML report and result of the real demo backtest of the fiber theme, as
    `screener backtest fiber --demo --export ...` wrote them (once for the session)."""
    return demo_pages("backtest", "en")


@pytest.mark.parametrize("source", ["synthetic", "demo backtest"])
def test_report_loads_with_no_console_message_and_renders_charts_and_tables(
    tmp_path, request, source, report_html, synthetic_result
):
    html, result = (
        (report_html, synthetic_result) if source == "synthetic" else request.getfixturevalue("demo_backtest")
    )
    dom_text, console = chromium(tmp_path, html.as_uri(), "--dump-dom")
    assert console == []
    dom = _Dom()
    dom.feed(dom_text)
    assert set(dom.charts) == {"equity", "drawdown", "relative", "monthly", "members"}
    assert all(n > 20 for n in dom.charts.values()), dom.charts
    assert dom.rows["members"] == len(result["members"])
    assert dom.rows["claims"] == len(result["claims"])
    assert dom.rows["figures"] == 7
    assert {"demo-banner", "header", "headline", "performance", "members", "claims", "warnings", "methodology"} <= dom.ids


def test_screenshot_is_not_blank_and_shows_the_demo_banner(tmp_path, report_html):
    from PIL import Image, ImageStat

    shot = tmp_path / "shot.png"
    _, console = chromium(tmp_path, report_html.as_uri(), f"--screenshot={shot}", "--window-size=1200,3000")
    assert console == []
    with Image.open(shot) as im:
        rgb = im.convert("RGB")
        assert rgb.size == (1200, 3000)
        assert max(ImageStat.Stat(rgb).stddev) > 25  # text, charts and tables, not a blank page
        r, g, b = rgb.getpixel((20, 10))  # the banner's red strip across the top
        assert r > 150 and g < 60 and b < 80, (r, g, b)
        # the charts drew in the basket's blue somewhere below the headline
        colours = rgb.crop((0, 1000, 1200, 3000)).getcolors(maxcolors=1 << 20)
        assert sum(n for n, (r, g, b) in colours if b > 120 and r < 80 and g < 110) > 500


def test_console_errors_and_network_requests_are_caught(tmp_path, report_html):
    """The harness is not blind: a script error and a blocked network request in the
    report (the CSP forbids any) both show up as console messages."""
    bad = tmp_path / "bad.html"
    page = report_html.read_text("utf-8")
    bad.write_text(page.replace("</main>", '<img src="http://127.0.0.1:9/x.png" alt=""></main>'), "utf-8")
    _, console = chromium(tmp_path, bad.as_uri(), "--dump-dom")
    assert any("Content Security Policy" in m for m in console), console
    scripted = tmp_path / "script.html"
    scripted.write_text('<!DOCTYPE html><p>x</p><script>console.error("boom"); throw new Error("oops")</script>')
    _, console = chromium(tmp_path, scripted.as_uri(), "--dump-dom")
    assert any("boom" in m for m in console) and any("oops" in m for m in console), console


def test_chinese_renders_from_the_embedded_font_without_system_cjk_fonts(
    tmp_path, report_html, cjk_font, skip_or_fail_in_ci
):
    """With fontconfig limited to DejaVu (no CJK font), two different Chinese names drawn
    in the report's font stack must look different, while the same names in a font stack
    without the embedded font collapse into identical tofu boxes (the control)."""
    from PIL import Image, ImageChops

    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if not dejavu.is_dir():
        skip_or_fail_in_ci("no DejaVu fonts to build a CJK-free fontconfig", "apt-get install fonts-dejavu-core")
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>{dejavu}</dir>'
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>"
    )
    page = report_html.read_text("utf-8")
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    lines = [("ReportCJK", "中天科技"), ("ReportCJK", "亨通光电"), ("NoSuchFont", "中天科技"), ("NoSuchFont", "亨通光电")]
    body = "".join(
        f'<div style="position:absolute;left:10px;top:{10 + 60 * i}px;font:40px/50px {fam},DejaVu Sans">{text}</div>'
        for i, (fam, text) in enumerate(lines)
    )
    test_page = tmp_path / "glyphs.html"
    test_page.write_text(f'<!DOCTYPE html><meta charset="utf-8"><style>{style}</style><body style="margin:0">{body}', "utf-8")
    shot = tmp_path / "glyphs.png"
    _, console = chromium(tmp_path, test_page.as_uri(), f"--screenshot={shot}", "--window-size=400,260",
                          env={"FONTCONFIG_FILE": str(conf)})
    assert console == []
    with Image.open(shot) as im:
        rows = [im.convert("L").crop((0, 10 + 60 * i, 400, 60 + 60 * i)) for i in range(4)]
    if ImageChops.difference(rows[2], rows[3]).getbbox() is not None:
        skip_or_fail_in_ci("this Chromium still finds a CJK font: the tofu control does not hold",
                           "its fontconfig must see only the DejaVu folder")
    assert ImageChops.difference(rows[0], rows[1]).getbbox() is not None, "embedded font did not render: tofu"
    assert ImageChops.difference(rows[0], rows[2]).getbbox() is not None


# the cells whose text must keep to one line: names, codes, boards, labels and dates in the
# members tables, the events table's dates and the figures' headings
ONE_LINE = "table.members th, table.members td:not(.n), table.events td:nth-child(-n+2), table.figures th"
PROBE = """<script>
const ONE_LINE = '""" + ONE_LINE + """';
const box = e => e.getBoundingClientRect();
const shown = [...document.querySelectorAll('svg.chart')].filter(s => box(s).width > 0);
const px = (style, ...keys) => keys.reduce((sum, k) => sum + parseFloat(style[k]), 0);
const tall = td => { const cs = getComputedStyle(td);  // lines of text in a cell
  return (box(td).height - px(cs, 'paddingTop', 'paddingBottom', 'borderTopWidth', 'borderBottomWidth')) / parseFloat(cs.lineHeight); };
const lines = c => { const range = document.createRange(); range.selectNodeContents(c);  // of its text alone
  const rects = [...range.getClientRects()]; if (!rects.length) return 0;
  return (Math.max(...rects.map(r => r.bottom)) - Math.min(...rects.map(r => r.top))) / parseFloat(getComputedStyle(c).lineHeight); };
document.body.dataset.probe = JSON.stringify({
  scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
  charts: shown.map(s => [s.dataset.chart, s.dataset.variant, box(s).width / s.viewBox.baseVal.width, box(s).right]),
  names: [...document.querySelectorAll('table.members td.name')].map(tall),
  oneLine: [...document.querySelectorAll(ONE_LINE)].map(c => [c.textContent, lines(c)]),
  claims: [...document.querySelectorAll('table.claims')].map(t => box(t).right),
});
</script></body>"""
# Headless Chromium's window is at least 500 px wide, so a narrower viewport is an
# iframe of that width: its media queries and layout are those of a 390-pixel screen.
FRAME = """<!DOCTYPE html><body style="margin:0"><iframe id="f" src="{src}" style="border:0;display:block;width:{width}px;height:{height}px"></iframe>
<script>window.addEventListener('load', () => {{ const d = document.getElementById('f').contentDocument;
document.body.dataset.probe = d && d.body.dataset.probe || ''; }});</script></body>"""


def framed(tmp: Path, page: Path, width: int, height: int, *args: str, probe: bool = False) -> tuple[str, list[str]]:
    """Open ``page`` in a ``width`` × ``height`` viewport; with ``probe``, in a copy of
    the page without its script-blocking CSP, measured by :data:`PROBE`."""
    if probe:
        text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page.read_text("utf-8"))
        page = tmp / f"probe-{width}.html"
        page.write_text(text.replace("</body>", PROBE), "utf-8")
    frame = tmp / f"frame-{width}.html"
    frame.write_text(FRAME.format(src=page.as_uri(), width=width, height=height), "utf-8")
    window = f"--window-size={max(width, 500)},{height}"
    return chromium(tmp, frame.as_uri(), "--allow-file-access-from-files", window, *args)


CHARTS = {"backtest": {"equity", "drawdown", "relative", "monthly", "members"}, "event": {"caar", "heat"}}


@pytest.mark.parametrize("width", [390, 1400])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", ["backtest", "event"])
def test_phone_and_desktop_layouts(tmp_path, demo_pages, kind, lang, width):
    """At 390 px (a phone) nothing overflows the page sideways, the narrow charts are the
    ones shown and their text stays legible, and names, codes, short labels and dates keep
    to one line (they used to wrap one Chinese character per line); at 1,400 px the wide
    charts are shown. Both widths are screenshotted (not blank, full width)."""
    import json
    from html import unescape

    from PIL import Image, ImageStat

    html, result = demo_pages(kind, lang)
    shot = tmp_path / f"shot-{width}.png"
    _, console = framed(tmp_path, html, width, 2400, f"--screenshot={shot}")
    assert console == []
    with Image.open(shot) as im:
        page = im.convert("RGB").crop((0, 0, width, 2400))
    assert max(ImageStat.Stat(page).stddev) > 25
    r, g, b = page.getpixel((width // 2, 8))  # the demo banner spans the width
    assert r > 150 and g < 60 and b < 80, (r, g, b)
    dom, console = framed(tmp_path, html, width, 2400, "--dump-dom", probe=True)
    assert console == []
    got = json.loads(unescape(re.search(r'data-probe="([^"]+)"', dom).group(1)))
    assert got["inner"] == width and got["scroll"] <= width, got  # no horizontal overflow
    variants = {variant for _, variant, _, _ in got["charts"]}
    assert variants == ({"narrow"} if width == 390 else {"wide"}), got["charts"]
    assert {name for name, *_ in got["charts"]} == CHARTS[kind]
    for name, _, scale, right in got["charts"]:
        assert right <= width, name
        assert 10 * scale >= 9, (name, scale)  # 10-point chart text drawn at 9 px or more
    if kind == "backtest":
        assert len(got["names"]) == len(result["members"])
    assert len(got["oneLine"]) > len(result["members"])
    wrapped = [(text, round(lines, 1)) for text, lines in got["oneLine"] if lines >= 1.5]
    assert wrapped == [], wrapped
    assert all(right <= width for right in got["claims"])


def test_print_shows_the_wide_charts_and_hides_the_narrow_ones(report_html):
    page = report_html.read_text("utf-8")
    printed = page[page.index("@media print{"):page.index("</style>")]
    assert "svg.chart.narrow{display:none!important}" in printed and "svg.chart.wide{display:block!important}" in printed
    assert ".table-wrap{overflow:visible}" in printed  # a printed table is not cut at a scroll edge


def test_the_day_move_claims_of_the_green_power_spec_fit_the_page(tmp_path, short_reports):
    """Long claim ids, symbol lists and per-symbol moves wrap inside the page: nothing is
    pushed past the right edge of a 1200-pixel window (measured by a probe script in a
    copy of the page without its script-blocking CSP). The page is the English report of
    the demo backtest of backtests/green-power-2026-05-11.yaml (shared with test_languages)."""
    path = short_reports("en")["html"]
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", path.read_text("utf-8"))
    probe = ("<script>const t=document.querySelector('table.claims');"
             "document.body.dataset.overflow=[document.documentElement.scrollWidth,window.innerWidth,"
             "t.getBoundingClientRect().right].join(',')</script></body>")
    (tmp_path / "probe.html").write_text(page.replace("</body>", probe), "utf-8")
    dom, console = chromium(tmp_path, (tmp_path / "probe.html").as_uri(), "--dump-dom", "--window-size=1200,900")
    assert console == []
    scroll, inner, right = (float(x) for x in re.search(r'data-overflow="([^"]+)"', dom).group(1).split(","))
    assert scroll <= inner and right <= inner, (scroll, inner, right)
