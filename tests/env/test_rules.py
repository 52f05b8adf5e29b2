"""The rules as the simulator plays them: tool gating, drops, recipes, smelting, by-products."""

from __future__ import annotations

import pytest

from env.rules import base_rules


def test_rules_come_from_minecraft_data():
    rules = base_rules()
    assert "wooden_pickaxe" in rules.harvest_tools["stone"]
    assert rules.harvest_tools["oak_log"] is None
    assert "wooden_pickaxe" not in rules.harvest_tools["iron_ore"]
    assert {d.item for d in rules.drops["iron_ore"]} == {"raw_iron"}
    assert rules.dig_ticks("stone", {"wooden_pickaxe": 1}) < rules.dig_ticks("stone", {})


def test_tool_gating_bare_hands_get_nothing_from_stone(make_env):
    e = make_env()
    e.reset(seed=0)
    _, _, _, _, info = e.step("gather_stone")
    assert not info["success"] and info["reason"] == "no_drop"
    assert "cobblestone" not in info["added"]


def test_wooden_pickaxe_gets_nothing_from_iron_ore(make_env):
    e = make_env()
    e.reset(seed=0, options={"inventory": {"wooden_pickaxe": 1}})
    e.reset(options={"inventory": {"wooden_pickaxe": 1}})
    _, _, _, _, info = e.step("mine_iron_ore")
    assert info["reason"] == "no_drop" and "raw_iron" not in info["added"]
    e.reset(options={"inventory": {"stone_pickaxe": 1}})
    _, _, _, _, info = e.step("mine_iron_ore")
    assert info["success"] and 1 <= info["added"]["raw_iron"] <= 2


def test_digging_down_yields_by_products(make_env):
    e = make_env()
    e.reset(seed=3)
    e.reset(options={"inventory": {"iron_pickaxe": 1}})
    _, _, _, _, info = e.step("mine_diamond_ore")
    assert info["success"] and info["added"]["diamond"] >= 1
    assert set(info["added"]) - {"diamond"}, "a tunnel to a deep ore digs through stone"


def test_3x3_recipe_needs_a_crafting_table(make_env):
    e = make_env()
    e.reset(seed=0)
    e.reset(options={"inventory": {"oak_planks": 3, "stick": 2}})
    _, _, _, _, info = e.step("craft_wooden_pickaxe")
    assert not info["success"] and info["reason"] == "cannot_craft" and info["consumed"] == {}


@pytest.mark.parametrize("planks", ["birch_planks", "spruce_planks"])
def test_tagged_ingredients_any_planks(make_env, planks):
    e = make_env()
    e.reset(seed=0)
    e.reset(options={"inventory": {planks: 3, "stick": 2, "crafting_table": 1}})
    _, _, _, _, info = e.step("craft_wooden_pickaxe")
    assert info["success"] and info["consumed"] == {planks: 3, "stick": 2}


def test_2x2_recipes_need_no_table(make_env):
    e = make_env()
    e.reset(seed=0)
    e.reset(options={"inventory": {"oak_planks": 4}})
    _, _, _, _, info = e.step("craft_crafting_table")
    assert info["success"] and info["added"] == {"crafting_table": 1}


def test_smelting_needs_furnace_and_fuel_and_any_fuel_works(make_env):
    e = make_env()
    e.reset(seed=0)
    e.reset(options={"inventory": {"raw_iron": 1, "coal": 1}})
    assert e.step("smelt_raw_iron")[4]["reason"] == "cannot_smelt"
    e.reset(options={"inventory": {"raw_iron": 1, "furnace": 1}})
    assert e.step("smelt_raw_iron")[4]["reason"] == "cannot_smelt"
    e.reset(options={"inventory": {"raw_iron": 1, "furnace": 1, "stick": 2}})
    info = e.step("smelt_raw_iron")[4]
    assert info["success"] and info["consumed"] == {"raw_iron": 1, "stick": 2} and info["added"] == {"iron_ingot": 1}
    e.reset(options={"inventory": {"raw_iron": 1, "furnace": 1, "coal": 3, "oak_planks": 2}})
    info = e.step("smelt_raw_iron")[4]
    assert info["consumed"] == {"raw_iron": 1, "coal": 1}, "coal is preferred (data order)"


def test_unreachable_target_fails_without_effect(make_env):
    e = make_env(search_radius=1)
    e.reset(seed=0)
    e.reset(options={"inventory": {"iron_pickaxe": 1}})
    _, _, _, _, info = e.step("mine_diamond_ore")
    assert info["reason"] == "unreachable" and info["added"] == {} and info["consumed"] == {}


def test_mined_blocks_stay_mined(make_env):
    e = make_env()
    e.reset(seed=0)
    first = e.engine.nearest(("oak_log",))
    e.step("gather_oak_log")
    assert e.engine.voxels[first] == 0
    assert e.engine.nearest(("oak_log",)) != first
