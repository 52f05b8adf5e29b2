"""The memory pool: recent transitions and failures, with what changed and what was perceived."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from env.interface import Transition


@dataclass
class MemoryPool:
    """Bounded recent history for the actor (and, later, LLM prompts); persisted with the run."""

    capacity: int = 50
    recent: deque = field(default_factory=deque)
    failures: deque = field(default_factory=deque)
    perception: str = ""

    def remember(self, t: Transition, note: str = "") -> None:
        entry = {
            "step": t.step,
            "action": t.action,
            "success": t.success,
            "reason": t.reason,
            "consumed": dict(t.consumed),
            "added": dict(t.added),
        }
        if note:
            entry["note"] = note
        self.recent.append(entry)
        while len(self.recent) > self.capacity:
            self.recent.popleft()

    def fail(self, action: str, step: int, why: str) -> None:
        self.failures.append({"action": action, "step": step, "why": why})
        while len(self.failures) > self.capacity:
            self.failures.popleft()

    def forget_failures(self, action: str) -> None:
        """Drop the failures of ``action`` (its relation is re-learned: they count against the old one)."""
        kept = [f for f in self.failures if f["action"] != action]
        self.failures.clear()
        self.failures.extend(kept)

    def forget_last_failure(self, action: str) -> None:
        """Drop the newest failure of ``action`` (one the agent explained after all)."""
        for index in range(len(self.failures) - 1, -1, -1):
            if self.failures[index]["action"] == action:
                del self.failures[index]
                return

    def failures_of(self, action: str) -> int:
        return sum(1 for f in self.failures if f["action"] == action)

    def summary(self, last: int = 5) -> str:
        lines = [f"{e['action']}: {e['reason']} +{e['added']} -{e['consumed']}" for e in list(self.recent)[-last:]]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "capacity": self.capacity,
            "recent": list(self.recent),
            "failures": list(self.failures),
            "perception": self.perception,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MemoryPool:
        pool = cls(int(data.get("capacity", 50)))
        pool.recent.extend(data.get("recent", []))
        pool.failures.extend(data.get("failures", []))
        pool.perception = str(data.get("perception", ""))
        return pool
