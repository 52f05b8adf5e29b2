"""The LLM hypothesis proposer, planner and actor, behind the causal module's and controller's
protocols. The data and the graph keep the last word: a proposer's guesses only order the do()-tests,
a plan must be feasible on the learned graph, an action must be one of the offered options."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace

from agent.llm.ask import Emit, NoAnswer, ask
from agent.llm.client import LLMClient
from agent.llm.prompts import render
from agent.llm.replies import ReplyError, parse_action, parse_hypothesis, parse_plan
from agent.planner import GraphPlanner, Plan, PlanStep
from causal_graph.graph import CausalGraph
from causal_graph.proposer import Hypothesis, OfflineProposer
from env.interface import Transition


def _records(samples: Sequence[Transition]) -> str:
    rows = [
        {"before": dict(t.before), "consumed": dict(t.consumed), "added": dict(t.added), "success": t.success}
        for t in samples
    ]
    return json.dumps(rows, sort_keys=True)


class LLMProposer:
    """Asks the LLM which held items the action needs; the offline proposer's data-proven consumed
    items and effects stand, the LLM's guesses are tried first by the do()-tests."""

    source = "llm"

    def __init__(self, client: LLMClient, emit: Emit, attempts: int = 2) -> None:
        self.client, self.emit, self.attempts = client, emit, attempts
        self.offline = OfflineProposer()

    def propose(self, action: str, samples: Sequence[Transition], known: Sequence[str]) -> Hypothesis | None:
        data = self.offline.propose(action, samples, known)
        if data is None:
            return None
        seen = list(dict.fromkeys([*known, *(i for t in samples for i in (*t.before, *t.after))]))
        prompt = render("hypothesis", action=action, records=_records(samples), known=", ".join(seen))
        try:
            reply = ask(
                self.client, "hypothesis", prompt, lambda text: parse_hypothesis(text, set(seen)), self.emit,
                self.attempts,
            )  # fmt: skip
        except NoAnswer:
            return None  # the discoverer falls back to the offline proposer, which labels its hypothesis
        likely = tuple(i for i in reply.held if i in data.held)
        return Hypothesis(action, data.effects, data.consumed, data.held, data.effect_range, "llm", likely)


def _relations_text(graph: CausalGraph) -> str:
    lines = []
    for rel in graph.relations():
        consumed = {i: n.quantity for i, n in rel.needs.items() if n.consumed}
        held = [i for i, n in rel.needs.items() if not n.consumed]
        alts = {i: list(n.alternatives) for i, n in rel.needs.items() if n.alternatives}
        entry = {"action": rel.action, "consumed": consumed, "held": held, "yields": dict(rel.yields)}
        if alts:
            entry["alternatives"] = alts
        lines.append(json.dumps(entry, sort_keys=True))
    return "\n".join(lines)


def check_feasible(
    graph: CausalGraph, steps: list[tuple[str, int]], goal: str, quantity: int, inventory: Mapping[str, int]
) -> None:
    """Raise ReplyError unless the steps, run on the learned graph from ``inventory``, end holding the goal."""
    inv = dict(inventory)
    for index, (action, count) in enumerate(steps):
        rel = graph.relation(action)
        if rel is None:
            raise ReplyError("unknown_action", f"steps[{index}]: {action!r} is not explained")
        for _ in range(count):
            for item, need in rel.needs.items():
                options = [item, *need.alternatives]
                have = [o for o in options if inv.get(o, 0) >= (need.quantity if need.consumed else 1)]
                if not have:
                    raise ReplyError("infeasible", f"steps[{index}] {action}: needs {need.quantity} {item}")
                if need.consumed:
                    inv[have[0]] -= need.quantity
            for item, q in rel.yields.items():
                inv[item] = inv.get(item, 0) + q
    if inv.get(goal, 0) < quantity:
        raise ReplyError("infeasible", f"the plan does not end holding {quantity} {goal}")


class LLMPlanner:
    """Asks the LLM for a plan; accepts it only if it is feasible on the learned graph. Without one,
    the offline plan stands in, labelled ``offline`` with the reason in ``fallback``."""

    source = "llm"

    def __init__(self, client: LLMClient, emit: Emit, attempts: int = 2) -> None:
        self.client, self.emit, self.attempts = client, emit, attempts
        self.offline = GraphPlanner()

    def plan(self, graph: CausalGraph, goal: str, inventory: Mapping[str, int], quantity: int = 1) -> Plan | None:
        offline = self.offline.plan(graph, goal, inventory, quantity)
        if offline is None:
            return None  # the graph holds no chain to the goal: nothing to ask
        prompt = render(
            "planner", goal=goal, quantity=quantity, inventory=json.dumps(dict(sorted(inventory.items()))),
            relations=_relations_text(graph),
        )  # fmt: skip
        known = {a for a in graph.actions() if graph.explained(a)}

        def parse(text: str) -> list[tuple[str, int]]:
            steps = parse_plan(text, known)
            check_feasible(graph, steps, goal, quantity, inventory)
            return steps

        try:
            steps = ask(self.client, "planner", prompt, parse, self.emit, self.attempts)
        except NoAnswer as err:
            return replace(offline, fallback=f"llm: {err.reason}")
        produced = [next(iter(graph.relation(a).yields), "") for a, _ in steps]
        chain = tuple(PlanStep(a, c, p) for (a, c), p in zip(steps, produced, strict=True))
        return Plan(goal, quantity, chain, source="llm")


class LLMChooser:
    """The actor's choice among the offered options (the plan step's action, movements)."""

    def __init__(self, client: LLMClient, emit: Emit, attempts: int = 2) -> None:
        self.client, self.emit, self.attempts = client, emit, attempts

    def choose(
        self,
        step: PlanStep,
        last: Transition | None,
        memory: str,
        perception: str,
        options: Sequence[str],
        fallback: str,
    ) -> str:
        last_text = "none yet" if last is None else f"{last.action}: {last.reason}, added {dict(last.added)}"
        prompt = render(
            "actor", step_action=step.action, step_count=step.count, step_item=step.produces,
            last_outcome=last_text, memory=memory or "(empty)", perception=perception or "(no perception)",
            options=", ".join(options),
        )  # fmt: skip
        try:
            return ask(
                self.client, "actor", prompt, lambda text: parse_action(text, set(options)), self.emit, self.attempts
            )
        except NoAnswer:
            return fallback  # the offline choice; the llm_fallback event records it
