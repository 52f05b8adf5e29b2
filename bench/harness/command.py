"""``adam bench`` and ``adam sweep``: the grid, the tables (markdown + JSON), a plot, in one sweep folder
that remembers its configuration (:mod:`bench.harness.config`)."""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from bench.harness.config import SweepConfig, claim
from bench.harness.methods import METHODS, Cell, cell_config
from bench.harness.plot import milestone_plot
from bench.harness.sweep import check_ray, run_cells
from bench.harness.tables import (
    UNITS,
    graph_table,
    llm_notes,
    markdown,
    milestone_table,
    summarise,
    sweep_table,
    terminal_table,
)

DEFAULT_METHODS = tuple(m for m in METHODS if m != "live")  # live runs take minutes each: ask for them
LLM_METHODS = ("ours_llm", "adam_llm")

VARIANTS = ("original", "adam_modified", "obfuscated", "random:0", "random:1", "random:2", "random:3", "random:4")

BENCH_EXAMPLES = """\
examples:
  # what CI runs: 3 seeds of every method but live, on all eight variants
  adam bench --quick
  # ours against ADAM's procedure on the paper's two games, 10 seeds
  adam bench --methods ours,adam --variants original,adam_modified --seeds 10
  # with a model (a run that never reached it is marked: not an LLM result)
  adam bench --methods ours,ours_llm --llm openai:gpt-4o-mini \\
      --base-url http://127.0.0.1:8000/v1
"""
SWEEP_EXAMPLES = """\
examples:
  # 20 seeds of ours on the original game, in runs/sweeps/s1
  adam sweep --methods ours --variants original --seeds 20 --name s1
  # the same command again finishes an interrupted s1 (other settings: refused)
  adam sweep --methods ours --variants original --seeds 20 --name s1
  # on a running Ray cluster
  adam sweep --methods ours,adam --ray-address 10.0.0.5:6379 --name big
"""
BENCH_DESCRIPTION = """\
The paper's tables (SHD; steps to each milestone) regenerated on the simulator
for several methods, variants and seeds: tables.md, results.json and
diamond_steps.png in one folder under --out."""
SWEEP_DESCRIPTION = """\
A grid of independent runs (one run folder per cell) on local worker processes
or as Ray tasks, aggregated into sweep.json and table.md. The folder remembers
its settings (config.json)."""


def _grid_arguments(p: argparse.ArgumentParser, default_out: str) -> None:
    p.add_argument("--seeds", type=int, default=10, help="seeds per cell, 0 to N-1 (default 10)")
    p.add_argument(
        "--methods",
        default=",".join(DEFAULT_METHODS),
        help=f"comma list of {', '.join(METHODS)} (default: all but live; the _llm ones only with --llm)",
    )
    p.add_argument("--variants", default=",".join(VARIANTS), help=f"comma list (default: {', '.join(VARIANTS)})")
    p.add_argument(
        "--llm",
        metavar="openai:MODEL",
        action="append",
        help="model for the ours_llm and adam_llm methods (repeat for several); a run that never reached the "
        "model is marked and left out of the LLM rows",
    )
    p.add_argument("--base-url", help="endpoint for --llm (default $OPENAI_BASE_URL; the key from $OPENAI_API_KEY)")
    p.add_argument("--max-steps", type=int, default=20_000, help="environment step budget per run (default 20000)")
    p.add_argument("--workers", type=int, default=0, help="local worker processes (default 0: one per core)")
    p.add_argument(
        "--ray", action="store_true", help="run the cells as Ray tasks (a local Ray cluster unless --ray-address)"
    )
    p.add_argument(
        "--ray-address",
        metavar="HOST:PORT",
        help="a running Ray cluster (implies --ray; given up after 15 s without an answer)",
    )
    p.add_argument("--retries", type=int, default=2, help="retries of a cell whose worker died (default 2)")
    p.add_argument("--out", default=default_out, help=f"parent folder of sweep folders (default {default_out})")
    p.add_argument(
        "--name",
        help="sweep folder name (default: the UTC time); the same name with the same settings finishes an "
        "interrupted sweep, with other settings it is refused",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar or tables (warnings only)")


def add_bench_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``adam bench`` (the ``adam.commands`` entry point ``bench``, see :mod:`agent.plugins`)."""
    p = sub.add_parser(
        "bench",
        help="regenerate the paper's tables on the simulator (methods x variants x seeds)",
        description=BENCH_DESCRIPTION,
        epilog=BENCH_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--quick", action="store_true", help="3 seeds (all methods, all variants; CI runs it)")
    _grid_arguments(p, "bench/out")
    p.set_defaults(command_handler=bench_command)
    return p


def add_sweep_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``adam sweep`` (the ``adam.commands`` entry point ``sweep``, see :mod:`agent.plugins`)."""
    p = sub.add_parser(
        "sweep",
        help="run a grid of independent runs (locally or on Ray) and aggregate them",
        description=SWEEP_DESCRIPTION,
        epilog=SWEEP_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _grid_arguments(p, "runs/sweeps")
    p.set_defaults(command_handler=sweep_command, quick=False)
    return p


@dataclass(frozen=True)
class Grid:
    """A command line's sweep: its cells, the methods run, the folder, notes on what was skipped, and
    the configuration the folder must have."""

    cells: list[Cell]
    methods: list[str]
    folder: Path
    skipped: list[str]
    config: SweepConfig


def _names(text: str) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))


