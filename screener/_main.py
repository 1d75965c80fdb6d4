"""The ``screener`` command (entered through :mod:`screener._entry`). It imports nothing
at module level, so that Ctrl-C at any moment — even while the command line is still
importing — exits with status 130 and no traceback. SIGTERM is taken like Ctrl-C (the
same clean-up: a sweep's workers stopped, nothing half-written) and exits 143 without a
word."""

from __future__ import annotations

import os
import signal
import sys

INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
TERMINATED = 143  # 128 + SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C raises KeyboardInterrupt, so that every clean-up
    written for Ctrl-C runs for it too."""


def _terminate(_signum: int, _frame: object) -> None:
    raise Terminated


def interrupted(kind: type[BaseException] = KeyboardInterrupt) -> None:
    """Exit 130 after Ctrl-C, with one word on stderr and no traceback; 143 and nothing
    on stderr after SIGTERM (``kind``: :class:`Terminated`)."""
    if issubclass(kind, Terminated):
        os._exit(TERMINATED)
    try:
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()
    except (OSError, ValueError, KeyboardInterrupt):
        pass
    os._exit(INTERRUPTED)  # a second Ctrl-C during shutdown must not print a traceback either


def _unraisable(hook):  # noqa: ANN001, ANN202 (sys.unraisablehook's own signature)
    """``hook``, except that a Ctrl-C Python could not raise (it landed in a callback,
    e.g. inside the import machinery) exits 130 instead of printing "Exception ignored"."""

    def handle(unraisable):  # noqa: ANN001, ANN202
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
            interrupted(unraisable.exc_type)
        hook(unraisable)

    return handle


def main() -> None:
    sys.unraisablehook = _unraisable(sys.unraisablehook)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        from screener.cli import main as cli_main

        # loaded: from here Ctrl-C raises KeyboardInterrupt (screener._entry made it exit at
        # once while importing), so that a write in progress removes its temporary file
        signal.signal(signal.SIGINT, signal.default_int_handler)
        cli_main()  # always ends in SystemExit
    except KeyboardInterrupt as exc:
        interrupted(type(exc))
    except SystemExit:
        # the command is done: a Ctrl-C or SIGTERM now must not turn the exit into a traceback
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise
