"""The ``screener`` command (entered through :mod:`screener._entry`). It imports nothing
at module level, so that Ctrl-C at any moment — even while the command line is still
importing — exits with status 130 and no traceback."""

from __future__ import annotations

import os
import signal
import sys

INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


def interrupted() -> None:
    """Exit 130 after Ctrl-C, with one word on stderr and no traceback."""
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
            interrupted()
        hook(unraisable)

    return handle


def main() -> None:
    sys.unraisablehook = _unraisable(sys.unraisablehook)
    try:
        from screener.cli import main as cli_main

        # loaded: from here Ctrl-C raises KeyboardInterrupt (screener._entry made it exit at
        # once while importing), so that a write in progress removes its temporary file
        signal.signal(signal.SIGINT, signal.default_int_handler)
        cli_main()  # always ends in SystemExit
    except KeyboardInterrupt:
        interrupted()
    except SystemExit:
        # the command is done: a Ctrl-C now must not turn the exit into a traceback
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise
