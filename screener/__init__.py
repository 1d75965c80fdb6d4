"""screener: thematic stock screener and basket backtester for China A-shares.

The Python API (see :mod:`screener.api` and README "Python API")::

    import screener
    result = screener.backtest("fiber", demo=True)
    result.summary, result.equity, result.claims

Importing ``screener`` is cheap: the API functions and everything they need load on
first use.
"""

__version__ = "0.1.0"

# Nothing is imported here at run time (not even typing or __future__): this runs before the console
# script can catch Ctrl-C (screener._entry), so the less it does, the smaller that window.
TYPE_CHECKING = False  # type checkers read it as True
if TYPE_CHECKING:  # what type checkers see; at run time __getattr__ loads them
    from typing import Any

    from screener.api import (
        BacktestResult,
        ComparisonResult,
        EventResult,
        Result,
        ScreenResult,
        backtest,
        bars,
        compare,
        event,
        load_theme,
        scan_boards,
        screen,
        sweep,
    )
    from screener.errors import DataError, SymbolError, ThemeError, UserError

# name -> module holding it. `backtest`, `screen` and `event` are also subpackages, made
# callable (screener._callable), so they resolve to the package, whose call is the API function.
_LAZY = {
    "backtest": "screener.backtest",
    "screen": "screener.screen",
    "event": "screener.event",
    "bars": "screener.api",
    "load_theme": "screener.api",
    "Result": "screener.api",
    "BacktestResult": "screener.api",
    "ScreenResult": "screener.api",
    "EventResult": "screener.api",
    "ComparisonResult": "screener.api",
    "compare": "screener.api",
    "sweep": "screener.api",
    "scan_boards": "screener.api",
    **dict.fromkeys(("DataError", "SymbolError", "ThemeError", "UserError"), "screener.errors"),
}

__all__ = [
    "BacktestResult", "ComparisonResult", "DataError", "EventResult", "Result", "ScreenResult", "SymbolError",
    "ThemeError", "UserError", "__version__", "backtest", "bars", "compare", "event", "load_theme", "scan_boards",
    "screen", "sweep",
]


def __getattr__(name: str) -> "Any":
    if name not in _LAZY:
        raise AttributeError(f"module 'screener' has no attribute {name!r}")
    import importlib

    module = importlib.import_module(_LAZY[name])
    return module if module.__name__ == f"screener.{name}" else getattr(module, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
