"""The live game as a gymnasium environment with the simulator's interface (``env.minecraft.MinecraftEnv``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from bridge.errors import BadRequest, BridgeCrashed, BridgeTimeout, SkillError
from bridge.results import Observation, SkillResult
from env.actions import ActionSpec, action_library
from env.engine import inventory_delta
from env.live.frames import LiveFrames
from env.live.session import LiveSession
from env.minecraft import MAX_COUNT, MinecraftEnv, reset_options

log = logging.getLogger(__name__)

RESET_OPTIONS = ("inventory", "position")
# Item kinds one intervention may set: the 36 inventory slots less 4 kept free for what the next action
# yields (INVENTORY_SLOTS - FREE_SLOTS in bridge/bot/skills/inventory.js); counts that need more slots
# (32 axes take 32) are lowered to fit, and reported as ``info["trimmed"]``.
INTERVENTION_CAPACITY = 32
FAILURE_REASON = {"gather": "unreachable", "mine": "unreachable", "craft": "cannot_craft", "smelt": "cannot_smelt"}


class LiveMinecraftEnv(gym.Env):
    """Minecraft through a mineflayer bot, with the simulator's actions, observations and info keys.

    ## Description
    A real Minecraft-protocol server (by default a local flying-squid with the project's arena, started
    on 127.0.0.1 at the first reset) and one bot. The actions of ``env/data/actions.toml`` run as the
    bridge's parametric skills: gather/mine (walk, dig, pick up drops), craft (2x2, or at the held
    crafting table placed for the craft), smelt (in the held furnace placed for the smelt), movements.
    A skill that times out fails its step (``info["error"]`` names the time-out, with its context); a
    bot process that dies or hangs mid-action is replaced by a fresh one holding the same inventory, put
    back on the column where the old one stood (/tp), and the step fails
    (``info["error"]["name"] == "BridgeCrashed"``); a server that cannot be reached raises
    :class:`bridge.errors.ServerUnavailable`.

    ## Action Space
    ``Discrete(47)``: the simulator's action ids, in its order (:attr:`action_names`).

    ## Observation Space
    The simulator's: ``Dict(inventory=Box(0, 100000, (n_items,), int32), frame=Box(0, 255, (H, W, 3), uint8))``
    over the simulator's item names; items outside that list appear in ``info["inventory"]`` only. With
    ``render_frames`` (or ``render()``), frames come from ``frame_source`` (:mod:`env.live.frames`):
    ``"viewer"``, the bot's first-person view rendered headless by prismarine-viewer with the game's textures
    (the optional ``bridge/viewer`` package; an Xvfb is started when DISPLAY is unset); ``"blocks"``, the
    blocks the bot knows drawn by the simulator's renderer; ``"auto"`` (default), the viewer where installed,
    else the blocks with one log warning saying how to install it. ``info["frame_source"]`` says which
    (``"viewer"`` or ``"blocks"``; None without ``render_frames``); otherwise frames are all zeros.

    ## Rewards
    1.0 on the step the goal item first enters the inventory, else 0.0.

    ## Episode End
    Terminates when the goal is obtained if ``terminate_on_goal``.

    ## Arguments
    ``host``/``port`` (None: start the local server), ``username``, ``version`` (the Minecraft version the
    bot speaks; None: the bridge's 1.21.4, the only one the local server runs), ``goal``, ``server_seed`` and
    ``cook_ticks`` (local server), ``bot_settings`` (the bot's time limits), ``search_radius``,
    ``frame_size``, ``frame_source`` (``"viewer"``, ``"blocks"`` or ``"auto"``), ``terminate_on_goal``,
    ``variant`` (only ``original``: the live game has its own rules).

    ``reset(options=...)`` keys: ``inventory`` (sets the inventory exactly: a do()-intervention through
    the server's /clear and /give; the world and position stay; at most :attr:`intervention_capacity`
    (32) item kinds, more raise ValueError; where the kinds need more than 32 slots (32 axes take 32),
    the counts taking most slots are lowered until they fit, listed in ``info["trimmed"]``) and
    ``position`` ((x, z): stand on that column, through /tp; the inventory stays unless ``inventory`` is
    given too). A reset without options empties the inventory. The world is never regenerated.

    ## Version History
    * v0: initial release.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}

    def __init__(
        self,
        host: str | None = None,
        port: int | None = None,
        *,
        username: str = "adam",
        version: str | None = None,
        goal: str = "diamond",
        server_seed: int = 0,
        cook_ticks: int = 200,
        bot_settings: Mapping[str, float] | None = None,
        search_radius: int = 32,
        frame_size: tuple[int, int] = (160, 120),
        render_frames: bool = False,
        frame_source: str = "auto",
        terminate_on_goal: bool = False,
        render_mode: str | None = None,
        variant: str = "original",
        vocabulary_seed: int = 0,
    ) -> None:
        if variant != "original":
            raise ValueError(f"the live game has its own rules: variant must be 'original', got {variant!r}")
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"invalid render_mode {render_mode!r}; valid: None, 'rgb_array'")
        # names, spaces and the intervention check only
        sim = MinecraftEnv(
            variant="original", goal=goal, render_frames=False, intervention_capacity=INTERVENTION_CAPACITY
        )
        self._sim = sim
        self.intervention_capacity = INTERVENTION_CAPACITY
        self.render_mode = render_mode
        self.render_frames = render_frames
        self.frame_size = (int(frame_size[0]), int(frame_size[1]))
        self.frames = LiveFrames(frame_source)
        self.search_radius = search_radius
        self.terminate_on_goal = terminate_on_goal
        self.goal = sim.goal
        self.variant = sim.variant
        self.vocabulary = sim.vocabulary  # the identity: the live game shows real names
        self._specs: tuple[ActionSpec, ...] = action_library()
        self.action_names: tuple[str, ...] = sim.action_names
        self.movement_actions: tuple[str, ...] = sim.movement_actions
        self.item_names: tuple[str, ...] = sim.item_names
        self._item_index = {name: i for i, name in enumerate(self.item_names)}
        self.action_space = sim.action_space
        self.observation_space = spaces.Dict(dict(sim.observation_space.spaces))
        w, h = self.frame_size
        self._blank = np.zeros((h, w, 3), dtype=np.uint8)
        self.session = LiveSession(
            host,
            port,
            username,
            server_seed=server_seed,
            cook_ticks=cook_ticks,
            bot_settings=dict(bot_settings or {}),
            version=version,
        )
        self._last: Observation | None = None
        self._goal_reached = False
        self._ticks = 0
        self.crashes = 0

    # ------------------------------------------------------------------------------- interface
    def action_index(self, name: str) -> int:
        return self._sim.action_index(name)

    def ground_truth(self) -> list:
        """The simulator's true relations (the same tech tree as the live game's items). For scoring only."""
        return self._sim.ground_truth()

    @property
    def client(self):
        """The bot's :class:`bridge.client.BotClient` (started at the first reset)."""
        return self.session.open()

    # ---------------------------------------------------------------------------------- gym API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[dict, dict]:
        super().reset(seed=seed)
        options = reset_options(options, RESET_OPTIONS)
        inventory = self._validate_inventory(options["inventory"]) if "inventory" in options else None
        try:
            if "position" in options:
                x, z = (int(c) for c in options["position"])
                self.client.teleport(x, z)
            trimmed: dict[str, int] = {}
            if inventory is not None or "position" not in options:
                trimmed = self.client.set_inventory(inventory or {}).detail.get("trimmed") or {}
        except BadRequest as err:
            raise ValueError(f"invalid reset options {options}: {err.message}") from None
        if trimmed:
            log.debug("intervention: %s did not fit in the 36 inventory slots", trimmed)
        self._last = self.client.observe()
        self._goal_reached = self._last.inventory.get(self.goal, 0) > 0
        info = self._info()
        if trimmed:
            info["trimmed"] = trimmed
        return self._observation(), info

    def step(self, action: int | str) -> tuple[dict, float, bool, bool, dict]:
        index = self.action_index(action) if isinstance(action, str) else int(action)
        if not 0 <= index < len(self._specs):
            raise ValueError(
                f"invalid action {action!r}; valid: 0..{len(self._specs) - 1} or one of {self.action_names}"
            )
        if self._last is None:
            raise RuntimeError("call reset() before step()")
        spec = self._specs[index]
        before = dict(self._last.inventory)
        started = time.monotonic()
        error: dict[str, Any] | None = None
        try:
            result = self._run(spec)
            success, reason, detail = result.success, result.reason, result.detail
        except (BridgeCrashed, BridgeTimeout) as err:  # the bot process died or hung: a fresh one goes on
            self.crashes += 1
            error = {"name": err.name, "message": err.message}
            log.warning("bot process failed during %s; restarting it (%s)", spec.id, err.message)
            where = self._last.position
            self.client.restart()
            self.client.set_inventory(before)  # the new bot joins at the spawn: give it what the old one held
            try:  # and put it back where the old one stood
                self.client.teleport(where[0], where[2])
            except (BadRequest, SkillError) as lost:
                log.warning("restarted bot stays at the spawn: cannot return to %s (%s)", where, lost)
            success, reason, detail = False, FAILURE_REASON.get(spec.kind, "moved"), {"restarted": True}
        except BadRequest:
            raise  # a request the bot cannot understand is a bug, not an outcome
        except SkillError as err:  # a named failure inside the skill (a time-out): the action failed
            error = {"name": err.name, "message": err.message, "context": err.context}
            log.info("%s failed: %s", spec.id, err)
            success, reason, detail = False, FAILURE_REASON.get(spec.kind, "moved"), {}
        wall = time.monotonic() - started
        self._last = self.client.observe()
        consumed, added = inventory_delta(before, self._last.inventory)
        reward = 0.0
        if not self._goal_reached and self._last.inventory.get(self.goal, 0) > 0:
            self._goal_reached = True
            reward = 1.0
        step_ticks = int(round(wall * 20))
        self._ticks += step_ticks
        info = self._info()
        info.update(
            action=self.action_names[index],
            success=bool(success),
            reason=reason,
            consumed=consumed,
            added=added,
            step_ticks=step_ticks,
            steps=0,
            wall=wall,
            detail=detail,
        )
        if error is not None:
            info["error"] = error
        terminated = self.terminate_on_goal and self._goal_reached
        return self._observation(), reward, terminated, False, info

    def render(self) -> np.ndarray | None:
        return self._frame(force=True) if self.render_mode == "rgb_array" else None

    def close(self) -> None:
        self.session.close()

    # --------------------------------------------------------------------------------- helpers
    def _run(self, spec: ActionSpec) -> SkillResult:
        client = self.client
        if spec.kind in ("gather", "mine"):
            return client.gather(spec.blocks, 1, radius=self.search_radius)
        if spec.kind == "craft":
            return client.craft(spec.item or "")
        if spec.kind == "smelt":
            return client.smelt(spec.item or "")
        return client.move(forward=spec.forward, right=spec.right, turn=spec.turn)

    def _validate_inventory(self, inventory: Any) -> dict[str, int]:
        """The simulator's check (same item names, same errors naming the bad value and the valid items)."""
        return self._sim._validate_inventory(inventory)

    def _observation(self) -> dict[str, np.ndarray]:
        counts = np.zeros(len(self.item_names), dtype=np.int32)
        assert self._last is not None
        for item, count in self._last.inventory.items():
            if item in self._item_index:
                counts[self._item_index[item]] = min(count, MAX_COUNT)
        return {"inventory": counts, "frame": self._frame()}

    def _frame(self, force: bool = False) -> np.ndarray:
        if not (self.render_frames or force):
            return self._blank.copy()
        w, h = self.frame_size
        return self.frames.render(self.client, w, h)

    def _info(self) -> dict[str, Any]:
        last = self._last
        assert last is not None
        return {
            "inventory": dict(sorted(last.inventory.items())),
            "position": last.position,
            "facing": last.facing,
            "nearby": list(last.nearby),
            "ticks": self._ticks,
            "health": last.health,
            "frame_source": self.frames.source if self.render_frames else None,
        }
