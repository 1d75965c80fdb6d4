"""The ``screener`` console script's entry point. Its first statements make Ctrl-C exit
130 without a traceback, before anything else is imported; :func:`screener._main.main`
hands Ctrl-C back to Python (KeyboardInterrupt, so that writes clean up) once the
command line is loaded. Only the console script and ``python -m screener`` import this
module: importing it changes the process's SIGINT handler."""

import os
import signal
import sys


def _interrupted(signum: int, frame: object) -> None:
    # what screener._main.interrupted does for Ctrl-C, written out here: this handler also
    # runs while screener._main is half imported, when importing from it fails
    try:
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(130)


signal.signal(signal.SIGINT, _interrupted)

from screener._main import main  # noqa: E402 (after the handler, on purpose)

__all__ = ["main"]
