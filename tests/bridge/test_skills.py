"""The bridge's parametric skills against the local server: gather/mine with tool-gated drops and drop
pickup, crafting through mineflayer's own bot.craft (2x2 and at a placed table), smelting through its
bot.openFurnace, place, move, interventions."""

from __future__ import annotations

import pytest

PIT_EDGE = (11, 0)  # a terrace of the arena's open pit (bridge/server/arena.js), next to its ores


def test_gather_oak_log_walks_digs_and_picks_up(bot):
    result = bot.gather(["oak_log"])
    assert (result.success, result.reason) == (True, "ok")
    assert result.inventory.get("oak_log") == 1
    assert result.detail["dropsLeft"] == 0


@pytest.mark.parametrize(
    ("tool", "drop"),
    [(None, None), ("wooden_pickaxe", "cobblestone")],  # bare-handed stone drops nothing
)
def test_stone_drops_only_with_a_harvest_tool(bot, tool, drop):
    bot.configure(digWithoutTool=1)  # dig even bare-handed: the server's loot plugin decides
    bot.teleport(*PIT_EDGE)
    bot.set_inventory({tool: 1} if tool else {})
    result = bot.gather(["stone"])
    assert result.detail["broken"] == 1
    if drop is None:
        assert (result.success, result.reason) == (False, "no_drop")
        assert "cobblestone" not in result.inventory
    else:
        assert (result.success, result.reason) == (True, "ok")
        assert result.inventory.get(drop) == 1


def test_ores_need_their_tier(bot):
    """Every ore with its true tool is in tests/live/test_action_library.py; here: one tier too low."""
    bot.teleport(*PIT_EDGE)
    bot.set_inventory({"stone_pickaxe": 1})
    result = bot.gather(["gold_ore"])
    assert (result.success, result.reason) == (False, "no_tool")  # not no_drop: nothing of the world was spent
    assert (result.detail["noTool"], result.detail["broken"]) == (True, 0)  # not dug: it would drop nothing
    assert "raw_gold" not in result.inventory


def test_gather_dirt_and_sand(bot):
    assert bot.gather(["dirt", "grass_block"]).inventory.get("dirt") == 1
    assert bot.gather(["sand"]).inventory.get("sand") == 1


def test_gather_nothing_in_range_is_unreachable(bot):
    result = bot.gather(["emerald_ore"])
    assert (result.success, result.reason) == (False, "unreachable")


def test_craft_in_the_inventory_grid(bot):
    bot.set_inventory({"oak_log": 2})
    planks = bot.craft("oak_planks")
    assert (planks.success, planks.detail["detail"]) == (True, "inventory grid")
    assert planks.inventory == {"oak_log": 1, "oak_planks": 4}
    table = bot.craft("crafting_table")
    assert table.inventory == {"oak_log": 1, "crafting_table": 1}


def test_craft_at_a_placed_table_and_use_the_tool(bot):
    bot.set_inventory({"oak_planks": 3, "stick": 2, "crafting_table": 1})
    result = bot.craft("wooden_pickaxe")
    assert (result.success, result.detail["detail"]) == (True, "crafting table")
    assert result.inventory == {"wooden_pickaxe": 1, "crafting_table": 1}
    # the server's inventory agrees: the crafted pickaxe harvests stone
    assert bot.gather(["stone"]).inventory.get("cobblestone") == 1


def test_craft_needs_a_table_and_ingredients(bot):
    bot.set_inventory({"oak_planks": 3, "stick": 2})
    no_table = bot.craft("wooden_pickaxe")
    assert (no_table.reason, no_table.detail["detail"]) == ("cannot_craft", "needs a crafting table")
    bot.set_inventory({"oak_planks": 2, "stick": 2, "crafting_table": 1})
    result = bot.craft("wooden_pickaxe")
    assert (result.success, result.reason, result.detail["detail"]) == (False, "cannot_craft", "missing ingredients")
    assert result.inventory == {"oak_planks": 2, "stick": 2, "crafting_table": 1}


def test_craft_table_taken_back_by_breaking_it(make_bot):
    bot = make_bot()  # digStations=1: the table is broken and picked up, as a player would
    bot.set_inventory({"cobblestone": 8, "crafting_table": 1})
    result = bot.craft("furnace")
    assert result.success and result.detail["restored"] == []
    assert result.inventory == {"furnace": 1, "crafting_table": 1}


def test_smelt_in_a_placed_furnace(bot):
    bot.set_inventory({"furnace": 1, "raw_iron": 2, "coal": 1, "stone_pickaxe": 1})
    result = bot.smelt("raw_iron")
    assert (result.success, result.reason) == (True, "ok")
    assert result.inventory == {"furnace": 1, "raw_iron": 1, "iron_ingot": 1, "stone_pickaxe": 1}
    assert result.detail["detail"] == "fuel 1 coal"


def test_smelt_without_fuel_or_furnace_cannot_smelt(bot):
    bot.set_inventory({"furnace": 1, "raw_iron": 1})
    assert bot.smelt("raw_iron").reason == "cannot_smelt"
    bot.set_inventory({"raw_iron": 1, "coal": 1})
    assert bot.smelt("raw_iron").reason == "cannot_smelt"


def test_smelt_with_a_furnace_broken_by_a_pickaxe(make_bot):
    bot = make_bot()
    bot.set_inventory({"furnace": 1, "raw_gold": 1, "oak_planks": 1, "wooden_pickaxe": 1})
    result = bot.smelt("raw_gold")
    assert result.success and result.detail["restored"] == []
    assert result.inventory == {"furnace": 1, "gold_ingot": 1, "wooden_pickaxe": 1}


def test_place_puts_a_block_next_to_the_bot(bot):
    bot.set_inventory({"crafting_table": 1})
    result = bot.place("crafting_table")
    assert result.success
    assert result.inventory == {}
    x, _, z = bot.observe().position
    px, _, pz = result.detail["position"]
    assert max(abs(px - x), abs(pz - z)) <= 2


def test_move_and_turn_follow_the_simulators_facings(bot):
    start = bot.observe()
    forward = bot.move(forward=1)  # facing 0 = south = +z
    assert forward.reason == "moved" and forward.detail["moved"][2] > 0
    turned = bot.move(turn=1)
    assert turned.detail["facing"] == 90 and turned.detail["moved"] == [0, 0, 0]
    right = bot.move(right=1)  # right of west is north = -z
    assert right.detail["moved"][2] < 0
    assert bot.observe().facing == 90 != start.facing