def grid(args: argparse.Namespace) -> Grid:
    """The grid of the command line, checked (ValueError, one line); nothing is created."""
    seeds = 3 if args.quick else args.seeds
    methods, variants = _names(args.methods), _names(args.variants)
    unknown = set(methods) - set(METHODS)
    if unknown:
        raise ValueError(f"unknown method(s) {sorted(unknown)}; methods: {', '.join(METHODS)}")
    for option, value, least in (("--seeds", seeds, 1), ("--max-steps", args.max_steps, 1),
                                 ("--workers", args.workers, 0), ("--retries", args.retries, 0)):  # fmt: skip
        if value < least:
            raise ValueError(f"{option} must be at least {least}, got {value}")
    if not methods or not variants:
        raise ValueError("--methods and --variants each need at least one name")
    if args.name is not None and (not args.name or any(c in args.name for c in "/\\\0") or args.name in (".", "..")):
        raise ValueError(f"--name must be a plain name (no path separators, not . or ..), got {args.name!r}")
    models = list(dict.fromkeys(args.llm or []))
    base_url = (args.base_url or os.environ.get("OPENAI_BASE_URL")) if models else None
    config = SweepConfig(tuple(methods), tuple(variants), seeds, args.max_steps, tuple(models), base_url)
    folder = Path(args.out) / (args.name or datetime.now(UTC).strftime("%Y%m%d-%H%M%S"))
    runs_dir = str(folder / "runs")
    skipped = []
    for m in LLM_METHODS:
        if m in methods and not models:
            methods.remove(m)
            skipped.append(f"{m}: not run (no --llm endpoint configured)")
    cells = []
    for m in methods:
        for llm in models if m in LLM_METHODS else [None]:
            cells += [
                Cell(m, v, s, runs_dir, llm, args.base_url, args.max_steps)
                for v in variants
                for s in range(seeds)
                if m != "live" or v == "original"  # the live game has the original rules only
            ]
    return Grid(cells, methods, folder, skipped, config)


def check_llm_endpoints(cells: list[Cell]) -> None:
    """ValueError (one line) when the endpoint of an LLM cell cannot be reached at all: every such cell
    would play offline (and be marked so), so the sweep is refused before it starts, as ``adam run`` is."""
    from agent.run import llm_preflight

    for llm in dict.fromkeys(c.llm for c in cells if c.llm_bound):
        cell = next(c for c in cells if c.llm == llm)
        why = llm_preflight(replace(cell_config(cell), llm_fallback="offline"))  # the reason, not its error
        if why:
            raise ValueError(f"{why}; check --base-url or $OPENAI_BASE_URL (its cells would play offline)")


def prepare(args: argparse.Namespace) -> Grid:
    """Check the command line, Ray's address and the LLM endpoints, then make or reuse the sweep folder."""
    g = grid(args)
    if args.ray or args.ray_address:
        check_ray(args.ray_address)
    check_llm_endpoints(g.cells)
    claim(g.folder, g.config)
    return g


