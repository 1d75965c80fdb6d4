"""Sentences, headings and the publisher in news text (Chinese, or English).

Printed pages break paragraphs mid-sentence and put headings, bylines and captions on
lines of their own; :func:`sentences` rejoins the broken lines and keeps the others
apart, so a firm's quote is the sentence it appears in.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from screener.authoring.dates import date_line, top_lines

_TERMINAL = "。！？!?…"
_CLOSERS = "”’」』）)\"'"
_INNER_PUNCT = re.compile(r"[，、：；,;:]")
# A sentence's end. The English full stop is matched before its lookbehind, so that
# every alternative starts with a character set the regex engine can skip ahead to.
_SENTENCE_END = re.compile(rf"[{_TERMINAL}]+[{_CLOSERS}]*|\.(?<=[A-Za-z0-9)%\]]\.)[{_CLOSERS}]*(?=\s|$)")
_FRAGMENT_MIN = 40  # a line this long without a full stop continues on the next line
_ATTRIBUTION = re.compile(r"(表示|称|说|指出|介绍|透露)[。！]?$")
MARKS = "■●▲◆□★▼"  # the bullets a page prints before a byline or a masthead
_PAPERS_WITHOUT_SUFFIX = ("经济参考报", "经济观察报", "中国经营报", "21世纪经济报道", "每日经济新闻")
_MASTHEAD = re.compile(
    rf"\s*[{MARKS}]?\s*(?:《(?P<quoted>[^《》\s]{{2,12}}?(?:报|刊|杂志|报道|新闻))》"
    rf"|(?P<bare>[\u4e00-\u9fff\d]{{0,10}}(?:日报|时报|晚报|晨报|商报|证券报|周刊)|{'|'.join(_PAPERS_WITHOUT_SUFFIX)}))\s*"
)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str  # line breaks inside the sentence removed


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        lead = len(body) - len(body.lstrip())
        stripped = body.strip()
        if stripped:
            spans.append((pos + lead, pos + lead + len(stripped)))
        pos += len(line)
    return spans


def _continues(line: str) -> bool:
    """Whether a printed line breaks off mid-sentence (so the next line continues it):
    it ends without a full stop and is long, has inner punctuation, or an open quote."""
    if line[-1] in _TERMINAL or line[-1] in _CLOSERS and len(line) > 1 and line[-2] in _TERMINAL:
        return False
    if (end := _SENTENCE_END.search(line, len(line) - 3)) and end.end() == len(line):
        return False  # an English full stop
    if line.startswith(("■", "●", "▲", "图")):
        return False
    return (
        len(line) >= _FRAGMENT_MIN
        or bool(_INNER_PUNCT.search(line))
        or line.count("“") > line.count("”")
    )


# Every character Python or YAML reads as a line break (alone, to search for quickly;
# with the spaces around it, to replace).
_BREAK = r"[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"
_HAS_BREAK = re.compile(_BREAK)
LINE_BREAKS = re.compile(rf"\s*{_BREAK}\s*")


def _join(m: re.Match[str]) -> str:
    """A printed line break inside a sentence: nothing between Chinese characters, a
    space between English words."""
    before, after = m.string[m.start() - 1 : m.start()], m.string[m.end() : m.end() + 1]
    return " " if before.isascii() and after.isascii() and before and after else ""


def _clean(s: str) -> str:
    return LINE_BREAKS.sub(_join, s).strip() if _HAS_BREAK.search(s) else s.strip()


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` with their offsets; headings and bylines are sentences of
    their own, lines broken mid-sentence are joined."""
    blocks: list[tuple[int, int]] = []
    last_line = ""  # the last printed line of the last block
    for start, end in _lines(text):
        line = text[start:end]
        if blocks and _continues(last_line):
            blocks[-1] = (blocks[-1][0], end)
        else:
            blocks.append((start, end))
        last_line = line
    out: list[Sentence] = []
    for b_start, b_end in blocks:
        block = text[b_start:b_end]
        pos = 0
        for m in _SENTENCE_END.finditer(block):
            if m.end() > pos and (clean := _clean(block[pos : m.end()])):
                out.append(Sentence(b_start + pos, b_start + m.end(), clean))
            pos = m.end()
            while pos < len(block) and block[pos].isspace():
                pos += 1
        if clean := _clean(block[pos:]):
            out.append(Sentence(b_start + pos, b_end, clean))
    return out


class SentenceIndex:
    """Find the sentence around an offset, and a quote for it."""

    def __init__(self, text: str):
        self.items = sentences(text)
        self._starts = [s.start for s in self.items]

    def index_at(self, offset: int) -> int:
        return max(bisect_right(self._starts, offset) - 1, 0)

    def at(self, offset: int) -> Sentence:
        return self.items[self.index_at(offset)]

    def quote_at(self, offset: int) -> str:
        """The sentence around ``offset``; a short attribution ("X 相关负责人表示。")
        after a quotation carries the quotation with it."""
        i = self.index_at(offset)
        s = self.items[i]
        if i > 0 and len(s.text) <= 40 and _ATTRIBUTION.search(s.text):
            prev = self.items[i - 1]
            if prev.text.endswith(("”", "」")):
                return prev.text + s.text
        return s.text


def masthead(line: str) -> str | None:
    """The newspaper's name when ``line`` is a masthead: the name alone on its line
    ("证券日报", "■中国证券报", "《经济参考报》"). A bare name must end like a paper's
    (日报, 时报, 证券报, 周刊, …) or be one of a few that do not, so "多家公司发布年报" is none."""
    m = _MASTHEAD.fullmatch(line)
    return (m.group("quoted") or m.group("bare")) if m else None


def is_page_furniture(line: str) -> bool:
    """A line printed on the page but in no story: a masthead or a publication date."""
    return bool(masthead(line) or date_line(line, 1))


def publisher_of(text: str) -> str | None:
    """The newspaper a page is from: its masthead near the top, else the one it cites
    most (《证券日报》 → 证券日报), a guess for its source."""
    if name := next(filter(None, map(masthead, top_lines(text))), None):
        return name
    counts = Counter(re.findall(r"《([^《》]{2,12}?(?:报|刊|周刊|杂志))》", text))
    return counts.most_common(1)[0][0] if counts else None


def first_heading(text: str) -> str | None:
    """The first non-empty line that is not page furniture (masthead, date), when it
    looks like a title (short, no full stop)."""
    for line in text.splitlines():
        line = line.strip()
        if line and not is_page_furniture(line):
            return line if len(line) <= 60 and line[-1] not in _TERMINAL else None
    return None
