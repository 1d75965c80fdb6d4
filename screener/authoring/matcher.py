"""Find firm names, group names and six-digit codes in text.

Chinese has no word boundaries, so matching follows four rules:

1. **Longest match wins.** Every occurrence of every known form is found in one pass
   (:mod:`screener.authoring.automaton`); overlapping candidates are resolved longest first (江苏中天科技股份有限公司 beats 中天科技,
   中国航发动力股份有限公司 beats 中国航发).
2. **A short name inside another organisation's name does not count**: when the text
   runs on from a short name to an organisation suffix (…有限公司, …集团, …研究所, …联合会) and
   that longer name is not the firm's own full name, the match is dropped and reported
   (中国石油 in 中国石油和化学工业联合会).
3. **Common words are not names**: short names on the stop-list (``data/names.yaml``)
   match only through their full name or code; Chinese names shorter than three
   characters are never matched alone; ASCII names need word boundaries.
4. **Codes**: ``600522``, ``600522.SH``, ``sh600522``; a bare code must be a known firm
   or stand in brackets (``（600522）``), so amounts and phone numbers do not match; a
   bare 000xxx right after an index name (上证指数（000001）) is the SSE index, not a stock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screener.authoring.names import KIND_RANK, NameIndex, Target, norm_form, norm_text
from screener.errors import SymbolError
from screener.symbols import parse_symbol


@dataclass(frozen=True)
class Mention:
    """A firm or group named at ``text[start:end]``."""

    start: int
    end: int
    text: str
    kind: str  # code | full_name | name | alias | group
    key: str  # a symbol, or a group's name


@dataclass(frozen=True)
class Skipped:
    """A candidate that was found but not matched, and why."""

    start: int
    end: int
    text: str
    reason: str


_CODE_RE = re.compile(
    r"(?<![0-9a-z.])(?:(sh|sz|bj)(\d{6})|(\d{6})(?:\.(sh|sz|bj|ss|xshg|xshe|bse))?)(?![0-9a-z])(?!\.\d)"
)
_OPEN = "(（[【"
# A bare 000xxx code is also an SSE index code (000001 is 平安银行 and the SSE Composite):
# right after an index name (上证指数, 深证成指, 沪深300, 中证A500) it is the index.
_INDEX_BEFORE = re.compile(r"(?:指数|指|[0-9]{2,4})[\s(（\[【]*$")
_CLOSE = ")）]】"
# An organisation name running on after a match: up to ten name characters (no function
# words or punctuation), then an organisation suffix. Associations may join two fields
# with 和 (中国石油和化学工业联合会); companies may not, so 中天科技和华为技术有限公司 stays a match.
_NAME_CHARS = r"[^\s，。、；：！？,.;:!?“”‘’\"'与和及跟同的在为向对将把被是于从等或并]"
_ORG_RUN = re.compile(
    rf"{_NAME_CHARS}{{0,10}}?(?:股份有限公司|有限责任公司|有限公司|集团(?:股份有限公司|有限责任公司|有限公司|公司)?|研究院|研究所|大学|学院|基金会)"
)
_ASSOCIATION_RUN = re.compile(rf"(?:{_NAME_CHARS}|和){{0,10}}?(?:联合会|协会|学会|研究会|委员会|商会)")
_ASCII_WORD = re.compile(r"[0-9a-z]")


@dataclass
class _Candidate:
    start: int
    end: int
    kind: str
    key: str
    ambiguous: str | None = None  # "could be A, B" when the form names several firms

    @property
    def length(self) -> int:
        return self.end - self.start


def _ascii_bounded(norm: str, start: int, end: int) -> bool:
    """An ASCII letter or digit at either edge of a match must not continue a word."""
    glued_left = start > 0 and _ASCII_WORD.match(norm[start]) and _ASCII_WORD.match(norm[start - 1])
    glued_right = end < len(norm) and _ASCII_WORD.match(norm[end - 1]) and _ASCII_WORD.match(norm[end])
    return not (glued_left or glued_right)


def _name_candidates(norm: str, index: NameIndex) -> list[_Candidate]:
    out = []
    for start, end in index.automaton.find(norm):
        if not _ascii_bounded(norm, start, end):
            continue
        targets = index.forms[norm[start:end]]
        best = min(KIND_RANK[t.kind] for t in targets)
        top = [t for t in targets if KIND_RANK[t.kind] == best]
        keys = sorted({t.key for t in top})
        ambiguous = f"ambiguous: could be {', '.join(keys)}" if len(keys) > 1 else None
        out.append(_Candidate(start, end, top[0].kind, top[0].key, ambiguous))
    return out


def _code_candidates(norm: str, index: NameIndex, skipped: list[Skipped], text: str) -> list[_Candidate]:
    out = []
    for m in _CODE_RE.finditer(norm):
        prefix, pcode, code, suffix = m.groups()
        raw = f"{prefix}{pcode}" if prefix else (f"{code}.{suffix}" if suffix else code)
        try:
            symbol = parse_symbol(raw)
        except SymbolError:
            continue
        if symbol.is_index:
            continue
        sym = str(symbol)
        before = norm[max(0, m.start() - 8) : m.start()]
        if not (prefix or suffix) and code.startswith("000") and _INDEX_BEFORE.search(before):
            reason = f"an index code after an index name (write {code}.SZ if the stock is meant)"
            skipped.append(Skipped(m.start(), m.end(), text[m.start() : m.end()], reason))
            continue
        bracketed = (m.start() > 0 and norm[m.start() - 1] in _OPEN) or (
            m.end() < len(norm) and norm[m.end()] in _CLOSE
        )
        if prefix or suffix or sym in index.firms or bracketed:
            out.append(_Candidate(m.start(), m.end(), "code", sym))
        else:
            reason = "a six-digit number that is no known firm's code"
            skipped.append(Skipped(m.start(), m.end(), text[m.start() : m.end()], reason))
    return out


def _inside_other_org(norm: str, cand: _Candidate, index: NameIndex) -> str | None:
    """The longer organisation name a short-name match sits in, if it is not the firm's own."""
    if cand.kind in ("code", "full_name"):
        return None
    m = _ORG_RUN.match(norm, cand.end) or _ASSOCIATION_RUN.match(norm, cand.end)
    if not m:
        return None
    longer = norm[cand.start : m.end()]
    full = index.full_name_of(Target(cand.kind, cand.key))
    if full and _unbracketed(longer) in _unbracketed(norm_form(full)):
        return None  # the firm's own name (龙源电力集团 of 龙源电力集团股份有限公司)
    return longer


