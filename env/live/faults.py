"""Faults injected into a live game on purpose, for tests and demonstrations: off unless asked for.

``ADAM_FAULT_KILL_<WHAT>_AT_<CALL>=N`` SIGKILLs the bot process (``BOT``) or the local arena server
(``SERVER``) while the env's Nth ``STEP`` (its action), ``INTERVENTION`` (a reset with an inventory:
its /clear and /give) or ``OBSERVE`` (the observation after a reset or step) is in flight, counted from 1
over the env's life; e.g. ``ADAM_FAULT_KILL_BOT_AT_INTERVENTION=3 ADAM_FAULT_KILL_SERVER_AT_STEP=40``.
The kill happens right after the request is sent to the bot, so the call is interrupted, never skipped.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

TARGETS = ("bot", "server")
CALLS = {"step": ("gather", "craft", "smelt", "move"), "intervention": ("set_inventory",), "observe": ("observe",)}
PREFIX = "ADAM_FAULT_KILL_"


def variable(target: str, call: str) -> str:
    """The environment variable that kills ``target`` during the Nth ``call``."""
    return f"{PREFIX}{target.upper()}_AT_{call.upper()}"


@dataclass
class Faults:
    """Which call (by kind and ordinal) kills what; counts the calls as the env makes them."""

    plan: dict[tuple[str, str], int] = field(default_factory=dict)  # (target, call) -> N
    counts: Counter = field(default_factory=Counter)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Faults:
        """The faults asked for in the environment; ValueError naming the variable for a bad value."""
        environ = os.environ if environ is None else environ
        known = {variable(t, c): (t, c) for t in TARGETS for c in CALLS}
        plan = {}
        for name, value in environ.items():
            if not name.startswith(PREFIX):
                continue
            if name not in known:
                raise ValueError(f"unknown fault variable {name}; valid: {', '.join(sorted(known))}")
            if not value.strip().isdigit() or int(value) < 1:
                raise ValueError(f"{name} must be a call number from 1, got {value!r}")
            plan[known[name]] = int(value)
        return cls(plan)

    def __bool__(self) -> bool:
        return bool(self.plan)

    def __str__(self) -> str:
        return ", ".join(f"kill the {t} during {c} {n}" for (t, c), n in sorted(self.plan.items())) or "none"

    @property
    def targets(self) -> set[str]:
        return {target for target, _ in self.plan}

    def due(self, call: str) -> tuple[str, ...]:
        """Count one more ``call``; what to kill during it (often nothing)."""
        self.counts[call] += 1
        return tuple(t for t in TARGETS if self.plan.get((t, call)) == self.counts[call])


@dataclass
class Trigger:
    """A one-shot kill: the first request of ``methods`` sent after :meth:`arm` SIGKILLs the pids given then."""

    pids: Callable[[str], int | None]  # target -> its process id now
    armed: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # (targets, methods)
    fired: list[str] = field(default_factory=list)

    def arm(self, targets: tuple[str, ...], call: str) -> None:
        if targets:
            self.armed = (targets, CALLS[call])

    def disarm(self) -> None:
        self.armed = None

    def __call__(self, method: str) -> None:
        if self.armed is None or method not in self.armed[1]:
            return
        targets, self.armed = self.armed[0], None
        for target in targets:
            pid = self.pids(target)
            if pid is not None:
                os.kill(pid, signal.SIGKILL)
                self.fired.append(target)
