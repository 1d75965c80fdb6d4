"""Theme ids for drafts: from a file name, or from a story's headline.

Ids are slugs (lower-case ASCII letters, digits, '-'), so a Chinese headline cannot be
used as it stands and pinyin would need a dictionary package. Instead the headline's
theme keywords (``data/keywords.yaml``: 氢能 → hydrogen, 低空经济 → low-altitude) make
the id, in headline order: 氢能技术再迎突破 推动低空经济商业化提速 →
``hydrogen-low-altitude``. A headline with no keyword takes the two most frequent
keywords of the story; a story with none gets ``story-`` and six hex digits of the
headline's SHA-1. The same page always gives the same ids; repeats get ``-2``, ``-3``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from importlib import resources

from ruamel.yaml import YAML

from screener.authoring.automaton import Automaton
from screener.authoring.names import norm_form, norm_text
from screener.errors import UserError
from screener.i18n import _
from screener.theme.model import SLUG_RE

MAX_WORDS = 3
MAX_ID_CHARS = 56


def slugify(text: str, default: str = "draft") -> str:
    """A theme id from a file name: ``Seed Article_2026.txt`` → ``seed-article-2026``."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64].strip("-")
    return slug if slug and SLUG_RE.fullmatch(slug) else default


def check_id(theme_id: str) -> str:
    if not SLUG_RE.fullmatch(theme_id):
        raise UserError(
            _(
                "--id {theme_id!r} is not a theme id: use lower-case letters, digits and '-', e.g. green-power"
            ).format(theme_id=theme_id)
        )
    return theme_id


@cache
def _keywords() -> tuple[dict[str, str], Automaton]:
    text = resources.files("screener.authoring").joinpath("data", "keywords.yaml").read_text(encoding="utf-8")
    table = {norm_form(str(k)): str(v) for k, v in (YAML(typ="safe", pure=True).load(text)["keywords"]).items()}
    for word in table.values():
        if not SLUG_RE.fullmatch(word):
            raise ValueError(_("keywords.yaml: {word!r} is not a slug").format(word=word))
    return table, Automaton(table)


def _keyword_hits(text: str) -> list[tuple[int, str]]:
    """(offset, keyword) of the keywords in ``text``, longest first where they overlap."""
    table, automaton = _keywords()
    norm = norm_text(text)
    found = sorted(automaton.find(norm), key=lambda se: (se[0] - se[1], se[0]))
    taken = bytearray(len(norm))
    hits = []
    for start, end in found:
        if not any(taken[start:end]):
            taken[start:end] = b"\x01" * (end - start)
            hits.append((start, table[norm[start:end]]))
    return sorted(hits)


def story_id(headline: str | None, body: str) -> str:
    """An id for a story (see the module's docstring)."""
    words = list(dict.fromkeys(w for _, w in _keyword_hits(headline or "")))
    if not words:
        counts = Counter(w for _, w in _keyword_hits(body))
        words = [w for w, _ in counts.most_common(2)]
    slug = ""
    for word in words[:MAX_WORDS]:  # room left for a "-123" repeat number within 64 characters
        if len(slug) + len(word) + 1 <= MAX_ID_CHARS:
            slug = f"{slug}-{word}" if slug else word
    if slug:
        return slug
    return "story-" + hashlib.sha1((headline or body).encode("utf-8")).hexdigest()[:6]


def unique(ids: Iterable[str]) -> list[str]:
    """``ids`` with repeats numbered: fiber, fiber → fiber, fiber-2."""
    seen: Counter[str] = Counter()
    out: list[str] = []
    used: set[str] = set()
    for i in ids:
        seen[i] += 1
        candidate = i if seen[i] == 1 else f"{i}-{seen[i]}"
        while candidate in used:  # "fiber-2" given as an id of its own
            seen[i] += 1
            candidate = f"{i}-{seen[i]}"
        used.add(candidate)
        out.append(candidate)
    return out
