"""The overworld action library (issue 19): its size, and how the learner does on it, run by run.

Run from the repo root: ``PYTHONPATH=. .venv/bin/python bench/bench_overworld.py [--seeds 0-2]
[--variants original,obfuscated] [--jobs 2]``. Each run is ``adam run --actions overworld`` in its own process
(a fresh process per run, so its peak memory is its own) and prints: the diamond's step, whole-run steps and
interventions, SHD and exact actions against the ground truth, steps and interventions per exactly learned relation,
wall time and peak resident memory. The last table line gives medians.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

from rich.console import Console
from rich.table import Table

from agent.run import RunConfig, new_run
from bench.bench_conditions import parse_seeds
from env.actions import action_library
from env.catalogue import catalogue


def _one(variant: str, seed: int, out: str) -> dict:
    """One whole run on the overworld library; its figures."""
    start = time.perf_counter()
    config = RunConfig(variant=variant, seed=seed, out=out, picture=False, actions="overworld")
    result = new_run(config).loop().to_json()
    score = result["score"]
    exact = score.get("exact_actions") or 0
    return {
        "variant": variant,
        "seed": seed,
        "diamond": result["milestones"].get("diamond"),
        "steps": result["steps"],
        "interventions": result["interventions"],
        "shd": result["shd"],
        "exact": exact,
        "total": score.get("total_actions"),
        "wall": time.perf_counter() - start,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="0-2", help="a range or a list (default 0-2)")
    parser.add_argument("--variants", default="original", help="comma-separated (default original)")
    parser.add_argument("--jobs", type=int, default=2, help="runs at once (default 2)")
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
        jobs = [pool.submit(_one, v, s, out) for v in args.variants.split(",") for s in seeds]
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


if __name__ == "__main__":
    main()
