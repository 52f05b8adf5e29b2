"""The overworld action library (issue 19, first step): generated from 1.19's rules and the world generator's blocks,
ADAM's 41 kept as they are, and the simulator playing every generated action by the same rules."""

from __future__ import annotations

import gymnasium as gym
import pytest

from env.actions import action_library, adam_library
from env.blocks import world_blocks
from env.catalogue import catalogue
from env.rules import base_rules
from tests.support.cli import adam


@pytest.fixture(scope="module")
def overworld():
    return action_library("overworld")


def test_adams_41_come_first_unchanged_and_the_movements_last(overworld):
    adam41 = adam_library()
    acting = [s for s in adam41 if not s.is_movement]
    assert len(acting) == 41 and overworld[:41] == tuple(acting)
    assert overworld[-6:] == tuple(s for s in adam41 if s.is_movement)
    ids = [s.id for s in overworld]
    assert len(ids) == len(set(ids)) and len(ids) == 323  # 317 acting + 6 movements with today's world blocks


def test_one_action_per_obtainable_output_and_every_one_can_succeed(overworld):
    cat = catalogue("original", 0, "overworld")
    acting = [s for s in overworld if not s.is_movement]
    assert len(cat.true_relations()) == len(acting)  # nothing in the library that can never succeed
    crafts = [s.item for s in acting if s.kind == "craft"]
    assert len(crafts) == len(set(crafts))
    ids = {s.id for s in acting}
    # deep overworld items, a furnace recipe on an obtainable input, a block the generator places
    assert {"craft_bucket", "craft_torch", "craft_hopper", "craft_jukebox", "smelt_sand", "gather_deepslate"} <= ids
    # the overworld's own blocks (world.toml overworld_blocks) and what they make, 1.19's furnace list on them
    assert {"mine_redstone_ore", "craft_compass", "craft_piston", "craft_map", "gather_sugar_cane"} <= ids
    assert {"smelt_raw_copper", "smelt_clay_ball", "smelt_stone", "smelt_birch_log", "smelt_iron_pickaxe"} <= ids
    assert not {"smelt_iron_ore", "smelt_kelp", "smelt_cactus"} & ids  # no action here gets their inputs
    assert "craft_planks" in ids and "craft_oak_planks" not in ids  # ADAM's name for the output stays the only one


def test_blocks_that_give_nothing_certain_have_no_action(overworld):
    rules = base_rules()
    dug = {b for s in overworld for b in s.blocks}
    for block in world_blocks("overworld"):
        drops = rules.drops.get(block, ())
        certain = len({d.item for d in drops}) == 1 and all(d.chance >= 1 for d in drops)
        if block in ("air", "bedrock", "water") or not certain:
            assert block not in dug, block
        else:
            assert block in dug, block  # every other block the world generator places is some action's target


def test_obfuscation_renames_the_whole_library():
    shown = catalogue("obfuscated", 3, "overworld")
    real = catalogue("original", 0, "overworld")
    moves = set(shown.movement_actions)
    renamed = [a for a in shown.action_names if a not in moves]
    assert len(renamed) == len(real.action_names) - len(moves)
    assert not set(renamed) & set(real.action_names)


def test_the_simulator_plays_a_generated_craft_and_smelt_by_the_rules():
    env = gym.make("adam/Minecraft-v0", actions="overworld", render_frames=False)
    base = env.unwrapped
    assert env.action_space.n == len(action_library("overworld"))
    _, info = env.reset(seed=0, options={"inventory": {"coal": 1, "stick": 1}})
    obs, *_ = env.step(base.action_index("craft_torch"))
    assert obs["inventory"][base.item_names.index("torch")] == 4  # 1.19: coal + stick -> 4 torches
    env.reset(options={"inventory": {"sand": 1, "coal": 1, "furnace": 1}})
    obs, *_ = env.step(base.action_index("smelt_sand"))
    assert obs["inventory"][base.item_names.index("glass")] == 1
    env.reset(options={"inventory": {"stick": 1}})
    obs, *_ = env.step(base.action_index("craft_torch"))  # no coal: nothing
    assert obs["inventory"][base.item_names.index("torch")] == 0
    env.close()


def test_the_default_library_is_adams_and_an_unknown_one_is_named():
    assert gym.make("adam/Minecraft-v0").action_space.n == 47
    with pytest.raises(ValueError, match="unknown action library 'nether'; valid: adam41, overworld"):
        gym.make("adam/Minecraft-v0", actions="nether")


