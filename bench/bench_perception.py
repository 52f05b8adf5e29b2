"""Benchmark perception: the offline describer's speed, and ``near:water`` by perception vs a random walk.

Run: ``PYTHONPATH=. .venv/bin/python bench/bench_perception.py [--seeds 10] [--budget 200] [--frames 200]``.

The navigation part resets ``adam/Minecraft-v0`` with ``seed`` 0..N-1 and counts movements until
``water`` is among ``info["nearby"]`` (within 4 blocks), for the perception navigator (each move chosen
from the described frame) and for a random walk (uniform over the six movements, seeded per world),
with the same move budget. ``--start route`` starts instead on the surface above where the scripted
diamond route (the simulator's demo) leaves the agent, as after ``adam run --goal diamond`` (the
route's world changes - dug tunnels - are kept).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import gymnasium as gym
import numpy as np
from rich.console import Console
from rich.table import Table

import env  # noqa: F401  (registers the simulator ids)
from env.actions import movement_roles
from env.minecraft import MinecraftEnv
from env.route import play_route
from perception import NAVIGATION_MIN_FRACTION, OfflineDescriber, PerceptionNavigator

Chooser = Callable[[dict, dict], str]


def describer_times(frames: int) -> tuple[float, float, int]:
    """Median and p95 milliseconds of ``describe`` on real simulator frames (array in), and frames timed."""
    e: MinecraftEnv = gym.make("adam/Minecraft-v0", render_frames=True).unwrapped
    pool = []
    for seed in range(5):
        obs, _ = e.reset(seed=seed)
        for _ in range(4):
            pool.append(obs["frame"])
            obs, *_ = e.step("turn_right")
    describer = OfflineDescriber(e.frame_palette(), expected_size=e.frame_size)
    describer.describe(pool[0])  # warm-up
    times = []
    for i in range(frames):
        t0 = time.perf_counter()
        describer.describe(pool[i % len(pool)])
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times), float(np.percentile(times, 95)), frames


def episode(e: MinecraftEnv, seed: int, start: str, budget: int, make_chooser: Callable[[int], Chooser]) -> int | None:
    """Moves until water is nearby (None when the budget runs out)."""
    obs, info = e.reset(seed=seed)
    if start == "route":  # play the diamond route without frames, then stand on the surface above its end
        e.render_frames = False
        play_route(e)
        e.render_frames = True
        x, _, z = e.engine.position
        obs, info = e.reset(options={"position": (x, z)})
    choose = make_chooser(seed)
    for moves in range(budget + 1):
        if "water" in info["nearby"]:
            return moves
        if moves == budget:
            break
        obs, _, _, _, info = e.step(choose(obs, info))
    return None


def perception_chooser(describer: OfflineDescriber) -> Callable[[int], Chooser]:
    def make(seed: int) -> Chooser:
        nav = PerceptionNavigator()  # it picks movement roles; the simulator's action for each comes from the data
        roles = movement_roles()
        return lambda obs, info: roles[nav.next_move(describer.describe(obs["frame"]), "water")]

    return make


def random_chooser(moves: tuple[str, ...]) -> Callable[[int], Chooser]:
    def make(seed: int) -> Chooser:
        rng = np.random.default_rng(seed)
        return lambda obs, info: moves[int(rng.integers(len(moves)))]

    return make


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="worlds 0..N-1 (default 10)")
    parser.add_argument("--budget", type=int, default=200, help="moves allowed per world (default 200)")
    parser.add_argument("--frames", type=int, default=200, help="frames timed for the describer (default 200)")
    parser.add_argument("--start", choices=("spawn", "route"), default="spawn")
    args = parser.parse_args()
    console = Console()

    median, p95, n = describer_times(args.frames)
    console.print(f"OfflineDescriber.describe, 160x120 frame: median {median:.2f} ms, p95 {p95:.2f} ms ({n} frames)")

    e: MinecraftEnv = gym.make("adam/Minecraft-v0", render_frames=True).unwrapped
    describer = OfflineDescriber(e.frame_palette(), expected_size=e.frame_size, min_fraction=NAVIGATION_MIN_FRACTION)
    methods = {
        "perception navigator": perception_chooser(describer),
        "random walk": random_chooser(e.movement_actions),
    }
    results = {
        name: [episode(e, s, args.start, args.budget, make) for s in range(args.seeds)]
        for name, make in methods.items()
    }

    table = Table(title=f"near:water from {args.start}, seeds 0-{args.seeds - 1}, budget {args.budget} moves")
    table.add_column("method")
    table.add_column("success", justify="right")
    table.add_column("mean moves (successes)", justify="right")
    table.add_column("mean moves (failures = budget)", justify="right")
    table.add_column("moves per seed")
    for name, moves in results.items():
        ok = [m for m in moves if m is not None]
        capped = [args.budget if m is None else m for m in moves]
        table.add_row(
            name,
            f"{len(ok)}/{len(moves)}",
            f"{statistics.mean(ok):.1f}" if ok else "-",
            f"{statistics.mean(capped):.1f}",
            " ".join("-" if m is None else str(m) for m in moves),
        )
    console.print(table)


if __name__ == "__main__":
    main()
