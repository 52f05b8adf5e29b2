"""Run a grid of cells (method × variant × seed) in local worker processes, with a progress bar."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from bench.harness.methods import Cell, run_cell

log = logging.getLogger(__name__)


def _quiet_worker() -> None:
    logging.getLogger().setLevel(logging.ERROR)  # per-run warnings are in each run folder


def run_cells(cells: Sequence[Cell], workers: int | None = None, show: bool = True) -> dict[Cell, str]:
    """Run every cell; returns cell -> run folder. A cell that raises is reported and left out."""
    workers = workers or os.cpu_count() or 1
    done: dict[Cell, str] = {}
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, disable=not show, transient=False) as progress:
        task = progress.add_task("bench runs", total=len(cells))
        if workers == 1:
            for cell in cells:
                done[cell] = run_cell(cell)
                progress.advance(task)
            return done
        with ProcessPoolExecutor(max_workers=workers, initializer=_quiet_worker) as pool:
            futures = {pool.submit(run_cell, cell): cell for cell in cells}
            for future in as_completed(futures):
                cell = futures[future]
                try:
                    done[cell] = future.result()
                except Exception as err:  # one broken cell must not lose the sweep
                    log.error("cell %s failed: %s", cell.name, err)
                progress.advance(task)
    return done
