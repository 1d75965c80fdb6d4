"""The ``screener`` console script. It imports nothing at module level, so that Ctrl-C
at any moment — even while the command line is still importing — exits with status 130
and no traceback."""

from __future__ import annotations

import os
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


def main() -> None:
    try:
        from screener.cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:
        interrupted()
