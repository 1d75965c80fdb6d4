"""Themes: YAML baskets of listed firms from a story, with sources, benchmark and claims."""

from screener.theme.loader import load_theme
from screener.theme.model import (
    Benchmark,
    DayMoveClaim,
    Member,
    PeriodReturnClaim,
    Source,
    Theme,
)
from screener.theme.registry import ThemeEntry, ThemeRegistry, builtin_themes_dir

__all__ = [
    "Benchmark",
    "DayMoveClaim",
    "Member",
    "PeriodReturnClaim",
    "Source",
    "Theme",
    "ThemeEntry",
    "ThemeRegistry",
    "builtin_themes_dir",
    "load_theme",
]
