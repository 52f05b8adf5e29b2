"""The live game as a gymnasium environment: the mineflayer bot plugged into :mod:`env.base`, the simulator's
interface (``env.minecraft.MinecraftEnv``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import numpy as np

from bridge.errors import (
    BadRequest,
    BridgeCrashed,
    BridgeError,
    BridgeTimeout,
    RecoveryFailed,
    ServerUnavailable,
    SkillError,
)
from bridge.limits import intervention_capacity
from bridge.local_server import arena_blocks
from bridge.results import Observation, SkillResult
from env.actions import ActionSpec
from env.base import MinecraftBase, StepOutcome
from env.engine import inventory_delta
from env.interface import CausalRelation
from env.live.errors import converts_bridge_errors, environment_errors
from env.live.faults import Faults, Trigger
from env.live.frames import LiveFrames
from env.live.session import LiveSession
from env.live.truth import world_relations

log = logging.getLogger(__name__)

FAILURE_REASON = {"gather": "unreachable", "mine": "unreachable", "craft": "cannot_craft", "smelt": "cannot_smelt"}
# what a dead bot process (or a dead local server) raises; each restart is followed by a redo
DIED = (BridgeCrashed, BridgeTimeout, ServerUnavailable)
MAX_RESTARTS = 3  # in a row within one call; one more death ends the run with RecoveryFailed
T = TypeVar("T")


class LiveMinecraftEnv(MinecraftBase):
    """Minecraft through a mineflayer bot, with the simulator's actions, observations and info keys.

    ## Description
    A real Minecraft-protocol server (by default a local flying-squid with the project's arena, started
    on 127.0.0.1 at the first reset) and one bot. The actions of ``env/data/actions.toml`` run as the
    bridge's parametric skills: gather/mine (walk, dig, pick up drops), craft (2x2, or at the held
    crafting table placed for the craft), smelt (in the held furnace placed for the smelt), movements.
    A skill that times out fails its step (``info["error"]`` names the time-out, with its context).

    Faults. A bot process that dies or hangs (BridgeCrashed, BridgeTimeout) at any point is replaced by a
    fresh one, given what the old one held and put back on the column where it stood (/tp); a local arena
    that dies (one this env started) is replaced by a new one with the same seed and settings (its port may
    differ; the world is regenerated: what was dug is back, and the world state the agent needs is set by
    its next intervention), and a fresh bot joins it the same way. Then the interrupted call: an
    intervention (a reset) is idempotent and is redone; an observation is redone; an action is not (it
    may have changed the world): its step fails with the inventory it began with
    (``info["error"]["name"]``: ``"BridgeCrashed"``, ``"BridgeTimeout"`` or ``"ServerUnavailable"``;
    ``info["detail"]["restarted"]``). Every restart is listed in ``info["restarts"]`` of the reset or step
    during which it happened (the key is there only then): ``{"what": "bot" | "server", "during": "step" |
    "reset" | "observe", "error": "<one line>"}``. More than 3 restarts in a row within one call, or a fresh
    bot that cannot be given back what the old one held, raise :class:`env.live.errors.LiveUnavailable`
    named ``RecoveryFailed``. A server at ``host`` is never restarted: when it cannot be reached, or drops the
    bot, :class:`env.live.errors.LiveUnavailable` named ``ServerUnavailable`` is raised. ``LiveUnavailable``
    is the world contract's ``EnvironmentUnavailable`` (so is a missing Node.js or bridge install); its
    ``name`` is the bridge error's (:mod:`bridge.errors`), which is its ``__cause__``. Faults can be
    injected on purpose with the ``ADAM_FAULT_KILL_*`` environment variables (:mod:`env.live.faults`; off by default).

    ## Action Space
    ``Discrete(47)``: the simulator's action ids, in its order (:attr:`action_names`).

    ## Observation Space
    The simulator's: ``Dict(inventory=Box(0, 100000, (n_items,), int32), frame=Box(0, 255, (H, W, 3), uint8))``
    over the simulator's item names, ``(W, H)`` being ``frame_size``; items outside that list appear in
    ``info["inventory"]`` only. With
    ``render_frames`` (or ``render()``), frames come from ``frame_source`` (:mod:`env.live.frames`):
    ``"viewer"``, the bot's first-person view rendered headless by prismarine-viewer with the game's textures
    (the optional ``bridge/viewer`` package; an Xvfb is started when DISPLAY is unset); ``"blocks"``, the
    blocks the bot knows drawn by the simulator's renderer; ``"auto"`` (default), the viewer where installed,
    else the blocks with one log warning saying how to install it. ``info["frame_source"]`` says which
    (``"viewer"`` or ``"blocks"``; None without ``render_frames``); otherwise frames are all zeros.

    ## Rewards
    The simulator's: 1.0 on the step the goal item (``goal``, default ``diamond``) first enters the
    inventory since the last reset, else 0.0; a goal held at a reset (given by an intervention) earns
    nothing until a later reset without it.

    ## Episode End
    The simulator's. Terminated: only with ``terminate_on_goal=True``, on the step that earns the reward
    and on any step of an episode that began with the goal held. Truncated: by gymnasium's ``TimeLimit``
    on the registered id, 20,000 steps after the last reset (:data:`env.MAX_EPISODE_STEPS`); the class
    itself never truncates. ``adam live`` ends a run on its own ``--max-steps`` and does not act on
    ``truncated``. A bot or server that cannot be recovered raises (see Faults), it does not end the episode.

    ## Arguments
    ``host``/``port`` (None: start the local server), ``username``, ``version`` (the Minecraft version the
    bot speaks; None: the bridge's 1.21.4, the only one the local server runs), ``goal``, ``server_seed`` and
    ``cook_ticks`` (local server), ``bot_settings`` (the bot's time limits), ``search_radius``,
    ``frame_size``, ``frame_source`` (``"viewer"``, ``"blocks"`` or ``"auto"``), ``terminate_on_goal``,
    ``render_mode`` (None or ``"rgb_array"``, ``metadata["render_modes"]``; any other, ``"human"``
    included, raises ValueError at construction), ``variant`` (only ``original``: the live game has its own
    rules).

    ``reset(options=...)`` keys: ``inventory`` (sets the inventory exactly: a do()-intervention through
    the server's /clear and /give; the world and position stay; at most :attr:`intervention_capacity`
    (32) item kinds, more raise ValueError; where the kinds need more than 32 slots (32 axes take 32),
    the counts taking most slots are lowered until they fit, listed in ``info["trimmed"]``) and
    ``position`` ((x, z): stand on that column, through /tp; the inventory stays unless ``inventory`` is
    given too). A reset without options empties the inventory. The world is never regenerated.

    ``gymnasium.utils.env_checker.check_env``: a real server is not deterministic (the clock runs, a walk
    ends elsewhere, a dug block stays dug), so on this class built directly (no ``spec``) ``check_env``
    fails its step-determinism check ("Deterministic step info are not equivalent for the same seed and
    action"). The registered id is declared ``nondeterministic``, so on an env from ``gym.make`` (or any with
    that ``spec``) ``check_env`` skips the determinism checks and the rest holds: spaces, return types,
    observations inside the space, reset options, fresh data on every call (pass ``skip_render_check=True``:
    the render check makes a second env, which starts a second local server).

    ## Version History
    * v0: initial release. Since then, within v0 (same actions, info keys and rewards): a bot that dies
      during a reset or an observation, not only during an action, is restarted and the call redone; a
      local arena that dies is restarted; ``info["restarts"]``; :meth:`ground_truth` describes the
      arena's own blocks (no cobbled_deepslate alternative); the frame space follows ``frame_size`` (it
      stayed 160x120, so other sizes gave observations outside it); the id truncates at 20,000 steps (was
      10,000) and is declared ``nondeterministic``; an unsupported ``render_mode`` is refused at construction.
    """

    WORLD_NAME = "Minecraft (live)"
    RESET_OPTIONS = ("inventory", "position")

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
        # Item kinds one intervention may set: the bot's inventory slots less those kept free for what the next
        # action yields (bridge/bot/data/inventory.json); counts that need more slots (32 axes take 32) are
        # lowered to fit, and reported as ``info["trimmed"]``.
        super().__init__(
            goal=goal,
            render_frames=render_frames,
            frame_size=frame_size,
            terminate_on_goal=terminate_on_goal,
            render_mode=render_mode,
            intervention_capacity=intervention_capacity(),
        )
        with environment_errors():
            self.frames = LiveFrames(frame_source)
        self.search_radius = search_radius
        self.faults = Faults.from_environ()
        if host is not None and "server" in self.faults.targets:
            raise ValueError("ADAM_FAULT_KILL_SERVER_* kills the local arena only; it cannot apply to a server at host")
        self.session = LiveSession(
            host,
            port,
            username,
            server_seed=server_seed,
            cook_ticks=cook_ticks,
            bot_settings=dict(bot_settings or {}),
            version=version,
        )
        self._trigger = Trigger(self.session.pid)  # does nothing until a fault is due
        self.session.after_send = self._trigger
        if self.faults:
            log.warning("fault injection on: %s", self.faults)
        self._last: Observation | None = None
        self._frame_now = self._blank
        self._kept: dict[str, int] = {}  # what the bot holds (as far as known): given back to a fresh bot
        self._where: tuple[int, int] | None = None  # the column it stands on: a fresh bot is put back there
        self._ticks = 0
        self.crashes = 0

    # ------------------------------------------------------------------------------- interface
    def ground_truth(self) -> list[CausalRelation]:
        """The true relations of this live world, for scoring only: the simulator's rules (the same items and
        recipes) over the blocks the world places. For the local arena, the blocks it places
        (``bridge.local_server.arena_blocks``: no deepslate, so cobblestone has no alternative there); for a
        server at ``host``, whose world is not known here, the simulator's world (all its blocks)."""
        if self.session.local:
            return world_relations(self.rules, arena_blocks())
        return super().ground_truth()

    @property
    def client(self):
        """The bot's :class:`bridge.client.BotClient` (started at the first reset)."""
        return self.session.open()

    # ---------------------------------------------------------------------------------- gym API
    @converts_bridge_errors
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[dict, dict]:
        return super().reset(seed=seed, options=options)

    @converts_bridge_errors
    def step(self, action: int | str) -> tuple[dict, float, bool, bool, dict]:
        return super().step(action)

    @converts_bridge_errors
    def render(self) -> np.ndarray | None:
        return super().render()

    def close(self) -> None:
        self.session.close()

    # ------------------------------------------------------------------------------------- hooks
    def _reset_world(self, seed: int | None, options: dict[str, Any], inventory: dict[str, int] | None) -> dict:
        position = tuple(int(c) for c in options["position"]) if "position" in options else None
        self.session.open()  # a server or bot that cannot start is not a crash: it raises here
        restarts: list[dict[str, str]] = []

        def intervene() -> dict[str, int]:  # idempotent: redone whole after a restart
            if position is not None:
                self.client.teleport(*position)
                self._where = position
            if inventory is None and position is not None:
                return {}
            result = self.client.set_inventory(inventory or {})
            self._kept = result.inventory
            return result.detail.get("trimmed") or {}

        self._trigger.arm(self.faults.due("intervention") if inventory is not None else (), "intervention")
        try:
            trimmed = self._attempt("reset", intervene, restarts)
        except BadRequest as err:
            raise ValueError(f"invalid reset options {options}: {err.message}") from None
        finally:
            self._trigger.disarm()
        if trimmed:
            log.debug("intervention: %s did not fit in the inventory's slots", trimmed)
        self._look(restarts)
        extra: dict[str, Any] = {}
        if trimmed:
            extra["trimmed"] = trimmed
        if restarts:
            extra["restarts"] = restarts
        return extra

    def _execute(self, spec: ActionSpec) -> StepOutcome:
        before = self._held()
        started = time.monotonic()
        error: dict[str, Any] | None = None
        restarts: list[dict[str, str]] = []
        self._trigger.arm(self.faults.due("step"), "step")
        try:
            # never redone (it may have changed the world): after a restart the inventory is put back
            outcome = self._attempt("step", lambda: self._run(spec), restarts, redo=False)
        except BadRequest:
            raise  # a request the bot cannot understand is a bug, not an outcome
        except SkillError as err:  # a named failure inside the skill (a time-out): the action failed
            error = {"name": err.name, "message": err.message, "context": err.context}
            log.info("%s failed: %s", spec.id, err)
            outcome = None
        finally:
            self._trigger.disarm()
        if isinstance(outcome, SkillResult):
            success, reason, detail = outcome.success, outcome.reason, outcome.detail
            self._kept = outcome.inventory
        else:
            success, reason, detail = False, FAILURE_REASON.get(spec.kind, "moved"), {}
            if isinstance(outcome, BridgeError):  # the bot or the local server died during the action
                error = {"name": outcome.name, "message": outcome.message}
                detail = {"restarted": True}
        wall = time.monotonic() - started
        self._look(restarts)
        consumed, added = inventory_delta(before, self._held())
        step_ticks = int(round(wall * 20))
        self._ticks += step_ticks
        info: dict[str, Any] = {"steps": 0, "wall": wall, "detail": detail}
        if error is not None:
            info["error"] = error
        if restarts:
            info["restarts"] = restarts
        return StepOutcome(bool(success), reason, consumed, added, step_ticks, info)

    def _held(self) -> dict[str, int]:
        assert self._last is not None
        return dict(sorted(self._last.inventory.items()))

    def _world_info(self) -> dict[str, Any]:
        last = self._last
        assert last is not None
        return {
            "position": last.position,
            "facing": last.facing,
            "nearby": list(last.nearby),
            "ticks": self._ticks,
            "health": last.health,
            "frame_source": self.frames.source if self.render_frames else None,
        }

    def _draw_frame(self) -> np.ndarray:
        w, h = self.frame_size
        return self.frames.render(self.client, w, h)

    def _observed_frame(self) -> np.ndarray:
        return self._frame_now.copy()

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

    def _attempt(
        self, during: str, call: Callable[[], T], restarts: list[dict[str, str]], *, redo: bool = True
    ) -> T | BridgeError:
        """``call()``; when the bot (or the local server) dies in it, restart what died, give the fresh bot
        what the old one held and put it where it stood, and redo the call (``redo=False``: return the
        error instead). Each restart is appended to ``restarts``; one death more than MAX_RESTARTS in a
        row, or a restore that fails (a skill error), raises RecoveryFailed."""
        restore: BridgeError | None = None
        for _ in range(MAX_RESTARTS + 1):
            try:
                if restore is not None:
                    try:
                        self._restore()
                    except SkillError as err:  # a transition against a wrong inventory would mislead the learner
                        raise RecoveryFailed(f"a restarted bot could not be given back what it held: {err}") from None
                    if not redo:
                        return restore
                return call()
            except DIED as err:
                restore = restore or err
                restarts.append(self._recover(during, err))
        raise RecoveryFailed(
            f"the live game died {MAX_RESTARTS + 1} times in a row in one {during} call; last: {restarts[-1]['error']}"
        )

    def _recover(self, during: str, err: BridgeError) -> dict[str, str]:
        """Restart what died (the bot, or the local server and the bot); the ``info["restarts"]`` record."""
        self.crashes += 1
        try:
            what = self.session.recover(err)
        except (BridgeCrashed, BridgeTimeout) as again:  # the bot's own bound on restarts in a row
            raise RecoveryFailed(again.message) from None
        line = " ".join(f"{err.name}: {err.message}".split())
        log.warning("%s restarted after it died during %s (%s)", what, during, line)
        return {"what": what, "during": during, "error": line}

    def _restore(self) -> None:
        """Give a fresh bot what the old one held, and put it on the column where the old one stood."""
        client = self.client
        self._kept = client.set_inventory(self._kept).inventory
        if self._where is not None:
            try:
                client.teleport(*self._where)
            except SkillError as lost:
                log.warning("restarted bot stays at the spawn: cannot return to %s (%s)", self._where, lost)

    def _look(self, restarts: list[dict[str, str]]) -> None:
        """Observe (and draw the frame), redone after a restart."""
        self._trigger.arm(self.faults.due("observe"), "observe")
        try:
            self._last, self._frame_now = self._attempt("observe", self._observe_once, restarts)  # type: ignore[misc]
        finally:
            self._trigger.disarm()
        self._kept = dict(self._last.inventory)
        self._where = (self._last.position[0], self._last.position[2])

    def _observe_once(self) -> tuple[Observation, np.ndarray]:
        return self.client.observe(), self._frame()
