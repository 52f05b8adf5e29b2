"""Steps to each milestone (mean ± sd over seeds) per variant, next to the paper's figures, and the
modified/original ratio. Run: ``.venv/bin/python bench/bench_milestones.py [--seeds 10]``.

Our steps are environment steps from an empty graph and inventory, learning included (every
discovery run is a step); the paper's are agent iterations. ``critical`` counts parallel samples as
one (ADAM "Parallel").
"""

from __future__ import annotations

import argparse
import statistics
import tempfile

from rich.console import Console
from rich.table import Table

from agent.milestones import union
from agent.run import RunConfig, new_run

VARIANTS = ["original", "adam_modified", "obfuscated"] + [f"random:{k}" for k in range(5)]
PAPER = {"original": "34±7 (Parallel)", "adam_modified": "61±18 (Parallel, 2/3), ADAM 109±34"}


def fmt(values: list[float]) -> str:
    if not values:
        return "-"
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.0f}±{sd:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--samples", type=int, default=1)
    args = parser.parse_args()
    console = Console(width=170)
    diamond_mean = {}
    with tempfile.TemporaryDirectory() as out:
        by_variant = {
            variant: [
                new_run(RunConfig(variant=variant, seed=s, out=out, picture=False, samples=args.samples)).loop()
                for s in range(args.seeds)
            ]
            for variant in VARIANTS
        }
    labels = union(r.milestone_order for results in by_variant.values() for r in results)  # the world's milestones
    table = Table(title=f"steps to milestones, seeds 0-{args.seeds - 1}, samples={args.samples} (mean±sd)")
    for col in ("variant", "reached", *labels, "diamond (critical)", "agent s (median)", "SHD max", "paper"):
        table.add_column(col, justify="right")
    for variant, results in by_variant.items():
        per = {m: [r.milestones[m]["step"] for r in results if m in r.milestones] for m in labels}
        critical = [r.milestones["diamond"]["critical_step"] for r in results if "diamond" in r.milestones]
        walls = [r.milestones["diamond"]["wall"] for r in results if "diamond" in r.milestones]
        diamond_mean[variant] = statistics.mean(per["diamond"]) if per["diamond"] else float("nan")
        table.add_row(
            variant,
            f"{sum(r.goal_reached for r in results)}/{len(results)}",
            *(fmt(per[m]) for m in labels),
            fmt(critical),
            f"{statistics.median(walls):.2f}" if walls else "-",
            str(max(r.score["shd"] for r in results)),
            PAPER.get(variant, ""),
        )
    console.print(table)
    ratio = diamond_mean["adam_modified"] / diamond_mean["original"]
    console.print(f"steps to diamond, adam_modified / original: {ratio:.2f} (paper, Parallel: 61/34 = 1.79)")


if __name__ == "__main__":
    main()
