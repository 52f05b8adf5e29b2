"""The overworld action library (issue 19): its size, and how the learner does on it, run by run.

Run from the repo root: ``PYTHONPATH=. .venv/bin/python bench/bench_overworld.py [--seeds 0-2]
[--variants original,obfuscated] [--jobs 2] [--goals 100]``. Each run is ``adam run --actions overworld`` in its own
process (a fresh process per run, so its peak memory is its own) and prints: the diamond's step, whole-run steps and
interventions, SHD and exact actions against the ground truth, steps and interventions per exactly learned relation,
wall time and peak resident memory. The last table line gives medians.

With ``--goals N``, after each run N goal items drawn at random (seeded by the run's seed) from those the world can
produce (its ground truth's yields: the bench's choice, never the agent's) are each pursued from an empty inventory
in a fresh world of the same seed, planning on the graph the run learned and learning nothing more (``adam run``
with that graph and ``learning=False``): how many were reached, and the median and largest steps to one.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from rich.console import Console
from rich.table import Table

from agent.run import RunConfig, new_run
from bench.bench_conditions import parse_seeds
from causal_graph.graph import CausalGraph
from env.actions import action_library
from env.catalogue import catalogue


def _goals(config: RunConfig, graph: CausalGraph, count: int) -> dict:
    """``count`` random goal items the world can produce, each pursued from nothing on ``graph`` (no learning)."""
    world = catalogue(config.variant, config.seed, "overworld")
    makeable = sorted({item for rel in world.true_relations() for item in rel.yields})
    goals = random.Random(config.seed).sample(makeable, min(count, len(makeable)))
    steps, missed = [], []
    for goal in goals:
        pursuit = replace(config, goals=(goal,), learning=False, prior="learned", explore_rounds=0, max_steps=2_000)
        result = new_run(pursuit, prior_graph=graph).loop()
        if result.goal_reached:
            steps.append(result.steps)
        else:
            missed.append(goal)
    return {"goals": len(goals), "reached": len(steps), "goal_steps": steps, "missed": missed}


def _one(variant: str, seed: int, out: str, goals: int = 0) -> dict:
    """One whole run on the overworld library; its figures (with ``goals``, those of :func:`_goals` too)."""
    start = time.perf_counter()
    config = RunConfig(variant=variant, seed=seed, out=out, picture=False, actions="overworld")
    run = new_run(config).loop()
    result = run.to_json()
    score = result["score"]
    exact = score.get("exact_actions") or 0
    wall = time.perf_counter() - start
    pursued = _goals(config, CausalGraph.load(run.run_dir / "graph.json"), goals) if goals else {}
    return {
        "variant": variant,
        "seed": seed,
        "diamond": result["milestones"].get("diamond"),
        "steps": result["steps"],
        "interventions": result["interventions"],
        "shd": result["shd"],
        "exact": exact,
        "total": score.get("total_actions"),
        "wall": wall,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **pursued,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="0-2", help="a range or a list (default 0-2)")
    parser.add_argument("--variants", default="original", help="comma-separated (default original)")
    parser.add_argument("--jobs", type=int, default=2, help="runs at once (default 2)")
    parser.add_argument("--goals", type=int, default=0, help="random goal items pursued after each run (default 0)")
    args = parser.parse_args()
    try:
        seeds = parse_seeds(args.seeds)
    except ValueError as err:
        parser.error(str(err))
    console = Console(width=160)
    library = [s for s in action_library("overworld") if not s.is_movement]
    kinds = Counter(s.kind for s in library)
    items = len(catalogue("original", 0, "overworld").real_items)
    console.print(f"overworld library: {len(library)} actions ({dict(kinds)}), {items} items")
    table = Table(title="adam run --actions overworld")
    for column in ("variant", "seed", "diamond", "steps", "interventions", "SHD", "exact", "steps/rel", "int/rel",
                   "wall s", "peak MiB"):  # fmt: skip
        table.add_column(column, justify="right")
    with tempfile.TemporaryDirectory() as out, ProcessPoolExecutor(args.jobs, max_tasks_per_child=1) as pool:
        jobs = [pool.submit(_one, v, s, out, args.goals) for v in args.variants.split(",") for s in seeds]
        rows = [job.result() for job in jobs]
    for r in rows:
        per = (r["steps"] / r["exact"], r["interventions"] / r["exact"]) if r["exact"] else (float("nan"),) * 2
        table.add_row(r["variant"], str(r["seed"]), str(r["diamond"] or "-"), str(r["steps"]), str(r["interventions"]),
                      str(r["shd"]), f"{r['exact']}/{r['total']}", f"{per[0]:.1f}", f"{per[1]:.1f}",
                      f"{r['wall']:.0f}", f"{r['peak_mib']:.0f}")  # fmt: skip
    med = statistics.median
    reached = [r["diamond"] for r in rows if r["diamond"]]
    table.add_row("median", "", str(med(reached)) if reached else "-", f"{med(r['steps'] for r in rows):.0f}",
                  f"{med(r['interventions'] for r in rows):.0f}", f"{med(r['shd'] for r in rows)}", "", "", "",
                  f"{med(r['wall'] for r in rows):.0f}", f"{med(r['peak_mib'] for r in rows):.0f}")  # fmt: skip
    console.print(table)
    if args.goals:
        goals = Table(title=f"{args.goals} random goal items per run, each from nothing on the learned graph")
        for column in ("variant", "seed", "reached", "median steps", "max steps", "missed"):
            goals.add_column(column, justify="right")
        for r in rows:
            spent = r["goal_steps"] or [0]
            goals.add_row(r["variant"], str(r["seed"]), f"{r['reached']}/{r['goals']}", f"{med(spent):.0f}",
                          str(max(spent)), ", ".join(r["missed"][:5]) or "-")  # fmt: skip
        every = [n for r in rows for n in r["goal_steps"]] or [0]
        goals.add_row("all", "", f"{sum(r['reached'] for r in rows)}/{sum(r['goals'] for r in rows)}",
                      f"{med(every):.0f}", str(max(every)), "")  # fmt: skip
        console.print(goals)


if __name__ == "__main__":
    main()