def _unbracketed(name: str) -> str:
    return re.sub(r"[()（）]", "", name)


def find_mentions(text: str, index: NameIndex, norm: str | None = None) -> tuple[list[Mention], list[Skipped]]:
    """Every firm/group mention in ``text`` (in order) and the candidates that were
    dropped; ``norm`` is ``norm_text(text)`` when the caller has it already."""
    norm = norm_text(text) if norm is None else norm
    skipped: list[Skipped] = []
    candidates = _code_candidates(norm, index, skipped, text) + _name_candidates(norm, index)
    candidates.sort(key=lambda c: (-c.length, c.start, KIND_RANK[c.kind]))
    taken = bytearray(len(norm))
    mentions = []
    for c in candidates:
        if any(taken[c.start : c.end]):
            continue
        taken[c.start : c.end] = b"\x01" * c.length
        if c.ambiguous:
            skipped.append(Skipped(c.start, c.end, text[c.start : c.end], c.ambiguous))
            continue
        if longer := _inside_other_org(norm, c, index):
            reason = f"part of another organisation's name: {text[c.start : c.start + len(longer)]}"
            skipped.append(Skipped(c.start, c.end, text[c.start : c.end], reason))
            continue
        mentions.append(Mention(c.start, c.end, text[c.start : c.end], c.kind, c.key))
    mentions.sort(key=lambda m: m.start)
    skipped.sort(key=lambda s: s.start)
    return mentions, skipped

