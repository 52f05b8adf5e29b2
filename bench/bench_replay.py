"""Replay time per 10,000 events of a run log (target < 1 s), from the run folder alone.
Run: ``.venv/bin/python bench/bench_replay.py [--repeats 7] [--run RUN_DIR]``.

The log comes from the largest real run ``adam run`` makes: four goals and the most parallel samples per
action it allows (``--samples 32``, ADAM "Parallel"; about 7,000 events), so the target is checked on
the time per 10,000 events (replay is linear in the log). Times are medians over ``--repeats``: reading the
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
from agent.run import MAX_SAMPLES, RunConfig, new_run

GOALS = ("diamond", "golden_sword", "diamond_sword", "diamond_pickaxe")
TARGET_S = 1.0


def big_run(out: Path, console: Console) -> Path:
    """The largest real run folder ``adam run`` makes: four goals, the most samples per action."""
    config = RunConfig(goals=GOALS, samples=MAX_SAMPLES, out=str(out), name=f"samples{MAX_SAMPLES}", picture=False)
    folder = new_run(config).loop().run_dir
    with (folder / "events.jsonl").open("rb") as f:
        events = sum(1 for _ in f)
    console.print(f"run with {MAX_SAMPLES} samples per action: {events} events")
    return folder


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
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--run", help="use this run folder instead of making one")
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.run) if args.run else big_run(Path(tmp), console)
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
    per_10k = t_replay * 10_000 / n
    ok = per_10k < TARGET_S
    table.caption = (
        f"{analysis.steps} steps, {analysis.interventions} interventions; graph check "
        f"{'equal' if analysis.graph_check.equal else 'DIFFERS'}; aggregate n={agg['n']}; "
        f"replay per 10,000 events {per_10k:.3f} s, target < {TARGET_S:.0f} s: {'met' if ok else 'MISSED'}"
    )
    console.print(table)


if __name__ == "__main__":
    main()
