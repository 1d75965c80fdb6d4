"""Running the cells: in this process, on a local Dask cluster, or on a Dask scheduler.

* ``scheduler`` (``tcp://HOST:PORT``, ``--scheduler``/``$SCREENER_DASK_SCHEDULER``): an
  existing cluster whose workers have the same ``screener`` installed;
* else ``workers=0``, or, when ``workers`` is not given, a small batch — fewer than
  :data:`SMALL_GRID` cells, or less work than :data:`SMALL_WORK` member-sessions in all,
  which one process finishes before a cluster has started — a plain loop in this
  process (no Dask started);
* else a ``LocalCluster`` of ``workers`` processes (default: the CPU count), one thread
  each, on 127.0.0.1 without a dashboard, closed when the run ends. When ``workers`` is
  given, the workers' fork server starts importing as the batch begins
  (:func:`warm_up`) and the cluster is started while the data load (:func:`starting`);
  when not, the fork server starts once the cells are counted, if they are enough.

On a cluster each aligned panel is sent once to every worker (``scatter(...,
broadcast=True)``), cells are mapped in chunks (a task ``run_cells(panel, [settings...])``
of up to :data:`CHUNK` cells, smaller towards the end: :func:`chunk_sizes`), and results are
taken as they complete (``as_completed``), so the progress bar moves with the work.
What travels: the pickled panels (bars of the members and the benchmark over the
window, the theme) once per worker, then per cell its settings out and its figures and
equity curve back; a local cluster's client sends and takes them straight from its
workers, not through the scheduler. Ctrl-C (KeyboardInterrupt; SIGTERM too, which the console script
raises as one) cancels every task and closes the cluster before it propagates, without
asyncio's report of the tasks it leaves failing; nothing is written until every cell is
back.
"""

from __future__ import annotations

import itertools
import os
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from screener.errors import UserError
from screener.i18n import _

if TYPE_CHECKING:  # the engine is imported when cells run: the CLI warms the workers up first
    from screener.batch.cell import Outcome
    from screener.batch.plan import Panel

SMALL_GRID = 8  # fewer cells than this run in-process unless --workers says otherwise
SMALL_WORK = 2_000_000  # as do fewer member-sessions (members × sessions, summed over the cells)
CONNECT_TIMEOUT = "10s"  # to reach a --scheduler
CHUNK = 20  # cells per task at most
GUIDE = 2  # a task takes at most 1/GUIDE of a worker thread's share of the cells left
# Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536 (against fragmentation in
# long-lived workers); with the engine's many short-lived arrays it makes every cell about
# 30% slower, and a local cluster lives for one command: its workers start without it
WORKER_ENV_DROPPED = ("MALLOC_TRIM_THRESHOLD_",)
# a local cluster's periodic work that a sweep does not use, turned down so that the two
# cores go to the cells: the workers' statistical profiler (a stack sample every 10 ms,
# for the dashboard, which is off), work stealing (the tasks are chunks of equal cells)
# and the resource monitors' polling
# how a local cluster starts its workers: on Linux, forked from a fork server — a fresh,
# single-threaded process that imports what a cell needs once (:data:`WORKER_PRELOAD`)
# — which saves each worker the second or so of CPU that a spawned interpreter spends
# importing it all again, and is safe where forking this multi-threaded process is not;
# elsewhere spawned, Dask's default
WORKER_START = "forkserver" if sys.platform == "linux" else "spawn"
WORKER_PRELOAD = ["distributed", "screener.batch.cell"]
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.multiprocessing-method": WORKER_START,
    "distributed.worker.profile.enabled": False,
    "distributed.scheduler.work-stealing": False,
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}

Progress = Callable[[int, int], None]  # (cells done, cells in all)


@dataclass(frozen=True)
class Execution:
    """Where cells run: ``workers`` (None: automatic, 0: in-process) or a ``scheduler``."""

    workers: int | None = None
    scheduler: str | None = None

    def mode(self, n_cells: int, work: int | None = None) -> str:
        """``scheduler``, ``local`` (a LocalCluster) or ``process``, for ``n_cells`` cells
        of ``work`` member-sessions in all (None: not known, only the count decides)."""
        if self.scheduler:
            return "scheduler"
        small = n_cells < SMALL_GRID or (work is not None and work < SMALL_WORK)
        if self.workers == 0 or (self.workers is None and small):
            return "process"
        return "local"

    def surely_local(self) -> bool:
        """Whether the cells run on a local cluster whatever their number and work."""
        return bool(self.workers) and not self.scheduler

    def n_workers(self) -> int:
        return self.workers or os.cpu_count() or 1

    def describe(self, mode: str) -> dict[str, Any]:
        """Where cells ran, for the document: ``mode`` (``process``, ``local``,
        ``scheduler``), ``workers`` of a local cluster, the ``scheduler``'s address."""
        return {"mode": mode, "workers": self.n_workers() if mode == "local" else None,
                "scheduler": self.scheduler if mode == "scheduler" else None}


