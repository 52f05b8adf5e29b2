"""Recording as a wrapper (crafter's recorder): any world env, used anywhere, writes a run's ``events.jsonl``.

``Recorder(gym.make("adam/Minecraft-v0"), "runs/notebook")`` appends one JSON line per reset and per step to
``runs/notebook/events.jsonl``, flushed as written, in the format of ``adam run``'s event log (runs/README.md):
``{"seq", "kind", "t", ...}`` with ``kind`` ``reset`` (``seed``, ``options``), ``restart`` (``what``,
``during``, ``error``, ``step``: a live env's restarts) and ``transition`` (the fields of
:meth:`env.interface.Transition.to_dict`, built by the same :func:`env.interface.handle.transition_of` as a
run's). A bench script or a notebook that steps an env itself gets the log an :class:`EnvWorld` run writes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import gymnasium as gym

from env.interface.handle import state_of, transition_of, world_spec

EVENTS_FILE = "events.jsonl"


class Recorder(gym.Wrapper):
    """Writes the wrapped world env's resets, restarts and transitions to ``folder/events.jsonl``.

    The env must implement the world contract (a ``world_spec``; its ``info`` dicts carry the keys of
    :data:`env.interface.world.STEP_INFO`). ``step`` takes an action index or an action name, as the env
    does; steps are numbered from 1 and counted over the whole recording (a reset does not restart the
    count), as a run counts them.
    The folder is created at the first event; an existing log is appended to.
    """

    def __init__(self, env: gym.Env, folder: str | Path) -> None:
        super().__init__(env)
        self.folder = Path(folder)
        self._action_names = world_spec(env).action_names  # TypeError here for an env outside the contract
        self.seq = 0
        self.steps = 0
        self._state: dict[str, int] = {}
        self._file: IO[str] | None = None
        self._t0 = time.perf_counter()

    @property
    def events_path(self) -> Path:
        return self.folder / EVENTS_FILE

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        self._event("reset", seed=seed, options=dict(options) if options else None)
        observation, info = self.env.reset(seed=seed, options=options)
        self._restarts(info)
        self._state = state_of(info)
        return observation, info

    def step(self, action: Any) -> tuple[Any, Any, bool, bool, dict[str, Any]]:
        name = action if isinstance(action, str) else self._action_names[int(action)]
        observation, reward, terminated, truncated, info = self.env.step(action)
        self.steps += 1
        self._restarts(info)
        transition = transition_of(self.steps, name, self._state, info)
        self._state = dict(transition.after)
        self._event("transition", **transition.to_dict())
        return observation, reward, terminated, truncated, info

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        super().close()

    def _restarts(self, info: Mapping[str, Any]) -> None:
        for restart in info.get("restarts", ()):
            self._event("restart", **{key: restart.get(key) for key in ("what", "during", "error")}, step=self.steps)

    def _event(self, kind: str, **data: Any) -> None:
        self.seq += 1
        record = {"seq": self.seq, "kind": kind, "t": round(time.perf_counter() - self._t0, 6), **data}
        if self._file is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._file = self.events_path.open("a", encoding="utf-8")
        self._file.write(json.dumps(record, separators=(",", ":")) + "\n")
        self._file.flush()
