"""Where screener keeps its small caches when no ``--cache-dir`` reaches the code, and
how it reads and writes them: best effort, as copies that can always be made again."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

SESSIONS_FILE = "xshg-sessions.json"  # screener._sessions_cache
PARSED_YAML_FILE = "parsed-yaml.json"  # screener.theme._parsed

T = TypeVar("T")


def cache_folder() -> Path:
    """``$SCREENER_CACHE_DIR``, else the user cache dir (as for market data)."""
    folder = os.environ.get("SCREENER_CACHE_DIR")
    if folder:
        return Path(folder)
    import platformdirs

    return Path(platformdirs.user_cache_dir("screener"))


def small_cache_file(name: str) -> bool:
    """Whether ``name``, in the cache folder, is one of these small caches or the temp
    file of a write of one."""
    return any(name == f or (name.startswith(f".{f}.") and name.endswith(".tmp"))
               for f in (SESSIONS_FILE, PARSED_YAML_FILE))


def read_small_cache(name: str, parse: Callable[[Any], T | None]) -> T | None:
    """``parse`` of the JSON in the small cache ``name``; None when the file is missing,
    not a regular file (a FIFO there would hang), unreadable, not JSON, or in a layout
    ``parse`` does not know (it raises KeyError, TypeError or ValueError, or gives None)."""
    from screener._input import InputError, read_input

    try:
        return parse(json.loads(read_input(cache_folder() / name)))
    except (InputError, ValueError, KeyError, TypeError, RecursionError):
        return None


def write_small_cache(name: str, record: Any) -> None:
    """Replace the small cache ``name`` with ``record`` as JSON, in one rename (of two
    writers at once, the last rename wins; a reader sees one whole file). Best effort: a
    cache folder that cannot be made or written, or a special file in the way, only costs
    the next run time."""
    from screener._atomic import WriteError, write_atomic

    path = cache_folder() / name
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    except (OSError, WriteError):
        pass