def run(panels: Sequence[Panel], execution: Execution, progress: Progress = lambda _d, _n: None,
        early: EarlyCluster | None = None) -> tuple[dict[int, Outcome], dict[str, Any]]:
    """Every cell of the aligned ``panels`` → its outcome, by cell index; and where they
    ran (:meth:`Execution.describe`). ``early``: the local cluster :func:`starting` began."""
    work = [(p, c) for p in panels if p.aligned is not None for c in p.cells]
    size = sum(p.aligned.panel.close.size for p, _ in work)
    mode = execution.mode(len(work), size)
    return _run(mode, execution, panels, work, progress, early), execution.describe(mode)


def _run(mode: str, execution: Execution, panels: Sequence[Panel], work: list[tuple[Panel, Any]],
         progress: Progress, early: EarlyCluster | None) -> dict[int, Outcome]:
    if mode == "process":
        return _in_process(work, progress)
    if mode == "local" and early is not None:
        return _on_cluster(early.client(), panels, len(work), progress)
    with _client(execution, mode) as client:
        return _on_cluster(client, panels, len(work), progress)


def _in_process(work: list[tuple[Panel, Any]], progress: Progress) -> dict[int, Outcome]:
    from screener.batch.cell import run_cell

    out: dict[int, Outcome] = {}
    progress(0, len(work))
    for panel, cell in work:
        out[cell.index] = run_cell(panel.aligned, cell.settings)
        progress(len(out), len(work))
    return out


def _on_cluster(client: Any, panels: Sequence[Panel], total: int, progress: Progress) -> dict[int, Outcome]:
    from distributed import as_completed

    threads = sum(client.nthreads().values())
    futures: dict[str, list[int]] = {}
    submitted = []
    try:
        for panel in panels:
            if panel.aligned is None:
                continue
            shared = client.scatter(panel.aligned, broadcast=True, hash=False)
            chunks = _split(panel.cells, chunk_sizes(len(panel.cells), threads))
            batch = client.map(run_cells, [shared] * len(chunks), [[c.settings for c in chunk] for chunk in chunks],
                               pure=False)
            futures.update({f.key: [c.index for c in chunk] for f, chunk in zip(batch, chunks)})
            submitted += batch
        out: dict[int, Outcome] = {}
        progress(0, total)
        for future, outcomes in as_completed(submitted, with_results=True):
            out.update(zip(futures[future.key], outcomes))
            progress(len(out), total)
        return out
    except BaseException:
        client.cancel(submitted, force=True)
        raise


def _split(cells: Sequence[Any], sizes: list[int]) -> list[Sequence[Any]]:
    ends = list(itertools.accumulate(sizes))
    return [cells[end - size:end] for size, end in zip(sizes, ends)]


