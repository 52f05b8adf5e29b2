"""``adam bench``: the grid, the tables (markdown + JSON), a plot, in one bench run folder."""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.harness.methods import METHODS, Cell
from bench.harness.sweep import run_cells
from bench.harness.tables import graph_table, markdown, milestone_table, summarise

VARIANTS = ("original", "adam_modified", "obfuscated", "random:0", "random:1", "random:2", "random:3", "random:4")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="regenerate the paper's tables on the simulator (methods x variants x seeds)")
    p.add_argument("--quick", action="store_true", help="3 seeds (all methods, all variants)")
    p.add_argument("--seeds", type=int, default=10, help="seeds per cell (default 10)")
    p.add_argument("--methods", default=",".join(METHODS), help=f"comma list (default {','.join(METHODS)})")
    p.add_argument("--variants", default=",".join(VARIANTS), help="comma list (default: all eight)")
    p.add_argument("--workers", type=int, default=0, help="worker processes (default: one per core)")
    p.add_argument("--out", default="bench/out", help="folder for bench run folders (default bench/out)")
    p.add_argument("--llm", metavar="openai:MODEL", help="endpoint model for the ours_llm method")
    p.add_argument("--base-url", help="endpoint for --llm (default $OPENAI_BASE_URL)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or tables")
    p.set_defaults(bench_handler=bench_command)


def _rich(rows: list[list[str]], title: str) -> Table:
    table = Table(title=title)
    for col in rows[0]:
        table.add_column(col, justify="right")
    for row in rows[1:]:
        table.add_row(*row)
    return table


def _plot(summary: dict[str, dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 4.5), dpi=110)
    ax = fig.add_subplot()
    methods = list(summary)
    variants = sorted(
        {v for by in summary.values() for v in by},
        key=lambda v: (v not in VARIANTS, VARIANTS.index(v) if v in VARIANTS else 0),
    )
    width = 0.8 / max(len(methods), 1)
    for i, method in enumerate(methods):
        means, sds = [], []
        for v in variants:
            step = summary[method].get(v, {}).get("milestones", {}).get("diamond", {}).get("step", {})
            means.append(step.get("mean") or 0.0)
            sds.append(step.get("sd") or 0.0)
        xs = [j + i * width for j in range(len(variants))]
        ax.bar(xs, means, width, yerr=sds, label=method, capsize=2)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(variants))], variants, rotation=20)
    ax.set_ylabel("environment steps to diamond (mean ± sd; 0 = never)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)


def bench_command(args: argparse.Namespace) -> int:
    seeds = 3 if args.quick else args.seeds
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = set(methods) - set(METHODS)
    if unknown:
        raise ValueError(f"unknown method(s) {sorted(unknown)}; methods: {', '.join(METHODS)}")
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    folder = Path(args.out) / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    runs_dir = folder / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    skipped = []
    if "ours_llm" in methods and not args.llm:
        methods.remove("ours_llm")
        skipped.append("ours_llm: not run (no --llm endpoint configured)")
    cells = [
        Cell(m, v, s, str(runs_dir), args.llm, args.base_url) for m in methods for v in variants for s in range(seeds)
    ]
    start = time.perf_counter()
    done = run_cells(cells, workers=args.workers or None, show=not args.quiet)
    wall = time.perf_counter() - start
    grouped: dict[tuple[str, str], list[str]] = {}
    for cell, run_dir in done.items():
        grouped.setdefault((cell.method, cell.variant), []).append(run_dir)
    summary = summarise(grouped)
    tables = {"graph": graph_table(summary)}
    for variant in variants:
        tables[f"milestones {variant}"] = milestone_table(summary, variant)
    runs_line = f"seeds 0-{seeds - 1}; methods {', '.join(methods)}; {len(done)}/{len(cells)} runs in {wall:.0f} s"
    md = [f"# adam bench — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "", runs_line, ""]
    md += [f"- {s}" for s in skipped] + ([""] if skipped else [])
    for title, rows in tables.items():
        md += [f"## {title}", "", markdown(rows), ""]
    (folder / "tables.md").write_text("\n".join(md))
    (folder / "results.json").write_text(
        json.dumps({"seeds": seeds, "methods": methods, "variants": variants, "wall": wall, "skipped": skipped,
                    "summary": summary, "tables": tables, "failed_cells": len(cells) - len(done)}, indent=1)
    )  # fmt: skip
    _plot(summary, folder / "diamond_steps.png")
    if not args.quiet:
        console = Console(width=160)
        for title, rows in tables.items():
            console.print(_rich(rows, title))
        for s in skipped:
            console.print(s)
        console.print(f"{len(done)}/{len(cells)} runs in {wall:.0f} s; tables, JSON and plot in {folder}")
    return 0 if len(done) == len(cells) else 1
