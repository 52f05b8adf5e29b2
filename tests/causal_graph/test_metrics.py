"""Scoring a learned graph against a hand-written truth: SHD, precision/recall, quantities, exact match."""

from __future__ import annotations

import json

import pytest

from causal_graph.graph import CausalGraph
from causal_graph.metrics import (
    EdgeScores,
    alternative_counts,
    edge_differences,
    edge_scores,
    exact_match,
    quantity_errors,
    score,
    shd,
)
from env.interface.relation import CausalRelation, Need

PLANKS = CausalRelation("craft_planks", {"oak_log": Need(1, True)}, {"oak_planks": 4})
PICKAXE = CausalRelation(
    "craft_wooden_pickaxe",
    {"oak_planks": Need(3, True), "stick": Need(2, True), "crafting_table": Need(1, False)},
    {"wooden_pickaxe": 1},
)
MINE = CausalRelation(
    "mine_iron_ore",
    {"stone_pickaxe": Need(1, False, ("iron_pickaxe", "diamond_pickaxe"))},
    {"raw_iron": 1},
    {"raw_iron": (1, 2)},
)
SMELT = CausalRelation(
    "smelt_raw_iron",
    {"furnace": Need(1, False), "raw_iron": Need(1, True), "coal": Need(1, True, ("oak_planks", "stick"))},
    {"iron_ingot": 1},
)
TRUTH_EDGES = 2 + 4 + 2 + 4  # needs + yields edges of the four relations


def truth() -> CausalGraph:
    return CausalGraph.from_relations([PLANKS, PICKAXE, MINE, SMELT])


def learned_with(*relations: CausalRelation) -> CausalGraph:
    """The truth with some relations replaced."""
    graph = truth()
    for rel in relations:
        graph.set_relation(rel)
    return graph


def drop_need(rel: CausalRelation, item: str) -> CausalRelation:
    return CausalRelation(rel.action, {k: v for k, v in rel.needs.items() if k != item}, rel.yields, rel.yield_range)


def test_identical_graphs_score_perfectly() -> None:
    assert shd(truth(), truth()) == 0
    assert edge_scores(truth(), truth()) == EdgeScores(1.0, 1.0, 1.0, TRUTH_EDGES, 0, 0)
    assert all(exact_match(truth(), truth()).values())
    assert quantity_errors(truth(), truth()) == []


def test_one_missing_needs_edge() -> None:
    learned = learned_with(drop_need(PICKAXE, "crafting_table"))
    assert shd(learned, truth()) == 1
    assert edge_differences(learned, truth()) == ["missing: craft_wooden_pickaxe needs crafting_table"]
    assert exact_match(learned, truth())["craft_wooden_pickaxe"] is False
    assert exact_match(learned, truth())["craft_planks"] is True


def test_one_extra_edge() -> None:
    extra = CausalRelation(
        "craft_planks", {"oak_log": Need(1, True), "crafting_table": Need(1, False)}, {"oak_planks": 4}
    )
    assert shd(learned_with(extra), truth()) == 1
    extra_yield = CausalRelation("craft_planks", PLANKS.needs, {"oak_planks": 4, "stick": 1})
    assert shd(learned_with(extra_yield), truth()) == 1


def test_a_wrong_item_counts_twice() -> None:
    wrong = CausalRelation("craft_planks", {"birch_log": Need(1, True)}, {"oak_planks": 4})
    assert shd(learned_with(wrong), truth()) == 2
    assert sorted(edge_differences(learned_with(wrong), truth())) == [
        "extra: craft_planks needs birch_log",
        "missing: craft_planks needs oak_log",
    ]


def test_unexplained_action_misses_all_its_edges() -> None:
    learned = truth()
    learned.remove_relation("craft_wooden_pickaxe")
    assert shd(learned, truth()) == 4
    absent = CausalGraph.from_relations([PLANKS, MINE, SMELT])  # action not even known
    assert shd(absent, truth()) == 4


def smelt_with_fuel(item: str, *alternatives: str) -> CausalRelation:
    needs = {"furnace": Need(1, False), "raw_iron": Need(1, True), item: Need(1, True, alternatives)}
    return CausalRelation("smelt_raw_iron", needs, {"iron_ingot": 1})


