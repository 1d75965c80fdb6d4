"""Make the report screenshots in docs/ from a backtest result.

    screener backtest fiber --demo --format json > /tmp/fiber.json
    python docs/make_screenshots.py /tmp/fiber.json

Writes docs/report-html.png (the HTML report in headless Chromium), docs/report-phone-zh.png
(the Chinese report as a 390-pixel phone shows it), docs/report-markdown.png
(the Markdown report rendered as a repository would show it), docs/report-excel.png (the
workbook's summary sheet via LibreOffice, when ``soffice`` and ``pdftoppm`` are
installed) and docs/report-terminal.txt (what `screener report` prints)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

DOCS = Path(__file__).resolve().parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
]


def shoot(html: Path, png: Path, tmp: Path, width: int = 1100, height: int = 9000, max_height: int | None = None) -> None:
    """A full-page screenshot of ``html``, trimmed of the blank space below the page."""
    subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}", f"--window-size={width},{height}",
         f"--screenshot={png}", html.as_uri()],
        check=True, capture_output=True, timeout=180,
    )
    with Image.open(png) as im:
        rgb = im.convert("RGB")
    bbox = ImageChops.difference(rgb, Image.new("RGB", rgb.size, "white")).getbbox()
    bottom = min(rgb.height, (bbox[3] + 20) if bbox else rgb.height)
    if max_height:
        bottom = min(bottom, max_height)
    rgb.crop((0, 0, width, bottom)).quantize(colors=256).save(png, optimize=True)  # a palette PNG: smaller


def shoot_phone(html: Path, png: Path, tmp: Path, width: int = 390, height: int = 4200) -> None:
    """``html`` in a ``width``-pixel frame (Chromium's window is at least 500 px wide)."""
    frame = tmp / "phone.html"
    frame.write_text(f'<!DOCTYPE html><body style="margin:0"><iframe src="{html.as_uri()}" '
                     f'style="border:0;display:block;width:{width}px;height:{height}px"></iframe></body>', "utf-8")
    shoot(frame, png, tmp, width=500, height=height)
    with Image.open(png) as im:
        im.crop((0, 0, width, im.height)).save(png, optimize=True)


def markdown_page(md: Path, out: Path) -> None:
    """The Markdown report as HTML, styled roughly as a code host shows a README."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(md.read_text("utf-8"))
    style = (
        "body{font:15px/1.5 system-ui,'Noto Sans CJK SC',sans-serif;max-width:980px;margin:20px auto;padding:0 20px;color:#1f2328}"
        "table{border-collapse:collapse;margin:10px 0}th,td{border:1px solid #d0d7de;padding:4px 10px}"
        "th{background:#f6f8fa}img{max-width:100%}blockquote{border-left:4px solid #d0d7de;margin:0;padding:0 12px;color:#59636e}"
    )
    out.write_text(f'<!DOCTYPE html><meta charset="utf-8"><style>{style}</style>{body}', "utf-8")


def excel_png(xlsx: Path, out: Path, tmp: Path) -> bool:
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not (soffice and pdftoppm):
        print("skipping the Excel screenshot: needs soffice (libreoffice-calc) and pdftoppm", file=sys.stderr)
        return False
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp), str(xlsx)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp / (xlsx.stem + ".pdf")
    subprocess.run([pdftoppm, "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(tmp / "xl")],
                   check=True, capture_output=True, timeout=180)
    with Image.open(tmp / "xl.png") as im:
        rgb = im.convert("RGB")
    bbox = ImageChops.difference(rgb, Image.new("RGB", rgb.size, "white")).getbbox()
    rgb.crop((max(0, bbox[0] - 20), max(0, bbox[1] - 20), min(rgb.width, bbox[2] + 20), min(rgb.height, bbox[3] + 20))).save(out, optimize=True)
    return True


def main(result_path: str) -> None:
    from click.testing import CliRunner

    from screener.cli import cli
    from screener.report.view import ReportView

    if not CHROMIUM:
        sys.exit("needs chromium (apt-get install chromium)")
    result = json.loads(Path(result_path).read_text("utf-8"))
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        out = tmp / "reports"
        res = CliRunner().invoke(cli, ["report", result_path, "--export", "html,md,csv,json,xlsx", "--out", str(out)])
        if res.exit_code:
            sys.exit(res.output)
        (DOCS / "report-terminal.txt").write_text(
            f"$ screener report {Path(result_path).name} --export html,md,csv,json,xlsx --out reports\n"
            + res.output.replace(str(out), "reports"), "utf-8")
        stem = ReportView(result).stem
        shoot(out / f"{stem}.html", DOCS / "report-html.png", tmp)
        markdown_page(out / f"{stem}.md", out / "md.html")
        shoot(out / "md.html", DOCS / "report-markdown.png", tmp, max_height=4000)
        excel_png(out / f"{stem}.xlsx", DOCS / "report-excel.png", tmp)
        zh = CliRunner().invoke(cli, ["report", result_path, "--export", "html", "--out", str(tmp / "zh"), "--lang", "zh"])
        if zh.exit_code:
            sys.exit(zh.output)
        shoot_phone(tmp / "zh" / f"{stem}.html", DOCS / "report-phone-zh.png", tmp)
    for p in sorted(DOCS.glob("report-*")):
        print(p)


if __name__ == "__main__":
    main(sys.argv[1])
