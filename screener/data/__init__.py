"""Market data: one entry point, :func:`open_store`, for live (akshare + cache), cached,
local-directory and demo data. Every result says where its data came from.

Importing this package is cheap: akshare is imported only when a live fetch runs.
"""

from __future__ import annotations

from screener.data.model import (
    BAR_COLUMNS,
    DEMO_LABEL,
    VALUATION_COLUMNS,
    Bars,
    BoardInfo,
    DataOptions,
    DataStore,
    MarketData,
    QualityIssue,
    Source,
)
from screener.errors import UserError
from screener.i18n import _

__all__ = [
    "BAR_COLUMNS",
    "DEMO_LABEL",
    "VALUATION_COLUMNS",
    "Bars",
    "BoardInfo",
    "DataOptions",
    "DataStore",
    "MarketData",
    "QualityIssue",
    "Source",
    "open_store",
]


def open_store(options: DataOptions) -> DataStore:
    """The store the options ask for: ``--provider`` plugin, ``--demo``, ``--data-dir``,
    else akshare behind the cache (``--offline``: the cache only)."""
    chosen = [flag for flag, on in (
        ("--demo", options.demo),
        ("--data-dir", options.data_dir is not None),
        ("--provider", options.provider is not None),
    ) if on]
    if len(chosen) > 1:
        raise UserError(_("{chosen} cannot be combined: choose one data source").format(chosen=' and '.join(chosen)))
    if options.demo:
        from screener.data.demo import DemoStore

        return DemoStore()
    if options.data_dir is not None:
        from screener.data.dirstore import DirStore

        return DirStore(options.data_dir)
    if options.provider is not None:
        from screener.data.plugins import open_plugin

        return open_plugin(options.provider, options)
    from screener.data.live import LiveStore

    return LiveStore.from_options(options)
