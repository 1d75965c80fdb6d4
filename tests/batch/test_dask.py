"""Cells on Dask, for real: a `dask scheduler` and two `dask worker` processes on
127.0.0.1 (ports chosen by the OS, bounded lifetimes, torn down by the fixture), and a
LocalCluster. The results equal the in-process run cell by cell; Ctrl-C (and SIGTERM)
stops the workers and writes nothing."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from screener.cli import cli

LIFETIME = "120s"  # the processes stop by themselves even if the fixture cannot
SWEEP = ["sweep", "fiber", "--demo", "--start", "2026-01-05", "--end", "2026-06-30",
         "--vary", "rebalance=none,monthly,quarterly", "--vary", "fill=open,close", "--format", "json"]


def _dask(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dask", *args], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A scheduler and two single-threaded workers, each its own process; the address."""
    from distributed import Client

    folder = tmp_path_factory.mktemp("dask")
    address_file = folder / "scheduler.json"
    procs = [_dask("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--idle-timeout", LIFETIME,
                   "--scheduler-file", str(address_file), cwd=folder)]
    try:
        deadline = time.monotonic() + 60
        while not address_file.exists():
            assert procs[0].poll() is None and time.monotonic() < deadline, "the dask scheduler did not start"
            time.sleep(0.1)
        for _ in range(2):
            procs.append(_dask("worker", "--scheduler-file", str(address_file), "--host", "127.0.0.1", "--nthreads", "1",
                               "--no-nanny", "--no-dashboard", "--lifetime", LIFETIME, "--death-timeout", "30", cwd=folder))
        with Client(scheduler_file=str(address_file), timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
            address = client.scheduler.address
        assert address.startswith("tcp://127.0.0.1:")
        yield address
    finally:
        for p in reversed(procs):  # the workers first, then the scheduler
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def _children() -> list[psutil.Process]:
    """This process's children but multiprocessing's resource tracker and fork server
    (each lives as long as the process that started it, idle between clusters)."""
    return [c for c in psutil.Process().children(recursive=True)
            if not any(helper in " ".join(c.cmdline()) for helper in ("resource_tracker", "forkserver"))]


@pytest.fixture(scope="module")
def in_process() -> dict:
    result = CliRunner().invoke(cli, [*SWEEP, "--workers", "0"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["executed"] == {"mode": "process", "workers": None, "scheduler": None} and doc["n_cells"] == 6
    return doc


@pytest.mark.parametrize("by", ["flag", "env"])
def test_a_sweep_through_a_remote_scheduler_equals_the_in_process_run(scheduler: str, in_process: dict, by: str) -> None:
    """The cluster named by --scheduler (which wins over the environment) or by
    $SCREENER_DASK_SCHEDULER; both runs share the module's scheduler and workers."""
    if by == "flag":
        result = CliRunner().invoke(cli, [*SWEEP, "--scheduler", scheduler],
                                    env={"SCREENER_DASK_SCHEDULER": "tcp://127.0.0.1:1"})
    else:
        result = CliRunner().invoke(cli, SWEEP, env={"SCREENER_DASK_SCHEDULER": scheduler})
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["executed"] == {"mode": "scheduler", "workers": None, "scheduler": scheduler}
    assert doc["cells"] == in_process["cells"]
    assert doc["summary"] == in_process["summary"] and doc["curves"] == in_process["curves"]


def test_a_sweep_on_a_local_cluster_equals_the_in_process_run(in_process: dict) -> None:
    before = {p.pid for p in _children()}  # e.g. the scheduler fixture's processes
    result = CliRunner().invoke(cli, [*SWEEP, "--workers", "2"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["executed"] == {"mode": "local", "workers": 2, "scheduler": None}
    assert doc["cells"] == in_process["cells"]
    assert "warning" not in result.stderr  # no dashboard, no port clash with another cluster
    assert not [p for p in _children() if p.pid not in before], "the local cluster's workers outlived the run"


def test_an_unreachable_scheduler_is_a_user_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    monkeypatch.setattr("screener.batch.execute.CONNECT_TIMEOUT", "1s")

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = CliRunner().invoke(cli, [*SWEEP, "--scheduler", f"tcp://127.0.0.1:{port}"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --scheduler tcp://127.0.0.1:{port}: cannot connect")


# the sweep, with the signal landing while its panel is scattered: once the workers have
# the panel, the scheduler's broadcast step signals this process and waits for a worker to
# leave (the cluster closing), then goes on as it would: KeyError(the worker's address)
CUT_SHORT = """
import asyncio, os, sys

from distributed.diagnostics.plugin import SchedulerPlugin
from distributed.scheduler import Scheduler

replicate = Scheduler.replicate


class Left(SchedulerPlugin):
    def __init__(self):
        self.event = asyncio.Event()

    def remove_worker(self, scheduler, worker, **kwargs):
        self.event.set()


async def cut_short(self, *args, **kwargs):
    left = Left()
    self.add_plugin(left)
    os.kill(os.getpid(), SIGNUM)
    await left.event.wait()
    return await replicate(self, *args, **kwargs)


if __name__ == "__main__":  # not in the workers, which import this file as they start
    SIGNUM = int(sys.argv.pop(1))
    Scheduler.replicate = cut_short
    from screener._main import main

    main()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a process")
@pytest.mark.parametrize("signum, status, said", [(signal.SIGINT, 130, "interrupted\n"), (signal.SIGTERM, 143, "")],
                         ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_the_scatter_prints_no_asyncio_traceback(tmp_path: Path, signum: int, status: int,
                                                                 said: str) -> None:
    """Not "Task exception was never retrieved ... KeyError(worker address)": the
    scatter the signal cut short fails as the cluster closes, unreported."""
    script = tmp_path / "cut_short.py"
    script.write_text(CUT_SHORT, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script), str(int(signum)), *SWEEP, "--workers", "2"], cwd=tmp_path,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
                          preexec_fn=_ctrl_c_heard)
    assert (proc.returncode, proc.stderr, proc.stdout) == (status, said, "")


# ~36 s of backtrader cells (about 0.5 s each on this machine), so that the sweep is far
# from done when the signal, sent as soon as the cells are on the workers, arrives
SLOW_SWEEP = ["sweep", "fiber", "--demo", "--start", "2025-01-02", "--engine", "backtrader",
              "--vary", "rebalance=none,monthly,quarterly", "--vary", "cash=1e5,2e5,5e5,1e6,2e6,5e6",
              "--vary", "fill=open,close", "--workers", "2", "--export", "json,csv"]
STARTED = re.compile(r"\b0/36\b")  # the progress bar's first count: every cell submitted, none back


def _read_until(fd: int, pattern: re.Pattern[str], timeout: float) -> str:
    """What the terminal ``fd`` shows until ``pattern`` appears (or it closes, or
    ``timeout`` seconds pass): select waits on the output itself, nothing sleeps."""
    seen = b""
    deadline = time.monotonic() + timeout
    while not pattern.search(seen.decode(errors="replace")):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    return seen.decode(errors="replace")


def _ctrl_c_heard() -> None:
    """In the child, before it runs: Ctrl-C as a terminal delivers it, even when the tests
    run in the background of a script (which starts them with SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a process group, a pseudo-terminal")
@pytest.mark.parametrize("signum, status, last", [
    (signal.SIGINT, 130, "interrupted"),  # Ctrl-C
    (signal.SIGTERM, 143, None),  # as Ctrl-C, quietly: no word, no "leaked semaphore objects" warning
], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_stops_the_workers_and_writes_nothing(tmp_path: Path, signum: int, status: int, last: str | None) -> None:
    """stderr is a terminal, so the progress bar shows; the signal goes once it shows
    0/36 (the cells are on the workers), and the cells take far longer than that."""
    out = tmp_path / "reports"
    terminal, stderr_end = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "screener", *SLOW_SWEEP, "--out", str(out)], env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr_end,
                                preexec_fn=_ctrl_c_heard)
        os.close(stderr_end)
        shown = _read_until(terminal, STARTED, timeout=120)
        assert STARTED.search(shown) and proc.poll() is None, shown
        workers = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(signum)
        stderr = shown + _read_until(terminal, re.compile(r"(?!)"), timeout=60)  # to the end
        proc.wait(timeout=60)
    finally:
        os.close(terminal)
    assert proc.returncode == status, stderr
    if last:
        assert stderr.rstrip().endswith(last), stderr
    else:
        assert "interrupted" not in stderr and "leaked" not in stderr, stderr
    gone, alive = psutil.wait_procs(workers, timeout=30)
    assert not alive, f"worker processes still running: {alive}"
    assert not out.exists() or not any(out.iterdir())
    assert os.listdir(tmp_path) in ([], ["reports"])
