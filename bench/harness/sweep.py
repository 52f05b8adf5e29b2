"""Run a grid of cells (method × variant × seed) on local worker processes or as Ray tasks.

Cells are idempotent (:func:`bench.harness.methods.run_cell`): a finished cell is skipped, a cell
whose worker died resumes from its checkpoint. A dead worker is retried a bounded number of times;
a restarted sweep skips what is done. Progress shows cells done / running / failed with an ETA.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from bench.harness.methods import Cell, cell_state, run_cell

log = logging.getLogger(__name__)


def _quiet_worker() -> None:
    logging.getLogger().setLevel(logging.ERROR)  # per-run warnings are in each run folder


def _progress(show: bool) -> Progress:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("running {task.fields[running]}  failed {task.fields[failed]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    return Progress(*columns, disable=not show, transient=False)


def run_cells(
    cells: Sequence[Cell],
    workers: int | None = None,
    show: bool = True,
    retries: int = 2,
    ray_address: str | None = None,
    use_ray: bool = False,
) -> dict[Cell, str]:
    """Run every cell; returns cell -> run folder for the cells that finished."""
    if use_ray or ray_address:
        return _run_ray(cells, show, retries, ray_address)
    return _run_local(cells, workers or os.cpu_count() or 1, show, retries)


def _run_local(cells: Sequence[Cell], workers: int, show: bool, retries: int) -> dict[Cell, str]:
    done: dict[Cell, str] = {c: str(c.folder) for c in cells if cell_state(c) == "done"}
    todo = [c for c in cells if c not in done]
    attempts = {c: 0 for c in todo}
    failed: list[Cell] = []
    with _progress(show) as progress:
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
    return done


def _retry_or_fail(cell: Cell, attempts: dict, retries: int, todo: list, failed: list, why: str) -> None:
    if attempts[cell] <= retries:
        todo.append(cell)
    else:
        log.error("cell %s failed: %s (%d attempts)", cell.name, why, attempts[cell])
        failed.append(cell)


def _run_ray(cells: Sequence[Cell], show: bool, retries: int, address: str | None) -> dict[Cell, str]:
    try:
        import ray
    except ImportError:
        raise ValueError("--ray needs the optional extra: pip install 'adam-agent[ray]'") from None
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
        with _progress(show) as progress:
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
        return done
    finally:
        if started_here:
            ray.shutdown()
