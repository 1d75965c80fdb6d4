"""Load theme YAML safely and turn every problem into ``file:line: field: message``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.reader import ReaderError

from screener._input import InputError, read_input
from screener.errors import ThemeError, excerpt
from screener.i18n import N_, _
from screener.theme import _parsed
from screener.theme.model import Theme

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)
CLAIM_KINDS = frozenset({"period_return", "limit_up", "close_up"})
MAX_DEPTH = 32  # nesting levels a theme or spec file may use (they need about five)


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that leaves timestamps as text, so that a bad date such as
    2026-02-30 is reported by the schema with its line instead of failing the parse."""


_Constructor.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node)
)


class _Composer(Composer):
    """A composer for plain data files: aliases (``*name``) are refused — a few hundred
    bytes of nested aliases expand to billions of nodes — and so is nesting deeper than
    ``MAX_DEPTH`` (it would exhaust Python's recursion)."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            raise ComposerError(
                None, None, _(
                    "alias *{anchor} is not allowed: write the value out in full"
                ).format(anchor=event.anchor), event.start_mark
            )
        if self._depth >= MAX_DEPTH:
            raise ComposerError(
                None, None, _(
                    "nested more than {MAX_DEPTH} levels deep; theme and spec files are shallow"
                ).format(MAX_DEPTH=MAX_DEPTH),
                event.start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _yaml() -> YAML:
    # The round-trip loader keeps line numbers and constructs no Python objects from tags.
    yaml = YAML(typ="rt", pure=True)
    yaml.Composer = _Composer
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    return yaml


def read_bytes(path: Path) -> bytes:
    """The file's bytes. Raises ThemeError."""
    try:
        return read_input(path)
    except InputError as exc:
        raise ThemeError([str(exc)]) from None


def read_yaml(path: Path, raw: bytes | None = None) -> Any:
    """Parse a YAML file, or its bytes ``raw`` already read (round-trip, so nodes carry
    line numbers). Raises ThemeError."""
    if raw is None:
        raw = read_bytes(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ThemeError(
            [_(
                "{path}:{line}: not UTF-8 text (byte 0x{raw:02x}); save it as UTF-8"
            ).format(path=path, line=line, raw=raw[exc.start])]
        ) from None
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise ThemeError([_("{path}:{line}: invalid YAML: {what}").format(path=path, line=line, what=what)]) from None
    except ReaderError as exc:  # a character YAML does not allow (NUL, a control character)
        line = text.count("\n", 0, exc.position) + 1
        raise ThemeError([_(
            "{path}:{line}: invalid YAML: character {char} is not allowed in YAML; remove it"
        ).format(path=path, line=line, char=f"U+{exc.character:04X}")]) from None
    except (YAMLError, ValueError) as exc:
        raise ThemeError([_("{path}: invalid YAML: {exc}").format(path=path, exc=exc)]) from None
    tagged = list(_tagged_nodes(data, line=1))
    if tagged:
        raise ThemeError(
            [_(
                "{path}:{line}: invalid YAML: tag {tag} is not allowed; write plain values"
            ).format(path=path, line=line, tag=tag) for line, tag in tagged]
        )
    return data


def _tagged_nodes(node: Any, line: int) -> Any:
    """(line, tag) for every explicitly tagged node (e.g. !!python/object): theme files
    are plain data, and tags are refused rather than constructed."""
    tag = getattr(getattr(node, "tag", None), "value", None)
    if tag:
        yield line, tag.replace("tag:yaml.org,2002:", "!!")
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            yield from _tagged_nodes(value, _child_line(node, key, line))
    elif isinstance(node, CommentedSeq):
        for i, value in enumerate(node):
            yield from _tagged_nodes(value, _child_line(node, i, line))


def _child_line(node: CommentedMap | CommentedSeq, key: Any, default: int) -> int:
    """1-based line of a mapping key or sequence item; ``default`` when unrecorded."""
    try:
        pos = node.lc.key(key) if isinstance(node, CommentedMap) else node.lc.item(key)
    except (KeyError, IndexError, TypeError):
        pos = None
    return pos[0] + 1 if pos else default


def line_of(node: Any, loc: Loc) -> int:
    """The 1-based line of the deepest node along ``loc`` that the YAML tree holds."""
    line = 1
    for key in loc:
        in_map = isinstance(node, CommentedMap) and key in node
        in_seq = isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node)
        if not (in_map or in_seq):
            break
        line = _child_line(node, key, line)
        node = node[key]
    return line


