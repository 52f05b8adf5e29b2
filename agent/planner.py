"""Planning from the learned causal graph: which actions, how many times, in what order.

The offline planner expands the goal backwards through the graph with quantities: to hold 1
``iron_pickaxe`` it needs 3 ``iron_ingot`` and 2 ``stick`` consumed and a ``crafting_table`` held,
so 3 ``smelt_raw_iron`` runs, so 3 ``raw_iron``, ... down to the number of ``gather_oak_log`` runs the
whole chain needs. Each producer is chosen by its estimated cost (actions to run, fixpoint over the
graph). A plan names only actions and items the graph knows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from causal_graph.graph import CausalGraph
from env.interface.relation import CausalRelation

INFINITY = math.inf


@dataclass(frozen=True)
class PlanStep:
    action: str
    count: int
    produces: str  # the item this step is for


@dataclass(frozen=True)
class Plan:
    """Steps in execution order; ``gathered`` totals the raw materials the chain collects. ``source``
    says what produced the plan (``offline``, ``llm``); ``fallback``, when set, why the planner that
    was asked (the LLM) did not (the offline plan stands in)."""

    goal: str
    quantity: int
    steps: tuple[PlanStep, ...]
    gathered: Mapping[str, int] = field(default_factory=dict)
    source: str = "offline"
    fallback: str = ""

    @property
    def length(self) -> int:
        return sum(s.count for s in self.steps)

    def to_dict(self) -> dict:
        """The ``plan`` event's fields (``fallback`` only when there was one)."""
        fallback = {"fallback": self.fallback} if self.fallback else {}
        return {
            "source": self.source,
            **fallback,
            "goal": self.goal,
            "quantity": self.quantity,
            "steps": [[s.action, s.count, s.produces] for s in self.steps],
            "gathered": dict(self.gathered),
            "length": self.length,
        }


class Planner(Protocol):
    """Makes a plan for ``quantity`` of ``goal`` from ``inventory``, or None if the graph cannot."""

    def plan(self, graph: CausalGraph, goal: str, inventory: Mapping[str, int], quantity: int = 1) -> Plan | None: ...


def item_costs(graph: CausalGraph) -> dict[str, float]:
    """Estimated actions needed to obtain one of each item from nothing (fixpoint; inf = unobtainable)."""
    cost: dict[str, float] = {}
    rels = graph.relations()
    changed = True
    while changed:
        changed = False
        for rel in rels:
            c = _relation_cost(rel, cost)
            for item, q in rel.yields.items():
                if q > 0 and c / q < cost.get(item, INFINITY) - 1e-9:
                    cost[item] = c / q
                    changed = True
    return cost


def _relation_cost(rel: CausalRelation, cost: Mapping[str, float]) -> float:
    total = 1.0
    for item, need in rel.needs.items():
        options = [item, *need.alternatives]
        best = min(cost.get(i, INFINITY) for i in options)
        total += best * (need.quantity if need.consumed else 1)
    return total


class GraphPlanner:
    """Backward expansion through the graph with quantities (the offline planner)."""

    source = "offline"

    def plan(self, graph: CausalGraph, goal: str, inventory: Mapping[str, int], quantity: int = 1) -> Plan | None:
        cost = item_costs(graph)
        state = _Expansion(graph, cost, dict(inventory))
        try:
            state.obtain(goal, quantity, consume=False, stack=())
        except _Impossible:
            return None
        return Plan(goal, quantity, tuple(state.steps), dict(sorted(state.gathered.items())))


class _Impossible(Exception):
    pass


class _Expansion:
    def __init__(self, graph: CausalGraph, cost: dict[str, float], inventory: dict[str, int]) -> None:
        self.graph = graph
        self.cost = cost
        self.inv = inventory  # virtual inventory as the plan unfolds
        self.steps: list[PlanStep] = []
        self.gathered: dict[str, int] = {}

    def _producers(self, item: str, stack: tuple[str, ...]) -> list[CausalRelation]:
        """The relations that yield ``item``, cheapest per item first, without those that would need what is being
        made (a cycle)."""
        found = []
        for action in self.graph.producers(item):
            rel = self.graph.relation(action)
            if rel is None or rel.yields.get(item, 0) <= 0:
                continue
            if any(all(o in stack for o in (i, *n.alternatives)) for i, n in rel.needs.items()):
                continue  # would need what it is being made for (a cycle)
            found.append((_relation_cost(rel, self.cost) / rel.yields[item], len(found), rel))
        return [rel for _, _, rel in sorted(found, key=lambda f: f[:2])]

    def obtain(self, item: str, quantity: int, consume: bool, stack: tuple[str, ...]) -> None:
        """Make the virtual inventory hold ``quantity`` of ``item`` (then use it up if ``consume``). The cheapest
        producer first; where its causes cannot be had (a by-product's producer that needs the item itself further
        down), the next one."""
        have = self.inv.get(item, 0)
        if have < quantity:
            if item in stack:
                raise _Impossible(item)
            producers = self._producers(item, stack)
            for k, rel in enumerate(producers):
                saved = (dict(self.inv), list(self.steps), dict(self.gathered))
                try:
                    self._run(rel, item, quantity - have, stack)
                    break
                except _Impossible:
                    self.inv, self.steps, self.gathered = saved
                    if k == len(producers) - 1:
                        raise
            else:
                raise _Impossible(item)
        if consume:
            self.inv[item] = self.inv.get(item, 0) - quantity

    def _run(self, rel: CausalRelation, item: str, missing: int, stack: tuple[str, ...]) -> None:
        """Plan enough runs of ``rel`` for ``missing`` more ``item``, its causes first."""
        per_run = rel.yields[item]
        runs = math.ceil(missing / per_run)
        for need_item, need in rel.needs.items():
            count = need.quantity * runs if need.consumed else 1
            options = self._options(need_item, need.alternatives, count, (*stack, item))
            for k, choice in enumerate(options):  # the likeliest first; one whose own causes cannot be had: the next
                saved = (dict(self.inv), list(self.steps), dict(self.gathered))
                try:
                    self.obtain(choice, count, need.consumed, (*stack, item))
                    break
                except _Impossible:
                    self.inv, self.steps, self.gathered = saved
                    if k == len(options) - 1:
                        raise
        self.steps.append(PlanStep(rel.action, runs, item))
        if not rel.consumed():  # gathered from the world, not made from other items
            self.gathered[item] = self.gathered.get(item, 0) + runs * per_run
        for out, q in rel.yields.items():
            self.inv[out] = self.inv.get(out, 0) + q * runs

    def _options(self, item: str, alternatives: tuple[str, ...], quantity: int, stack: tuple[str, ...]) -> list[str]:
        """The ways to meet a need, in the order to try them: an option already held in full first, then the
        cheapest to make (not one that is being made for this very need)."""
        options = [o for o in (item, *alternatives) if o not in stack] or [item]
        held = [o for o in options if self.inv.get(o, 0) >= quantity]
        return held + sorted((o for o in options if o not in held), key=lambda i: self.cost.get(i, INFINITY))
