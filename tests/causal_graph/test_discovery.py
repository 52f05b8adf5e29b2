"""Causal discovery by do()-interventions on the real simulator."""

from __future__ import annotations

import gymnasium as gym
import pytest

from causal_graph import CausalGraph, edge_differences, score
from causal_graph.baseline import AdamDiscoverer, adam_config
from causal_graph.discovery import Discoverer, DiscoveryConfig
from causal_graph.learner import Learner
from env.interface.handle import EnvWorld

VARIANTS = ["original", "adam_modified", "obfuscated"] + [f"random:{k}" for k in range(5)]


def world(variant: str = "original", seed: int = 0, **kwargs) -> EnvWorld:
    w = EnvWorld(gym.make("adam/Minecraft-v0", variant=variant, render_frames=False, **kwargs))
    w.reset(seed=seed)
    return w


def learn(w: EnvWorld, seed: int, discoverer=None) -> CausalGraph:
    """Learn every relation, then (our method only) look for the alternatives of every cause, as the
    controller does once its goals are reached: SHD counts a cause group right only when it is whole."""
    graph = CausalGraph()
    learner = Learner(discoverer or Discoverer(w), graph, w.action_names, order_seed=seed)
    learner.learn_all()
    if discoverer is None:
        learner.complete()
    return graph


@pytest.mark.parametrize("variant", VARIANTS)
# seed 0 runs in the fast lane (-m "not slow"); the other nine are slow
@pytest.mark.parametrize("seed", [0, *(pytest.param(seed, marks=pytest.mark.slow) for seed in range(1, 10))])
def test_learns_the_whole_graph_with_shd_zero(variant, seed):
    w = world(variant, seed)
    graph = learn(w, seed)
    truth = CausalGraph.from_relations(w.env.unwrapped.ground_truth())
    result = score(graph, truth, w.counters.interventions, w.counters.steps)
    assert result["shd"] == 0, edge_differences(graph, truth)
    assert result["exact_actions"] == result["total_actions"] == 41
    assert result["quantity_errors"] == 0


def test_by_products_are_not_effects():
    w = world(seed=2)
    known = ["iron_pickaxe", "oak_log", "cobblestone"]
    outcome = Discoverer(w).discover("mine_diamond_ore", known)
    assert outcome.status == "explained"
    dug = {i for t in outcome.runs for i in t.added} - {"diamond"}
    assert dug, "digging down to diamonds should have produced by-products to reject"
    assert set(outcome.relation.yields) == {"diamond"}
    assert set(outcome.relation.needs) == {"iron_pickaxe"}


def test_tool_tier_alternatives_are_recorded():
    w = world(seed=1)
    known = ["wooden_pickaxe", "stone_pickaxe", "iron_pickaxe", "diamond_pickaxe"]
    rel = Discoverer(w).discover("mine_iron_ore", known).relation
    assert set(rel.needs) == {"stone_pickaxe"}, "the lowest sufficient tier is the cause"
    assert set(rel.needs["stone_pickaxe"].alternatives) == {"iron_pickaxe", "diamond_pickaxe"}
    assert not rel.needs["stone_pickaxe"].consumed


def test_fuel_alternatives_are_recorded():
    w = world(seed=1)
    known = ["oak_log", "oak_planks", "stick", "coal", "raw_iron", "furnace"]
    rel = Discoverer(w).discover("smelt_raw_iron", known).relation
    assert rel.needs["coal"].consumed and set(rel.needs["coal"].alternatives) == {"oak_log", "oak_planks", "stick"}
    assert rel.needs["raw_iron"].quantity == 1 and not rel.needs["furnace"].consumed
    assert rel.yields == {"iron_ingot": 1}


def test_unreachable_target_is_not_a_missing_cause():
    w = world(seed=0, search_radius=1)
    outcome = Discoverer(w, config=DiscoveryConfig(max_detours=2)).discover("mine_diamond_ore", ["iron_pickaxe"])
    assert outcome.status == "unreachable" and outcome.relation is None
    assert outcome.steps == 5  # three tries, two exploring moves between them


def test_exploring_finds_a_far_target():
    w = world(seed=0, search_radius=10)
    w.env.unwrapped.reset(options={"position": (2, 2)})  # a corner, away from the spawn's trees
    outcome = Discoverer(w).discover("gather_oak_log", [])
    assert outcome.status == "explained" and outcome.relation.needs == {}


def test_discovery_restores_the_agents_inventory():
    w = world(seed=0)
    w.intervene({"oak_log": 2})
    Discoverer(w).discover("craft_planks", ["oak_log", "dirt"])
    assert w.inventory() == {"oak_log": 2}


def test_adam_baseline_misses_disjunctive_causes_and_costs_more():
    ours_w, adam_w = world(seed=0), world(seed=0)
    ours_learner = Learner(Discoverer(ours_w), ours := CausalGraph(), ours_w.action_names, order_seed=0)
    ours_learner.learn_all()
    learning_steps = ours_w.counters.steps  # the cost of learning every relation, as ADAM's procedure does
    ours_learner.complete()
    adam = learn(adam_w, 0, AdamDiscoverer(adam_w, config=adam_config()))
    truth = CausalGraph.from_relations(ours_w.env.unwrapped.ground_truth())
    assert score(ours, truth)["shd"] == 0
    assert score(adam, truth)["shd"] > 0  # removing coal leaves planks to burn: coal looks unneeded
    assert learning_steps <= 0.5 * adam_w.counters.steps
