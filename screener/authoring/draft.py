"""Render an extraction as a draft theme YAML: valid as it stands, with everything the
user should review (claims, unlisted groups, firms named only as sources, dropped
matches) as comments, and write it without ever clobbering a file by accident."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from screener._atomic import os_reason, stage
from screener.authoring.claims import DraftClaim
from screener.authoring.extract import Extraction, FirmHit
from screener.authoring.yaml_writer import Commented, Flow, comment_text, dump
from screener.errors import UserError
from screener.i18n import _
from screener.theme.model import Theme


def _comment_block(title: str, lines: Iterable[str]) -> str:
    body = [f"# {comment_text(line)}".rstrip() for line in lines]  # one comment per line
    return "\n".join([f"# ---- {title} ----", *body]) + "\n" if body else ""


def _member(f: FirmHit) -> Commented:
    m = Commented()
    m["symbol"] = f.symbol
    m["name"] = f.name
    if f.full_name:
        m["full_name"] = f.full_name
    if f.aliases_used:
        m["aliases"] = Flow(f.aliases_used)
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
    elif not f.in_universe:
        how += f"; found only because known theme {', '.join(f.themes)} lists it (no A-share list)"
    m.comments["symbol"] = how
    return m


def _claim_lines(claims: list[DraftClaim]) -> list[str]:
    """The claims as YAML list items, each preceded by its TODO lines."""
    lines: list[str] = []
    for c in claims:
        lines += [f"TODO: {problem}" for problem in c.problems]
        lines += dump([Commented(c.fields, comments=c.notes)]).splitlines()
    return lines


@dataclass(frozen=True)
class Origin:
    """Where a draft comes from, for its header and ``sources`` entry."""

    label: str  # "seed.txt", "seed.txt, story 2"
    universe_note: str  # what the names were matched against


def render(x: Extraction, *, theme_id: str, name: str | None, origin: Origin) -> str:
    """The draft theme YAML for an extraction (at least one member)."""
    doc = Commented()
    doc["id"] = theme_id
    doc["name"] = name or x.title or theme_id
    doc["description"] = (
        f"Drafted by `screener themes extract` from {origin.label}: {len(x.members)} listed "
        f"firm{'s' if len(x.members) != 1 else ''} named in the text. Review the members, "
        "add roles and any constituents the story implies (named_in_source: false)."
    )
    doc["benchmark"] = "000300.SH"
    doc.comments["benchmark"] = "CSI 300 by default: pick an index or {board: BK0xxx, source: em} that fits"
    doc["members"] = [_member(f) for f in x.members]
    doc["claims"] = []
    doc.comments["claims"] = "confirm the claims listed at the end, then move them here"
    header = _comment_block(
        "draft theme: review before use",
        [
            f"Source text: {origin.label}",
            f"Names matched against: {origin.universe_note}",
            *_date_notes(x),
            "Fill in and uncomment the source (its date is the publication date):",
            *dump({"sources": [_source(x)]}).splitlines(),
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
        _comment_block("candidates not matched", _skipped_lines(x)),
    ]
    Theme.model_validate(doc)  # a draft is valid as it stands (a failure here is a bug)
    return header + dump(doc) + "".join("\n" + s for s in sections if s)


def _date_notes(x: Extraction) -> list[str]:
    ctx = x.context
    lines = [f"Published {ctx.published}: relative days (昨日, 上周五) are read against it"] if ctx.published else []
    if ctx.year and x.undated_example:
        lines.append(f"Days without a year ({x.undated_example}) are read as {ctx.year}: {ctx.year_basis}")
    elif x.undated_example:
        lines.append(f"The text gives no full date: days without a year ({x.undated_example}) are left as YYYY-MM-DD")
    return lines


def _source(x: Extraction) -> dict[str, Any]:
    source: dict[str, Any] = {"title": x.title or "...", "publisher": x.context.publisher or "..."}
    if x.author:
        source["author"] = x.author
    source["date"] = x.context.published or "YYYY-MM-DD"
    return source


def _skipped_lines(x: Extraction) -> list[str]:
    """One line per dropped candidate and reason, with how often it occurred."""
    counts = Counter((s.text, s.reason) for s in x.skipped)
    return [f"{text!r}: {reason}" + (f" ({n} times)" if n > 1 else "") for (text, reason), n in counts.items()]


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
    if (out.exists() or out.is_symlink()) and not force:
        raise UserError(_("{out} already exists; pass --force to overwrite it").format(out=out))


def write_drafts(drafts: dict[Path, str], force: bool) -> None:
    """Write each draft (path → YAML) atomically: every target is checked, then every
    draft staged beside its target, and only then each renamed into place, so a refused
    target (an existing file without ``force``) or a failed write leaves nothing new."""
    for out in drafts:
        refuse_overwrite(out, force)
        if out.is_dir():
            raise UserError(_(
                "{out} is a folder; give a file name such as {value}"
            ).format(out=out, value=out / 'theme.yaml'))
        parent = out.parent if str(out.parent) else Path(".")
        if not parent.is_dir():
            raise UserError(_("folder {parent} does not exist; create it first").format(parent=parent))
    staged: dict[Path, str] = {}  # target -> its staged temporary file, until renamed
    current: Path  # the target being staged or renamed
    try:
        for current, text in drafts.items():
            staged[current] = stage(current, text.encode("utf-8"))
        for current in drafts:
            os.replace(staged.pop(current), current)  # a symlink is replaced, never followed
    except OSError as exc:
        raise UserError(_("cannot write {current}: {value}").format(
            current=current, value=os_reason(exc, current)
        )) from None
    finally:
        for tmp in staged.values():
            Path(tmp).unlink(missing_ok=True)
