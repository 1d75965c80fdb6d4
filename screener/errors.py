"""Errors a user can fix. The CLI prints them on one line and exits with status 2."""

from __future__ import annotations

from collections.abc import Callable

Spell = Callable[[str], str]  # how a message names an option: "--lot-size" or "lot_size"


def cli_flag(name: str) -> str:
    """``lot_size`` as the command line spells it: ``--lot-size``."""
    return "--" + name.replace("_", "-")


def keyword(name: str) -> str:
    """``lot_size`` as the Python API spells it: ``lot_size``."""
    return name


class UserError(Exception):
    """A mistake in the user's input or environment (bad file, unknown theme, no data).

    The message is shown as is, on one line, so it should name the file/line or the
    value at fault and say what to do.
    """

    exit_code = 2


class ThemeError(UserError):
    """A theme file that cannot be loaded or does not validate."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class SymbolError(UserError, ValueError):
    """A ticker that is not an A-share stock or index symbol."""


class DataError(UserError):
    """Market data that cannot be had (offline and not cached, unknown symbol, ...)."""


EXCERPT_CHARS = 60


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """``repr(value)`` for a one-line message, cut to about ``limit`` characters with the
    full length named, so a 5 MB value never becomes a 5 MB error line."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= limit + 2 else f"{text[:limit]}… ({len(text):,} characters)"
