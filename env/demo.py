"""``adam demo``: the scripted route in the simulator, with a live view (a simulator showcase, no agent)."""

from __future__ import annotations

import logging

import gymnasium as gym
from rich.console import Console
from rich.live import Live
from rich.table import Table

from env.render import frame_to_image
from env.route import play_route

log = logging.getLogger("adam.demo")


def _view(action: str, info: dict, step: int) -> Table:
    table = Table(title=f"step {step}: {action} -> {info.get('reason', '')}", show_header=True)
    table.add_column("item")
    table.add_column("count", justify="right")
    for item, count in sorted(info["inventory"].items()):
        table.add_row(item, str(count))
    table.caption = f"position {info['position']}  facing {info['facing']}°  ticks {info['ticks']}"
    return table


def run_demo(seed: int, variant: str, frame_path: str, quiet: bool) -> int:
    env = gym.make("adam/Minecraft-v0", variant=variant, render_frames=False, render_mode="rgb_array").unwrapped
    env.reset(seed=seed)
    console = Console()
    steps = [0]
    with Live(console=console, transient=False, refresh_per_second=8, auto_refresh=not quiet) as live:

        def on_step(action: str, info: dict) -> None:
            steps[0] += 1
            if not quiet:
                live.update(_view(action, info, steps[0]))

        result = play_route(env, on_step=on_step)
    frame_to_image(env.render()).save(frame_path)
    if result.reached:
        log.info(
            "diamond reached in %d steps (seed %d, %s); last frame saved to %s", result.steps, seed, variant, frame_path
        )
        return 0
    log.warning("route failed at %s (%s) after %d steps", result.failed_action, result.failed_reason, result.steps)
    return 1
