"""Simulator speed: macro-actions per second with rendering off, and world generation time.

Run: ``.venv/bin/python bench/bench_sim.py``. Prints medians over repeats (one core).
"""

from __future__ import annotations

import statistics
import time

import gymnasium as gym
import numpy as np
from rich.console import Console
from rich.table import Table

import env  # noqa: F401
from env.route import play_route
from env.terrain import generate


def random_actions(n: int, seed: int) -> float:
    e = gym.make("adam/Minecraft-v0", render_frames=False).unwrapped
    e.reset(seed=seed)
    actions = np.random.default_rng(seed).integers(0, e.action_space.n, n)
    t = time.perf_counter()
    for a in actions:
        e.step(int(a))
    return n / (time.perf_counter() - t)


def route(seed: int) -> float:
    e = gym.make("adam/Minecraft-v0", render_frames=False).unwrapped
    e.reset(seed=seed)
    t = time.perf_counter()
    result = play_route(e)
    return result.steps / (time.perf_counter() - t)


def intervention_cycle(n: int, seed: int) -> float:
    """reset(options={"inventory": ...}) + one craft, the causal module's inner loop."""
    e = gym.make("adam/Minecraft-v0", render_frames=False).unwrapped
    e.reset(seed=seed)
    inv = {"oak_planks": 3, "stick": 2, "crafting_table": 1}
    t = time.perf_counter()
    for _ in range(n):
        e.reset(options={"inventory": inv})
        e.step("craft_wooden_pickaxe")
    return n / (time.perf_counter() - t)


def main() -> None:
    console = Console()
    rand = [random_actions(2000, s) for s in range(5)]
    routes = [route(s) for s in range(10)]
    cycles = [intervention_cycle(2000, s) for s in range(5)]
    gen = []
    for s in range(5):
        t = time.perf_counter()
        generate(s)
        gen.append((time.perf_counter() - t) * 1000)
    table = Table(title="simulator (rendering off, one core)")
    table.add_column("measure")
    table.add_column("median", justify="right")
    table.add_column("min..max", justify="right")
    for name, values, unit in (
        ("random macro-actions / s", rand, ""),
        ("scripted route actions / s", routes, ""),
        ("intervention + craft / s", cycles, ""),
        ("world generation (ms)", gen, ""),
    ):
        table.add_row(name, f"{statistics.median(values):,.0f}{unit}", f"{min(values):,.0f}..{max(values):,.0f}")
    console.print(table)


if __name__ == "__main__":
    main()
