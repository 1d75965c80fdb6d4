"""Example screener plugin: a theme pack (``themes/``), a spec pack (``specs/``) and a data
provider (``provider``)."""

from __future__ import annotations

from pathlib import Path


def themes_dir() -> Path:
    """The folder of theme YAML files this plugin ships (entry point ``screener.themes``)."""
    return Path(__file__).resolve().parent / "themes"


def specs_dir() -> Path:
    """The folder of backtest spec YAML files this plugin ships (entry point ``screener.specs``)."""
    return Path(__file__).resolve().parent / "specs"
