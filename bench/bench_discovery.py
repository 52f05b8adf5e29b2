"""Cost of learning the whole graph: environment steps and interventions per variant, ours vs ADAM's
one-at-a-time procedure, median over seeds, with SHD. Run: ``.venv/bin/python bench/bench_discovery.py``.

Steps and interventions count learning every relation (``Learner.learn_all``); SHD is scored after the
search for the alternatives of every cause (``Learner.complete``, what a run does once its goals are
reached), because SHD counts a cause group right only when it holds every alternative the world offers.
"""

from __future__ import annotations

import argparse
import statistics
import time

import gymnasium as gym
from rich.console import Console
from rich.table import Table

from causal_graph import CausalGraph, score
from causal_graph.baseline import AdamDiscoverer, adam_config
from causal_graph.discovery import Discoverer
from causal_graph.learner import Learner
from env.interface.handle import EnvWorld

VARIANTS = ["original", "adam_modified", "obfuscated"] + [f"random:{k}" for k in range(5)]


def learn(variant: str, seed: int, method: str) -> dict:
    w = EnvWorld(gym.make("adam/Minecraft-v0", variant=variant, render_frames=False))
    w.reset(seed=seed)
    discoverer = AdamDiscoverer(w, config=adam_config()) if method == "adam" else Discoverer(w)
    graph = CausalGraph()
    t = time.perf_counter()
    learner = Learner(discoverer, graph, w.action_names, order_seed=seed)
    learner.learn_all()
    wall = time.perf_counter() - t
    steps, interventions = w.counters.steps, w.counters.interventions
    learner.complete()
    truth = CausalGraph.from_relations(w.env.unwrapped.ground_truth())
    return {**score(graph, truth, interventions, steps), "wall": wall, "complete_steps": w.counters.steps - steps}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    table = Table(title=f"learning all 41 actions from scratch, median over seeds 0-{args.seeds - 1}")
    for col in (
        "variant",
        "ours steps",
        "ours interv.",
        "ours SHD (max)",
        "ADAM steps",
        "ADAM interv.",
        "ADAM SHD (mean)",
        "steps ours/ADAM",
        "ours wall s",
    ):
        table.add_column(col, justify="right")
    ratios = []
    for variant in VARIANTS:
        ours = [learn(variant, s, "ours") for s in range(args.seeds)]
        adam = [learn(variant, s, "adam") for s in range(args.seeds)]
        med = lambda rows, k: statistics.median(r[k] for r in rows)  # noqa: E731
        ratio = statistics.median(o["steps"] / a["steps"] for o, a in zip(ours, adam, strict=True))
        ratios.append(ratio)
        table.add_row(
            variant,
            f"{med(ours, 'steps'):.0f}",
            f"{med(ours, 'interventions'):.0f}",
            str(max(r["shd"] for r in ours)),
            f"{med(adam, 'steps'):.0f}",
            f"{med(adam, 'interventions'):.0f}",
            f"{statistics.mean(r['shd'] for r in adam):.1f}",
            f"{ratio:.2f}",
            f"{med(ours, 'wall'):.2f}",
        )
    console = Console(width=160)
    console.print(table)
    console.print(f"median steps ratio ours/ADAM over variants: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
