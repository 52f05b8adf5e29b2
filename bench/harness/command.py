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
from bench.harness.tables import fmt, graph_table, markdown, milestone_table, summarise

DEFAULT_METHODS = tuple(m for m in METHODS if m != "live")  # live runs take minutes each: ask for them

VARIANTS = ("original", "adam_modified", "obfuscated", "random:0", "random:1", "random:2", "random:3", "random:4")


def _grid_arguments(p: argparse.ArgumentParser, default_out: str) -> None:
    p.add_argument("--seeds", type=int, default=10, help="seeds per cell (default 10)")
    p.add_argument(
        "--methods",
        default=",".join(DEFAULT_METHODS),
        help=f"comma list of {', '.join(METHODS)} (default: all but live)",
    )
    p.add_argument("--variants", default=",".join(VARIANTS), help="comma list (default: all eight)")
    p.add_argument("--llm", metavar="openai:MODEL", action="append", help="model(s) for the ours_llm method")
    p.add_argument("--base-url", help="endpoint for --llm (default $OPENAI_BASE_URL)")
    p.add_argument("--max-steps", type=int, default=20_000, help="environment step budget per run (default 20000)")
    p.add_argument("--workers", type=int, default=0, help="local worker processes (default 0: one per core)")
    p.add_argument(
        "--ray", action="store_true", help="run the cells as Ray tasks (a local Ray cluster unless --ray-address)"
    )
    p.add_argument("--ray-address", help="address of a running Ray cluster (implies --ray)")
    p.add_argument("--retries", type=int, default=2, help="retries of a cell whose worker died (default 2)")
    p.add_argument("--out", default=default_out, help=f"parent folder of sweep folders (default {default_out})")
    p.add_argument("--name", help="sweep folder name; run again with the same name to finish an interrupted sweep")
    p.add_argument("--quiet", action="store_true", help="no progress bar or tables")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``adam bench`` and ``adam sweep``."""
    p = sub.add_parser("bench", help="regenerate the paper's tables on the simulator (methods x variants x seeds)")
    p.add_argument("--quick", action="store_true", help="3 seeds (all methods, all variants)")
    _grid_arguments(p, "bench/out")
    p.set_defaults(bench_handler=bench_command)
    p = sub.add_parser("sweep", help="run a grid of independent runs (locally or on Ray) and aggregate them")
    _grid_arguments(p, "runs/sweeps")
    p.set_defaults(bench_handler=sweep_command, quick=False)


def grid(args: argparse.Namespace) -> tuple[list[Cell], list[str], Path, list[str]]:
    """The cells of the command line's grid, the methods run, the sweep folder, and skipped notes."""
    seeds = 3 if args.quick else args.seeds
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = set(methods) - set(METHODS)
    if unknown:
        raise ValueError(f"unknown method(s) {sorted(unknown)}; methods: {', '.join(METHODS)}")
    if seeds < 1:
        raise ValueError(f"--seeds must be at least 1, got {seeds}")
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    folder = Path(args.out) / (args.name or datetime.now(UTC).strftime("%Y%m%d-%H%M%S"))
    runs_dir = folder / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    skipped = []
    models = args.llm or []
    for m in ("ours_llm", "adam_llm"):
        if m in methods and not models:
            methods.remove(m)
            skipped.append(f"{m}: not run (no --llm endpoint configured)")
    cells = []
    for m in methods:
        for llm in models if m in ("ours_llm", "adam_llm") else [None]:
            cells += [
                Cell(m, v, s, str(runs_dir), llm, args.base_url, args.max_steps)
                for v in variants
                for s in range(seeds)
                if m != "live" or v == "original"  # the live game has the original rules only
            ]
    return cells, methods, folder, skipped


def _execute(args: argparse.Namespace, cells: list[Cell]) -> tuple[dict[Cell, str], float]:
    start = time.perf_counter()
    done = run_cells(
        cells,
        workers=args.workers or None,
        show=not args.quiet,
        retries=args.retries,
        ray_address=args.ray_address,
        use_ray=args.ray,
    )
    return done, time.perf_counter() - start


def _grouped(done: dict[Cell, str]) -> dict[tuple[str, str], list[str]]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for cell, run_dir in sorted(done.items(), key=lambda kv: kv[0].name):
        method = f"{cell.method}:{cell.llm}" if cell.llm_bound else cell.method
        grouped.setdefault((method, cell.variant), []).append(run_dir)
    return grouped


def sweep_command(args: argparse.Namespace) -> int:
    cells, _, folder, skipped = grid(args)
    done, wall = _execute(args, cells)
    summary = summarise(_grouped(done))
    rows = [["method", "variant", "runs", "goal reached", "diamond step", "steps", "interventions", "SHD"]]
    for method, by_variant in summary.items():
        for variant, agg in by_variant.items():
            d = agg["milestones"].get("diamond", {})
            reached = f"{agg['goal_reached']['count']}/{agg['n']}"
            figures = [fmt(d.get("step")), fmt(agg["steps"]), fmt(agg["interventions"]), fmt(agg["shd"])]
            rows.append([method, variant, str(agg["n"]), reached, *figures])
    (folder / "sweep.json").write_text(
        json.dumps({"cells": [c.name for c in cells], "finished": len(done), "wall": wall, "skipped": skipped,
                    "summary": summary, "table": rows}, indent=1)
    )  # fmt: skip
    (folder / "table.md").write_text(markdown(rows) + "\n")
    if not args.quiet:
        console = Console(width=160)
        console.print(_rich(rows, f"sweep {folder.name}"))
        console.print(f"{len(done)}/{len(cells)} cells in {wall:.0f} s; {folder}")
    return 0 if len(done) == len(cells) else 1


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
    cells, methods, folder, skipped = grid(args)
    seeds = 3 if args.quick else args.seeds
    variants = sorted(
        {c.variant for c in cells}, key=lambda v: (v not in VARIANTS, VARIANTS.index(v) if v in VARIANTS else 0, v)
    )
    done, wall = _execute(args, cells)
    summary = summarise(_grouped(done))
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
