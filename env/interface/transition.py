"""The transition record (one executed action) and the step/intervention counters."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Transition:
    """One executed action: inventories before and after, what was consumed and added.

    ``success`` and ``reason`` are what the skill itself reports (``ok``, ``unreachable``, ``no_drop``,
    ``no_tool`` (the live bot left a block undug for want of its harvest tool), ``cannot_craft``, ``cannot_smelt``,
    ``moved``; a world's own failures: ``lost_way``, the block was not
    reached, and ``inventory_full``, the gain did not fit); ``step`` counts environment steps in the run.
    ``lost``: what the world took during the step, not the action (a station a creeper blew up, a placed
    thing a mob broke); it is in neither ``consumed`` nor ``after``, and the record carries it only when
    something was lost (logs written before it existed read the same).
    """

    step: int
    action: str
    before: Mapping[str, int]
    after: Mapping[str, int]
    consumed: Mapping[str, int]
    added: Mapping[str, int]
    success: bool
    reason: str
    ticks: int = 0
    position: tuple[int, int, int] | None = None
    nearby: tuple[str, ...] = ()
    frame: str | None = None  # reference to a saved frame, when frames are kept
    lost: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "step": self.step,
            "action": self.action,
            "before": dict(self.before),
            "after": dict(self.after),
            "consumed": dict(self.consumed),
            "added": dict(self.added),
            "success": self.success,
            "reason": self.reason,
            "ticks": self.ticks,
            "position": list(self.position) if self.position else None,
            "nearby": list(self.nearby),
            "frame": self.frame,
        }
        if self.lost:
            data["lost"] = dict(self.lost)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Transition:
        pos = data.get("position")
        return cls(
            step=int(data["step"]),
            action=str(data["action"]),
            before=dict(data["before"]),
            after=dict(data["after"]),
            consumed=dict(data["consumed"]),
            added=dict(data["added"]),
            success=bool(data["success"]),
            reason=str(data["reason"]),
            ticks=int(data.get("ticks", 0)),
            position=tuple(pos) if pos else None,
            nearby=tuple(data.get("nearby", ())),
            frame=data.get("frame"),
            lost=dict(data.get("lost") or {}),
        )


@dataclass
class Counters:
    """Environment steps and do()-interventions spent.

    ``critical_steps`` counts steps on the critical path: runs inside :meth:`parallel` are independent
    (ADAM's parallel sampling: N bots, or N environment copies, run them at once), so each
    :meth:`branch` counts in full toward ``steps`` but only the longest branch toward
    ``critical_steps``. The simulator executes them one after another.
    """

    steps: int = 0
    interventions: int = 0
    critical_steps: int = 0
    extra: dict[str, int] = field(default_factory=dict)
    _branches: list[int] | None = field(default=None, repr=False, compare=False)

    def count_step(self) -> None:
        self.steps += 1
        if self._branches:
            self._branches[-1] += 1
        else:
            self.critical_steps += 1

    @contextmanager
    def parallel(self) -> Iterator[None]:
        if self._branches is not None:  # already inside a parallel block: count as one branch
            yield
            return
        self._branches = []
        try:
            yield
        finally:
            self.critical_steps += max(self._branches, default=0)
            self._branches = None

    @contextmanager
    def branch(self) -> Iterator[None]:
        if self._branches is not None:
            self._branches.append(0)
        yield
