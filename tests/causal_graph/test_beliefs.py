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