def test_the_command_line_takes_actions(tmp_path):
    items = adam("items", "--actions", "overworld")
    assert items.returncode == 0 and "torch" in items.stdout and "glass_pane" in items.stdout
    assert "torch" not in adam("items").stdout.replace(",", " ").split()
    bad = adam("run", "--env", "examples.workshop:workshop/Workshop-v0", "--goal", "x", "--actions", "overworld",
               "--out", str(tmp_path))  # fmt: skip
    err = bad.stderr.strip().splitlines()
    assert bad.returncode == 2 and len(err) == 1 and "--actions overworld applies only" in err[0]


def test_an_output_with_recipes_that_are_not_swaps_of_each_other_works_in_several_ways(overworld):
    """One iron block for nine ingots, or nine nuggets and a crafting table for one: not one recipe with a stand-in
    but two ways, the second listed by other_ways (for scoring only); ADAM's library has none."""
    from env.rules import base_rules
    from env.techtree import other_ways, true_relations

    rules = base_rules()
    main = {r.action: r for r in true_relations(rules, overworld)}
    others = {r.action: r for r in other_ways(rules, overworld)}
    assert set(main["craft_iron_ingot"].needs) == {"iron_block"} and main["craft_iron_ingot"].yields == {
        "iron_ingot": 9
    }
    assert set(others["craft_iron_ingot"].needs) == {"iron_nugget", "crafting_table"}
    assert others["craft_iron_ingot"].yields == {"iron_ingot": 1}
    # coal, charcoal or sticks burn as fuel (a stand-in in any quantity), but charcoal never for charcoal: one burnt,
    # one made, no inventory shows it; a log burnt beside the one it smelts is a second way (two logs), not a swap
    assert main["smelt_oak_log"].needs["coal"].alternatives == ("oak_planks", "stick")
    assert main["smelt_raw_iron"].needs["coal"].alternatives == ("charcoal", "oak_log", "oak_planks", "stick")
    assert {i: n.quantity for i, n in others["smelt_oak_log"].needs.items()} == {"oak_log": 2, "furnace": 1}
    # a recipe whose two differences are each a known stand-in (charcoal and oak wood) is no way of its own
    assert "craft_campfire" not in others
    assert main["craft_campfire"].needs["oak_log"].alternatives == ("oak_wood",)
    assert other_ways(rules) == []


def test_a_run_is_scored_against_the_way_it_learned():
    """The learner learns one way of an action; the score takes the way it is closest to, and a relation right for
    neither way is still wrong (the metric can fail)."""
    from causal_graph import CausalGraph, shd
    from causal_graph.metrics import closest_ways
    from env.interface import CausalRelation, Need

    block = CausalRelation("craft_ingot", {"block": Need(1, True)}, {"ingot": 9})
    nuggets = CausalRelation("craft_ingot", {"nugget": Need(9, True), "table": Need(1, False)}, {"ingot": 1})
    learned = CausalGraph.from_relations([nuggets])
    chosen = closest_ways(learned, [block], [nuggets])
    assert chosen == [nuggets] and shd(learned, CausalGraph.from_relations(chosen)) == 0
    assert closest_ways(CausalGraph.from_relations([block]), [block], [nuggets]) == [block]
    wrong = CausalGraph.from_relations([CausalRelation("craft_ingot", {"nugget": Need(9, True)}, {"ingot": 1})])
    assert shd(wrong, CausalGraph.from_relations(closest_ways(wrong, [block], [nuggets]))) == 1  # the table missing
    assert closest_ways(CausalGraph(), [block], [nuggets]) == [block]  # not learned: the main way


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_random_variant_perturbs_the_whole_overworld_tree_and_keeps_every_result_obtainable(overworld, seed):
    """``random:SEED`` with the overworld library changes recipes of the generated actions too (11 changes, not
    ADAM's 3), every craft's and smelt's result stays obtainable, and ADAM's library keeps its own changes."""
    from env.techtree import obtainable
    from env.variants import parse_variant, random_changes, variant_rules

    changes = random_changes(seed, actions="overworld")
    adam_items = {s.item for s in adam_library() if s.item}
    assert len(changes) == 11 and any(c["item"] not in adam_items for c in changes)
    assert random_changes(seed) == list(parse_variant(f"random:{seed}").changes)  # ADAM's own, as before
    rules = variant_rules(parse_variant(f"random:{seed}", "overworld"))
    specs = [s for s in overworld if not s.is_movement]
    blocks = world_blocks("overworld")
    have = obtainable(rules, specs, blocks)
    made = {r.result for s in specs if s.kind == "craft" for r in rules.recipes_for(s.item)}
    assert "diamond" in have and all(item in have for item in made & set(obtainable(base_rules(), specs, blocks)))
    truth = {r.action: r for r in catalogue(f"random:{seed}", seed, "overworld").true_relations()}
    changed = changes[0]["item"]
    assert (
        truth[f"craft_{changed}"]
        != {r.action: r for r in catalogue("original", 0, "overworld").true_relations()}[f"craft_{changed}"]
    )
