"""Beliefs before trials (issue 18), side by side in one run: no beliefs, the 1.19 prior file (``--prior``), and the
LLM's ``belief`` role against the local scripted chat-completions server (real openai SDK, real HTTP) as a model
that knows Minecraft 1.19, one that is wrong on a fifth of the actions, and one that is sure and always wrong.

Run from the repo root: ``PYTHONPATH=. .venv/bin/python bench/bench_beliefs.py [--seeds 0-9] [--variants ...]``
(the server is a test helper, ``tests/support/llm_server.py``, not part of the product). Each cell: median step of
the diamond, runs reaching it, runs ending at SHD 0, median interventions, and the median diamond ore blocks
learning broke before the goal. The prior file names 1.19's actions: in the obfuscated world every entry is left
out (``--prior-unknown skip``), so that cell measures what a prior of the wrong names costs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from rich.console import Console
from rich.table import Table

from agent.run import RunConfig, new_run
from causal_graph.graph import CausalGraph
from env.prior import minecraft_relations

try:
    from tests.support.llm_server import ScriptedServer, knowing_script
except ModuleNotFoundError as err:  # a test helper, importable with the repo root on the path only
    if err.name != "tests":
        raise
    raise SystemExit("error: bench/bench_beliefs.py needs the repo root on the path (PYTHONPATH=.)") from err

MODES = ("none", "prior file", "LLM knows", "LLM 20% wrong", "LLM always wrong")


def _fifth(action: str) -> bool:
    return zlib.crc32(action.encode()) % 5 == 0  # a fixed fifth of the actions, the same in every run


def _seeds(text: str) -> list[int]:
    if "-" in text:
        low, high = text.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(s) for s in text.split(",")]


def _scripts() -> dict:
    relations = minecraft_relations()
    return {
        "LLM knows": knowing_script(relations),
        "LLM 20% wrong": knowing_script(relations, wrong=_fifth),
        "LLM always wrong": knowing_script(relations, wrong=lambda action: True),
    }


def _one(variant: str, mode: str, seed: int, prior: str, out: str) -> dict:
    """One run of ``variant`` and ``seed`` with the beliefs of ``mode``; its result.json as a dict."""
    config = RunConfig(variant=variant, seed=seed, out=out, picture=False)
    if mode == "prior file":
        config = RunConfig(
            variant=variant,
            seed=seed,
            out=out,
            picture=False,
            prior_file=prior,
            prior_unknown="skip" if variant == "obfuscated" else "error",
        )
    scripts = _scripts()
    if mode in scripts:
        with ScriptedServer(scripts[mode]) as server:
            config = RunConfig(
                variant=variant, seed=seed, out=out, picture=False, llm="openai:scripted",
                base_url=server.base_url, llm_roles=("belief",),
            )  # fmt: skip
            return new_run(config).loop().to_json()
    return new_run(config).loop().to_json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="0-9", help="a range or a list (default 0-9)")
    parser.add_argument("--variants", default="original,adam_modified,obfuscated,random:1")
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, of: {', '.join(MODES)}")
    parser.add_argument("--jobs", type=int, default=1, help="runs at once, each in its own process (default 1)")
    args = parser.parse_args()
    seeds, variants, modes = _seeds(args.seeds), args.variants.split(","), args.modes.split(",")
    unknown = [m for m in modes if m not in MODES]
    if unknown or args.jobs < 1:
        raise SystemExit(f"error: unknown mode {unknown[0]!r} (modes: {', '.join(MODES)})" if unknown else
                         "error: --jobs must be at least 1")  # fmt: skip
    table = Table(title=f"beliefs before trials, seeds {args.seeds} (median diamond step; reached; SHD 0; "
                  "interventions; diamond ore by learning)")  # fmt: skip
    table.add_column("variant")
    for mode in modes:
        table.add_column(mode, justify="right")
    with tempfile.TemporaryDirectory() as out, ProcessPoolExecutor(args.jobs) as pool:
        prior = Path(out) / "prior.json"
        CausalGraph.from_relations(minecraft_relations()).save(prior)
        runs = {
            (variant, mode): [pool.submit(_one, variant, mode, seed, str(prior), out) for seed in seeds]
            for variant in variants
            for mode in modes
        }
        for variant in variants:
            cells = []
            for mode in modes:
                results = [future.result() for future in runs[variant, mode]]
                steps = [r["milestones"]["diamond"] for r in results if "diamond" in r["milestones"]]
                ore = [
                    r["resources"].get("mine_diamond_ore", {}).get("learning", 0)
                    + r["resources"].get("mine_diamond_ore", {}).get("learning_spent", 0)
                    for r in results
                ]
                cells.append(
                    f"{statistics.median(steps) if steps else '-'}; {len(steps)}/{len(results)}; "
                    f"{sum(r['shd'] == 0 for r in results)}/{len(results)}; "
                    f"{statistics.median(r['interventions'] for r in results):.0f}; {statistics.median(ore)}"
                )
            table.add_row(variant, *cells)
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
