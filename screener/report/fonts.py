"""A CJK font for the reports, so Chinese names never render as tofu boxes.

Charts draw text as outlines (SVG paths / PNG pixels), so they need the font only when
they are made. The HTML report embeds a subset of the same font holding just the
characters it uses (a few tens of KB), so it renders anywhere, offline.

The font is ``$SCREENER_CJK_FONT`` when set, else the first CJK font found on the system
(Debian: ``apt-get install fonts-noto-cjk``; macOS and Windows ship one)."""

from __future__ import annotations

import functools
import glob
import io
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Tried in order after $SCREENER_CJK_FONT and fontconfig: common CJK fonts by platform.
_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
_PROBE = "中"


@dataclass(frozen=True)
class CJKFont:
    path: Path
    index: int  # face index inside a .ttc collection
    family: str  # the family name matplotlib knows it by


def is_cjk(ch: str) -> bool:
    """Characters outside Latin/Greek/punctuation that a Latin font may lack."""
    return ord(ch) >= 0x2E80 or ch in "“”‘’…—–·"


@functools.cache
def find_cjk_font() -> CJKFont | None:
    """The CJK font to use, or None (then charts label members by code)."""
    paths: list[str] = []
    if env := os.environ.get("SCREENER_CJK_FONT"):
        paths.append(env)
    paths += _fontconfig_files()
    paths += list(_CANDIDATES)
    paths += sorted(glob.glob("/usr/share/fonts/**/*CJK*Regular*.tt[cf]", recursive=True))
    for p in paths:
        font = _open(Path(p))
        if font is not None:
            return font
    log.warning(
        "no CJK font found: charts label members by code; install one "
        "(Debian: apt-get install fonts-noto-cjk) or set SCREENER_CJK_FONT"
    )
    return None


@functools.cache
def find_cjk_faces() -> tuple[Path, ...]:
    """The CJK font's files for matplotlib, regular first, then its bold face when one
    sits beside it (``NotoSansCJK-Bold.ttc``), so bold chart titles find a CJK face."""
    font = find_cjk_font()
    if font is None:
        return ()
    faces = [font.path]
    for weight in ("Bold", "bold"):
        for light in ("Regular", "regular", "Medium", "Light"):
            if light in font.path.name:
                bold = font.path.with_name(font.path.name.replace(light, weight))
                if bold.is_file() and bold not in faces:
                    faces.append(bold)
    return tuple(faces)


def _fontconfig_files() -> list[str]:
    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh-cn:style=Regular", "file"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    files = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})
    # prefer sans faces
    return sorted(files, key=lambda f: ("Serif" in f or "serif" in f, f))


def _open(path: Path) -> CJKFont | None:
    """The best face of ``path`` that has Chinese glyphs: a Simplified Chinese face of a
    collection when there is one."""
    if not path.is_file():
        return None
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            faces = TTCollection(str(path), lazy=True).fonts
        else:
            faces = [TTFont(str(path), lazy=True)]
    except (TTLibError, OSError):
        return None
    try:
        return _best_face(path, faces)
    finally:
        for face in faces:
            face.close()


def _best_face(path: Path, faces: list[Any]) -> CJKFont | None:
    from fontTools.ttLib import TTLibError

    ranked: list[tuple[int, int, str]] = []
    for i, face in enumerate(faces):
        try:
            family = face["name"].getBestFamilyName() or ""
        except (TTLibError, KeyError, AssertionError):
            continue
        rank = 0 if "SC" in family.split() else (1 if "Mono" not in family else 2)
        ranked.append((rank, i, family))
    for _, i, family in sorted(ranked):  # decode a cmap (slow) only for the best faces
        try:
            if ord(_PROBE) in (faces[i].getBestCmap() or {}):
                return CJKFont(path=path, index=i, family=family)
        except (TTLibError, KeyError, AssertionError):
            continue
    return None


def subset_font_css(text: str, family: str = "ReportCJK") -> str:
    """An ``@font-face`` rule embedding the CJK font subset to the CJK characters of
    ``text`` (empty when there are none or no font is found)."""
    chars = sorted({ch for ch in text if is_cjk(ch)})
    font = find_cjk_font() if chars else None
    if font is None:
        return ""
    import base64

    from fontTools import subset
    from fontTools.ttLib import TTFont

    # recalcTimestamp=False: the subset keeps the font's own date, so one report renders
    # to the same bytes whenever it is made
    face = TTFont(str(font.path), fontNumber=font.index, recalcTimestamp=False)
    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    options.layout_features = ["vert", "locl"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(chars))
    subsetter.subset(face)
    buf = io.BytesIO()
    face.save(buf)
    face.close()
    fmt, mime = ("opentype", "font/otf") if "CFF " in face else ("truetype", "font/ttf")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f"@font-face{{font-family:'{family}';font-style:normal;font-weight:100 900;"
        f"src:url(data:{mime};base64,{data}) format('{fmt}');}}"
    )
