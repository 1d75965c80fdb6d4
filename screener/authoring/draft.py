"""Render an extraction as a draft theme YAML: valid as it stands, with everything the
user should review (claims, unlisted groups, firms named only as sources, dropped
matches) as comments, and write it without ever clobbering a file by accident."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from screener._atomic import write_atomic
from screener.authoring.claims import DraftClaim
from screener.authoring.extract import Extraction, FirmHit
from screener.authoring.text import LINE_BREAKS
from screener.errors import UserError
from screener.theme.model import SLUG_RE, Theme


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096  # keep quotes on one line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml


def dump(data: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(data, buf)
    return buf.getvalue()


def slugify(text: str, default: str = "draft") -> str:
    """A theme id from a file name: ``Seed Article_2026.txt`` → ``seed-article-2026``."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64].strip("-")
    return slug if slug and SLUG_RE.match(slug) else default


def check_id(theme_id: str) -> str:
    if not SLUG_RE.match(theme_id):
        raise UserError(
            f"--id {theme_id!r} is not a theme id: use lower-case letters, digits and '-', e.g. green-power"
        )
    return theme_id


def _comment_block(title: str, lines: Iterable[str]) -> str:
    body = [f"# {LINE_BREAKS.sub(' ', line)}".rstrip() for line in lines]  # one comment per line
    return "\n".join([f"# ---- {title} ----", *body]) + "\n" if body else ""


def _member(f: FirmHit) -> CommentedMap:
    m = CommentedMap()
    m["symbol"] = f.symbol
    m["name"] = f.name
    if f.full_name:
        m["full_name"] = f.full_name
    if f.aliases_used:
        m["aliases"] = CommentedSeq(f.aliases_used)
        m["aliases"].fa.set_flow_style()
    m["quote"] = f.quote
    m["named_in_source"] = True
    named = list(dict.fromkeys(x.text for x in f.mentions))
    how = "named as " + ", ".join(named)
    if len(f.mentions) > 1:
        how += f" ({len(f.mentions)} mentions)"
    if f.symbol == f.name:
        how += "; code only, no name known: fill in `name`"
    elif not f.known:
        how += "; not in the A-share list: check `name`"
    m.yaml_add_eol_comment(how, "symbol")
    return m


def _claim_lines(claims: list[DraftClaim]) -> list[str]:
    lines: list[str] = []
    for c in claims:
        body = CommentedMap(c.fields)
        for key, note in c.notes.items():
            if key in body:
                body.yaml_add_eol_comment(note, key)
        for problem in c.problems:
            lines.append(f"TODO: {problem}")
        lines += dump(CommentedSeq([body])).rstrip("\n").splitlines()
    return lines


def render(
    x: Extraction, *, theme_id: str, name: str | None, origin: str, universe_note: str
) -> str:
    """The draft theme YAML for an extraction (at least one member)."""
    doc = CommentedMap()
    doc["id"] = theme_id
    doc["name"] = name or x.title or theme_id
    doc["description"] = (
        f"Drafted by `screener themes extract` from {origin}: {len(x.members)} listed "
        f"firm{'s' if len(x.members) != 1 else ''} named in the text. Review the members, "
        "add roles and any constituents the story implies (named_in_source: false)."
    )
    doc["benchmark"] = "000300.SH"
    doc.yaml_add_eol_comment("CSI 300 by default: pick an index or {board: BK0xxx, source: em} that fits", "benchmark")
    doc["members"] = CommentedSeq([_member(f) for f in x.members])
    doc["claims"] = CommentedSeq()
    doc.yaml_add_eol_comment("confirm the claims listed at the end, then move them here", "claims")

    year_note = (
        f"undated days (5月11日) are read as {x.year}, the latest year in a full date ({x.year_basis})"
        if x.year
        else "the text has no full date: days without a year are left as YYYY-MM-DD"
    )
    source = {"title": x.title or "...", "publisher": x.publisher or "...", "date": "YYYY-MM-DD"}
    header = _comment_block(
        "draft theme: review before use",
        [
            f"Source text: {origin}",
            f"Names matched against: {universe_note}",
            year_note,
            "Fill in and uncomment the source (its date is the publication date):",
            *dump({"sources": [source]}).splitlines(),
        ],
    )
    sections = [
        _comment_block(
            "claims found in the text: confirm each, then move it under `claims:`",
            _claim_lines(x.claims),
        ),
        _comment_block(
            "unlisted entities named in the text (not added; their listed arms are candidates)",
            _group_lines(x),
        ),
        _comment_block(
            "listed firms named only as a source or credit (not added)",
            _cited_lines(x.cited),
        ),
        _comment_block(
            "candidates not matched",
            [f"{s.text!r}: {s.reason}" for s in x.skipped],
        ),
    ]
    return header + dump(doc) + "".join("\n" + s for s in sections if s)


def _group_lines(x: Extraction) -> list[str]:
    lines = []
    for g in x.groups:
        named = ", ".join(sorted({m.text for m in g.mentions}))
        full = f" ({g.group.full_name})" if g.group.full_name else ""
        lines.append(f"{g.group.name}{full}, named as {named}: {g.quote}")
        lines.append("  listed arms (copy under members: to add one):")
        for arm in g.arms:
            already = "  # already a member" if arm.symbol in x.member_symbols else ""
            lines.append(
                f"  - {{symbol: {arm.symbol}, name: {arm.name}, role: listed arm of {g.group.name}, "
                f"named_in_source: false}}{already}"
            )
    return lines


def _cited_lines(cited: list[FirmHit]) -> list[str]:
    lines = []
    for f in cited:
        why = ", ".join(sorted(set(f.cited_as)))
        lines.append(f"{f.symbol} {f.name} — {why}: {f.cited_quote}")
    return lines


def validate(text: str) -> Theme:
    """The draft parsed and validated as a theme (a failure here is a bug)."""
    return Theme.model_validate(YAML(typ="rt", pure=True).load(text))


def refuse_overwrite(out: Path, force: bool) -> None:
    """Raise when ``out`` exists and ``force`` was not given."""
    if out.exists() and not force:
        raise UserError(f"{out} already exists; pass --force to overwrite it")


def write_text(text: str, out: Path, force: bool) -> None:
    """Write ``text`` to ``out`` atomically; refuse to overwrite without ``force``."""
    refuse_overwrite(out, force)
    if out.is_dir():
        raise UserError(f"{out} is a folder; give a file name such as {out / 'theme.yaml'}")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(f"folder {parent} does not exist; create it first")
    write_atomic(out, text)
