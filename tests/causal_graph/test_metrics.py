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
from causal_graph.relation import CausalRelation, Need

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


def test_alternatives_match_any_member_of_the_group() -> None:
    iron = CausalRelation("mine_iron_ore", {"iron_pickaxe": Need(1, False)}, {"raw_iron": 1})
    assert shd(learned_with(iron), truth()) == 0
    fuel = CausalRelation(
        "smelt_raw_iron",
        {"furnace": Need(1, False), "raw_iron": Need(1, True), "oak_planks": Need(1, True, ("coal",))},
        {"iron_ingot": 1},
    )
    assert shd(learned_with(fuel), truth()) == 0
    # the learned edge's own alternatives may carry the overlap
    via_alternatives = CausalRelation(
        "mine_iron_ore", {"golden_pickaxe": Need(1, False, ("diamond_pickaxe",))}, {"raw_iron": 1}
    )
    assert shd(learned_with(via_alternatives), truth()) == 0
    # the truth's alternatives do not license a conjunction: one learned edge per group
    both = CausalRelation("mine_iron_ore", {"stone_pickaxe": Need(1, False), "iron_pickaxe": Need(1, False)}, {})
    assert shd(learned_with(both), truth()) == 2  # one extra need, one missing yield
    # an item outside every group does not match
    wooden = CausalRelation("mine_iron_ore", {"wooden_pickaxe": Need(1, False)}, {"raw_iron": 1})
    assert shd(learned_with(wooden), truth()) == 2


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
    iron = CausalRelation("mine_iron_ore", {"iron_pickaxe": Need(2, False)}, {"raw_iron": 2})
    errors = quantity_errors(learned_with(planks, iron), truth())
    assert errors == [
        "craft_planks: needs oak_log x2, truth x1",
        "craft_planks: yields oak_planks x1, truth x4",
        "mine_iron_ore: needs iron_pickaxe (as stone_pickaxe) x2, truth x1",
    ]  # raw_iron x2 lies in the true range 1-2; the consumed flag is not a quantity
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
    # the same structure with fewer alternatives (and one wrong one): SHD 0, the counts tell
    mine = CausalRelation("mine_iron_ore", {"stone_pickaxe": Need(1, False, ("iron_pickaxe",))}, {"raw_iron": 1})
    smelt = CausalRelation(
        "smelt_raw_iron",
        {"furnace": Need(1, False), "raw_iron": Need(1, True), "coal": Need(1, True, ("dirt",))},
        {"iron_ingot": 1},
    )
    learned = CausalGraph.from_relations([PLANKS, PICKAXE, mine, smelt])
    assert shd(learned, truth) == 0
    assert alternative_counts(learned, truth) == (1, 4, 1)
    result = score(learned, truth)
    assert (result["alternatives_found"], result["alternatives_total"], result["alternatives_extra"]) == (1, 4, 1)
