"""Parsed YAML of theme and spec files, kept on disk by content.

Parsing with line numbers (ruamel's pure-Python round-trip loader) is the slowest part
of loading a theme: tens of milliseconds a file, and a demo backtest reads five (its
theme and the built-in ones behind the demo catalog). Once a file has been parsed and
validated, its data — plain mappings, lists and scalars — is stored under the SHA-256 of
its bytes in ``parsed-yaml.json`` in the cache folder (``$SCREENER_CACHE_DIR``, else
the user cache dir). A file with the same bytes is then validated from that data
without parsing. Validation itself always runs; the loader parses again whenever the
cached data does not validate, so problems are still reported with their lines.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from screener._cache_folder import PARSED_YAML_FILE, read_small_cache, write_small_cache

FILE_NAME = PARSED_YAML_FILE
FORMAT = 1  # bump when what is stored, or how the loader parses, changes
MAX_ENTRIES = 256  # the oldest go first


class _NotPlain(Exception):
    """Data the cache would not give back exactly as parsed (e.g. non-text keys)."""


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def lookup(key: str) -> Any | None:
    """The data parsed from a file whose bytes hash to ``key``, or None."""
    return _entries().get(key)


def remember(key: str, data: Any) -> None:
    """Keep ``data`` (parsed from the bytes hashing to ``key``). Best effort: data that
    is not plain, or a cache folder that cannot be written, is skipped."""
    try:
        plain = _plain(data)
    except _NotPlain:
        return
    entries = _entries()
    entries.pop(key, None)
    entries[key] = plain
    while len(entries) > MAX_ENTRIES:
        entries.pop(next(iter(entries)))
    write_small_cache(FILE_NAME, {"format": _format(), "entries": entries})


@lru_cache(maxsize=1)
def _entries() -> dict[str, Any]:
    """The stored entries, read once per process (empty when the file is missing or
    unusable: see :func:`read_small_cache`)."""
    entries = read_small_cache(FILE_NAME, _stored_entries)
    return {} if entries is None else entries


def _stored_entries(stored: Any) -> dict[str, Any] | None:
    """The entries of a stored file of this format and parser, else None."""
    if stored["format"] == _format() and isinstance(stored["entries"], dict):
        return stored["entries"]
    return None


def _format() -> str:
    """The layout version and the parser's: another ruamel.yaml may parse differently."""
    import ruamel.yaml

    return f"{FORMAT}/ruamel.yaml {ruamel.yaml.__version__}"


def _plain(node: Any) -> Any:
    """``node`` as built-in JSON types that validate exactly as the parsed values do."""
    from ruamel.yaml.scalarbool import ScalarBoolean

    if isinstance(node, dict):
        if not all(isinstance(k, str) for k in node):
            raise _NotPlain
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if node is None or type(node) is bool:
        return node
    if isinstance(node, ScalarBoolean):
        raise _NotPlain  # an anchored boolean is an int subclass: keep the parse's own
    for kind in (str, int, float):
        if isinstance(node, kind):
            return kind(node)
    raise _NotPlain
