"""The Workshop world: a grid of reeds, rocks, trees and glimmer veins, and a lantern to make.

It implements the world contract (:mod:`env.interface`) and imports nothing else of this project.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from env.interface import CausalRelation, Movements, Need, WorldSpec, placed_name


@dataclass(frozen=True)
class Rule:
    """One action: ``uses`` consumed, ``tools`` held, stations placed ``near`` the agent, a ``target`` tile
    in reach; it ``gives`` items ((min, max) counts, drawn uniformly) or ``places`` a station."""

    uses: Mapping[str, int] = field(default_factory=dict)
    tools: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    target: str | None = None
    gives: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    places: str | None = None


RULES = {  # every rule of the world; the engine below reads them generically
    "gather_reed": Rule(target="marsh", gives={"reed": (1, 1)}),
    "gather_pebble": Rule(target="rock", gives={"pebble": (1, 1)}),
    "weave_twine": Rule(uses={"reed": 2}, gives={"twine": (1, 1)}),
    "knap_blade": Rule(uses={"pebble": 2}, gives={"blade": (1, 1)}),
    "chop_timber": Rule(target="tree", tools=("blade",), gives={"timber": (2, 2)}),
    "place_workbench": Rule(uses={"timber": 4}, places="workbench"),
    "make_mattock": Rule(uses={"timber": 2, "twine": 1, "pebble": 1}, near=("workbench",), gives={"mattock": (1, 1)}),
    "dig_glimmer": Rule(target="vein", tools=("mattock",), gives={"glimmer": (1, 3)}),  # the stochastic drop
    "place_kiln": Rule(uses={"pebble": 4}, places="kiln"),
    "fire_brass": Rule(uses={"glimmer": 1, "timber": 1}, near=("kiln",), gives={"brass": (1, 1)}),
    "make_lantern": Rule(uses={"brass": 2, "twine": 1}, near=("workbench",), gives={"lantern": (1, 1)}),
}
MOVES = {"north": (0, -1), "east": (1, 0), "south": (0, 1), "west": (-1, 0)}
TILES = {"marsh": 0.04, "rock": 0.04, "tree": 0.04, "vein": 0.01}  # share of the grid's cells
ITEMS = tuple(sorted({i for r in RULES.values() for i in (*r.uses, *r.tools, *r.gives)}))
STATIONS = tuple(sorted(r.places for r in RULES.values() if r.places))
REACH, NEAR, STRIDE = 3, 1, 3  # cells a target may be away, a station may be away, one move goes
RESET_OPTIONS = ("inventory", "placed")


class WorkshopEnv(gym.Env):
    """A crafting world on a square grid, with absolute moves, placed stations and a stack cap.

    ## Description
    Gather reeds and pebbles, knap a blade, chop timber, place a workbench, make a mattock, dig glimmer
    (1-3 a time), place a kiln, fire brass, and make a lantern (the goal): 11 different actions. Gathering
    reaches a target tile within 4 cells (else ``unreachable``: move); stations count when within 1 cell.

    ## Action Space
    ``Discrete(15)``: the 11 actions of :data:`RULES`, then ``north``, ``east``, ``south``, ``west`` (3 cells).

    ## Observation Space
    ``Box(0, stack_limit, (10,), int32)``: the item counts in :data:`ITEMS` order.

    ## Rewards
    1.0 on the step the goal (``lantern``) first enters the inventory since the last reset, else 0.0.

    ## Episode End
    Never terminates; truncated by the registered ids' ``TimeLimit`` (20,000 steps after a reset).

    ## Arguments
    ``size`` (cells a side), ``stack_limit`` (the most of one item a stack holds: an item that would go
    over it is lost; an intervention over it is refused), ``truth`` (False: no ground truth, runs are not
    scored), ``goal`` (the rewarded item), ``capacity`` (None, or the most item kinds one intervention may
    set: more are refused).

    ``reset(options=...)``: ``inventory`` (item -> count, set exactly) and ``placed`` (station -> count, set
    exactly next to the agent); with either and no seed, the world and the agent's cell are kept.

    ## Version History
    * v0: initial release.
    """

    metadata = {"render_modes": []}

    def __init__(
        self,
        size: int = 24,
        stack_limit: int = 9,
        truth: bool = True,
        goal: str = "lantern",
        capacity: int | None = None,
    ) -> None:
        if goal not in ITEMS:
            raise ValueError(f"unknown goal {goal!r}; items: {', '.join(ITEMS)}")
        self.size, self.stack_limit, self.truth, self.goal = int(size), int(stack_limit), truth, goal
        self.capacity = capacity
        self.action_names = (*RULES, *MOVES)
        self.action_space = spaces.Discrete(len(self.action_names))
        self.observation_space = spaces.Box(0, self.stack_limit, shape=(len(ITEMS),), dtype=np.int32)
        self.world_spec = WorldSpec(
            name="Workshop",
            action_names=self.action_names,
            item_names=ITEMS,
            movements=Movements("absolute", {m: m for m in MOVES}),
            milestones=(("blade", "first tool"), ("mattock", "mattock"), ("brass", "brass"), ("lantern", "lantern")),
            capacity=capacity,
            default_stack=self.stack_limit,
            places=True,
        )
        self.grid: np.ndarray | None = None
        self.inventory: dict[str, int] = {}
        self.stations: dict[tuple[int, int], dict[str, int]] = {}  # cell -> station -> count

    def ground_truth(self) -> list[CausalRelation] | None:
        """The true relations (for scoring only), placed stations under ``placed:`` names; None without truth."""
        if not self.truth:
            return None
        out = []
        for action, r in RULES.items():
            needs = {i: Need(q, True) for i, q in r.uses.items()}
            needs.update({i: Need(1, False) for i in r.tools})
            needs.update({placed_name(s): Need(1, False) for s in r.near})
            yields = {i: lo for i, (lo, _) in r.gives.items()} | ({placed_name(r.places): 1} if r.places else {})
            out.append(CausalRelation(action, needs, yields, {i: s for i, s in r.gives.items() if s[0] != s[1]}))
        return out

    # ---------------------------------------------------------------------------------------- gym API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        super().reset(seed=seed)
        options = dict(options or {})
        unknown = set(options) - set(RESET_OPTIONS)
        if unknown:
            raise ValueError(f"unknown reset option(s) {sorted(unknown)}; valid: {', '.join(RESET_OPTIONS)}")
        inventory = self._counts(options["inventory"], ITEMS, "item") if "inventory" in options else None
        if inventory is not None and self.capacity is not None and len(inventory) > self.capacity:
            raise ValueError(f"an intervention sets at most {self.capacity} item kinds here, got {len(inventory)}")
        placed = self._counts(options["placed"], STATIONS, "station") if "placed" in options else None
        if self.grid is None or seed is not None or not options:
            kinds = ["empty", *TILES]
            self.grid = self.np_random.choice(
                kinds, size=(self.size, self.size), p=[1 - sum(TILES.values()), *TILES.values()]
            )
            self.position, self.inventory, self.stations = (self.size // 2, self.size // 2), {}, {}
        if inventory is not None:
            self.inventory = inventory
        if placed is not None:
            for cell in self._cells(NEAR):
                self.stations.pop(cell, None)
            self.stations[self.position] = placed
        self._held_goal = self.inventory.get(self.goal, 0) > 0
        return self._observation(), self._info(None, True, "reset", {}, {})

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict]:
        if not self.action_space.contains(action):
            raise ValueError(f"invalid action {action!r}; valid: 0..{len(self.action_names) - 1}")
        name = self.action_names[int(action)]
        if name in MOVES:
            dx, dy = MOVES[name]
            x, y = self.position
            self.position = (min(max(x + dx * STRIDE, 0), self.size - 1), min(max(y + dy * STRIDE, 0), self.size - 1))
            return self._finish(name, True, "moved", {}, {})
        r = RULES[name]
        lacking = [i for i, q in r.uses.items() if self.inventory.get(i, 0) < q] + [
            i for i in r.tools if not self.inventory.get(i)
        ]
        if lacking or any(not self._placed().get(s) for s in r.near):
            return self._finish(name, False, "cannot_make", {}, {})
        if r.target is not None and not any(self.grid[y, x] == r.target for x, y in self._cells(REACH)):
            return self._finish(name, False, "unreachable", {}, {})
        for item, q in r.uses.items():
            self.inventory[item] -= q
        if r.places:
            here = self.stations.setdefault(self.position, {})
            here[r.places] = here.get(r.places, 0) + 1
        added = {}
        for item, (lo, hi) in r.gives.items():
            have = self.inventory.get(item, 0)
            self.inventory[item] = min(have + int(self.np_random.integers(lo, hi + 1)), self.stack_limit)
            added[item] = self.inventory[item] - have
        self.inventory = {i: q for i, q in self.inventory.items() if q}
        return self._finish(name, True, "ok", dict(r.uses), {i: q for i, q in added.items() if q})

    # ---------------------------------------------------------------------------------------- helpers
    def _finish(self, action: str, ok: bool, reason: str, consumed: dict, added: dict) -> tuple:
        reward = 0.0
        if not self._held_goal and self.inventory.get(self.goal, 0) > 0:
            self._held_goal, reward = True, 1.0
        return self._observation(), reward, False, False, self._info(action, ok, reason, consumed, added)

    def _counts(self, counts: Any, names: tuple[str, ...], what: str) -> dict[str, int]:
        if not isinstance(counts, Mapping):
            raise ValueError(f"{what} counts must be a mapping of name to count, got {type(counts).__name__}")
        for name, q in counts.items():
            if name not in names:
                raise ValueError(f"unknown {what} {name!r}; valid: {', '.join(names)}")
            if isinstance(q, bool) or not isinstance(q, int | np.integer) or not 0 <= q <= self.stack_limit:
                raise ValueError(
                    f"invalid count {q!r} for {name!r}: an integer from 0 to the stack limit {self.stack_limit}"
                )
        return {name: int(q) for name, q in counts.items() if q}

    def _cells(self, radius: int) -> list[tuple[int, int]]:
        x, y = self.position
        xs = range(max(x - radius, 0), min(x + radius, self.size - 1) + 1)
        return [(i, j) for j in range(max(y - radius, 0), min(y + radius, self.size - 1) + 1) for i in xs]

    def _placed(self) -> dict[str, int]:
        near: dict[str, int] = {}
        for cell in self._cells(NEAR):
            for station, q in self.stations.get(cell, {}).items():
                near[station] = near.get(station, 0) + q
        return near

    def _observation(self) -> np.ndarray:
        return np.array([min(self.inventory.get(i, 0), self.stack_limit) for i in ITEMS], dtype=np.int32)

    def _info(self, action: str | None, ok: bool, reason: str, consumed: dict, added: dict) -> dict[str, Any]:
        return {
            "inventory": dict(self.inventory),
            "placed": self._placed(),
            "position": list(self.position),
            "action": action,
            "success": ok,
            "reason": reason,
            "consumed": consumed,
            "added": added,
        }
