"""Beliefs before trials (causal_graph/beliefs.py) on the Quarry: a belief a spent trial already refutes costs no
block; one whose own trial fails is refuted at once, whatever discovery does after."""

from __future__ import annotations

from causal_graph import CausalGraph
from causal_graph.discovery import Discoverer
from causal_graph.learner import Learner
from env.interface import CausalRelation, Need
from tests.causal_graph.test_spending import ACTIONS, quarry


def learner_believing(w, *beliefs: CausalRelation) -> tuple[Learner, list[tuple[str, dict]]]:
    events: list[tuple[str, dict]] = []
    discoverer = Discoverer(w, on_event=lambda kind, data: events.append((kind, data)))
    prior = CausalGraph.from_relations(beliefs, ACTIONS)
    learner = Learner(discoverer, CausalGraph(), w.action_names, beliefs=prior, goals=["gem"])
    learner.observe(["wood", "wood_pick"])
    return learner, events


def test_a_belief_a_spent_trial_already_refutes_spends_no_block():
    w = quarry()
    learner, events = learner_believing(w, CausalRelation("dig_gem", {"wood_pick": Need(1, False)}, {"gem": 1}))
    learner.discoverer._note_spent("dig_gem", {"wood": 32, "wood_pick": 32})  # the wood pick failed on a gem before
    assert learner.belief_stock("dig_gem") == ["wood_pick"]
    learner.learn("dig_gem")
    assert not [d for k, d in events if k == "intervention" and d["purpose"] == "belief"]  # not run again
    beliefs = [d for k, d in events if k == "belief"]
    assert [b["outcome"] for b in beliefs] == ["refuted"] and "known to fail" in beliefs[0]["differences"][0]
    assert learner.state.beliefs_refuted == ["dig_gem"] and learner.belief("dig_gem") is None  # weighed once


def test_a_belief_whose_own_trial_fails_is_refuted_at_once():
    w = quarry()
    learner, events = learner_believing(w, CausalRelation("dig_ore", {"wood_pick": Need(1, False)}, {"ore": 1}))
    learner.learn("dig_ore")
    tried = [d for k, d in events if k == "intervention" and d["purpose"] == "belief"]
    assert [t["inventory"] for t in tried] == [{"wood_pick": 32}] and not tried[0]["success"]
    assert learner.state.beliefs_refuted == ["dig_ore"] and w.env.broken == {"ore": 2}  # the belief, the sample


def test_a_route_action_waiting_on_a_wrong_belief_comes_before_the_actions_off_the_route():
    """A wrong belief may name a need nothing makes (rock pick believed to need a gem, the goal itself): the action
    waits behind the route's ready actions, but is tried (learned as without the belief) before anything off the
    route, not last."""
    w = quarry()
    learner, _ = learner_believing(
        w,
        CausalRelation("dig_gem", {"metal_pick": Need(1, False)}, {"gem": 1}),
        CausalRelation("craft_metal_pick", {"metal": Need(3, True)}, {"metal_pick": 1}),
        CausalRelation("smelt_ore", {"ore": Need(1, True)}, {"metal": 1}),
        CausalRelation("dig_ore", {"rock_pick": Need(1, False)}, {"ore": 1}),
        CausalRelation("craft_rock_pick", {"gem": Need(1, True)}, {"rock_pick": 1}),  # wrong: needs rock
    )
    order = learner.goal_directed(["craft_wood_axe", "craft_rock_pick", "chop_wood", "dig_gem"])
    assert order.index("craft_rock_pick") < order.index("craft_wood_axe")  # off the route: last
    assert learner.belief_stock("craft_rock_pick") is None  # waiting: no gem known
    learner.state.beliefs_refuted.extend(["dig_gem", "smelt_ore", "dig_ore"])  # three refuted, none confirmed
    assert not learner.trusted("prior") and learner.goal_directed(["craft_wood_axe", "dig_gem"]) == [
        "craft_wood_axe",
        "dig_gem",
    ]  # a source that is wrong more often than right no longer orders anything


def test_each_source_earns_its_own_trust():
    w = quarry()
    learner, _ = learner_believing(
        w,
        CausalRelation("chop_wood", {}, {"wood": 1}),
        CausalRelation("dig_rock", {"wood_pick": Need(1, False)}, {"rock": 1}),
    )
    learner.belief_sources = {"dig_rock": "llm"}
    learner.state.beliefs_refuted.extend(["craft_wood_pick", "craft_rock_pick", "smelt_ore"])  # from the prior
    assert not learner.trusted("prior") and learner.trusted("llm")
    assert learner.belief("chop_wood") is None and learner.belief("dig_rock") is not None
    assert learner.track_record("llm") == (0, 0) and learner.track_record("prior") == (3, 0)
