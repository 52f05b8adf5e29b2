"""The actor: executes a plan step against the world, exploring when a target is out of reach and
reporting when an action does not do what the graph predicts (the controller then re-plans).

Environment-factor goals (ADAM's second goal kind, e.g. "be next to water") go through
:class:`EnvironmentGoal`: ``satisfied(world)`` checks the world's nearby blocks, ``next_move`` picks a
movement. The default chooser is the exploration spiral; perception (its own module) plugs in a
chooser that reads the first-person frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agent.memory import MemoryPool
from agent.planner import PlanStep
from causal_graph.exploration import explore_move
from causal_graph.graph import CausalGraph
from env.interface import Transition, World


@dataclass
class StepResult:
    """``ok``: every run of the step did what the graph predicts. ``why``: otherwise, what went wrong."""

    step: PlanStep
    ok: bool
    runs: int = 0
    why: str = ""
    transitions: list[Transition] = field(default_factory=list)


class Actor:
    def __init__(self, world: World, graph: CausalGraph, memory: MemoryPool, max_detours: int = 24) -> None:
        self.world = world
        self.graph = graph
        self.memory = memory
        self.max_detours = max_detours
        self._detours = 0

    def explore(self) -> Transition:
        t = self.world.act(explore_move(self.world.movement_actions, self._detours))
        self._detours += 1
        self.memory.remember(t, "explore")
        return t

    def execute(self, step: PlanStep) -> StepResult:
        result = StepResult(step, ok=True)
        rel = self.graph.relation(step.action)
        for _ in range(step.count):
            detours = 0
            while True:
                t = self.world.act(step.action)
                result.transitions.append(t)
                self.memory.remember(t)
                if t.reason != "unreachable":
                    break
                if detours >= self.max_detours:
                    result.ok, result.why = False, "unreachable"
                    self.memory.fail(step.action, t.step, result.why)
                    return result
                detours += 1
                result.transitions.append(self.explore())
            result.runs += 1
            missing = [i for i in (rel.yields if rel else {}) if t.added.get(i, 0) <= 0]
            if not t.success or missing:
                result.ok = False
                result.why = f"{t.reason}; expected {', '.join(missing) or 'success'}"
                self.memory.fail(step.action, t.step, result.why)
                return result
        self._detours = 0
        return result


@dataclass(frozen=True)
class EnvironmentGoal:
    """A goal about the surroundings, e.g. ``near:water``: satisfied when ``block`` is among the
    world's nearby blocks. ``chooser(world, detour)`` picks the next movement (default: spiral)."""

    kind: str
    block: str
    chooser: Callable[[World, int], str] | None = None

    @classmethod
    def parse(cls, text: str) -> EnvironmentGoal:
        kind, _, block = text.partition(":")
        if kind not in ("near", "on", "see") or not block:
            raise ValueError(f"invalid environment goal {text!r}; use near:BLOCK, on:BLOCK or see:BLOCK")
        return cls(kind, block)

    def satisfied(self, nearby: tuple[str, ...]) -> bool:
        return self.block in nearby

    def next_move(self, world: World, detour: int) -> str:
        if self.chooser is not None:
            return self.chooser(world, detour)
        return explore_move(world.movement_actions, detour)
