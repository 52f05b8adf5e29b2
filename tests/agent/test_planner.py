"""The offline planner on hand-built and learned graphs."""

from __future__ import annotations

from agent.planner import GraphPlanner, item_costs
from causal_graph import CausalGraph, CausalRelation, Need


def tree() -> CausalGraph:
    rels = [
        CausalRelation("gather_oak_log", {}, {"oak_log": 1}),
        CausalRelation("craft_planks", {"oak_log": Need(1, True)}, {"oak_planks": 4}),
        CausalRelation("craft_sticks", {"oak_planks": Need(2, True)}, {"stick": 4}),
        CausalRelation("craft_crafting_table", {"oak_planks": Need(4, True)}, {"crafting_table": 1}),
        CausalRelation(
            "craft_wooden_pickaxe",
            {"oak_planks": Need(3, True), "stick": Need(2, True), "crafting_table": Need(1, False)},
            {"wooden_pickaxe": 1},
        ),
        CausalRelation("gather_coal_ore", {"wooden_pickaxe": Need(1, False)}, {"coal": 1}),
        CausalRelation("craft_torch", {"coal": Need(1, True, ("charcoal",)), "stick": Need(1, True)}, {"torch": 4}),
    ]
    return CausalGraph.from_relations(rels, actions=["craft_golden_sword"])


def test_plan_counts_the_logs_the_whole_chain_needs():
    plan = GraphPlanner().plan(tree(), "wooden_pickaxe", {})
    counts = {}
    for s in plan.steps:
        counts[s.action] = counts.get(s.action, 0) + s.count
    # table 4 + sticks 2 + pickaxe 3 = 9 planks -> 3 logs
    assert counts["gather_oak_log"] == 3 and counts["craft_planks"] == 3
    assert plan.gathered == {"oak_log": 3}
    assert plan.steps[-1].action == "craft_wooden_pickaxe"
    order = [s.action for s in plan.steps]
    assert order.index("craft_crafting_table") < order.index("craft_wooden_pickaxe")


def test_plan_uses_what_is_held():
    plan = GraphPlanner().plan(tree(), "wooden_pickaxe", {"crafting_table": 1, "stick": 2, "oak_planks": 3})
    assert [s.action for s in plan.steps] == ["craft_wooden_pickaxe"]
    assert GraphPlanner().plan(tree(), "oak_log", {"oak_log": 1}).steps == ()


def test_plan_uses_a_held_alternative():
    plan = GraphPlanner().plan(tree(), "torch", {"charcoal": 1, "stick": 1})
    assert [s.action for s in plan.steps] == ["craft_torch"]


def test_unknown_or_unexplained_goal_has_no_plan():
    assert GraphPlanner().plan(tree(), "golden_sword", {}) is None
    assert GraphPlanner().plan(tree(), "diamond", {}) is None


def test_plan_names_only_known_actions_and_items():
    graph = tree()
    plan = GraphPlanner().plan(graph, "torch", {})
    assert {s.action for s in plan.steps} <= set(graph.actions())
    assert {s.produces for s in plan.steps} <= set(graph.items())


def test_an_alternative_that_cannot_be_had_here_is_passed_over_for_the_next():
    """Seed 88 gave up its diamond ("no chain of known actions yields it") with a whole graph: stone digging was
    learned to accept a stone pickaxe too, which the cost estimate found cheaper than the wooden one (iron digging's
    cobblestone by-product made cobblestone look nearly free), but the stone pickaxe needs the very cobblestone being
    made. The planner now tries the next way to meet the need (the wooden pickaxe) instead of failing."""
    rels = [
        *tree().relations(),
        CausalRelation("gather_stone", {"wooden_pickaxe": Need(1, False, ("stone_pickaxe",))}, {"cobblestone": 1}),
        CausalRelation("mine_iron_ore", {"stone_pickaxe": Need(1, False)}, {"raw_iron": 1, "cobblestone": 60}),
        CausalRelation(
            "craft_stone_pickaxe",
            {
                "cobblestone": Need(3, True, ("cobbled_deepslate",)),
                "stick": Need(2, True),
                "crafting_table": Need(1, False),
            },
            {"stone_pickaxe": 1},
        ),  # fmt: skip
    ]
    furnace = CausalRelation(
        "craft_furnace", {"cobblestone": Need(8, True), "crafting_table": Need(1, False)}, {"furnace": 1}
    )
    graph = CausalGraph.from_relations([*rels, furnace])
    assert item_costs(graph)["stone_pickaxe"] < item_costs(graph)["wooden_pickaxe"]  # the trap: the cheaper option
    plan = GraphPlanner().plan(graph, "furnace", {})
    assert plan is not None
    actions = [s.action for s in plan.steps]
    assert "craft_wooden_pickaxe" in actions and actions.index("craft_wooden_pickaxe") < actions.index("gather_stone")


def test_a_cheaper_producer_whose_causes_need_the_item_itself_is_passed_over():
    """A by-product makes a second producer: digging iron brings cobblestone up too, cheaper per block than mining
    stone, but iron needs a stone pickaxe, made of cobblestone. Planning a furnace (cobblestone), the planner backs
    out of that producer and uses the one it can start from nothing (it used to give up: no plan at all)."""
    rels = [
        *tree().relations(),
        CausalRelation("gather_stone", {"wooden_pickaxe": Need(1, False)}, {"cobblestone": 1}),
        CausalRelation("mine_iron_ore", {"stone_pickaxe": Need(1, False)}, {"raw_iron": 1, "cobblestone": 60}),
        CausalRelation(
            "craft_stone_pickaxe",
            {"cobblestone": Need(3, True), "stick": Need(2, True), "crafting_table": Need(1, False)},
            {"stone_pickaxe": 1},
        ),
    ]
    furnace = CausalRelation(
        "craft_furnace", {"cobblestone": Need(8, True), "crafting_table": Need(1, False)}, {"furnace": 1}
    )
    plan = GraphPlanner().plan(CausalGraph.from_relations([*rels, furnace]), "furnace", {})
    assert plan is not None
    actions = [s.action for s in plan.steps]
    assert "gather_stone" in actions and "mine_iron_ore" not in actions and actions[-1] == "craft_furnace"
