"""Errors a user can fix. The CLI prints them on one line and exits with status 2."""

from __future__ import annotations


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
