"""Split a newspaper page into its stories.

A printed page runs several stories one after another. A story starts at its headline:
the short title lines (at most three, no full stop) right above a byline such as
``■本报记者 肖伟``, ``本报记者 张三 北京报道`` or ``记者 李四``, or above a first paragraph
that opens with one (``本报讯（记者 王五）…``, ``记者 赵六 上海报道 …``). A page with no
byline at all is split at blank-line blocks that open with a title line directly above
their text, or at a title after two or more blank lines. A page with none of these is
one story. Text before the first headline belongs to the first story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from screener.authoring.text import MARKS, first_heading, is_page_furniture

MAX_HEADLINE_LINES = 3
MAX_HEADLINE_CHARS = 40
_NAME = r"[\u4e00-\u9fff·]{2,4}"
_REPORTER = r"(?:(?:本报|本刊|[\u4e00-\u9fff]{2,8}?(?:报|社|网|台|刊))?(?:见习|特约|首席)?记者|通讯员)"
# A byline line: "■本报记者 肖伟", "本报记者 张三 见习记者 李四", "记者 王五 北京报道".
_BYLINE_LINE = re.compile(
    rf"[{MARKS}]?\s*{_REPORTER}\s*[:：]?\s*{_NAME}(?:[\s、,，]+(?:{_REPORTER})?\s*[\u4e00-\u9fff·]{{2,6}})*\s*"
)
# A first paragraph opening with a byline: "本报讯（记者 王五）…", "新华社北京5月11日电（记者 X）…",
# "记者 赵六 上海报道 …".
_BYLINE_OPENING = re.compile(
    rf"[{MARKS}]?\s*(?:[^，。（(]{{0,16}}(?:讯|电))?\s*[（(]\s*{_REPORTER}[^（）()]{{1,30}}[）)]"
    rf"|[{MARKS}]?\s*{_REPORTER}\s*{_NAME}(?:\s+{_NAME})*\s*[\u4e00-\u9fff]{{0,6}}报道"
)
# The words after 记者: names, up to one that ends in 报道 ("记者 张三、李四 北京报道",
# "记者王五上海报道", "本报记者 张三 见习记者 李四").
_BYLINE_WORD = rf"(?:[\u4e00-\u9fff·]{{2,10}}?报道|{_NAME})"
_REPORTER_NAMES = re.compile(rf"(?:记者|通讯员)\s*[:：]?\s*({_BYLINE_WORD}(?:[、，,\s]+{_BYLINE_WORD})*)")
# Where a byline says the story was filed ("上海报道"): provinces, big cities, a few abroad.
_PLACES = frozenset(
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州"
    " 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 深圳 广州 杭州 南京 武汉 成都 西安 苏州 厦门"
    " 青岛 大连 宁波 合肥 长沙 郑州 济南 福州 沈阳 长春 哈尔滨 石家庄 太原 南昌 南宁 昆明 贵阳 兰州 西宁 银川"
    " 乌鲁木齐 拉萨 呼和浩特 海口 三亚 无锡 常州 佛山 东莞 珠海 温州 绍兴 嘉兴 烟台 潍坊 洛阳 宜昌 襄阳 芜湖 泉州"
    " 雄安 纽约 伦敦 东京 首尔 新加坡 华盛顿 巴黎 柏林 法兰克福".split()
)
_NOT_A_TITLE = re.compile(r"[。！？；;，,]|^(?:图|图片|来源|责任编辑|责编|编辑|校对)|[：:、]$")


@dataclass(frozen=True)
class Story:
    """One story of a page: ``text`` is ``page[start:end]``."""

    number: int  # 1-based, in page order
    start: int
    end: int
    text: str
    headline: str | None
    author: str | None


class _Line(NamedTuple):  # a tuple: a page has many lines, and a frozen dataclass is slow to make
    start: int
    end: int
    text: str  # stripped; "" for a blank line


def _lines(page: str) -> list[_Line]:
    out, pos = [], 0
    for raw in page.splitlines(keepends=True):
        body = raw.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        lead = len(body) - len(body.lstrip())
        out.append(_Line(pos + lead, pos + lead + len(body.strip()), body.strip()))
        pos += len(raw)
    return out


def is_title(line: str) -> bool:
    """A line that can be (part of) a headline: short, with text, no sentence punctuation,
    not a caption, an editor's credit, the masthead or the publication date."""
    return (
        0 < len(line) <= MAX_HEADLINE_CHARS
        and not _NOT_A_TITLE.search(line)
        and not _BYLINE_LINE.fullmatch(line)
        and sum(c.isalnum() for c in line) >= 2
        and not is_page_furniture(line)
    )


