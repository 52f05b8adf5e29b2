"""Reporting only: the learned graph scored against the world's ground truth, when it has one.

This is the one place the run touches the world's ground truth, after the fact, to score the learned
graph; the agent's decisions never read it.
"""

from __future__ import annotations

from typing import Any

from causal_graph.graph import CausalGraph
from causal_graph.metrics import closest_ways, edge_differences, quantity_errors, score
from env.interface import Counters, World

MAX_DIFFERENCES = 200  # difference lines kept in result.json (``differences_total`` counts them all)


def final_score(world: World, graph: CausalGraph, counters: Counters) -> dict[str, Any]:
    """The learned graph scored against the world's ground truth (:func:`causal_graph.metrics.score`),
    with ``differences``: what is wrong per action, as readable lines (``"missing: mine_iron_ore needs
    stone_pickaxe"``, ``"extra: …"``, then ``"quantity: craft_planks: needs oak_log x2, truth x1"``), at
    most :data:`MAX_DIFFERENCES` of them, and ``differences_total``. A world without ground truth is
    not scored: ``{}``. An action the world says works in several ways (``ground_truth_other_ways()``: nine
    nuggets for one ingot beside one block for nine) is scored against the way its learned relation is closest
    to; ``other_ways`` counts those ways, ``other_ways_scored`` those a learned relation was scored against."""
    relations = world.ground_truth()
    if relations is None:
        return {}
    others = getattr(world, "ground_truth_other_ways", lambda: [])() or []
    chosen = closest_ways(graph, relations, others)
    truth = CausalGraph.from_relations(chosen)
    scores = score(graph, truth, counters.interventions, counters.steps)
    lines = edge_differences(graph, truth) + [f"quantity: {line}" for line in quantity_errors(graph, truth)]
    out = {**scores, "differences": lines[:MAX_DIFFERENCES], "differences_total": len(lines)}
    if others:
        out["other_ways"] = len(others)
        out["other_ways_scored"] = sum(1 for rel in chosen if rel in others)
    return out