def mine_with(item: str, *alternatives: str) -> CausalRelation:
    return CausalRelation("mine_iron_ore", {item: Need(1, False, alternatives)}, {"raw_iron": 1})


def test_a_held_cause_is_right_with_the_lowest_tier() -> None:
    assert shd(learned_with(mine_with("stone_pickaxe")), truth()) == 0  # better pickaxes may be left out
    assert shd(learned_with(mine_with("stone_pickaxe", "diamond_pickaxe")), truth()) == 0
    assert shd(learned_with(mine_with("iron_pickaxe", "stone_pickaxe")), truth()) == 0  # named by another member


def test_a_wrong_tool_tier_is_a_wrong_edge() -> None:
    # "mine_iron_ore needs only diamond_pickaxe": every member satisfies the need, but a stone pickaxe does
    learned = learned_with(mine_with("diamond_pickaxe"))
    assert shd(learned, truth()) == 2
    assert sorted(edge_differences(learned, truth())) == [
        "extra: mine_iron_ore needs diamond_pickaxe",
        "missing: mine_iron_ore needs stone_pickaxe",
    ]
    assert shd(learned_with(mine_with("iron_pickaxe", "diamond_pickaxe")), truth()) == 2
    assert exact_match(learned, truth())["mine_iron_ore"] is False


def test_a_consumed_cause_needs_every_alternative_the_world_offers() -> None:
    assert shd(learned_with(smelt_with_fuel("coal", "oak_planks", "stick")), truth()) == 0
    assert shd(learned_with(smelt_with_fuel("stick", "coal", "oak_planks")), truth()) == 0  # any member names it
    # "smelting needs only stick as fuel": stick burns, but so do coal and planks
    only_stick = learned_with(smelt_with_fuel("stick"))
    assert shd(only_stick, truth()) == 2
    assert sorted(edge_differences(only_stick, truth())) == [
        "extra: smelt_raw_iron needs stick",
        "missing: smelt_raw_iron needs coal",
    ]
    assert shd(learned_with(smelt_with_fuel("coal", "oak_planks")), truth()) == 2  # one fuel short


def test_a_superset_with_a_wrong_member_is_a_wrong_edge() -> None:
    assert shd(learned_with(mine_with("stone_pickaxe", "wooden_pickaxe")), truth()) == 2  # a wooden one cannot
    assert shd(learned_with(smelt_with_fuel("coal", "oak_planks", "stick", "dirt")), truth()) == 2
    # an item outside every group does not match
    assert shd(learned_with(mine_with("wooden_pickaxe")), truth()) == 2
    # the truth's alternatives do not license a conjunction: one learned edge per group
    both = CausalRelation("mine_iron_ore", {"stone_pickaxe": Need(1, False), "iron_pickaxe": Need(1, False)}, {})
    assert shd(learned_with(both), truth()) == 2  # one extra need, one missing yield


def test_overlap_matching_compares_two_learned_graphs() -> None:
    # adam diff compares two learned graphs: neither is the truth, groups that share an item match
    learned = learned_with(mine_with("diamond_pickaxe", "iron_pickaxe"), smelt_with_fuel("stick", "coal"))
    assert edge_differences(learned, truth(), overlap=True) == []
    assert len(edge_differences(learned, truth())) == 4


def test_actions_restriction() -> None:
    wrong = CausalRelation("craft_planks", {"birch_log": Need(1, True)}, {"oak_planks": 4})
    learned = learned_with(wrong)
    assert shd(learned, truth(), actions=["craft_wooden_pickaxe", "mine_iron_ore"]) == 0
    assert shd(learned, truth(), actions=["craft_planks"]) == 2
    assert list(exact_match(learned, truth(), actions=["craft_planks"])) == ["craft_planks"]
    # learned-only actions are ignored by default, counted when asked for
    learned.set_relation(CausalRelation("gather_oak_log", {}, {"oak_log": 1}))
    assert shd(learned, truth()) == 2
    assert shd(learned, truth(), actions=["gather_oak_log"]) == 1


