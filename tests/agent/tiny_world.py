"""A tiny world that is not Minecraft, for the agent's tests: it implements the world contract (env.interface) and
nothing else, and importing this module registers it (gymnasium's plug-in pattern), so that
``adam run --env tests.agent.tiny_world:tiny/Tiny-v0`` finds it.

Items: twig, pebble, axe. Actions: ``gather_twig`` (+1 twig), ``gather_pebble`` (+1 pebble), ``craft_axe`` (2 twig
+ 1 pebble -> 1 axe), and the compass moves ``go_n``/``go_e``/``go_s``/``go_w`` (absolute movements). A pond lies
two cells east of the start (``info["nearby"]`` holds ``pond`` next to it).
Milestones: ``first twig`` (twig) and ``axe made`` (axe). ``tiny/Tiny-v0`` has no ground truth;
``tiny/TinyScored-v0`` has it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.envs.registration import register, registry

from env.interface import CausalRelation, Movements, Need, WorldSpec

ITEMS = ("twig", "pebble", "axe")
MOVES = {"go_n": (0, 1), "go_e": (1, 0), "go_s": (0, -1), "go_w": (-1, 0)}
ACTIONS = ("gather_twig", "gather_pebble", "craft_axe", *MOVES)
RECIPES = {
    "gather_twig": ({}, {"twig": 1}),
    "gather_pebble": ({}, {"pebble": 1}),
    "craft_axe": ({"twig": 2, "pebble": 1}, {"axe": 1}),
}
POND = (2, 0)
SPEC = WorldSpec(
    name="Tiny",
    action_names=ACTIONS,
    item_names=ITEMS,
    movements=Movements("absolute", {"north": "go_n", "east": "go_e", "south": "go_s", "west": "go_w"}),
    milestones=(("twig", "first twig"), ("axe", "axe made")),
    default_stack=16,
)


class TinyWorld(gym.Env):
    """See the module docstring; ``truth``: whether the world has ground truth (``ground_truth()``)."""

    metadata = {"render_modes": []}

    def __init__(self, truth: bool = False) -> None:
        self.world_spec = SPEC
        self.action_space = spaces.Discrete(len(ACTIONS))
        self.observation_space = spaces.Box(0, 1000, shape=(len(ITEMS),), dtype=np.int32)
        self.inventory: dict[str, int] = {}
        self.position = (0, 0)
        if truth:
            self.ground_truth = self._ground_truth

    def _ground_truth(self) -> list[CausalRelation]:
        return [
            CausalRelation(a, {i: Need(q, True) for i, q in uses.items()}, dict(gives))
            for a, (uses, gives) in RECIPES.items()
        ]

    def resolve_block(self, name: str) -> str:
        if name != "pond":
            raise ValueError(f"Tiny has no block {name!r}; it has: pond")
        return name

    def _obs(self) -> np.ndarray:
        return np.array([self.inventory.get(i, 0) for i in ITEMS], dtype=np.int32)

    def _info(self, **extra: Any) -> dict[str, Any]:
        near = abs(self.position[0] - POND[0]) + abs(self.position[1] - POND[1]) <= 1
        return {"inventory": dict(self.inventory), "nearby": ("pond",) if near else (), **extra}

    def reset(self, *, seed: int | None = None, options: Mapping[str, Any] | None = None):
        super().reset(seed=seed)
        if options and "inventory" in options:
            self.inventory = {k: int(v) for k, v in options["inventory"].items() if v}
        else:
            self.inventory, self.position = {}, (0, 0)
        return self._obs(), self._info()

    def step(self, action: int):
        name = ACTIONS[int(action)]
        consumed: dict[str, int] = {}
        added: dict[str, int] = {}
        success, reason = True, "ok"
        if name in MOVES:
            dx, dy = MOVES[name]
            self.position = (self.position[0] + dx, self.position[1] + dy)
        else:
            uses, gives = RECIPES[name]
            if all(self.inventory.get(i, 0) >= q for i, q in uses.items()):
                for i, q in uses.items():
                    self.inventory[i] -= q
                    consumed[i] = q
                for i, q in gives.items():
                    self.inventory[i] = self.inventory.get(i, 0) + q
                    added[i] = q
                self.inventory = {k: v for k, v in self.inventory.items() if v}
            else:
                success, reason = False, "cannot_make"
        info = self._info(action=name, success=success, reason=reason, consumed=consumed, added=added)
        return self._obs(), 0.0, False, False, info


def register_tiny() -> None:
    for env_id, kwargs in (("tiny/Tiny-v0", {}), ("tiny/TinyScored-v0", {"truth": True})):
        if env_id not in registry:
            register(id=env_id, entry_point="tests.agent.tiny_world:TinyWorld", kwargs=kwargs)


register_tiny()
