"""Extract the listed firms, unlisted groups and claims a text names.

A firm named only as a *source* — a broker whose research note is quoted, a data vendor,
an image credit (华泰证券发布研报称…, 同花顺数据显示…, 图片素材来源：视觉中国) — is reported
as "mentioned, not a member": the story is not about it. It becomes a member as soon as
one of its mentions is not such a citation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from screener.authoring.claims import DraftClaim, NamedSpan, find_claims
from screener.authoring.matcher import Mention, Skipped, find_mentions
from screener.authoring.names import Arm, Group, NameIndex, norm_text
from screener.authoring.dates import date_line, infer_year, undated_day
from screener.authoring.text import SentenceIndex, first_heading, publisher_of

_RESEARCH_AFTER = re.compile(
    r"^(?:股份有限公司|证券研究所|研究所|研究院)?[^，。；]{0,4}?"
    r"(?:研报|研究报告|报告|分析师|研究员|首席|点评|指出|认为|预计|预测)"
)
_RESEARCH_BEFORE = re.compile(r"(?:据|根据|援引|引述)$")
_DATA_AFTER = re.compile(r"^[a-z]{0,8}(?:金融终端|终端)?(?:数据|统计)(?:显示|表明|统计)")
_CREDIT_BEFORE = re.compile(r"(?:图片|图片素材|图|视频|素材|摄影)(?:来源|来自|提供|素材)?[：:/|｜]\s*$")
_CREDIT_AFTER = re.compile(r"^\s*(?:供图|/摄|摄|提供图片)")
_BROKER = ("证券", "期货")


@dataclass
class FirmHit:
    """A listed firm the text names."""

    symbol: str
    name: str
    full_name: str | None
    mentions: list[Mention] = field(default_factory=list)
    cited_as: list[str] = field(default_factory=list)  # one entry per citation-only mention
    known: bool = True  # False: a code in no name table (the name is a guess)
    quote: str = ""  # the sentence of the first mention that is not a citation
    cited_quote: str = ""  # the sentence of the first citation
    aliases_used: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)  # ids of the known themes that list it
    in_universe: bool = True  # False: known only through ``themes`` (or not at all)

    @property
    def is_member(self) -> bool:
        return len(self.cited_as) < len(self.mentions)


@dataclass
class GroupHit:
    """An unlisted entity the text names, with its listed arms as candidates."""

    group: Group
    mentions: list[Mention] = field(default_factory=list)
    quote: str = ""

    @property
    def arms(self) -> tuple[Arm, ...]:
        return self.group.arms


@dataclass(frozen=True)
class PageContext:
    """What a page says about all its stories: the publication date (given, or printed
    on a line of its own at the top), the year of undated days, the publisher."""

    published: date | None
    year: int | None
    year_basis: str | None  # the full date the year came from, or "published …"
    publisher: str | None

    @classmethod
    def of(cls, page: str, published: date | None = None) -> PageContext:
        published = published or date_line(page)
        if published:
            year, basis = published.year, f"the publication date {published}"
        else:
            year, basis = infer_year(page)
            basis = f"the latest year the page gives in a full date ({basis})" if basis else None
        return cls(published, year, basis, publisher_of(page))


@dataclass
class Extraction:
    members: list[FirmHit]
    cited: list[FirmHit]  # named only as a research source, data vendor or image credit
    groups: list[GroupHit]
    claims: list[DraftClaim]
    skipped: list[Skipped]
    context: PageContext
    title: str | None
    author: str | None = None
    undated_example: str | None = None  # the first day the text gives without a year ("5月10日")

    @property
    def year(self) -> int | None:
        return self.context.year

    @property
    def member_symbols(self) -> set[str]:
        return {f.symbol for f in self.members}


def citation_kind(norm: str, m: Mention, firm_name: str) -> str | None:
    """Why a mention is only a citation ("research source", "data source", "image
    credit"), or None when the text is about the firm."""
    before, after = norm[max(0, m.start - 12) : m.start], norm[m.end : m.end + 16]
    if _CREDIT_BEFORE.search(before) or _CREDIT_AFTER.match(after):
        return "image credit"
    if _DATA_AFTER.match(after):
        return "data source"
    broker = any(w in firm_name for w in _BROKER)
    if (broker and (_RESEARCH_AFTER.match(after) or _RESEARCH_BEFORE.search(before))) or re.match(
        r"^[^，。；]{0,4}?(?:发布的?)?研报", after
    ):
        return "research source"
    return None


def extract(
    text: str,
    index: NameIndex,
    context: PageContext | None = None,
    *,
    title: str | None = None,
    author: str | None = None,
) -> Extraction:
    """Find what ``text`` names: member firms (in order of first mention), firms named
    only as sources, unlisted groups with their listed arms, and claims to confirm.
    ``context`` is the page's (default: read from ``text`` itself); ``title`` defaults
    to the text's first line when it looks like one."""
    context = context or PageContext.of(text)
    norm = norm_text(text)
    mentions, skipped = find_mentions(text, index, norm)
    sents = SentenceIndex(text)
    firms: dict[str, FirmHit] = {}
    groups: dict[str, GroupHit] = {}
    for m in mentions:
        if m.kind == "group":
            hit = groups.setdefault(m.key, GroupHit(index.groups[m.key]))
            hit.mentions.append(m)
            hit.quote = hit.quote or sents.quote_at(m.start)
            continue
        f_hit = firms.get(m.key) or firms.setdefault(m.key, _firm_hit(index, text, m))
        f_hit.mentions.append(m)
        cited = citation_kind(norm, m, f_hit.name + (f_hit.full_name or ""))
        if cited:
            f_hit.cited_as.append(cited)
            f_hit.cited_quote = f_hit.cited_quote or sents.quote_at(m.start)
        else:
            f_hit.quote = f_hit.quote or sents.quote_at(m.start)
        if m.kind == "alias" and m.text not in f_hit.aliases_used:
            f_hit.aliases_used.append(m.text)
    members = [f for f in firms.values() if f.is_member]
    cited_only = [f for f in firms.values() if not f.is_member]
    member_set = {f.symbol for f in members}
    named = [NamedSpan(m.start, m.end, m.key) for m in mentions if m.key in member_set]
    return Extraction(
        members=members,
        cited=cited_only,
        groups=list(groups.values()),
        claims=find_claims(text, sents.items, named, context.year, context.published),
        skipped=skipped,
        context=context,
        title=title or first_heading(text),
        author=author,
        undated_example=undated_day(text),
    )


def _firm_hit(index: NameIndex, text: str, m: Mention) -> FirmHit:
    firm = index.firms.get(m.key)
    if firm is None:
        return FirmHit(m.key, _name_for_code(text, m), None, known=False, in_universe=False)
    themes = [o.removeprefix("theme ") for o in firm.origins if o.startswith("theme ")]
    return FirmHit(m.key, firm.name, firm.full_name, themes=themes, in_universe="universe" in firm.origins)


def _name_for_code(text: str, m: Mention) -> str:
    """A guess at the name of a code that is in no table: the (up to four, as most short
    names have) Chinese characters right before ``（600000）``, else the code itself."""
    before = re.search(r"([\u4e00-\u9fff]{2,4})\s*[（(\[【]\s*$", text[max(0, m.start - 7) : m.start])
    return before.group(1) if before else m.key
