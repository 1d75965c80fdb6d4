"""screener: thematic stock screener and basket backtester for China A-shares."""

__version__ = "0.1.0"
