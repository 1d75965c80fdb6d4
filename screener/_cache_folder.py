"""Where screener keeps its small caches when no ``--cache-dir`` reaches the code."""

from __future__ import annotations

import os
from pathlib import Path

SESSIONS_FILE = "xshg-sessions.json"  # screener._sessions_cache
PARSED_YAML_FILE = "parsed-yaml.json"  # screener.theme._parsed


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
