"""The actor: executes a plan step against the world, exploring when a target is out of reach and
reporting when an action does not do what the graph predicts (the controller then re-plans).

What to do next is asked of a :class:`Chooser` (the offline one, or the LLM actor): once per plan
step (run it, or move first), and after each ``unreachable`` (which way to explore).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from agent.memory import MemoryPool
from agent.planner import PlanStep
from causal_graph.discovery import WORLD_FAILURES
from causal_graph.graph import CausalGraph
from env.interface import CausalRelation, Transition, World


class Chooser(Protocol):
    """Picks one of ``options``; ``fallback`` is the offline choice (used when the chooser cannot decide)."""

    def choose(
        self,
        step: PlanStep,
        last: Transition | None,
        memory: str,
        perception: str,
        options: Sequence[str],
        fallback: str,
    ) -> str: ...


class OfflineChooser:
    """Always the offline choice: the step's action, or the next move of the exploration spiral."""

    def choose(self, step, last, memory, perception, options, fallback) -> str:  # noqa: ANN001
        return fallback


@dataclass
class StepResult:
    """``ok``: every run of the step did what the graph predicts. ``why``: otherwise, what went wrong.
    ``excused``: when the world explains the failure (:func:`world_excuse`), how; such a failure does not count
    against the relation."""

    step: PlanStep
    ok: bool
    runs: int = 0
    why: str = ""
    excused: str = ""
    transitions: list[Transition] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # learned yields the failing run did not add


def world_excuse(t: Transition, relation: CausalRelation | None) -> str:
    """Why the world, not the learned ``relation``, explains the failed transition ``t`` ('' when nothing does):
    the world said so (:data:`causal_graph.discovery.WORLD_FAILURES`: it lost its way), the world took something
    during the step (``t.lost``: a station a creeper blew up), or a cause of the relation was not held before the
    step (a tool that broke, a station lost earlier)."""
    if t.reason in WORLD_FAILURES:
        return f"the world: {t.reason}"
    if t.lost:
        return "the world took " + ", ".join(sorted(t.lost))
    missing = [
        item
        for item, need in (relation.needs.items() if relation else ())
        if not any(t.before.get(i, 0) >= need.quantity for i in (item, *need.alternatives))
    ]
    return f"a cause was not held: {', '.join(sorted(missing))}" if missing else ""


class Actor:
    def __init__(
        self,
        world: World,
        graph: CausalGraph,
        memory: MemoryPool,
        chooser: Chooser | None = None,
        max_detours: int = 24,
    ) -> None:
        self.world = world
        self.graph = graph
        self.memory = memory
        self.chooser = chooser or OfflineChooser()
        self.max_detours = max_detours
        self._detours = 0

    def _act(self, action: str, note: str = "") -> Transition:
        t = self.world.act(action)
        self.memory.remember(t, note)
        return t

    def _explore(self, step: PlanStep, last: Transition) -> Transition:
        moves = self.world.movement_actions
        fallback = self.world.spec.movements.explore(self._detours) or step.action  # no moves: try again
        choice = self.chooser.choose(step, last, self.memory.summary(), self.memory.perception, moves, fallback)
        self._detours += 1
        return self._act(choice, "explore")

    def execute(self, step: PlanStep) -> StepResult:
        result = StepResult(step, ok=True)
        rel = self.graph.relation(step.action)
        options = (step.action, *self.world.movement_actions)
        first = self.chooser.choose(step, None, self.memory.summary(), self.memory.perception, options, step.action)
        if first != step.action:
            result.transitions.append(self._act(first, "actor chose to move first"))
        for _ in range(step.count):
            detours = 0
            while True:
                t = self._act(step.action)
                result.transitions.append(t)
                if t.reason != "unreachable":
                    break
                if detours >= self.max_detours:
                    result.ok, result.why, result.excused = False, "unreachable", "the world: unreachable"
                    self.memory.fail(step.action, t.step, result.why)
                    return result
                detours += 1
                result.transitions.append(self._explore(step, t))
            result.runs += 1
            missing = [i for i in (rel.yields if rel else {}) if t.added.get(i, 0) <= 0]
            if not t.success or missing:
                result.ok = False
                result.why = f"{t.reason}; expected {', '.join(missing) or 'success'}"
                result.missing = missing
                result.excused = world_excuse(t, rel)
                if not result.excused:  # a failure the world explains does not count against the relation
                    self.memory.fail(step.action, t.step, result.why)
                return result
        self._detours = 0
        return result
