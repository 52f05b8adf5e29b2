"""The base environment of the Minecraft worlds (the Minigrid pattern): one gym surface, engines as hooks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from env.actions import DEFAULT_ACTIONS, ActionSpec, movement_roles
from env.catalogue import Catalogue, catalogue
from env.interface import CausalRelation, FramePalette, Movements, WorldSpec

MAX_COUNT = 100_000  # the observation's inventory counts are capped here


@dataclass(frozen=True)
class StepOutcome:
    """What one action did, as an engine reports it to :class:`MinecraftBase` (real item names).

    ``reason``: ``ok``, ``unreachable``, ``no_drop``, ``cannot_craft``, ``cannot_smelt`` or ``moved``;
    ``ticks``: game ticks the action took (``info["step_ticks"]``); ``info``: the engine's own step info
    keys, added after the common ones."""

    success: bool
    reason: str
    consumed: Mapping[str, int] = field(default_factory=dict)
    added: Mapping[str, int] = field(default_factory=dict)
    ticks: int = 0
    info: Mapping[str, Any] = field(default_factory=dict)


def check_render_mode(render_mode: str | None, supported: list[str]) -> None:
    """ValueError naming the supported render modes unless ``render_mode`` is None or one of them."""
    if render_mode is not None and render_mode not in supported:
        raise ValueError(
            f"render_mode {render_mode!r} is not supported (no window is drawn); supported render modes: "
            f"{', '.join(repr(m) for m in supported)} (render() returns the frame as an array), or None"
        )


def reset_options(options: Mapping[str, Any] | None, valid: tuple[str, ...]) -> dict[str, Any]:
    """A copy of ``reset``'s options; ValueError naming the valid ones if any is unknown."""
    options = dict(options or {})
    unknown = set(options) - set(valid)
    if unknown:
        raise ValueError(f"unknown reset option(s) {sorted(unknown)}; valid options: {', '.join(valid)}")
    return options


