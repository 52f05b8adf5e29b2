"""Run a grid of cells (method × variant × seed) on local worker processes or as Ray tasks.

Cells are idempotent (:func:`bench.harness.methods.run_cell`): a finished cell is skipped, a cell
whose worker died resumes from its checkpoint. A dead worker is retried a bounded number of times;
a restarted sweep skips what is done. One progress bar (on the log console, stderr) shows cells
done / running / failed with an ETA and ends at the real count.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from bench.harness.methods import Cell, cell_state, run_cell

log = logging.getLogger(__name__)

RAY_CONNECT_TIMEOUT = 15.0  # seconds to reach a Ray cluster at --ray-address before giving up


def _quiet_worker() -> None:
    logging.getLogger().setLevel(logging.ERROR)  # per-run warnings are in each run folder


def log_console() -> Console:
    """The console the log records go through (the CLI's RichHandler on stderr), so that the progress
    bar and log lines share it and a log line prints above the bar; a stderr console without one."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, RichHandler):
            return handler.console
    return Console(stderr=True)


def _progress(show: bool, console: Console | None) -> Progress:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("running {task.fields[running]}  failed {task.fields[failed]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    return Progress(*columns, console=console or log_console(), disable=not show, transient=False)


def run_cells(
    cells: Sequence[Cell],
    workers: int | None = None,
    show: bool = True,
    retries: int = 2,
    ray_address: str | None = None,
    use_ray: bool = False,
    console: Console | None = None,
) -> dict[Cell, str]:
    """Run every cell; returns cell -> run folder for the cells that finished."""
    if use_ray or ray_address:
        return _run_ray(cells, _progress(show, console), retries, ray_address)
    return _run_local(cells, workers or os.cpu_count() or 1, _progress(show, console), retries)


def _run_local(cells: Sequence[Cell], workers: int, progress: Progress, retries: int) -> dict[Cell, str]:
    done: dict[Cell, str] = {c: str(c.folder) for c in cells if cell_state(c) == "done"}
    todo = [c for c in cells if c not in done]
    attempts = {c: 0 for c in todo}
    failed: list[Cell] = []
    with progress:
        task = progress.add_task("sweep", total=len(cells), completed=len(done), running=0, failed=0)
        while todo:
            pool = ProcessPoolExecutor(max_workers=workers, initializer=_quiet_worker)
            futures: dict[Future, Cell] = {}
            for cell in todo:
                attempts[cell] += 1
                futures[pool.submit(run_cell, cell)] = cell
            todo = []
            broken = False
            pending = set(futures)
            while pending:
                progress.update(task, running=min(len(pending), workers))
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    cell = futures[future]
                    try:
                        done[cell] = future.result()
                        progress.advance(task)
                    except BrokenProcessPool:
                        broken = True  # a worker died: every cell still in this pool is retried
                        _retry_or_fail(cell, attempts, retries, todo, failed, "its worker died")
                    except Exception as err:  # the cell itself raised: retrying would not help
                        log.error("cell %s failed: %s", cell.name, err)
                        failed.append(cell)
                    progress.update(task, failed=len(failed))
            pool.shutdown(wait=True, cancel_futures=True)
            if broken:
                log.warning("a worker process died; %d cell(s) resume from their checkpoints", len(todo))
        progress.update(task, running=0)
    return done


def _retry_or_fail(cell: Cell, attempts: dict, retries: int, todo: list, failed: list, why: str) -> None:
    if attempts[cell] <= retries:
        todo.append(cell)
    else:
        log.error("cell %s failed: %s (%d attempts)", cell.name, why, attempts[cell])
        failed.append(cell)


# Connects to the cluster in a child process, so that a cluster that never answers costs a bounded wait
# and Ray's own retries and warnings (minutes of them) end with the child.
_PROBE = (
    "import logging, sys, ray\n"
    "ray.init(address=sys.argv[1], include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)\n"
    "ray.shutdown()\n"
)


def check_ray(address: str | None, timeout: float | None = None) -> None:
    """ValueError (one line) when Ray is not installed, or when no Ray cluster answers at ``address``
    (``HOST:PORT``, ``ray://HOST:PORT`` or ``auto``) within ``timeout`` seconds (default
    :data:`RAY_CONNECT_TIMEOUT`) — checked before any folder is made, with Ray's own output kept out."""
    try:
        import ray  # noqa: F401
    except ImportError:
        raise ValueError("--ray needs the optional extra: pip install 'adam-agent[ray]'") from None
    if not address:
        return  # a local cluster, started by ray.init
    timeout = RAY_CONNECT_TIMEOUT if timeout is None else timeout
    if address != "auto":
        host, _, port = address.removeprefix("ray://").rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"--ray-address must be HOST:PORT (or ray://HOST:PORT, or auto), got {address!r}")
        try:
            socket.create_connection((host.strip("[]"), int(port)), timeout=min(timeout, 5.0)).close()
        except OSError as err:
            why = err.strerror or type(err).__name__
            raise ValueError(f"cannot reach a Ray cluster at {address}: {why}") from None
    try:
        probe = subprocess.run(
            [sys.executable, "-c", _PROBE, address], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise ValueError(f"no Ray cluster answered at {address} within {timeout:.0f} s") from None
    if probe.returncode != 0:
        lines = [line for line in probe.stderr.splitlines() if line.strip()]
        raise ValueError(f"cannot connect to a Ray cluster at {address}: {lines[-1] if lines else 'no reason given'}")


def _run_ray(cells: Sequence[Cell], progress: Progress, retries: int, address: str | None) -> dict[Cell, str]:
    check_ray(None)  # installed? (an address was checked before the sweep folder was made)
    import ray

    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
    try:
        remote = ray.remote(max_retries=retries, retry_exceptions=False)(run_cell)
        done: dict[Cell, str] = {c: str(c.folder) for c in cells if cell_state(c) == "done"}
        refs = {}
        for cell in cells:
            if cell in done:
                continue
            refs[remote.options(num_cpus=cell.cpus).remote(cell)] = cell  # see Cell.cpus
        failed = 0
        with progress:
            task = progress.add_task("sweep (ray)", total=len(cells), completed=len(done), running=0, failed=0)
            pending = list(refs)
            while pending:
                progress.update(task, running=len(pending))
                ready, pending = ray.wait(pending, num_returns=1)
                cell = refs[ready[0]]
                try:
                    done[cell] = ray.get(ready[0])
                    progress.advance(task)
                except Exception as err:  # retries exhausted, or the cell raised
                    log.error("cell %s failed: %s", cell.name, err)
                    failed += 1
                    progress.update(task, failed=failed)
            progress.update(task, running=0)
        return done
    finally:
        if started_here:
            ray.shutdown()
