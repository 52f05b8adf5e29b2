"""Sweep throughput: runs per minute on local worker processes vs Ray tasks on a local Ray cluster,
the same grid, on this machine. Run: ``.venv/bin/python bench/bench_sweep.py [--cells 24]``."""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.harness.methods import Cell
from bench.harness.sweep import run_cells


def timed(cells: list[Cell], **kwargs) -> float:
    start = time.perf_counter()
    done = run_cells(cells, show=False, **kwargs)
    assert len(done) == len(cells)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=24)
    args = parser.parse_args()
    console = Console(width=140)
    table = Table(title=f"{args.cells} cells (ours, original, seeds 0-{args.cells - 1}), this machine")
    for col in ("executor", "wall s", "runs / minute", "per-cell agent s (median)"):
        table.add_column(col, justify="right")
    costs = []
    for name, kwargs in (("local, 1 worker", {"workers": 1}), ("local, 2 workers", {"workers": 2}),
                         ("ray (local cluster, 2 CPUs)", {"use_ray": True})):  # fmt: skip
        with tempfile.TemporaryDirectory() as out:
            cells = [Cell("ours", "original", s, out) for s in range(args.cells)]
            wall = timed(cells, **kwargs)
            walls = [json.loads(Path(c.folder, "result.json").read_text())["wall"] for c in cells]
            costs += walls
            table.add_row(name, f"{wall:.1f}", f"{60 * len(cells) / wall:.0f}", f"{statistics.median(walls):.2f}")
    console.print(table)
    console.print(f"per-cell agent time, median over all executors: {statistics.median(costs):.2f} s")


if __name__ == "__main__":
    main()