def test_precision_recall_on_known_example() -> None:
    # pickaxe: 2 of 3 needs + the yield right, one needs edge wrong (1 FP, 1 FN); planks: one extra yield
    pickaxe = CausalRelation(
        "craft_wooden_pickaxe",
        {"oak_planks": Need(3, True), "stick": Need(2, True), "furnace": Need(1, False)},
        {"wooden_pickaxe": 1},
    )
    planks = CausalRelation("craft_planks", PLANKS.needs, {"oak_planks": 4, "stick": 4})
    scores = edge_scores(learned_with(pickaxe, planks), truth())
    assert (scores.true_positive, scores.false_positive, scores.false_negative) == (11, 2, 1)
    assert scores.precision == pytest.approx(11 / 13)
    assert scores.recall == pytest.approx(11 / 12)
    assert scores.f1 == pytest.approx(2 * (11 / 13) * (11 / 12) / (11 / 13 + 11 / 12))
    assert shd(learned_with(pickaxe, planks), truth()) == 3


def test_empty_learned_graph() -> None:
    scores = edge_scores(CausalGraph(), truth())
    assert scores == EdgeScores(1.0, 0.0, 0.0, 0, 0, TRUTH_EDGES)
    assert shd(CausalGraph(), truth()) == TRUTH_EDGES


def test_quantity_errors() -> None:
    planks = CausalRelation("craft_planks", {"oak_log": Need(2, False)}, {"oak_planks": 1})
    iron = CausalRelation("mine_iron_ore", {"iron_pickaxe": Need(2, False, ("stone_pickaxe",))}, {"raw_iron": 2})
    errors = quantity_errors(learned_with(planks, iron), truth())
    assert errors == [
        "craft_planks: needs oak_log x2, truth x1",
        "craft_planks: yields oak_planks x1, truth x4",
        "mine_iron_ore: needs iron_pickaxe (as stone_pickaxe) x2, truth x1",
    ]  # raw_iron x2 lies in the true range 1-2; the consumed flag is not a quantity
    # a wrong group is a wrong edge, not a quantity error
    wrong = CausalRelation("mine_iron_ore", {"iron_pickaxe": Need(2, False)}, {"raw_iron": 1})
    assert quantity_errors(learned_with(wrong), truth()) == []
    out_of_range = CausalRelation("mine_iron_ore", MINE.needs, {"raw_iron": 3})
    assert quantity_errors(learned_with(out_of_range), truth()) == [
        "mine_iron_ore: yields raw_iron x3, truth range 1-2"
    ]


def test_score_bundle_is_json_able() -> None:
    wrong = CausalRelation("craft_planks", {"birch_log": Need(1, True)}, {"oak_planks": 2})
    result = score(learned_with(wrong), truth(), interventions=7, steps=1234)
    assert json.loads(json.dumps(result)) == result
    assert result["shd"] == 2 and result["exact_actions"] == 3 and result["total_actions"] == 4
    assert result["quantity_errors"] == 1 and result["interventions"] == 7 and result["steps"] == 1234
    assert result["precision"] == pytest.approx(11 / 12) and result["recall"] == pytest.approx(11 / 12)


def test_alternatives_are_counted_apart_from_shd():
    truth = CausalGraph.from_relations([PLANKS, PICKAXE, MINE, SMELT])
    assert alternative_counts(truth, truth) == (4, 4, 0)
    # a held cause with fewer of its higher tiers is right (SHD 0); the counts tell what it left out
    mine = mine_with("stone_pickaxe", "iron_pickaxe")
    learned = CausalGraph.from_relations([PLANKS, PICKAXE, mine, SMELT])
    assert shd(learned, truth) == 0
    assert alternative_counts(learned, truth) == (3, 4, 0)
    # a fuel group one fuel short and with a wrong member is a wrong edge, yet its alternatives still count
    learned = CausalGraph.from_relations([PLANKS, PICKAXE, mine, smelt_with_fuel("coal", "stick", "dirt")])
    assert shd(learned, truth) == 2
    assert alternative_counts(learned, truth) == (2, 4, 1)
    result = score(learned, truth)
    assert (result["alternatives_found"], result["alternatives_total"], result["alternatives_extra"]) == (2, 4, 1)
