"""Sweeps (causal_graph.sweeps): an action that never worked is at last held with every pair of the items known,
beside the most needed ones, where a try cannot hold them all (two old items that never met do), and with two of each
item a slot holds one of (a tool)."""

from __future__ import annotations

from itertools import combinations

import gymnasium as gym

from causal_graph import CausalGraph
from causal_graph.discovery import Discoverer
from causal_graph.learner import Learner, LearnerState
from env.interface.handle import EnvWorld

ITEMS = [
    "oak_log", "oak_planks", "stick", "crafting_table", "dirt", "sand", "coal", "wooden_axe", "cobblestone",
    "wooden_pickaxe", "stone_pickaxe", "furnace", "raw_iron", "iron_ingot", "iron_nugget", "wooden_shovel",
    "stone_axe", "stone_shovel", "charcoal", "raw_gold", "gold_ingot", "diamond", "wooden_sword", "stone_sword",
]  # fmt: skip


def learner_at(
    capacity: int, action: str = "craft_iron_pickaxe", **world: object
) -> tuple[Learner, CausalGraph, EnvWorld]:
    """Every action of ADAM's library explained by its true relation but ``action`` (craft_iron_pickaxe: 3 ingots, 2
    sticks and a crafting table), which was tried with every known item, never all its needs at once."""
    w = EnvWorld(gym.make("adam/Minecraft-v0", render_frames=False, intervention_capacity=capacity, **world))
    w.reset(seed=0)
    graph = CausalGraph()
    learner = Learner(Discoverer(w), graph, w.action_names, order_seed=0)
    for rel in w.env.unwrapped.ground_truth():
        if rel.action != action:
            graph.set_relation(rel)
    learner.observe(ITEMS)
    learner.state.tried_with[action] = list(ITEMS)
    learner.state.status[action] = "no_effect"
    for action in learner.actions:
        if graph.explained(action):
            learner.state.tried_with[action] = list(ITEMS)
    return learner, graph, w


def test_a_sweep_holds_every_pair_of_items_beside_the_most_needed():
    learner, _, _ = learner_at(8)
    learner.start_sweep("craft_iron_pickaxe")
    tries = learner._sweep_tries("craft_iron_pickaxe")
    pairs = [stock for stock, double in tries if double is None]
    every = learner.state.sweep_items["craft_iron_pickaxe"][:3]  # 3/8 of the capacity: the most needed
    assert every[0] == "stick"  # needed by the most learned relations (every tool)
    assert all(len(stock) <= 8 and stock[:3] == every for stock in pairs)  # held in every try
    met = {frozenset(pair) for stock in pairs for pair in combinations(stock, 2)}
    assert all(frozenset(pair) in met for pair in combinations(ITEMS, 2))
    assert len(pairs) == 55  # the other 21 items in groups of 2: 11 groups, every pair of them once
    # then two of each tool (a slot holds one), beside the most needed
    tools = [i for i in ITEMS if i.startswith(("wooden_", "stone_")) and i != "stone"]
    assert [(stock, double) for stock, double in tries[55:]] == [([tool, *every], tool) for tool in tools]


def test_nothing_else_left_the_unexplained_action_is_swept_until_it_works():
    learner, graph, w = learner_at(8)
    assert learner.worth_trying() == ["craft_iron_pickaxe"]  # tried with every item, nothing else to do: its sweep
    assert "craft_iron_pickaxe" in learner.state.sweep_items
    state = LearnerState.from_dict(learner.state.to_dict())  # the sweep under way is in the checkpoint
    assert state.sweep_items == learner.state.sweep_items and state.sweep_done == {"craft_iron_pickaxe": 0}
    for _ in range(30):
        if graph.explained("craft_iron_pickaxe"):
            break
        learner.learn("craft_iron_pickaxe")
    truth = {r.action: r for r in w.env.unwrapped.ground_truth()}["craft_iron_pickaxe"]
    assert set(graph.relation("craft_iron_pickaxe").needs) == set(truth.needs)
    assert list(learner.state.swept) == ["craft_iron_pickaxe"] and not learner.state.sweep_items
    assert learner.worth_trying() == []  # swept once: learning is over


def test_where_a_try_holds_every_known_item_only_the_doubles_are_left():
    learner, _, _ = learner_at(64)
    learner.start_sweep("craft_iron_pickaxe")
    assert all(double for _, double in learner._sweep_tries("craft_iron_pickaxe"))
    plain, _, _ = learner_at(64, conditions="plain")  # no stack limits: every try holds plenty of everything
    assert plain.sweeping() == [] and plain.worth_trying() == []


def test_two_of_a_tool_are_held_where_an_action_uses_up_two():
    """random:5 makes the diamond pickaxe use up two wooden axes: a try stocks one tool of a kind (a slot holds one),
    so it never worked (SHD 5 on seed 0); its sweep holds two."""
    learner, graph, w = learner_at(32, "craft_diamond_pickaxe", variant="random:5")
    learner.observe(["diamond"])
    learner.state.tried_with["craft_diamond_pickaxe"] = list(learner.state.known)
    for _ in range(40):
        if graph.explained("craft_diamond_pickaxe") or not learner.worth_trying():
            break
        learner.learn(learner.worth_trying()[0])
    truth = {r.action: r for r in w.env.unwrapped.ground_truth()}["craft_diamond_pickaxe"]
    assert truth.needs["wooden_axe"].quantity == 2
    learned = graph.relation("craft_diamond_pickaxe")
    assert learned is not None and {i: n.quantity for i, n in learned.needs.items()} == {
        i: n.quantity for i, n in truth.needs.items()
    }
