"""Learning when one intervention can hold only some of the known items (the live game's 32 free slots)."""

from __future__ import annotations

import gymnasium as gym
import pytest

from causal_graph import CausalGraph, edge_differences, score
from causal_graph.discovery import Discoverer
from causal_graph.learner import Learner
from env.interface.handle import EnvWorld


def world(capacity: int | None, variant: str = "original", seed: int = 0) -> EnvWorld:
    env = gym.make("adam/Minecraft-v0", variant=variant, render_frames=False, intervention_capacity=capacity)
    w = EnvWorld(env)
    w.reset(seed=seed)
    return w


def test_the_simulator_refuses_an_intervention_over_its_capacity():
    w = world(3)
    assert w.capacity == 3
    w.intervene({"oak_log": 1, "stick": 2, "coal": 3})
    with pytest.raises(ValueError, match="at most 3 item kinds"):
        w.intervene({"oak_log": 1, "stick": 2, "coal": 3, "dirt": 1})
    assert w.inventory() == {"oak_log": 1, "stick": 2, "coal": 3}  # nothing half-applied


@pytest.mark.parametrize("capacity", [32, 20])
@pytest.mark.parametrize(("variant", "seed"), [("original", 0), ("original", 1), ("adam_modified", 2), ("random:3", 3)])
def test_learns_the_whole_graph_within_the_capacity(capacity, variant, seed):
    w = world(capacity, variant, seed)
    resets: list[dict] = []
    w.on_reset = lambda s, options: resets.append(dict((options or {}).get("inventory", {})))
    graph = CausalGraph()
    learner = Learner(Discoverer(w), graph, w.action_names, order_seed=seed)
    learner.learn_all()
    learner.complete()  # alternatives too: within the capacity, every candidate must get its trial
    known = learner.state.known
    assert len(known) > capacity  # the limit really bit
    assert max(len(inv) for inv in resets) == capacity
    truth = CausalGraph.from_relations(w.env.unwrapped.ground_truth())
    result = score(graph, truth, w.counters.interventions, w.counters.steps)
    assert result["shd"] == 0, edge_differences(graph, truth)
    # every unexplained action was tried with every known item, over its tries
    for action in learner.actions:
        if not graph.explained(action):
            assert set(learner.state.tried_with[action]) >= set(known), action


def test_priority_puts_untried_items_first_then_causes_then_the_newest():
    w = world(8)
    learner = Learner(Discoverer(w), CausalGraph(), w.action_names, order_seed=0)
    learner.observe(["oak_log", "oak_planks", "stick", "crafting_table", "dirt", "sand", "coal", "wooden_axe"])
    action = learner.actions[0]
    # never tried: the newest first
    assert learner.priority(action)[:3] == ["wooden_axe", "coal", "sand"]
    learner.state.tried_with[action] = ["oak_log", "oak_planks", "stick", "crafting_table", "dirt", "sand"]
    learner.observe(["cobblestone", "wooden_pickaxe"])
    order = learner.priority(action)
    # a quarter of the capacity (2) for the newest untried items, then the rest of the order
    assert order[:2] == ["wooden_pickaxe", "cobblestone"]
    assert set(order) == set(learner.state.known)


def test_a_cause_no_relation_needs_comes_back_beside_the_new_items():
    """random:4's diamond axe also needs a wooden shovel, which nothing else needs: once diamonds were known, the
    32-kind tries of craft_diamond_axe used to leave the shovel out every time (SHD 5, on 4 of 10 seeds). Tries now
    rotate through what the last one left out. (At 20 kinds this seed still misses it: BENCHMARKS.md.)"""
    w = world(32, "random:4", 2)
    graph = CausalGraph()
    learner = Learner(Discoverer(w), graph, w.action_names, order_seed=2)
    learner.learn_all()
    truth = CausalGraph.from_relations(w.env.unwrapped.ground_truth())
    assert "wooden_shovel" in truth.relation("craft_diamond_axe").needs
    assert graph.relation("craft_diamond_axe") is not None
    assert set(graph.relation("craft_diamond_axe").needs) == set(truth.relation("craft_diamond_axe").needs)


