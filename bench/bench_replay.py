"""Replay time for a run log of at least 10,000 events (target < 1 s), from the run folder alone.
Run: ``.venv/bin/python bench/bench_replay.py [--events 10000] [--repeats 7] [--run RUN_DIR]``.

The log comes from a real run: four goals and many parallel samples per action (ADAM "Parallel"),
doubled until the log holds ``--events`` events. Times are medians over ``--repeats``: reading the
folder (``events.jsonl`` parsed line by line, ``graph.json``, ``result.json``), the analysis (graph
rebuilt and checked, phases, milestones, failures), both together, and, once each, the report (graph
picture, timeline, HTML page) and the aggregate of the same run given five times.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from agent.replay.aggregate import aggregate
from agent.replay.analysis import analyse, replay
from agent.replay.load import load_run
from agent.replay.report import write_report
from agent.run import RunConfig, new_run

GOALS = ("diamond", "golden_sword", "diamond_sword", "diamond_pickaxe")
TARGET_S = 1.0


def big_run(out: Path, min_events: int, console: Console) -> Path:
    """A real run folder whose log holds at least ``min_events`` events."""
    samples = 64
    while True:
        config = RunConfig(goals=GOALS, samples=samples, out=str(out), name=f"samples{samples}", picture=False)
        folder = new_run(config).loop().run_dir
        with (folder / "events.jsonl").open("rb") as f:
            events = sum(1 for _ in f)
        console.print(f"run with {samples} samples per action: {events} events")
        if events >= min_events:
            return folder
        samples *= 2


def median_time(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time of ``fn`` over ``repeats`` calls, and its last result."""
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000, help="at least this many events (default 10000)")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--run", help="use this run folder instead of making one")
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.run) if args.run else big_run(Path(tmp), args.events, console)
        run = load_run(folder)
        t_load, _ = median_time(lambda: load_run(folder), args.repeats)
        t_analyse, analysis = median_time(lambda: analyse(run), args.repeats)
        t_replay, analysis = median_time(lambda: replay(folder), args.repeats)
        t_report, _ = median_time(lambda: write_report(analysis, Path(tmp) / "report"), 1)
        t_aggregate, agg = median_time(lambda: aggregate([folder] * 5), 1)
    table = Table(title=f"replay of {len(analysis.run.events)} events ({folder.name}), median of {args.repeats}")
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    table.add_column("events / s", justify="right")
    n = len(analysis.run.events)
    rows = [
        ("read the run folder", t_load),
        ("analyse (graph rebuilt + checked, phases, milestones)", t_analyse),
        ("replay = read + analyse", t_replay),
        ("report: graph picture, timeline, HTML (once)", t_report),
        ("aggregate of 5 copies (once)", t_aggregate),
    ]
    for stage, seconds in rows:
        table.add_row(stage, f"{seconds:.3f}", f"{n / seconds:,.0f}")
    ok = t_replay < TARGET_S
    table.caption = (
        f"{analysis.steps} steps, {analysis.interventions} interventions; graph check "
        f"{'equal' if analysis.graph_check.equal else 'DIFFERS'}; aggregate n={agg['n']}; "
        f"target replay < {TARGET_S:.0f} s: {'met' if ok else 'MISSED'}"
    )
    console.print(table)


if __name__ == "__main__":
    main()
