"""The headless Minecraft simulator as a gymnasium environment: the voxel engine plugged into :mod:`env.base`."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from env.actions import DEFAULT_ACTIONS, ActionSpec
from env.base import MAX_COUNT, MinecraftBase, StepOutcome
from env.conditions import (
    DEFAULT_STACK,
    SCARCE_ORES,
    Conditions,
    inventory_limits,
    make_scarce,
    max_uses,
    ores_left,
    parse_conditions,
    slots_and_capacity,
    stack_sizes,
)
from env.engine import Engine
from env.interface import WorldSpec
from env.rules import CRAFTING_TABLE, FURNACE
from env.techtree import smelt_results
from env.terrain import generate, world_config

__all__ = ["MAX_COUNT", "MinecraftEnv"]

CONDITIONS_STREAM = 17  # the conditions' random stream: seeded with the env's seed, apart from np_random's
STATIONS = (CRAFTING_TABLE, FURNACE)  # what ``hostile`` destroys


class MinecraftEnv(MinecraftBase):
    """Minecraft 1.19's technology tree in a headless voxel world.

    ## Description
    A seeded voxel world (terrain, oak trees, sand, water, stone and deepslate with coal, iron, gold
    and diamond ores, bedrock) and an agent with a position, a facing and an inventory. Actions are
    the macro-actions of ADAM's library (``env/data/actions.toml``): gather/mine the nearest block of
    a kind (walking or digging there, needing a valid harvest tool for drops), craft one batch of an
    item (3x3 recipes need a crafting table held), smelt one item (needs a furnace and fuel held),
    and six movements. Rules come from minecraft-data 1.19 (:mod:`env.rules`).

    ## Action Space
    ``Discrete(47)``: index into :attr:`action_names` (41 tech-tree actions, then six movements); with
    ``actions="overworld"``, ``Discrete(323)`` (317 generated tech-tree actions, ADAM's 41 first, then the movements) in
    the overworld library's world (:mod:`env.features`: more ores, stone variants, birch and spruce, clay, plants).

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
    more raise ValueError). ``conditions`` (default none: the world as described above, unchanged): see
    Conditions. ``actions``: the action library, ``adam41`` (ADAM's, the default) or ``overworld`` (every craft,
    smelt and gather the rules allow in this world, generated: :mod:`env.library`); an unknown name raises ValueError.

    ``reset(options=...)`` keys: ``inventory`` (dict, sets the inventory exactly: a do()-intervention),
    ``position`` ((x, z) world column to stand on), ``keep_world``, ``world_seed``. With ``inventory``
    or ``position`` and no seed, the current world is kept (and, without ``inventory``, the inventory).

    ``gymnasium.utils.env_checker.check_env`` passes on every registered simulator id (same seed, same
    observations, rewards and infos), with any conditions too.

    ## Conditions
    Real-world conditions, all opt-in (:mod:`env.conditions`), composable with each other and with every
    variant: ``conditions="durability,stacks,scarce,noisy:0.1,hostile:0.02,cap:9"`` (or a sequence of such
    strings; ``gym.make("adam/Minecraft-v0", conditions=...)``). Anything else raises one ValueError naming the
    valid forms. The parsed conditions are the attribute :attr:`conditions` (``str()`` is the canonical form)
    and reset info ``conditions`` (only when some are on, so a default run's infos are as they always were).

    * ``durability``: tools wear out after 1.19's ``maxDurability`` uses (minecraft-data: a wooden pickaxe 59,
      stone 131, iron 250, diamond 1561, golden 32). A gather/mine action whose target block needs a harvest
      tool uses the held valid tool it digs with (the fastest) once; blocks dug on the way, and blocks that
      need no tool, wear nothing. The use that reaches the limit breaks that tool: one leaves the inventory,
      shown in that step's ``consumed`` (a held stack of N wears the one in use; the next starts fresh).
      Interventions give fresh tools. Info ``durability``: tool -> uses left of the one in use, every held tool.
    * ``stacks``: 1.19 stack sizes (``stackSize``: 64, 16, or 1 for tools) in a 36-slot inventory. Gains that
      do not fit are dropped: not in ``added``, listed in the step's info ``dropped`` (item -> count); a
      gather/mine action whose target's drops all fell says reason ``inventory_full`` (success False), and a
      craft or smelt whose whole result would not fit is not done (``inventory_full``, nothing consumed).
      Interventions set at most 32 item kinds (``intervention_capacity`` 32 unless given, as in the live
      game), and counts that need more than the 36 slots are lowered to fit (the counts taking most slots
      first, a stack at a time, as the live game's bridge does), reported as reset info ``trimmed``. The world
      declares it: ``world_spec.capacity`` 32, ``stack_limits`` (the items whose stack is not 64) and
      ``default_stack`` 64.
    * ``cap:N`` (N >= 1): at most N of every item; gains beyond it are dropped (info ``dropped``, reason
      ``inventory_full`` as with ``stacks``), interventions
      over it lowered to N (reset info ``trimmed``). Not declared in ``world_spec``: the agent does not know.
    * ``scarce`` / ``scarce:D``: a generated world keeps only 3 diamond ores (D with ``scarce:D``, D >= 0),
      4 gold ores and 6 iron ores, deepslate ones included: the nearest to the spawn among those within
      ``search_radius`` columns of it; every other ore block of those kinds, anywhere, is stone (or deepslate).
      The kept ones stay reachable wherever the agent goes: their search is not limited to ``search_radius``;
      a tunnel dug to another target passes beside them (only the action that targets one breaks it).
      Nothing regenerates: interventions keep the world, so mined ores stay gone until a reset makes a new
      world. Info ``ores_left`` (reset and step): ``diamond_ore``, ``gold_ore``, ``iron_ore`` -> kept blocks
      still in the world (fewer than stated only when the world had fewer within reach).
    * ``noisy:P``: each macro-action (not a movement) fails with probability P before it starts: success
      False, reason ``lost_way`` (it lost its way; the block was not reached), nothing consumed or added,
      no ticks, the agent where it was. Drops stochastic in 1.19 stay so.
    * ``hostile:P``: with probability P per step (after the action), a held station (``crafting_table`` or
      ``furnace``; one of them, drawn, when both are held) is lost, as when a creeper blows it up: one leaves
      the inventory and is reported as info ``lost`` (item -> count), not in ``consumed``
      (:attr:`env.interface.Transition.lost`).

    ``noisy`` and ``hostile`` draw from their own generator, seeded with the env's seed at ``reset(seed=...)``
    (``np_random_seed``), so a seed repeats exactly and ``noisy:0.0`` gives the default world's drops.

    ## Version History
    * v0: initial release. Since then, within v0 (same spaces, actions, rewards and info keys): the ids
      truncate at 20,000 steps (were 10,000), as ``adam run``'s ``--max-steps``; an unsupported
      ``render_mode`` is refused at construction (``gym.make`` used to wrap the env for ``"human"``, then
      fail for want of pygame); ``variant="random"`` without a seed is refused (it meant ``random:0``);
      the opt-in ``conditions`` argument (off by default; the default world is bit-identical); the opt-in
      ``actions`` argument (``adam41`` by default: the default env is unchanged).
    """

    RESET_OPTIONS = ("inventory", "keep_world", "world_seed", "position")
    WORLD_NAME = "Minecraft 1.19 ({variant})"

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
        conditions: str | Iterable[str] | Conditions | None = None,
        actions: str = DEFAULT_ACTIONS,
    ) -> None:
        self.conditions: Conditions = parse_conditions(conditions)
        if self.conditions.stacks and intervention_capacity is None:
            intervention_capacity = slots_and_capacity()[1]
        super().__init__(
            variant=variant,
            vocabulary_seed=vocabulary_seed,
            goal=goal,
            render_frames=render_frames,
            frame_size=frame_size,
            terminate_on_goal=terminate_on_goal,
            render_mode=render_mode,
            intervention_capacity=intervention_capacity,
            actions=actions,
        )
        self.search_radius = search_radius
        self._engine: Engine | None = None
        self.world_seed: int | None = None
        self._limits = inventory_limits(self.conditions)
        self._kept_ores: dict[str, np.ndarray] = {}  # scarce: ore kind -> the ore blocks kept
        self._conditions_rng: np.random.Generator | None = None  # noisy / hostile draws

    @property
    def world_spec(self) -> WorldSpec:
        """The base's spec; with ``stacks`` also 1.19's stack sizes (``cap:N`` is not declared)."""
        spec = super().world_spec
        if not self.conditions.stacks:
            return spec
        sizes = {i: stack_sizes().get(i, DEFAULT_STACK) for i in self._real_items}
        limits = {self.vocabulary.shown(i): n for i, n in sizes.items() if n != DEFAULT_STACK}
        return dataclasses.replace(spec, stack_limits=limits, default_stack=DEFAULT_STACK)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("call reset() before using the environment")
        return self._engine

    # ------------------------------------------------------------------------------------- hooks
    def _reset_world(self, seed: int | None, options: dict[str, Any], inventory: dict[str, int] | None) -> dict:
        """A new world from ``world_seed`` (or one drawn from ``np_random``), unless it is kept: with
        ``keep_world``, or by an intervention (``inventory`` or ``position``) without a seed."""
        intervention = inventory is not None or "position" in options
        keep = options.get("keep_world", intervention and seed is None) and self._engine is not None
        if not keep:
            world_seed = options.get("world_seed")
            if world_seed is None:
                world_seed = int(self.np_random.integers(0, 2**31 - 1))
            self.world_seed = int(world_seed)
            voxels, surface = generate(self.world_seed, library=self.catalogue.library)
            self._engine = Engine(
                self.rules,
                voxels,
                surface,
                world_config().min_y,
                self.np_random,
                smelt_results(self.rules),
                search_radius=self.search_radius,
            )
            if self.conditions.scarce is not None:
                self._kept_ores = make_scarce(
                    self._engine.voxels, self._engine.position, self.search_radius, self.conditions.scarce_ores
                )
                self._engine.found_anywhere = frozenset(b for kind in self._kept_ores for b in SCARCE_ORES[kind][0])
        engine = self.engine
        engine.rng = self.np_random
        extra: dict[str, Any] = {}
        if self.conditions:
            engine.limits = self._limits
            engine.max_uses = max_uses() if self.conditions.durability else None
            if seed is not None or self._conditions_rng is None:
                self._conditions_rng = np.random.default_rng((self.np_random_seed, CONDITIONS_STREAM))
            extra["conditions"] = str(self.conditions)
        if inventory is not None or not keep:
            engine.inventory = dict(inventory or {})
            engine.wear = {}  # interventions give fresh tools
            if self._limits is not None:
                engine.inventory, trimmed = self._limits.fit(engine.inventory)
                if trimmed:
                    extra["trimmed"] = self.vocabulary.shown_counts(trimmed)
        if "position" in options:
            x, z = (int(c) for c in options["position"])
            sx, _, sz = engine.voxels.shape
            if not (0 <= x < sx and 0 <= z < sz):
                raise ValueError(f"position {(x, z)} is outside the world (0..{sx - 1}, 0..{sz - 1})")
            engine.position = (x, engine.stand_height(x, z), z)
        return extra

    def _execute(self, spec: ActionSpec) -> StepOutcome:
        if not self.conditions:
            o = self.engine.execute(spec)
            return StepOutcome(o.success, o.reason, o.consumed, o.added, o.ticks, {"steps": o.steps})
        return self._execute_in_conditions(spec)

    def _execute_in_conditions(self, spec: ActionSpec) -> StepOutcome:
        """One action under the conditions: ``noisy`` may fail it first (nothing happens), then the engine runs it
        (``stacks``/``cap``: ``info["dropped"]``; ``durability``), then ``hostile`` may take a held station."""
        c, rng, engine = self.conditions, self._conditions_rng, self.engine
        assert rng is not None  # set by every reset under conditions
        info: dict[str, Any] = {}
        if c.noisy is not None and not spec.is_movement and rng.random() < c.noisy:
            outcome = StepOutcome(False, "lost_way", {}, {}, 0, {"steps": 0})
        else:
            o = engine.execute(spec)
            outcome = StepOutcome(o.success, o.reason, o.consumed, o.added, o.ticks, {"steps": o.steps})
            if engine.dropped:
                info["dropped"] = self.vocabulary.shown_counts(engine.dropped)
        if c.hostile is not None and rng.random() < c.hostile:
            held = [s for s in STATIONS if engine.inventory.get(s, 0) > 0]
            if held:
                station = held[int(rng.integers(len(held)))] if len(held) > 1 else held[0]
                engine.lose(station, 1)
                info["lost"] = {self.vocabulary.shown(station): 1}
        if not info:
            return outcome
        return dataclasses.replace(outcome, info={**outcome.info, **info})

    def _held(self) -> dict[str, int]:
        return self.engine.inventory

    def _world_info(self) -> dict[str, Any]:
        engine = self.engine
        return {
            "position": engine.world_position,
            "facing": engine.facing * 90,
            "nearby": [self.vocabulary.shown(b) for b in engine.nearby_blocks()],
            "ticks": engine.ticks,
            "world_seed": self.world_seed,
            **self._conditions_info(),
        }

    def _conditions_info(self) -> dict[str, Any]:
        """The conditions' own info keys: ``durability`` (tool -> uses left of the one in use) and ``ores_left``."""
        if not self.conditions:
            return {}
        info: dict[str, Any] = {}
        if self.conditions.durability:
            info["durability"] = self.vocabulary.shown_counts(self.engine.uses_left())
        if self.conditions.scarce is not None:
            info["ores_left"] = self.vocabulary.shown_counts(ores_left(self.engine.voxels, self._kept_ores))
        return info

    def _draw_frame(self) -> np.ndarray:
        from env.render import render_frame

        x, y, z = self.engine.position
        w, h = self.frame_size
        return render_frame(
            self.engine.voxels, (x + 0.5, y + 1.62, z + 0.5), self.engine.facing * math.pi / 2, 0.0, w, h
        )