def chunk_sizes(cells: int, threads: int) -> list[int]:
    """Cells per task, in the order the tasks go out: each half a worker thread's share of
    the cells left (rounded up), at most :data:`CHUNK` (a task per cell costs the
    scheduler and the client more than a short cell). The tasks shrink towards the
    end, so the workers finish within about a cell of each other, and the progress bar
    moves."""
    sizes, left = [], cells
    while left:
        sizes.append(min(CHUNK, -(-left // (GUIDE * max(1, threads)))))  # rounded up: at least 1
        left -= sizes[-1]
    return sizes


def run_cells(aligned: Any, settings: list[Any]) -> list[Outcome]:
    """What a worker runs: :func:`~screener.batch.cell.run_cell` for each of a chunk's
    settings."""
    from screener.batch.cell import run_cell

    return [run_cell(aligned, s) for s in settings]


@contextmanager
def _client(execution: Execution, mode: str) -> Iterator[Any]:
    """A Dask client: connected to ``execution.scheduler``, or to a LocalCluster it
    starts and closes."""
    from distributed import Client

    if mode == "scheduler":
        try:
            client = Client(execution.scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise UserError(
                _(
                    "--scheduler {scheduler}: cannot connect ({exc}); start one with `dask scheduler` "
                    "and point --scheduler (or $SCREENER_DASK_SCHEDULER) at the address it prints"
                ).format(scheduler=execution.scheduler, exc=exc)
            ) from None
        with client:
            yield client
        return
    cluster, client = _start_local(execution)
    try:
        yield client
    finally:
        _close_local(cluster, client)


def _start_local(execution: Execution) -> tuple[Any, Any]:
    """A LocalCluster of ``execution.n_workers()`` processes and a client of it."""
    import logging

    import dask
    from distributed import Client, LocalCluster

    environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ").items()
               if k not in WORKER_ENV_DROPPED}
    with _interrupt_deferred(), dask.config.set({**LOCAL_CLUSTER_CONFIG, "distributed.nanny.pre-spawn-environ": environ}):
        start_fork_server()
        # a cluster half started or half closed cannot be shut down cleanly: Ctrl-C waits
        cluster = LocalCluster(
            n_workers=execution.n_workers(), threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},  # no dashboard; the
            silence_logs=logging.CRITICAL,  # scheduler's health endpoint on a free port, not 8787
        )
        return cluster, Client(cluster, direct_to_workers=True)  # scatter and gather skip the scheduler


def start_fork_server() -> None:
    """Start the fork server (:data:`WORKER_START`) now, importing :data:`WORKER_PRELOAD`
    (Dask's own list is only its dependencies), so that workers are forked with
    ``screener`` loaded. It starts in a moment and imports on another core while this
    process goes on (importing Dask, loading data); once running, it stays until this
    process ends. Nothing to do where workers are spawned."""
    if WORKER_START != "forkserver":
        return
    import multiprocessing
    from multiprocessing import forkserver

    multiprocessing.get_context(WORKER_START).set_forkserver_preload(WORKER_PRELOAD)
    forkserver.ensure_running()


def warm_up(execution: Execution, n_cells: int | None = None) -> None:
    """Start the fork server (:func:`start_fork_server`) now when the cells may run on a
    local cluster, so that the workers' imports overlap with reading the targets and
    loading the data: when one is sure (:meth:`Execution.surely_local`; ``n_cells`` None,
    not known yet), or when ``n_cells`` alone would put the cells on one (the work, known
    once the data are in, may still keep them in this process: the fork server idles)."""
    if execution.surely_local() if n_cells is None else execution.mode(n_cells) == "local":
        start_fork_server()


def _close_local(cluster: Any, client: Any) -> None:
    with _interrupt_deferred(), _abandoned_tasks_unreported(client):
        client.close()
        cluster.close()


ABANDONED = "Task exception was never retrieved"  # asyncio's report of a task nobody awaited


@contextmanager
def _abandoned_tasks_unreported(client: Any) -> Iterator[None]:
    """While the block runs, the client's event loop (its own, or its local cluster's)
    does not report tasks that failed unawaited: a scatter cut short by Ctrl-C fails
    there (KeyError of a worker's address) once the workers are gone. Every other
    report goes to the loop's handler, restored after the block."""
    loop = client.loop.asyncio_loop
    previous = loop.get_exception_handler()

    def handle(loop: Any, context: dict[str, Any]) -> None:
        if context.get("message") == ABANDONED:
            return
        if previous is None:
            loop.default_exception_handler(context)
        else:
            previous(loop, context)

    loop.set_exception_handler(handle)
    try:
        yield
    finally:
        loop.set_exception_handler(previous)


class EarlyCluster:
    """A local cluster started in a background thread, so that its workers start (and
    import ``screener``) while this process loads and aligns the data."""

    def __init__(self, execution: Execution):
        self._started: tuple[Any, Any] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._start, args=(execution,), name="screener-cluster-start",
                                        daemon=True)
        self._thread.start()

    def _start(self, execution: Execution) -> None:
        try:
            self._started = _start_local(execution)
        except BaseException as exc:  # handed to the thread that asks for the client
            self._error = exc

    def client(self) -> Any:
        """The client, once the cluster has started (its error, when it could not)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._started[1]

    def close(self) -> None:
        self._thread.join()
        if self._started is not None:
            _close_local(*self._started)
            self._started = None


@contextmanager
def starting(execution: Execution) -> Iterator[EarlyCluster | None]:
    """A cluster started early (:class:`EarlyCluster`) when ``execution`` will run on a
    local cluster whatever the data (``workers`` given), else None; closed on leaving.
    Pass it to :func:`run`."""
    early = EarlyCluster(execution) if execution.surely_local() else None
    try:
        yield early
    finally:
        if early is not None:
            early.close()


@contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) and SIGTERM until the block is done, then deliver the first
    to the handler in place before (Ctrl-C: KeyboardInterrupt). Outside the main thread
    signals cannot be caught: the block runs as it is."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.signal(s, lambda signum, _frame: caught.append(signum)) for s in held}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if caught:
        signal.raise_signal(caught[0])
