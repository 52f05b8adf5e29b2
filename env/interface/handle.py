"""The agent's handle on a world env (:mod:`env.interface.world`): act by name, intervene, count, log every transition.

Everything the agent needs from a world goes through :class:`EnvWorld`: the world's :class:`WorldSpec`, its
optional ground truth (for scoring) and name resolution. The agent never reads the env itself."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import gymnasium as gym

from env.interface.frames import FramePalette
from env.interface.relation import CausalRelation
from env.interface.transition import Counters, Transition
from env.interface.world import PLACED, WorldSpec, placed_name, split_state

TransitionSink = Callable[[Transition], None]
ResetSink = Callable[[int | None, dict[str, Any] | None], None]
RestartSink = Callable[[dict[str, Any]], None]
LOG_ONLY = ("seq", "kind", "t")  # fields of a logged transition that the run log adds


class ReplayDiverged(ValueError):
    """The world replayed from a run's log did something else than the log says."""


class EnvWorld:
    """Wraps a world env (any gymnasium env with a ``world_spec``; the simulator, the live game, a user's own) as
    an :class:`env.interface.World`.

    Every step becomes a :class:`Transition`, passed to ``on_transition`` (the run log) as it happens.
    A restart the environment reports (``info["restarts"]``: ``what``, ``during``, ``error``; the live
    env's bot or local server) goes to ``on_restart`` with ``step``, the step counter at the time.
    """

    def __init__(
        self,
        env: gym.Env,
        on_transition: TransitionSink | None = None,
        on_reset: ResetSink | None = None,
        on_restart: RestartSink | None = None,
    ) -> None:
        self.env = env
        self.spec: WorldSpec = world_spec(env)
        self.counters = Counters()
        self.on_transition = on_transition or (lambda t: None)
        self.on_reset = on_reset or (lambda seed, options: None)
        self.on_restart = on_restart or (lambda restart: None)
        self._inventory: dict[str, int] = {}
        self._index = {name: i for i, name in enumerate(self.spec.action_names)}
        self.last_info: dict[str, Any] = {}

    # ------------------------------------------------------------------------ what the world declares
    @property
    def action_names(self) -> tuple[str, ...]:
        return self.spec.action_names

    @property
    def movement_actions(self) -> tuple[str, ...]:
        return self.spec.movements.actions

    @property
    def item_names(self) -> tuple[str, ...]:
        return self.spec.item_names

    @property
    def capacity(self) -> int | None:
        return self.spec.capacity

    def stack_limit(self, item: str) -> int | None:
        return self.spec.stack_limit(item)

    def ground_truth(self) -> list[CausalRelation] | None:
        """The world's true relations (for scoring only), or None when it has none."""
        method = _optional(self.env, "ground_truth")
        return None if method is None else method()

    def ground_truth_other_ways(self) -> list[CausalRelation]:
        """Further true ways of actions that work in several (for scoring only; empty when the world names none)."""
        method = _optional(self.env, "ground_truth_other_ways")
        return [] if method is None else list(method() or [])

    def frame_palette(self) -> FramePalette | None:
        """The colours the world draws its frames with (for offline perception), or None when it declares none."""
        method = _optional(self.env, "frame_palette")
        return None if method is None else method()

    def resolve_item(self, name: str) -> str:
        """An item name a person typed (a real name, in a world that shows others) as the agent sees it;
        ValueError naming the item when the world has no such item."""
        method = _optional(self.env, "resolve_item")
        if method is not None:
            return method(name)
        if name in self.spec.item_names:
            return name
        raise ValueError(
            f"unknown item {name!r} in {self.spec.name}; its items: {', '.join(sorted(self.spec.item_names))}"
        )

    def resolve_block(self, name: str) -> str:
        """A block kind (for an environment goal, ``near:water``) as the world reports it in ``nearby``;
        ValueError when the world does not know it (or reports nothing nearby)."""
        method = _optional(self.env, "resolve_block")
        if method is None:
            raise ValueError(f"{self.spec.name} reports no nearby blocks, so it has no environment goals like {name!r}")
        return method(name)

    def reset(self, seed: int | None = None, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        options = dict(options) if options else None
        self.on_reset(seed, options)
        _, info = self.env.reset(seed=seed, options=options)
        self._report_restarts(info)
        self._inventory = state_of(info)
        self.last_info = info
        return info

    def inventory(self) -> dict[str, int]:
        """The state: what is held, and (under ``placed:`` names) what is placed near the agent."""
        return dict(self._inventory)

    def act(self, action: str) -> Transition:
        if action not in self._index:
            raise ValueError(f"unknown action {action!r}; valid actions: {', '.join(self.action_names)}")
        before = self._inventory
        _, _, _, _, info = self.env.step(self._index[action])
        self._report_restarts(info)
        self.counters.count_step()
        t = transition_of(self.counters.steps, action, before, info)
        self._inventory = dict(t.after)
        self.last_info = info
        self.on_transition(t)
        return t

    def _report_restarts(self, info: Mapping[str, Any]) -> None:
        for restart in info.get("restarts", ()):
            fields = {key: restart.get(key) for key in ("what", "during", "error")}
            self.on_restart({**fields, "step": self.counters.steps})

    def intervene(self, inventory: Mapping[str, int]) -> None:
        """do(): set the state exactly; ``placed:`` names go to the world's ``placed`` reset option."""
        held, placed = split_state(inventory)
        if placed and not self.spec.places:
            raise ValueError(f"{self.spec.name} places nothing, so an intervention cannot set {sorted(placed)}")
        options: dict[str, Any] = {"inventory": held}
        if self.spec.places:
            options["placed"] = placed
        self.counters.interventions += 1
        self.reset(options=options)

    def frame(self) -> Any:
        """The current first-person frame (an ``(H, W, 3)`` uint8 array), rendered on demand."""
        return self.env.render()

    @property
    def nearby(self) -> tuple[str, ...]:
        return tuple(self.last_info.get("nearby", ()))

    def replay(self, events: list[dict[str, Any]]) -> None:
        """Re-issue the logged environment calls (``reset`` and ``transition`` events) without logging,
        to restore the world of a killed run; raises :class:`ReplayDiverged` naming the event and the
        first field where the replayed transition differs from the logged one (every field is compared)."""
        sinks = self.on_transition, self.on_reset, self.on_restart
        self.on_transition, self.on_reset = (lambda t: None), (lambda seed, options: None)
        self.on_restart = lambda restart: None
        try:
            for event in events:
                if event["kind"] == "reset":
                    self.reset(event.get("seed"), event.get("options"))
                elif event["kind"] == "transition":
                    action = event.get("action")
                    if action not in self.action_names:
                        raise ReplayDiverged(f"event {event['seq']}: unknown action {action!r}")
                    replayed = self.act(action).to_dict()
                    logged = {k: v for k, v in event.items() if k not in LOG_ONLY}
                    for key in sorted(replayed.keys() | logged.keys()):
                        if replayed.get(key) != logged.get(key):
                            ours, theirs = (json.dumps(d.get(key), default=str) for d in (replayed, logged))
                            raise ReplayDiverged(
                                f"event {event['seq']} ({action}): the replayed world gives {key} {ours} "
                                f"but the log says {theirs}"
                            )
        finally:
            self.on_transition, self.on_reset, self.on_restart = sinks


def world_spec(env: gym.Env) -> WorldSpec:
    """The :class:`WorldSpec` a world env declares (through any wrappers); TypeError when it declares none."""
    spec = _optional(env, "world_spec")
    if not isinstance(spec, WorldSpec):
        name = env.spec.id if env.spec is not None else type(env.unwrapped).__name__
        raise TypeError(
            f"{name} does not implement the world contract: it needs a world_spec attribute (env.interface.WorldSpec); "
            "see docs/worlds.md"
        )
    return spec


def _optional(env: gym.Env, name: str) -> Any:
    """An attribute of the env (through wrappers), or None."""
    try:
        return env.get_wrapper_attr(name)
    except AttributeError:
        return None


def state_of(info: Mapping[str, Any]) -> dict[str, int]:
    """The agent's state from an info dict: the inventory, and the placed things under ``placed:`` names."""
    state = dict(info["inventory"])
    state.update({placed_name(str(k)): int(v) for k, v in (info.get("placed") or {}).items() if v})
    return state


def transition_of(step: int, action: str, before: Mapping[str, int], info: Mapping[str, Any]) -> Transition:
    """The :class:`Transition` of one step, from the state ``before`` it and the step's ``info`` (the keys of
    :data:`env.interface.world.STEP_INFO`): a placed thing that appeared or went is added or consumed.
    :class:`EnvWorld` and the recording wrapper (:mod:`env.recording`) both build their records with it."""
    after = state_of(info)
    consumed, added = dict(info["consumed"]), dict(info["added"])
    lost = {str(k): int(v) for k, v in (info.get("lost") or {}).items() if v}
    lost_placed = {placed_name(str(k)): int(v) for k, v in (info.get("lost_placed") or {}).items() if v}
    lost.update(lost_placed)
    for name in sorted(k for k in before.keys() | after.keys() if k.startswith(PLACED)):
        change = after.get(name, 0) - before.get(name, 0) + lost_placed.get(name, 0)
        if change > 0:
            added[name] = change
        elif change < 0:
            consumed[name] = -change
    position = info.get("position")
    return Transition(
        step=step,
        action=action,
        before=before,
        after=after,
        consumed=consumed,
        added=added,
        success=bool(info["success"]),
        reason=str(info["reason"]),
        ticks=int(info.get("step_ticks", 0)),
        position=tuple(position) if position is not None else None,
        nearby=tuple(info.get("nearby", ())),
        lost=lost,
    )
