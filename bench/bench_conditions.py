"""The agent under the simulator's conditions (issue 17): for each condition row, variant and seed, one offline
``adam run`` in-process (``RunConfig`` + ``new_run(...).loop()``, no picture), and a table per row and variant:
SHD 0 k/n, diamond k/n, median steps to the diamond, and what learning took of the diamond ore before the goal
(``result.json``'s ``resources``: the diamond ore blocks ``mine_diamond_ore`` broke while learning, mined or dug for
nothing, median and max, and the diamonds they yielded, median).

Run: ``.venv/bin/python bench/bench_conditions.py [--seeds 0-9] [--variants original,adam_modified]
[--conditions default --conditions noisy:0.1 ...] [--workers 2]``. A condition row the simulator does not take
(yet) is skipped with one line saying why; the others still run.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from agent.run import RunConfig, new_run
from agent.worlds import make_env, parse_conditions

log = logging.getLogger(__name__)

DEFAULT_ROWS = ("default", "plain", "scarce", "noisy:0.1", "noisy:0.3", "hostile:0.02", "cap:9")
DEFAULT_VARIANTS = ("original", "adam_modified")
DIAMOND_ACTION = "mine_diamond_ore"  # what the table's last columns read from result.json's resources
DIAMOND = "diamond"  # and the item they count (checkpoint.json's controller.taken)
MAX_SEEDS = 1000
NOT_YET = "takes no conditions"  # agent.worlds.make_env's words for a simulator without conditions=


@dataclass(frozen=True)
class Cell:
    row: str  # the condition row as given ("default" or a comma list)
    variant: str
    seed: int
    out: str
    max_steps: int = 20_000

    @property
    def conditions(self) -> tuple[str, ...]:
        return () if self.row == "default" else parse_conditions(self.row)


def parse_seeds(text: str) -> list[int]:
    """``0-9``, ``0,3,5`` or ``4``; ValueError naming ``--seeds`` otherwise."""
    try:
        if "-" in text:
            first, last = (int(x) for x in text.split("-", 1))
            seeds = list(range(first, last + 1))
        else:
            seeds = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ValueError(f"--seeds must be a range (0-9) or a list (0,3,5), got {text!r}") from None
    if not seeds or min(seeds) < 0 or len(seeds) > MAX_SEEDS:
        raise ValueError(f"--seeds must name 1 to {MAX_SEEDS} seeds, each 0 or more, got {text!r}")
    return seeds


def unsupported(row: str, variant: str) -> str | None:
    """Why the simulator does not take conditions at all (this version of it), or None when it takes this row;
    a condition it refuses is its ValueError (bad input, not a skip)."""
    cell = Cell(row, variant, 0, "")
    try:
        env = make_env(RunConfig().env_id, 0, variant, {}, cell.conditions)
    except ValueError as err:
        if NOT_YET in str(err):
            return str(err)
        raise
    env.close()
    return None


def run_cell(cell: Cell) -> dict[str, Any]:
    """One run; what the table needs of its result."""
    logging.getLogger().setLevel(logging.ERROR)  # a run's own warnings (goal unreachable) are in its table row
    config = RunConfig(
        variant=cell.variant,
        seed=cell.seed,
        picture=False,
        out=cell.out,
        name=f"{cell.row.replace(':', '').replace(',', '+')}-{cell.variant}-s{cell.seed}",
        conditions=cell.conditions,
        max_steps=cell.max_steps,
    )
    result = new_run(config).loop()
    taken = result.resources.get(DIAMOND_ACTION, {})
    # the diamonds themselves (the learned yields may still hold a by-product of the dig: cobblestone on the way)
    checkpoint = json.loads((Path(result.run_dir) / "checkpoint.json").read_text())
    added = ((checkpoint["controller"]["taken"].get(DIAMOND_ACTION) or {}).get("added") or {}).get("learning") or {}
    return {
        "row": cell.row,
        "variant": cell.variant,
        "seed": cell.seed,
        "shd": result.score.get("shd"),
        "diamond": result.milestones.get("diamond", {}).get("step"),
        "ore_learning": taken.get("learning", 0) + taken.get("learning_spent", 0),  # blocks: mined or dug for nothing
        "diamonds_learning": int(added.get(DIAMOND, 0)),
    }


def summarise(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per (row, variant), in the order first seen: SHD 0 k/n, diamond k/n, the medians."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in results:
        groups.setdefault((r["row"], r["variant"]), []).append(r)
    lines = []
    for (row, variant), runs in groups.items():
        steps = [r["diamond"] for r in runs if r["diamond"] is not None]
        lines.append(
            {
                "condition": row,
                "variant": variant,
                "n": len(runs),
                "shd0": sum(r["shd"] == 0 for r in runs),
                "diamond": len(steps),
                "median_steps": statistics.median(steps) if steps else None,
                "ore_learning": statistics.median(r["ore_learning"] for r in runs),
                "ore_learning_max": max(r["ore_learning"] for r in runs),
                "diamonds_learning": statistics.median(r["diamonds_learning"] for r in runs),
            }
        )
    return lines


def table(lines: Sequence[dict[str, Any]], title: str) -> Table:
    t = Table(title=title)
    cols = ("condition", "variant", "SHD 0", "diamond", "median steps", "ore by learning (max)", "diamonds by learning")
    for col in cols:
        t.add_column(col, justify="left" if col in ("condition", "variant") else "right")
    for x in lines:
        steps = "-" if x["median_steps"] is None else f"{x['median_steps']:g}"
        t.add_row(x["condition"], x["variant"], f"{x['shd0']}/{x['n']}", f"{x['diamond']}/{x['n']}", steps,
                  f"{x['ore_learning']:g} ({x['ore_learning_max']})", f"{x['diamonds_learning']:g}")  # fmt: skip
    return t


def run_bench(
    rows: Sequence[str], variants: Sequence[str], seeds: Sequence[int], workers: int, out: str, max_steps: int
) -> tuple[list[dict[str, Any]], list[str]]:
    """Every supported (row, variant) over ``seeds``; the summary lines and one line per skipped row."""
    skipped, cells = [], []
    for row in rows:
        for variant in variants:
            why = unsupported(row, variant)
            if why:
                skipped.append(f"skipped {row} ({variant}): {why}")
                continue
            cells += [Cell(row, variant, seed, out, max_steps) for seed in seeds]
    if workers == 1:
        results = [run_cell(c) for c in cells]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(run_cell, cells))
    return summarise(results), skipped


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench_conditions",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  .venv/bin/python bench/bench_conditions.py\n"
        "  .venv/bin/python bench/bench_conditions.py --seeds 0-2 --variants original --conditions noisy:0.1\n",
    )
    parser.add_argument("--seeds", default="0-9", help="a range or a list (default 0-9)")
    parser.add_argument("--variants", default=",".join(DEFAULT_VARIANTS), help="comma-separated (default both)")
    parser.add_argument(
        "--conditions", action="append", metavar="ROW",
        help="one table row: default, or a comma list of conditions (repeat for several; default: "
        + "; ".join(DEFAULT_ROWS) + ")",
    )  # fmt: skip
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--max-steps", type=int, default=20_000, help="step budget per run (default 20000)")
    parser.add_argument("--out", help="keep the run folders here (default: a temporary folder, removed)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console, err = Console(width=max(Console().width, 120)), Console(stderr=True)
    try:
        seeds = parse_seeds(args.seeds)
        variants = [v.strip() for v in args.variants.split(",") if v.strip()]
        if not variants:
            raise ValueError(f"--variants names no variant: {args.variants!r}")
        if args.workers < 1:
            raise ValueError(f"--workers must be at least 1, got {args.workers}")
        if args.max_steps < 1:
            raise ValueError(f"--max-steps must be at least 1, got {args.max_steps}")
        rows = args.conditions or list(DEFAULT_ROWS)
        with tempfile.TemporaryDirectory() as tmp:
            out = args.out or tmp
            Path(out).mkdir(parents=True, exist_ok=True)
            lines, skipped = run_bench(rows, variants, seeds, args.workers, out, args.max_steps)
    except ValueError as error:
        err.print(f"error: {error}", style="red", soft_wrap=True)
        return 2
    for line in skipped:
        err.print(line, soft_wrap=True)
    title = (
        f"conditions, seeds {args.seeds}, offline agent (median steps: to the diamond; ore by learning: diamond ore "
        f"blocks {DIAMOND_ACTION} broke while learning before the goal, mined or dug for nothing, median and max; "
        "diamonds by learning: the diamonds those gave, median)"
    )
    console.print(table(lines, title))
    return 0


if __name__ == "__main__":
    sys.exit(main())
