"""Where screener keeps its small caches when no ``--cache-dir`` reaches the code."""

from __future__ import annotations

import os
from pathlib import Path


def cache_folder() -> Path:
    """``$SCREENER_CACHE_DIR``, else the user cache dir (as for market data)."""
    folder = os.environ.get("SCREENER_CACHE_DIR")
    if folder:
        return Path(folder)
    import platformdirs

    return Path(platformdirs.user_cache_dir("screener"))
