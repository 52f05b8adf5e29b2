"""Reporting only: the simulator's ground truth and item names for scores and milestones.

This is the one place the run touches the environment's ground truth, after the fact, to score the
learned graph; the agent's decisions never read it.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from causal_graph.graph import CausalGraph
from causal_graph.metrics import edge_differences, quantity_errors, score
from env.interface import Counters

MAX_DIFFERENCES = 200  # difference lines kept in result.json (``differences_total`` counts them all)

MILESTONES = {
    "wooden_pickaxe": "wooden tool",
    "stone_pickaxe": "stone tool",
    "iron_pickaxe": "iron tool",
    "diamond": "diamond",
}
MILESTONE_ORDER = tuple(MILESTONES.values())


def shown_item(env: gym.Env, name: str) -> str:
    """The item ``name`` (a Minecraft name, or as shown) as the agent sees it; ValueError if unknown."""
    base = env.unwrapped
    vocab = base.vocabulary
    if name in base.item_names:
        return name
    if vocab.shown(name) in base.item_names:
        return vocab.shown(name)
    raise ValueError(f"unknown goal item {name!r}; list the items with `adam items --variant {base.variant.name}`")


def shown_block(env: gym.Env, name: str) -> str:
    """A block kind (Minecraft name) as the world reports it in ``nearby``; ValueError if unknown."""
    vocab = env.unwrapped.vocabulary
    shown = vocab.shown(name)
    if not vocab.knows(shown):
        raise ValueError(f"unknown block {name!r} in an environment goal (e.g. near:water, near:sand, see:oak_log)")
    return shown


def milestone_items(env: gym.Env) -> dict[str, str]:
    vocab = env.unwrapped.vocabulary
    return {vocab.shown(item): label for item, label in MILESTONES.items()}


def final_score(env: gym.Env, graph: CausalGraph, counters: Counters) -> dict[str, Any]:
    """The learned graph scored against the world's ground truth (:func:`causal_graph.metrics.score`),
    with ``differences``: what is wrong per action, as readable lines (``"missing: mine_iron_ore needs
    stone_pickaxe"``, ``"extra: …"``, then ``"quantity: craft_planks: needs oak_log x2, truth x1"``), at
    most :data:`MAX_DIFFERENCES` of them, and ``differences_total``. A world without ground truth is
    not scored: ``{}``."""
    relations = getattr(env.unwrapped, "ground_truth", lambda: None)()
    if relations is None:
        return {}
    truth = CausalGraph.from_relations(relations)
    scores = score(graph, truth, counters.interventions, counters.steps)
    lines = edge_differences(graph, truth) + [f"quantity: {line}" for line in quantity_errors(graph, truth)]
    return {**scores, "differences": lines[:MAX_DIFFERENCES], "differences_total": len(lines)}