def _execute(args: argparse.Namespace, cells: list[Cell], console: Console | None) -> tuple[dict[Cell, str], float]:
    start = time.perf_counter()
    done = run_cells(
        cells,
        workers=args.workers or None,
        show=not args.quiet,
        retries=args.retries,
        ray_address=args.ray_address,
        use_ray=args.ray,
        console=console,
    )
    return done, time.perf_counter() - start


def _grouped(done: dict[Cell, str]) -> dict[tuple[str, str], list[str]]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for cell, run_dir in sorted(done.items(), key=lambda kv: kv[0].name):
        method = f"{cell.method}:{cell.llm}" if cell.llm_bound else cell.method
        grouped.setdefault((method, cell.variant), []).append(run_dir)
    return grouped


def sweep_command(args: argparse.Namespace, console: Console | None = None) -> int:
    g = prepare(args)
    done, wall = _execute(args, g.cells, console)
    summary = summarise(_grouped(done))
    rows, notes = sweep_table(summary), g.skipped + llm_notes(summary)
    (g.folder / "sweep.json").write_text(
        json.dumps({"config": g.config.to_dict(), "cells": [c.name for c in g.cells], "finished": len(done),
                    "wall": wall, "skipped": g.skipped, "notes": notes, "summary": summary, "table": rows}, indent=1)
    )  # fmt: skip
    (g.folder / "table.md").write_text(markdown(rows) + "\n" + "".join(f"\n- {n}" for n in notes) + "\n")
    if not args.quiet:
        out = Console()
        out.print(terminal_table(rows, f"sweep {g.folder.name}", out.width))
        for note in notes:
            out.print(note)
        out.print(f"{len(done)}/{len(g.cells)} cells in {wall:.0f} s; {g.folder}")
    return 0 if len(done) == len(g.cells) else 1


def bench_command(args: argparse.Namespace, console: Console | None = None) -> int:
    g = prepare(args)
    seeds = g.config.seeds
    variants = sorted(
        {c.variant for c in g.cells}, key=lambda v: (v not in VARIANTS, VARIANTS.index(v) if v in VARIANTS else 0, v)
    )
    done, wall = _execute(args, g.cells, console)
    summary = summarise(_grouped(done))
    tables = {"graph": graph_table(summary)}
    for variant in variants:
        tables[f"milestones {variant}"] = milestone_table(summary, variant)
    notes = g.skipped + llm_notes(summary)
    runs_line = f"seeds 0-{seeds - 1}; methods {', '.join(g.methods)}; {len(done)}/{len(g.cells)} runs in {wall:.0f} s"
    md = [f"# adam bench — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "", runs_line, ""]
    md += [f"- {s}" for s in notes] + ([""] if notes else [])
    for title, rows in tables.items():
        md += [f"## {title}", "", *([f"{UNITS}.", ""] if title.startswith("milestones") else []), markdown(rows), ""]
    (g.folder / "tables.md").write_text("\n".join(md))
    (g.folder / "results.json").write_text(
        json.dumps({"config": g.config.to_dict(), "seeds": seeds, "methods": g.methods, "variants": variants,
                    "wall": wall, "skipped": g.skipped, "notes": notes, "summary": summary, "tables": tables,
                    "failed_cells": len(g.cells) - len(done)}, indent=1)
    )  # fmt: skip
    measured = {m: {v: agg for v, agg in by.items() if agg["n"]} for m, by in summary.items()}  # no LLM run: no bar
    milestone_plot({m: by for m, by in measured.items() if by}, g.folder / "diamond_steps.png", "diamond", variants)
    if not args.quiet:
        out = Console()
        for title, rows in tables.items():
            units = f" ({UNITS})" if title.startswith("milestones") else ""
            out.print(terminal_table(rows, title + units, out.width))
        for note in notes:
            out.print(note)
        out.print(f"{len(done)}/{len(g.cells)} runs in {wall:.0f} s; tables, JSON and plot in {g.folder}")
    return 0 if len(done) == len(g.cells) else 1
