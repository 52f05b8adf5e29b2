"""An action that works in several ways (one iron block for nine ingots, nine nuggets and a crafting table for one):
the learner learns one way exactly, and a success of another way neither stands in for a cause nor lowers a yield."""

from __future__ import annotations

import gymnasium as gym

from causal_graph.discovery import Discoverer, same_effect
from causal_graph.proposer import recheck_yields
from env.interface import CausalRelation, Need, Transition
from env.interface.handle import EnvWorld


def overworld() -> EnvWorld:
    w = EnvWorld(gym.make("adam/Minecraft-v0", actions="overworld", render_frames=False))
    w.reset(seed=0)
    return w


def needs(rel: CausalRelation) -> dict[str, tuple[int, bool, tuple[str, ...]]]:
    return {i: (n.quantity, n.consumed, n.alternatives) for i, n in rel.needs.items()}


def test_the_block_way_is_learned_without_the_nuggets_as_a_stand_in():
    outcome = Discoverer(overworld()).discover("craft_iron_ingot", ["iron_nugget", "crafting_table", "iron_block"])
    assert outcome.status == "explained"
    assert needs(outcome.relation) == {"iron_block": (1, True, ())}  # nine nuggets made one ingot: another way
    assert outcome.relation.yields == {"iron_ingot": 9} and not outcome.relation.yield_range


def test_the_nugget_way_keeps_its_yield_when_a_block_is_known_later():
    d = Discoverer(overworld())
    learned = d.discover("craft_iron_ingot", ["iron_nugget", "crafting_table"]).relation
    assert needs(learned) == {"iron_nugget": (9, True, ()), "crafting_table": (1, False, ())}
    outcome = d.refine(learned, ["iron_nugget", "crafting_table", "iron_block"], ["iron_nugget"])
    assert needs(outcome.relation) == needs(learned) and outcome.relation.yields == {"iron_ingot": 1}


def test_a_success_that_used_up_something_unnamed_is_another_way_not_evidence():
    rel = CausalRelation("craft_iron_ingot", {"iron_block": Need(1, True)}, {"iron_ingot": 9})
    other = Transition(
        1, "craft_iron_ingot", {"iron_nugget": 9}, {"iron_ingot": 1}, {"iron_nugget": 9}, {"iron_ingot": 1}, True, "ok"
    )
    assert recheck_yields(rel, [other]) is rel
    assert not same_effect(other, ({"iron_ingot": 9}, set()))
    assert same_effect(other, ({"iron_ingot": 9}, {"iron_ingot"}))  # a yield that varies: any count
    same = Transition(
        2, "craft_iron_ingot", {"iron_block": 1}, {"iron_ingot": 1}, {"iron_block": 1}, {"iron_ingot": 1}, True, "ok"
    )
    assert recheck_yields(rel, [same]).yields == {"iron_ingot": 1}  # the same way yielding less still lowers it


def test_charcoal_is_never_taken_for_a_stand_in_for_the_coal_that_makes_charcoal():
    """Burnt to make charcoal, charcoal leaves the inventory as it was: no trial can show it, so it is not looked
    for (it used to end the search, hiding the planks and sticks that do serve)."""
    d = Discoverer(overworld())
    known = ["oak_log", "coal", "furnace", "charcoal", "oak_planks", "stick"]
    outcome = d.discover("smelt_oak_log", known)
    assert outcome.status == "explained"
    assert needs(outcome.relation)["coal"] == (1, True, ("oak_planks", "stick"))
