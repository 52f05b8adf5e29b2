"""The agent's handle on an environment: act by name, intervene, count, and log every transition."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import gymnasium as gym

from env.interface import Counters, Transition

TransitionSink = Callable[[Transition], None]
ResetSink = Callable[[int | None, dict[str, Any] | None], None]
RestartSink = Callable[[dict[str, Any]], None]
LOG_ONLY = ("seq", "kind", "t")  # fields of a logged transition that the run log adds


class ReplayDiverged(ValueError):
    """The world replayed from a run's log did something else than the log says."""


class EnvWorld:
    """Wraps a gymnasium env of this project (simulator or live) as an :class:`env.interface.World`.

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
        base = env.unwrapped
        self.action_names: tuple[str, ...] = tuple(base.action_names)
        self.movement_actions: tuple[str, ...] = tuple(base.movement_actions)
        self.item_names: tuple[str, ...] = tuple(base.item_names)
        self.capacity: int | None = getattr(base, "intervention_capacity", None)
        self.counters = Counters()
        self.on_transition = on_transition or (lambda t: None)
        self.on_reset = on_reset or (lambda seed, options: None)
        self.on_restart = on_restart or (lambda restart: None)
        self._inventory: dict[str, int] = {}
        self.last_info: dict[str, Any] = {}

    def reset(self, seed: int | None = None, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        options = dict(options) if options else None
        self.on_reset(seed, options)
        _, info = self.env.reset(seed=seed, options=options)
        self._report_restarts(info)
        self._inventory = dict(info["inventory"])
        self.last_info = info
        return info

    def inventory(self) -> dict[str, int]:
        return dict(self._inventory)

    def act(self, action: str) -> Transition:
        if action not in self.action_names:
            raise ValueError(f"unknown action {action!r}; valid actions: {', '.join(self.action_names)}")
        before = self._inventory
        _, _, _, _, info = self.env.step(self.env.unwrapped.action_index(action))
        self._report_restarts(info)
        self.counters.count_step()
        self._inventory = dict(info["inventory"])
        self.last_info = info
        t = Transition(
            step=self.counters.steps,
            action=action,
            before=before,
            after=self._inventory,
            consumed=info["consumed"],
            added=info["added"],
            success=bool(info["success"]),
            reason=str(info["reason"]),
            ticks=int(info.get("step_ticks", 0)),
            position=tuple(info["position"]),
            nearby=tuple(info.get("nearby", ())),
        )
        self.on_transition(t)
        return t

    def _report_restarts(self, info: Mapping[str, Any]) -> None:
        for restart in info.get("restarts", ()):
            fields = {key: restart.get(key) for key in ("what", "during", "error")}
            self.on_restart({**fields, "step": self.counters.steps})

    def intervene(self, inventory: Mapping[str, int]) -> None:
        self.counters.interventions += 1
        self.reset(options={"inventory": dict(inventory)})

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
