"""The headless Minecraft simulator as a gymnasium environment."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from env.actions import action_library, movement_roles
from env.blocks import block_names
from env.engine import Engine, Outcome
from env.interface import CausalRelation, Movements, Need, WorldSpec
from env.rules import Rules
from env.techtree import smelt_results, true_relations
from env.variants import Vocabulary, parse_variant, variant_rules
from env.terrain import generate, world_config

MAX_COUNT = 100_000
# The milestones a Minecraft run reports (real names; the world declares them as the agent sees them).
MILESTONES = (
    ("wooden_pickaxe", "wooden tool"),
    ("stone_pickaxe", "stone tool"),
    ("iron_pickaxe", "iron tool"),
    ("diamond", "diamond"),
)
RESET_OPTIONS = ("inventory", "keep_world", "world_seed", "position")


def _item_universe(rules: Rules) -> list[str]:
    """Every item the simulator can put in an inventory: drops, recipe results and their ingredients."""
    items: set[str] = set()
    for block in block_names():
        items.update(d.item for d in rules.drops.get(block, ()))
    targets = {s.item for s in action_library() if s.item} | set(smelt_results(rules).values())
    for target in targets:
        for r in rules.recipes_for(target):
            items.add(r.result)
            items.update(r.items())
    items.update(rules.fuels)
    return sorted(items)


def check_render_mode(render_mode: str | None, supported: list[str]) -> None:
    """ValueError naming the supported render modes unless ``render_mode`` is None or one of them."""
    if render_mode is not None and render_mode not in supported:
        raise ValueError(
            f"render_mode {render_mode!r} is not supported (no window is drawn); supported render modes: "
            f"{', '.join(repr(m) for m in supported)} (render() returns the frame as an array), or None"
        )


def reset_options(options: dict[str, Any] | None, valid: tuple[str, ...]) -> dict[str, Any]:
    """A copy of ``reset``'s options; ValueError naming the valid ones if any is unknown."""
    options = dict(options or {})
    unknown = set(options) - set(valid)
    if unknown:
        raise ValueError(f"unknown reset option(s) {sorted(unknown)}; valid options: {', '.join(valid)}")
    return options


