"""A small YAML writer for the files authoring writes (theme drafts, imported boards).

Drafts have a fixed shape: block mappings and sequences of strings, numbers, dates and
booleans, one-line lists (``aliases: [a, b]``) and end-of-line comments. This writes
that shape in the layout ruamel.yaml's round-trip dumper gives it (mappings indented by
2, sequence dashes at 2 with their items at 4), at a small fraction of its cost: ruamel's
pure-Python emitter took about 10 ms a draft, some 70% of the time of drafting a long
page. Two things differ from ruamel's output: a value that appears twice is written twice
(ruamel wrote an anchor and an alias), and an end-of-line comment always follows two
spaces. Reading still goes through ruamel (the theme loader).

A string is written plain when ruamel reads it back as that same string (no indicator
at its start, no ``: `` or `` #`` inside, printable, nothing ruamel's resolvers read as
a number, date, boolean or null), else in single quotes, else (a quote or a character
that is not printable inside) in double quotes with escapes, so every value reads back
exactly as it was given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from ruamel.yaml.reader import Reader
from ruamel.yaml.resolver import VersionedResolver

from screener.authoring.text import LINE_BREAKS

INDENT = 2  # a mapping's keys below its parent key; a sequence's dashes below its key

# a plain scalar must not start with an indicator (``-``, ``?``, ``:`` only when a space
# or the end follows), nor a document marker, hold ": " or " #", end in ":", or start
# or end with a space; in a one-line list, commas and brackets end it too, and a
# leading ``-``, ``?`` or ``:`` is an indicator whatever follows (``[?a]`` is a mapping)
_NOT_PLAIN = re.compile(r"""\A(?:[,\[\]{}#&*!|>'"%@`\s]|[-?:](?:\s|\Z)|---|\.\.\.)|:(?:\s|\Z)|\s#|\s\Z""")
_NOT_FLOW_PLAIN = re.compile(r"[,\[\]{}]|\A[-?:]")
# ruamel's own implicit resolvers (first character -> patterns; none of them is for
# strings), for the YAML version its reader assumes: a plain scalar that one of them
# matches reads back as a number, date, boolean, null … and must be quoted (the patterns
# are compiled anew: ruamel's are lazy proxies, slow to call)
_IMPLICIT = {
    first: [re.compile(pattern.pattern, pattern.flags) for _, pattern in resolvers]
    for first, resolvers in VersionedResolver().versioned_resolver.items()
}
# characters written as they are (what ruamel writes unescaped, less YAML's line breaks
# and the byte-order mark); any other is escaped, in double quotes
_RAW = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")
_DOUBLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"}


class Flow(list):
    """A list written on one line: ``[a, b]``."""


class Commented(dict):
    """A mapping with end-of-line comments on some of its keys."""

    def __init__(self, *args: Any, comments: Mapping[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.comments = dict(comments or {})


def scalar(value: Any, *, flow: bool = False) -> str:
    """``value`` (a string, number, date or boolean) as a YAML scalar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        return repr(value).lower()
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if not isinstance(value, str):
        raise TypeError(f"cannot write {type(value).__name__} {value!r} as a YAML scalar")
    return _string(value, flow)


def _string(text: str, flow: bool) -> str:
    if not _RAW.fullmatch(text):  # line breaks, tabs, control characters
        return _double_quoted(text)
    if not (_NOT_PLAIN.search(text) or _typed(text) or (flow and _NOT_FLOW_PLAIN.search(text))):
        return text
    if "'" in text:
        return _double_quoted(text)
    return f"'{text}'"


def _typed(text: str) -> bool:
    """Whether ruamel's reader resolves ``text``, written plain, to something other than
    a string."""
    return any(pattern.match(text) for pattern in _IMPLICIT.get(text[:1], ()))


def _double_quoted(text: str) -> str:
    out = []
    for ch in text:
        if ch in _DOUBLE_ESCAPES:
            out.append(_DOUBLE_ESCAPES[ch])
        elif _RAW.fullmatch(ch):
            out.append(ch)
        else:
            out.append(_escape(ch))
    return '"' + "".join(out) + '"'


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def comment_text(text: str) -> str:
    """``text`` fit for a one-line comment: line breaks as spaces, and the characters
    YAML allows nowhere in a file (the reader would refuse the whole draft) escaped as
    ``\\x07``."""
    return Reader.NON_PRINTABLE.sub(lambda m: _escape(m.group()), LINE_BREAKS.sub(" ", text))


def dump(data: Mapping[str, Any] | Sequence[Any]) -> str:
    """``data`` (a mapping, or a sequence at the top) as a YAML document."""
    if not data:
        return "{}\n" if isinstance(data, Mapping) else "[]\n"
    lines = _mapping(data, 0) if isinstance(data, Mapping) else _sequence(data, INDENT)
    return "\n".join(lines) + "\n"


def _comment(line: str, note: str | None) -> str:
    return f"{line}  # {comment_text(note)}" if note else line


def _mapping(data: Mapping[str, Any], indent: int) -> list[str]:
    comments = data.comments if isinstance(data, Commented) else {}
    lines: list[str] = []
    for key, value in data.items():
        head = f"{' ' * indent}{scalar(key)}:"
        note = comments.get(key)
        if isinstance(value, Flow):
            lines.append(_comment(f"{head} [{', '.join(scalar(v, flow=True) for v in value)}]", note))
        elif isinstance(value, Mapping) and value:
            lines += [_comment(head, note), *_mapping(value, indent + INDENT)]
        elif isinstance(value, Mapping):
            lines.append(_comment(f"{head} {{}}", note))
        elif isinstance(value, (list, tuple)) and value:
            lines += [_comment(head, note), *_sequence(value, indent + INDENT)]
        elif isinstance(value, (list, tuple)):
            lines.append(_comment(f"{head} []", note))
        else:
            lines.append(_comment(f"{head} {scalar(value)}", note))
    return lines


def _sequence(items: Sequence[Any], indent: int) -> list[str]:
    """Items with their dash at ``indent``, their content at ``indent + 2``."""
    dash = " " * indent + "- "
    lines: list[str] = []
    for item in items:
        if isinstance(item, Mapping) and item:
            first, *rest = _mapping(item, indent + INDENT)
            lines += [dash + first.lstrip(" "), *rest]
        elif isinstance(item, (Mapping, list, tuple)):
            raise TypeError("nested or empty collections in a sequence are not part of a draft's shape")
        else:
            lines.append(dash + scalar(item))
    return lines