class MinecraftBase(gym.Env):
    """The gym surface shared by the simulator (:class:`env.minecraft.MinecraftEnv`) and the live game
    (:class:`env.live.game_env.LiveMinecraftEnv`); each plugs in its engine through the hooks below.

    The base owns: the names (actions, items and the vocabulary that shows them, from a
    :class:`env.catalogue.Catalogue`), the spaces, the world contract (:attr:`world_spec`, :meth:`resolve_item`,
    :meth:`resolve_block`, :meth:`ground_truth`, :meth:`frame_palette`), reset-option parsing against
    :attr:`RESET_OPTIONS`, the one inventory check of an intervention (:meth:`validate_inventory`: known
    items, non-negative integer counts, at most ``intervention_capacity`` kinds), the step's action check,
    the goal reward (1.0 on the step the goal first enters the inventory since the last reset),
    ``terminate_on_goal``, the observation and the ``info`` dicts.

    Hooks (a subclass implements them; item names are real names, the base shows them):

    * ``_reset_world(seed, options, inventory) -> dict``: make or keep the world, set ``inventory`` (a
      validated dict, or None when the options set none) and the other options; returns extra reset info
      keys (e.g. ``trimmed``, ``restarts``).
    * ``_execute(spec) -> StepOutcome``: run one action of the library (:class:`env.actions.ActionSpec`).
    * ``_held() -> dict``: the inventory now.
    * ``_world_info() -> dict``: the world's info keys (``position``, ``nearby``, ``ticks``, ...).
    * ``_draw_frame() -> ndarray``: the first-person frame, ``(H, W, 3)`` uint8.
    * ``_observed_frame() -> ndarray`` (optional): the observation's frame (default: drawn now when
      ``render_frames``, else zeros).

    ``info`` after a reset: ``inventory`` (name -> count, as shown), the world's keys, then the extra
    reset keys. After a step also ``action``, ``success``, ``reason``, ``consumed``, ``added``,
    ``step_ticks``, then the engine's own keys (:attr:`StepOutcome.info`). These are the keys of
    :data:`env.interface.world.STEP_INFO` and :data:`env.interface.world.RESET_INFO`, with optional ones
    (``position``, ``nearby``, ``step_ticks``, ``restarts``, ``error``, ``trimmed``).
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}
    RESET_OPTIONS: tuple[str, ...] = ("inventory",)
    WORLD_NAME = "Minecraft ({variant})"  # how reports name the world (WorldSpec.name); {variant}: the variant's name

    def __init__(
        self,
        *,
        variant: str = "original",
        vocabulary_seed: int = 0,
        goal: str = "diamond",
        render_frames: bool = True,
        frame_size: tuple[int, int] = (160, 120),
        terminate_on_goal: bool = False,
        render_mode: str | None = None,
        intervention_capacity: int | None = None,
        actions: str = DEFAULT_ACTIONS,
    ) -> None:
        bad_capacity = isinstance(intervention_capacity, bool) or not isinstance(intervention_capacity, int | None)
        if bad_capacity or (intervention_capacity is not None and intervention_capacity < 1):
            raise ValueError(f"intervention_capacity must be a positive integer or None, got {intervention_capacity!r}")
        self.catalogue: Catalogue = catalogue(variant, vocabulary_seed, actions)
        check_render_mode(render_mode, self.metadata["render_modes"])
        shown_variant = self.catalogue.variant.name + ("" if actions == DEFAULT_ACTIONS else f", {actions} actions")
        self.world_name = self.WORLD_NAME.format(variant=shown_variant)
        self.intervention_capacity = intervention_capacity
        self.render_mode = render_mode
        self.render_frames = render_frames
        self.frame_size = (int(frame_size[0]), int(frame_size[1]))
        self.terminate_on_goal = terminate_on_goal
        self.variant = self.catalogue.variant
        self.rules = self.catalogue.rules
        self.vocabulary = self.catalogue.vocabulary
        self._specs: tuple[ActionSpec, ...] = self.catalogue.specs
        self._real_items = self.catalogue.real_items
        self._item_index = self.catalogue.item_index
        self.action_names: tuple[str, ...] = self.catalogue.action_names
        self.movement_actions: tuple[str, ...] = self.catalogue.movement_actions
        self.item_names: tuple[str, ...] = self.catalogue.item_names
        goal_real = self.catalogue.real_item(goal)
        if goal_real is None:
            raise ValueError(f"unknown goal item {goal!r}; valid items: {', '.join(self._real_items)}")
        self._goal_real = goal_real
        self.goal = self.vocabulary.shown(goal_real)  # the goal as the agent sees it
        w, h = self.frame_size
        self.action_space = spaces.Discrete(len(self._specs))
        self.observation_space = spaces.Dict(
            {
                "inventory": spaces.Box(0, MAX_COUNT, shape=(len(self._real_items),), dtype=np.int32),
                "frame": spaces.Box(0, 255, shape=(h, w, 3), dtype=np.uint8),
            }
        )
        self._blank = np.zeros((h, w, 3), dtype=np.uint8)
        self._goal_reached = False
        self._ready = False  # a reset has succeeded

    # ------------------------------------------------------------------------------- the contract
    @property
    def world_spec(self) -> WorldSpec:
        """What this world declares to the agent (:class:`env.interface.WorldSpec`)."""
        return WorldSpec(
            name=self.world_name,
            action_names=self.action_names,
            item_names=self.item_names,
            movements=Movements("relative", movement_roles()),
            milestones=self.catalogue.milestones(),
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
        return self.catalogue.true_relations()

    def ground_truth_other_ways(self) -> list[CausalRelation]:
        """The further true ways of the actions that work in several, in the names the agent sees (empty with
        ADAM's library). For scoring only."""
        return self.catalogue.other_ways()

    def frame_palette(self) -> FramePalette:
        """The colours of this world's frames (the simulator's renderer; the live game's ``blocks`` frames share
        them), for offline perception."""
        from env.render import frame_palette  # numba compiles the renderer on import: only when asked

        return frame_palette(self.catalogue.blocks)

    def validate_inventory(self, inventory: Any) -> dict[str, int]:
        """An intervention's inventory in real names, zero counts left out; ValueError naming the bad item or
        count (and the valid items), or the capacity when it sets more kinds than ``intervention_capacity``."""
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

    # ------------------------------------------------------------------------------------ gym API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[dict, dict]:
        super().reset(seed=seed)
        options = reset_options(options, self.RESET_OPTIONS)
        inventory = self.validate_inventory(options["inventory"]) if "inventory" in options else None
        extra = self._reset_world(seed, options, inventory)
        self._ready = True
        self._goal_reached = self._held().get(self._goal_real, 0) > 0
        observation, info = self._observation(), self._info()
        info.update(extra)
        return observation, info

    def step(self, action: int | str) -> tuple[dict, float, bool, bool, dict]:
        index = self.action_index(action) if isinstance(action, str) else int(action)
        if not 0 <= index < len(self._specs):
            raise ValueError(
                f"invalid action {action!r}; valid: 0..{len(self._specs) - 1} or one of {self.action_names}"
            )
        if not self._ready:
            raise RuntimeError("call reset() before step()")
        outcome = self._execute(self._specs[index])
        reward = 0.0
        if not self._goal_reached and self._held().get(self._goal_real, 0) > 0:
            self._goal_reached = True
            reward = 1.0
        terminated = self.terminate_on_goal and self._goal_reached
        v = self.vocabulary
        observation, info = self._observation(), self._info()
        info.update(
            action=self.action_names[index],
            success=bool(outcome.success),
            reason=outcome.reason,
            consumed=v.shown_counts(outcome.consumed),
            added=v.shown_counts(outcome.added),
            step_ticks=int(outcome.ticks),
        )
        info.update(outcome.info)
        return observation, reward, terminated, False, info

    def render(self) -> np.ndarray | None:
        return self._frame(force=True) if self.render_mode == "rgb_array" else None

    # ------------------------------------------------------------------------------------- hooks
    def _reset_world(self, seed: int | None, options: dict[str, Any], inventory: dict[str, int] | None) -> dict:
        raise NotImplementedError

    def _execute(self, spec: ActionSpec) -> StepOutcome:
        raise NotImplementedError

    def _held(self) -> dict[str, int]:
        raise NotImplementedError

    def _world_info(self) -> dict[str, Any]:
        raise NotImplementedError

    def _draw_frame(self) -> np.ndarray:
        raise NotImplementedError

    def _observed_frame(self) -> np.ndarray:
        return self._frame()

    # ----------------------------------------------------------------------------------- helpers
    def _frame(self, force: bool = False) -> np.ndarray:
        """The frame drawn now with ``render_frames`` (or ``force``), else zeros."""
        return self._draw_frame() if self.render_frames or force else self._blank.copy()

    def _observation(self) -> dict[str, np.ndarray]:
        counts = np.zeros(len(self._real_items), dtype=np.int32)
        for item, count in self._held().items():
            if item in self._item_index:
                counts[self._item_index[item]] = min(count, MAX_COUNT)
        return {"inventory": counts, "frame": self._observed_frame()}

    def _info(self) -> dict[str, Any]:
        return {"inventory": self.vocabulary.shown_counts(self._held()), **self._world_info()}