def _describe(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def validation_problems(path: Path, data: Any, err: ValidationError, *, docs: str = "Theme files") -> list[str]:
    """One ``file:line: field: message`` line per pydantic error; ``docs`` names the
    README section that lists the valid keys."""
    problems = []
    for e in err.errors():
        # a discriminated union puts the tag in the path: claims.0.limit_up.date
        loc: Loc = tuple(p for p in e["loc"] if p not in CLAIM_KINDS)
        at = (e.get("ctx") or {}).get("at")
        if at:
            loc = tuple(at)
        msg = _("unknown key '{key}'; check the spelling (see README: {docs})").format(key=loc[-1], docs=docs) \
            if e["type"] == "extra_forbidden" else error_message(e)
        problems.append(f"{path}:{line_of(data, loc)}: {_describe(loc)}: {msg}")
    return problems


def error_message(e: Any) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) in plain words."""
    kind = e["type"]
    if kind == "missing":
        return _("required field is missing")
    if kind == "string_too_short" and (e.get("ctx") or {}).get("min_length") == 1:
        return _("must not be empty")
    if kind in ("date_from_datetime_parsing", "date_from_datetime_inexact", "date_parsing", "date_type"):
        return _("{value} is not a date; write YYYY-MM-DD").format(value=excerpt(e.get("input")))
    if kind == "union_tag_invalid":
        return _("unknown claim kind; expected period_return, limit_up or close_up")
    if kind == "finite_number":
        return _("must be a finite number")
    return _pydantic_message(e)


# pydantic's own message templates (its English, word for word), so that they can be
# translated; a message that does not match its template is shown as pydantic wrote it
_PYDANTIC = {
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "string_type": N_("Input should be a valid string"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be a valid dictionary or instance of {class_name}"),
    "literal_error": N_("Input should be {expected}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
}


def _pydantic_message(e: Any) -> str:
    """pydantic's message for ``e``, translated when it is one of :data:`_PYDANTIC`."""
    msg = e["msg"].removeprefix("Value error, ")
    template = _PYDANTIC.get(e["type"])
    ctx = e.get("ctx") or {}
    try:
        if template is None or template.format(**ctx) != msg:
            return msg
        return _(template).format(**ctx)
    except (KeyError, IndexError, ValueError):
        return msg


def load_model(path: Path, model: type[M], *, what: str, docs: str) -> M:
    """Read a YAML mapping and validate it as ``model``. Raises ThemeError listing every
    problem with its file and line."""
    path = Path(path)
    raw = read_bytes(path)
    key = _parsed.digest(raw)
    known = _parsed.lookup(key)
    if known is not None:
        try:
            return model.model_validate(known)
        except ValidationError:
            pass  # parsed again below, so that each problem is reported with its line
    data = read_yaml(path, raw)
    if not isinstance(data, CommentedMap):
        raise ThemeError([_("{path}:1: {what}").format(path=path, what=_(what))])
    try:
        result = model.model_validate(data)
    except ValidationError as err:
        raise ThemeError(validation_problems(path, data, err, docs=docs)) from None
    _parsed.remember(key, data)
    return result


def load_theme(path: Path) -> Theme:
    """Load and validate one theme file. Raises ThemeError listing every problem."""
    return load_model(
        path, Theme, what=N_("a theme file must be a mapping with id, name, members, ..."), docs="Theme files"
    )