class MinecraftEnv(gym.Env):
    """Minecraft 1.19's technology tree in a headless voxel world.

    ## Description
    A seeded voxel world (terrain, oak trees, sand, water, stone and deepslate with coal, iron, gold
    and diamond ores, bedrock) and an agent with a position, a facing and an inventory. Actions are
    the macro-actions of ADAM's library (``env/data/actions.toml``): gather/mine the nearest block of
    a kind (walking or digging there, needing a valid harvest tool for drops), craft one batch of an
    item (3x3 recipes need a crafting table held), smelt one item (needs a furnace and fuel held),
    and six movements. Rules come from minecraft-data 1.19 (:mod:`env.rules`).

    ## Action Space
    ``Discrete(47)``: index into :attr:`action_names` (41 tech-tree actions, then six movements).

    ## Observation Space
    ``Dict(inventory=Box(0, 100000, (n_items,), int32), frame=Box(0, 255, (H, W, 3), uint8))``:
    item counts in :attr:`item_names` order (capped at 100000), and the first-person RGB frame, ``(W, H)``
    being ``frame_size`` (all zeros when ``render_frames=False``).

    ## Rewards
    Sparse: 1.0 on the step the goal item (``goal``, default ``diamond``) first enters the inventory
    since the last reset, else 0.0. No flag is needed for it. A goal already held at a reset (an
    intervention that gives it) earns nothing until a later reset without it; so one episode earns at most
    1.0. The agent of ``adam run`` does not use the reward (it learns from ``info``'s transitions).

    ## Episode End
    Terminated: only with ``terminate_on_goal=True``: on the step that earns the reward, and on any step of
    an episode that began with the goal held (reward 0.0). By default the episode goes on after the goal,
    as ``adam run`` learns on past it. Truncated: by gymnasium's
    ``TimeLimit`` on the registered ids, 20,000 steps after the last reset
    (:data:`env.MAX_EPISODE_STEPS`; ``gym.make(..., max_episode_steps=N)`` changes it); the class itself
    never truncates. Each intervention is a reset, so the count starts again. ``adam run`` makes its env
    with ``gym.make`` but ends a run on its own budget, ``--max-steps`` (default the same 20,000),
    counted over the whole run; it does not act on ``truncated``.

    ## Arguments
    ``variant`` (``original``, ``adam_modified``, ``obfuscated``, ``random:SEED``), ``goal`` (item
    name, real or as shown; :attr:`goal` is it as the agent sees it), ``render_frames``,
    ``frame_size`` (width, height), ``search_radius``,
    ``vocabulary_seed`` (obfuscated names), ``terminate_on_goal``, ``render_mode``: ``None`` or
    ``"rgb_array"`` (``render()`` returns the frame, drawn even without ``render_frames``), the modes in
    ``metadata["render_modes"]``; any other (``"human"``: there is no window) raises ValueError at
    construction, through ``gym.make`` too. ``intervention_capacity`` (None: an intervention may set any
    number of item kinds; N: at most N, as in the live game where they must fit in the inventory's slots —
    more raise ValueError).

    ``reset(options=...)`` keys: ``inventory`` (dict, sets the inventory exactly: a do()-intervention),
    ``position`` ((x, z) world column to stand on), ``keep_world``, ``world_seed``. With ``inventory``
    or ``position`` and no seed, the current world is kept (and, without ``inventory``, the inventory).

    ``gymnasium.utils.env_checker.check_env`` passes on every registered simulator id (same seed, same
    observations, rewards and infos).

    ## Version History
    * v0: initial release. Since then, within v0 (same spaces, actions, rewards and info keys): the ids
      truncate at 20,000 steps (were 10,000), as ``adam run``'s ``--max-steps``; an unsupported
      ``render_mode`` is refused at construction (``gym.make`` used to wrap the env for ``"human"``, then
      fail for want of pygame); ``variant="random"`` without a seed is refused (it meant ``random:0``).
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}

    def __init__(
        self,
        variant: str = "original",
        goal: str = "diamond",
        render_frames: bool = True,
        frame_size: tuple[int, int] = (160, 120),
        search_radius: int = 32,
        vocabulary_seed: int = 0,
        terminate_on_goal: bool = False,
        render_mode: str | None = None,
        intervention_capacity: int | None = None,
    ) -> None:
        if intervention_capacity is not None and (isinstance(intervention_capacity, bool) or intervention_capacity < 1):
            raise ValueError(f"intervention_capacity must be a positive integer or None, got {intervention_capacity!r}")
        self.intervention_capacity = intervention_capacity
        self.variant = parse_variant(variant)
        self.rules = variant_rules(self.variant)
        check_render_mode(render_mode, self.metadata["render_modes"])
        self.render_mode = render_mode
        self.render_frames = render_frames
        self.frame_size = (int(frame_size[0]), int(frame_size[1]))
        self.search_radius = search_radius
        self.terminate_on_goal = terminate_on_goal
        self._specs = action_library()
        self._real_items = _item_universe(self.rules)
        movement = {s.id for s in self._specs if s.is_movement}
        names = set(self._real_items) | set(block_names()) | {s.id for s in self._specs if not s.is_movement}
        self.vocabulary = Vocabulary(names, vocabulary_seed if self.variant.obfuscated else None)
        self.action_names: tuple[str, ...] = tuple(
            s.id if s.id in movement else self.vocabulary.shown(s.id) for s in self._specs
        )
        self.movement_actions: tuple[str, ...] = tuple(s.id for s in self._specs if s.is_movement)
        self.item_names: tuple[str, ...] = tuple(self.vocabulary.shown(i) for i in self._real_items)
        self._item_index = {name: i for i, name in enumerate(self._real_items)}
        if goal in self._item_index:
            self._goal_real = goal
        elif self.vocabulary.knows(goal) and self.vocabulary.real(goal) in self._item_index:
            self._goal_real = self.vocabulary.real(goal)
        else:
            raise ValueError(f"unknown goal item {goal!r}; valid items: {', '.join(self._real_items)}")
        self.goal = self.vocabulary.shown(self._goal_real)  # the goal as the agent sees it
        w, h = self.frame_size
        self.action_space = spaces.Discrete(len(self._specs))
        self.observation_space = spaces.Dict(
            {
                "inventory": spaces.Box(0, MAX_COUNT, shape=(len(self._real_items),), dtype=np.int32),
                "frame": spaces.Box(0, 255, shape=(h, w, 3), dtype=np.uint8),
            }
        )
        self._blank = np.zeros((h, w, 3), dtype=np.uint8)
        self._engine: Engine | None = None
        self._goal_reached = False
        self.world_seed: int | None = None

    # ------------------------------------------------------------------------------- interface
    @property
    def world_spec(self) -> WorldSpec:
        """What this world declares to the agent (:class:`env.interface.WorldSpec`)."""
        return WorldSpec(
            name=f"Minecraft 1.19 ({self.variant.name})",
            action_names=self.action_names,
            item_names=self.item_names,
            movements=Movements("relative", movement_roles()),
            milestones=tuple((self.vocabulary.shown(item), label) for item, label in MILESTONES),
            capacity=self.intervention_capacity,
        )

    def resolve_item(self, name: str) -> str:
        """An item named as a person would (its real name, or as shown) as the agent sees it; ValueError if unknown."""
        if name in self.item_names:
            return name
        if self.vocabulary.shown(name) in self.item_names:
            return self.vocabulary.shown(name)
        raise ValueError(f"unknown goal item {name!r}; list the items with `adam items --variant {self.variant.name}`")

    def resolve_block(self, name: str) -> str:
        """A block kind (real name) as this world reports it in ``info["nearby"]``; ValueError if unknown."""
        shown = self.vocabulary.shown(name)
        if not self.vocabulary.knows(shown):
            raise ValueError(f"unknown block {name!r} in an environment goal (e.g. near:water, near:sand, see:oak_log)")
        return shown

    def action_index(self, name: str) -> int:
        try:
            return self.action_names.index(name)
        except ValueError:
            raise ValueError(f"unknown action {name!r}; valid actions: {', '.join(self.action_names)}") from None

    def ground_truth(self) -> list[CausalRelation]:
        """The true causal relations of this variant, in the names the agent sees. For scoring only."""
        v = self.vocabulary
        out = []
        for rel in true_relations(self.rules):
            needs = {
                v.shown(i): Need(n.quantity, n.consumed, tuple(v.shown(a) for a in n.alternatives))
                for i, n in rel.needs.items()
            }
            out.append(
                CausalRelation(
                    v.shown(rel.action),
                    needs,
                    {v.shown(i): q for i, q in rel.yields.items()},
                    {v.shown(i): r for i, r in rel.yield_range.items()},
                )
            )
        return out

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("call reset() before using the environment")
        return self._engine

    # ---------------------------------------------------------------------------------- gym API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[dict, dict]:
        super().reset(seed=seed)
        options = reset_options(options, RESET_OPTIONS)
        inventory = self._validate_inventory(options["inventory"]) if "inventory" in options else None
        intervention = inventory is not None or "position" in options
        keep = options.get("keep_world", intervention and seed is None) and self._engine is not None
        if not keep:
            world_seed = options.get("world_seed")
            if world_seed is None:
                world_seed = int(self.np_random.integers(0, 2**31 - 1))
            self.world_seed = int(world_seed)
            voxels, surface = generate(self.world_seed)
            self._engine = Engine(
                self.rules,
                voxels,
                surface,
                world_config().min_y,
                self.np_random,
                smelt_results(self.rules),
                search_radius=self.search_radius,
            )
        engine = self.engine
        engine.rng = self.np_random
        if inventory is not None or not keep:
            engine.inventory = dict(inventory or {})
        if "position" in options:
            x, z = (int(c) for c in options["position"])
            sx, _, sz = engine.voxels.shape
            if not (0 <= x < sx and 0 <= z < sz):
                raise ValueError(f"position {(x, z)} is outside the world (0..{sx - 1}, 0..{sz - 1})")
            engine.position = (x, engine.stand_height(x, z), z)
        self._goal_reached = engine.inventory.get(self._goal_real, 0) > 0
        return self._observation(), self._info(None, None)

    def step(self, action: int | str) -> tuple[dict, float, bool, bool, dict]:
        index = self.action_index(action) if isinstance(action, str) else int(action)
        if not 0 <= index < len(self._specs):
            raise ValueError(
                f"invalid action {action!r}; valid: 0..{len(self._specs) - 1} or one of {self.action_names}"
            )
        outcome = self.engine.execute(self._specs[index])
        reward = 0.0
        if not self._goal_reached and self.engine.inventory.get(self._goal_real, 0) > 0:
            self._goal_reached = True
            reward = 1.0
        terminated = self.terminate_on_goal and self._goal_reached
        return self._observation(), reward, terminated, False, self._info(index, outcome)

    def render(self) -> np.ndarray | None:
        if self.render_mode == "rgb_array":
            return self._frame(force=True)
        return None

    # --------------------------------------------------------------------------------- helpers
    def _validate_inventory(self, inventory: Any) -> dict[str, int]:
        if not isinstance(inventory, Mapping):
            raise ValueError(f"inventory must be a mapping of item name to count, got {type(inventory).__name__}")
        out: dict[str, int] = {}
        for name, count in inventory.items():
            if not self.vocabulary.knows(name) or self.vocabulary.real(name) not in self._item_index:
                raise ValueError(
                    f"unknown item {name!r} in inventory; valid items: {', '.join(sorted(self.item_names))}"
                )
            if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 0:
                raise ValueError(f"invalid count {count!r} for item {name!r}: counts are non-negative integers")
            if count:
                out[self.vocabulary.real(name)] = int(count)
        if self.intervention_capacity is not None and len(out) > self.intervention_capacity:
            raise ValueError(
                f"an intervention sets at most {self.intervention_capacity} item kinds here, got {len(out)}: "
                "leave some out"
            )
        return out

    def _frame(self, force: bool = False) -> np.ndarray:
        if not (self.render_frames or force):
            return self._blank.copy()
        from env.render import render_frame

        x, y, z = self.engine.position
        w, h = self.frame_size
        return render_frame(
            self.engine.voxels, (x + 0.5, y + 1.62, z + 0.5), self.engine.facing * math.pi / 2, 0.0, w, h
        )

    def _observation(self) -> dict[str, np.ndarray]:
        counts = np.zeros(len(self._real_items), dtype=np.int32)
        for item, count in self.engine.inventory.items():
            counts[self._item_index[item]] = min(count, MAX_COUNT)
        return {"inventory": counts, "frame": self._frame()}

    def _info(self, index: int | None, outcome: Outcome | None) -> dict[str, Any]:
        v, engine = self.vocabulary, self.engine
        info: dict[str, Any] = {
            "inventory": v.shown_counts(engine.inventory),
            "position": engine.world_position,
            "facing": engine.facing * 90,
            "nearby": [v.shown(b) for b in engine.nearby_blocks()],
            "ticks": engine.ticks,
            "world_seed": self.world_seed,
        }
        if outcome is not None and index is not None:
            info.update(
                action=self.action_names[index],
                success=outcome.success,
                reason=outcome.reason,
                consumed=v.shown_counts(outcome.consumed),
                added=v.shown_counts(outcome.added),
                step_ticks=outcome.ticks,
                steps=outcome.steps,
            )
        return info