def _is_byline(line: str) -> bool:
    return bool(line) and (
        len(line) <= MAX_HEADLINE_CHARS and bool(_BYLINE_LINE.fullmatch(line)) or bool(_BYLINE_OPENING.match(line))
    )


def _headline_above(lines: list[_Line], i: int, floor: int) -> list[int]:
    """The title lines (indices, in page order) right above line ``i``, not above ``floor``."""
    found: list[int] = []
    j = i - 1
    while j >= floor and len(found) < MAX_HEADLINE_LINES:
        if not lines[j].text:
            j -= 1
            continue
        if not is_title(lines[j].text):
            break
        found.append(j)
        j -= 1
    return found[::-1]


def _byline_starts(lines: list[_Line]) -> list[tuple[int, list[int]]]:
    """(byline line, its headline lines) for every byline."""
    out: list[tuple[int, list[int]]] = []
    floor = 0
    for i, line in enumerate(lines):
        if _is_byline(line.text):
            out.append((i, _headline_above(lines, i, floor)))
            floor = i + 1
    return out


def _block_starts(lines: list[_Line]) -> list[tuple[int, list[int]]]:
    """(first body line, title lines) for blank-line blocks that open with a title right
    above their text, and for titles after two or more blank lines."""
    out: list[tuple[int, list[int]]] = []
    blanks = 2  # the page's start counts as a break
    for i, line in enumerate(lines):
        if not line.text:
            blanks += 1
            continue
        after_break, blanks = blanks, 0
        if not after_break or not is_title(line.text):
            continue
        body = next((k for k in range(i + 1, len(lines)) if lines[k].text and not is_title(lines[k].text)), None)
        if body is None:
            continue
        titles = [k for k in range(i, body) if lines[k].text]
        same_block = all(lines[k].text for k in range(i, body))
        if len(titles) <= MAX_HEADLINE_LINES and (same_block or after_break >= 2):
            out.append((body, titles))
    return out


def split_stories(page: str) -> list[Story]:
    """The stories of ``page`` in order (one story when it shows no story breaks)."""
    lines = _lines(page)
    starts = _byline_starts(lines) or _block_starts(lines)
    if len(starts) <= 1:
        author = _author(lines[starts[0][0]].text) if starts else None
        headline = " ".join(lines[k].text for k in starts[0][1]) if starts and starts[0][1] else first_heading(page)
        return [Story(1, 0, len(page), page, headline, author)]
    bounds = [lines[titles[0] if titles else i].start for i, titles in starts]
    bounds[0] = 0
    bounds.append(len(page))
    stories = []
    for n, ((i, titles), start, end) in enumerate(zip(starts, bounds, bounds[1:]), 1):
        headline = " ".join(lines[k].text for k in titles) or None
        stories.append(Story(n, start, end, page[start:end], headline, _author(lines[i].text)))
    return stories


def _author(line: str) -> str | None:
    """The reporter names in a byline ("■本报记者 肖伟" → 肖伟), joined with 、, without
    the place the story was filed from ("记者王五上海报道" → 王五)."""
    m = _REPORTER_NAMES.search(line)
    if not m:
        return None
    names: list[str] = []
    for n, word in enumerate(re.split(r"[、，,\s]+", m.group(1))):
        if not word.endswith("报道"):
            if not re.fullmatch(_REPORTER, word):  # a second reporter's title (见习记者)
                names.append(word)
            continue
        said = word.removesuffix("报道")
        name = _without_place(said)
        if name != said or n == 0:  # "王五上海", or "王五" right after 记者; else a place ("北京")
            names.append(name)
        break
    return "、".join(names) or None


def _without_place(said: str) -> str:
    """``said`` without a known place at its end, when at least two characters (a
    name) stay ("王五上海" → 王五); an unknown place stays ("王五雄县")."""
    for size in (4, 3, 2):
        if len(said) - size >= 2 and said[-size:] in _PLACES:
            return said[:-size]
    return said