def test_the_most_needed_causes_come_first_and_a_new_item_stays_in_every_try_of_its_coverage():
    """At the overworld's size (200 items, 32 kinds a try): newest-first causes had left the crafting table out of
    every try once 30 newer causes were known, and the item whose arrival started a coverage (a minecart) was held
    only in the first try of it, so a chest never met it (craft_chest_minecart unlearned)."""
    from env.interface import CausalRelation, Need

    w = world(8)
    graph = CausalGraph()
    learner = Learner(Discoverer(w), graph, w.action_names, order_seed=0)
    learner.observe(["oak_log", "oak_planks", "stick", "crafting_table", "dirt", "sand", "coal", "wooden_axe"])
    for action, cause in (("craft_fence", "oak_planks"), ("craft_wooden_axe", "stick"), ("craft_sticks", "sand")):
        graph.set_relation(CausalRelation(action, {cause: Need(1, True), "crafting_table": Need(1, False)}, {"x": 1}))
    action = "craft_golden_sword"
    learner.state.tried_with[action] = list(learner.state.known)  # every item tried: only causes and the rest remain
    assert learner.priority(action)[0] == "crafting_table"  # needed by 3 relations: before the newer causes
    # a try held a new item: the coverage series starts beside it, and it is held in each try of the series
    learner.observe(["iron_ingot"])
    learner.state.tried_with[action] = [*learner.state.tried_with[action], "iron_ingot"]
    learner.state.since_new[action] = ["iron_ingot", "crafting_table"]
    learner.state.newcomers[action] = ["iron_ingot"]
    order = learner.priority(action)
    assert order[0] == "iron_ingot" and order[1:3] == ["oak_log", "oak_planks"]  # then the uncovered, oldest first


@pytest.mark.slow
def test_a_deep_goal_of_the_overworld_from_an_empty_inventory_with_the_1_19_prior(tmp_path):
    """Issue 19: in the overworld library's world (317 actions: redstone, copper, lapis, clay, sugar cane, birch...),
    ``adam prior --actions overworld`` then ``adam run --actions overworld --prior FILE --goal compass --goal piston``
    reaches both from an empty inventory within 3000 steps, and every relation it learned on the way (each belief
    verified by its trials) is exact: whatever the score finds wrong is an action not learned yet. (The whole tree
    without a prior now takes more than the 20 000-step budget: BENCHMARKS.md; bench/bench_overworld.py runs it.)"""
    import json

    from agent.run import RunConfig, new_run
    from causal_graph.graph import CausalGraph
    from env.catalogue import catalogue
    from tests.support.cli import adam

    prior = tmp_path / "overworld.json"
    adam("prior", "--actions", "overworld", "--out", str(prior))
    config = RunConfig(
        seed=1, goals=("compass", "piston"), actions="overworld", out=str(tmp_path / "runs"), picture=False,
        prior_file=str(prior), max_steps=3000, explore_rounds=0,
    )  # fmt: skip
    result = new_run(config).loop().to_json()
    assert result["goal_reached"], result["end_reason"]
    assert result["score"]["total_actions"] == 317
    folder = tmp_path / "runs" / next((tmp_path / "runs").iterdir()).name
    learned = {r.action for r in CausalGraph.load(folder / "graph.json").relations()}
    assert {"mine_redstone_ore", "craft_compass", "craft_piston", "smelt_raw_iron"} <= learned
    # each learned relation needs what one of the action's true ways needs (an item or one of its stand-ins, in the
    # same quantity, used up or held alike) and yields what it yields; the stand-ins themselves are searched later,
    # and by-products are dropped later
    truth = {}
    cat = catalogue("original", 0, "overworld")
    for rel in [*cat.true_relations(), *cat.other_ways()]:
        truth.setdefault(rel.action, []).append(rel)
    wrong = [
        r.action
        for r in CausalGraph.load(folder / "graph.json").relations()
        if not any(_same_up_to_stand_ins(r, way) for way in truth[r.action])
    ]
    assert wrong == [], wrong
    assert json.loads((folder / "result.json").read_text())["prior"]["confirmed"] > 0


def _same_up_to_stand_ins(learned, true) -> bool:
    def key(rel):
        return {frozenset((i, *n.alternatives)): (n.quantity, n.consumed) for i, n in rel.needs.items()}

    truth = key(true)
    # a dig's tunnel gave cobblestone beside the ore: such a by-product is dropped by the checks of later steps
    if not set(true.yields) <= set(learned.yields) or len(learned.needs) != len(truth):
        return False
    return all(
        any(i in group and (n.quantity, n.consumed) == need for group, need in truth.items())
        for i, n in learned.needs.items()
    )
