"""#10: the process around the commands — output encodings, a full or closed stdout,
Ctrl-C at any moment, bare command groups, options that --demo ignores."""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from screener.cli._app import configure_streams
from tests.hostile.conftest import run

ROOT = Path(__file__).resolve().parents[2]


def screener(*args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    """The installed console script's code path (``screener._entry:main``) in a fresh
    interpreter."""
    code = "import sys; from screener._entry import main; sys.argv[0] = 'screener'; main()"
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run([sys.executable, "-c", code, *args], env={**os.environ, **(env or {})},
                          timeout=60, cwd=ROOT, **streams)


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "ascii", "gbk"])
def test_streams_that_cannot_encode_chinese_escape_it(monkeypatch, encoding):
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding=encoding))
    configure_streams()
    sys.stdout.write("光纤 📈\n")
    sys.stdout.flush()
    expected = "光纤 \\U0001f4c8\n" if encoding == "gbk" else "\\u5149\\u7ea4 \\U0001f4c8\n"
    assert raw.getvalue().decode(encoding) == expected


def test_a_non_utf8_terminal_gets_the_output_not_a_traceback():
    res = screener("themes", "show", "fiber", env={"PYTHONIOENCODING": "latin-1"})
    assert res.returncode == 0, res.stderr.decode(errors="replace")
    assert b"Traceback" not in res.stderr and b"Optical fiber" in res.stdout


def test_a_full_stdout_is_one_line_and_exit_1(tmp_path):
    full = tmp_path / "full"
    try:  # a node with /dev/full's numbers, in tmp_path: every write fails with ENOSPC
        os.mknod(full, 0o600 | stat.S_IFCHR, os.makedev(1, 7))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here ({exc}); the closed-pipe test covers the same path")
    try:
        with open(full, "wb") as out:
            res = screener("themes", "list", stdout=out, stderr=subprocess.PIPE)
    finally:
        full.unlink()
    assert res.returncode == 1
    assert res.stderr.decode().strip() == "error: cannot write the output: No space left on device"


def test_a_closed_pipe_exits_1_quietly():
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody reads: writes fail with EPIPE
    try:
        res = screener("themes", "show", "fiber", stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    assert res.returncode == 1 and res.stderr == b""


def test_ctrl_c_while_importing_exits_130_without_a_traceback():
    # Ctrl-C arrives while the command line is still importing click
    code = ("import builtins, sys\n"
            "real = builtins.__import__\n"
            "def hit(name, *a, **k):\n"
            "    if name == 'click':\n"
            "        raise KeyboardInterrupt\n"
            "    return real(name, *a, **k)\n"
            "builtins.__import__ = hit\n"
            "from screener._main import main\n"
            "main()\n")
    res = subprocess.run([sys.executable, "-c", code, "themes", "list"], capture_output=True, timeout=60, cwd=ROOT)
    assert res.returncode == 130 and res.stderr == b"interrupted\n" and res.stdout == b""


def sigint_once_loading(module: str, entry: str, delay: float) -> None:
    """Run ``screener themes list`` through ``entry`` (``from <entry> import main``), send
    a real SIGINT ``delay`` seconds after ``module`` starts loading (it writes "up" then),
    and check the process ends without a traceback: 0 (too late to interrupt) or 130."""
    code = ("import sys\n"
            "class Mark:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            f"        if name == {module!r}:\n"
            "            sys.meta_path.remove(self)\n"
            "            sys.stderr.write('up\\n')\n"
            "            sys.stderr.flush()\n"
            "sys.meta_path.insert(0, Mark())\n"
            f"from {entry} import main\n"
            "main()\n")
    proc = subprocess.Popen([sys.executable, "-c", code, "themes", "list"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stderr.readline() == b"up\n"
    time.sleep(delay)  # a real process is being interrupted: this is the point of the test
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, 130) and b"Traceback" not in err, err
    if proc.returncode == 130:  # click first ends the terminal's "^C" line
        assert err.strip() == b"interrupted"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("delay", [0.0, 0.2])
def test_a_real_sigint_at_any_moment_never_prints_a_traceback(delay):
    # from the moment main() starts importing the command line (a signal during Python's
    # own start-up is not screener's to handle), Ctrl-C lands in the imports or the command
    sigint_once_loading("screener.cli", "screener._main", delay)


def test_the_console_script_enters_through_the_module_that_catches_ctrl_c_first():
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "screener"]
    assert script.value == "screener._entry:main"


def test_ctrl_c_is_caught_before_anything_but_the_package_and_signal_is_imported():
    # the console script imports screener._entry; the package it loads first imports
    # nothing, and the Ctrl-C handler is set before screener._main (or anything else but
    # the signal module) loads
    code = ("import re, sys\n"  # as the console script does, before it imports the entry point
            "before = set(sys.modules)\n"
            "class Mark:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name == 'screener._main':\n"
            "            import signal\n"
            "            new = sorted(set(sys.modules) - before - {'signal', '_signal'})\n"
            "            print(new, signal.getsignal(signal.SIGINT) is not signal.default_int_handler)\n"
            "sys.meta_path.insert(0, Mark())\n"
            "import screener._entry\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, cwd=ROOT)
    assert res.stdout == b"['screener', 'screener._entry'] True\n", res.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("delay", [0.0, 0.001, 0.01])
def test_a_real_sigint_while_the_console_script_imports_never_prints_a_traceback(delay):
    # once the entry point has set its handler, as screener._main loads: Ctrl-C from there
    # on lands in the imports of screener._main or the command line
    sigint_once_loading("screener._main", "screener._entry", delay)


@pytest.mark.parametrize("args", [[], ["themes"], ["data"]])
def test_a_bare_group_shows_its_help_and_exits_0(args):
    res = run(*args)
    assert res.exit_code == 0 and res.stderr == ""
    assert res.stdout.startswith("Usage: ") and "\nCommands:\n" in res.stdout and len(res.stdout.splitlines()) > 5


def test_demo_says_which_data_options_it_ignores(tmp_path):
    # `data fetch` without targets stops right after the data options are read
    res = run("data", "fetch", "--demo", "--cache-dir", tmp_path, "--offline")
    assert res.stderr.startswith("note: --cache-dir, --offline ignored: --demo uses the built-in synthetic data\n")
    quiet = run("data", "fetch", "--demo", env={"SCREENER_CACHE_DIR": str(tmp_path)})
    assert quiet.exit_code == 2 and "ignored" not in quiet.stderr  # an environment default is not a mistake


@pytest.mark.parametrize("name", ["xshg-sessions.json", "parsed-yaml.json"])
def test_a_fifo_in_place_of_a_small_cache_file_is_ignored_not_waited_on(fifo, tmp_path, name):
    # #10: both files were read with Path.read_text, which blocks on a FIFO: every command
    # hung. They are best-effort copies: a file that is not a regular one is left alone.
    (tmp_path / "sc").mkdir()
    pipe = fifo(f"sc/{name}")
    res = screener("screen", "fiber", "--demo", "--format", "json", env={"SCREENER_CACHE_DIR": str(tmp_path / "sc")})
    assert res.returncode == 0, res.stderr.decode()
    assert b"Traceback" not in res.stderr and stat.S_ISFIFO(pipe.lstat().st_mode)
