"""The scripted route (env/data/route.toml): empty inventory to diamond under the original rules.

Used by the simulator demo and by tests (the route succeeds on ``original`` and breaks exactly where
``adam_modified`` changed the tree). It is a fixed list, not a planner: it knows nothing of variants.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import gymnasium as gym

from env.actions import movement_roles
from env.data import load_toml

MAX_DETOURS = 20  # movements tried when a target is out of reach


@dataclass(frozen=True)
class RouteResult:
    reached: bool
    steps: int
    failed_action: str | None = None
    failed_reason: str | None = None


def route_actions() -> Iterator[str]:
    for action, times in load_toml("route.toml")["steps"]:
        for _ in range(int(times)):
            yield action


def play_route(env: gym.Env, goal: str = "diamond", on_step: Callable[[str, dict], None] | None = None) -> RouteResult:
    """Play the route on a reset env; on ``unreachable`` walk forward (turning now and then) and retry."""
    roles = movement_roles()
    steps = 0
    for action in route_actions():
        detours = 0
        while True:
            _, _, _, _, info = env.step(action)
            steps += 1
            if on_step:
                on_step(action, info)
            if info["success"]:
                break
            if info["reason"] != "unreachable" or detours >= MAX_DETOURS:
                return RouteResult(False, steps, action, info["reason"])
            detours += 1
            move = roles["turn_right"] if detours % 5 == 0 else roles["forward"]
            _, _, _, _, info = env.step(move)
            steps += 1
            if on_step:
                on_step(move, info)
    reached = info["inventory"].get(goal, 0) > 0
    return RouteResult(reached, steps, None if reached else action, None if reached else "goal not in inventory")
